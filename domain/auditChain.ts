/**
 * The audit chain (docs/API.md, "The audit chain"): every audit entry carries the SHA-256 of the previous entry
 * of its chain and its own, over the canonical text defined here. The database computes it (the trigger of
 * migration 20261203040000_audit_chain); this is the same definition in TypeScript, which the verification and
 * an auditor (from an export alone) recompute with.
 */

/** An entry as the chain covers it: every field as text, as exported. */
export interface ChainedEntry {
  /** Decimal. */
  id: string;
  key: string;
  chain: string;
  applicationId: string | null;
  /** UTC, `YYYY-MM-DDTHH:MM:SS.mmmZ` (what `Date.prototype.toISOString` gives). */
  at: string;
  actor: string;
  actorRole: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
  /** The entry's data as PostgreSQL renders its `jsonb` as text (`data::text`), or null. */
  data: string | null;
  entity: string | null;
  entityId: string | null;
  prevHash: string | null;
  hash: string;
}

/** The fields the hash covers, in their order. */
export const CHAINED_FIELDS = [
  'id',
  'key',
  'chain',
  'applicationId',
  'at',
  'actor',
  'actorRole',
  'action',
  'fromStatus',
  'toStatus',
  'note',
  'data',
  'entity',
  'entityId',
  'prevHash',
] as const satisfies readonly (keyof ChainedEntry)[];

/** The chain an entry belongs to: its application's, else its entity's, else the general one. */
export function chainOf(e: Pick<ChainedEntry, 'applicationId' | 'entity' | 'entityId'>): string {
  if (e.applicationId !== null) return `application:${e.applicationId}`;
  if (e.entity !== null) return `${e.entity}:${e.entityId ?? ''}`;
  return 'general';
}

/**
 * The text the hash is the SHA-256 of (UTF-8): a JSON array without whitespace of the fields of
 * `CHAINED_FIELDS`, in that order, each a JSON string or null (`JSON.stringify` of the array).
 */
export function canonicalText(e: Omit<ChainedEntry, 'hash'>): string {
  return JSON.stringify(CHAINED_FIELDS.map((f) => e[f]));
}

/** Why a link of a chain is broken. */
export type BrokenReason = 'HASH_MISMATCH' | 'PREV_LINK_MISMATCH';

/**
 * Checks one entry against the one before it in its chain (null for the first): its `prevHash` must be that
 * entry's stored hash, and its stored hash the SHA-256 of its canonical text (computed by `sha256Hex`).
 */
export function brokenLink(
  e: ChainedEntry,
  previous: ChainedEntry | null,
  sha256Hex: (text: string) => string,
): BrokenReason | null {
  if (e.prevHash !== (previous?.hash ?? null)) return 'PREV_LINK_MISMATCH';
  if (sha256Hex(canonicalText(e)) !== e.hash) return 'HASH_MISMATCH';
  return null;
}

/** The CSV export's columns: the chained fields, and the time in Beijing for people. */
export const AUDIT_CSV_HEADER = [
  '编号',
  '键',
  '链',
  '申请编号',
  '时间（UTC）',
  '时间（北京时间）',
  '操作人',
  '角色',
  '动作',
  '原状态',
  '新状态',
  '说明',
  '数据',
  '对象类型',
  '对象编号',
  '前一条哈希',
  '哈希',
] as const;

const beijingSecond = (iso: string) =>
  new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

/** One entry as a row of the CSV export (`AUDIT_CSV_HEADER`). */
export function auditCsvRow(e: ChainedEntry): (string | null)[] {
  return [
    e.id,
    e.key,
    e.chain,
    e.applicationId,
    e.at,
    beijingSecond(e.at),
    e.actor,
    e.actorRole,
    e.action,
    e.fromStatus,
    e.toStatus,
    e.note,
    e.data,
    e.entity,
    e.entityId,
    e.prevHash,
    e.hash,
  ];
}
