import { log } from '@temporalio/activity';
import type { EmailTemplate } from '../domain/emails';
import { INSURED_STATUSES } from '../domain/evaluation';
import type { Actor, Queue, Role } from '../domain/roles';
import type { Reason } from '../domain/rules';
import type { ApplicationStatus } from '../domain/status';
import type { Prisma, Db, Tx } from '../data/db';
import { syncEvaluationRollupsOf } from '../data/evaluationRollups';
import { fixPayee } from '../data/payee';
import { signedLinks } from '../platform/signedLinks';
import { applicationData, applyObjection, applyTask, queueEmails } from './stepWrites';
import type { TaskView } from '../workflows/application/contract';

export type TaskChange =
  | { op: 'open'; id: string; queue: Queue; org: string | null; dueAt: string; assignee?: string | null }
  | { op: 'claim'; id: string; assignee: string }
  | { op: 'assign'; id: string; assignee: string }
  | { op: 'unclaim'; id: string }
  | { op: 'escalate'; id: string }
  | { op: 'complete'; id: string; outcome: string }
  | { op: 'cancel'; id: string };

export interface EmailRequest {
  /** Unique per application and event: a replayed step never queues a second e-mail. */
  key: string;
  template: EmailTemplate;
  /** The applicant's contact address, explicit addresses, or the supervisors of a queue's role and organisation. */
  to: 'applicant' | string[] | { supervisorsOf: { role: Role; org: string | null } } | { staff: Role };
  comment?: string | null;
  message?: string | null;
  deadline?: string | null;
  reasons?: { code: string; zh: string; en: string }[];
  extra?: Record<string, string | number | null>;
}

/** Fields of the application a step sets (the subsidy as the rules computed it, and the facts judged). */
export interface ApplicationUpdate {
  subsidyYear?: number;
  baseFen?: number;
  computedFen?: number;
  grantedFen?: number | null;
  rateBp?: number;
  reasons?: Reason[];
  payee?: string;
  reviewOrg?: string;
  verifiedFacts?: Record<string, unknown>;
  prechecked?: boolean;
  /** The open request for information, or null once answered. */
  infoRequest?: { message: string; deadline: string; requestedBy: string; requestedAt: string } | null;
  /** Whether an administrator should look at the case, and why. */
  attention?: { needed: boolean; reason: string | null };
  /** Marks the moment of approval, of starting to wait for budget (null: no longer waiting), of payment. */
  approved?: boolean;
  awaitingBudget?: boolean;
  disbursed?: boolean;
  /** The loan request as the applicant last consented to it (null: opted out). */
  loanInterest?: Record<string, unknown> | null;
}

export type ObjectionChange =
  | { op: 'file'; id: string; batchId: string; name: string; contact: string; reason: string }
  | { op: 'decide'; ids: string[]; outcome: 'UPHELD' | 'DISMISSED'; by: string };

