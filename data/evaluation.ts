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
import { Prisma, type Db } from './db';
import { outreachTotals } from './outreach';
import { programFor } from './programs';
import { reused, type Reused } from '../platform/reuse';

/**
 * The database side of the evaluation (实施效果评估): a handful of aggregate queries whose results
 * `domain/evaluation.ts` turns into figures. What counts, and how, is documented there.
 */

/** Timestamps are stored as UTC wall-clock time (`timestamp(3)`): compare against the same. */
const ts = (d: Date) => Prisma.sql`${d.toISOString().slice(0, 23).replace('T', ' ')}::timestamp`;

/** The Asia/Shanghai calendar year as a half-open range [start, end). */
const yearRange = (year: number) => ({
  start: ts(shanghaiMonthStart(year, 1)),
  end: ts(shanghaiMonthStart(year + 1, 1)),
});

/**
 * Enum columns are compared as enums (never `status::text`): a cast hides the column's statistics from the
 * planner, which then misjudges how many rows match (docs/performance.md).
 */
const INSURED = Prisma.sql`a."approvedAt" IS NOT NULL AND a.status = ANY(${[...INSURED_STATUSES]}::"ApplicationStatus"[])`;
const SUCCEEDED = Prisma.sql`p.status = 'SUCCEEDED'::"PaymentStatus"`;

interface InsuredRow {
  programYear: number;
  month: number;
  track: Track;
  field: string;
  applications: number;
  newEnterprises: number;
  premiumFen: bigint;
  riskCoverageFen: bigint;
}

/**
 * Insured applications of a programme year and the year before, per submission month, track and main field
 * (one statement: the window below is the expensive part). Whether an application is its enterprise's first
 * is decided over every insured application of every year. A submission a moment outside its programme
 * year's months (the year is fixed just before the row is written) stays in the year.
 */
async function insuredCells(
  db: Db,
  year: number,
): Promise<{ current: InsuredCell[]; previous: InsuredCell[] }> {
  const bounds = (y: number) => Prisma.sql`ARRAY[${Prisma.join(shanghaiMonthStarts(y).map(ts))}]`;
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
async function insuredEnterprises(db: Db, year: number): Promise<{ enterprises: number; highTech: number }> {
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
async function paidCells(db: Db, year: number): Promise<PaidCell[]> {
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

/** The evaluation of a programme year (see `domain/evaluation.ts` for the definitions). */
export async function evaluationReport(db: Db, year: number): Promise<EvaluationReport> {
  const [program, insured, enterprises, paid, referrals, surveys, outreach] = await Promise.all([
    programFor(db, year),
    insuredCells(db, year),
    insuredEnterprises(db, year),
    paidCells(db, year),
    referralCounts(db, year),
    surveyTotals(db, year),
    outreachTotals(db, year),
  ]);
  return buildEvaluation({
    year,
    insured: insured.current,
    previousInsured: insured.previous,
    insuredEnterprises: enterprises.enterprises,
    highTechInsuredEnterprises: enterprises.highTech,
    highTechEnterpriseTotal: program.highTechEnterpriseTotal,
    targets: program.evaluationTargets,
    paid,
    referrals,
    surveys,
    outreach,
  });
}

/** Evaluations computed lately, per database client and year (the in-flight one shared by concurrent callers). */
const recent = new WeakMap<Db, Map<number, Reused<EvaluationReport>>>();

/**
 * The evaluation of a year as computed at most `maxAgeMs` ago. The figures move slowly (approvals and
 * payments of a year) while computing them reads every insured application: a minute-old answer serves the
 * dashboard, the CSV and the report alike (EVALUATION_CACHE_SECONDS; 0 computes every time).
 */
export function recentEvaluationReport(db: Db, year: number, maxAgeMs: number): Promise<EvaluationReport> {
  if (maxAgeMs <= 0) return evaluationReport(db, year);
  let years = recent.get(db);
  if (!years) recent.set(db, (years = new Map<number, Reused<EvaluationReport>>()));
  let report = years.get(year);
  if (!report) years.set(year, (report = reused(() => evaluationReport(db, year))));
  return report.get(maxAgeMs);
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
