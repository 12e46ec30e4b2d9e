import { z } from 'zod';
import { factRows } from '../../domain/comparison';
import { describeStep } from '../../domain/timeline';
import { shanghaiYear } from '../../domain/calendar';
import { fromDbFen } from '../../domain/money';
import {
  compareEnterprise,
  comparePolicy,
  type EnterpriseFacts,
  type FactCheck,
  type PolicyFacts,
  type RulesResult,
} from '../../domain/rules';
import { declaredEnterpriseFacts, declaredPolicyFacts } from '../../data/eligibility';
import { APPLICATION_STATUSES, TRACKS } from '../../domain/status';
import type { Prisma } from '../../prisma/generated/client';
import { startApplicationWorkflow } from '../../temporal/applicationWorkflows';
import { programFor } from '../../data/programs';
import { maskedBankAccount } from '../../platform/secretBox';
import { presentDocument } from './documents';
import {
  applicationWorkflowId,
  supplementUpdate,
  withdrawUpdate,
} from '../../workflows/application/contract';
import type { ApiDeps } from '../deps';
import { conflict, forbidden, notFound, unprocessable } from '../errors';
import { pageOf } from '../paging';
import { applicantUpdateRoute } from '../applicantUpdateRoute';
import { defineRoute } from '../route';
import { ApplicationList, ApplicationView, StatusChange } from '../responses';
import { CreditCode, Fen, IdParam, IsoDate, IsoDateTime, Page, Text } from '../schemas';
import type { Actor } from '../../domain/roles';
import { readsRiskFlags } from '../../domain/riskFlags';
import { flagsOf } from '../../data/riskFlagViews';
import { APPLICATION_SCOPE_RULE, applicationScope } from '../scope';

const Policy = z
  .object({
    insurerCode: z.string().regex(/^[A-Za-z0-9_-]{2,32}$/, 'must be 2-32 letters, digits, _ or -'),
    policyNumber: z.string().regex(/^[A-Za-z0-9_\-/]{4,64}$/, 'must be 4-64 letters, digits, _, - or /'),
    productCode: z.string().regex(/^[A-Za-z0-9_-]{2,64}$/, 'must be 2-64 letters, digits, _ or -'),
    startDate: IsoDate,
    endDate: IsoDate,
    premiumFen: Fen.positive(),
    paidPremiumFen: Fen,
    paidAt: IsoDateTime.meta({
      description:
        'The payment date: a Beijing day YYYY-MM-DD, or an instant with its offset (2026-02-20T10:00:00+08:00); ' +
        'compared with the insurer’s record, and answered, as its Beijing day',
    }),
    sumInsuredFen: Fen.positive(),
  })
  .superRefine((p, ctx) => {
    if (p.endDate <= p.startDate)
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'must be after startDate' });
    if (p.premiumFen > 0 && p.paidPremiumFen > p.premiumFen) {
      ctx.addIssue({ code: 'custom', path: ['paidPremiumFen'], message: 'cannot exceed premiumFen' });
    }
  });

export const ApplicationBody = z.object({
  creditCode: CreditCode,
  track: z.enum(TRACKS),
  policy: Policy,
  loanInterest: z
    .object({
      amountFen: Fen.positive(),
      termMonths: z.number().int().min(1).max(360),
      purpose: Text(500),
    })
    .optional(),
  /** Ids of documents uploaded with `POST /api/v1/documents` (the required ones depend on the track). */
  documents: z
    .array(z.uuid('must be a document id'))
    .max(50)
    .refine((a) => new Set(a).size === a.length, 'must not repeat a document')
    .default([]),
});

const ListQuery = Page.extend({
  status: z.enum(APPLICATION_STATUSES).optional(),
  track: z.enum(TRACKS).optional(),
  creditCode: CreditCode.optional(),
});

/**
 * The declared facts against the verified ones, fact by fact (days compared as Beijing days): empty for a side
 * the precheck could not verify (or before the precheck).
 */
