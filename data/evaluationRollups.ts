import { INSURED_STATUSES, type InsuredCell, type PaidCell } from '../domain/evaluation';
import type { Track } from '../domain/status';
import { Prisma, type Db, type Tx } from './db';

/**
 * The evaluation's rollups (实施效果评估, docs/performance.md "Evaluation from rollups"): counters per
 * programme year × month × track × field, per settlement year × track × field, and per programme year, so that
 * the evaluation reads a few dozen rows instead of every application.
 *
 * They are kept through *items*: what each row contributes today (one per insured application, one per
 * application and settlement year of its SUCCEEDED payments). `syncEvaluationRollups` recomputes the items of
 * one enterprise from its rows, compares them with the stored ones and moves the counters by the difference,
 * in the caller's transaction. A second call with nothing changed finds no difference and writes nothing, so
 * a replayed step, or a writer calling it once too often, cannot count twice. The definitions are those of
 * `domain/evaluation.ts`; `data/evaluationReconcile.ts` checks the counters against today's row-based queries.
 */

/** Timestamps are stored as UTC wall-clock time; Asia/Shanghai is UTC+8 all year. */
const SHANGHAI = Prisma.sql`interval '8 hours'`;
const INSURED = Prisma.sql`a."approvedAt" IS NOT NULL AND a.status = ANY(${[...INSURED_STATUSES]}::"ApplicationStatus"[])`;

/**
 * The insured items as the rows define them. `where` filters applications (by enterprise, for a sync): the
 * window partitions by enterprise, so the filter does not change which application is an enterprise's first.
 * The month is that of submission in Asia/Shanghai, held within the programme year (a submission a moment
 * outside it counts in its first or last month).
 */
const insuredItems = (where: Prisma.Sql) => Prisma.sql`
  SELECT a.id AS "applicationId", a."creditCode", a."programYear",
         (CASE WHEN extract(year FROM a."createdAt" + ${SHANGHAI}) < a."programYear" THEN 1
               WHEN extract(year FROM a."createdAt" + ${SHANGHAI}) > a."programYear" THEN 12
               ELSE extract(month FROM a."createdAt" + ${SHANGHAI}) END)::int AS month,
         a.track::text AS track, e."mainField" AS field,
         a."premiumFen", a."sumInsuredFen" AS "riskCoverageFen",
         row_number() OVER (PARTITION BY a."creditCode" ORDER BY a."approvedAt", a.id) = 1 AS "newEnterprise",
         coalesce(jsonb_typeof(a."verifiedFacts" -> 'enterprise' -> 'highTech') = 'object'
           AND a."verifiedFacts" -> 'enterprise' -> 'highTech' ->> 'certifiedOn' <= (a."programYear"::text || '-12-31')
           AND a."verifiedFacts" -> 'enterprise' -> 'highTech' ->> 'validUntil' >= (a."programYear"::text || '-01-01'),
           false) AS "highTech"
  FROM "Application" a JOIN "Enterprise" e ON e."creditCode" = a."creditCode"
  WHERE ${INSURED} AND ${where}`;

/** The paid items as the rows define them: SUCCEEDED payments per application and Asia/Shanghai year settled. */
const paidItems = (where: Prisma.Sql) => Prisma.sql`
  SELECT p."applicationId", extract(year FROM p."settledAt" + ${SHANGHAI})::int AS year, a."creditCode",
         a.track::text AS track, e."mainField" AS field, count(*)::int AS payments,
         sum(p."amountFen")::bigint AS "paidFen"
  FROM "Payment" p
  JOIN "Application" a ON a.id = p."applicationId"
  JOIN "Enterprise" e ON e."creditCode" = a."creditCode"
  WHERE p.status = 'SUCCEEDED'::"PaymentStatus" AND p."settledAt" IS NOT NULL AND ${where}
  GROUP BY 1, 2, 3, 4, 5`;

interface InsuredItem {
  applicationId: string;
  creditCode: string;
  programYear: number;
  month: number;
  track: Track;
  field: string;
  premiumFen: bigint;
  riskCoverageFen: bigint;
  newEnterprise: boolean;
  highTech: boolean;
}

interface PaidItem {
  applicationId: string;
  year: number;
  creditCode: string;
  track: Track;
  field: string;
  payments: number;
  paidFen: bigint;
}

const sameInsured = (a: InsuredItem, b: InsuredItem) =>
  a.programYear === b.programYear &&
  a.month === b.month &&
  a.track === b.track &&
  a.field === b.field &&
  a.premiumFen === b.premiumFen &&
  a.riskCoverageFen === b.riskCoverageFen &&
  a.newEnterprise === b.newEnterprise &&
  a.highTech === b.highTech;

