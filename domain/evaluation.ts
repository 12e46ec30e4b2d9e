import { SHANGHAI_OFFSET_MS } from './calendar';
import { FIELDS } from './fields';
import { fromDbFen } from './money';
import type { EvaluationTargets } from './program';
import { GRANT_HOLDING_STATUSES, TRACKS, type Track } from './status';

/**
 * Programme evaluation (实施效果评估, DOMAIN.md): the arithmetic, the Asia/Shanghai periods and the CSV, as
 * pure functions of aggregates that `data/evaluation.ts` reads from the database.
 *
 * Which applications count, for the evaluation of year Y:
 * - An application is *insured* when it reached final approval with a grant and still holds it: `approvedAt`
 *   is set and its status is one of {@link INSURED_STATUSES} (APPROVED … CLOSED, never REJECTED/WITHDRAWN).
 * - Every insured application belongs to one period: its programme year (the Asia/Shanghai year of its
 *   submission) and the Asia/Shanghai month/quarter of its submission (`createdAt`). The year's figures are
 *   those of programme year Y, and the twelve months add up to them.
 * - premiumFen = Σ `premiumFen` (the policy premium); riskCoverageFen = Σ `sumInsuredFen` (风险保额).
 * - newInsuredEnterprises of a period = enterprises whose first ever insured application, ordered by
 *   `approvedAt` (then id), belongs to that period. Each enterprise is new exactly once; by track (or field) it
 *   is counted under the track of that first application (or its main field), so the rows add up.
 * - subsidiesPaidFen = Σ `amountFen` of SUCCEEDED payments settled (`settledAt`) in calendar year Y: money
 *   that actually left the budget that year, whatever the programme year of the application.
 * - leverage = riskCoverageFen / subsidiesPaidFen, 2 decimals; null when nothing was paid.
 * - premiumGrowthPct = (premium of Y − premium of Y−1) / premium of Y−1 × 100, 1 decimal; null when Y−1 is 0.
 * - highTechCoveragePct = distinct insured enterprises of Y whose verified registry facts (`verifiedFacts`,
 *   recorded at precheck) hold a national high-tech certificate valid at some time in Y, / the programme's
 *   `highTechEnterpriseTotal` × 100, 2 decimals.
 * - bankMatching counts the bank referrals created in Y, by status (SENT is pending); creditLineFen sums the
 *   granted ones. surveys counts the follow-up surveys sent in Y and sums the answers given to them.
 * - campaigns (主动匹配, data/outreach.ts; zeros when Y had none): the outreach campaigns of programme year Y, the invitations they
 *   e-mailed, the distinct enterprises reached and those that opened an invitation, the distinct applications
 *   of Y that resulted (the enterprise was invited for that track and year before it applied), and
 *   conversionPct = applications / enterprisesReached × 100, 2 decimals; null when nobody was invited.
 *
 * Rounding is half away from zero, computed on exact integers.
 */
export const INSURED_STATUSES = GRANT_HOLDING_STATUSES;

/** Insured applications of one programme year, aggregated per submission month, track and main field. */
export interface InsuredCell {
  /** 1–12, the Asia/Shanghai month of submission. */
  month: number;
  track: Track;
  field: string;
  applications: number;
  /** How many of these applications are their enterprise's first ever insured one. */
  newEnterprises: number;
  premiumFen: bigint;
  riskCoverageFen: bigint;
}

/** SUCCEEDED payments settled in the year, per track and main field of their application. */
export interface PaidCell {
  track: Track;
  field: string;
  applications: number;
  paidFen: bigint;
}

export interface ReferralCount {
  status: string;
  count: number;
  creditLineFen: bigint;
}

export interface SurveyTotals {
  sent: number;
  answered: number;
  claimsFiled: number;
  claimsPaidFen: bigint;
  loansObtainedFen: bigint;
}

export interface EvaluationInput {
  year: number;
  /** Programme year `year`. */
  insured: InsuredCell[];
  /** Programme year `year − 1`: the base of the growth of the year, of January and of Q1. */
  previousInsured: InsuredCell[];
  /** Distinct enterprises with an insured application of the year. */
  insuredEnterprises: number;
  highTechInsuredEnterprises: number;
  highTechEnterpriseTotal: number;
  targets: EvaluationTargets;
  paid: PaidCell[];
  referrals: ReferralCount[];
  surveys: SurveyTotals;
  /** Outreach campaigns of the year; none when absent. */
  outreach?: OutreachTotals;
}

