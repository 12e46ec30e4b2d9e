import { z } from 'zod';
import { fromDbFen } from '../../domain/money';
import { TRACKS } from '../../domain/status';
import { bankMatchingWorkflowId, respondUpdate } from '../../workflows/bankMatching/contract';
import { loanInterestUpdate } from '../../workflows/application/contract';
import { notFound } from '../errors';
import { applicantUpdateRoute } from '../applicantUpdateRoute';
import { defineRoute } from '../route';
import { upsertRoute } from '../upsertRoute';
import { BankList, BankView, ReferralList } from '../responses';
import { Email, Fen, IdParam, Text } from '../schemas';
import { updateWorkflow } from '../workflowUpdates';

const BankCodeParam = z.object({
  bankCode: z.string().regex(/^[A-Za-z0-9_-]{2,32}$/, 'must be 2-32 letters, digits, _ or -'),
});
const BankBody = z
  .object({
    name: Text(100),
    contactEmail: Email,
    criteria: z.object({
      tracks: z
        .array(z.enum(TRACKS))
        .min(1)
        .refine((a) => new Set(a).size === a.length, 'must not repeat a track'),
      minAmountFen: Fen,
      maxAmountFen: Fen,
      maxTermMonths: z.number().int().min(1).max(360),
    }),
    active: z.boolean().default(true),
  })
  .superRefine((b, ctx) => {
    if (b.criteria.maxAmountFen < b.criteria.minAmountFen) {
      ctx.addIssue({
        code: 'custom',
        path: ['criteria', 'maxAmountFen'],
        message: 'must not be below minAmountFen',
      });
    }
  });

const ResponseBody = z
  .object({
    decision: z.enum(['granted', 'declined']),
    creditLineFen: Fen.positive().optional(),
    annualRateBp: z.number().int().min(1).max(10_000).optional(),
    termMonths: z.number().int().min(1).max(360).optional(),
    note: z.string().trim().max(2000).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.decision !== 'granted') return;
    for (const field of ['creditLineFen', 'annualRateBp', 'termMonths'] as const) {
      if (b[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: 'required when credit is granted' });
    }
  });

const LoanInterestBody = z.object({
  loanInterest: z
    .object({ amountFen: Fen.positive(), termMonths: z.number().int().min(1).max(360), purpose: Text(500) })
    .nullable(),
});

type BankRow = {
  bankCode: string;
  name: string;
  contactEmail: string;
  tracks: string[];
  minAmountFen: bigint;
  maxAmountFen: bigint;
  maxTermMonths: number;
  active: boolean;
};
const presentBank = (b: BankRow) => ({
  bankCode: b.bankCode,
  name: b.name,
  contactEmail: b.contactEmail,
  criteria: {
    tracks: b.tracks,
    minAmountFen: fromDbFen(b.minAmountFen),
    maxAmountFen: fromDbFen(b.maxAmountFen),
    maxTermMonths: b.maxTermMonths,
  },
  active: b.active,
});

/** Partner banks (保贷联动): configuration by administrators, referrals and answers by the banks. */
export const bankRoutes = [
  upsertRoute({
    path: '/api/v1/admin/banks/{bankCode}',
    summary: 'Add or change a partner bank and its lending criteria',
    tag: 'banks',
    response: BankView,
    access: ['admin'],
    params: BankCodeParam,
    body: BankBody,
    entity: 'bank',
    action: 'BANK_UPDATED',
    model: (tx) => tx.bank,
    data: ({ body }) => ({
      name: body.name,
      contactEmail: body.contactEmail,
      tracks: body.criteria.tracks,
      minAmountFen: BigInt(body.criteria.minAmountFen),
      maxAmountFen: BigInt(body.criteria.maxAmountFen),
      maxTermMonths: body.criteria.maxTermMonths,
      active: body.active,
    }),
    audited: presentBank,
    reply: presentBank,
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/banks',
    summary: 'The partner banks',
    tag: 'banks',
    response: BankList,
    access: ['admin'],
    async handler({ deps }) {
      return {
        body: { items: (await deps.db.bank.findMany({ orderBy: { bankCode: 'asc' } })).map(presentBank) },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/bank/referrals',
    summary: 'Enterprises referred to your bank, newest first',
    tag: 'banks',
    response: ReferralList,
    access: ['bank'],
    async handler({ actor, deps }) {
      const rows = await deps.db.bankReferral.findMany({
        where: { bankCode: actor!.bankCode ?? '-' },
        orderBy: { createdAt: 'desc' },
      });
      return {
        body: {
          items: rows.map((r) => ({
            id: r.id,
            applicationId: r.applicationId,
            profile: r.profile,
            status: r.status,
            deadlineAt: r.deadlineAt.toISOString(),
            late: r.late,
            response:
              r.respondedAt === null
                ? null
                : {
                    respondedAt: r.respondedAt.toISOString(),
                    creditLineFen: r.creditLineFen === null ? null : fromDbFen(r.creditLineFen),
                    annualRateBp: r.annualRateBp,
                    termMonths: r.termMonths,
                    note: r.note,
                  },
          })),
          total: rows.length,
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/bank/referrals/{id}/response',
    summary: 'Answer a referral: credit granted (line, rate, term) or declined; once only',
    tag: 'banks',
    access: ['bank'],
    params: IdParam,
    body: ResponseBody,
    errors: [404, 409],
    async handler({ params, body, actor, deps }) {
      const referral = await deps.db.bankReferral.findFirst({
        where: { id: params.id, bankCode: actor!.bankCode ?? '-' },
      });
      if (!referral) throw notFound('referral');
      const view = await updateWorkflow(
        deps.temporal,
        bankMatchingWorkflowId(referral.applicationId),
        respondUpdate,
        [{ referralId: referral.id, bankCode: referral.bankCode, ...body }],
        undefined,
        'the hand-off of this referral has closed',
      );
      return { body: view };
    },
  }),
  applicantUpdateRoute({
    method: 'put',
    path: '/api/v1/applications/{id}/loan-interest',
    summary: 'Change or withdraw the loan request for the bank hand-off, until the hand-off starts',
    tag: 'applications',
    body: LoanInterestBody,
    errors: [404, 409],
    update: loanInterestUpdate,
    input: (body, actor) => ({ actor, loanInterest: body.loanInterest }),
    reply: (applicationId, result) => ({ applicationId, ...result }),
  }),
];
