/**
 * The staff search over all applications (GET /api/v1/admin/applications): `rows` applications of their own
 * (enterprise names, street offices, statuses and tracks spread out), then each kind of search through the
 * real API, timed; target p95 ≤ 300 ms on 100,000 applications.
 */
import { progress } from './log';
import type { Stack } from './stack';

export interface SearchResult {
  applications: number;
  latency: {
    search: string;
    path: string;
    runs: number;
    p50Ms: number;
    p95Ms: number;
    maxMs: number;
    total: number;
  }[];
}

const OFFICES = ['中关村街道', '学院路街道', '海淀街道', '清河街道', '上地街道'];

async function insertSearchRows(stack: Stack, count: number): Promise<void> {
  const companies = Math.max(1, Math.round(count * 0.5));
  await stack.sql(
    `INSERT INTO "Enterprise" ("creditCode", name, district, size, "foundedOn", "mainField", "contactEmail", "updatedAt")
     SELECT 'SYNS' || lpad(g::text, 14, '0'),
            '北京' || (ARRAY['智研','星河','启明','华芯','天工','云帆','量子','蓝海'])[1 + g % 8] || (ARRAY['科技','信息','智能','生物'])[1 + g % 4] || '有限公司' || g,
            '海淀区', 'SMALL', DATE '2019-06-01', 'ARTIFICIAL_INTELLIGENCE', 's' || g || '@example.com', now()
     FROM generate_series(1, $1::int) g ON CONFLICT DO NOTHING`,
    [companies],
  );
  const statuses = `ARRAY['INITIAL_REVIEW','PAID','TRACKING','REJECTED','CLOSED','FINAL_APPROVAL','IN_PUBLIC_NOTICE','WITHDRAWN','NEEDS_INFO','APPROVED']`;
  await stack.sql(
    `INSERT INTO "Application" (id, "creditCode", track, status, "programYear", "insurerCode", "policyNumber",
       "productCode", "policyStartDate", "policyEndDate", "premiumFen", "paidPremiumFen", "paidAt", "sumInsuredFen",
       "programSnapshot", "submittedBy", "workflowId", "workflowStartedAt", "createdAt", "updatedAt", "statusChangedAt",
       "grantedFen", "verifiedFacts")
     SELECT 'HD-SYS-' || lpad(g::text, 7, '0'), 'SYNS' || lpad((1 + g % $2::int)::text, 14, '0'),
       (ARRAY['INCLUSIVE','INCLUSIVE','SRDI','FRONTIER'])[1 + g % 4]::"Track", (${statuses})[1 + g % 10]::"ApplicationStatus",
       $3::int, 'SYN', 'S' || g, 'HD-GROUP-2026', DATE '2026-03-01', DATE '2027-02-28', 250000, 250000,
       now() - (g % 400) * interval '1 day', 500000000, '{}'::jsonb, 'synthetic', 'application-HD-SYS-' || g,
       now(), now() - (g % 400) * interval '1 day' - (g % 86400) * interval '1 second', now(), now(),
       CASE WHEN g % 10 IN (1, 2, 4) THEN 100000 + (g % 50) * 1000 END,
       jsonb_build_object('enterprise', jsonb_build_object('streetOffice', ($4::text[])[1 + g % 5]))
     FROM generate_series(1, $1::int) g`,
    [count, companies, stack.year, OFFICES],
  );
  await stack.sql('ANALYZE "Application"');
  await stack.sql('ANALYZE "Enterprise"');
}

async function time(stack: Stack, path: string, token: string, runs: number) {
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const res = await fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { total?: number };
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    total = body.total ?? 0;
    if (i >= 2) times.push(performance.now() - t0); // two warm-up calls
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { runs, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: times.at(-1)!, total };
}

export async function searchPhase(stack: Stack, opts: { rows: number; runs: number }): Promise<SearchResult> {
  progress(`search: inserting ${opts.rows} applications to search`);
  await insertSearchRows(stack, opts.rows);
  const applications = (await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Application"`))[0]!.n;
  const token = await stack.tokens.sign({ subject: 'bench-admin', role: 'admin' });
  const middle = `HD-SYS-${String(Math.ceil(opts.rows / 2)).padStart(7, '0')}`;
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() + 8 * 3600_000 - 30 * 86_400_000).toISOString().slice(0, 10);
  const searches: [string, string][] = [
    ['everything, newest first', ''],
    ['by number', `number=${middle}`],
    ['by number prefix', 'number=HD-SYS-00012'],
    ['by credit code', `creditCode=SYNS${'1'.padStart(14, '0')}`],
    ['by part of the name', `name=${encodeURIComponent('星河信息')}`],
    ['by status and track', 'status=INITIAL_REVIEW,NEEDS_INFO&track=SRDI'],
    [
      'by street office and days',
      `streetOffice=${encodeURIComponent('清河街道')}&from=${monthAgo}&to=${today}`,
    ],
    ['by amount, largest first, page 50', 'sort=-grantedFen&page=50'],
    ['by name, sorted by name', `name=${encodeURIComponent('科技')}&sort=enterpriseName`],
  ];
  const latency: SearchResult['latency'] = [];
  for (const [search, q] of searches) {
    const path = `/api/v1/admin/applications?${q}`;
    const r = await time(stack, path, token, opts.runs);
    progress(
      `search ${search}: p50 ${r.p50Ms.toFixed(0)} ms, p95 ${r.p95Ms.toFixed(0)} ms (${r.total} found)`,
    );
    latency.push({ search, path, ...r });
  }
  return { applications, latency };
}
