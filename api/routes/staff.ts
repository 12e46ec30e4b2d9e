import { z } from 'zod';
import { defineRoute } from '../route';
import { upsertRoute } from '../upsertRoute';
import { StaffList, StaffView } from '../responses';
import { Email, Text } from '../schemas';

const SubjectParam = z.object({
  subject: z.string().regex(/^[\w.@-]{1,100}$/, 'must be 1-100 letters, digits, _ . @ or -'),
});

const StaffBody = z
  .object({
    name: Text(100),
    email: Email,
    role: z.enum(['reviewer', 'expert', 'approver', 'finance', 'admin']),
    org: z
      .string()
      .regex(/^(committee|street:\S.{0,49})$/, 'must be "committee" or "street:<office name>"')
      .optional(),
    supervisor: z.boolean().default(false),
    active: z.boolean().default(true),
  })
  .superRefine((b, ctx) => {
    if (b.org?.startsWith('street:') && b.role !== 'reviewer') {
      ctx.addIssue({ code: 'custom', path: ['org'], message: 'only reviewers belong to a street office' });
    }
  });

/** The staff directory: who supervises which queue, and where escalations are e-mailed. */
export const staffRoutes = [
  upsertRoute({
    path: '/api/v1/admin/staff/{subject}',
    summary: 'Add or change a member of staff (the subject is the one in their tokens)',
    tag: 'administration',
    response: StaffView,
    access: ['admin'],
    params: SubjectParam,
    body: StaffBody,
    entity: 'staff',
    action: 'STAFF_UPDATED',
    model: (tx) => tx.staffMember,
    data: ({ body }) => ({
      ...body,
      org: body.org ?? (body.role === 'expert' || body.role === 'finance' ? null : 'committee'),
    }),
    audited: (row) => row,
    reply: (row) => ({ ...row, updatedAt: row.updatedAt.toISOString() }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/staff',
    summary: 'The staff directory',
    tag: 'administration',
    response: StaffList,
    access: ['admin'],
    async handler({ deps }) {
      const rows = await deps.db.staffMember.findMany({ orderBy: [{ role: 'asc' }, { subject: 'asc' }] });
      return { body: { items: rows.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() })) } };
    },
  }),
];
