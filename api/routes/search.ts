import { z } from 'zod';
import { fromDbFen } from '../../domain/money';
import { APPLICATION_STATUSES, TRACKS } from '../../domain/status';
import { STATUS_LABELS, TRACK_LABELS } from '../../domain/labels';
import { toCsv } from '../../domain/csv';
import { Prisma } from '../../data/db';
import { defineRoute } from '../route';
import { IsoDate } from '../schemas';

const many = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item).max(20));

const SORTS = [
  'createdAt',
  '-createdAt',
  'id',
  '-id',
  'grantedFen',
  '-grantedFen',
  'enterpriseName',
  '-enterpriseName',
] as const;

const SearchQuery = z.object({
  /** An application number, whole or its beginning (HD-2026-…). */
  number: z.string().trim().min(2).max(40).optional(),
  creditCode: z.string().trim().length(18).optional(),
  /** A part of the enterprise's name. */
  name: z.string().trim().min(1).max(100).optional(),
  status: many(z.enum(APPLICATION_STATUSES)).optional(),
  track: many(z.enum(TRACKS)).optional(),
  /** The street office of the enterprise, as the registry knows it (中关村街道). */
  streetOffice: z.string().trim().min(1).max(50).optional(),
  /** Submission days, Beijing time, inclusive. */
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  sort: z.enum(SORTS).default('-createdAt'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
  format: z.enum(['json', 'csv']).default('json'),
});
type Query = z.infer<typeof SearchQuery>;

const Row = z.object({
  id: z.string(),
  creditCode: z.string(),
  enterpriseName: z.string(),
  track: z.string(),
  status: z.string(),
  streetOffice: z.string().nullable(),
  grantedFen: z.number().int().nullable(),
  computedFen: z.number().int().nullable(),
  createdAt: z.string(),
});
const SearchResponse = z.object({
  items: z.array(Row),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

/** At most this many rows go into one CSV (narrow the search for more). */
const CSV_LIMIT = 10_000;
const dayStart = (d: string) => new Date(`${d}T00:00:00+08:00`);
const ORDER: Record<(typeof SORTS)[number], Prisma.Sql> = {
  createdAt: Prisma.sql`a."createdAt" ASC, a.id ASC`,
  '-createdAt': Prisma.sql`a."createdAt" DESC, a.id DESC`,
  id: Prisma.sql`a.id ASC`,
  '-id': Prisma.sql`a.id DESC`,
  grantedFen: Prisma.sql`a."grantedFen" ASC NULLS FIRST, a.id ASC`,
  '-grantedFen': Prisma.sql`a."grantedFen" DESC NULLS LAST, a.id DESC`,
  enterpriseName: Prisma.sql`e.name ASC, a.id ASC`,
  '-enterpriseName': Prisma.sql`e.name DESC, a.id DESC`,
};
const STREET = Prisma.sql`(a."verifiedFacts" -> 'enterprise' ->> 'streetOffice')`;
const like = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function where(q: Query): Prisma.Sql {
  const c: Prisma.Sql[] = [];
  if (q.number) c.push(Prisma.sql`a.id LIKE ${`${like(q.number.toUpperCase())}%`}`);
  if (q.creditCode) c.push(Prisma.sql`a."creditCode" = ${q.creditCode.toUpperCase()}`);
  if (q.name) c.push(Prisma.sql`e.name ILIKE ${`%${like(q.name)}%`}`);
  // Compared as the enum types, so that the (status, createdAt) and (track, createdAt) indexes serve.
  if (q.status?.length)
    c.push(
      Prisma.sql`a.status IN (${Prisma.join(q.status.map((x) => Prisma.sql`${x}::"ApplicationStatus"`))})`,
    );
  if (q.track?.length)
    c.push(Prisma.sql`a.track IN (${Prisma.join(q.track.map((x) => Prisma.sql`${x}::"Track"`))})`);
  if (q.streetOffice) c.push(Prisma.sql`a."verifiedFacts" IS NOT NULL AND ${STREET} = ${q.streetOffice}`);
  if (q.from) c.push(Prisma.sql`a."createdAt" >= ${dayStart(q.from)}`);
  if (q.to) c.push(Prisma.sql`a."createdAt" < ${new Date(dayStart(q.to).getTime() + 86_400_000)}`);
  return c.length ? Prisma.sql`WHERE ${Prisma.join(c, ' AND ')}` : Prisma.empty;
}

interface DbRow {
  id: string;
  creditCode: string;
  enterpriseName: string;
  track: string;
  status: string;
  streetOffice: string | null;
  grantedFen: bigint | null;
  computedFen: bigint | null;
  createdAt: Date;
}

const beijingMinute = (d: Date) =>
  new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
const yuan = (f: number | null) => (f === null ? '' : (f / 100).toFixed(2));

/** Staff find any application: by number, credit code, a part of the name, status, track, street office, days. */
export const searchRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/applications',
    summary:
      'Search all applications (number, credit code, part of the name, status, track, street office, submission days); paged, sortable, ?format=csv',
    tag: 'administration',
    access: ['admin', 'approver', 'finance'],
    districtWide: true,
    query: SearchQuery,
    response: SearchResponse,
    async handler({ query, deps }) {
      const filter = where(query);
      const csv = query.format === 'csv';
      const limit = csv ? CSV_LIMIT : query.pageSize;
      const offset = csv ? 0 : (query.page - 1) * query.pageSize;
      const [rows, counted] = await Promise.all([
        deps.db.$queryRaw<DbRow[]>`
          SELECT a.id, a."creditCode", e.name AS "enterpriseName", a.track::text AS track, a.status::text AS status,
                 ${STREET} AS "streetOffice", a."grantedFen", a."computedFen", a."createdAt"
          FROM "Application" a JOIN "Enterprise" e ON e."creditCode" = a."creditCode"
          ${filter} ORDER BY ${ORDER[query.sort]} LIMIT ${limit} OFFSET ${offset}`,
        csv
          ? Promise.resolve([{ n: 0n }])
          : deps.db.$queryRaw<{ n: bigint }[]>`
          SELECT count(*) AS n FROM "Application" a JOIN "Enterprise" e ON e."creditCode" = a."creditCode" ${filter}`,
      ]);
      const items = rows.map((r) => ({
        ...r,
        grantedFen: fromDbFen(r.grantedFen),
        computedFen: fromDbFen(r.computedFen),
        createdAt: r.createdAt.toISOString(),
      }));
      if (csv) {
        const header = [
          '申请编号',
          '统一社会信用代码',
          '企业名称',
          '补贴类别',
          '状态',
          '所属街镇',
          '核定补贴（元）',
          '测算补贴（元）',
          '提交时间（北京时间）',
        ];
        const data = items.map((r) => [
          r.id,
          r.creditCode,
          r.enterpriseName,
          TRACK_LABELS[r.track as keyof typeof TRACK_LABELS]?.zh ?? r.track,
          STATUS_LABELS[r.status as keyof typeof STATUS_LABELS]?.zh ?? r.status,
          r.streetOffice ?? '',
          yuan(r.grantedFen),
          yuan(r.computedFen),
          beijingMinute(new Date(r.createdAt)),
        ]);
        return {
          raw: { contentType: 'text/csv; charset=utf-8', data: toCsv([header, ...data]) },
          headers: {
            'Content-Disposition': 'attachment; filename="applications.csv"',
            'Cache-Control': 'no-store',
          },
        };
      }
      return {
        body: { items, total: Number(counted[0]?.n ?? 0), page: query.page, pageSize: query.pageSize },
      };
    },
  }),
];
