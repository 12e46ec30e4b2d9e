import { ApplicationFailure } from '@temporalio/activity';
import { maskNumber, openBankAccount, secretBoxFor } from '../platform/secretBox';
import type { Client } from '@temporalio/client';
import { fromDbFen } from '../domain/money';
import { GRANT_HOLDING_STATUSES } from '../domain/status';
import {
  ApplicationEnded,
  releaseGrant,
  reserveGrant,
  spendGrant,
  type ReservationOutcome,
  type ReservationRequest,
} from '../data/budget';
import { flushWakes } from '../temporal/budgetWaiters';
import type { Db } from '../data/db';
import { fixPayee } from '../data/payee';
import type { Payee, PaymentClient } from '../services/payment';
import { ApplicationActivityFailures } from '../workflows/application/contract';
import { callService } from './serviceCall';

export interface MoneyDeps {
  db: Db;
  temporal: Client;
  payments: PaymentClient;
  publicBaseUrl: string;
  linkSecret: string;
  /** DATA_ENCRYPTION_KEY: opens the enterprise's bank account number for the payment order. */
  dataKey: string;
}

export interface PaymentAttempt {
  /** Our id of the attempt, and the gateway's idempotency key: derived from the application and attempt. */
  paymentId: string;
  applicationId: string;
  attempt: number;
  amountFen: number;
}

export interface GatewayAnswer {
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  failureReason: string | null;
}

/** The payee as recorded with the payment: the account number reduced to its last four digits. */
function maskPayee(p: Payee): Payee {
  return 'accountNumber' in p && typeof p.accountNumber === 'string'
    ? { ...p, accountNumber: maskNumber(p.accountNumber) }
    : p;
}

/** Budget reservations, payments through the treasury gateway, and follow-up surveys. */
export function createMoneyActivities(deps: MoneyDeps) {
  const { db } = deps;

  /** Who is paid: the payee fixed at final approval (data/payee.ts), never the live profile. */
  async function payee(applicationId: string): Promise<Payee> {
    let app = await db.application.findUniqueOrThrow({ where: { id: applicationId } });
    if (app.payee === 'INSURER')
      return { kind: 'INSURER', name: app.insurerCode, insurerCode: app.insurerCode };
    if (!app.payeeFixedAt) {
      // Approved before payees were fixed, and not caught by the migration: fixed now, before the first payment.
      await db.$transaction((tx) => fixPayee(tx, applicationId, new Date()));
      app = await db.application.findUniqueOrThrow({ where: { id: applicationId } });
    }
    const account = openBankAccount(secretBoxFor(deps.dataKey), app.payeeAccount);
    return { kind: 'ENTERPRISE', name: app.payeeName!, ...(account ?? {}) };
  }

  return {
    /**
     * The binding reservation of budget and annual cap, or a place in the budget queue (data/budget.ts).
     * `wasWaiting` is what older workflows send; the queue keeps its own state.
     */
    async reserveGrant(req: ReservationRequest & { wasWaiting?: boolean }): Promise<ReservationOutcome> {
      const { wasWaiting: _ignored, ...request } = req;
      try {
        return await reserveGrant(db, request);
      } catch (err) {
        // Only a workflow whose main scope was cancelled (withdrawal, cancellation) can ask now: nobody reads it.
        if (err instanceof ApplicationEnded)
          throw ApplicationFailure.nonRetryable(err.message, ApplicationActivityFailures.APPLICATION_ENDED);
        throw err;
      } finally {
        await flushWakes(db, deps.temporal);
      }
    },

    /**
     * Gives the grant, or the place in the queue, back (idempotent); the queue moves on and the workflows it
     * granted are told. Every call tells them, so that a retry after a crash does.
     */
    async releaseGrant(applicationId: string): Promise<number> {
      const released = await releaseGrant(db, applicationId);
      await flushWakes(db, deps.temporal);
      return released;
    },

    spendGrant: (applicationId: string): Promise<number> => spendGrant(db, applicationId),

    /**
     * Asks the gateway to pay; asking again with the same attempt finds the same payment (idempotency key),
     * so a retried or replayed activity never pays twice.
     */
    async requestPayment(a: PaymentAttempt): Promise<GatewayAnswer> {
      const to = await payee(a.applicationId);
      await db.payment.createMany({
        data: [
          {
            id: a.paymentId,
            applicationId: a.applicationId,
            attempt: a.attempt,
            amountFen: BigInt(a.amountFen),
            // The payment record keeps who was paid, never the full account number.
            payee: maskPayee(to),
          },
        ],
        skipDuplicates: true,
      });
      const answer = await callService('payment', () =>
        deps.payments.createPayment({
          idempotencyKey: a.paymentId,
          payee: to,
          amountFen: a.amountFen,
          reference: a.applicationId,
          callbackUrl: `${deps.publicBaseUrl}/api/v1/payments/callback`,
        }),
      );
      await db.payment.update({
        where: { id: a.paymentId },
        data: { gatewayId: answer.id, ...(answer.status === 'PENDING' ? { status: 'PENDING' } : {}) },
      });
      return { status: answer.status, failureReason: answer.failureReason };
    },

    /** The gateway's current answer for a payment (when its callback is late). */
    async paymentStatus(paymentId: string): Promise<GatewayAnswer> {
      const row = await db.payment.findUniqueOrThrow({ where: { id: paymentId } });
      if (!row.gatewayId) return { status: 'PENDING', failureReason: null };
      const answer = await callService('payment', () => deps.payments.getPayment(row.gatewayId!));
      return answer
        ? { status: answer.status, failureReason: answer.failureReason }
        : { status: 'PENDING', failureReason: null };
    },

    /**
     * Records that the follow-up survey of `round` goes out. Its link, a signed token, is made where the
     * e-mail is rendered (the `survey` template in records.ts): an activity's result is kept in the workflow's
     * history, and a token must not be. (It returned the link before; old histories still hold one.)
     */
    async surveyLink(req: { applicationId: string; round: number; validDays: number }): Promise<void> {
      await db.survey.createMany({
        data: [{ applicationId: req.applicationId, round: req.round, sentAt: new Date() }],
        skipDuplicates: true,
      });
    },

    /** Distinct subsidy years of the enterprise's inclusive grants (for the renewal reminder). */
    async inclusiveYearsUsed(creditCode: string): Promise<number> {
      const rows = await db.application.findMany({
        where: {
          creditCode,
          track: 'INCLUSIVE',
          status: { in: [...GRANT_HOLDING_STATUSES] },
          subsidyYear: { not: null },
        },
        select: { subsidyYear: true },
        distinct: ['subsidyYear'],
      });
      return rows.length;
    },

    async grantOf(applicationId: string): Promise<number> {
      const r = await db.reservation.findUniqueOrThrow({ where: { applicationId } });
      return fromDbFen(r.amountFen);
    },
  };
}
