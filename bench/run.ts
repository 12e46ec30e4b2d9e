/**
 * `npm run bench [-- --quick | --n=500 | --only=workflow,api,memory,window,database,search | --help]`: what users feel,
 * each figure as a ratio to a baseline measured in the same run on the same machine. Writes
 * bench/results/latest.json and latest.md (printed too). What is measured, and how: docs/performance.md.
 */
import os from 'node:os';
import { apiPhase } from './apiPhase';
import { databasePhase } from './databasePhase';
import { progress } from './log';
import { memoryPhase } from './memoryPhase';
import { searchPhase } from './searchPhase';
import { windowPhase } from './windowPhase';
import { parseOptions, type Phase } from './options';
import { machine, save, targets, type BenchResults } from './report';
import { startStack, type RunningWorker, type Stack } from './stack';
import { accelerationFor, workflowPhase } from './workflowPhase';

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    options: opts,
    machine: machine(),
    phaseSeconds: {},
    errors: {},
  };
  const t0 = Date.now();
  const finish = (done: boolean) => {
    results.finishedAt = done ? new Date().toISOString() : undefined;
    results.seconds = (Date.now() - t0) / 1000;
    results.machine.loadAverage.end = os.loadavg()[0]!;
    results.targets = targets(results);
    const table = save(results);
    if (done) process.stdout.write(table);
  };
  const stack = await startStack();
  results.phaseSeconds.startup = (Date.now() - t0) / 1000;
  let worker: RunningWorker | undefined;

  const phase = async (name: Phase, run: (stack: Stack) => Promise<void>) => {
    if (!opts.phases.includes(name)) return;
    const started = Date.now();
    try {
      await run(stack);
    } catch (err) {
      results.errors[name] = err instanceof Error ? err.message : String(err);
      progress(`phase ${name} failed: ${results.errors[name]}`);
    }
    results.phaseSeconds[name] = (Date.now() - started) / 1000;
    progress(`phase ${name} took ${results.phaseSeconds[name].toFixed(0)} s`);
    finish(false); // what is measured so far survives an interrupted run
  };

  try {
    await phase('workflow', async (s) => {
      const acceleration = accelerationFor(s, opts.noticeSeconds);
      progress(
        `workflow: API with TIME_ACCELERATION=${acceleration} (the notice lasts ~${opts.noticeSeconds} s)`,
      );
      [, worker] = await Promise.all([s.startApi(acceleration), s.startWorker(opts.tuning)]);
      results.workflow = await workflowPhase(s, { ...opts, acceleration });
    });
    if (opts.phases.some((p) => p !== 'workflow')) {
      progress('API and worker as configured by default (TIME_ACCELERATION=1)');
      // Outside a phase, but its failure is reported like one (under the phase that needs it first), with
      // the phases after it still tried: a bench that stops without saying why helps nobody.
      try {
        await worker?.stop();
        [, worker] = await Promise.all([stack.startApi(1), stack.startWorker(opts.tuning)]);
      } catch (err) {
        const first = opts.phases.find((p) => p !== 'workflow')!;
        results.errors[first] =
          `restarting the API and worker: ${err instanceof Error ? err.message : String(err)}`;
        progress(results.errors[first]);
      }
    }
    await phase('api', async (s) => {
      results.api = await apiPhase(s, opts);
    });
    await phase('memory', async (s) => {
      await worker?.stop(); // the measured workers must be the only ones on the task queue
      worker = undefined;
      results.memory = await memoryPhase(s, opts);
    });
    await phase('window', async (s) => {
      await worker?.stop(); // the window's workers must be the only ones on the task queue
      worker = undefined;
      results.window = await windowPhase(s, opts);
    });
    await phase('database', async (s) => {
      results.database = await databasePhase(s, { evaluationRows: opts.evaluationRows, latencyRuns: 20 });
    });
    await phase('search', async (s) => {
      results.search = await searchPhase(s, { rows: opts.evaluationRows, runs: 20 });
    });
  } finally {
    progress('stopping the system');
    await worker?.stop();
    await stack.stop();
  }
  finish(true);
  if (Object.keys(results.errors).length) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
