import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { annualCapOf, reason, type RulesResult } from '../../domain/rules';
import { SYSTEM_ACTOR } from '../../domain/roles';
import { DATABASE } from '../activityOptions';
import { bankMatchingWorkflowId } from '../bankMatching/contract';
import { bankMatchingWorkflow } from '../bankMatching/workflow';
import { ApplicationIdKey, CreditCodeKey, NeedsAttentionKey, TrackKey } from '../searchAttributes';
import type { ApplicationProcess } from './process';
import { awaitPeople, finishTask, openTask } from './tasks';

const { reserveGrant } = proxyActivities<Activities>(DATABASE);

/**
 * Makes the grant binding: one atomic reservation of budget and annual cap. Without budget the case waits
 * (AWAITING_BUDGET, a task for finance) until the budget is raised, first come first served.
 * Returns the granted amount, or null when the cap is used up (rejected).
 */
export async function fund(
  p: ApplicationProcess,
  checked: RulesResult,
  comment: string,
): Promise<number | null> {
  const { input } = p;
  let waiting = false;
  for (;;) {
    const seen = p.budgetChanges;
    const outcome = await reserveGrant({
      applicationId: input.applicationId,
      budgetYear: input.programYear,
      track: input.track,
      creditCode: input.creditCode,
      subsidyYear: checked.subsidyYear,
      computedFen: checked.computedFen,
      annualCapFen: annualCapOf(input.program, input.track),
      wasWaiting: waiting,
    });
    if (outcome.kind === 'RESERVED') {
      p.reserved();
      const reasons = outcome.capped
        ? [
            ...checked.reasons.filter((r) => r.code !== 'CAPPED'),
            reason('CAPPED', { remainingFen: outcome.grantFen, computedFen: checked.computedFen }),
          ]
        : checked.reasons;
      const approval = {
        toStatus: 'APPROVED' as const,
        application: { grantedFen: outcome.grantFen, reasons, approved: true, awaitingBudget: false },
        emails: [
          {
            key: `${input.applicationId}:approved`,
            template: 'approved' as const,
            to: 'applicant' as const,
            comment,
          },
        ],
      };
      await (waiting
        ? finishTask(p, 'funded', approval)
        : p.step({ actor: SYSTEM_ACTOR, action: 'GRANT_RESERVED', ...approval }));
      await handOff(p);
      return outcome.grantFen;
    }
    if (outcome.kind === 'CAP_REACHED') {
      const why = reason('ANNUAL_CAP_REACHED', { year: checked.subsidyYear, capFen: outcome.capFen });
      const rejection = {
        toStatus: 'REJECTED' as const,
        application: { reasons: [...checked.reasons, why], awaitingBudget: false },
        emails: [
          {
            key: `${input.applicationId}:rejected`,
            template: 'rejected' as const,
            to: 'applicant' as const,
            reasons: [why],
          },
        ],
      };
      await (waiting
        ? finishTask(p, 'cap reached', rejection)
        : p.step({ actor: SYSTEM_ACTOR, action: 'DECISION', note: why.code, ...rejection }));
      return null;
    }
    if (!waiting) {
      waiting = true;
      await openTask(p, 'budget', null, input.program.reviewSlaWorkingDays.final, 'AWAITING_BUDGET', null, {
        awaitingBudget: true,
      });
    }
    await awaitPeople(p, p.task!, () => p.budgetChanges > seen);
  }
}

/**
 * Starts the bank hand-off (保贷联动) for an opted-in applicant of a piloted track. It runs as a child that
 * outlives this workflow (parent-close ABANDON) and is never waited for: the subsidy goes on at once.
 */
async function handOff(p: ApplicationProcess): Promise<void> {
  const { input } = p;
  if (!p.loanInterest || !input.program.bankMatchingTracks.includes(input.track)) return;
  p.handOffStarted = true;
  await startChild(bankMatchingWorkflow, {
    workflowId: bankMatchingWorkflowId(input.applicationId),
    parentClosePolicy: ParentClosePolicy.ABANDON,
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: `Bank hand-off (保贷联动) of ${input.applicationId} · ${input.creditCode}`,
    args: [
      {
        applicationId: input.applicationId,
        creditCode: input.creditCode,
        track: input.track,
        responseWorkingDays: input.program.bankResponseWorkingDays,
        timeAcceleration: input.timeAcceleration,
      },
    ],
    typedSearchAttributes: [
      { key: ApplicationIdKey, value: input.applicationId },
      { key: CreditCodeKey, value: input.creditCode },
      { key: TrackKey, value: input.track },
      { key: NeedsAttentionKey, value: false },
    ],
  });
  await p.step({
    actor: SYSTEM_ACTOR,
    action: 'BANK_MATCHING_STARTED',
    note: bankMatchingWorkflowId(input.applicationId),
  });
}
