/** The results file (`bench/results/latest.json`) and the short Markdown table printed and saved beside it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiResult } from './apiPhase';
import type { DatabaseResult } from './databasePhase';
import type { SearchResult } from './searchPhase';
import type { MemoryResult } from './memoryPhase';
import type { WindowResult } from './windowPhase';
import type { BenchOptions, Phase } from './options';
import type { WorkflowResult } from './workflowPhase';

/** `BENCH_RESULTS_DIR` puts them elsewhere (the test of the smoke run does, beside a real run's). */
export const RESULTS_DIR = process.env.BENCH_RESULTS_DIR || path.join(__dirname, 'results');

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the bench started and ended: the machine may be shared. */
  loadAverage: { start: number; end?: number };
}

export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  seconds?: number;
  options: BenchOptions;
  machine: Machine;
  phaseSeconds: Partial<Record<Phase | 'startup', number>>;
  errors: Partial<Record<Phase, string>>;
  workflow?: WorkflowResult;
  api?: ApiResult;
  memory?: MemoryResult;
  window?: WindowResult;
  database?: DatabaseResult;
  search?: SearchResult;
  targets?: Target[];
}

export interface Target {
  measure: string;
  value: string;
  target: string;
  /** null: a figure without a target, shown for what it explains. */
  pass: boolean | null;
}

export function machine(): Machine {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: { start: os.loadavg()[0]! },
  };
}

const f = (n: number, digits = 1) => n.toFixed(digits);

/** Every target that the run measured (issue 21's, which tightened issue 10's), with its figure. */
export function targets(r: BenchResults): Target[] {
  const out: Target[] = [];
  if (r.workflow) {
    const w = r.workflow;
    const base = (w.baseline[0]!.perSecond + w.baseline[1]!.perSecond) / 2;
    out.push({
      measure: `workflow throughput, ${w.n} applications: real ÷ baseline`,
      value: `${f(w.real.perSecond, 2)} ÷ ${f(base, 2)} app/s = ${f(w.ratio, 2)}`,
      target: '≥ 0.8',
      pass: w.ratio >= 0.8,
    });
    const cpu = (t: { cpuMsPerApplication: { total: number } }) => t.cpuMsPerApplication.total;
    out.push({
      measure: 'CPU per application (API, worker, Temporal, PostgreSQL): real ÷ baseline',
      value: `${f(cpu(w.real), 0)} ÷ ${f((cpu(w.baseline[0]!) + cpu(w.baseline[1]!)) / 2, 0)} ms = ${f(w.cpuRatio)}×`,
      target: '≤ 1.25×',
      pass: w.cpuRatio <= 1.25,
    });
  }
  if (r.api) {
    const [healthz, ...rest] = r.api.endpoints;
    const tasks = rest.find((e) => e.name === 'list tasks');
    if (healthz && tasks)
      out.push({
        measure: `GET /tasks p99 (${r.api.tasksInDatabase} tasks) ÷ /healthz p99`,
        value: `${tasks.p99Ms} ÷ ${healthz.p99Ms} ms = ${f(tasks.p99VsHealthz)}×`,
        target: '≤ 5×',
        pass: tasks.p99VsHealthz <= 5,
      });
    const bad = r.api.endpoints.reduce((n, e) => n + e.non2xx + e.errors + e.timeouts, 0);
    const silent = r.api.endpoints.filter((e) => e.requests === 0).map((e) => `${e.method} ${e.path}`);
    out.push({
      measure: 'API error responses (non-2xx, errors, timeouts)',
      value: `${bad}${silent.length ? `; no answer at all from ${silent.join(', ')}` : ''}`,
      target: '0',
      pass: bad === 0 && silent.length === 0,
    });
  }
  for (const m of r.memory?.runs ?? []) {
    out.push({
      measure: `worker memory per 1,000 open applications, ${m.label} (max ${m.maxCachedWorkflows})`,
      value: `RSS ${f(m.rssPerThousandMB)} MB, heap ${f(m.heapPerThousandMB)} MB`,
      target: '≤ 60 MB',
      pass: m.rssPerThousandMB <= 60,
    });
  }
  const replay = r.memory?.replay;
  if (replay)
    out.push({
      measure: `a query of an application beyond the cache (a replay) ÷ one in it, p50 (${replay.samples} samples)`,
      value: `${f(replay.evictedP50Ms, 0)} ÷ ${f(replay.cachedP50Ms, 0)} ms (p95 ${f(replay.evictedP95Ms, 0)} ÷ ${f(replay.cachedP95Ms, 0)} ms)`,
      target: '—',
      pass: null,
    });
  const [oneWorker, twoWorkers] = r.window?.runs ?? [];
  if (oneWorker)
    out.push({
      measure: `an application window: ${oneWorker.submissions} submissions through the API, prechecked, one worker`,
      value: `${f(oneWorker.seconds / 60, 1)} min (${f(oneWorker.prechecksPerSecond, 1)}/s; POST p99 ${oneWorker.submitP99Ms} ms)`,
      target: `≤ 10 min for 10,000`,
      pass: oneWorker.submissions >= 10_000 ? oneWorker.seconds <= 600 : null,
    });
  if (twoWorkers)
    out.push({
      measure: 'the same with two workers: prechecks per second, two ÷ one',
      value: `${f(twoWorkers.seconds / 60, 1)} min; ${f(r.window!.scaling ?? 0)}×`,
      target: '—',
      pass: null,
    });
  if (r.database) {
    const e = r.database.latency[0];
    if (e)
      out.push({
        measure: `evaluation endpoint over ${r.database.applications} applications (p50, p95)`,
        value: `${f(e.p50Ms, 0)} ms, ${f(e.p95Ms, 0)} ms`,
        target: 'p50 ≤ 50 ms',
        pass: e.p50Ms <= 50,
      });
    const { rollups } = r.database;
    out.push({
      measure: `evaluation rollups against every row (rebuild ${f(rollups.rebuildMs, 0)} ms, reconciliation ${f(rollups.reconcileMs, 0)} ms; the evaluation from every row p50 ${f(rollups.fromRowsP50Ms, 0)} ms)`,
      value: `${rollups.driftCells} cells differ`,
      target: '0',
      pass: rollups.driftCells === 0,
    });
    const scans = r.database.queries.filter((q) => q.seqScans.some((s) => s.rows >= 1000));
    out.push({
      measure: 'task list and evaluation queries without a sequential scan of ≥ 1,000 rows',
      value: `${r.database.queries.length - scans.length} of ${r.database.queries.length}`,
      target: 'all',
      pass: scans.length === 0,
    });
  }
  for (const q of r.search?.latency ?? []) {
    out.push({
      measure: `application search ${q.search}, ${r.search!.applications} applications (p50, p95)`,
      value: `${f(q.p50Ms, 0)} ms, ${f(q.p95Ms, 0)} ms`,
      target: 'p95 ≤ 300 ms',
      pass: q.p95Ms <= 300,
    });
  }
  return out;
}

