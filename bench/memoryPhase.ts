/**
 * Worker memory with many applications open: RSS and V8 heap (after full garbage collections) of a worker
 * process with `open` applications waiting in initial review, against the same worker with only the warm-up
 * ones, per 1,000 open applications. Twice: with the configured cache (every waiting workflow may stay in it),
 * and with a small cache that is full and evicting (each application is brought back by a query, i.e. a
 * replay, as a reviewer opening it would).
 */
import { applicationWorkflowId, stateQuery } from '../workflows/application/contract';
import { prepareApplicants, submit } from './applicants';
import { pool, progress, sleep, until } from './log';
import type { RunningWorker, Stack } from './stack';
import type { WorkerReport, WorkerTuning } from './workerProtocol';

const MB = 1024 * 1024;

export interface MemorySnapshot {
  rssMB: number;
  heapUsedMB: number;
  cachedWorkflows: number;
}

export interface MemoryRun {
  label: string;
  maxCachedWorkflows: number;
  openApplications: number;
  idle: MemorySnapshot;
  warm: MemorySnapshot;
  loaded: MemorySnapshot;
  rssPerThousandMB: number;
  heapPerThousandMB: number;
}

/** What a query costs a person when the workflow has left the cache (a replay) and when it is in it. */
export interface ReplayCost {
  samples: number;
  evictedP50Ms: number;
  evictedP95Ms: number;
  cachedP50Ms: number;
  cachedP95Ms: number;
}

export interface MemoryResult {
  heapLimitMB: number;
  /** The small cache's worker: the first query of an evicted application (a replay), then the same again. */
  replay?: ReplayCost;
  /** The SDK's default cache size for this heap limit (reuseV8Context): what the project runs with. */
  defaultMaxCachedWorkflows: number;
  runs: MemoryRun[];
}

const snapshot = (r: WorkerReport): MemorySnapshot => ({
  rssMB: r.rss / MB,
  heapUsedMB: r.heapUsed / MB,
  cachedWorkflows: r.cachedWorkflows,
});

/** Waits until the worker has had nothing to do for two reports in a row, then measures after a full GC. */
async function settled(worker: RunningWorker): Promise<WorkerReport> {
  let quiet = 0;
  while (quiet < 3) {
    const r = await worker.report();
    quiet = r.inFlightActivations === 0 && r.inFlightActivities === 0 ? quiet + 1 : 0;
    await sleep(500);
  }
  return worker.report(true);
}