const samePaid = (a: PaidItem, b: PaidItem) =>
  a.track === b.track && a.field === b.field && a.payments === b.payments && a.paidFen === b.paidFen;

/** Counter changes, summed per cell before they are written (each cell once, in key order: no deadlock). */
class Deltas<V extends bigint[]> {
  private readonly cells = new Map<string, { key: (string | number)[]; values: V }>();
  add(key: (string | number)[], values: V, sign: 1n | -1n): void {
    const id = JSON.stringify(key);
    const cell = this.cells.get(id);
    if (!cell) this.cells.set(id, { key, values: values.map((v) => v * sign) as V });
    else cell.values.forEach((v, i) => (cell.values[i] = v + values[i]! * sign));
  }
  /** The cells whose counters move, in key order. */
  changed(): { key: (string | number)[]; values: V }[] {
    return [...this.cells.entries()]
      .filter(([, c]) => c.values.some((v) => v !== 0n))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, c]) => c);
  }
}

/** Serialises the syncs of one enterprise (two of its applications recorded at once would both see old items). */
const ROLLUP_LOCK = 0x6576616c; // 'eval'

/**
 * Brings the rollups up to date with the rows of one enterprise (its applications, their payments, its main
 * field), in the caller's transaction: call it after changing any of them. Changes nothing when nothing
 * changed. Counter rows are written in key order, insured cells before years before paid cells.
 */
