import {
  buildEvaluation,
  INSURED_STATUSES,
  shanghaiMonthStart,
  shanghaiMonthStarts,
  type EvaluationReport,
  type InsuredCell,
  type PaidCell,
  type ReferralCount,
  type SurveyTotals,
} from '../domain/evaluation';
import { fromDbFen } from '../domain/money';
import type { Track } from '../domain/status';
import { Prisma, sqlTimestamp, type Db, type Tx } from './db';
import { outreachTotals } from './outreach';
import { programFor } from './programs';
import { rollupEnterprises, rollupInsuredCells, rollupPaidCells } from './evaluationRollupTables';

/**
 * The database side of the evaluation (实施效果评估): figures read from the rollups
 * (`data/evaluationRollups.ts`), and the aggregate queries over every row that compute the same figures
 * (the reconciliation's, `data/evaluationReconcile.ts`). `domain/evaluation.ts` turns either into the report;
 * what counts, and how, is documented there.
 */

/** The Asia/Shanghai calendar year as a half-open range [start, end). */
const yearRange = (year: number) => ({
  start: sqlTimestamp(shanghaiMonthStart(year, 1)),
  end: sqlTimestamp(shanghaiMonthStart(year + 1, 1)),
});

/**
 * Enum columns are compared as enums (never `status::text`): a cast hides the column's statistics from the
 * planner, which then misjudges how many rows match (docs/performance.md).
 */
const INSURED = Prisma.sql`a."approvedAt" IS NOT NULL AND a.status = ANY(${[...INSURED_STATUSES]}::"ApplicationStatus"[])`;
const SUCCEEDED = Prisma.sql`p.status = 'SUCCEEDED'::"PaymentStatus"`;

/** A cell of `InsuredCell` with the programme year it belongs to (this year or the year before). */
type InsuredRow = InsuredCell & { programYear: number };

/**
 * Insured applications of a programme year and the year before, per submission month, track and main field
 * (one statement: the window below is the expensive part). Whether an application is its enterprise's first
 * is decided over every insured application of every year. A submission a moment outside its programme
 * year's months (the year is fixed just before the row is written) stays in the year.
 */
export async function insuredCells(
  db: Db | Tx,
  year: number,
): Promise<{ current: InsuredCell[]; previous: InsuredCell[] }> {
  const bounds = (y: number) => Prisma.sql`ARRAY[${Prisma.join(shanghaiMonthStarts(y).map(sqlTimestamp))}]`;
  const rows = await db.$queryRaw<InsuredRow[]>`
    WITH insured AS (
      SELECT a."creditCode", a.track::text AS track, a."programYear", a."createdAt", a."premiumFen",
             a."sumInsuredFen",
             row_number() OVER (PARTITION BY a."creditCode" ORDER BY a."approvedAt", a.id) AS nth
      FROM "Application" a
      WHERE ${INSURED}
    )
    SELECT i."programYear",
           GREATEST(1, LEAST(12, width_bucket(i."createdAt",
             CASE WHEN i."programYear" = ${year} THEN ${bounds(year)} ELSE ${bounds(year - 1)} END)))::int AS month,
           i.track, e."mainField" AS field,
           count(*)::int AS applications,
           (count(*) FILTER (WHERE i.nth = 1))::int AS "newEnterprises",
           sum(i."premiumFen")::bigint AS "premiumFen",
           sum(i."sumInsuredFen")::bigint AS "riskCoverageFen"
    FROM insured i JOIN "Enterprise" e ON e."creditCode" = i."creditCode"
    WHERE i."programYear" IN (${year}, ${year - 1})
    GROUP BY 1, 2, 3, 4`;
  const cells = (y: number) =>
    rows.filter((r) => r.programYear === y).map(({ programYear: _year, ...cell }) => cell);
  return { current: cells(year), previous: cells(year - 1) };
}

/** Distinct insured enterprises of the programme year, and those holding a high-tech certificate valid in it. */
export async function insuredEnterprises(
  db: Db | Tx,
  year: number,
): Promise<{ enterprises: number; highTech: number }> {
  const [row] = await db.$queryRaw<{ enterprises: number; highTech: number }[]>`
    SELECT count(DISTINCT a."creditCode")::int AS enterprises,
           (count(DISTINCT a."creditCode") FILTER (
              WHERE jsonb_typeof(a."verifiedFacts" -> 'enterprise' -> 'highTech') = 'object'
                AND a."verifiedFacts" -> 'enterprise' -> 'highTech' ->> 'certifiedOn' <= ${`${year}-12-31`}
                AND a."verifiedFacts" -> 'enterprise' -> 'highTech' ->> 'validUntil' >= ${`${year}-01-01`}
           ))::int AS "highTech"
    FROM "Application" a
    WHERE ${INSURED} AND a."programYear" = ${year}`;
  return row ?? { enterprises: 0, highTech: 0 };
}

/** SUCCEEDED payments settled in the calendar year, per track and main field. */
export async function paidCells(db: Db | Tx, year: number): Promise<PaidCell[]> {
  const { start, end } = yearRange(year);
  return db.$queryRaw<PaidCell[]>`
    SELECT a.track::text AS track, e."mainField" AS field,
           count(DISTINCT p."applicationId")::int AS applications,
           sum(p."amountFen")::bigint AS "paidFen"
    FROM "Payment" p
    JOIN "Application" a ON a.id = p."applicationId"
    JOIN "Enterprise" e ON e."creditCode" = a."creditCode"
    WHERE ${SUCCEEDED} AND p."settledAt" >= ${start} AND p."settledAt" < ${end}
    GROUP BY 1, 2`;
}

