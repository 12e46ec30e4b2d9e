import { WorkflowNotFoundError } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { shanghaiYear } from '../../domain/calendar';
import { TRACK_NAMES } from '../../domain/emails';
import {
  CAMPAIGN_STATUSES,
  campaignReferenceInstant,
  DEFAULT_CAMPAIGN_PAGE_SIZE,
  MAX_CAMPAIGN_PAGE_SIZE,
} from '../../domain/outreach';
import { TRACKS } from '../../domain/status';
import type { Prisma } from '../../data/db';
import { campaignViews } from '../../data/outreach';
import { programFor, toCatalogProduct } from '../../data/programs';
import {
  campaignWorkflowId,
  OUTREACH_WORKFLOW_TYPE,
  type CampaignRules,
  type CampaignWorkflowInput,
  type OutreachCampaignWorkflow,
} from '../../workflows/outreach/contract';
import { TrackKey } from '../../workflows/searchAttributes';
import type { ApiDeps } from '../deps';
import { conflict, notFound, unprocessable } from '../errors';
import { pageOf } from '../paging';
import { defineRoute, type Reply } from '../route';
import { IdParam, Page, Text } from '../schemas';

const Year = z
  .number()
  .int('must be a year YYYY')
  .min(2020, 'must be 2020 or later')
  .max(2100, 'must be 2100 or earlier');

const CreateCampaign = z.object({
  track: z.enum(TRACKS),
  year: Year.optional().describe('programme year; default: the current one (Asia/Shanghai)'),
  note: Text(500).optional(),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(MAX_CAMPAIGN_PAGE_SIZE)
    .default(DEFAULT_CAMPAIGN_PAGE_SIZE)
    .describe('registry entries per page (one activity each)'),
});

const ListQuery = Page.extend({
  track: z.enum(TRACKS).optional(),
  year: z.coerce.number().pipe(Year).optional(),
  status: z.enum(CAMPAIGN_STATUSES).optional(),
});

const CampaignResponse = z.object({
  id: z.string(),
  track: z.enum(TRACKS),
  year: z.number(),
  note: z.string().nullable(),
  status: z.enum(CAMPAIGN_STATUSES),
  workflowId: z.string(),
  pageSize: z.number(),
  asOf: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  pagesDone: z.number(),
  scanned: z.number(),
  alreadyApplied: z.number(),
  ineligible: z.number(),
  eligible: z.number(),
  unsubscribed: z.number(),
  noContact: z.number(),
  emailed: z.number(),
  opened: z.number(),
  opens: z.number(),
  applications: z.number(),
  conversionPct: z.number().nullable(),
});

async function campaignView(deps: ApiDeps, id: string) {
  const row = await deps.db.campaign.findUnique({ where: { id } });
  if (!row) throw notFound('campaign');
  return (await campaignViews(deps.db, [row]))[0]!;
}

async function startCampaign(
  deps: ApiDeps,
  body: z.infer<typeof CreateCampaign>,
  createdBy: string,
): Promise<Reply> {
  const now = new Date();
  const year = body.year ?? shanghaiYear(now);
  const program = await programFor(deps.db, year);
  const asOf = campaignReferenceInstant(program, now);
  if (!asOf) {
    throw unprocessable('WINDOW_CLOSED', `the ${year} application window closed at ${program.closesAt}`);
  }
  const products = await deps.db.catalogProduct.findMany({ orderBy: { productCode: 'asc' } });
  const rules: CampaignRules = { program, products: products.map(toCatalogProduct) };
  const id = `OC-${year}-${randomBytes(4).toString('hex').toUpperCase()}`;
  const workflowId = campaignWorkflowId(id);
  try {
    await deps.db.campaign.create({
      data: {
        id,
        track: body.track,
        year,
        note: body.note ?? null,
        pageSize: body.pageSize,
        asOf,
        rules: rules as unknown as Prisma.InputJsonObject,
        workflowId,
        createdBy,
      },
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') {
      throw conflict('CAMPAIGN_RUNNING', `a ${body.track} campaign for ${year} is still running`);
    }
    throw err;
  }
  const input: CampaignWorkflowInput = {
    campaignId: id,
    track: body.track,
    year,
    cursor: null,
    pagesDone: 0,
  };
  try {
    await deps.temporal.workflow.start<OutreachCampaignWorkflow>(OUTREACH_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: deps.config.temporal.taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `Outreach campaign ${id} · ${body.track} · ${year}`,
      staticDetails: [
        `${TRACK_NAMES[body.track].zh}主动匹配，started by \`${createdBy}\`${body.note ? `: ${body.note}` : ''}.`,
        `Figures: \`GET /api/v1/admin/campaigns/${id}\` · cancel: \`POST /api/v1/admin/campaigns/${id}/cancel\`.`,
      ].join('\n\n'),
      typedSearchAttributes: [{ key: TrackKey, value: body.track }],
    });
  } catch (err) {
    // Nothing ran: the campaign did not happen (and the track's year is free for the next attempt).
    await deps.db.campaign.delete({ where: { id } }).catch(() => undefined);
    throw err;
  }
  deps.logger.info({ campaignId: id, track: body.track, year, createdBy }, 'outreach campaign started');
  return { status: 201, body: await campaignView(deps, id) };
}

