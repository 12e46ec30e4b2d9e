import { INSURED_STATUSES, type InsuredCell, type PaidCell } from '../domain/evaluation';
import { Prisma, type Db, type Tx } from './db';
import { insuredCells, insuredEnterprises, paidCells } from './evaluation';

/**
 * The reconciliation of the evaluation's rollups (docs/RUNBOOK.md "Evaluation rollups drift"): every counter
 * recomputed from the rows with the row-based queries of `data/evaluation.ts` (the computation the
 * evaluation used before the rollups) and compared with the stored one, cell by cell, in one snapshot. The
 * last result is stored (one row), read by `/metrics` and the administrator's stuck list.
 */

export type DriftKind = 'insured' | 'enterprises' | 'paid';

/** One counter cell whose rollup differs from the rows (values in fen and counts, as decimal strings). */
export interface DriftCell {
  kind: DriftKind;
  /** programme year-month/track/field (insured), programme year (enterprises), settlement year/track/field (paid). */
  key: string;
  rollup: Record<string, string>;
  rows: Record<string, string>;
}

export interface Reconciliation {
  ranAt: Date;
  durationMs: number;
  driftCells: number;
  /** The first differing cells (at most {@link DRIFT_KEPT}). */
  drift: DriftCell[];
}

/** How many differing cells are kept for the runbook (all are counted). */
export const DRIFT_KEPT = 20;

type Values = Record<string, bigint>;
const ZERO = (v: Values) => Object.values(v).every((x) => x === 0n);
const text = (v: Values | undefined, like: Values) =>
  Object.fromEntries(Object.keys(like).map((k) => [k, String(v?.[k] ?? 0n)]));

/** Compares two sets of cells by key; a missing cell is a cell of zeros. */
function compare(kind: DriftKind, rollup: Map<string, Values>, rows: Map<string, Values>): DriftCell[] {
  const out: DriftCell[] = [];
  for (const key of [...new Set([...rollup.keys(), ...rows.keys()])].sort()) {
    const [r, w] = [rollup.get(key), rows.get(key)];
    const like = r ?? w!;
    const same = !r ? ZERO(w!) : !w ? ZERO(r) : Object.keys(like).every((k) => r[k] === w[k]);
    if (!same) out.push({ kind, key, rollup: text(r, like), rows: text(w, like) });
  }
  return out;
}

const insuredValues = (c: InsuredCell): Values => ({
  applications: BigInt(c.applications),
  newEnterprises: BigInt(c.newEnterprises),
  premiumFen: BigInt(c.premiumFen),
  riskCoverageFen: BigInt(c.riskCoverageFen),
});
const paidValues = (c: PaidCell): Values => ({
  applications: BigInt(c.applications),
  paidFen: BigInt(c.paidFen),
});
const pad = (m: number) => String(m).padStart(2, '0');

/** Recomputes every counter from the rows and compares (in one REPEATABLE READ snapshot: steps may commit meanwhile). */
export async function compareEvaluationRollups(tx: Tx): Promise<{ driftCells: number; drift: DriftCell[] }> {
  const INSURED = Prisma.sql`a."approvedAt" IS NOT NULL AND a.status = ANY(${[...INSURED_STATUSES]}::"ApplicationStatus"[])`;
  const programYears = (
    await tx.$queryRaw<{ y: number }[]>`
      SELECT DISTINCT a."programYear" AS y FROM "Application" a WHERE ${INSURED}
      UNION SELECT "programYear" FROM "EvaluationInsuredCell" UNION SELECT "programYear" FROM "EvaluationYear"`
  ).map((r) => r.y);
  const paidYears = (
    await tx.$queryRaw<{ y: number }[]>`
      SELECT DISTINCT extract(year FROM "settledAt" + interval '8 hours')::int AS y FROM "Payment"
      WHERE status = 'SUCCEEDED'::"PaymentStatus" AND "settledAt" IS NOT NULL
      UNION SELECT year FROM "EvaluationPaidCell"`
  ).map((r) => r.y);

  const insuredRollup = new Map<string, Values>();
  for (const c of await tx.$queryRaw<(InsuredCell & { programYear: number })[]>`
      SELECT "programYear", month, track::text AS track, field, applications, "newEnterprises", "premiumFen",
             "riskCoverageFen" FROM "EvaluationInsuredCell"`)
    insuredRollup.set(`${c.programYear}-${pad(c.month)}/${c.track}/${c.field}`, insuredValues(c));
  const yearRollup = new Map<string, Values>();
  for (const y of await tx.$queryRaw<
    { programYear: number; insuredEnterprises: number; highTechEnterprises: number }[]
  >`
      SELECT "programYear", "insuredEnterprises", "highTechEnterprises" FROM "EvaluationYear"`)
    yearRollup.set(String(y.programYear), {
      insuredEnterprises: BigInt(y.insuredEnterprises),
      highTechEnterprises: BigInt(y.highTechEnterprises),
    });
  const paidRollup = new Map<string, Values>();
  for (const c of await tx.$queryRaw<(PaidCell & { year: number })[]>`
      SELECT year, track::text AS track, field, applications, "paidFen" FROM "EvaluationPaidCell"`)
    paidRollup.set(`${c.year}/${c.track}/${c.field}`, paidValues(c));

  const insuredRows = new Map<string, Values>();
  const yearRows = new Map<string, Values>();
  for (const year of programYears) {
    for (const c of (await insuredCells(tx, year)).current)
      insuredRows.set(`${year}-${pad(c.month)}/${c.track}/${c.field}`, insuredValues(c));
    const e = await insuredEnterprises(tx, year);
    yearRows.set(String(year), {
      insuredEnterprises: BigInt(e.enterprises),
      highTechEnterprises: BigInt(e.highTech),
    });
  }
  const paidRows = new Map<string, Values>();
  for (const year of paidYears)
    for (const c of await paidCells(tx, year)) paidRows.set(`${year}/${c.track}/${c.field}`, paidValues(c));

  const drift = [
    ...compare('insured', insuredRollup, insuredRows),
    ...compare('enterprises', yearRollup, yearRows),
    ...compare('paid', paidRollup, paidRows),
  ];
  return { driftCells: drift.length, drift: drift.slice(0, DRIFT_KEPT) };
}

/** Runs the reconciliation and stores its result as the last one. */
export async function reconcileEvaluationRollups(db: Db, now = new Date()): Promise<Reconciliation> {
  const started = Date.now();
  const { driftCells, drift } = await db.$transaction((tx) => compareEvaluationRollups(tx), {
    isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead,
    timeout: 600_000,
    maxWait: 60_000,
  });
  const result = { ranAt: now, durationMs: Date.now() - started, driftCells, drift };
  const data = { ...result, drift: drift as unknown as Prisma.InputJsonArray };
  await db.evaluationReconciliation.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
  return result;
}

/** The last reconciliation's result, or null before the first. */
export async function lastReconciliation(db: Db): Promise<Reconciliation | null> {
  const row = await db.evaluationReconciliation.findUnique({ where: { id: 1 } });
  return row && { ...row, drift: row.drift as unknown as DriftCell[] };
}
