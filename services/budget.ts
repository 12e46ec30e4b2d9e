import { fromDbFen } from '../domain/money';
import { allocateUnderCap } from '../domain/rules';
import type { Track } from '../domain/status';
import type { Db, Tx } from './db';

/**
 * Budget and annual-cap reservations. The amount of a grant becomes binding here, in one transaction that
 * locks the year's budget rows (so concurrent approvals queue up) and the enterprise (so its cap is
 * counted once), and is checked again by the database (`Budget_within_total`).
 */
export const ALL_TRACKS = 'ALL';

/** Reservations queue on the year's budget lock: allow a queue to form rather than fail fast. */
const QUEUE_UP = { maxWait: 30_000, timeout: 30_000 };

export interface ReservationRequest {
  applicationId: string;
  budgetYear: number;
  track: Track;
  creditCode: string;
  subsidyYear: number;
  computedFen: number;
  annualCapFen: number;
}

export type ReservationOutcome =
  | { kind: 'RESERVED'; grantFen: number; capped: boolean; remainingCapFen: number }
  | { kind: 'CAP_REACHED'; capFen: number }
  | { kind: 'INSUFFICIENT_BUDGET'; availableFen: number; neededFen: number }
  /** Applications approved earlier are still waiting for budget: first come, first served. */
  | { kind: 'QUEUED'; ahead: number };

interface BudgetRow {
  track: string;
  totalFen: bigint;
  reservedFen: bigint;
  spentFen: bigint;
}

async function lockBudget(tx: Tx, year: number, track: string): Promise<BudgetRow[]> {
  return tx.$queryRaw<BudgetRow[]>`
    SELECT track, "totalFen", "reservedFen", "spentFen" FROM "Budget"
    WHERE year = ${year} AND track IN (${ALL_TRACKS}, ${track})
    ORDER BY track FOR UPDATE`;
}

const available = (rows: BudgetRow[]) =>
  rows.length === 0 || !rows.some((r) => r.track === ALL_TRACKS)
    ? 0
    : Math.min(...rows.map((r) => fromDbFen(r.totalFen - r.reservedFen - r.spentFen)));

export async function reserveGrant(db: Db, req: ReservationRequest): Promise<ReservationOutcome> {
  return db.$transaction(async (tx) => {
    const budget = await lockBudget(tx, req.budgetYear, req.track);
    const existing = await tx.reservation.findUnique({ where: { applicationId: req.applicationId } });
    if (existing && existing.state !== 'RELEASED') {
      return { kind: 'RESERVED', grantFen: fromDbFen(existing.amountFen), capped: false, remainingCapFen: 0 };
    }
    const self = await tx.application.findUniqueOrThrow({
      where: { id: req.applicationId },
      select: { awaitingBudgetSince: true },
    });
    const ahead = await tx.application.count({
      where: {
        id: { not: req.applicationId },
        status: 'AWAITING_BUDGET',
        programYear: req.budgetYear,
        ...(self.awaitingBudgetSince ? { awaitingBudgetSince: { lt: self.awaitingBudgetSince } } : {}),
      },
    });
    if (ahead > 0) return { kind: 'QUEUED', ahead };

    await tx.$queryRaw`SELECT 1 FROM "Enterprise" WHERE "creditCode" = ${req.creditCode} FOR UPDATE`;
    const used = await tx.reservation.aggregate({
      _sum: { amountFen: true },
      where: {
        creditCode: req.creditCode,
        track: req.track,
        subsidyYear: req.subsidyYear,
        state: { in: ['RESERVED', 'SPENT'] },
        applicationId: { not: req.applicationId },
      },
    });
    const cap = allocateUnderCap(req.computedFen, req.annualCapFen, fromDbFen(used._sum.amountFen ?? 0n));
    if (cap.reached) return { kind: 'CAP_REACHED', capFen: req.annualCapFen };
    const free = available(budget);
    if (cap.grantFen > free)
      return { kind: 'INSUFFICIENT_BUDGET', availableFen: free, neededFen: cap.grantFen };

    const data = {
      budgetYear: req.budgetYear,
      track: req.track,
      creditCode: req.creditCode,
      subsidyYear: req.subsidyYear,
      amountFen: BigInt(cap.grantFen),
      state: 'RESERVED' as const,
    };
    await tx.reservation.upsert({
      where: { applicationId: req.applicationId },
      create: { applicationId: req.applicationId, ...data },
      update: data,
    });
    await tx.budget.updateMany({
      where: { year: req.budgetYear, track: { in: budget.map((b) => b.track) } },
      data: { reservedFen: { increment: BigInt(cap.grantFen) } },
    });
    return {
      kind: 'RESERVED',
      grantFen: cap.grantFen,
      capped: cap.capped,
      remainingCapFen: cap.remainingFen - cap.grantFen,
    };
  }, QUEUE_UP);
}

