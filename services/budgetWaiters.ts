import type { Client } from '@temporalio/client';
import { applicationWorkflowId, budgetChangedSignal } from '../workflows/application/contract';
import type { Db } from './db';

/**
 * Tells every application waiting for budget in `year` to try again, in the order they started waiting;
 * the reservation itself keeps the order (first come, first served).
 */
export async function notifyBudgetWaiters(db: Db, temporal: Client, year: number): Promise<number> {
  const waiting = await db.application.findMany({
    where: { status: 'AWAITING_BUDGET', programYear: year },
    orderBy: { awaitingBudgetSince: 'asc' },
    select: { id: true },
  });
  for (const { id } of waiting) {
    await temporal.workflow
      .getHandle(applicationWorkflowId(id))
      .signal(budgetChangedSignal)
      .catch(() => undefined); // a workflow that has moved on has nothing to retry
  }
  return waiting.length;
}
