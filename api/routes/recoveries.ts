import { z } from 'zod';
import { shanghaiDate } from '../../domain/calendar';
import { fromDbFen } from '../../domain/money';
import { RECOVERY_STATES } from '../../domain/recovery';
import type { Prisma } from '../../data/db';
import { RecoveryRefused, recordRepayment, waiveRecovery } from '../../data/recoveryRepayments';
import { signalRecovery } from '../../temporal/recoveryWorkflows';
import { flushWakes } from '../../temporal/budgetWaiters';
import { HttpError, notFound } from '../errors';
import { requestLang, type Lang } from '../i18n';
import { defineRoute } from '../route';
import { visibleApplication } from '../scope';
import { IdParam, IsoDate, Text, Year } from '../schemas';

const Repayment = z.object({
  id: z.string(),
  amountFen: z.number().int(),
  bankReference: z.string(),
  paidOn: z.string(),
  recordedBy: z.string(),
  recordedAt: z.string(),
});

const RecoveryCaseView = z.object({
  id: z.string(),
  applicationId: z.string(),
  source: z.enum(['INSURER_CHANGE', 'SITE_VISIT']),
  sourceRef: z.string(),
  budgetYear: z.number().int(),
  state: z.enum(RECOVERY_STATES),
  amountFen: z.number().int(),
  repaidFen: z.number().int(),
  outstandingFen: z.number().int(),
  ruleZh: z.string(),
  ruleEn: z.string(),
  /** The Beijing day by which to repay, once the enterprise was told. */
  deadline: z.string().nullable(),
  noticedAt: z.string().nullable(),
  remindedAt: z.string().nullable(),
  escalatedAt: z.string().nullable(),
  waivedBy: z.string().nullable(),
  waiveReason: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  repayments: z.array(Repayment),
});
const RecoveryList = z.object({ items: z.array(RecoveryCaseView) });

type CaseRow = Prisma.RecoveryCaseGetPayload<{ include: { repayments: true } }>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

function present(c: CaseRow): z.infer<typeof RecoveryCaseView> {
  return {
    id: c.id,
    applicationId: c.applicationId,
    source: c.source as 'INSURER_CHANGE' | 'SITE_VISIT',
    sourceRef: c.sourceRef,
    budgetYear: c.budgetYear,
    state: c.state,
    amountFen: fromDbFen(c.amountFen),
    repaidFen: fromDbFen(c.repaidFen),
    outstandingFen: c.state === 'WAIVED' ? 0 : fromDbFen(c.amountFen - c.repaidFen),
    ruleZh: c.ruleZh,
    ruleEn: c.ruleEn,
    deadline: c.deadline ? c.deadline.toISOString().slice(0, 10) : null,
    noticedAt: iso(c.noticedAt),
    remindedAt: iso(c.remindedAt),
    escalatedAt: iso(c.escalatedAt),
    waivedBy: c.waivedBy,
    waiveReason: c.waiveReason,
    closedAt: iso(c.closedAt),
    createdAt: c.createdAt.toISOString(),
    repayments: c.repayments
      .sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime())
      .map((r) => ({
        id: r.id,
        amountFen: fromDbFen(r.amountFen),
        bankReference: r.bankReference,
        paidOn: r.paidOn.toISOString().slice(0, 10),
        recordedBy: r.recordedBy,
        recordedAt: r.recordedAt.toISOString(),
      })),
  };
}

function refused(err: unknown, lang: Lang): unknown {
  if (!(err instanceof RecoveryRefused)) return err;
  if (err.status === 404) return notFound('recovery case');
  if (err.status === 400)
    return new HttpError(400, 'VALIDATION_FAILED', `invalid body: body.${err.field}`, [
      { path: `body.${err.field}`, message: lang === 'zh' ? err.zh : err.en },
    ]);
  if (err.status === 403) return new HttpError(403, 'FOUR_EYES', err.en);
  return new HttpError(409, 'INVALID_STATE', err.en);
}