function factChecks(
  enterprise: EnterpriseFacts,
  policy: PolicyFacts,
  verifiedFacts: unknown,
): { enterprise: FactCheck[]; policy: FactCheck[] } {
  const vf = verifiedFacts as RulesResult['facts'] | null;
  return {
    enterprise: vf?.enterpriseVerified ? compareEnterprise(enterprise, vf.enterprise) : [],
    policy: vf?.policyVerified ? comparePolicy(policy, vf.policy) : [],
  };
}

async function nextApplicationId(deps: ApiDeps, year: number): Promise<string> {
  const [row] = await deps.db.$queryRaw<{ n: bigint }[]>`SELECT nextval('application_number_seq') AS n`;
  return `HD-${year}-${String(row!.n).padStart(6, '0')}`;
}

export async function loadApplicationView(deps: ApiDeps, id: string, actor: Actor) {
  const app = await deps.db.application.findFirst({
    where: { id, ...applicationScope(actor) },
    include: {
      enterprise: true,
      tasks: { where: { state: { in: ['OPEN', 'CLAIMED'] } }, orderBy: { createdAt: 'desc' }, take: 1 },
      documents: { omit: { content: true }, orderBy: { createdAt: 'asc' } },
      payments: { orderBy: { attempt: 'asc' } },
      auditEvents: { orderBy: [{ at: 'asc' }, { id: 'asc' }] },
    },
  });
  if (!app) throw notFound('application');
  const task = app.tasks[0];
  const policy = declaredPolicyFacts(app);
  const checks = factChecks(declaredEnterpriseFacts(app.enterprise), policy, app.verifiedFacts);
  // Anomaly flags are for staff: their evidence names other enterprises.
  const riskFlags = readsRiskFlags(actor.role)
    ? ((await flagsOf(deps.db, [app.id])).get(app.id) ?? [])
    : null;
  let status: string = 'SUBMITTED';
  return {
    id: app.id,
    creditCode: app.creditCode,
    enterpriseName: app.enterprise.name,
    track: app.track,
    status: app.status,
    programYear: app.programYear,
    workflowId: app.workflowId,
    // Staff follow the raw detail in the Temporal UI; applicants read the timeline.
    temporalUrl:
      actor.role === 'applicant'
        ? null
        : `${deps.config.temporal.uiUrl}/namespaces/${encodeURIComponent(deps.config.temporal.namespace)}/workflows/${encodeURIComponent(app.workflowId)}`,
    policy,
    loanInterest: app.loanInterest,
    subsidy: {
      computedFen: fromDbFen(app.computedFen),
      grantedFen: fromDbFen(app.grantedFen),
      rateBp: app.rateBp,
      baseFen: fromDbFen(app.baseFen),
      subsidyYear: app.subsidyYear,
      payee: app.payee,
      reasons: app.reasons,
    },
    reviewOrg: app.reviewOrg,
    verifiedFacts: app.verifiedFacts,
    factChecks: checks,
    documents: app.documents.map(presentDocument),
    // The same checks as a table for the reviewers, with the facts only the registry knows.
    facts: actor.role === 'applicant' ? null : factRows(checks, app.verifiedFacts),
    payments: app.payments.map((p) => ({
      attempt: p.attempt,
      status: p.status,
      amountFen: fromDbFen(p.amountFen),
      failureReason: p.failureReason,
      requestedAt: p.requestedAt.toISOString(),
      settledAt: p.settledAt?.toISOString() ?? null,
    })),
    approvedAt: app.approvedAt?.toISOString() ?? null,
    disbursedAt: app.disbursedAt?.toISOString() ?? null,
    payeeAccount: maskedBankAccount(app.payeeAccount),
    payeeFixedAt: app.payeeFixedAt?.toISOString() ?? null,
    currentTask: task
      ? {
          id: task.id,
          queue: task.queue,
          state: task.state.toLowerCase(),
          assignee: task.assignee,
          dueAt: task.dueAt.toISOString(),
          overdue: task.dueAt.getTime() < Date.now(),
        }
      : null,
    infoRequest:
      app.status === 'NEEDS_INFO' && app.infoRequest
        ? {
            message: (app.infoRequest as { message: string }).message,
            deadline: (app.infoRequest as { deadline: string }).deadline,
          }
        : null,
    needsAttention: app.needsAttention,
    attentionReason: app.attentionReason,
    riskFlags,
    decisions: app.auditEvents
      .filter((e) => e.action === 'DECISION' && e.data && (e.data as { queue?: string }).queue)
      .map((e) => ({ at: e.at.toISOString(), actor: e.actor, comment: e.note, ...(e.data as object) })),
    timeline: app.auditEvents.map((e) => {
      status = e.toStatus ?? status;
      return {
        at: e.at.toISOString(),
        status,
        action: e.action,
        actor: e.actor,
        actorRole: e.actorRole,
        note: e.note,
        // What a person reads for the step (the note is machine text for most steps).
        summary: describeStep({ action: e.action, actorRole: e.actorRole, note: e.note, data: e.data }),
      };
    }),
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
  };
}

