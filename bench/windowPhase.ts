/**
 * A full application window: `window` applications submitted through the API (`connections` at a time) and
 * prechecked by the worker, timed from the first submission to the end of the last precheck. Once with one
 * worker, once with two on a fresh set of applicants: how the window scales with workers on this machine.
 */
import { prepareApplicants, submit } from './applicants';
import { pool, progress, until } from './log';
import type { Stack } from './stack';
import type { WorkerTuning } from './workerProtocol';

export interface WindowRun {
  workers: number;
  submissions: number;
  /** From the first submission to the last answered 201. */
  submitSeconds: number;
  /** From the first submission to the last precheck's end (the application past PRECHECK). */
  seconds: number;
  prechecksPerSecond: number;
  submitP50Ms: number;
  submitP99Ms: number;
}

export interface WindowResult {
  runs: WindowRun[];
  /** Prechecks per second with two workers ÷ with one. */
  scaling: number | null;
}

const at = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

async function oneWindow(
  stack: Stack,
  workers: number,
  opts: { window: number; connections: number; tuning: WorkerTuning },
): Promise<WindowRun> {
  progress(`window: registering ${opts.window} applicants (not timed)`);
  const applicants = await prepareApplicants(stack, opts.window);
  const running = await Promise.all(Array.from({ length: workers }, () => stack.startWorker(opts.tuning)));
  try {
    progress(`window: ${opts.window} submissions, ${opts.connections} at a time, ${workers} worker(s)`);
    const ids: string[] = [];
    const latencies: number[] = [];
    const t0 = Date.now();
    await pool(applicants, opts.connections, async (a) => {
      const started = performance.now();
      ids.push(await submit(stack, a));
      latencies.push(performance.now() - started);
    });
    const submitSeconds = (Date.now() - t0) / 1000;
    await until(
      async () =>
        (
          await stack.sql<{ n: number }>(
            `SELECT count(*)::int AS n FROM "Application"
             WHERE id = ANY($1) AND status NOT IN ('SUBMITTED', 'PRECHECK')`,
            [ids],
          )
        )[0]!.n,
      (n) => n >= ids.length,
      {
        what: 'the window’s prechecks',
        timeoutMs: Math.max(600_000, opts.window * 1000),
        describe: (n) => `  window (${workers} worker(s)): ${n}/${ids.length} prechecked`,
      },
    );
    const seconds = (Date.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const run = {
      workers,
      submissions: ids.length,
      submitSeconds,
      seconds,
      prechecksPerSecond: ids.length / seconds,
      submitP50Ms: Math.round(at(latencies, 0.5)),
      submitP99Ms: Math.round(at(latencies, 0.99)),
    };
    progress(
      `  ${workers} worker(s): ${run.submissions} submitted in ${submitSeconds.toFixed(0)} s, prechecked in ` +
        `${seconds.toFixed(0)} s (${run.prechecksPerSecond.toFixed(1)}/s); POST p50 ${run.submitP50Ms} ms, p99 ${run.submitP99Ms} ms`,
    );
    return run;
  } finally {
    await Promise.all(running.map((w) => w.stop()));
  }
}

export async function windowPhase(
  stack: Stack,
  opts: { window: number; connections: number; tuning: WorkerTuning },
): Promise<WindowResult> {
  const runs = [await oneWindow(stack, 1, opts), await oneWindow(stack, 2, opts)];
  const [one, two] = runs;
  return { runs, scaling: one && two ? two.prechecksPerSecond / one.prechecksPerSecond : null };
}
