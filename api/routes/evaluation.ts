import { z } from 'zod';
import { evaluationCsv } from '../../domain/evaluationCsv';
import { TRACKS } from '../../domain/status';
import { disclosures, evaluationReport } from '../../data/evaluation';
import { defineRoute } from '../route';
import { Year } from '../schemas';

const EvaluationQuery = z.object({
  year: Year,
  format: z.enum(['json', 'csv']).default('json').describe('csv: a spreadsheet (UTF-8 with BOM)'),
});

const DisclosureQuery = z.object({
  year: Year,
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const Pct = z.number().nullable();
const Breakdown = {
  insuredApplications: z.number(),
  applicationsPaid: z.number(),
  newInsuredEnterprises: z.number(),
  premiumFen: z.number(),
  riskCoverageFen: z.number(),
  subsidiesPaidFen: z.number(),
};
const PeriodRow = { newInsuredEnterprises: z.number(), premiumFen: z.number(), growthPct: Pct };
const Progress = z.object({ actual: z.number().nullable(), target: z.number(), achievedPct: Pct });

/** For the OpenAPI document; the figures are defined in `domain/evaluation.ts`. */
const EvaluationResponse = z.object({
  year: z.number(),
  newInsuredEnterprises: z.number(),
  premiumFen: z.number(),
  premiumGrowthPct: Pct,
  riskCoverageFen: z.number(),
  subsidiesPaidFen: z.number(),
  leverage: z.number().nullable(),
  highTechCoveragePct: Pct,
  targets: z.object({ highTechCoveragePct: z.number(), riskCoverageFen: z.number() }),
  bankMatching: z.object({
    referrals: z.number(),
    granted: z.number(),
    creditLineFen: z.number(),
    declined: z.number(),
    expired: z.number(),
    pending: z.number(),
  }),
  insuredApplications: z.number(),
  insuredEnterprises: z.number(),
  applicationsPaid: z.number(),
  highTechInsuredEnterprises: z.number(),
  highTechEnterpriseTotal: z.number(),
  previousYearPremiumFen: z.number(),
  progress: z.object({ highTechCoveragePct: Progress, riskCoverageFen: Progress }),
  byTrack: z.array(z.object({ track: z.enum(TRACKS), ...Breakdown })),
  byField: z.array(z.object({ field: z.string(), ...Breakdown })),
  byMonth: z.array(z.object({ month: z.string(), ...PeriodRow })),
  byQuarter: z.array(z.object({ quarter: z.string(), ...PeriodRow })),
  surveys: z.object({
    sent: z.number(),
    answered: z.number(),
    claimsFiled: z.number(),
    claimsPaidFen: z.number(),
    loansObtainedFen: z.number(),
  }),
  campaigns: z
    .object({
      campaigns: z.number(),
      emailed: z.number(),
      enterprisesReached: z.number(),
      opened: z.number(),
      applications: z.number(),
      conversionPct: Pct,
    })
    .describe('outreach campaigns (主动匹配) of the year; zeros and a null conversion when there were none'),
});

const DisclosureResponse = z.object({
  items: z.array(
    z.object({
      enterpriseName: z.string(),
      creditCode: z.string(),
      track: z.enum(TRACKS),
      grantedFen: z.number(),
      paidAt: z.string(),
    }),
  ),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

/** Programme evaluation (实施效果评估) for staff, and the public disclosure of paid subsidies (资金公示). */
export const evaluationRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/metrics/evaluation',
    summary:
      'Evaluation of a programme year: insured enterprises, premiums, risk coverage, subsidies paid, leverage, targets, bank matching, surveys (JSON or CSV)',
    tag: 'evaluation',
    access: ['admin', 'finance', 'approver'],
    districtWide: true,
    query: EvaluationQuery,
    response: EvaluationResponse,
    async handler({ query, deps }) {
      const report = await evaluationReport(deps.db, query.year);
      if (query.format === 'json') return { body: report };
      return {
        headers: { 'Content-Disposition': `attachment; filename="evaluation-${query.year}.csv"` },
        raw: { contentType: 'text/csv; charset=utf-8', data: evaluationCsv(report) },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/disclosures',
    summary:
      'Subsidies paid in a year (资金公示): enterprise name, credit code, track, amount and payment time; nothing else',
    tag: 'evaluation',
    access: 'public',
    query: DisclosureQuery,
    response: DisclosureResponse,
    async handler({ query, deps }) {
      return { body: await disclosures(deps.db, query) };
    },
  }),
];
