import { z } from 'zod';
import { RISK_FLAG_KINDS } from '../../domain/riskFlags';
import { dismissFlag, FlagDismissRefused, listFlags } from '../../data/riskFlagViews';
import { conflict, notFound } from '../errors';
import { RiskFlag, RiskFlagList } from '../responses';
import { defineRoute } from '../route';
import { IdParam, Text } from '../schemas';

const ListQuery = z.object({
  kind: z.enum(RISK_FLAG_KINDS).optional(),
  state: z.enum(['open', 'dismissed']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
const DismissBody = z.object({ reason: Text(500) });

/**
 * The administrators' risk list of anomaly flags (data/riskFlags.ts computes them at precheck and nightly):
 * counts by kind, the flags, and their dismissal with a reason (audited). Reviewers see an application's
 * flags on its task and detail; applicants and banks never see any.
 */
export const riskRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/risk/flags',
    summary: 'The anomaly flags of applications (open or dismissed), newest first, with counts by kind',
    description:
      '`counts` are of every flag in the `state` asked (whatever `kind` and `limit`); `items` at most `limit` (200).',
    tag: 'risk',
    access: ['admin', 'auditor'],
    query: ListQuery,
    response: RiskFlagList,
    async handler({ query, deps }) {
      return { body: await listFlags(deps.db, query) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/risk/flags/{id}/dismiss',
    summary:
      'Dismiss an anomaly flag with a reason (audited); it stays dismissed when the flags are computed again',
    tag: 'risk',
    access: ['admin'],
    params: IdParam,
    body: DismissBody,
    response: RiskFlag,
    errors: [404, 409],
    async handler({ params, body, actor, deps }) {
      try {
        return { body: await dismissFlag(deps.db, { id: params.id, reason: body.reason, actor: actor! }) };
      } catch (err) {
        if (!(err instanceof FlagDismissRefused)) throw err;
        if (err.code === 'NOT_FOUND') throw notFound('risk flag');
        throw conflict('ALREADY_DISMISSED', err.message);
      }
    },
  }),
];
