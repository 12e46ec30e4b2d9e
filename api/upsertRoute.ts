import type { z } from 'zod';
import { auditedUpsert, type AuditedEntity, type UpsertModel } from '../data/audit';
import type { Tx } from '../data/db';
import { defineRoute, type Access, type Ctx } from './route';

/**
 * `PUT` of a resource named by its path (a partner bank, a member of staff, an enterprise): creates or replaces
 * it, audited, and answers 201 for a new one, 200 for a replaced one.
 */
export function upsertRoute<P extends Record<string, string>, B, D, R>(def: {
  path: string;
  summary: string;
  tag: string;
  response: z.ZodType;
  access: Access;
  /** The path's parameters: the row's unique key. */
  params: z.ZodType<P>;
  body: z.ZodType<B>;
  entity: AuditedEntity;
  /** e.g. BANK_UPDATED (`_CREATED` for a new one). */
  action: string;
  model: (tx: Tx) => UpsertModel<NoInfer<P>, NoInfer<D>, R>;
  /** The row's fields from the request; may refuse it (thrown). */
  data: (ctx: Ctx<P, unknown, B>) => D;
  /** The entity as the audit keeps it (as an administrator sees it). */
  audited: (row: R, ctx: Ctx<P, unknown, B>) => unknown;
  reply: (row: R, ctx: Ctx<P, unknown, B>) => unknown;
  /** What else the change moves, in its transaction. */
  also?: (tx: Tx, row: R) => Promise<unknown>;
}) {
  const { entity, action, model, data, audited, reply, also, ...route } = def;
  return defineRoute<P, unknown, B>({
    ...route,
    method: 'put',
    async handler(ctx) {
      const { row, existed } = await auditedUpsert(ctx.deps.db, model, {
        actor: ctx.actor!,
        entity,
        action,
        data: data(ctx),
        where: ctx.params,
        present: (r) => audited(r, ctx),
        also,
      });
      return { status: existed ? 200 : 201, body: reply(row, ctx) };
    },
  });
}
