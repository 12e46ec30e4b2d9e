import { fromDbFen } from '../domain/money';
import { allocateUnderCap } from '../domain/rules';
import type { Track } from '../domain/status';
import {
  ALL_TRACKS,
  available,
  joinQueue,
  lockYear,
  promoteQueue,
  readBudget,
  type BudgetRow,
  type QueuePlace,
} from './budgetQueue';
import type { Actor } from '../domain/roles';
import { writeAudit } from './audit';
import { sqlTimestamp, type Db, type Tx } from './db';

/**
 * Budget and annual-cap reservations. The amount of a grant becomes binding here, in one transaction under
 * the year's budget lock (so concurrent approvals queue up), with the enterprises locked (so a cap is counted
 * once), and checked again by the database (`Budget_within_total`). Without money an application takes its
 * place in the year's queue (data/budgetQueue.ts), which every transaction that frees money moves on.
 */
export { ALL_TRACKS };

/** Reservations queue on the year's budget lock: allow a queue to form rather than fail fast. */
const QUEUE_UP = { maxWait: 30_000, timeout: 30_000 };

/** What a reservation asks for: also its place in the queue, should it have to wait. */
export type ReservationRequest = QueuePlace;

export type ReservationOutcome =
  | { kind: 'RESERVED'; grantFen: number; capped: boolean; remainingCapFen: number }
  | { kind: 'CAP_REACHED'; capFen: number }
  | { kind: 'INSUFFICIENT_BUDGET'; availableFen: number; neededFen: number }
  /** Applications approved earlier are still waiting for budget: first come, first served. */
  | { kind: 'QUEUED'; ahead: number };

/** The application has ended (withdrawn, rejected) while its reservation was being made: nothing is held. */
export class ApplicationEnded extends Error {
  constructor(readonly applicationId: string) {
    super(`application ${applicationId} has ended: no budget is reserved for it`);
    this.name = 'ApplicationEnded';
  }
}

const ENDED = ['REJECTED', 'WITHDRAWN', 'CLOSED'];

async function capUsed(tx: Tx, req: ReservationRequest): Promise<number> {
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
  return fromDbFen(used._sum.amountFen ?? 0n);
}

/**
 * Reserves the grant of a finally approved application, or gives it its place in the budget queue. Asking
 * again is safe and answers where the application stands (its grant may have come from the queue meanwhile).
 */