const NO_OUTREACH: OutreachTotals = {
  campaigns: 0,
  emailed: 0,
  enterprisesReached: 0,
  opened: 0,
  applications: 0,
};

/** What the outreach campaigns of a programme year did (see the module comment). */
export interface OutreachTotals {
  campaigns: number;
  emailed: number;
  enterprisesReached: number;
  opened: number;
  applications: number;
}

export interface Breakdown {
  insuredApplications: number;
  applicationsPaid: number;
  newInsuredEnterprises: number;
  premiumFen: number;
  riskCoverageFen: number;
  subsidiesPaidFen: number;
}

export interface PeriodRow {
  newInsuredEnterprises: number;
  premiumFen: number;
  /** Premium growth against the previous period, 1 decimal; null when that premium is 0. */
  growthPct: number | null;
}

export interface TargetProgress {
  actual: number | null;
  target: number;
  /** actual / target × 100, 2 decimals. */
  achievedPct: number | null;
}

/** The response of `GET /api/v1/metrics/evaluation` (API.md fields first, then the additions). */
export interface EvaluationReport {
  year: number;
  newInsuredEnterprises: number;
  premiumFen: number;
  premiumGrowthPct: number | null;
  riskCoverageFen: number;
  subsidiesPaidFen: number;
  leverage: number | null;
  highTechCoveragePct: number | null;
  targets: EvaluationTargets;
  bankMatching: {
    referrals: number;
    granted: number;
    creditLineFen: number;
    declined: number;
    expired: number;
    pending: number;
  };
  insuredApplications: number;
  insuredEnterprises: number;
  applicationsPaid: number;
  highTechInsuredEnterprises: number;
  highTechEnterpriseTotal: number;
  previousYearPremiumFen: number;
  progress: { highTechCoveragePct: TargetProgress; riskCoverageFen: TargetProgress };
  byTrack: ({ track: Track } & Breakdown)[];
  byField: ({ field: string } & Breakdown)[];
  byMonth: ({ month: string } & PeriodRow)[];
  byQuarter: ({ quarter: string } & PeriodRow)[];
  surveys: {
    sent: number;
    answered: number;
    claimsFiled: number;
    claimsPaidFen: number;
    loansObtainedFen: number;
  };
  /** Outreach campaigns of the year (zeros and a null conversion when there were none). */
  campaigns: OutreachTotals & { conversionPct: number | null };
}

// ---- arithmetic --------------------------------------------------------------------------------------------

/** numerator / denominator rounded half away from zero to `decimals`, exactly (no float before the end). */
export function roundRatio(numerator: bigint, denominator: bigint, decimals: number): number {
  if (denominator === 0n) throw new RangeError('division by zero');
  const scale = 10n ** BigInt(decimals);
  const negative = numerator < 0n !== denominator < 0n;
  const n = (numerator < 0n ? -numerator : numerator) * scale;
  const d = denominator < 0n ? -denominator : denominator;
  let q = n / d;
  if ((n % d) * 2n >= d) q += 1n;
  if (q === 0n) return 0;
  return Number(negative ? -q : q) / Number(scale);
}

/** Growth of `current` over `previous` in percent, 1 decimal; null when there is nothing to grow from. */
export function growthPct(current: bigint, previous: bigint): number | null {
  return previous === 0n ? null : roundRatio((current - previous) * 100n, previous, 1);
}

/** Risk coverage per fen of subsidy paid (财政资金杠杆), 2 decimals; null when nothing was paid. */
export function leverage(riskCoverageFen: bigint, subsidiesPaidFen: bigint): number | null {
  return subsidiesPaidFen === 0n ? null : roundRatio(riskCoverageFen, subsidiesPaidFen, 2);
}

/** part / whole × 100, 2 decimals; null when the whole is 0. */
export function percentOf(part: bigint | number, whole: bigint | number): number | null {
  const w = BigInt(whole);
  return w === 0n ? null : roundRatio(BigInt(part) * 100n, w, 2);
}