/** Moves a reservation to `to`: RELEASED gives the money back to the budget, SPENT books it as paid. */
async function settle(db: Db, applicationId: string, to: 'RELEASED' | 'SPENT'): Promise<number> {
  return db.$transaction(async (tx) => {
    const r = await tx.reservation.findUnique({ where: { applicationId } });
    if (!r || r.state !== 'RESERVED') return 0;
    await lockBudget(tx, r.budgetYear, r.track);
    await tx.reservation.update({ where: { applicationId }, data: { state: to } });
    await tx.budget.updateMany({
      where: { year: r.budgetYear, track: { in: [ALL_TRACKS, r.track] } },
      data:
        to === 'SPENT'
          ? { reservedFen: { decrement: r.amountFen }, spentFen: { increment: r.amountFen } }
          : { reservedFen: { decrement: r.amountFen } },
    });
    return fromDbFen(r.amountFen);
  }, QUEUE_UP);
}

/** Gives a reservation back (rejection, upheld objection, withdrawal, cancelled payment); idempotent. */
export const releaseGrant = (db: Db, applicationId: string) => settle(db, applicationId, 'RELEASED');
/** Books a reserved grant as paid; idempotent. */
export const spendGrant = (db: Db, applicationId: string) => settle(db, applicationId, 'SPENT');

export interface BudgetView {
  year: number;
  totalFen: number;
  reservedFen: number;
  spentFen: number;
  availableFen: number;
  tracks: Partial<
    Record<Track, { totalFen: number; reservedFen: number; spentFen: number; availableFen: number }>
  >;
}

const amounts = (r: BudgetRow) => ({
  totalFen: fromDbFen(r.totalFen),
  reservedFen: fromDbFen(r.reservedFen),
  spentFen: fromDbFen(r.spentFen),
  availableFen: fromDbFen(r.totalFen - r.reservedFen - r.spentFen),
});

export async function budgetView(db: Db, year: number): Promise<BudgetView> {
  const rows = await db.budget.findMany({ where: { year } });
  const all = rows.find((r) => r.track === ALL_TRACKS);
  return {
    year,
    ...(all ? amounts(all) : { totalFen: 0, reservedFen: 0, spentFen: 0, availableFen: 0 }),
    tracks: Object.fromEntries(rows.filter((r) => r.track !== ALL_TRACKS).map((r) => [r.track, amounts(r)])),
  };
}

export class BudgetBelowCommitted extends Error {
  constructor(
    readonly track: string,
    readonly committedFen: number,
  ) {
    super(
      `the ${track === ALL_TRACKS ? 'total' : track} budget cannot go below what is already reserved or spent (${committedFen} fen)`,
    );
  }
}

/** Sets the year's total (and optional per-track) budget; never below what is already committed. */
export async function setBudget(
  db: Db,
  year: number,
  totals: { totalFen: number; tracks?: Partial<Record<Track, number>> },
  by: string,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const wanted: [string, number][] = [
      [ALL_TRACKS, totals.totalFen],
      ...Object.entries(totals.tracks ?? {}),
    ];
    const locked = await tx.$queryRaw<
      BudgetRow[]
    >`SELECT track, "totalFen", "reservedFen", "spentFen" FROM "Budget" WHERE year = ${year} FOR UPDATE`;
    for (const [track, totalFen] of wanted) {
      const row = locked.find((r) => r.track === track);
      const committed = row ? fromDbFen(row.reservedFen + row.spentFen) : 0;
      if (totalFen < committed) throw new BudgetBelowCommitted(track, committed);
      await tx.budget.upsert({
        where: { year_track: { year, track } },
        create: { year, track, totalFen: BigInt(totalFen), updatedBy: by },
        update: { totalFen: BigInt(totalFen), updatedBy: by },
      });
    }
  });
}
