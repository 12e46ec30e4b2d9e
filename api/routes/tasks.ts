import { z } from 'zod';
import { QUEUES, queuesOf, type Actor } from '../../domain/roles';
import { TASK_COUNT_CAP, taskListPage } from '../../data/tasks';
import { assignUpdate, claimUpdate, decideUpdate, unclaimUpdate } from '../../workflows/application/contract';
import type { ApiDeps } from '../deps';
import { forbidden, notFound } from '../errors';
import { defineRoute } from '../route';
import { flagsOf } from '../../data/riskFlagViews';
import { TaskChange, TaskList, TaskSummary, TaskView } from '../responses';
import { IdParam, Page, Text } from '../schemas';
import { taskScope, taskVisibility } from '../scope';
import { updateApplication } from '../workflowUpdates';

const TaskQuery = Page.extend({
  queue: z.enum(QUEUES).optional(),
  state: z.enum(['open', 'claimed']).optional(),
  assignee: z.literal('me').optional(),
  overdue: z.enum(['true', 'false']).optional(),
  applicationId: z.string().min(1).max(100).optional(),
  /** `dueAt`: oldest due first (the default); `-dueAt`: newest due first. */
  sort: z.enum(['dueAt', '-dueAt']).default('dueAt'),
});

const AssignBody = z.object({ assignee: z.string().trim().min(1).max(100) });

const DecisionBody = z.object({
  decision: z.enum(['approve', 'reject', 'request_info']),
  comment: z.string().trim().max(2000).default(''),
  reasonCode: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'must be an UPPER_SNAKE_CASE code')
    .optional(),
  infoRequest: z.object({ message: Text(2000) }).optional(),
  appraisal: z.object({ grade: z.enum(['A', 'B', 'C']), opinion: Text(4000) }).optional(),
});

async function findVisibleTask(deps: ApiDeps, id: string, actor: Actor) {
  const task = await deps.db.task.findFirst({ where: { id, ...taskScope(actor) } });
  if (!task) throw notFound('task');
  return task;
}

const STAFF_WORKERS = ['reviewer', 'expert', 'approver', 'finance'] as const;

/** Claiming or giving back a task the caller may see: one workflow update, the task's new state. */
function taskMoveRoute(
  action: 'claim' | 'unclaim',
  summary: string,
  update: typeof claimUpdate,
  state: 'claimed' | 'open',
) {
  return defineRoute({
    method: 'post',
    path: `/api/v1/tasks/{id}/${action}`,
    summary,
    tag: 'tasks',
    response: TaskChange,
    access: STAFF_WORKERS,
    params: IdParam,
    errors: [404, 409],
    async handler({ params, actor, deps }) {
      const task = await findVisibleTask(deps, params.id, actor!);
      const view = await updateApplication(deps.temporal, task.applicationId, update, [
        { taskId: task.id, actor: actor! },
      ]);
      return { body: { ...view, applicationId: task.applicationId, state } };
    },
  });
}

