import { FIELDS, type Field } from './fields';
import type { Track } from './status';

/**
 * The configuration of one programme year (API.md `/programs/{year}`). Applications snapshot the
 * configuration in force when they are submitted, so a later change never alters a running case.
 */
export interface ProgramConfig {
  year: number;
  opensAt: string;
  closesAt: string;
  keyFields: Field[];
  frontierFields: Field[];
  inclusiveStaffMax: number;
  inclusiveRevenueMaxFen: number;
  inclusivePremiumCapFen: number;
  inclusiveMaxYears: number;
  srdiRatesBp: Record<'NATIONAL' | 'MUNICIPAL', Record<'R_AND_D' | 'TRANSFER' | 'OTHER', number>>;
  frontierRateBp: number;
  srdiAnnualCapFen: number;
  frontierAnnualCapFen: number;
  reviewSlaWorkingDays: { initial: number; expert: number; final: number };
  noticeWorkingDays: number;
  infoDeadlineWorkingDays: number;
  bankMatchingTracks: Track[];
  highTechEnterpriseTotal: number;
  /** Months after payment at which follow-up surveys are sent (实施效果评估); the last one closes the case. */
  followUpMonths: number[];
  /** Days before an inclusive policy ends that the renewal reminder is sent, while years remain. */
  renewalReminderDays: number;
  /** Working days partner banks have to answer a loan referral (保贷联动). */
  bankResponseWorkingDays: number;
  /** The plan's targets the evaluation (实施效果评估) measures progress against. */
  evaluationTargets: EvaluationTargets;
}

/**
 * Targets of the plan: the seed draft's 8 % high-tech coverage and 3.5 billion CNY of policy-leveraged risk
 * coverage (the final plan raised coverage to 20 %: hence configuration, not constants).
 */
// A type, not an interface: programme configurations are stored as JSON (snapshots), which needs index signatures.
export type EvaluationTargets = {
  /** Insured national high-tech enterprises / `highTechEnterpriseTotal`, in percent. */
  highTechCoveragePct: number;
  /** Total sum insured of the year's insured applications, in fen. */
  riskCoverageFen: number;
};

/** The seed draft's targets (DOMAIN.md): 8 % and 3.5 billion CNY. */
export const DEFAULT_EVALUATION_TARGETS: Readonly<EvaluationTargets> = {
  highTechCoveragePct: 8,
  riskCoverageFen: 350_000_000_000,
};

/** The defaults of DOMAIN.md for a year: the window is the whole Asia/Shanghai calendar year. */
export function defaultProgram(year: number): ProgramConfig {
  return {
    year,
    opensAt: `${year}-01-01T00:00:00+08:00`,
    closesAt: `${year}-12-31T23:59:59+08:00`,
    keyFields: FIELDS.filter((f) => f !== 'OTHER'),
    frontierFields: ['INTEGRATED_CIRCUIT', 'COMMERCIAL_AEROSPACE'],
    inclusiveStaffMax: 100,
    inclusiveRevenueMaxFen: 10_000_000_00,
    inclusivePremiumCapFen: 2_500_00,
    inclusiveMaxYears: 3,
    srdiRatesBp: {
      NATIONAL: { R_AND_D: 5000, TRANSFER: 5000, OTHER: 3000 },
      MUNICIPAL: { R_AND_D: 4000, TRANSFER: 4000, OTHER: 2000 },
    },
    frontierRateBp: 5000,
    srdiAnnualCapFen: 500_000_00,
    frontierAnnualCapFen: 3_000_000_00,
    reviewSlaWorkingDays: { initial: 5, expert: 10, final: 3 },
    noticeWorkingDays: 5,
    infoDeadlineWorkingDays: 10,
    bankMatchingTracks: ['INCLUSIVE'],
    highTechEnterpriseTotal: 10_000,
    followUpMonths: [6, 12],
    renewalReminderDays: 30,
    bankResponseWorkingDays: 10,
    evaluationTargets: { ...DEFAULT_EVALUATION_TARGETS },
  };
}

/**
 * A stored programme completed with the year's defaults: configuration stored before a field existed keeps
 * working and takes the default of that field (nested target figures one by one).
 */
export function withProgramDefaults(year: number, stored: Partial<ProgramConfig>): ProgramConfig {
  const defaults = defaultProgram(year);
  return {
    ...defaults,
    ...stored,
    evaluationTargets: { ...defaults.evaluationTargets, ...stored.evaluationTargets },
  };
}
