/**
 * The database side: the plans PostgreSQL chooses for the task list and the evaluation endpoint over many
 * rows, and the evaluation endpoint's latency. The queries are not copied here: the real routes run in this
 * process on a Prisma client that reports every statement, which is then explained with its parameters.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type { Server } from 'node:http';
import { createApp } from '../api/app';
import { createLogger } from '../platform/logger';
import { PrismaClient } from '../data/db';
import { createPdfPrinter } from '../reports';
import { progress } from './log';
import type { Stack } from './stack';
import { evaluationFromRows } from '../data/evaluation';
import { reconcileEvaluationRollups } from '../data/evaluationReconcile';
import { insertEvaluationRows } from './synthetic';

export interface ExplainedQuery {
  endpoint: string;
  sql: string;
  executionMs: number;
  indexes: string[];
  seqScans: { table: string; rows: number }[];
  plan: string[];
  /** The same statement with a proposed index (created in a transaction that is rolled back). */
  withProposals: { index: string; executionMs: number; indexes: string[] }[];
}

/**
 * Indexes this phase tries (never kept: a migration is the place for them). Each applies to the statements
 * it names; the report compares their plans and times with and without it.
 */
const PROPOSALS: { name: string; table: string; ddl: string; for: RegExp }[] = [
  {
    name: 'Payment (settledAt) WHERE status = SUCCEEDED',
    table: 'Payment',
    ddl: `CREATE INDEX bench_payment_settled ON "Payment" ("settledAt") WHERE status = 'SUCCEEDED'`,
    for: /FROM "Payment" p/,
  },
  {
    name: 'Application (creditCode, approvedAt, id) WHERE approvedAt IS NOT NULL',
    table: 'Application',
    ddl: `CREATE INDEX bench_app_insured ON "Application" ("creditCode", "approvedAt", id) WHERE "approvedAt" IS NOT NULL`,
    for: /row_number\(\) OVER/,
  },
  {
    name: 'Application (programYear, status) WHERE approvedAt IS NOT NULL',
    table: 'Application',
    ddl: `CREATE INDEX bench_app_year ON "Application" ("programYear", status) WHERE "approvedAt" IS NOT NULL`,
    for: /count\(DISTINCT a\."creditCode"\)/,
  },
  {
    name: 'Survey (sentAt)',
    table: 'Survey',
    ddl: `CREATE INDEX bench_survey_sent ON "Survey" ("sentAt")`,
    for: /FROM "Survey"/,
  },
  {
    name: 'BankReferral (createdAt)',
    table: 'BankReferral',
    ddl: `CREATE INDEX bench_referral_created ON "BankReferral" ("createdAt")`,
    for: /FROM "BankReferral"/,
  },
];

export interface DatabaseResult {
  applications: number;
  tasks: number;
  payments: number;
  queries: ExplainedQuery[];
  latency: { endpoint: string; runs: number; p50Ms: number; p95Ms: number; maxMs: number }[];
  /**
   * The evaluation's rollups: rebuilt from the synthetic rows, then reconciled with them once; and the
   * computation from every row they replace (`evaluationFromRows`, in this process: the old endpoint's work).
   */
  rollups: { rebuildMs: number; reconcileMs: number; driftCells: number; fromRowsP50Ms: number };
}

/** Tables small enough that a sequential scan is the right plan whatever their indexes. */
const SMALL_TABLES = new Set(['Program', 'Budget', 'Bank', 'CatalogProduct', 'StaffMember']);

function analyse(plan: string[]): Pick<ExplainedQuery, 'indexes' | 'seqScans' | 'executionMs'> {
  const indexes = new Set<string>();
  const seqScans: { table: string; rows: number }[] = [];
  let executionMs = 0;
  for (const line of plan) {
    const idx =
      /(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) "?([\w]+)"?/.exec(line);
    if (idx) indexes.add(idx[1]!);
    const seq = /Seq Scan on "?(\w+)"?.*?actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(line);
    if (seq && !SMALL_TABLES.has(seq[1]!)) seqScans.push({ table: seq[1]!, rows: Number(seq[2]) });
    const exec = /Execution Time: ([\d.]+) ms/.exec(line);
    if (exec) executionMs = Number(exec[1]);
  }
  return { indexes: [...indexes], seqScans, executionMs };
}

