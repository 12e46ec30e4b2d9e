import { WorkflowNotFoundError } from '@temporalio/client';
import type { Request } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { shanghaiYear } from '../../domain/calendar';
import { TRACK_NAMES } from '../../domain/emails';
import {
  CAMPAIGN_STATUSES,
  campaignReferenceInstant,
  DEFAULT_CAMPAIGN_PAGE_SIZE,
  INVITATION_AUDIENCE,
  MAX_CAMPAIGN_PAGE_SIZE,
  UNSUBSCRIBE_AUDIENCE,
} from '../../domain/outreach';
import type { EnterpriseFacts } from '../../domain/rules';
import { TRACKS } from '../../domain/status';
import type { Prisma } from '../../data/db';
import { campaignViews, recordOpen } from '../../data/outreach';
import { programFor, toCatalogProduct } from '../../data/programs';
import { LinkError, signedLinks } from '../../platform/signedLinks';
import {
  campaignWorkflowId,
  OUTREACH_WORKFLOW_TYPE,
  type CampaignRules,
  type CampaignWorkflowInput,
  type OutreachCampaignWorkflow,
} from '../../workflows/outreach/contract';
import { TrackKey } from '../../workflows/searchAttributes';
import type { ApiDeps } from '../deps';
import { conflict, HttpError, notFound, unprocessable } from '../errors';
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

const TokenParam = z.object({ token: z.string().min(20).max(2000) });
/**
 * The query of a link opened from an e-mail is let through: mail clients and security gateways append their
 * own parameters (utm_source, ...), and the unsubscribe page's form posts back to the URL it was opened at.
 * Nothing reads it.
 */
const EmailedLinkQuery = z.looseObject({});

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

/** The claims of an e-mailed link, or 401 (the link is the only credential). */
async function linkClaims(deps: ApiDeps, audience: string, token: string) {
  try {
    const claims = await signedLinks(deps.config.linkSecret).verify(audience, token);
    if (typeof claims.cmp !== 'string') throw new LinkError(false);
    return { creditCode: claims.sub, campaignId: claims.cmp };
  } catch (err) {
    const expired = err instanceof LinkError && err.expired;
    throw new HttpError(
      401,
      expired ? 'LINK_EXPIRED' : 'LINK_INVALID',
      expired ? 'this link has expired' : 'this link is not valid',
    );
  }
}

