import { z } from 'zod';
import type { Actor } from '../../domain/roles';
import type { Enterprise } from '../../prisma/generated/client';
import { syncEvaluationRollups } from '../../data/evaluationRollups';
import { forbidden, notFound } from '../errors';
import { defineRoute } from '../route';
import { upsertRoute } from '../upsertRoute';
import { EnterpriseView } from '../responses';
import { enterpriseScope } from '../scope';
import {
  CreditCode,
  DeclaredFactsFields,
  declaredQualifications,
  Email,
  qualificationsTogether,
  Text,
} from '../schemas';
import { shanghaiDate } from '../../domain/calendar';
import {
  maskedBankAccount,
  openBankAccount,
  sealBankAccount,
  secretBoxFor,
  type SecretBox,
} from '../../platform/secretBox';

export const BankAccount = z.object({
  bankName: Text(100),
  accountName: Text(200),
  accountNumber: z.string().regex(/^\d{8,32}$/, 'must be 8-32 digits'),
});

const EnterpriseBody = z
  .object({ ...DeclaredFactsFields, contactEmail: Email, bankAccount: BankAccount.optional() })
  .superRefine(qualificationsTogether);

const CodeParam = z.object({ creditCode: CreditCode });

const day = (d: Date | null): string | null => (d ? shanghaiDate(d) : null);

/** The enterprise as a caller may see it: the bank account number in full to finance only. */
export function presentEnterprise(e: Enterprise, viewer: Actor, box: SecretBox) {
  return {
    creditCode: e.creditCode,
    name: e.name,
    district: e.district,
    size: e.size,
    foundedOn: day(e.foundedOn),
    mainField: e.mainField,
    techSmeValidUntil: day(e.techSmeValidUntil),
    highTechCertifiedOn: day(e.highTechCertifiedOn),
    highTechValidUntil: day(e.highTechValidUntil),
    srdiLevel: e.srdiLevel,
    srdiValidUntil: day(e.srdiValidUntil),
    contactEmail: e.contactEmail,
    bankAccount:
      viewer.role === 'finance' ? openBankAccount(box, e.bankAccount) : maskedBankAccount(e.bankAccount),
    updatedAt: e.updatedAt.toISOString(),
  };
}

/** A day as a DATE column takes it. */
const dateOrNull = (s: string | null) => (s ? new Date(`${s}T00:00:00Z`) : null);

export const enterpriseRoutes = [
  upsertRoute({
    path: '/api/v1/enterprises/{creditCode}',
    summary: 'Register or update an enterprise (its applicant, or an administrator)',
    tag: 'enterprises',
    response: EnterpriseView,
    access: ['applicant', 'admin'],
    params: CodeParam,
    body: EnterpriseBody,
    entity: 'enterprise',
    action: 'ENTERPRISE_UPDATED',
    model: (tx) => tx.enterprise,
    data: ({ params, body, actor, deps }) => {
      if (actor!.role === 'applicant' && actor!.creditCode !== params.creditCode) {
        throw forbidden('an applicant may only register its own enterprise');
      }
      const q = declaredQualifications(body);
      // Encrypted at rest (stored as JSON); an update without an account keeps the stored one.
      const bankAccount: object | undefined = body.bankAccount
        ? sealBankAccount(secretBoxFor(deps.config.dataKey), body.bankAccount)
        : undefined;
      return {
        name: body.name,
        district: body.district,
        size: body.size,
        foundedOn: dateOrNull(body.foundedOn)!,
        mainField: body.mainField,
        techSmeValidUntil: dateOrNull(q.techSmeValidUntil),
        highTechCertifiedOn: dateOrNull(q.highTechCertifiedOn),
        highTechValidUntil: dateOrNull(q.highTechValidUntil),
        srdiLevel: q.srdiLevel,
        srdiValidUntil: dateOrNull(q.srdiValidUntil),
        contactEmail: body.contactEmail,
        bankAccount,
      };
    },
    // The audit keeps the profile as an administrator sees it (the account number masked).
    audited: (e, { deps }) =>
      presentEnterprise(e, { subject: 'audit', role: 'admin' }, secretBoxFor(deps.config.dataKey)),
    reply: (e, { actor, deps }) => presentEnterprise(e, actor!, secretBoxFor(deps.config.dataKey)),
    // The evaluation counts an application under its enterprise's main field: a new field moves its counters.
    also: (tx, e) => syncEvaluationRollups(tx, e.creditCode),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/enterprises/{creditCode}',
    summary: 'Read an enterprise (its applicant, or staff who may see one of its applications)',
    description:
      'An applicant reads its own enterprise; experts, finance, administrators and the committee’s reviewers ' +
      'and approvers any registered enterprise; a street office’s reviewer those with an application routed ' +
      'to its office; a reviewer or approver without an organisation none. Others: 404.',
    tag: 'enterprises',
    response: EnterpriseView,
    access: ['applicant', 'reviewer', 'expert', 'approver', 'finance', 'admin'],
    params: CodeParam,
    errors: [404],
    async handler({ params, actor, deps }) {
      const e = await deps.db.enterprise.findFirst({
        where: { AND: [{ creditCode: params.creditCode }, enterpriseScope(actor!)] },
      });
      if (!e) throw notFound('enterprise');
      return { body: presentEnterprise(e, actor!, secretBoxFor(deps.config.dataKey)) };
    },
  }),
];