const ListQuery = z.object({ state: z.enum(RECOVERY_STATES).optional(), year: Year.optional() });
const RepaymentBody = z.object({
  amountFen: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  bankReference: Text(64),
  paidOn: IsoDate,
});
const WaiveBody = z.object({ reason: Text(500) });

/**
 * Recovery (追回) of paid grants (docs/API.md, "Recovery"): finance, approvers, administrators and auditors
 * read the cases; finance records repayments, an approver waives the rest; the applicant sees its own.
 */
export const recoveryRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/recoveries',
    summary: 'Recovery cases, newest first, by state and budget year',
    tag: 'payments',
    access: ['finance', 'approver', 'admin', 'auditor'],
    query: ListQuery,
    response: RecoveryList,
    async handler({ query, deps }) {
      const rows = await deps.db.recoveryCase.findMany({
        where: {
          ...(query.state ? { state: query.state } : {}),
          ...(query.year ? { budgetYear: query.year } : {}),
        },
        include: { repayments: true },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: 500,
      });
      return { body: { items: rows.map(present) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/recoveries/{id}',
    summary: 'One recovery case with its rule and repayments',
    tag: 'payments',
    access: ['finance', 'approver', 'admin', 'auditor'],
    params: IdParam,
    response: RecoveryCaseView,
    errors: [404],
    async handler({ params, deps }) {
      const row = await deps.db.recoveryCase.findUnique({
        where: { id: params.id },
        include: { repayments: true },
      });
      if (!row) throw notFound('recovery case');
      return { body: present(row) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/applications/{id}/recoveries',
    summary: 'The recovery cases of an application (its applicant sees its own)',
    tag: 'payments',
    access: ['applicant', 'finance', 'approver', 'admin', 'auditor'],
    params: IdParam,
    response: RecoveryList,
    errors: [404],
    async handler({ params, actor, deps }) {
      await visibleApplication(deps.db, params.id, actor!);
      const rows = await deps.db.recoveryCase.findMany({
        where: { applicationId: params.id },
        include: { repayments: true },
        orderBy: { createdAt: 'asc' },
      });
      return { body: { items: rows.map(present) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/recoveries/{id}/repayments',
    summary:
      'Finance records a repayment (once per bank reference: the same again changes nothing); the money returns to the year’s budget',
    tag: 'payments',
    access: ['finance'],
    params: IdParam,
    body: RepaymentBody,
    response: RecoveryCaseView,
    errors: [404, 409],
    async handler({ params, body, actor, deps, req }) {
      let recorded: boolean;
      try {
        ({ recorded } = await recordRepayment(deps.db, params.id, body, actor!, shanghaiDate(new Date())));
      } catch (err) {
        throw refused(err, requestLang(req.headers['accept-language']));
      }
      await flushWakes(deps.db, deps.temporal);
      await signalRecovery(deps.temporal, params.id);
      const row = await deps.db.recoveryCase.findUniqueOrThrow({
        where: { id: params.id },
        include: { repayments: true },
      });
      return { status: recorded ? 201 : 200, body: present(row) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/recoveries/{id}/waive',
    summary:
      'An approver waives what is outstanding, with a reason (four-eyes: not someone who recorded a repayment of the case)',
    tag: 'payments',
    access: ['approver'],
    params: IdParam,
    body: WaiveBody,
    response: RecoveryCaseView,
    errors: [404, 409],
    async handler({ params, body, actor, deps, req }) {
      try {
        await waiveRecovery(deps.db, params.id, body.reason, actor!);
      } catch (err) {
        throw refused(err, requestLang(req.headers['accept-language']));
      }
      await signalRecovery(deps.temporal, params.id);
      const row = await deps.db.recoveryCase.findUniqueOrThrow({
        where: { id: params.id },
        include: { repayments: true },
      });
      return { body: present(row) };
    },
  }),
];