/**
 * How much of a target is reached, in percent (2 decimals), for an actual value given as the exact fraction
 * actualNumerator / actualDenominator. Targets have at most two decimals (validated with the programme).
 */
export function achievedPct(
  actualNumerator: bigint,
  actualDenominator: bigint,
  target: number,
): number | null {
  const targetHundredths = BigInt(Math.round(target * 100));
  if (targetHundredths === 0n || actualDenominator === 0n) return null;
  return roundRatio(actualNumerator * 100n * 100n, actualDenominator * targetHundredths, 2);
}

// ---- Asia/Shanghai periods ---------------------------------------------------------------------------------

/** The instant an Asia/Shanghai month starts; month 13 is January of the next year. */
export const shanghaiMonthStart = (year: number, month: number): Date =>
  new Date(Date.UTC(year, month - 1, 1) - SHANGHAI_OFFSET_MS);

/** The 13 boundaries of the year's months: 1 January 00:00 +08:00 … 1 January of the next year. */
export const shanghaiMonthStarts = (year: number): Date[] =>
  Array.from({ length: 13 }, (_, i) => shanghaiMonthStart(year, i + 1));

/** The Asia/Shanghai year and month (1–12) of an instant. */
export function shanghaiMonth(at: Date): { year: number; month: number } {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1 };
}

export const quarterOfMonth = (month: number): number => Math.ceil(month / 3);

/** The Asia/Shanghai year and quarter (1–4) of an instant. */
export function shanghaiQuarter(at: Date): { year: number; quarter: number } {
  const { year, month } = shanghaiMonth(at);
  return { year, quarter: quarterOfMonth(month) };
}

export const monthKey = (year: number, month: number): string => `${year}-${String(month).padStart(2, '0')}`;
export const quarterKey = (year: number, quarter: number): string => `${year}-Q${quarter}`;

// ---- the report --------------------------------------------------------------------------------------------

const sumBig = <T>(rows: readonly T[], f: (r: T) => bigint): bigint => rows.reduce((s, r) => s + f(r), 0n);
const sum = <T>(rows: readonly T[], f: (r: T) => number): number => rows.reduce((s, r) => s + f(r), 0);

/** Premium and new enterprises of each month (index 0 = January). */
function monthly(cells: readonly InsuredCell[]): { premiumFen: bigint; newEnterprises: number }[] {
  return Array.from({ length: 12 }, (_, i) => {
    const inMonth = cells.filter((c) => c.month === i + 1);
    return {
      premiumFen: sumBig(inMonth, (c) => c.premiumFen),
      newEnterprises: sum(inMonth, (c) => c.newEnterprises),
    };
  });
}

function quarterly(months: ReturnType<typeof monthly>): ReturnType<typeof monthly> {
  return [0, 1, 2, 3].map((q) => {
    const inQuarter = months.slice(q * 3, q * 3 + 3);
    return {
      premiumFen: sumBig(inQuarter, (m) => m.premiumFen),
      newEnterprises: sum(inQuarter, (m) => m.newEnterprises),
    };
  });
}

function breakdown(insured: readonly InsuredCell[], paid: readonly PaidCell[]): Breakdown {
  return {
    insuredApplications: sum(insured, (c) => c.applications),
    applicationsPaid: sum(paid, (c) => c.applications),
    newInsuredEnterprises: sum(insured, (c) => c.newEnterprises),
    premiumFen: fromDbFen(sumBig(insured, (c) => c.premiumFen)),
    riskCoverageFen: fromDbFen(sumBig(insured, (c) => c.riskCoverageFen)),
    subsidiesPaidFen: fromDbFen(sumBig(paid, (c) => c.paidFen)),
  };
}

/** Every field code, in DOMAIN.md order, then any other code found in the data. */
function fieldsOf(input: EvaluationInput): string[] {
  const known: readonly string[] = FIELDS;
  const extra = new Set(
    [...input.insured, ...input.paid].map((c) => c.field).filter((f) => !known.includes(f)),
  );
  return [...known, ...[...extra].sort()];
}

