import { z } from 'zod';
import { ROLES } from '../../domain/roles';
import { HttpError } from '../errors';
import { defineRoute } from '../route';
import { CreditCode } from '../schemas';

const DevTokenBody = z
  .object({
    role: z.enum(ROLES),
    subject: z.string().trim().min(1).max(100),
    org: z
      .string()
      .regex(/^(committee|street:\S.{0,49})$/, 'must be "committee" or "street:<office name>"')
      .optional(),
    supervisor: z.boolean().optional(),
    creditCode: CreditCode.optional(),
    bankCode: z
      .string()
      .regex(/^[A-Za-z0-9_-]{2,32}$/, 'must be 2-32 letters, digits, _ or -')
      .optional(),
  })
  .superRefine((b, ctx) => {
    if (b.role === 'applicant' && !b.creditCode) {
      ctx.addIssue({
        code: 'custom',
        path: ['creditCode'],
        message: 'an applicant token is bound to a creditCode',
      });
    }
    if (b.role === 'bank' && !b.bankCode) {
      ctx.addIssue({ code: 'custom', path: ['bankCode'], message: 'a bank token is bound to a bankCode' });
    }
  });

const STAFF = new Set(['reviewer', 'expert', 'approver', 'finance', 'admin']);

export const authRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/dev-token',
    summary: 'Issue a token for any role (only when AUTH_MODE=dev)',
    tag: 'auth',
    access: 'public',
    body: DevTokenBody,
    response: z.object({ token: z.string() }),
    errors: [404],
    async handler({ body, deps }) {
      if (deps.config.auth.mode !== 'dev')
        throw new HttpError(404, 'NOT_FOUND', 'no route for POST /api/v1/auth/dev-token');
      const token = await deps.tokens.sign({
        subject: body.subject,
        role: body.role,
        ...(STAFF.has(body.role) ? { org: body.org ?? 'committee' } : {}),
        ...(body.supervisor ? { supervisor: true } : {}),
        ...(body.role === 'applicant' ? { creditCode: body.creditCode } : {}),
        ...(body.role === 'bank' ? { bankCode: body.bankCode } : {}),
      });
      return { body: { token } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/auth/config',
    summary:
      'How to sign in: "dev" (a role picker issues tokens) or "jwt" (tokens from the identity provider)',
    tag: 'auth',
    access: 'public',
    response: z.object({ mode: z.enum(['dev', 'jwt']) }),
    handler: ({ deps }) =>
      Promise.resolve({
        body: { mode: deps.config.auth.mode === 'dev' ? ('dev' as const) : ('jwt' as const) },
      }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/auth/me',
    summary: 'The caller as the token says (role, subject, organisation, bound enterprise or bank)',
    tag: 'auth',
    access: 'authenticated',
    handler: ({ actor }) => Promise.resolve({ body: actor }),
  }),
];