/** Submits applications until `count` more wait in initial review. */
async function openApplications(stack: Stack, count: number, label: string): Promise<string[]> {
  const applicants = await prepareApplicants(stack, count);
  const ids: string[] = [];
  await pool(applicants, 16, async (a) => void ids.push(await submit(stack, a)));
  await until(
    async () =>
      (
        await stack.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM "Task" WHERE queue = 'initial-review' AND state = 'OPEN'
           AND "applicationId" = ANY($1)`,
          [ids],
        )
      )[0]!.n,
    (n) => n >= count,
    {
      what: 'opening the review tasks',
      timeoutMs: Math.max(600_000, count * 3000),
      describe: (n) => `  ${label}: ${n}/${count} applications wait in review`,
    },
  );
  return ids;
}

async function touch(stack: Stack, ids: string[]): Promise<void> {
  await pool(ids, 8, async (id) => {
    await stack.temporal.workflow.getHandle(applicationWorkflowId(id)).query(stateQuery);
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

/**
 * One query at a time on applications the cache no longer holds (their workflow is replayed from its
 * history), each followed by a second query (now cached): what a reviewer opening one waits for, on top of
 * the request, with and without a replay.
 */
async function replayCost(stack: Stack, evicted: string[]): Promise<ReplayCost> {
  const evictedMs: number[] = [];
  const cachedMs: number[] = [];
  for (const id of evicted) {
    const handle = stack.temporal.workflow.getHandle(applicationWorkflowId(id));
    let t0 = performance.now();
    await handle.query(stateQuery);
    evictedMs.push(performance.now() - t0);
    t0 = performance.now();
    await handle.query(stateQuery);
    cachedMs.push(performance.now() - t0);
  }
  evictedMs.sort((a, b) => a - b);
  cachedMs.sort((a, b) => a - b);
  return {
    samples: evicted.length,
    evictedP50Ms: percentile(evictedMs, 0.5),
    evictedP95Ms: percentile(evictedMs, 0.95),
    cachedP50Ms: percentile(cachedMs, 0.5),
    cachedP95Ms: percentile(cachedMs, 0.95),
  };
}

export async function memoryPhase(
  stack: Stack,
  opts: { open: number; smallCache: number; tuning: WorkerTuning },
): Promise<MemoryResult> {
  const warmCount = Math.max(2, Math.min(20, Math.round(opts.open / 20)));
  const perThousand = (a: number, b: number) => ((b - a) / opts.open) * 1000;
  /** One run's figures: what `open` applications add to the warmed-up worker. */
  const run = (
    label: string,
    maxCachedWorkflows: number,
    idle: WorkerReport,
    warm: WorkerReport,
    loaded: WorkerReport,
  ): MemoryRun => ({
    label,
    maxCachedWorkflows,
    openApplications: opts.open,
    idle: snapshot(idle),
    warm: snapshot(warm),
    loaded: snapshot(loaded),
    rssPerThousandMB: perThousand(warm.rss / MB, loaded.rss / MB),
    heapPerThousandMB: perThousand(warm.heapUsed / MB, loaded.heapUsed / MB),
  });

  progress(`memory: configured worker; ${warmCount} applications to warm up, then ${opts.open} more`);
  const configured = await stack.startWorker(opts.tuning);
  const idleA = await settled(configured);
  const warmIds = await openApplications(stack, warmCount, 'warm-up');
  const warmA = await settled(configured);
  const openIds = await openApplications(stack, opts.open, 'configured cache');
  const loadedA = await settled(configured);
  await configured.stop();
  const heapLimitMB = idleA.heapLimit / MB;
  const runs = [run('configured cache', idleA.maxCachedWorkflows, idleA, warmA, loadedA)];

  progress(`memory: worker with maxCachedWorkflows=${opts.smallCache}; every open application replayed once`);
  const small = await stack.startWorker({ ...opts.tuning, maxCachedWorkflows: opts.smallCache });
  const idleB = await settled(small);
  await touch(stack, warmIds);
  const warmB = await settled(small);
  const ticker = setInterval(() => progress('  small cache: replaying the open applications'), 10_000);
  await touch(stack, openIds).finally(() => clearInterval(ticker));
  const loadedB = await settled(small);
  // The first touched are the longest out of the cache (it keeps the most recently used).
  const replay =
    openIds.length > opts.smallCache
      ? await replayCost(stack, openIds.slice(0, Math.min(40, openIds.length - opts.smallCache)))
      : undefined;
  if (replay)
    progress(
      `  a query beyond the cache (replay): p50 ${replay.evictedP50Ms.toFixed(0)} ms, p95 ${replay.evictedP95Ms.toFixed(0)} ms; ` +
        `in the cache: p50 ${replay.cachedP50Ms.toFixed(0)} ms, p95 ${replay.cachedP95Ms.toFixed(0)} ms`,
    );
  await small.stop();
  runs.push(run('small cache, full and evicting', opts.smallCache, idleB, warmB, loadedB));
  for (const r of runs)
    progress(
      `  ${r.label}: RSS ${r.loaded.rssMB.toFixed(0)} MB, heap ${r.loaded.heapUsedMB.toFixed(0)} MB, ` +
        `${r.loaded.cachedWorkflows} cached; per 1,000 open: RSS ${r.rssPerThousandMB.toFixed(1)} MB, heap ${r.heapPerThousandMB.toFixed(1)} MB`,
    );
  return {
    heapLimitMB,
    replay,
    defaultMaxCachedWorkflows: Math.max(Math.floor(((heapLimitMB - 200) * 600) / 1024), 10),
    runs,
  };
}
