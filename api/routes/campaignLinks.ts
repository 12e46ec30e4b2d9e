import type { Request } from 'express';
import { z } from 'zod';
import { TRACK_NAMES } from '../../domain/emails';
import { INVITATION_AUDIENCE, UNSUBSCRIBE_AUDIENCE } from '../../domain/outreach';
import type { EnterpriseFacts } from '../../domain/rules';
import { recordOpen } from '../../data/outreach';
import { LinkError, signedLinks } from '../../platform/signedLinks';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { defineRoute, type Ctx, type Reply } from '../route';

/** The public pages of an e-mailed campaign link: the invitation and the unsubscribe. */
const TokenParam = z.object({ token: z.string().min(20).max(2000) });
/**
 * The query of a link opened from an e-mail is let through: mail clients and security gateways append their
 * own parameters (utm_source, ...), and the unsubscribe page's form posts back to the URL it was opened at.
 * Nothing reads it.
 */
const EmailedLinkQuery = z.looseObject({});

type LinkClaims = { creditCode: string; campaignId: string };

/**
 * A public route of an e-mailed link: the signed token (for `audience`) is its only credential, its claims
 * what the handler is given; limited per client.
 */
function linkRoute(def: {
  method: 'get' | 'post';
  path: string;
  summary: string;
  audience: string;
  handler: (claims: LinkClaims, ctx: Ctx<z.infer<typeof TokenParam>, unknown, unknown>) => Promise<Reply>;
}) {
  const { audience, handler, ...route } = def;
  return defineRoute({
    ...route,
    tag: 'outreach',
    access: 'public',
    rateLimited: true,
    params: TokenParam,
    query: EmailedLinkQuery,
    errors: [429],
    async handler(ctx) {
      return handler(await linkClaims(ctx.deps, audience, ctx.params.token), ctx);
    },
  });
}

/** The claims of an e-mailed link, or 401 (the link is the only credential). */
async function linkClaims(deps: ApiDeps, audience: string, token: string): Promise<LinkClaims> {
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

/** Whom the link was sent to, with the campaign's track and year; null if the campaign has no such recipient. */
const recipientOf = (deps: ApiDeps, { campaignId, creditCode }: LinkClaims) =>
  deps.db.campaignRecipient.findUnique({
    where: { campaignId_creditCode: { campaignId, creditCode } },
    include: { campaign: { select: { track: true, year: true } } },
  });

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

export const campaignLinkRoutes = [
  linkRoute({
    method: 'get',
    path: '/api/v1/campaigns/invitations/{token}',
    summary:
      'An invitation from its e-mailed link: records the opening and answers what pre-fills the application (HTML for browsers)',
    audience: INVITATION_AUDIENCE,
    async handler(claims, { deps, req }) {
      const { campaignId, creditCode } = claims;
      const recipient = await recipientOf(deps, claims);
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
  linkRoute({
    method: 'get',
    path: '/api/v1/campaigns/unsubscribe/{token}',
    summary:
      'Whether the enterprise of an e-mailed unsubscribe link receives outreach e-mails (HTML: a confirm button)',
    audience: UNSUBSCRIBE_AUDIENCE,
    async handler({ creditCode }, { deps, req }) {
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
  linkRoute({
    method: 'post',
    path: '/api/v1/campaigns/unsubscribe/{token}',
    summary:
      'Unsubscribe from outreach e-mails (per credit code, honoured by every later campaign); idempotent',
    audience: UNSUBSCRIBE_AUDIENCE,
    async handler(claims, { deps, req }) {
      const { creditCode, campaignId } = claims;
      const recipient = await recipientOf(deps, claims);
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
