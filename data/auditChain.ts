import { createHash } from 'node:crypto';
import { brokenLink, type BrokenReason, type ChainedEntry } from '../domain/auditChain';
import { startOfShanghaiDay } from '../domain/calendar';
import { Prisma, type Db, sqlTimestamp } from './db';

/**
 * The audit chain's reads (docs/API.md, "The audit chain"): a year's entries for the export, and the
 * verification of every chain a year touched, both a page at a time (fine for a year of 100 000 entries). The
 * chain itself is written by the database's trigger on every insert (migration 20261203040000_audit_chain).
 */

const PAGE = 1000;
/** Chains verified per query: their entries come a page at a time. */
const CHAINS_PER_QUERY = 200;

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The instants a Beijing calendar year starts and ends (1 January 00:00 +08:00). */
export function beijingYear(year: number): { from: Date; to: Date } {
  return { from: startOfShanghaiDay(`${year}-01-01`), to: startOfShanghaiDay(`${year + 1}-01-01`) };
}

interface Row extends Omit<ChainedEntry, 'at'> {
  at: Date;
}

const COLUMNS = Prisma.sql`id::text AS id, "key", "chain", "applicationId", "at", "actor", "actorRole", "action",
  "fromStatus", "toStatus", "note", "data"::text AS data, "entity", "entityId", "prevHash", "hash"`;

const entry = (r: Row): ChainedEntry => ({ ...r, at: r.at.toISOString() });

/** Every entry of a Beijing year (and of one application), in the order of their ids. */
export async function* yearEntries(
  db: Db,
  q: { year: number; applicationId?: string },
): AsyncGenerator<ChainedEntry> {
  const { from, to } = beijingYear(q.year);
  const app = q.applicationId ? Prisma.sql`AND "applicationId" = ${q.applicationId}` : Prisma.empty;
  let after = -1n;
  for (;;) {
    const rows = await db.$queryRaw<Row[]>`
      SELECT ${COLUMNS} FROM "AuditEvent"
      WHERE "at" >= ${sqlTimestamp(from)} AND "at" < ${sqlTimestamp(to)} ${app} AND id > ${after}
      ORDER BY "AuditEvent".id LIMIT ${PAGE}`;
    for (const r of rows) yield entry(r);
    if (rows.length < PAGE) return;
    after = BigInt(rows.at(-1)!.id);
  }
}

/** The chains with an entry in the year (and of one application), by name. */
async function chainsOf(db: Db, q: { year: number; applicationId?: string }): Promise<string[]> {
  const { from, to } = beijingYear(q.year);
  const app = q.applicationId ? Prisma.sql`AND "applicationId" = ${q.applicationId}` : Prisma.empty;
  const rows = await db.$queryRaw<{ chain: string }[]>`
    SELECT DISTINCT "chain" FROM "AuditEvent"
    WHERE "at" >= ${sqlTimestamp(from)} AND "at" < ${sqlTimestamp(to)} ${app} ORDER BY "chain"`;
  return rows.map((r) => r.chain);
}

/** Every entry of the chains named, whole (from their first entry, of any year), chain by chain in id order. */
async function* chainEntries(db: Db, chains: string[]): AsyncGenerator<ChainedEntry> {
  let after: { chain: string; id: bigint } = { chain: '', id: -1n };
  for (;;) {
    const rows = await db.$queryRaw<Row[]>`
      SELECT ${COLUMNS} FROM "AuditEvent"
      WHERE "chain" = ANY(${chains}::text[]) AND ("chain", id) > (${after.chain}, ${after.id})
      ORDER BY "chain", "AuditEvent".id LIMIT ${PAGE}`;
    for (const r of rows) yield entry(r);
    if (rows.length < PAGE) return;
    after = { chain: rows.at(-1)!.chain, id: BigInt(rows.at(-1)!.id) };
  }
}

export interface BrokenLink {
  id: string;
  key: string;
  chain: string;
  applicationId: string | null;
  entity: string | null;
  entityId: string | null;
  reason: BrokenReason;
}

export type Verification =
  | { ok: true; checked: number; chains: number }
  | { ok: false; checked: number; chains: number; brokenChains: number; firstBroken: BrokenLink };

/**
 * Recomputes every chain with an entry in the year (and of one application), each from its first entry: the
 * first broken link of each chain is where it was altered (an entry changed: its hash; an entry removed or
 * inserted: the link of the next one). Answers the earliest of those by id, and how many chains are broken.
 */
export async function verifyAuditChains(
  db: Db,
  q: { year: number; applicationId?: string },
): Promise<Verification> {
  const chains = await chainsOf(db, q);
  let checked = 0;
  let brokenChains = 0;
  let firstBroken: BrokenLink | null = null;
  for (let i = 0; i < chains.length; i += CHAINS_PER_QUERY) {
    let previous: ChainedEntry | null = null;
    let brokenHere: string | null = null;
    for await (const e of chainEntries(db, chains.slice(i, i + CHAINS_PER_QUERY))) {
      if (previous?.chain !== e.chain) previous = null;
      checked += 1;
      const reason = brokenHere === e.chain ? null : brokenLink(e, previous, sha256Hex);
      if (reason) {
        brokenHere = e.chain;
        brokenChains += 1;
        if (!firstBroken || BigInt(e.id) < BigInt(firstBroken.id))
          firstBroken = {
            id: e.id,
            key: e.key,
            chain: e.chain,
            applicationId: e.applicationId,
            entity: e.entity,
            entityId: e.entityId,
            reason,
          };
      }
      previous = e;
    }
  }
  return firstBroken
    ? { ok: false, checked, chains: chains.length, brokenChains, firstBroken }
    : { ok: true, checked, chains: chains.length };
}
