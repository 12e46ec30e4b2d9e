import type { EvaluationReport } from '../../domain/evaluation';

/** The campaigns of a year without outreach. */
export const NO_CAMPAIGNS: EvaluationReport['campaigns'] = {
  campaigns: 0,
  emailed: 0,
  enterprisesReached: 0,
  opened: 0,
  applications: 0,
  conversionPct: null,
};

/** A row of a breakdown by track or field, its figures in the order of the report's table. */
const breakdown = (
  insuredApplications: number,
  applicationsPaid: number,
  newInsuredEnterprises: number,
  premiumFen: number,
  riskCoverageFen: number,
  subsidiesPaidFen: number,
) => ({
  insuredApplications,
  applicationsPaid,
  newInsuredEnterprises,
  premiumFen,
  riskCoverageFen,
  subsidiesPaidFen,
});

const ZERO = breakdown(0, 0, 0, 0, 0, 0);

/**
 * The evaluation of 2031 on the data set of test/integration/evaluation.test.ts, every figure worked out by hand
 * (the comments there say what each row adds); test/unit/reportText.test.ts words these figures.
 */
export const EVALUATION_2031: EvaluationReport = {
  year: 2031,
  newInsuredEnterprises: 4, // E2, E3, E4, E7
  premiumFen: 3_150_000,
  premiumGrowthPct: 950, // 3 150 000 against 300 000
  riskCoverageFen: 1_030_000_000,
  subsidiesPaidFen: 800_000, // 100 000 (2030's T0002) + 500 000 + 200 000
  leverage: 1287.5,
  highTechCoveragePct: 6.25, // 1 of 16
  targets: { highTechCoveragePct: 12.5, riskCoverageFen: 2_000_000_000 },
  bankMatching: {
    referrals: 5,
    granted: 2,
    creditLineFen: 350_000_000,
    declined: 1,
    expired: 1,
    pending: 1,
  },
  insuredApplications: 7,
  insuredEnterprises: 5,
  applicationsPaid: 3,
  highTechInsuredEnterprises: 1,
  highTechEnterpriseTotal: 16,
  previousYearPremiumFen: 300_000,
  progress: {
    highTechCoveragePct: { actual: 6.25, target: 12.5, achievedPct: 50 },
    riskCoverageFen: { actual: 1_030_000_000, target: 2_000_000_000, achievedPct: 51.5 },
  },
  byTrack: [
    { track: 'INCLUSIVE', ...breakdown(3, 1, 1, 650_000, 180_000_000, 100_000) },
    { track: 'SRDI', ...breakdown(2, 1, 2, 900_000, 300_000_000, 200_000) },
    { track: 'FRONTIER', ...breakdown(2, 1, 1, 1_600_000, 550_000_000, 500_000) },
  ],
  byField: [
    { field: 'INTEGRATED_CIRCUIT', ...breakdown(2, 1, 1, 1_600_000, 550_000_000, 500_000) },
    { field: 'COMMERCIAL_AEROSPACE', ...ZERO },
    { field: 'ARTIFICIAL_INTELLIGENCE', ...breakdown(3, 1, 1, 650_000, 180_000_000, 100_000) },
    { field: 'BIOMEDICINE', ...breakdown(1, 1, 1, 400_000, 100_000_000, 200_000) },
    { field: 'NEW_GENERATION_IT', ...ZERO },
    { field: 'INTELLIGENT_MANUFACTURING', ...ZERO },
    { field: 'NEW_ENERGY', ...breakdown(1, 0, 1, 500_000, 200_000_000, 0) },
    { field: 'NEW_MATERIALS', ...ZERO },
    { field: 'OTHER', ...ZERO },
  ],
  byMonth: [
    { month: '2031-01', newInsuredEnterprises: 1, premiumFen: 1_000_000, growthPct: 900 }, // against Dec 2030: 100 000
    { month: '2031-02', newInsuredEnterprises: 0, premiumFen: 0, growthPct: -100 },
    { month: '2031-03', newInsuredEnterprises: 1, premiumFen: 500_000, growthPct: null },
    { month: '2031-04', newInsuredEnterprises: 1, premiumFen: 400_000, growthPct: -20 },
    { month: '2031-05', newInsuredEnterprises: 0, premiumFen: 0, growthPct: -100 },
    { month: '2031-06', newInsuredEnterprises: 0, premiumFen: 0, growthPct: null },
    { month: '2031-07', newInsuredEnterprises: 0, premiumFen: 150_000, growthPct: null },
    { month: '2031-08', newInsuredEnterprises: 0, premiumFen: 0, growthPct: -100 },
    { month: '2031-09', newInsuredEnterprises: 0, premiumFen: 0, growthPct: null },
    { month: '2031-10', newInsuredEnterprises: 1, premiumFen: 1_100_000, growthPct: null },
    { month: '2031-11', newInsuredEnterprises: 0, premiumFen: 0, growthPct: -100 },
    { month: '2031-12', newInsuredEnterprises: 0, premiumFen: 0, growthPct: null },
  ],
  byQuarter: [
    { quarter: '2031-Q1', newInsuredEnterprises: 2, premiumFen: 1_500_000, growthPct: 400 }, // against Q4 2030: 300 000
    { quarter: '2031-Q2', newInsuredEnterprises: 1, premiumFen: 400_000, growthPct: -73.3 },
    { quarter: '2031-Q3', newInsuredEnterprises: 0, premiumFen: 150_000, growthPct: -62.5 },
    { quarter: '2031-Q4', newInsuredEnterprises: 1, premiumFen: 1_100_000, growthPct: 633.3 },
  ],
  surveys: {
    sent: 3,
    answered: 2,
    claimsFiled: 3,
    claimsPaidFen: 1_000_000,
    loansObtainedFen: 25_000_000,
  },
  campaigns: NO_CAMPAIGNS,
};
