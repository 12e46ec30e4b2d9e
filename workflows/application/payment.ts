import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { SYSTEM_ACTOR } from '../../domain/roles';
import { DATABASE, PAYMENT_GATEWAY } from '../activityOptions';
import type { ApplicationProcess } from './process';
import { awaitDecision, closeTask, openTask } from './tasks';

const { spendGrant } = proxyActivities<Activities>(DATABASE);
const gateway = proxyActivities<Activities>(PAYMENT_GATEWAY);

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
      await spendGrant(input.applicationId);
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
    const task = await openTask(
      p,
      'payment-exception',
      null,
      input.program.reviewSlaWorkingDays.final,
      'PAYMENT_FAILED',
    );
    const d = await awaitDecision(p, task);
    if (d.decision === 'approve') {
      await closeTask(p, d, {
        toStatus: 'DISBURSING',
        application: { attention: p.attention('payment failed', false) },
      });
      continue;
    }
    await closeTask(p, d, {
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
