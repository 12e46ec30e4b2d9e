import { z } from 'zod';
import { readScope } from '../scope';
import {
  CHECKLIST_ITEMS,
  QUARTER_PATTERN,
  VISIT_RESULTS,
  visitResultIssues,
  type ChecklistItem,
} from '../../domain/siteVisits';
import {
  createSample,
  getVisit,
  listSamples,
  listVisits,
  recordVisitResult,
  verifySample,
  VisitResultRefused,
} from '../../data/siteVisits';
import { conflict, forbidden, notFound, unprocessable } from '../errors';
import {
  SiteVisit,
  SiteVisitList,
  SiteVisitSample,
  SiteVisitSampleList,
  SiteVisitVerification,
} from '../siteVisitResponses';
import { defineRoute } from '../route';
import { IdParam, Text } from '../schemas';

const Quarter = z.string().regex(QUARTER_PATTERN, 'must be a quarter such as 2026Q3');
const QuarterParam = z.object({ quarter: Quarter });
const CreateBody = z.object({ quarter: Quarter });
const ListQuery = z.object({
  quarter: Quarter.optional(),
  state: z.enum(['OPEN', 'DONE']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
const Answer = z.object({ ok: z.boolean(), note: Text(500).optional() });
const ResultBody = z.object({
  result: z.enum(VISIT_RESULTS),
  checklist: z
    .object(
      Object.fromEntries(CHECKLIST_ITEMS.map((item) => [item, Answer.optional()])) as Record<
        ChecklistItem,
        z.ZodOptional<typeof Answer>
      >,
    )
    .default({}),
  note: Text(2000).optional(),
  recoveryRequested: z.boolean().default(false),
});

/**
 * Sampled site visits (实地走访, docs/API.md): the quarter's sample (administrators; the worker draws it too),
 * the samples with their seeds and their recomputation (administrators, auditors), the visits (a street office's
 * reviewers their office's; the committee, administrators and auditors all) and their results (the office's
 * reviewers, audited).
 */
export const siteVisitRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/site-visits/samples',
    summary: 'Draw the quarter’s site-visit sample (once per quarter: a second call creates nothing)',
    description:
      'Answers 201 with the sample drawn, or 200 with the one drawn before. The rate is SITE_VISIT_RATE; the ' +
      'seed is random and recorded.',
    tag: 'site-visits',
    access: ['admin'],
    body: CreateBody,
    response: SiteVisitSample,
    async handler({ body, actor, deps }) {
      const r = await createSample(deps.db, {
        quarter: body.quarter,
        rate: deps.config.siteVisits.rate,
        actor: actor!,
      });
      return { status: r.created ? 201 : 200, body: r.sample };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/site-visits/samples',
    summary: 'The site-visit samples, newest quarter first, with their seeds and counts',
    tag: 'site-visits',
    access: ['admin', 'auditor'],
    response: SiteVisitSampleList,
    async handler({ deps }) {
      return { body: { items: await listSamples(deps.db) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/site-visits/samples/{quarter}/verify',
    summary:
      'Recompute a quarter’s sample from its recorded seed and the quarter’s population now, and compare',
    tag: 'site-visits',
    access: ['admin', 'auditor'],
    params: QuarterParam,
    response: SiteVisitVerification,
    errors: [404],
    async handler({ params, deps }) {
      const r = await verifySample(deps.db, params.quarter);
      if (!r) throw notFound('site-visit sample');
      return { body: r };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/site-visits',
    summary: 'Site visits, open first',
    description:
      'A street office’s reviewer sees its office’s visits; the committee’s reviewers, administrators and ' +
      'auditors all; a reviewer whose token names no organisation none.',
    tag: 'site-visits',
    access: ['reviewer', 'admin', 'auditor'],
    query: ListQuery,
    response: SiteVisitList,
    async handler({ query, actor, deps }) {
      const scope = readScope(actor!);
      if (scope.kind === 'nothing') return { body: { items: [] } };
      const office = scope.kind === 'office' ? scope.org : undefined;
      return { body: { items: await listVisits(deps.db, { ...query, office }) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/site-visits/{id}',
    summary: 'One site visit',
    tag: 'site-visits',
    access: ['reviewer', 'admin', 'auditor'],
    params: IdParam,
    response: SiteVisit,
    errors: [404],
    async handler({ params, actor, deps }) {
      const visit = await getVisit(deps.db, params.id);
      const scope = readScope(actor!);
      if (!visit || scope.kind === 'nothing' || (scope.kind === 'office' && visit.office !== scope.org))
        throw notFound('site visit');
      return { body: visit };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/site-visits/{id}/result',
    summary: 'Record a site visit’s checklist and result (once; audited)',
    description:
      'PASSED and FAILED answer every checklist item, PASSED with every item yes; FAILED and NOT_REACHABLE ' +
      'need a note; `recoveryRequested` (建议追回) only with FAILED. Only a reviewer of the visit’s office records.',
    tag: 'site-visits',
    access: ['reviewer'],
    params: IdParam,
    body: ResultBody,
    response: SiteVisit,
    errors: [404, 409, 422],
    async handler({ params, body, actor, deps }) {
      const issues = visitResultIssues(body);
      if (issues.length)
        throw unprocessable(
          'VISIT_RESULT_INVALID',
          'the site-visit result breaks its rules',
          issues.map(([path, message]) => ({ path: `body.${path}`, message })),
        );
      try {
        return { body: await recordVisitResult(deps.db, { ...body, id: params.id, actor: actor! }) };
      } catch (err) {
        if (!(err instanceof VisitResultRefused)) throw err;
        if (err.code === 'NOT_FOUND') throw notFound('site visit');
        if (err.code === 'NOT_YOURS') throw forbidden('this site visit belongs to another office');
        throw conflict('ALREADY_RECORDED', 'this site visit’s result is already recorded');
      }
    },
  }),
];