/** Calls `paths` on the real app in this process and returns the statements each one ran. */
async function capture(stack: Stack, calls: { path: string; token: string }[]) {
  const statements: { query: string; params: string }[] = [];
  const db = new PrismaClient({
    adapter: new PrismaPg({ connectionString: stack.pgUrl, max: 4 }),
    log: [{ emit: 'event', level: 'query' }],
  });
  db.$on('query', (e) => statements.push({ query: e.query, params: e.params }));
  const app = createApp({
    config: stack.config,
    db,
    temporal: stack.temporal,
    tokens: stack.tokens,
    logger: createLogger('silent', 'bench'),
    pdf: createPdfPrinter(stack.config.report), // no PDF here: never starts a browser
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as { port: number }).port;
  const byCall: { path: string; statements: { query: string; params: unknown[] }[] }[] = [];
  try {
    for (const c of calls) {
      statements.length = 0;
      const res = await fetch(`http://127.0.0.1:${port}${c.path}`, {
        headers: { authorization: `Bearer ${c.token}` },
      });
      if (!res.ok) throw new Error(`${c.path}: ${res.status} ${await res.text()}`);
      byCall.push({
        path: c.path,
        statements: statements
          .filter((s) => /^\s*(SELECT|WITH)/i.test(s.query))
          .map((s) => ({ query: s.query, params: JSON.parse(s.params || '[]') as unknown[] })),
      });
    }
  } finally {
    await new Promise((r) => server.close(r));
    await db.$disconnect();
  }
  return byCall;
}

/** The plan of the fastest of three runs (the machine may be shared: one run can be unlucky). */
async function explain(sql: Stack['sql'], query: string, params: unknown[]): Promise<string[]> {
  let best: string[] | undefined;
  try {
    for (let i = 0; i < 3; i++) {
      const rows = await sql<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${query}`, params);
      const plan = rows.map((r) => r['QUERY PLAN']);
      if (!best || analyse(plan).executionMs < analyse(best).executionMs) best = plan;
    }
    return best!;
  } catch (err) {
    return [`EXPLAIN failed: ${String(err)}`];
  }
}

/** Explains `query` with the proposed index present, inside a transaction that is rolled back. */
async function explainWith(stack: Stack, p: (typeof PROPOSALS)[number], query: string, params: unknown[]) {
  return stack.withConnection(async (sql) => {
    await sql('BEGIN');
    try {
      await sql(p.ddl);
      await sql(`ANALYZE "${p.table}"`);
      return await explain(sql, query, params);
    } finally {
      await sql('ROLLBACK');
    }
  });
}

async function timeEndpoint(stack: Stack, path: string, token: string, runs: number) {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const res = await fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    if (i >= 2) times.push(performance.now() - t0); // two warm-up calls
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { endpoint: path, runs, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: times.at(-1)! };
}

export async function databasePhase(
  stack: Stack,
  opts: { evaluationRows: number; latencyRuns: number },
): Promise<DatabaseResult> {
  progress(
    `database: inserting ${opts.evaluationRows} synthetic applications with payments, surveys, referrals`,
  );
  const { rebuildMs } = await insertEvaluationRows(stack, opts.evaluationRows);
  const reconciled = await reconcileEvaluationRollups(stack.db);
  const fromRows: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    await evaluationFromRows(stack.db, stack.year);
    if (i >= 2) fromRows.push(performance.now() - t0); // two warm-up calls
  }
  fromRows.sort((a, b) => a - b);
  const rollups = {
    rebuildMs,
    reconcileMs: reconciled.durationMs,
    driftCells: reconciled.driftCells,
    fromRowsP50Ms: fromRows[Math.floor(fromRows.length / 2)]!,
  };
  progress(
    `database: rollups rebuilt in ${rebuildMs.toFixed(0)} ms; reconciled in ${rollups.reconcileMs} ms, ` +
      `${rollups.driftCells} cells drifting; the evaluation from every row: p50 ${rollups.fromRowsP50Ms.toFixed(0)} ms`,
  );
  const count = async (table: string) =>
    (await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`))[0]!.n;
  const [applications, tasks, payments] = [
    await count('Application'),
    await count('Task'),
    await count('Payment'),
  ];
  progress(`database: ${applications} applications, ${tasks} tasks, ${payments} payments`);

  const admin = await stack.tokens.sign({ subject: 'bench-admin', role: 'admin' });
  const reviewer = await stack.tokens.sign({
    subject: 'bench-reviewer',
    role: 'reviewer',
    org: 'street:中关村街道',
  });
  const year = stack.year;
  const calls = [
    { path: '/api/v1/tasks', token: reviewer },
    { path: '/api/v1/tasks?queue=initial-review&state=open', token: reviewer },
    { path: `/api/v1/metrics/evaluation?year=${year}`, token: admin },
    { path: `/api/v1/disclosures?year=${year}`, token: admin },
  ];
  const queries: ExplainedQuery[] = [];
  for (const call of await capture(stack, calls)) {
    for (const s of call.statements) {
      const plan = await explain(stack.sql, s.query, s.params);
      const withProposals = [];
      for (const p of PROPOSALS.filter((p) => p.for.test(s.query))) {
        const { executionMs, indexes } = analyse(await explainWith(stack, p, s.query, s.params));
        withProposals.push({ index: p.name, executionMs, indexes });
      }
      const sql = s.query.replace(/\s+/g, ' ').trim();
      queries.push({ endpoint: call.path, sql, plan, ...analyse(plan), withProposals });
    }
  }
  for (const q of queries) {
    const seq = q.seqScans.map((s) => `${s.table} (${s.rows} rows)`).join(', ') || 'none';
    const what = q.sql.slice(0, 60);
    progress(
      `  ${q.endpoint} · ${what}…: ${q.executionMs.toFixed(1)} ms; ` +
        `indexes ${q.indexes.join(', ') || 'none'}; seq scans ${seq}`,
    );
    for (const w of q.withProposals)
      progress(
        `    with ${w.index}: ${w.executionMs.toFixed(1)} ms (uses ${w.indexes.join(', ') || 'no index'})`,
      );
  }

  progress(`database: evaluation endpoint latency, ${opts.latencyRuns} calls each`);
  const latency = [
    await timeEndpoint(stack, `/api/v1/metrics/evaluation?year=${year}`, admin, opts.latencyRuns),
    await timeEndpoint(stack, `/api/v1/metrics/evaluation?year=${year}&format=csv`, admin, opts.latencyRuns),
    await timeEndpoint(stack, `/api/v1/disclosures?year=${year}`, admin, opts.latencyRuns),
  ];
  for (const l of latency)
    progress(`  ${l.endpoint}: p50 ${l.p50Ms.toFixed(0)} ms, p95 ${l.p95Ms.toFixed(0)} ms`);
  return { applications, tasks, payments, queries, latency, rollups };
}
