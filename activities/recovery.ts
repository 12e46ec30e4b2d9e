import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { shanghaiYear, type WorkingCalendar } from '../domain/calendar';
import { formatFen, fromDbFen } from '../domain/money';
import { isClosedRecovery } from '../domain/recovery';
import { renderEmail } from '../domain/emails';
import { SYSTEM_ACTOR } from '../domain/roles';
import type { Db } from '../data/db';
import { auditRecovery, reconcilePolicyChanges, subsidisedPolicies } from '../data/recovery';
import type { InsurerClient } from '../services/insurer';
import { startRecoveryWorkflow } from '../temporal/recoveryWorkflows';
import type { ReconciliationInput } from '../workflows/recovery/contract';
import { createCalendarActivities } from './calendar';
import { callService } from './serviceCall';

export interface RecoveryDeps {
  db: Db;
  temporal: Client;
  insurer: InsurerClient;
  publicBaseUrl: string;
  calendar: () => Promise<WorkingCalendar>;
  onEmailQueued?: () => void;
}

const day = (d: Date): string => d.toISOString().slice(0, 10);

/** Recovery (追回): the reconciliation's pages and the steps of a case's workflow, each idempotent. */
export function createRecoveryActivities(deps: RecoveryDeps) {
  const { db } = deps;
  const calendar = createCalendarActivities(deps);

  async function caseForMail(caseId: string) {
    return db.recoveryCase.findUniqueOrThrow({
      where: { id: caseId },
      include: {
        application: { include: { enterprise: { select: { name: true, contactEmail: true } } } },
      },
    });
  }
  type CaseForMail = Awaited<ReturnType<typeof caseForMail>>;

  async function mail(c: CaseForMail, step: 'notice' | 'reminder', deadline: string): Promise<void> {
    const app = c.application;
    const to = [
      ...new Set([app.payeeContactEmail, app.enterprise.contactEmail].filter((a): a is string => !!a)),
    ];
    const rendered = renderEmail(step === 'notice' ? 'recovery_notice' : 'recovery_reminder', {
      applicationId: app.id,
      enterpriseName: app.enterprise.name,
      track: app.track,
      link: `${deps.publicBaseUrl}/applications/${app.id}`,
      extra: {
        caseId: c.id,
        amount: formatFen(fromDbFen(c.amountFen - c.repaidFen)),
        deadline,
        ruleZh: c.ruleZh,
        ruleEn: c.ruleEn,
      },
    });
    const { count } = await db.emailOutbox.createMany({
      data: to.map((address) => ({
        key: `recovery:${c.id}:${step}:${address}`,
        applicationId: app.id,
        template: step === 'notice' ? 'recovery_notice' : 'recovery_reminder',
        to: address,
        ...rendered,
      })),
      skipDuplicates: true,
    });
    if (count > 0) deps.onEmailQueued?.();
  }

  return {
    /** One page of the reconciliation: the insurer's changes of each policy, the cases they open, started. */
    async reconcileRecoveryPage(
      req: ReconciliationInput & { at: string; afterId: string | null; pageSize: number },
    ): Promise<{ policies: number; opened: number; nextAfterId: string | null }> {
      const year = shanghaiYear(req.at);
      const page = await subsidisedPolicies(db, [year, year - 1], req.afterId, req.pageSize);
      let opened = 0;
      for (const p of page) {
        const changes = await callService('insurer', () =>
          deps.insurer.getPolicyChanges(p.insurerCode, p.policyNumber),
        );
        if (changes?.length) {
          const rule = { fullRecoveryMonths: req.fullRecoveryMonths };
          opened += (await reconcilePolicyChanges(db, p.applicationId, changes, rule)).length;
        }
      }
      // Every open case of the page is started (again): a case opened by an attempt that failed before it
      // started its workflow is started now, and a second start of a running one is harmless.
      const open = await db.recoveryCase.findMany({
        where: {
          applicationId: { in: page.map((p) => p.applicationId) },
          state: { notIn: ['REPAID', 'WAIVED'] },
        },
        select: { id: true },
      });
      const { taskQueue } = Context.current().info;
      for (const c of open) await startRecoveryWorkflow(deps.temporal, taskQueue, c.id, req);
      const last = page.at(-1);
      return {
        policies: page.length,
        opened,
        nextAfterId: page.length === req.pageSize && last ? last.applicationId : null,
      };
    },

    async recoveryClosed(caseId: string): Promise<boolean> {
      const c = await db.recoveryCase.findUniqueOrThrow({ where: { id: caseId }, select: { state: true } });
      return isClosedRecovery(c.state);
    },

    /** The notice: the deadline in working days from when it was first given, and the e-mail. */
    async noticeRecovery(req: { caseId: string; workingDays: number; timeAcceleration: number }) {
      const c = await caseForMail(req.caseId);
      const from = c.noticedAt ?? new Date();
      const due = await calendar.computeDeadline({ from: from.toISOString(), ...req });
      if (!c.noticedAt) {
        await db.$transaction(async (tx) => {
          const { count } = await tx.recoveryCase.updateMany({
            where: { id: c.id, noticedAt: null },
            data: { noticedAt: from, deadline: new Date(`${due.lastDay}T00:00:00Z`) },
          });
          if (count === 0) return;
          await auditRecovery(tx, {
            key: `recovery:${c.id}:noticed`,
            applicationId: c.applicationId,
            actor: SYSTEM_ACTOR,
            action: 'RECOVERY_NOTICED',
            note: due.lastDay,
            data: { caseId: c.id, deadline: due.lastDay, amountFen: fromDbFen(c.amountFen) },
          });
        });
      }
      await mail(c, 'notice', c.deadline ? day(c.deadline) : due.lastDay);
      return { dueAt: due.dueAt, deadline: due.lastDay };
    },

    /** The reminder at the deadline (while unpaid); answers when the case goes to an approver. */
    async remindRecovery(req: { caseId: string; workingDays: number; timeAcceleration: number }) {
      const c = await caseForMail(req.caseId);
      const from = c.remindedAt ?? new Date();
      const due = await calendar.computeDeadline({ from: from.toISOString(), ...req });
      if (!c.remindedAt && !isClosedRecovery(c.state)) {
        await db.$transaction(async (tx) => {
          const { count } = await tx.recoveryCase.updateMany({
            where: { id: c.id, remindedAt: null },
            data: { remindedAt: from },
          });
          if (count === 0) return;
          await tx.recoveryCase.updateMany({
            where: { id: c.id, state: 'OPEN' },
            data: { state: 'REMINDED' },
          });
          await auditRecovery(tx, {
            key: `recovery:${c.id}:reminded`,
            applicationId: c.applicationId,
            actor: SYSTEM_ACTOR,
            action: 'RECOVERY_REMINDED',
            data: { caseId: c.id, outstandingFen: fromDbFen(c.amountFen - c.repaidFen) },
          });
        });
        await mail(c, 'reminder', c.deadline ? day(c.deadline) : '');
      }
      return { dueAt: due.dueAt };
    },

    /** Unpaid after the reminder: the case goes to the approvers (state ESCALATED, their list's filter). */
    async escalateRecovery(caseId: string): Promise<void> {
      await db.$transaction(async (tx) => {
        const { count } = await tx.recoveryCase.updateMany({
          where: { id: caseId, escalatedAt: null, state: { notIn: ['REPAID', 'WAIVED'] } },
          data: { escalatedAt: new Date() },
        });
        if (count === 0) return;
        await tx.recoveryCase.updateMany({
          where: { id: caseId, state: { in: ['OPEN', 'REMINDED'] } },
          data: { state: 'ESCALATED' },
        });
        const c = await tx.recoveryCase.findUniqueOrThrow({ where: { id: caseId } });
        await auditRecovery(tx, {
          key: `recovery:${caseId}:escalated`,
          applicationId: c.applicationId,
          actor: SYSTEM_ACTOR,
          action: 'RECOVERY_ESCALATED',
          data: { caseId, outstandingFen: fromDbFen(c.amountFen - c.repaidFen) },
        });
      });
    },
  };
}