const wantsHtml = (req: Request) => req.accepts(['application/json', 'text/html']) === 'text/html';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A small bilingual page for people who open an e-mailed link in a browser. */
function htmlPage(title: string, ...paragraphs: string[]): Reply {
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${paragraphs.join('\n')}</body></html>`;
  return { raw: { contentType: 'text/html; charset=utf-8', data: html } };
}

/** The fields of `PUT /api/v1/enterprises/{creditCode}` the registry's facts fill in. */
function enterprisePrefill(f: EnterpriseFacts, contactEmail: string) {
  return {
    name: f.name,
    district: f.district,
    size: f.size,
    foundedOn: f.foundedOn,
    mainField: f.mainField,
    ...(f.techSme ? { techSmeValidUntil: f.techSme.validUntil } : {}),
    ...(f.highTech
      ? { highTechCertifiedOn: f.highTech.certifiedOn, highTechValidUntil: f.highTech.validUntil }
      : {}),
    ...(f.srdi ? { srdiLevel: f.srdi.level, srdiValidUntil: f.srdi.validUntil } : {}),
    contactEmail,
  };
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
      const [rows, total] = await Promise.all([
        deps.db.campaign.findMany({
          where,
          orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
          skip: (query.page - 1) * query.pageSize,
          take: query.pageSize,
        }),
        deps.db.campaign.count({ where }),
      ]);
      return {
        body: {
          items: await campaignViews(deps.db, rows),
          total,
          page: query.page,
          pageSize: query.pageSize,
        },
      };
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

  defineRoute({
    method: 'get',
    path: '/api/v1/campaigns/invitations/{token}',
    summary:
      'An invitation from its e-mailed link: records the opening and answers what pre-fills the application (HTML for browsers)',
    tag: 'outreach',
    access: 'public',
    rateLimited: true,
    params: TokenParam,
    query: EmailedLinkQuery,
    errors: [429],
    async handler({ params, deps, req }) {
      const { campaignId, creditCode } = await linkClaims(deps, INVITATION_AUDIENCE, params.token);
      const recipient = await deps.db.campaignRecipient.findUnique({
        where: { campaignId_creditCode: { campaignId, creditCode } },
        include: { campaign: { select: { track: true, year: true } } },
      });
      if (!recipient) throw new HttpError(401, 'LINK_INVALID', 'this link is not valid');
      await recordOpen(deps.db, campaignId, creditCode);
      const [own, optedOut] = await Promise.all([
        deps.db.enterprise.findUnique({ where: { creditCode }, select: { contactEmail: true } }),
        deps.db.outreachUnsubscribe.findUnique({ where: { creditCode } }),
      ]);
      const { track, year } = recipient.campaign;
      const enterprise = enterprisePrefill(
        recipient.facts as unknown as EnterpriseFacts,
        own?.contactEmail ?? recipient.email,
      );
      const base = deps.config.http.publicBaseUrl;
      const body = {
        campaignId,
        creditCode,
        enterpriseName: recipient.enterpriseName,
        track,
        year,
        registered: own !== null,
        unsubscribed: optedOut !== null,
        enterprise,
        application: { creditCode, track },
        next: {
          signIn: `${base}/#/signin`,
          enterprise: `PUT /api/v1/enterprises/${creditCode}`,
          application: 'POST /api/v1/applications',
        },
      };
      if (!wantsHtml(req)) return { body };
      const rows = Object.entries(enterprise)
        .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`)
        .join('');
      return htmlPage(
        `${recipient.enterpriseName}：${year}年度${TRACK_NAMES[track].zh}补贴 / ${TRACK_NAMES[track].en} subsidy`,
        `<p>贵企业（统一社会信用代码 ${escapeHtml(creditCode)}）可能符合申报条件。请以申请企业身份登录，核对以下预填信息后提交申请。</p>`,
        `<p>Your enterprise may qualify. Sign in as the applicant, check the pre-filled details below and apply.</p>`,
        `<table>${rows}<tr><th>track</th><td>${escapeHtml(track)}</td></tr></table>`,
        `<p><a href="${escapeHtml(body.next.signIn)}">登录申报 / Sign in and apply</a></p>`,
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/campaigns/unsubscribe/{token}',
    summary:
      'Whether the enterprise of an e-mailed unsubscribe link receives outreach e-mails (HTML: a confirm button)',
    tag: 'outreach',
    access: 'public',
    rateLimited: true,
    params: TokenParam,
    query: EmailedLinkQuery,
    errors: [429],
    async handler({ params, deps, req }) {
      const { creditCode } = await linkClaims(deps, UNSUBSCRIBE_AUDIENCE, params.token);
      const optedOut = await deps.db.outreachUnsubscribe.findUnique({ where: { creditCode } });
      const body = { creditCode, unsubscribed: optedOut !== null };
      if (!wantsHtml(req)) return { body };
      // Mail scanners open links: the unsubscribe itself is a POST the person confirms.
      return htmlPage(
        '退订政策推送 / Unsubscribe',
        body.unsubscribed
          ? '<p>已退订，今后的主动匹配活动不会再向贵企业发送邮件。 / You are unsubscribed.</p>'
          : `<p>统一社会信用代码 ${escapeHtml(creditCode)}：确认后，今后的主动匹配活动不再向贵企业发送邮件。</p>
<form method="post"><button type="submit">确认退订 / Unsubscribe</button></form>`,
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/campaigns/unsubscribe/{token}',
    summary:
      'Unsubscribe from outreach e-mails (per credit code, honoured by every later campaign); idempotent',
    tag: 'outreach',
    access: 'public',
    rateLimited: true,
    params: TokenParam,
    query: EmailedLinkQuery,
    errors: [429],
    async handler({ params, deps, req }) {
      const { creditCode, campaignId } = await linkClaims(deps, UNSUBSCRIBE_AUDIENCE, params.token);
      const recipient = await deps.db.campaignRecipient.findUnique({
        where: { campaignId_creditCode: { campaignId, creditCode } },
        select: { email: true },
      });
      await deps.db.outreachUnsubscribe.createMany({
        data: [{ creditCode, campaignId, email: recipient?.email ?? null }],
        skipDuplicates: true,
      });
      deps.logger.info({ campaignId, creditCode }, 'unsubscribed from outreach');
      if (wantsHtml(req)) {
        return htmlPage(
          '已退订 / Unsubscribed',
          '<p>已退订，今后的主动匹配活动不会再向贵企业发送邮件。</p><p>You will receive no more outreach e-mails.</p>',
        );
      }
      return { body: { creditCode, unsubscribed: true } };
    },
  }),
];
