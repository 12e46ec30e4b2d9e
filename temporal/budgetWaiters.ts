import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Actor } from '../domain/roles';
import type { Track } from '../domain/status';
import { applicationWorkflowId, budgetChangedSignal } from '../workflows/application/contract';
import { releaseGrant, setBudget } from '../data/budget';
import { runQueue } from '../data/budgetQueue';
import type { Db } from '../data/db';

/**
 * Tells the workflows whose reservation the budget queue granted (or refused) that their turn came. The
 * grant itself is already committed: a lost signal delays nothing but the workflow's next step, and any
 * later call (or the administrator's wake-up from the stuck list) sends it again.
 */
export async function flushWakes(db: Db, temporal: Client): Promise<number> {
  const due = await db.reservation.findMany({
    where: { wakePending: true },
    select: { applicationId: true },
  });
  let told = 0;
  for (let i = 0; i < due.length; i += 16) {
    const batch = due.slice(i, i + 16);
    await Promise.all(
      batch.map(async ({ applicationId }) => {
        try {
          await temporal.workflow.getHandle(applicationWorkflowId(applicationId)).signal(budgetChangedSignal);
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err; // Temporal unreachable: try again later
        }
        await db.reservation.updateMany({
          where: { applicationId, wakePending: true },
          data: { wakePending: false },
        });
        told++;
      }),
    );
  }
  return told;
}

/** Sets the year's budget (finance), grants the queue what now fits and tells those workflows. */
export async function changeBudget(
  db: Db,
  temporal: Client,
  year: number,
  totals: { totalFen: number; tracks?: Partial<Record<Track, number>> },
  actor: Actor,
): Promise<void> {
  await setBudget(db, year, totals, actor);
  await flushWakes(db, temporal);
}

export type WakeOutcome = 'WOKEN' | 'GAVE_UP_PLACE' | 'NOT_WAITING';

/**
 * The administrator's wake-up of an application waiting for budget (from the stuck list): the queue is run
 * again, pending signals are sent and the workflow is told to look again. A waiting application whose
 * workflow no longer runs cannot be granted: it gives up its place so that the queue goes on.
 */
export async function wakeApplication(db: Db, temporal: Client, applicationId: string): Promise<WakeOutcome> {
  const r = await db.reservation.findUnique({ where: { applicationId } });
  const handle = temporal.workflow.getHandle(applicationWorkflowId(applicationId));
  const running = await handle.describe().then(
    (d) => d.status.name === 'RUNNING',
    (err) => {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    },
  );
  let outcome: WakeOutcome = r?.state === 'WAITING' || r?.wakePending ? 'WOKEN' : 'NOT_WAITING';
  if (r?.state === 'WAITING' && !running) {
    await releaseGrant(db, applicationId);
    outcome = 'GAVE_UP_PLACE';
  } else if (r) {
    await runQueue(db, r.budgetYear);
  }
  await flushWakes(db, temporal);
  if (running) await handle.signal(budgetChangedSignal);
  return outcome;
}
