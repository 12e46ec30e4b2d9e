import { z } from 'zod';
import { TRACKS } from '../../domain/status';
import { BudgetBelowCommitted, budgetView } from '../../data/budget';
import { changeBudget } from '../../temporal/budgetWaiters';
import { unprocessable } from '../errors';
import { defineRoute } from '../route';
import { yearViewRoute } from '../yearViewRoute';
import { BudgetView } from '../responses';
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
];
