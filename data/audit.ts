import { randomUUID } from 'node:crypto';
import { AUDITED_ENTITIES, type AuditedEntity } from '../domain/audit';
import type { Actor } from '../domain/roles';
import { type Prisma, type Db, type Tx } from './db';

/**
 * The audit trail of everything that is not a workflow step: an enterprise's profile and every administrator's
 * configuration change (staff, banks, programmes, catalog, budgets, calendar), written in the same transaction
 * as the change, with who, when, and the entity before and after (as an administrator sees it: account numbers
 * masked). Workflow steps are audited by the `record` activity; both are read with `listAudit`.
 */
export { AUDITED_ENTITIES, type AuditedEntity };

export interface Change<T> {
  actor: Actor;
  entity: AuditedEntity;
  entityId: string;
  /** e.g. ENTERPRISE_UPDATED; `_CREATED` is used when there was nothing before. */
  action: string;
  note?: string;
  write: (tx: Tx) => Promise<{ before: unknown; after: unknown; result: T }>;
}

/** JSON as PostgreSQL stores it (bigints as numbers, dates as ISO strings); nothing is `null`. */
const toJson = (v: unknown): Prisma.InputJsonValue | null =>
  v === null || v === undefined
    ? null
    : (JSON.parse(
        JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)),
      ) as Prisma.InputJsonValue);

export async function writeAudit(
  tx: Tx,
  e: {
    actor: Actor;
    entity: AuditedEntity;
    entityId: string;
    action: string;
    note?: string;
    before: unknown;
    after: unknown;
  },
): Promise<void> {
  await tx.auditEvent.create({
    data: {
      key: `${e.entity}:${e.entityId}:${randomUUID()}`,
      at: new Date(),
      actor: e.actor.subject,
      actorRole: e.actor.role,
      action: e.action,
      note: e.note ?? null,
      entity: e.entity,
      entityId: e.entityId,
      data: { before: toJson(e.before), after: toJson(e.after) },
    },
  });
}

/** Makes a change and its audit entry in one transaction. */
export async function audited<T>(db: Db, change: Change<T>): Promise<T> {
  return db.$transaction(async (tx) => {
    const { before, after, result } = await change.write(tx);
    await writeAudit(tx, {
      ...change,
      action: before === null ? change.action.replace(/_UPDATED$/, '_CREATED') : change.action,
      before,
      after,
    });
    return result;
  });
}

/** What an upsert by a unique key asks of a Prisma model (`tx.bank`, `tx.staffMember`, ...). */
export interface UpsertModel<W, D, R> {
  findUnique(args: { where: W }): PromiseLike<R | null>;
  upsert(args: { where: W; create: W & D; update: D }): PromiseLike<R>;
}

/**
 * Creates or replaces the row `where` names (its one value is the entity id), audited in the same transaction
 * with the entity before and after as `present` shows it; `existed` tells a replacement from a creation.
 */
export async function auditedUpsert<W extends Record<string, string>, D, R>(
  db: Db,
  model: (tx: Tx) => UpsertModel<NoInfer<W>, NoInfer<D>, R>,
  change: Pick<Change<unknown>, 'actor' | 'entity' | 'action'> & {
    where: W;
    data: D;
    present: (row: R) => unknown;
    /** What else the change moves, in the same transaction (an enterprise's evaluation rollups). */
    also?: (tx: Tx, row: R) => Promise<unknown>;
  },
): Promise<{ row: R; existed: boolean }> {
  const { where, data, present, also, ...audit } = change;
  return audited(db, {
    ...audit,
    entityId: Object.values(where)[0]!,
    async write(tx) {
      const before = await model(tx).findUnique({ where });
      const after = await model(tx).upsert({ where, create: { ...where, ...data }, update: data });
      await also?.(tx, after);
      return {
        before: before && present(before),
        after: present(after),
        result: { row: after, existed: !!before },
      };
    },
  });
}

export interface AuditQuery {
  entity?: AuditedEntity;
  entityId?: string;
  applicationId?: string;
  actor?: string;
  from?: Date;
  to?: Date;
  /** The id of the last entry of the previous page (entries come newest first). */
  before?: bigint;
  limit: number;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  actorRole: string;
  action: string;
  entity: string | null;
  entityId: string | null;
  applicationId: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
  data: unknown;
}

/** Audit entries, newest first, a page at a time (`nextBefore` continues). */
export async function listAudit(
  db: Db,
  q: AuditQuery,
): Promise<{ items: AuditEntry[]; nextBefore: string | null }> {
  const rows = await db.auditEvent.findMany({
    where: {
      ...(q.entity ? { entity: q.entity } : {}),
      ...(q.entityId ? { entityId: q.entityId } : {}),
      ...(q.applicationId ? { applicationId: q.applicationId } : {}),
      ...(q.actor ? { actor: q.actor } : {}),
      ...(q.from || q.to
        ? { at: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } }
        : {}),
      ...(q.before ? { id: { lt: q.before } } : {}),
    },
    orderBy: { id: 'desc' },
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      id: r.id.toString(),
      at: r.at.toISOString(),
      actor: r.actor,
      actorRole: r.actorRole,
      action: r.action,
      entity: r.entity,
      entityId: r.entityId,
      applicationId: r.applicationId,
      fromStatus: r.fromStatus,
      toStatus: r.toStatus,
      note: r.note,
      data: r.data,
    })),
    nextBefore: rows.length > q.limit ? page.at(-1)!.id.toString() : null,
  };
}
