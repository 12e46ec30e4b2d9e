import type { Document, Prisma } from '../prisma/generated/client';
import type { Db, Tx } from './db';

/**
 * Documents an enterprise uploaded and has not attached to an application yet (drafts): limited in number and
 * bytes per enterprise, and deleted after some days. Attached documents belong to their application and are
 * never counted nor purged.
 */
export interface DocumentLimits {
  quotaCount: number;
  quotaBytes: number;
  purgeAfterDays: number;
}

export interface DraftUsage {
  count: number;
  bytes: number;
}

/** Namespace of the advisory locks that serialise the uploads of one enterprise (its quota). */
const UPLOAD_LOCK = 7_011_002;

export class DocumentQuotaExceeded extends Error {
  constructor(
    readonly usage: DraftUsage,
    readonly limits: DocumentLimits,
    readonly adding: number,
  ) {
    super('document quota exceeded');
  }
}

export async function draftUsage(db: Db | Tx, creditCode: string): Promise<DraftUsage> {
  const { _count, _sum } = await db.document.aggregate({
    where: { creditCode, applicationId: null },
    _count: { _all: true },
    _sum: { size: true },
  });
  return { count: _count._all, bytes: _sum.size ?? 0 };
}

/** Throws DocumentQuotaExceeded when one more draft of `bytes` would not fit. */
export function checkQuota(usage: DraftUsage, limits: DocumentLimits, bytes: number): void {
  if (usage.count + 1 > limits.quotaCount || usage.bytes + bytes > limits.quotaBytes)
    throw new DocumentQuotaExceeded(usage, limits, bytes);
}

/** Stores a draft if it fits in the enterprise's quota, under the enterprise's lock (concurrent uploads). */
export function storeDraft(
  db: Db,
  limits: DocumentLimits,
  data: Prisma.DocumentUncheckedCreateInput & { creditCode: string; size: number },
): Promise<Omit<Document, 'content'>> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${UPLOAD_LOCK}::int, hashtext(${data.creditCode}))`;
    checkQuota(await draftUsage(tx, data.creditCode), limits, data.size);
    return tx.document.create({ data, omit: { content: true } });
  });
}

/** Deletes the drafts older than the configured days; returns how many. */
export async function purgeDrafts(db: Db, purgeAfterDays: number, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - purgeAfterDays * 86_400_000);
  const { count } = await db.document.deleteMany({
    where: { applicationId: null, createdAt: { lt: before } },
  });
  return count;
}