export function buildEvaluation(input: EvaluationInput): EvaluationReport {
  const { year, insured, paid, targets } = input;
  const { outreach } = input;
  const premium = sumBig(insured, (c) => c.premiumFen);
  const previousPremium = sumBig(input.previousInsured, (c) => c.premiumFen);
  const risk = sumBig(insured, (c) => c.riskCoverageFen);
  const paidFen = sumBig(paid, (c) => c.paidFen);
  const referrals = (status: string) => input.referrals.find((r) => r.status === status);
  const months = monthly(insured);
  const previousMonths = monthly(input.previousInsured);
  const quarters = quarterly(months);
  const previousQ4 = quarterly(previousMonths)[3]!;
  const period = (m: { premiumFen: bigint; newEnterprises: number }, before: { premiumFen: bigint }) => ({
    newInsuredEnterprises: m.newEnterprises,
    premiumFen: fromDbFen(m.premiumFen),
    growthPct: growthPct(m.premiumFen, before.premiumFen),
  });
  const highTechPct = percentOf(input.highTechInsuredEnterprises, input.highTechEnterpriseTotal);
  return {
    year,
    newInsuredEnterprises: sum(insured, (c) => c.newEnterprises),
    premiumFen: fromDbFen(premium),
    premiumGrowthPct: growthPct(premium, previousPremium),
    riskCoverageFen: fromDbFen(risk),
    subsidiesPaidFen: fromDbFen(paidFen),
    leverage: leverage(risk, paidFen),
    highTechCoveragePct: highTechPct,
    targets: { highTechCoveragePct: targets.highTechCoveragePct, riskCoverageFen: targets.riskCoverageFen },
    bankMatching: {
      referrals: sum(input.referrals, (r) => r.count),
      granted: referrals('GRANTED')?.count ?? 0,
      creditLineFen: fromDbFen(referrals('GRANTED')?.creditLineFen ?? 0n),
      declined: referrals('DECLINED')?.count ?? 0,
      expired: referrals('EXPIRED')?.count ?? 0,
      pending: referrals('SENT')?.count ?? 0,
    },
    insuredApplications: sum(insured, (c) => c.applications),
    insuredEnterprises: input.insuredEnterprises,
    applicationsPaid: sum(paid, (c) => c.applications),
    highTechInsuredEnterprises: input.highTechInsuredEnterprises,
    highTechEnterpriseTotal: input.highTechEnterpriseTotal,
    previousYearPremiumFen: fromDbFen(previousPremium),
    progress: {
      highTechCoveragePct: {
        actual: highTechPct,
        target: targets.highTechCoveragePct,
        achievedPct: achievedPct(
          BigInt(input.highTechInsuredEnterprises) * 100n,
          BigInt(input.highTechEnterpriseTotal),
          targets.highTechCoveragePct,
        ),
      },
      riskCoverageFen: {
        actual: fromDbFen(risk),
        target: targets.riskCoverageFen,
        achievedPct: achievedPct(risk, 1n, targets.riskCoverageFen),
      },
    },
    byTrack: TRACKS.map((track) => ({
      track,
      ...breakdown(
        insured.filter((c) => c.track === track),
        paid.filter((c) => c.track === track),
      ),
    })),
    byField: fieldsOf(input).map((field) => ({
      field,
      ...breakdown(
        insured.filter((c) => c.field === field),
        paid.filter((c) => c.field === field),
      ),
    })),
    byMonth: months.map((m, i) => ({
      month: monthKey(year, i + 1),
      ...period(m, i === 0 ? previousMonths[11]! : months[i - 1]!),
    })),
    byQuarter: quarters.map((q, i) => ({
      quarter: quarterKey(year, i + 1),
      ...period(q, i === 0 ? previousQ4 : quarters[i - 1]!),
    })),
    surveys: {
      sent: input.surveys.sent,
      answered: input.surveys.answered,
      claimsFiled: input.surveys.claimsFiled,
      claimsPaidFen: fromDbFen(input.surveys.claimsPaidFen),
      loansObtainedFen: fromDbFen(input.surveys.loansObtainedFen),
    },
    campaigns: {
      ...(outreach ?? NO_OUTREACH),
      conversionPct: percentOf(outreach?.applications ?? 0, outreach?.enterprisesReached ?? 0),
    },
  };
}