export async function reserveGrant(db: Db, req: ReservationRequest): Promise<ReservationOutcome> {
  return db.$transaction(async (tx) => {
    // The application's own row first (the record of a withdrawal takes it too): an application that ends
    // while its reservation is made either sees nothing reserved, or finds the reservation and gives it back.
    const [app] = await tx.$queryRaw<{ status: string }[]>`
      SELECT status::text AS status FROM "Application" WHERE id = ${req.applicationId} FOR SHARE`;
    if (!app || ENDED.includes(app.status)) throw new ApplicationEnded(req.applicationId);
    await lockYear(tx, req.budgetYear);
    await promoteQueue(tx, req.budgetYear, [req.creditCode]);

    const existing = await tx.reservation.findUnique({ where: { applicationId: req.applicationId } });
    const used = await capUsed(tx, req);
    if (existing?.state === 'RESERVED' || existing?.state === 'SPENT') {
      const grantFen = fromDbFen(existing.amountFen);
      return {
        kind: 'RESERVED',
        grantFen,
        capped: grantFen > 0 && grantFen < req.computedFen,
        remainingCapFen: Math.max(0, req.annualCapFen - used - grantFen),
      };
    }
    if (existing?.state === 'REFUSED') return { kind: 'CAP_REACHED', capFen: req.annualCapFen };
    const budget = await readBudget(tx, req.budgetYear);
    if (existing?.state === 'WAITING') {
      const ahead = await tx.reservation.count({
        where: { budgetYear: req.budgetYear, state: 'WAITING', queuedSeq: { lt: existing.queuedSeq! } },
      });
      return ahead > 0
        ? { kind: 'QUEUED', ahead }
        : {
            kind: 'INSUFFICIENT_BUDGET',
            availableFen: available(budget, req.track),
            neededFen: fromDbFen(existing.amountFen),
          };
    }

    const cap = allocateUnderCap(req.computedFen, req.annualCapFen, used);
    if (cap.reached) return { kind: 'CAP_REACHED', capFen: req.annualCapFen };
    const waiting = await tx.reservation.count({ where: { budgetYear: req.budgetYear, state: 'WAITING' } });
    if (waiting > 0) {
      await joinQueue(tx, req, cap.grantFen);
      return { kind: 'QUEUED', ahead: waiting };
    }
    const free = available(budget, req.track);
    if (cap.grantFen > free) {
      await joinQueue(tx, req, cap.grantFen);
      return { kind: 'INSUFFICIENT_BUDGET', availableFen: free, neededFen: cap.grantFen };
    }
    const data = {
      budgetYear: req.budgetYear,
      track: req.track,
      creditCode: req.creditCode,
      subsidyYear: req.subsidyYear,
      amountFen: BigInt(cap.grantFen),
      computedFen: BigInt(req.computedFen),
      annualCapFen: BigInt(req.annualCapFen),
      state: 'RESERVED' as const,
    };
    await tx.reservation.upsert({
      where: { applicationId: req.applicationId },
      create: { applicationId: req.applicationId, ...data },
      update: data,
    });
    await tx.$executeRaw`UPDATE "Reservation" SET "grantedSeq" = nextval('reservation_order_seq'),
      "grantedAt" = ${sqlTimestamp(new Date())} WHERE "applicationId" = ${req.applicationId}`;
    await tx.budget.updateMany({
      where: { year: req.budgetYear, track: { in: [ALL_TRACKS, req.track] } },
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

/**
 * Gives a reservation back (rejection, upheld objection, withdrawal, cancelled payment), or the application's
 * place in the queue; the queue moves on in the same transaction. Idempotent; returns the amount given back.
 */
export async function releaseGrant(db: Db, applicationId: string): Promise<number> {
  return db.$transaction(async (tx) => {
    const found = await tx.reservation.findUnique({ where: { applicationId } });
    if (!found || !['RESERVED', 'WAITING'].includes(found.state)) return 0;
    await lockYear(tx, found.budgetYear);
    const r = await tx.reservation.findUniqueOrThrow({ where: { applicationId } });
    if (r.state !== 'RESERVED' && r.state !== 'WAITING') return 0;
    await tx.reservation.update({ where: { applicationId }, data: { state: 'RELEASED' } });
    if (r.state === 'RESERVED') {
      await tx.budget.updateMany({
        where: { year: r.budgetYear, track: { in: [ALL_TRACKS, r.track] } },
        data: { reservedFen: { decrement: r.amountFen } },
      });
    }
    await promoteQueue(tx, r.budgetYear);
    return r.state === 'RESERVED' ? fromDbFen(r.amountFen) : 0;
  }, QUEUE_UP);
}

/** Books a reserved grant as paid; idempotent. */
export async function spendGrant(db: Db, applicationId: string): Promise<number> {
  return db.$transaction(async (tx) => {
    const found = await tx.reservation.findUnique({ where: { applicationId } });
    if (!found || found.state !== 'RESERVED') return 0;
    await lockYear(tx, found.budgetYear);
    const r = await tx.reservation.findUniqueOrThrow({ where: { applicationId } });
    if (r.state !== 'RESERVED') return 0;
    await tx.reservation.update({ where: { applicationId }, data: { state: 'SPENT' } });
    await tx.budget.updateMany({
      where: { year: r.budgetYear, track: { in: [ALL_TRACKS, r.track] } },
      data: { reservedFen: { decrement: r.amountFen }, spentFen: { increment: r.amountFen } },
    });
    return fromDbFen(r.amountFen);
  }, QUEUE_UP);
}

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
    this.name = 'BudgetBelowCommitted';
  }
}

/**
 * Sets the year's total (and optional per-track) budget, never below what is already committed; the queue
 * moves on in the same transaction. A sub-budget set for the first time starts with what its track already
 * holds, so that it limits the track from its first fen.
 */
export async function setBudget(
  db: Db,
  year: number,
  totals: { totalFen: number; tracks?: Partial<Record<Track, number>> },
  actor: Actor,
): Promise<void> {
  const by = actor.subject;
  await db.$transaction(async (tx) => {
    await lockYear(tx, year);
    const before = await tx.budget.findMany({ where: { year }, orderBy: { track: 'asc' } });
    const wanted: [string, number][] = [
      [ALL_TRACKS, totals.totalFen],
      ...Object.entries(totals.tracks ?? {}),
    ];
    const rows = await readBudget(tx, year);
    const held = await tx.reservation.groupBy({
      by: ['track', 'state'],
      _sum: { amountFen: true },
      where: { budgetYear: year, state: { in: ['RESERVED', 'SPENT'] } },
    });
    const heldBy = (track: string, state: 'RESERVED' | 'SPENT') =>
      held
        .filter((h) => h.state === state && (track === ALL_TRACKS || h.track === track))
        .reduce((s, h) => s + (h._sum.amountFen ?? 0n), 0n);
    for (const [track, totalFen] of wanted) {
      const row = rows.find((r) => r.track === track);
      const reservedFen = row?.reservedFen ?? heldBy(track, 'RESERVED');
      const spentFen = row?.spentFen ?? heldBy(track, 'SPENT');
      const committed = fromDbFen(reservedFen + spentFen);
      if (totalFen < committed) throw new BudgetBelowCommitted(track, committed);
      await tx.budget.upsert({
        where: { year_track: { year, track } },
        create: { year, track, totalFen: BigInt(totalFen), reservedFen, spentFen, updatedBy: by },
        update: { totalFen: BigInt(totalFen), updatedBy: by },
      });
    }
    const after = await tx.budget.findMany({ where: { year }, orderBy: { track: 'asc' } });
    const totalsOf = (rows: typeof after) =>
      Object.fromEntries(rows.map((r) => [r.track, fromDbFen(r.totalFen)]));
    await writeAudit(tx, {
      actor,
      entity: 'budget',
      entityId: String(year),
      action: before.length ? 'BUDGET_UPDATED' : 'BUDGET_CREATED',
      before: before.length ? totalsOf(before) : null,
      after: totalsOf(after),
    });
    await promoteQueue(tx, year);
  }, QUEUE_UP);
}
