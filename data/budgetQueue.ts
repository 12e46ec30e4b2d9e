import { fromDbFen } from '../domain/money';
import { allocateUnderCap } from '../domain/rules';
import type { Track } from '../domain/status';
import { sqlTimestamp, type Db, type Tx } from './db';

/**
 * The year's budget queue. Applications that cannot be granted at final approval wait in a WAITING
 * reservation, in the order they came (`queuedSeq`), and are granted strictly in that order: each
 * transaction that frees money (a budget or sub-budget raised, a grant given back, a place given up) runs
 * `promoteQueue` before it commits, under the same lock as the budget, so the queue never waits while the
 * money covers its first in line. A promoted row is marked `wakePending` until its workflow is told
 * (temporal/budgetWaiters.ts).
 */
export const ALL_TRACKS = 'ALL';

/** Namespace of the advisory locks that serialise every change of one year's budget and queue. */
const BUDGET_LOCK = 7_011_001;

export interface BudgetRow {
  track: string;
  totalFen: bigint;
  reservedFen: bigint;
  spentFen: bigint;
}

export async function lockYear(tx: Tx, year: number): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BUDGET_LOCK}::int, ${year}::int)`;
}

export function readBudget(tx: Tx, year: number): Promise<BudgetRow[]> {
  return tx.$queryRaw<BudgetRow[]>`
    SELECT track, "totalFen", "reservedFen", "spentFen" FROM "Budget" WHERE year = ${year} ORDER BY track FOR UPDATE`;
}

/** What a grant of `track` may take: the least of the total and the track's sub-budget (0 without a budget). */
export function available(rows: readonly BudgetRow[], track: string): number {
  const relevant = rows.filter((r) => r.track === ALL_TRACKS || r.track === track);
  if (!relevant.some((r) => r.track === ALL_TRACKS)) return 0;
  return Math.min(...relevant.map((r) => fromDbFen(r.totalFen - r.reservedFen - r.spentFen)));
}

/** Locks enterprises in one order (their cap is counted under this lock), so that no two years deadlock. */
async function lockEnterprises(tx: Tx, codes: readonly string[]): Promise<void> {
  const sorted = [...new Set(codes)].sort();
  if (sorted.length === 0) return;
  await tx.$queryRaw`SELECT 1 FROM "Enterprise" WHERE "creditCode" = ANY(${sorted}) ORDER BY "creditCode" FOR UPDATE`;
}

export interface QueuePlace {
  applicationId: string;
  budgetYear: number;
  track: Track;
  creditCode: string;
  subsidyYear: number;
  computedFen: number;
  annualCapFen: number;
}

/** Gives the application the last place in its year's queue (or keeps the place it has). */
export async function joinQueue(tx: Tx, place: QueuePlace, neededFen: number): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "Reservation" ("applicationId", "budgetYear", "track", "creditCode", "subsidyYear", "amountFen",
      "state", "computedFen", "annualCapFen", "waitingSince", "queuedSeq", "updatedAt")
    VALUES (${place.applicationId}, ${place.budgetYear}, ${place.track}::"Track", ${place.creditCode},
      ${place.subsidyYear}, ${BigInt(neededFen)}, 'WAITING', ${BigInt(place.computedFen)}, ${BigInt(place.annualCapFen)},
      now(), nextval('reservation_order_seq'), now())
    ON CONFLICT ("applicationId") DO UPDATE SET "state" = 'WAITING', "amountFen" = EXCLUDED."amountFen",
      "computedFen" = EXCLUDED."computedFen", "annualCapFen" = EXCLUDED."annualCapFen",
      "waitingSince" = EXCLUDED."waitingSince", "queuedSeq" = EXCLUDED."queuedSeq", "updatedAt" = now()
    WHERE "Reservation"."state" = 'RELEASED'`;
}

/**
 * Grants the queue's first in line for as long as the money covers it, strictly in order (the caller holds
 * the year's lock). One whose annual cap is used up when its turn comes is REFUSED and the next one goes on.
 * Returns how many left the queue.
 */