/** One step of a workflow, written to the database in one transaction, at most once (keyed). */
export interface StepRecord {
  key: string;
  applicationId: string;
  at: string;
  actor: Actor;
  action: string;
  toStatus?: ApplicationStatus;
  note?: string | null;
  data?: Record<string, unknown>;
  task?: TaskChange;
  application?: ApplicationUpdate;
  /** Documents the applicant uploaded, attached to the application by this step. */
  attachDocuments?: { ids: string[]; creditCode: string };
  /** The final state of a payment attempt. */
  payment?: { id: string; status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED'; failureReason?: string | null };
  objection?: ObjectionChange;
  /** Takes the application's grant off the public notice. */
  noticeRemoved?: 'WITHDRAWN' | 'UPHELD' | 'CANCELLED';
  emails?: EmailRequest[];
}

export interface StepResult {
  replayed: boolean;
  task: TaskView | null;
}

export interface RecordDeps {
  db: Db;
  publicBaseUrl: string;
  /** Signs the links rendered into e-mails (the follow-up survey's). */
  linkSecret: string;
  onEmailQueued?: () => void;
  /**
   * Called after a step that ends the application (REJECTED, WITHDRAWN), also when the step is replayed: gives
   * back its reservation or its place in the budget queue, even one made while the workflow was being cancelled.
   */
  onEnded?: (applicationId: string) => Promise<unknown>;
  /**
   * Called after the precheck's result is recorded (also when replayed): the application's anomaly flags are
   * computed then (data/riskFlags.ts). Its failure is logged, never the step's: a flag never holds a case up.
   */
  onPrechecked?: (applicationId: string) => Promise<unknown>;
}

const ENDING: readonly ApplicationStatus[] = ['REJECTED', 'WITHDRAWN'];

/** The step that records the approver's approval in the final-approval queue (ApplicationProcess.closeTask). */
const isFinalApproval = (step: StepRecord) =>
  step.task?.op === 'complete' && step.data?.queue === 'final-approval' && step.data?.decision === 'approve';

/**
 * Whether a step can change what the application contributes to the evaluation's rollups: it enters or leaves
 * the insured set (approval, a status in or out of GRANT_HOLDING_STATUSES), its high-tech facts change, or a
 * payment settles. Only then is the (idempotent) sync run; other steps leave the rollups alone.
 */
const movesEvaluation = (step: StepRecord, fromStatus: ApplicationStatus | undefined): boolean =>
  (step.toStatus !== undefined &&
    (INSURED_STATUSES.includes(step.toStatus) || (!!fromStatus && INSURED_STATUSES.includes(fromStatus)))) ||
  !!step.application?.approved ||
  step.application?.verifiedFacts !== undefined ||
  step.payment !== undefined;

export function createRecordActivities(deps: RecordDeps) {
  const { db } = deps;
  const emailLinks = { sign: signedLinks(deps.linkSecret), publicBaseUrl: deps.publicBaseUrl };

  /**
   * A replayed step is the step recorded under its key, or the workflow and the database have parted: a
   * key names the workflow's n-th step, and a step whose effect was written in a workflow task the server
   * then discarded can come back as another step under the same key (docs/performance.md, "Local
   * activities"). Skipping it would lose that step silently; failing it (retried, so the case waits at
   * this step in the stuck list, with this message in the worker's log) lets someone look.
   */
  async function sameStepAsRecorded(tx: Tx, step: StepRecord): Promise<void> {
    const recorded = await tx.auditEvent.findUnique({
      where: { key: step.key },
      select: { action: true, toStatus: true },
    });
    if (recorded && (recorded.action !== step.action || recorded.toStatus !== (step.toStatus ?? null)))
      throw new Error(
        `step ${step.key} was recorded as ${recorded.action}, and is now ${step.action}: the workflow and the database have parted`,
      );
  }

  return {
    /** Writes one workflow step (status, task, audit, e-mails) atomically; a replay changes nothing. */
    async record(step: StepRecord): Promise<StepResult> {
      const at = new Date(step.at);
      const replayed = await db.$transaction(async (tx) => {
        // The status it leaves is read under the application's lock (the one the audit chain's trigger takes),
        // so that the entry is written whole, once: entries are chained and never updated.
        let fromStatus: ApplicationStatus | undefined;
        if (step.toStatus) {
          const [row] = await tx.$queryRaw<{ status: ApplicationStatus }[]>`
            SELECT status::text AS status FROM "Application" WHERE id = ${step.applicationId} FOR NO KEY UPDATE`;
          if (!row) throw new Error(`application ${step.applicationId} not found`);
          fromStatus = row.status;
        }
        const { count } = await tx.auditEvent.createMany({
          data: [
            {
              key: step.key,
              applicationId: step.applicationId,
              at,
              actor: step.actor.subject,
              actorRole: step.actor.role,
              action: step.action,
              fromStatus: fromStatus ?? null,
              toStatus: step.toStatus ?? null,
              note: step.note ?? null,
              data: step.data as Prisma.InputJsonObject | undefined,
            },
          ],
          skipDuplicates: true,
        });
        if (count === 0) {
          await sameStepAsRecorded(tx, step);
          return true;
        }
        if (step.toStatus) {
          await tx.application.update({
            where: { id: step.applicationId },
            data: { status: step.toStatus, statusChangedAt: at },
          });
        }
        if (step.application) {
          await tx.application.update({
            where: { id: step.applicationId },
            data: applicationData(step.application, at),
          });
        }
        if (step.task) await applyTask(tx, step.applicationId, step.task, at);
        // The payee is fixed at final approval (or at funding, for a case approved before this rule).
        if (isFinalApproval(step) || step.application?.approved) await fixPayee(tx, step.applicationId, at);
        if (step.payment) {
          await tx.payment.update({
            where: { id: step.payment.id },
            data: {
              status: step.payment.status,
              failureReason: step.payment.failureReason ?? null,
              settledAt: at,
            },
          });
        }
        if (step.objection) await applyObjection(tx, step.applicationId, step.objection, at);
        if (step.noticeRemoved) {
          await tx.noticeItem.updateMany({
            where: { applicationId: step.applicationId },
            data: { removed: step.noticeRemoved },
          });
        }
        if (step.attachDocuments?.ids.length) {
          await tx.document.updateMany({
            where: {
              id: { in: step.attachDocuments.ids },
              creditCode: step.attachDocuments.creditCode,
              applicationId: null,
            },
            data: { applicationId: step.applicationId },
          });
        }
        if (movesEvaluation(step, fromStatus)) await syncEvaluationRollupsOf(tx, step.applicationId);
        if (step.emails?.length) await queueEmails(tx, step.applicationId, step.emails, emailLinks);
        return false;
      });
      if (step.emails?.length) deps.onEmailQueued?.();
      if (step.toStatus && ENDING.includes(step.toStatus)) await deps.onEnded?.(step.applicationId);
      if (step.action === 'PRECHECK_DONE' && deps.onPrechecked) {
        try {
          await deps.onPrechecked(step.applicationId);
        } catch (err) {
          log.warn('anomaly flags not computed after the precheck (the nightly run computes them)', {
            applicationId: step.applicationId,
            error: String(err),
          });
        }
      }
      let task: TaskView | null = null;
      if (step.task) {
        const row = await db.task.findUniqueOrThrow({ where: { id: step.task.id } });
        task = {
          id: row.id,
          queue: row.queue as Queue,
          org: row.org,
          assignee: row.assignee,
          dueAt: row.dueAt.toISOString(),
        };
      }
      return { replayed, task };
    },
  };
}
