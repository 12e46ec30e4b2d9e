import { z } from 'zod';
import { TRACKS } from '../../domain/status';
import { BudgetBelowCommitted, budgetView } from '../../data/budget';
import { budgetForecast } from '../../data/budgetForecast';
import { changeBudget } from '../../temporal/budgetWaiters';
import { unprocessable } from '../errors';
import { defineRoute } from '../route';
import { yearViewRoute } from '../yearViewRoute';
import { BudgetForecastView, BudgetView } from '../responses';
import { Fen } from '../schemas';

const YearParam = z.object({ year: z.coerce.number().int().min(2020).max(2100) });
const BudgetBody = z
  .object({
    totalFen: Fen,
    /** Optional sub-budgets per track, each within the total. */
    tracks: z.partialRecord(z.enum(TRACKS), Fen).optional(),
  })
  .superRefine((b, ctx) => {
    for (const [track, fen] of Object.entries(b.tracks ?? {})) {
      if (fen > b.totalFen)
        ctx.addIssue({ code: 'custom', path: ['tracks', track], message: 'cannot exceed totalFen' });
    }
  });

const ForecastQuery = z.object({
  year: z.coerce.number().int().min(2020).max(2100),
  weeks: z.coerce
    .number()
    .int()
    .min(1)
    .max(52)
    .optional()
    .describe('weeks over which the pace is measured (default BUDGET_FORECAST_WEEKS, 4)'),
});

export const budgetRoutes = [
  defineRoute({
    method: 'put',
    path: '/api/v1/admin/budgets/{year}',
    summary:
      'Set the year’s subsidy budget (optionally per track); waiting applications resume in approval order',
    tag: 'budget',
    access: ['finance', 'admin'],
    params: YearParam,
    body: BudgetBody,
    response: BudgetView,
    errors: [422],
    async handler({ params, body, actor, deps }) {
      try {
        await changeBudget(deps.db, deps.temporal, params.year, body, actor!);
      } catch (err) {
        if (err instanceof BudgetBelowCommitted) {
          throw unprocessable('BUDGET_BELOW_COMMITTED', err.message, [
            {
              path: err.track === 'ALL' ? 'body.totalFen' : `body.tracks.${err.track}`,
              message: `at least ${err.committedFen}`,
            },
          ]);
        }
        throw err;
      }
      return { body: await budgetView(deps.db, params.year) };
    },
  }),
  yearViewRoute({
    path: '/api/v1/admin/budgets/{year}',
    summary: 'The year’s budget: total, reserved, spent and available',
    tag: 'budget',
    access: ['finance', 'admin', 'approver'],
    districtWide: true,
    params: YearParam,
    response: BudgetView,
    read: budgetView,
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/budgets/forecast',
    summary:
      'When the money runs out: per budget (the year’s total, then each sub-budget) what is committed, paid and remaining, the pace of recent grants and the projected day of exhaustion',
    description:
      'The pace is fen per calendar day over the last `weeks` weeks (today, Beijing, included); the ' +
      'exhaustion day is today + ceil(remaining × days / committed in those days), null when nothing ' +
      'remains (`exhausted`) or nothing was granted in those days; `beforeWindowCloses` when it falls on ' +
      'or before the day the programme’s application window closes (docs/API.md).',
    tag: 'budget',
    access: ['finance', 'admin', 'auditor'],
    districtWide: true,
    query: ForecastQuery,
    response: BudgetForecastView,
    async handler({ query, deps }) {
      const weeks = query.weeks ?? deps.config.budgetForecast.weeks;
      return { body: await budgetForecast(deps.db, query.year, { weeks }) };
    },
  }),
];