export async function promoteQueue(tx: Tx, year: number, alsoLock: readonly string[] = []): Promise<number> {
  const waiting = await tx.reservation.findMany({
    where: { budgetYear: year, state: 'WAITING' },
    orderBy: { queuedSeq: 'asc' },
  });
  await lockEnterprises(tx, [...waiting.map((w) => w.creditCode), ...alsoLock]);
  if (waiting.length === 0) return 0;
  const budget = await readBudget(tx, year);
  const usedRows = await tx.reservation.groupBy({
    by: ['creditCode', 'track', 'subsidyYear'],
    _sum: { amountFen: true },
    where: {
      creditCode: { in: [...new Set(waiting.map((w) => w.creditCode))] },
      state: { in: ['RESERVED', 'SPENT'] },
    },
  });
  const capKey = (r: { creditCode: string; track: string; subsidyYear: number }) =>
    `${r.creditCode}/${r.track}/${r.subsidyYear}`;
  const used = new Map(usedRows.map((u) => [capKey(u), fromDbFen(u._sum.amountFen ?? 0n)]));

  let moved = 0;
  for (const w of waiting) {
    const computedFen = fromDbFen(w.computedFen ?? w.amountFen);
    const capFen = w.annualCapFen === null ? Number.MAX_SAFE_INTEGER : fromDbFen(w.annualCapFen);
    const cap = allocateUnderCap(computedFen, capFen, used.get(capKey(w)) ?? 0);
    if (cap.reached) {
      await tx.reservation.update({
        where: { applicationId: w.applicationId },
        data: { state: 'REFUSED', amountFen: 0n, wakePending: true },
      });
      moved++;
      continue;
    }
    if (cap.grantFen > available(budget, w.track)) {
      if (fromDbFen(w.amountFen) !== cap.grantFen) {
        await tx.reservation.update({
          where: { applicationId: w.applicationId },
          data: { amountFen: BigInt(cap.grantFen) },
        });
      }
      break; // first come, first served: nobody overtakes the first in line
    }
    const grant = BigInt(cap.grantFen);
    await tx.$executeRaw`UPDATE "Reservation" SET state = 'RESERVED', "amountFen" = ${grant},
      "grantedSeq" = nextval('reservation_order_seq'), "grantedAt" = ${sqlTimestamp(new Date())},
      "wakePending" = true, "updatedAt" = now()
      WHERE "applicationId" = ${w.applicationId}`;
    await tx.budget.updateMany({
      where: { year, track: { in: [ALL_TRACKS, w.track] } },
      data: { reservedFen: { increment: grant } },
    });
    for (const b of budget) if (b.track === ALL_TRACKS || b.track === w.track) b.reservedFen += grant;
    used.set(capKey(w), (used.get(capKey(w)) ?? 0) + cap.grantFen);
    moved++;
  }
  return moved;
}

/** Runs the queue of `year` on its own (an administrator's wake-up; a no-op when nothing is due). */
export function runQueue(db: Db, year: number): Promise<number> {
  return db.$transaction(
    async (tx) => {
      await lockYear(tx, year);
      return promoteQueue(tx, year);
    },
    { maxWait: 30_000, timeout: 30_000 },
  );
}

export interface QueueHead {
  applicationId: string;
  budgetYear: number;
  track: Track;
  neededFen: number;
  availableFen: number;
  waitingSince: Date | null;
  /** How many wait in the year's queue, the first included. */
  length: number;
}

/** The first in line of every year's queue, with what it needs and what the budget has for it. */
export async function queueHeads(db: Db): Promise<QueueHead[]> {
  const heads = await db.$queryRaw<
    {
      applicationId: string;
      budgetYear: number;
      track: Track;
      amountFen: bigint;
      waitingSince: Date | null;
      length: bigint;
    }[]
  >`SELECT DISTINCT ON ("budgetYear") "applicationId", "budgetYear", track::text AS track, "amountFen", "waitingSince",
      count(*) OVER (PARTITION BY "budgetYear") AS length
    FROM "Reservation" WHERE state = 'WAITING' ORDER BY "budgetYear", "queuedSeq"`;
  const out: QueueHead[] = [];
  for (const h of heads) {
    const rows = await db.budget.findMany({ where: { year: h.budgetYear } });
    out.push({
      applicationId: h.applicationId,
      budgetYear: h.budgetYear,
      track: h.track,
      neededFen: fromDbFen(h.amountFen),
      availableFen: available(rows, h.track),
      waitingSince: h.waitingSince,
      length: Number(h.length),
    });
  }
  return out;
}
