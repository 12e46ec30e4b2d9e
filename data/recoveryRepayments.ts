import { randomUUID } from 'node:crypto';
import { fromDbFen } from '../domain/money';
import {
  isClosedRecovery,
  repaymentProblem,
  stateAfterRepayment,
  type RecoveryState,
} from '../domain/recovery';
import type { Actor } from '../domain/roles';
import { ALL_TRACKS, lockYear, promoteQueue } from './budgetQueue';
import type { Db, Tx } from './db';
import { auditRecovery } from './recovery';

/**
 * Repayments of a recovery case and its waiver. A repayment returns its amount to the budget of the case's
 * year (the year's spent amount goes down, under the year's budget lock) and the queue moves on in the same
 * transaction; the caller then wakes the woken (temporal/budgetWaiters.ts `flushWakes`).
 */

/** A refusal of a repayment or waiver, with the field and reason (the API answers it as a 4xx). */
export class RecoveryRefused extends Error {
  constructor(
    readonly status: 404 | 409 | 400 | 403,
    readonly field: string,
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
    this.name = 'RecoveryRefused';
  }
}

async function lockCase(tx: Tx, caseId: string) {
  await tx.$queryRaw`SELECT id FROM "RecoveryCase" WHERE id = ${caseId} FOR UPDATE`;
  const c = await tx.recoveryCase.findUnique({ where: { id: caseId } });
  if (!c) throw new RecoveryRefused(404, 'id', '追回案件不存在', 'no such recovery case');
  return c;
}

export interface RepaymentInput {
  amountFen: number;
  bankReference: string;
  /** The Beijing day the money arrived. */
  paidOn: string;
}

export interface RepaymentResult {
  /** False when the bank reference was recorded already (a retry): nothing was added. */
  recorded: boolean;
  state: RecoveryState;
  repaidFen: number;
  outstandingFen: number;
}

/** Records a repayment (finance) once per bank reference; `today` is the Beijing day now. */
export async function recordRepayment(
  db: Db,
  caseId: string,
  input: RepaymentInput,
  actor: Actor,
  today: string,
): Promise<RepaymentResult> {
  return db.$transaction(async (tx) => {
    const c = await lockCase(tx, caseId);
    const amountFen = fromDbFen(c.amountFen);
    const repaidBefore = fromDbFen(c.repaidFen);
    const same = await tx.recoveryRepayment.findUnique({
      where: { caseId_bankReference: { caseId, bankReference: input.bankReference } },
    });
    if (same) {
      if (fromDbFen(same.amountFen) !== input.amountFen) {
        throw new RecoveryRefused(
          409,
          'bankReference',
          '该银行流水号已记录为另一金额',
          'this bank reference is recorded with another amount',
        );
      }
      return {
        recorded: false,
        state: c.state,
        repaidFen: repaidBefore,
        outstandingFen: amountFen - repaidBefore,
      };
    }
    if (isClosedRecovery(c.state)) {
      throw new RecoveryRefused(409, 'state', '追回案件已结案', 'the recovery case is closed');
    }
    const problem = repaymentProblem(input, amountFen - repaidBefore, today);
    if (problem) throw new RecoveryRefused(400, problem.field, problem.zh, problem.en);

    const repaidFen = repaidBefore + input.amountFen;
    const state = stateAfterRepayment(amountFen, repaidFen, c.state);
    await tx.recoveryRepayment.create({
      data: {
        id: `rr_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
        caseId,
        amountFen: BigInt(input.amountFen),
        bankReference: input.bankReference,
        paidOn: new Date(`${input.paidOn}T00:00:00Z`),
        recordedBy: actor.subject,
      },
    });
    await tx.recoveryCase.update({
      where: { id: caseId },
      data: { repaidFen: BigInt(repaidFen), state, ...(state === 'REPAID' ? { closedAt: new Date() } : {}) },
    });
    await creditBudget(tx, c.applicationId, c.budgetYear, input.amountFen);
    await auditRecovery(tx, {
      key: `recovery:${caseId}:repayment:${input.bankReference}`,
      applicationId: c.applicationId,
      actor,
      action: 'RECOVERY_REPAID',
      note: input.bankReference,
      data: {
        caseId,
        amountFen: input.amountFen,
        paidOn: input.paidOn,
        repaidFen,
        outstandingFen: amountFen - repaidFen,
        state,
      },
    });
    return { recorded: true, state, repaidFen, outstandingFen: amountFen - repaidFen };
  });
}

/** Returns recovered money to the year's budget (total and the grant's track) and moves the queue on. */
async function creditBudget(tx: Tx, applicationId: string, year: number, amountFen: number): Promise<void> {
  const reservation = await tx.reservation.findUnique({ where: { applicationId } });
  await lockYear(tx, year);
  const tracks = reservation ? [ALL_TRACKS, reservation.track] : [ALL_TRACKS];
  await tx.budget.updateMany({
    where: { year, track: { in: tracks } },
    data: { spentFen: { decrement: BigInt(amountFen) } },
  });
  await promoteQueue(tx, year);
}

/**
 * Waives what is outstanding (an approver, with a reason). Four-eyes: no one who recorded a repayment of the
 * case may waive it.
 */
export async function waiveRecovery(
  db: Db,
  caseId: string,
  reason: string,
  actor: Actor,
): Promise<RecoveryState> {
  return db.$transaction(async (tx) => {
    const c = await lockCase(tx, caseId);
    if (c.state === 'WAIVED' && c.waivedBy === actor.subject) return c.state; // a retry
    if (isClosedRecovery(c.state)) {
      throw new RecoveryRefused(409, 'state', '追回案件已结案', 'the recovery case is closed');
    }
    const recorder = await tx.recoveryRepayment.findFirst({ where: { caseId, recordedBy: actor.subject } });
    if (recorder) {
      throw new RecoveryRefused(
        403,
        'actor',
        '四眼原则：记录过本案还款的人员不能核销',
        'four-eyes: whoever recorded a repayment of the case may not waive it',
      );
    }
    await tx.recoveryCase.update({
      where: { id: caseId },
      data: { state: 'WAIVED', waivedBy: actor.subject, waiveReason: reason, closedAt: new Date() },
    });
    const outstandingFen = fromDbFen(c.amountFen - c.repaidFen);
    await auditRecovery(tx, {
      key: `recovery:${caseId}:waived`,
      applicationId: c.applicationId,
      actor,
      action: 'RECOVERY_WAIVED',
      note: reason,
      data: { caseId, outstandingFen },
    });
    return 'WAIVED';
  });
}
