import { z } from 'zod';
import { AUDIT_CSV_HEADER, auditCsvRow, type ChainedEntry } from '../../domain/auditChain';
import { csvField } from '../../domain/csv';
import { AUDITED_ENTITIES, listAudit } from '../../data/audit';
import { verifyAuditChains, yearEntries } from '../../data/auditChain';
import { AuditList } from '../responses';
import { defineRoute } from '../route';
import { Year } from '../schemas';

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

const ChainQuery = z.object({
  year: Year.describe('a Beijing calendar year: entries from 1 January 00:00 +08:00'),
  applicationId: z.string().min(1).max(100).optional(),
});

const ExportQuery = ChainQuery.extend({
  format: z.enum(['csv', 'json']).default('json').describe('csv: a spreadsheet (UTF-8 with BOM)'),
});

const Nullable = z.string().nullable();

const ChainedEntrySchema = z.object({
  id: z.string(),
  key: z.string(),
  chain: z.string(),
  applicationId: Nullable,
  at: z.string(),
  actor: z.string(),
  actorRole: z.string(),
  action: z.string(),
  fromStatus: Nullable,
  toStatus: Nullable,
  note: Nullable,
  data: Nullable.describe('the data as PostgreSQL renders its jsonb as text (what the hash covers)'),
  entity: Nullable,
  entityId: Nullable,
  prevHash: Nullable,
  hash: z.string(),
});

const AuditExport = z.object({
  year: z.number(),
  applicationId: Nullable,
  exportedAt: z.string(),
  entries: z.array(ChainedEntrySchema),
});

const AuditVerification = z.object({
  ok: z.boolean(),
  /** Entries recomputed: the chains with an entry in the year, each whole. */
  checked: z.number(),
  chains: z.number(),
  brokenChains: z.number().optional(),
  firstBroken: z
    .object({
      id: z.string(),
      key: z.string(),
      chain: z.string(),
      applicationId: Nullable,
      entity: Nullable,
      entityId: Nullable,
      reason: z.enum(['HASH_MISMATCH', 'PREV_LINK_MISMATCH']),
    })
    .optional(),
});

/** Chunks of about 64 KiB: a page of entries at a time, not a write per entry. */
async function* batched(head: string, lines: AsyncIterable<string>, tail: string): AsyncGenerator<string> {
  let chunk = head;
  for await (const line of lines) {
    chunk += line;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk + tail;
}

async function* csvLines(entries: AsyncIterable<ChainedEntry>) {
  for await (const e of entries) yield `${auditCsvRow(e).map(csvField).join(',')}\r\n`;
}

async function* jsonLines(entries: AsyncIterable<ChainedEntry>) {
  let first = true;
  for await (const e of entries) {
    yield `${first ? '' : ','}\n${JSON.stringify(e)}`;
    first = false;
  }
}

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
  defineRoute({
    method: 'get',
    path: '/api/v1/audit/verify',
    summary:
      'Verifies the audit chain: recomputes every chain with an entry in the year (optionally of one application), each from its first entry; answers how many entries were checked and, if any link is broken, the first (by id) with its reason',
    tag: 'administration',
    access: ['auditor', 'admin'],
    query: ChainQuery,
    response: AuditVerification,
    async handler({ query, deps }) {
      return { body: await verifyAuditChains(deps.db, query) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/audit/export',
    summary:
      'Every audit entry of a year (optionally of one application) in id order, with its chain, prevHash and hash, as JSON or CSV, streamed; the JSON is what a hash is recomputed from (docs/API.md, "The audit chain")',
    tag: 'administration',
    access: ['auditor', 'admin'],
    query: ExportQuery,
    response: AuditExport,
    // Nothing to wait for: the stream's first page is read before the reply starts (api/route.ts).
    handler({ query, deps }) {
      const entries = yearEntries(deps.db, query);
      const name = `audit-${query.year}${query.applicationId ? '-application' : ''}.${query.format}`;
      const headers = {
        'Content-Disposition': `attachment; filename="${name}"`,
        'Cache-Control': 'no-store',
      };
      if (query.format === 'csv') {
        const head = `\uFEFF${AUDIT_CSV_HEADER.map(csvField).join(',')}\r\n`;
        return Promise.resolve({
          headers,
          stream: { contentType: 'text/csv; charset=utf-8', chunks: batched(head, csvLines(entries), '') },
        });
      }
      const head = `{"year":${query.year},"applicationId":${JSON.stringify(query.applicationId ?? null)},"exportedAt":${JSON.stringify(new Date().toISOString())},"entries":[`;
      return Promise.resolve({
        headers,
        stream: {
          contentType: 'application/json; charset=utf-8',
          chunks: batched(head, jsonLines(entries), '\n]}\n'),
        },
      });
    },
  }),
];