const SupplementBody = z.object({
  message: Text(4000),
  documents: z
    .array(z.uuid('must be a document id'))
    .max(50)
    .refine((a) => new Set(a).size === a.length, 'must not repeat a document')
    .default([]),
});
const WithdrawBody = z.object({ reason: Text(2000) });

export const applicationRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/applications',
    summary: 'Submit a subsidy application for an insurance policy',
    tag: 'applications',
    access: ['applicant'],
    body: ApplicationBody,
    idempotent: true,
    response: z.object({ id: z.string(), status: z.string(), workflowId: z.string() }),
    errors: [409, 422],
    async handler({ body, actor, deps }) {
      if (actor!.creditCode !== body.creditCode)
        throw forbidden('an applicant may only apply for its own enterprise');
      const enterprise = await deps.db.enterprise.findUnique({ where: { creditCode: body.creditCode } });
      if (!enterprise) {
        throw unprocessable(
          'ENTERPRISE_NOT_REGISTERED',
          'register the enterprise (PUT /api/v1/enterprises/{creditCode}) first',
        );
      }
      const now = new Date();
      const programYear = shanghaiYear(now);
      const id = await nextApplicationId(deps, programYear);
      const p = body.policy;
      const app = {
        id,
        creditCode: body.creditCode,
        track: body.track,
        programYear,
        submittedBy: actor!.subject,
        programSnapshot: await programFor(deps.db, programYear),
        loanInterest: body.loanInterest ?? null,
      };
      try {
        await deps.db.$transaction(async (tx) => {
          await tx.application.create({
            data: {
              ...app,
              programSnapshot: app.programSnapshot as unknown as Prisma.InputJsonValue,
              insurerCode: p.insurerCode,
              policyNumber: p.policyNumber,
              productCode: p.productCode,
              policyStartDate: new Date(`${p.startDate}T00:00:00Z`),
              policyEndDate: new Date(`${p.endDate}T00:00:00Z`),
              premiumFen: BigInt(p.premiumFen),
              paidPremiumFen: BigInt(p.paidPremiumFen),
              paidAt: new Date(p.paidAt),
              sumInsuredFen: BigInt(p.sumInsuredFen),
              loanInterest: body.loanInterest,
              loanConsentAt: body.loanInterest ? now : null,
              workflowId: applicationWorkflowId(id),
            },
          });
          const attached = await tx.document.updateMany({
            where: { id: { in: body.documents }, creditCode: body.creditCode, applicationId: null },
            data: { applicationId: id },
          });
          if (attached.count !== body.documents.length) {
            throw unprocessable(
              'DOCUMENT_NOT_FOUND',
              'a listed document does not exist, is not yours, or is attached elsewhere',
              [
                {
                  path: 'body.documents',
                  message: 'upload each document with POST /api/v1/documents and list its id once',
                },
              ],
            );
          }
        });
      } catch (err) {
        if ((err as { code?: string }).code === 'P2002') {
          throw conflict(
            'DUPLICATE_POLICY',
            `policy ${p.insurerCode}/${p.policyNumber} is already in a live application`,
          );
        }
        throw err;
      }
      try {
        await startApplicationWorkflow(deps, app);
      } catch (err) {
        // The application is stored: the worker's sweep starts its workflow once Temporal answers again.
        deps.logger.warn({ err, applicationId: id }, 'workflow start deferred to the sweep');
      }
      return { status: 201, body: { id, status: 'SUBMITTED', workflowId: applicationWorkflowId(id) } };
    },
  }),
  applicantUpdateRoute({
    method: 'post',
    path: '/api/v1/applications/{id}/supplements',
    summary: 'Answer a request for information (only while the application is NEEDS_INFO)',
    tag: 'applications',
    response: StatusChange,
    body: SupplementBody,
    errors: [404, 409, 422],
    async check(app, { body, deps }) {
      const usable = await deps.db.document.count({
        where: { id: { in: body.documents }, creditCode: app.creditCode, applicationId: null },
      });
      if (usable !== body.documents.length) {
        throw unprocessable(
          'DOCUMENT_NOT_FOUND',
          'a listed document does not exist, is not yours, or is attached elsewhere',
          [
            {
              path: 'body.documents',
              message: 'upload each document with POST /api/v1/documents and list its id once',
            },
          ],
        );
      }
    },
    update: supplementUpdate,
    input: (body, actor) => ({ actor, message: body.message, documents: body.documents }),
    reply: (applicationId, result) => ({ applicationId, status: result.status }),
  }),
  applicantUpdateRoute({
    method: 'post',
    path: '/api/v1/applications/{id}/withdraw',
    summary: 'Withdraw the application (any time before disbursement)',
    tag: 'applications',
    response: StatusChange,
    body: WithdrawBody,
    errors: [404, 409],
    update: withdrawUpdate,
    input: (body, actor) => ({ actor, reason: body.reason }),
    reply: (applicationId, result) => ({ applicationId, status: result.status }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/applications/{id}',
    summary: 'Read an application with its subsidy, current task and timeline',
    description: `${APPLICATION_SCOPE_RULE} Another’s application: 404; banks: 403.`,
    tag: 'applications',
    response: ApplicationView,
    access: 'authenticated',
    params: IdParam,
    errors: [404],
    async handler({ params, actor, deps }) {
      if (actor!.role === 'bank') throw forbidden();
      return { body: await loadApplicationView(deps, params.id, actor!) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/applications',
    summary: 'List the applications you may see (applicants their own, a street office its own)',
    description: APPLICATION_SCOPE_RULE,
    tag: 'applications',
    response: ApplicationList,
    access: ['applicant', 'reviewer', 'expert', 'approver', 'finance', 'admin'],
    query: ListQuery,
    async handler({ query, actor, deps }) {
      const where: Prisma.ApplicationWhereInput = {
        ...(query.status ? { status: query.status } : {}),
        ...(query.track ? { track: query.track } : {}),
        ...(query.creditCode ? { creditCode: query.creditCode } : {}),
        ...applicationScope(actor!),
      };
      const body = await pageOf(
        query,
        (window) =>
          deps.db.application.findMany({
            where,
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
            ...window,
            include: { enterprise: { select: { name: true } } },
          }),
        () => deps.db.application.count({ where }),
        (rows) =>
          rows.map((a) => ({
            id: a.id,
            creditCode: a.creditCode,
            enterpriseName: a.enterprise.name,
            track: a.track,
            status: a.status,
            computedFen: fromDbFen(a.computedFen),
            grantedFen: fromDbFen(a.grantedFen),
            createdAt: a.createdAt.toISOString(),
            statusChangedAt: a.statusChangedAt.toISOString(),
          })),
      );
      return { body };
    },
  }),
];