export const taskRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/tasks/summary',
    summary: 'Counts of your queues: open, claimed, claimed by you, overdue',
    tag: 'tasks',
    response: TaskSummary,
    access: [...STAFF_WORKERS, 'admin'],
    async handler({ actor, deps }) {
      const rows = await deps.db.task.findMany({
        where: { ...taskScope(actor!), state: { in: ['OPEN', 'CLAIMED'] } },
        select: { queue: true, state: true, assignee: true, dueAt: true },
      });
      const now = Date.now();
      const queues = queuesOf(actor!.role).map((queue) => {
        const mine = rows.filter((r) => r.queue === queue);
        return {
          queue,
          open: mine.filter((r) => r.state === 'OPEN').length,
          claimed: mine.filter((r) => r.state === 'CLAIMED').length,
          mine: mine.filter((r) => r.assignee === actor!.subject).length,
          overdue: mine.filter((r) => r.dueAt.getTime() < now).length,
        };
      });
      return { body: { queues } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/tasks',
    summary: 'List the tasks of your queues, oldest due first',
    description:
      'Each role sees its queues; a task bound to an organisation (initial reviews of a street office or the ' +
      'committee, final approvals and objections of the committee) only its organisation’s staff; ' +
      'administrators every task, read-only; a reviewer or approver without an organisation none. ' +
      `The count stops at ${TASK_COUNT_CAP.toLocaleString('en')}: beyond it \`total\` is the cap and \`totalCapped\` true.`,
    tag: 'tasks',
    response: TaskList,
    access: [...STAFF_WORKERS, 'admin'],
    query: TaskQuery,
    async handler({ query, actor, deps }) {
      if (query.queue && !queuesOf(actor!.role).includes(query.queue))
        throw forbidden(`${actor!.role} does not work ${query.queue}`);
      const visibility = taskVisibility(actor!);
      const now = new Date();
      const { rows, total, capped } = visibility
        ? await taskListPage(
            deps.db,
            {
              visibility,
              queue: query.queue,
              state: query.state ? (query.state === 'open' ? 'OPEN' : 'CLAIMED') : undefined,
              assignee: query.assignee === 'me' ? actor!.subject : undefined,
              applicationId: query.applicationId,
              overdue: query.overdue ? query.overdue === 'true' : undefined,
              newestDueFirst: query.sort === '-dueAt',
              page: query.page,
              pageSize: query.pageSize,
            },
            now,
          )
        : { rows: [], total: 0, capped: false };
      const flags = await flagsOf(
        deps.db,
        rows.map((t) => t.applicationId),
      );
      const items = rows.map((t) => ({
        id: t.id,
        queue: t.queue,
        applicationId: t.applicationId,
        enterpriseName: t.enterpriseName,
        track: t.track,
        org: t.org,
        state: t.state.toLowerCase(),
        assignee: t.assignee,
        createdAt: t.createdAt.toISOString(),
        dueAt: t.dueAt.toISOString(),
        overdue: t.dueAt.getTime() < now.getTime(),
        escalatedAt: t.escalatedAt?.toISOString() ?? null,
        riskFlags: (flags.get(t.applicationId) ?? [])
          .filter((f) => f.state === 'open')
          .map(({ id, kind, reasonZh, reasonEn }) => ({ id, kind, reasonZh, reasonEn })),
      }));
      return { body: { items, total, totalCapped: capped, page: query.page, pageSize: query.pageSize } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/tasks/{id}',
    summary: 'Read one task of your queues (also a finished one), with its application id',
    tag: 'tasks',
    response: TaskView,
    access: [...STAFF_WORKERS, 'admin'],
    params: IdParam,
    errors: [404],
    async handler({ params, actor, deps }) {
      const t = await findVisibleTask(deps, params.id, actor!);
      // Who objected and why: what the approver judges in an objection review (never published).
      const objections =
        t.queue === 'objection-review'
          ? await deps.db.objection.findMany({
              where: { applicationId: t.applicationId },
              orderBy: { createdAt: 'asc' },
            })
          : [];
      const flags = await flagsOf(deps.db, [t.applicationId]);
      return {
        body: {
          id: t.id,
          queue: t.queue,
          applicationId: t.applicationId,
          org: t.org,
          state: t.state.toLowerCase(),
          assignee: t.assignee,
          createdAt: t.createdAt.toISOString(),
          dueAt: t.dueAt.toISOString(),
          overdue: (t.state === 'OPEN' || t.state === 'CLAIMED') && t.dueAt.getTime() < Date.now(),
          escalatedAt: t.escalatedAt?.toISOString() ?? null,
          completedAt: t.completedAt?.toISOString() ?? null,
          outcome: t.outcome,
          riskFlags: flags.get(t.applicationId) ?? [],
          ...(t.queue === 'objection-review'
            ? {
                objections: objections.map((o) => ({
                  id: o.id,
                  number: o.number,
                  filedAt: o.createdAt.toISOString(),
                  name: o.name,
                  contact: o.contact,
                  reason: o.reason,
                  outcome: o.outcome,
                })),
              }
            : {}),
        },
      };
    },
  }),
  taskMoveRoute('claim', 'Claim a task', claimUpdate, 'claimed'),
  taskMoveRoute(
    'unclaim',
    'Give a claimed task back to its queue (the claimer or a supervisor)',
    unclaimUpdate,
    'open',
  ),
  defineRoute({
    method: 'post',
    path: '/api/v1/tasks/{id}/assign',
    summary: 'Give a task to a member of staff (supervisors of the queue)',
    tag: 'tasks',
    response: TaskChange,
    access: STAFF_WORKERS,
    params: IdParam,
    body: AssignBody,
    errors: [404, 409],
    async handler({ params, body, actor, deps }) {
      const task = await findVisibleTask(deps, params.id, actor!);
      const view = await updateApplication(deps.temporal, task.applicationId, assignUpdate, [
        { taskId: task.id, actor: actor!, assignee: body.assignee },
      ]);
      return { body: { ...view, applicationId: task.applicationId, state: 'claimed' } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/tasks/{id}/decision',
    summary: 'Decide a claimed task (a workflow update; refused decisions write nothing)',
    tag: 'tasks',
    response: TaskChange,
    access: STAFF_WORKERS,
    params: IdParam,
    body: DecisionBody,
    errors: [404, 409, 422],
    async handler({ params, body, actor, deps, req }) {
      const task = await findVisibleTask(deps, params.id, actor!);
      const result = await updateApplication(
        deps.temporal,
        task.applicationId,
        decideUpdate,
        [
          {
            taskId: task.id,
            actor: actor!,
            decision: body.decision,
            comment: body.comment,
            reasonCode: body.reasonCode,
            infoRequest: body.infoRequest,
            appraisal: body.appraisal,
          },
        ],
        req.header('idempotency-key') ? `decision-${task.id}-${req.header('idempotency-key')}` : undefined,
      );
      return { body: { applicationId: task.applicationId, taskId: task.id, status: result.status } };
    },
  }),
];