async function referralCounts(db: Db, year: number): Promise<ReferralCount[]> {
  const { start, end } = yearRange(year);
  return db.$queryRaw<ReferralCount[]>`
    SELECT status, count(*)::int AS count, coalesce(sum("creditLineFen"), 0)::bigint AS "creditLineFen"
    FROM "BankReferral"
    WHERE "createdAt" >= ${start} AND "createdAt" < ${end}
    GROUP BY status`;
}

async function surveyTotals(db: Db, year: number): Promise<SurveyTotals> {
  const { start, end } = yearRange(year);
  const [row] = await db.$queryRaw<(Omit<SurveyTotals, 'claimsFiled'> & { claimsFiled: bigint })[]>`
    SELECT count(*)::int AS sent, count("answeredAt")::int AS answered,
           coalesce(sum("claimsFiled"), 0)::bigint AS "claimsFiled",
           coalesce(sum("claimsPaidFen"), 0)::bigint AS "claimsPaidFen",
           coalesce(sum("loansObtainedFen"), 0)::bigint AS "loansObtainedFen"
    FROM "Survey"
    WHERE "sentAt" >= ${start} AND "sentAt" < ${end}`;
  return { ...row!, claimsFiled: fromDbFen(row!.claimsFiled) };
}

/** What the evaluation needs besides the insured and paid figures: cheap queries over small tables. */
async function otherFigures(db: Db, year: number) {
  const [program, referrals, surveys, outreach] = await Promise.all([
    programFor(db, year),
    referralCounts(db, year),
    surveyTotals(db, year),
    outreachTotals(db, year),
  ]);
  return {
    highTechEnterpriseTotal: program.highTechEnterpriseTotal,
    targets: program.evaluationTargets,
    referrals,
    surveys,
    outreach,
  };
}

/**
 * The evaluation of a programme year (see `domain/evaluation.ts` for the definitions), from the rollups: a
 * few dozen rows, however many applications there are. Nothing is cached; a step is in the figures once its
 * transaction commits.
 */
export async function evaluationReport(db: Db, year: number): Promise<EvaluationReport> {
  const [{ current, previous }, enterprises, paid, other] = await Promise.all([
    rollupInsuredCells(db, year),
    rollupEnterprises(db, year),
    rollupPaidCells(db, year),
    otherFigures(db, year),
  ]);
  return buildEvaluation({
    year,
    insured: current,
    previousInsured: previous,
    insuredEnterprises: enterprises.enterprises,
    highTechInsuredEnterprises: enterprises.highTech,
    paid,
    ...other,
  });
}

/**
 * The same evaluation computed from every row (the window over every insured application is the expensive
 * part): what the rollups must equal. The reconciliation and the tests compare the two.
 */
export async function evaluationFromRows(db: Db, year: number): Promise<EvaluationReport> {
  const [insured, enterprises, paid, other] = await Promise.all([
    insuredCells(db, year),
    insuredEnterprises(db, year),
    paidCells(db, year),
    otherFigures(db, year),
  ]);
  return buildEvaluation({
    year,
    insured: insured.current,
    previousInsured: insured.previous,
    insuredEnterprises: enterprises.enterprises,
    highTechInsuredEnterprises: enterprises.highTech,
    paid,
    ...other,
  });
}

/** One paid subsidy as published (资金公示): nothing about the enterprise beyond name and credit code. */
export interface Disclosure {
  enterpriseName: string;
  creditCode: string;
  track: Track;
  grantedFen: number;
  paidAt: string;
}

interface DisclosureRow {
  enterpriseName: string;
  creditCode: string;
  track: Track;
  grantedFen: bigint;
  paidAt: Date;
}

/**
 * Subsidies paid in the Asia/Shanghai calendar year: applications with a SUCCEEDED payment settled in it
 * (its first, should there be two), ordered by payment time, then application id.
 */
export async function disclosures(
  db: Db,
  q: { year: number; page: number; pageSize: number },
): Promise<{ items: Disclosure[]; total: number; page: number; pageSize: number }> {
  const { start, end } = yearRange(q.year);
  const paid = Prisma.sql`
    SELECT DISTINCT ON (p."applicationId") p."applicationId", p."settledAt", p."amountFen"
    FROM "Payment" p
    WHERE ${SUCCEEDED} AND p."settledAt" >= ${start} AND p."settledAt" < ${end}
    ORDER BY p."applicationId", p."settledAt"`;
  const [rows, [count]] = await Promise.all([
    db.$queryRaw<DisclosureRow[]>`
      WITH paid AS (${paid})
      SELECT e.name AS "enterpriseName", a."creditCode", a.track::text AS track,
             coalesce(a."grantedFen", paid."amountFen") AS "grantedFen", paid."settledAt" AS "paidAt"
      FROM paid
      JOIN "Application" a ON a.id = paid."applicationId"
      JOIN "Enterprise" e ON e."creditCode" = a."creditCode"
      ORDER BY paid."settledAt", a.id
      LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
    db.$queryRaw<{ total: number }[]>`WITH paid AS (${paid}) SELECT count(*)::int AS total FROM paid`,
  ]);
  return {
    items: rows.map((r) => ({
      enterpriseName: r.enterpriseName,
      creditCode: r.creditCode,
      track: r.track,
      grantedFen: fromDbFen(r.grantedFen),
      paidAt: r.paidAt.toISOString(),
    })),
    total: count?.total ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}
