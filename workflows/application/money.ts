import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import { bankMatchingWorkflowId } from '../bankMatching/contract';
import { bankMatchingWorkflow } from '../bankMatching/workflow';
import { ApplicationIdKey, CreditCodeKey, NeedsAttentionKey, TrackKey } from '../searchAttributes';
import type { Activities } from '../../activities';
import { addMonths } from '../../domain/calendar';
import { annualCapOf, reason, type RulesResult } from '../../domain/rules';
import { COMMITTEE_ORG, SYSTEM_ACTOR } from '../../domain/roles';
import type { ApplicationProcess } from './process';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The gateway may be down for a while: keep asking (the idempotency key makes every retry safe). */
const gateway = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: ['ServiceError'],
  },
});

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
    const outcome = await acts.reserveGrant({
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
        ? p.finishTask('funded', approval)
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
        ? p.finishTask('cap reached', rejection)
        : p.step({ actor: SYSTEM_ACTOR, action: 'DECISION', note: why.code, ...rejection }));
      return null;
    }
    if (!waiting) {
      waiting = true;
      await p.openTask('budget', null, input.program.reviewSlaWorkingDays.final, 'AWAITING_BUDGET', null, {
        awaitingBudget: true,
      });
    }
    await p.awaitPeople(p.task!, () => p.budgetChanges > seen);
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

/**
 * The public notice (公示): waits to be published, takes objections to an approver while the notice is
 * open, and returns whether the grant stands when the period ends.
 */
export async function publicNotice(p: ApplicationProcess): Promise<boolean> {
  const { input } = p;
  await p.until(() => p.notice !== null);
  const notice = p.notice!;
  await p.step({
    actor: SYSTEM_ACTOR,
    action: 'PUBLISHED',
    toStatus: 'IN_PUBLIC_NOTICE',
    note: `notice ${notice.batchId} until ${notice.endsAt}`,
    emails: [
      {
        key: `${input.applicationId}:published`,
        template: 'published',
        to: 'applicant',
        deadline: notice.endsAt,
      },
    ],
  });
  for (;;) {
    await p.until(() => notice.ended || p.objections.length > 0);
    if (p.objections.length === 0) return true;
    const ids = p.objections.splice(0);
    const task = await p.openTask(
      'objection-review',
      COMMITTEE_ORG,
      input.program.reviewSlaWorkingDays.final,
      'IN_PUBLIC_NOTICE',
    );
    const d = await p.awaitDecision(task);
    const upheld = d.decision === 'reject';
    await p.closeTask(d, {
      ...(upheld ? { toStatus: 'REJECTED' as const, noticeRemoved: 'UPHELD' as const } : {}),
      objection: { op: 'decide', ids, outcome: upheld ? 'UPHELD' : 'DISMISSED', by: d.actor.subject },
      emails: [
        {
          key: `${input.applicationId}:objection:${task.id}`,
          template: upheld ? 'objection_upheld' : 'objection_dismissed',
          to: 'applicant',
          comment: d.comment,
        },
      ],
    });
    if (upheld) {
      await p.compensate();
      return false;
    }
  }
}

/**
 * Pays the grant: one payment per attempt with an idempotency key derived from the application, the result
 * from the signed callback (or by asking the gateway when it is late). A definitive failure goes to finance,
 * who retry (a new attempt) or cancel (the reservation is released). Returns whether the grant was paid.
 */
