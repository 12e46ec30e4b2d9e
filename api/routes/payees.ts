import { z } from 'zod';
import {
  decidePayeeChange,
  PayeeChangeRefused,
  presentPayeeChange,
  requestPayeeChange,
} from '../../data/payee';
import { secretBoxFor } from '../../platform/secretBox';
import { conflict, HttpError, notFound } from '../errors';
import { PayeeChange, PayeeChangeList } from '../responses';
import { defineRoute } from '../route';
import { applicationScope } from '../scope';
import { IdParam, Text } from '../schemas';
import { BankAccount } from './enterprises';

const ChangeBody = z.object({ bankAccount: BankAccount, reason: Text(500) });
const DecisionBody = z.object({ decision: z.enum(['approve', 'reject']), comment: Text(500) });
const ListQuery = z.object({ state: z.enum(['PENDING', 'APPROVED', 'REJECTED']).optional() });

function refused(err: unknown): unknown {
  if (!(err instanceof PayeeChangeRefused)) return err;
  if (err.code === 'NOT_FOUND') return notFound('payee change');
  if (err.code === 'FOUR_EYES') return new HttpError(403, 'FOUR_EYES', err.message);
  return conflict('INVALID_STATE', err.message);
}

/**
 * Paying an approved grant to another account (data/payee.ts): the applicant or an administrator asks,
 * finance decides (never the person who asked), both are audited on the application and e-mailed to the
 * enterprise's old and new address. Until then every payment goes to the account fixed at final approval.
 */
export const payeeRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/applications/{id}/payee-changes',
    summary:
      'Ask to pay an approved grant to another account (its applicant, or an administrator); it takes effect once finance approves it',
    tag: 'payments',
    access: ['applicant', 'admin'],
    params: IdParam,
    body: ChangeBody,
    response: PayeeChange,
    errors: [404, 409],
    async handler({ params, body, actor, deps }) {
      const app = await deps.db.application.findFirst({
        where: { id: params.id, ...applicationScope(actor!) },
        select: { id: true },
      });
      if (!app) throw notFound('application');
      try {
        const change = await requestPayeeChange(deps.db, secretBoxFor(deps.config.dataKey), {
          applicationId: params.id,
          account: body.bankAccount,
          reason: body.reason,
          actor: actor!,
          link: `${deps.config.http.publicBaseUrl}/#/applications/${encodeURIComponent(params.id)}`,
        });
        return { status: 201, body: change };
      } catch (err) {
        throw refused(err);
      }
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/applications/{id}/payee-changes',
    summary: 'The changes of payee asked for an application, newest first (account numbers masked)',
    tag: 'payments',
    access: ['applicant', 'finance', 'admin', 'auditor'],
    params: IdParam,
    response: PayeeChangeList,
    errors: [404],
    async handler({ params, actor, deps }) {
      const app = await deps.db.application.findFirst({
        where: { id: params.id, ...applicationScope(actor!) },
        select: { id: true },
      });
      if (!app) throw notFound('application');
      const rows = await deps.db.payeeChange.findMany({
        where: { applicationId: params.id },
        orderBy: { requestedAt: 'desc' },
      });
      return { body: { items: rows.map(presentPayeeChange) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/payee-changes',
    summary: 'Changes of payee, oldest first (finance decides the PENDING ones)',
    tag: 'payments',
    access: ['finance', 'admin', 'auditor'],
    query: ListQuery,
    response: PayeeChangeList,
    async handler({ query, deps }) {
      const rows = await deps.db.payeeChange.findMany({
        where: query.state ? { state: query.state } : {},
        orderBy: { requestedAt: 'asc' },
        take: 500,
      });
      return { body: { items: rows.map(presentPayeeChange) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/payee-changes/{id}/decision',
    summary:
      'Finance approves or rejects a change of payee (four-eyes: not the person who asked); an approved one is paid from the next attempt on',
    tag: 'payments',
    access: ['finance'],
    params: IdParam,
    body: DecisionBody,
    response: PayeeChange,
    errors: [404, 409],
    async handler({ params, body, actor, deps }) {
      try {
        const change = await decidePayeeChange(deps.db, {
          changeId: params.id,
          approve: body.decision === 'approve',
          comment: body.comment,
          actor: actor!,
          link: `${deps.config.http.publicBaseUrl}/#/payee-changes`,
        });
        return { body: change };
      } catch (err) {
        throw refused(err);
      }
    },
  }),
];
