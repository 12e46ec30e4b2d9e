import type { WorkingCalendar } from '../domain/calendar';
import { renderEmail, type EmailTemplate } from '../domain/emails';
import { fromDbFen } from '../domain/money';
import type { Actor, Queue } from '../domain/roles';
import type { Reason } from '../domain/rules';
import type { ApplicationStatus } from '../domain/status';
import type { Db, Prisma, Tx } from '../services/db';
import type { TaskView } from '../workflows/application/contract';

export type TaskChange =
  | {
      op: 'open';
      id: string;
      queue: Queue;
      org: string | null;
      workingDays: number;
      timeAcceleration: number;
    }
  | { op: 'claim'; id: string; assignee: string }
  | { op: 'unclaim'; id: string }
  | { op: 'complete'; id: string; outcome: string }
  | { op: 'cancel'; id: string };

export interface EmailRequest {
  /** Unique per application and event: a replayed step never queues a second e-mail. */
  key: string;
  template: EmailTemplate;
  /** The applicant's contact address, or explicit addresses (supervisors, finance, banks). */
  to: 'applicant' | string[];
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
}

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
  emails?: EmailRequest[];
}

export interface StepResult {
  replayed: boolean;
  task: TaskView | null;
}

export interface RecordDeps {
  db: Db;
  calendar: () => Promise<WorkingCalendar>;
  publicBaseUrl: string;
  onEmailQueued?: () => void;
}

const bigint = (n: number | null | undefined) =>
  n === undefined ? undefined : n === null ? null : BigInt(n);

function applicationData(u: ApplicationUpdate, at: Date): Prisma.ApplicationUpdateInput {
  return {
    subsidyYear: u.subsidyYear,
    baseFen: bigint(u.baseFen),
    computedFen: bigint(u.computedFen),
    grantedFen: bigint(u.grantedFen),
    rateBp: u.rateBp,
    reasons: u.reasons as unknown as Prisma.InputJsonArray | undefined,
    payee: u.payee,
    reviewOrg: u.reviewOrg,
    verifiedFacts: u.verifiedFacts as Prisma.InputJsonObject | undefined,
    precheckedAt: u.prechecked ? at : undefined,
  };
}

export function createRecordActivities(deps: RecordDeps) {
  const { db } = deps;

  async function applyTask(tx: Tx, applicationId: string, change: TaskChange, at: Date): Promise<void> {
    switch (change.op) {
      case 'open': {
        const calendar = await deps.calendar();
        const business = calendar.deadline(at, change.workingDays).at.getTime() - at.getTime();
        const dueAt = new Date(at.getTime() + Math.round(business / change.timeAcceleration));
        await tx.task.create({
          data: { id: change.id, applicationId, queue: change.queue, org: change.org, createdAt: at, dueAt },
        });
        return;
      }
      case 'claim':
        await tx.task.update({
          where: { id: change.id },
          data: { state: 'CLAIMED', assignee: change.assignee, claimedAt: at },
        });
        return;
      case 'unclaim':
        await tx.task.update({
          where: { id: change.id },
          data: { state: 'OPEN', assignee: null, claimedAt: null },
        });
        return;
      case 'complete':
        await tx.task.update({
          where: { id: change.id },
          data: { state: 'DONE', completedAt: at, outcome: change.outcome },
        });
        return;
      case 'cancel':
        await tx.task.update({ where: { id: change.id }, data: { state: 'CANCELLED', completedAt: at } });
        return;
    }
  }

  async function queueEmails(tx: Tx, applicationId: string, emails: EmailRequest[]): Promise<void> {
    const app = await tx.application.findUniqueOrThrow({
      where: { id: applicationId },
      include: { enterprise: { select: { name: true, contactEmail: true } } },
    });
    const rows = emails.map((e) => {
      const rendered = renderEmail(e.template, {
        applicationId,
        enterpriseName: app.enterprise.name,
        track: app.track,
        link: `${deps.publicBaseUrl}/api/v1/applications/${encodeURIComponent(applicationId)}`,
        grantedFen: fromDbFen(app.grantedFen),
        computedFen: fromDbFen(app.computedFen),
        comment: e.comment,
        message: e.message,
        deadline: e.deadline,
        reasons: e.reasons,
        extra: e.extra,
      });
      const to = e.to === 'applicant' ? app.enterprise.contactEmail : e.to.join(', ');
      return { key: e.key, applicationId, template: e.template, to, ...rendered };
    });
    await tx.emailOutbox.createMany({ data: rows, skipDuplicates: true });
  }

  return {
    /** Writes one workflow step (status, task, audit, e-mails) atomically; a replay changes nothing. */
    async record(step: StepRecord): Promise<StepResult> {
      const at = new Date(step.at);
      const replayed = await db.$transaction(async (tx) => {
        const { count } = await tx.auditEvent.createMany({
          data: [
            {
              key: step.key,
              applicationId: step.applicationId,
              at,
              actor: step.actor.subject,
              actorRole: step.actor.role,
              action: step.action,
              toStatus: step.toStatus ?? null,
              note: step.note ?? null,
              data: step.data as Prisma.InputJsonObject | undefined,
            },
          ],
          skipDuplicates: true,
        });
        if (count === 0) return true;
        if (step.toStatus) {
          const before = await tx.application.findUniqueOrThrow({ where: { id: step.applicationId } });
          await tx.application.update({
            where: { id: step.applicationId },
            data: { status: step.toStatus, statusChangedAt: at },
          });
          await tx.auditEvent.update({ where: { key: step.key }, data: { fromStatus: before.status } });
        }
        if (step.application) {
          await tx.application.update({
            where: { id: step.applicationId },
            data: applicationData(step.application, at),
          });
        }
        if (step.task) await applyTask(tx, step.applicationId, step.task, at);
        if (step.emails?.length) await queueEmails(tx, step.applicationId, step.emails);
        return false;
      });
      if (step.emails?.length) deps.onEmailQueued?.();
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