export function markdown(r: BenchResults): string {
  const lines = [
    `## Benchmark ${r.startedAt}${r.options.quick ? ' (--quick: a smoke run, its sizes are too small for the figures to mean much)' : ''}`,
    '',
    `${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGB} GB, Node ${r.machine.node}; ` +
      `load average ${f(r.machine.loadAverage.start, 2)} at start, ${f(r.machine.loadAverage.end ?? 0, 2)} at end; ` +
      `${f(r.seconds ?? 0, 0)} s in all.`,
    '',
    '| measure | result | target | |',
    '|---|---|---|---|',
    ...(r.targets ?? []).map(
      (t) =>
        `| ${t.measure} | ${t.value} | ${t.target} | ${t.pass === null ? 'info' : t.pass ? 'pass' : 'FAIL'} |`,
    ),
  ];
  if (r.api) {
    lines.push(
      '',
      '| endpoint | p50 ms | p99 ms | req/s | non-2xx | p99 ÷ healthz p99 | API CPU ms/request |',
      '|---|---|---|---|---|---|---|',
    );
    for (const e of r.api.endpoints)
      lines.push(
        `| ${e.method} ${e.path} | ${e.p50Ms} | ${e.p99Ms} | ${f(e.perSecond, 0)} | ${e.non2xx + e.errors} | ${f(e.p99VsHealthz)} | ` +
          `${f(e.apiCpuMsPerRequest)} |`,
      );
  }
  const tried = (r.database?.queries ?? []).flatMap((q) =>
    q.withProposals
      .map((w) => ({ q, w }))
      .filter(
        ({ q, w }) => w.indexes.some((i) => i.startsWith('bench_')) && w.executionMs < 0.8 * q.executionMs,
      ),
  );
  if (tried.length) {
    lines.push('', '| statement of | ms now | with proposed index | ms |', '|---|---|---|---|');
    for (const { q, w } of tried)
      lines.push(
        `| ${q.endpoint}: \`${q.sql.slice(0, 48)}…\` | ${f(q.executionMs)} | ${w.index} | ${f(w.executionMs)} |`,
      );
  }
  const failed = Object.entries(r.errors);
  if (failed.length)
    lines.push('', ...failed.map(([phase, message]) => `- phase ${phase} failed: ${message}`));
  return `${lines.join('\n')}\n`;
}

export function save(r: BenchResults): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(r, null, 2)}\n`);
  const md = markdown(r);
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.md'), md);
  return md;
}
