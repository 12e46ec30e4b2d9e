import { z } from 'zod';
import { fromDbFen } from '../../domain/money';
import { objectUpdate } from '../../workflows/application/contract';
import {
  NOTICE_WORKFLOW_TYPE,
  publicationUpdate,
  type NoticeBatchWorkflow,
} from '../../workflows/notice/contract';
import { conflict, notFound } from '../errors';
import { pageOf } from '../paging';
import { defineRoute } from '../route';
import { NoticeList, ObjectionReceipt, Publication } from '../responses';
import { Page, Text } from '../schemas';
import { updateApplication } from '../workflowUpdates';

const BatchParam = z.object({ id: z.uuid('must be a notice id') });
const NoticeQuery = Page.extend({ status: z.enum(['OPEN', 'CLOSED']).optional() });
const ObjectionBody = z.object({
  applicationId: z.string().min(1).max(100),
  name: Text(100).describe('objections are named: anonymous ones are refused'),
  contact: Text(200),
  reason: z.string().trim().min(5, 'must explain the objection (at least 5 characters)').max(4000),
});

/** The public notice (支持资金公示): what is published, and named objections while it is open. */
export const noticeRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/notices',
    summary: 'Published notices with their grants (enterprise, credit code, track, amount; nothing else)',
    tag: 'notices',
    response: NoticeList,
    access: 'public',
    query: NoticeQuery,
    async handler({ query, deps }) {
      const where = query.status ? { status: query.status } : {};
      const body = await pageOf(
        query,
        (window) =>
          deps.db.noticeBatch.findMany({
            where,
            orderBy: { publishedAt: 'desc' },
            ...window,
            include: { items: { where: { removed: null }, orderBy: { applicationId: 'asc' } } },
          }),
        () => deps.db.noticeBatch.count({ where }),
        (batches, now) =>
          batches.map((b) => ({
            id: b.id,
            number: b.number,
            publishedAt: b.publishedAt.toISOString(),
            endsAt: b.endsAt.toISOString(),
            status: b.status === 'OPEN' && b.endsAt.getTime() > now ? 'OPEN' : 'CLOSED',
            items: b.items.map((i) => ({
              applicationId: i.applicationId,
              enterpriseName: i.enterpriseName,
              creditCode: i.creditCode,
              track: i.track,
              grantedFen: fromDbFen(i.grantedFen),
            })),
          })),
      );
      return { body };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/notices/{id}/objections',
    summary: 'Object to a published grant while the notice is open (named; the objector is never published)',
    tag: 'notices',
    response: ObjectionReceipt,
    access: 'public',
    rateLimited: true,
    params: BatchParam,
    body: ObjectionBody,
    errors: [404, 409, 429],
    async handler({ params, body, deps }) {
      const batch = await deps.db.noticeBatch.findUnique({ where: { id: params.id } });
      if (!batch) throw notFound('notice');
      if (batch.status !== 'OPEN' || batch.endsAt.getTime() <= Date.now()) {
        throw conflict('NOTICE_CLOSED', 'the notice period has ended; objections are no longer taken');
      }
      const item = await deps.db.noticeItem.findFirst({
        where: { batchId: batch.id, applicationId: body.applicationId, removed: null },
      });
      if (!item) throw notFound('application in this notice');
      const { objectionId } = await updateApplication(deps.temporal, item.applicationId, objectUpdate, [
        { batchId: batch.id, name: body.name, contact: body.contact, reason: body.reason },
      ]);
      // The receipt number to quote on the phone (the row is written before the update returns).
      const row = await deps.db.objection.findUnique({
        where: { id: objectionId },
        select: { number: true },
      });
      return {
        status: 201,
        body: {
          id: objectionId,
          number: row?.number ?? null,
          applicationId: item.applicationId,
          status: 'RECEIVED',
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/admin/notices/publish',
    summary: 'Publish the approved backlog now (otherwise every working day at 09:00 Beijing time)',
    tag: 'notices',
    response: Publication,
    access: ['admin'],
    async handler({ deps }) {
      const handle = await deps.temporal.workflow.start<NoticeBatchWorkflow>(NOTICE_WORKFLOW_TYPE, {
        workflowId: `notice-admin-${Date.now()}`,
        taskQueue: deps.config.temporal.taskQueue,
        args: [{ trigger: 'admin', timeAcceleration: deps.config.timeAcceleration }],
      });
      const publication = await handle.executeUpdate(publicationUpdate);
      const batch = publication.batchId
        ? await deps.db.noticeBatch.findUnique({
            where: { id: publication.batchId },
            select: { number: true },
          })
        : null;
      return {
        status: publication.batchId ? 201 : 200,
        body: { ...publication, number: batch?.number ?? null },
      };
    },
  }),
];
