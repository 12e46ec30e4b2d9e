import { z } from 'zod';
import { AUDITED_ENTITIES, listAudit } from '../../data/audit';
import { AuditList } from '../responses';
import { defineRoute } from '../route';

const AuditQuery = z.object({
  entity: z.enum(AUDITED_ENTITIES).optional(),
  entityId: z.string().min(1).max(200).optional(),
  applicationId: z.string().min(1).max(100).optional(),
  actor: z.string().min(1).max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  before: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The audit trail, read-only: workflow steps and every change of a profile or of the configuration. */
export const auditRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/audit',
    summary:
      'Audit entries, newest first: every workflow step and human action, every enterprise profile and configuration change (who, when, before and after); `nextBefore` pages on',
    tag: 'administration',
    access: ['auditor', 'admin'],
    query: AuditQuery,
    response: AuditList,
    async handler({ query, deps }) {
      return {
        body: await listAudit(deps.db, {
          ...query,
          from: query.from ? new Date(query.from) : undefined,
          to: query.to ? new Date(query.to) : undefined,
          before: query.before ? BigInt(query.before) : undefined,
        }),
      };
    },
  }),
];
