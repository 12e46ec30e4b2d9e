import type { InsuredCell, PaidCell } from '../domain/evaluation';
import { Prisma, type Db, type Tx } from './db';
import { insuredItems, paidItems } from './evaluationRollups';

/**
 * The evaluation's rollup tables as a whole (`data/evaluationRollups.ts` keeps them step by step): the rebuild
 * from every row, and the reads of the evaluation.
 */

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
