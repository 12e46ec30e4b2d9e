import { z } from 'zod';
import { describeStuck } from '../../domain/stuckText';
import { wakeApplication } from '../../temporal/budgetWaiters';
import { AdminActionResult, StuckList, WakeResult } from '../responses';
import { findStuck, STUCK_KINDS } from '../../temporal/stuck';
import { adminActionUpdate, type AdminAction } from '../../workflows/application/contract';
import { notFound } from '../errors';
import { defineRoute } from '../route';
import { IdParam, Text } from '../schemas';
import { updateApplication } from '../workflowUpdates';

const StuckQuery = z.object({
  minAttempts: z.coerce.number().int().min(2).max(1000).default(5),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  kind: z.enum(STUCK_KINDS).optional(),
});

const ActionBody = z.object({ reason: Text(2000) });

const actionRoute = (action: AdminAction, path: string, summary: string) =>
  defineRoute({
    method: 'post',
    path,
    summary,
    tag: 'administration',
    access: ['admin'],
    params: IdParam,
    response: AdminActionResult,
    body: ActionBody,
    errors: [404, 409],
    async handler({ params, body, actor, deps, req }) {
      const app = await deps.db.application.findUnique({ where: { id: params.id }, select: { id: true } });
      if (!app) throw notFound('application');
      const key = req.header('idempotency-key');
      const result = await updateApplication(
        deps.temporal,
        app.id,
        adminActionUpdate,
        [{ actor: actor!, action, reason: body.reason }],
        key ? `admin-${action}-${app.id}-${key}` : undefined,
      );
      deps.logger.info({ applicationId: app.id, action, actor: actor!.subject }, 'administrator action');
      return { body: { id: app.id, status: result.status } };
    },
  });

/** Finding and unsticking running workflows (the runbook in docs/RUNBOOK.md walks through them). */
export const adminRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/workflows/stuck',
    summary:
      'Workflows needing attention: overdue tasks, failed payments, activities failing repeatedly, failing workflow tasks, flagged cases',
    tag: 'administration',
    access: ['admin'],
    query: StuckQuery,
    response: StuckList,
    async handler({ query, deps }) {
      const report = await findStuck(
        {
          db: deps.db,
          temporal: deps.temporal,
          taskQueue: deps.config.temporal.taskQueue,
          namespace: deps.config.temporal.namespace,
          uiUrl: deps.config.temporal.uiUrl,
        },
        { minAttempts: query.minAttempts, limit: query.limit },
      );
      const items = (query.kind ? report.items.filter((i) => i.kind === query.kind) : report.items).map(
        (i) => ({ ...i, summary: describeStuck(i) }), // the reason in words (domain/stuckText.ts)
      );
      return { body: { ...report, items, total: items.length } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/admin/applications/{id}/wake',
    summary:
      'Wake an application waiting for budget (the stuck list’s BUDGET_QUEUE items): the queue runs again and its workflow is told; one whose workflow no longer runs gives up its place',
    tag: 'administration',
    access: ['admin'],
    params: IdParam,
    response: WakeResult,
    errors: [404],
    async handler({ params, actor, deps }) {
      const app = await deps.db.application.findUnique({ where: { id: params.id }, select: { id: true } });
      if (!app) throw notFound('application');
      const outcome = await wakeApplication(deps.db, deps.temporal, app.id);
      const reservation = await deps.db.reservation.findUnique({ where: { applicationId: app.id } });
      deps.logger.info({ applicationId: app.id, outcome, actor: actor!.subject }, 'budget queue wake-up');
      return { body: { id: app.id, outcome, reservation: reservation?.state ?? null } };
    },
  }),
  actionRoute(
    'retry-payment',
    '/api/v1/admin/applications/{id}/retry-payment',
    'Pay a failed payment again, as a new attempt (recorded with the reason)',
  ),
  actionRoute(
    'cancel',
    '/api/v1/admin/applications/{id}/cancel',
    'Cancel an application: its task is cancelled, its reservation released, the applicant told (ends REJECTED)',
  ),
];