export async function disburse(p: ApplicationProcess, grantFen: number): Promise<boolean> {
  const { input } = p;
  await p.step({
    actor: SYSTEM_ACTOR,
    action: 'DISBURSING',
    toStatus: 'DISBURSING',
    data: { amountFen: grantFen },
  });
  for (let attempt = 1; ; attempt++) {
    const paymentId = `${input.applicationId}-pay-${attempt}`;
    let answer = await gateway.requestPayment({
      paymentId,
      applicationId: input.applicationId,
      attempt,
      amountFen: grantFen,
    });
    while (answer.status === 'PENDING') {
      if (await p.until(() => p.paymentResults.has(paymentId), input.paymentPollSeconds * 1000)) {
        answer = p.paymentResults.get(paymentId)!;
      } else {
        answer = await gateway.paymentStatus(paymentId);
      }
    }
    if (answer.status === 'SUCCEEDED') {
      await acts.spendGrant(input.applicationId);
      p.compensations.splice(0); // paid money is not given back
      await p.step({
        actor: SYSTEM_ACTOR,
        action: 'PAID',
        toStatus: 'PAID',
        payment: { id: paymentId, status: 'SUCCEEDED' },
        application: { disbursed: true, attention: p.attention('payment failed', false) },
        emails: [{ key: `${input.applicationId}:paid`, template: 'paid', to: 'applicant' }],
      });
      return true;
    }
    await p.step({
      actor: SYSTEM_ACTOR,
      action: 'PAYMENT_FAILED',
      note: answer.failureReason,
      payment: { id: paymentId, status: 'FAILED', failureReason: answer.failureReason },
      application: { attention: p.attention('payment failed', true) },
      emails: [
        {
          key: `${input.applicationId}:payment-failed:${attempt}`,
          template: 'payment_failed',
          to: { staff: 'finance' },
          extra: { reason: answer.failureReason, attempt },
        },
      ],
    });
    const task = await p.openTask(
      'payment-exception',
      null,
      input.program.reviewSlaWorkingDays.final,
      'PAYMENT_FAILED',
    );
    const d = await p.awaitDecision(task);
    if (d.decision === 'approve') {
      await p.closeTask(d, {
        toStatus: 'DISBURSING',
        application: { attention: p.attention('payment failed', false) },
      });
      continue;
    }
    await p.closeTask(d, {
      toStatus: 'REJECTED',
      application: { attention: p.attention('payment failed', false) },
      emails: [
        {
          key: `${input.applicationId}:payment-cancelled`,
          template: 'payment_cancelled',
          to: 'applicant',
          comment: d.comment,
        },
      ],
    });
    await p.compensate();
    return false;
  }
}

/**
 * Follow-up (实施效果评估): survey e-mails with signed links at the configured months after payment, and for
 * the inclusive track a renewal reminder before the policy ends while supported years remain. Then CLOSED.
 */
export async function track(p: ApplicationProcess, checked: RulesResult): Promise<void> {
  const { input } = p;
  const { program } = input;
  const paidAt = Date.now();
  await p.step({ actor: SYSTEM_ACTOR, action: 'TRACKING', toStatus: 'TRACKING' });
  const events: { at: number; kind: 'survey' | 'renewal'; round: number }[] = program.followUpMonths.map(
    (months, i) => ({
      at: addMonths(new Date(paidAt), months).getTime(),
      kind: 'survey',
      round: i + 1,
    }),
  );
  if (input.track === 'INCLUSIVE') {
    const end = Date.parse(`${checked.facts.policy.endDate}T00:00:00+08:00`);
    const remind = end - program.renewalReminderDays * 86_400_000;
    if (remind > paidAt) events.push({ at: remind, kind: 'renewal', round: 0 });
  }
  events.sort((a, b) => a.at - b.at);
  for (const e of events) {
    // Business time runs `timeAcceleration` times faster than the workflow clock.
    const wait = (e.at - paidAt) / input.timeAcceleration - (Date.now() - paidAt);
    if (wait > 0) await p.until(() => false, wait);
    if (e.kind === 'renewal') {
      if ((await acts.inclusiveYearsUsed(input.creditCode)) >= program.inclusiveMaxYears) continue;
      await p.step({
        actor: SYSTEM_ACTOR,
        action: 'RENEWAL_REMINDER',
        emails: [
          {
            key: `${input.applicationId}:renewal`,
            template: 'renewal_reminder',
            to: 'applicant',
            deadline: checked.facts.policy.endDate,
          },
        ],
      });
      continue;
    }
    // The link (a signed token) is made where the e-mail is rendered: no token enters the history.
    await acts.surveyLink({ applicationId: input.applicationId, round: e.round, validDays: 90 });
    await p.step({
      actor: SYSTEM_ACTOR,
      action: 'SURVEY_SENT',
      note: `follow-up survey ${e.round}`,
      emails: [
        {
          key: `${input.applicationId}:survey:${e.round}`,
          template: 'survey',
          to: 'applicant',
          extra: { round: e.round, validDays: 90 },
        },
      ],
    });
  }
  await p.step({ actor: SYSTEM_ACTOR, action: 'CLOSED', toStatus: 'CLOSED' });
}