const createRoute = (path: string) =>
  defineRoute({
    method: 'post',
    path,
    summary:
      'Start an outreach campaign (主动匹配): invite the registry’s eligible enterprises without an application this year',
    tag: 'outreach',
    access: ['admin'],
    body: CreateCampaign,
    idempotent: true,
    response: CampaignResponse,
    errors: [409, 422],
    handler: ({ body, actor, deps }) => startCampaign(deps, body, actor!.subject),
  });

const viewRoute = (path: string) =>
  defineRoute({
    method: 'get',
    path,
    summary:
      'A campaign’s status and figures: pages, scanned, eligible, skipped, e-mailed, opens, applications, conversion',
    tag: 'outreach',
    access: ['admin'],
    params: IdParam,
    response: CampaignResponse,
    errors: [404],
    async handler({ params, deps }) {
      return { body: await campaignView(deps, params.id) };
    },
  });

/** Outreach campaigns for administrators, and the links of their e-mails for the enterprises. */
export const campaignRoutes = [
  createRoute('/api/v1/admin/campaigns'),
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/campaigns',
    summary: 'Outreach campaigns, newest first, with their figures',
    tag: 'outreach',
    access: ['admin'],
    query: ListQuery,
    response: z.object({
      items: z.array(CampaignResponse),
      total: z.number(),
      page: z.number(),
      pageSize: z.number(),
    }),
    async handler({ query, deps }) {
      const where = { track: query.track, year: query.year, status: query.status };
      const body = await pageOf(
        query,
        (window) =>
          deps.db.campaign.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], ...window }),
        () => deps.db.campaign.count({ where }),
        (rows) => campaignViews(deps.db, rows),
      );
      return { body };
    },
  }),
  viewRoute('/api/v1/admin/campaigns/{id}'),
  defineRoute({
    method: 'post',
    path: '/api/v1/admin/campaigns/{id}/cancel',
    summary: 'Stop a running campaign after the page in progress (nobody further is e-mailed)',
    tag: 'outreach',
    access: ['admin'],
    params: IdParam,
    response: CampaignResponse,
    errors: [404, 409],
    async handler({ params, actor, deps }) {
      const campaign = await deps.db.campaign.findUnique({ where: { id: params.id } });
      if (!campaign) throw notFound('campaign');
      if (campaign.status !== 'RUNNING') {
        throw conflict('INVALID_STATE', `the campaign has already ended (${campaign.status})`);
      }
      try {
        await deps.temporal.workflow.getHandle(campaign.workflowId).cancel();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError)
          throw conflict('INVALID_STATE', 'the campaign has already ended');
        throw err;
      }
      deps.logger.info({ campaignId: campaign.id, actor: actor!.subject }, 'outreach campaign cancelled');
      return { status: 202, body: await campaignView(deps, campaign.id) };
    },
  }),
  // API.md's names of the same.
  createRoute('/api/v1/admin/outreach/campaigns'),
  viewRoute('/api/v1/admin/outreach/campaigns/{id}'),
];