export async function syncEvaluationRollups(tx: Tx, creditCode: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ROLLUP_LOCK}::int, hashtext(${creditCode}))`;
  const enterprise = Prisma.sql`a."creditCode" = ${creditCode}`;
  const wantInsured = await tx.$queryRaw<InsuredItem[]>(insuredItems(enterprise));
  const haveInsured = await tx.$queryRaw<InsuredItem[]>`
    SELECT "applicationId", "creditCode", "programYear", month, track::text AS track, field, "premiumFen",
           "riskCoverageFen", "newEnterprise", "highTech"
    FROM "EvaluationInsuredItem" WHERE "creditCode" = ${creditCode}`;
  const wantPaid = await tx.$queryRaw<PaidItem[]>(paidItems(enterprise));
  const havePaid = await tx.$queryRaw<PaidItem[]>`
    SELECT "applicationId", year, "creditCode", track::text AS track, field, payments, "paidFen"
    FROM "EvaluationPaidItem" WHERE "creditCode" = ${creditCode}`;

  const insuredCells = new Deltas<[bigint, bigint, bigint, bigint]>();
  const insuredKey = (i: InsuredItem) => [i.programYear, i.month, i.track, i.field];
  const insuredValues = (i: InsuredItem): [bigint, bigint, bigint, bigint] => [
    1n,
    i.newEnterprise ? 1n : 0n,
    i.premiumFen,
    i.riskCoverageFen,
  ];
  const wanted = new Map(wantInsured.map((i) => [i.applicationId, i]));
  const had = new Map(haveInsured.map((i) => [i.applicationId, i]));
  for (const id of new Set([...wanted.keys(), ...had.keys()])) {
    const [want, have] = [wanted.get(id), had.get(id)];
    if (want && have && sameInsured(want, have)) continue;
    if (have) insuredCells.add(insuredKey(have), insuredValues(have), -1n);
    if (want) insuredCells.add(insuredKey(want), insuredValues(want), 1n);
    if (have) await tx.$executeRaw`DELETE FROM "EvaluationInsuredItem" WHERE "applicationId" = ${id}`;
    if (want)
      await tx.$executeRaw`
        INSERT INTO "EvaluationInsuredItem" ("applicationId", "creditCode", "programYear", month, track, field,
          "premiumFen", "riskCoverageFen", "newEnterprise", "highTech")
        VALUES (${id}, ${creditCode}, ${want.programYear}, ${want.month}, ${want.track}::"Track", ${want.field},
          ${want.premiumFen}, ${want.riskCoverageFen}, ${want.newEnterprise}, ${want.highTech})`;
  }

  // The enterprise counts once in each programme year it has an insured application (high-tech: one of them).
  const years = new Deltas<[bigint, bigint]>();
  const presence = (items: InsuredItem[]) => {
    const by = new Map<number, [bigint, bigint]>();
    for (const i of items) {
      const [, highTech] = by.get(i.programYear) ?? [1n, 0n];
      by.set(i.programYear, [1n, i.highTech ? 1n : highTech]);
    }
    return by;
  };
  for (const [year, values] of presence(haveInsured)) years.add([year], values, -1n);
  for (const [year, values] of presence(wantInsured)) years.add([year], values, 1n);

  const paidCells = new Deltas<[bigint, bigint]>();
  const paidId = (p: PaidItem) => `${p.applicationId}\u0000${p.year}`;
  const wantedPaid = new Map(wantPaid.map((p) => [paidId(p), p]));
  const hadPaid = new Map(havePaid.map((p) => [paidId(p), p]));
  for (const id of new Set([...wantedPaid.keys(), ...hadPaid.keys()])) {
    const [want, have] = [wantedPaid.get(id), hadPaid.get(id)];
    if (want && have && samePaid(want, have)) continue;
    if (have) {
      paidCells.add([have.year, have.track, have.field], [1n, have.paidFen], -1n);
      await tx.$executeRaw`
        DELETE FROM "EvaluationPaidItem" WHERE "applicationId" = ${have.applicationId} AND year = ${have.year}`;
    }
    if (want) {
      paidCells.add([want.year, want.track, want.field], [1n, want.paidFen], 1n);
      await tx.$executeRaw`
        INSERT INTO "EvaluationPaidItem" ("applicationId", year, "creditCode", track, field, payments, "paidFen")
        VALUES (${want.applicationId}, ${want.year}, ${creditCode}, ${want.track}::"Track", ${want.field},
          ${want.payments}, ${want.paidFen})`;
    }
  }

  const insured = insuredCells.changed();
  if (insured.length)
    await tx.$executeRaw`
      INSERT INTO "EvaluationInsuredCell" AS c ("programYear", month, track, field, applications, "newEnterprises",
        "premiumFen", "riskCoverageFen")
      VALUES ${Prisma.join(
        insured.map(
          ({ key: [y, m, t, f], values: [n, fresh, premium, risk] }) =>
            Prisma.sql`(${y}, ${m}, ${t}::"Track", ${f}, ${Number(n)}, ${Number(fresh)}, ${premium}, ${risk})`,
        ),
      )}
      ON CONFLICT ("programYear", month, track, field) DO UPDATE SET
        applications = c.applications + EXCLUDED.applications,
        "newEnterprises" = c."newEnterprises" + EXCLUDED."newEnterprises",
        "premiumFen" = c."premiumFen" + EXCLUDED."premiumFen",
        "riskCoverageFen" = c."riskCoverageFen" + EXCLUDED."riskCoverageFen"`;
  const yearRows = years.changed();
  if (yearRows.length)
    await tx.$executeRaw`
      INSERT INTO "EvaluationYear" AS y ("programYear", "insuredEnterprises", "highTechEnterprises")
      VALUES ${Prisma.join(
        yearRows.map(
          ({ key: [year], values: [n, highTech] }) =>
            Prisma.sql`(${year}, ${Number(n)}, ${Number(highTech)})`,
        ),
      )}
      ON CONFLICT ("programYear") DO UPDATE SET
        "insuredEnterprises" = y."insuredEnterprises" + EXCLUDED."insuredEnterprises",
        "highTechEnterprises" = y."highTechEnterprises" + EXCLUDED."highTechEnterprises"`;
  const paid = paidCells.changed();
  if (paid.length)
    await tx.$executeRaw`
      INSERT INTO "EvaluationPaidCell" AS c (year, track, field, applications, "paidFen")
      VALUES ${Prisma.join(
        paid.map(
          ({ key: [y, t, f], values: [n, fen] }) =>
            Prisma.sql`(${y}, ${t}::"Track", ${f}, ${Number(n)}, ${fen})`,
        ),
      )}
      ON CONFLICT (year, track, field) DO UPDATE SET
        applications = c.applications + EXCLUDED.applications, "paidFen" = c."paidFen" + EXCLUDED."paidFen"`;
}

/** `syncEvaluationRollups` for the enterprise of an application. */
export async function syncEvaluationRollupsOf(tx: Tx, applicationId: string): Promise<void> {
  const [row] = await tx.$queryRaw<{ creditCode: string }[]>`
    SELECT "creditCode" FROM "Application" WHERE id = ${applicationId}`;
  if (row) await syncEvaluationRollups(tx, row.creditCode);
}

const ROLLUP_TABLES = [
  'EvaluationInsuredItem',
  'EvaluationInsuredCell',
  'EvaluationYear',
  'EvaluationPaidItem',
  'EvaluationPaidCell',
];

/**
 * Recomputes every rollup from the rows, in one transaction (the migration that created the tables does the
 * same). The tables are locked first, so a step recorded meanwhile waits and then moves the rebuilt counters.
 * For data written without the rollups (the bench's synthetic rows) and to clear a reported drift.
 */
export async function rebuildEvaluationRollups(db: Db): Promise<void> {
  await db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(
        `LOCK TABLE ${ROLLUP_TABLES.map((t) => `"${t}"`).join(', ')} IN ACCESS EXCLUSIVE MODE`,
      );
      await tx.$executeRawUnsafe(`TRUNCATE ${ROLLUP_TABLES.map((t) => `"${t}"`).join(', ')}`);
      await tx.$executeRaw`
        INSERT INTO "EvaluationInsuredItem" ("applicationId", "creditCode", "programYear", month, track, field,
          "premiumFen", "riskCoverageFen", "newEnterprise", "highTech")
        SELECT i."applicationId", i."creditCode", i."programYear", i.month, i.track::"Track", i.field,
               i."premiumFen", i."riskCoverageFen", i."newEnterprise", i."highTech"
        FROM (${insuredItems(Prisma.sql`TRUE`)}) i`;
      await tx.$executeRaw`
        INSERT INTO "EvaluationPaidItem" ("applicationId", year, "creditCode", track, field, payments, "paidFen")
        SELECT p."applicationId", p.year, p."creditCode", p.track::"Track", p.field, p.payments, p."paidFen"
        FROM (${paidItems(Prisma.sql`TRUE`)}) p`;
      await tx.$executeRaw`${Prisma.raw(SUMS_FROM_ITEMS)}`;
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
}

/** The counters as sums of the items (also the last step of the migration that fills them). */
export const SUMS_FROM_ITEMS = `
  WITH cells AS (
    INSERT INTO "EvaluationInsuredCell" ("programYear", month, track, field, applications, "newEnterprises",
      "premiumFen", "riskCoverageFen")
    SELECT "programYear", month, track, field, count(*)::int, (count(*) FILTER (WHERE "newEnterprise"))::int,
           sum("premiumFen"), sum("riskCoverageFen")
    FROM "EvaluationInsuredItem" GROUP BY 1, 2, 3, 4
    RETURNING 1
  ), years AS (
    INSERT INTO "EvaluationYear" ("programYear", "insuredEnterprises", "highTechEnterprises")
    SELECT "programYear", count(DISTINCT "creditCode")::int,
           (count(DISTINCT "creditCode") FILTER (WHERE "highTech"))::int
    FROM "EvaluationInsuredItem" GROUP BY 1
    RETURNING 1
  )
  INSERT INTO "EvaluationPaidCell" (year, track, field, applications, "paidFen")
  SELECT year, track, field, count(*)::int, sum("paidFen") FROM "EvaluationPaidItem" GROUP BY 1, 2, 3`;

// ---- reading ----------------------------------------------------------------------------------------------

/**
 * Insured cells of a programme year and the year before, in one statement (empty cells left out, as the
 * row-based computation has none).
 */
export async function rollupInsuredCells(
  db: Db | Tx,
  year: number,
): Promise<{ current: InsuredCell[]; previous: InsuredCell[] }> {
  const rows = await db.$queryRaw<(InsuredCell & { programYear: number })[]>`
    SELECT "programYear", month, track::text AS track, field, applications, "newEnterprises", "premiumFen",
           "riskCoverageFen"
    FROM "EvaluationInsuredCell" WHERE "programYear" IN (${year}, ${year - 1}) AND applications <> 0`;
  const cells = (y: number) =>
    rows.filter((r) => r.programYear === y).map(({ programYear: _year, ...cell }) => cell);
  return { current: cells(year), previous: cells(year - 1) };
}

export async function rollupPaidCells(db: Db | Tx, year: number): Promise<PaidCell[]> {
  return db.$queryRaw<PaidCell[]>`
    SELECT track::text AS track, field, applications, "paidFen"
    FROM "EvaluationPaidCell" WHERE year = ${year} AND applications <> 0`;
}

export async function rollupEnterprises(
  db: Db | Tx,
  year: number,
): Promise<{ enterprises: number; highTech: number }> {
  const [row] = await db.$queryRaw<{ enterprises: number; highTech: number }[]>`
    SELECT "insuredEnterprises" AS enterprises, "highTechEnterprises" AS "highTech"
    FROM "EvaluationYear" WHERE "programYear" = ${year}`;
  return row ?? { enterprises: 0, highTech: 0 };
}
