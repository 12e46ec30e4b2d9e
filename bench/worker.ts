/**
 * A child process of the bench: the worker of `worker/run.ts` (the same activities, clients, outbox dispatcher
 * and stranded-workflow sweep), with the tuning under test and the baseline workflow and its no-op activity
 * registered beside the system's. It answers the parent's questions about its memory and cache over IPC.
 */
import v8 from 'node:v8';
import { loadConfig } from '../config';
import { createLogger } from '../platform/logger';
import { startWorker } from '../worker/run';
import { createBaselineActivities } from './baselineActivities';
import type { ToWorker, WorkerReport, WorkerTuning } from './workerProtocol';

async function main() {
  const config = loadConfig(process.env);
  const tuning = JSON.parse(process.env.BENCH_WORKER_TUNING ?? '{}') as WorkerTuning;
  const logger = createLogger(config.logLevel, 'worker');
  const running = await startWorker(config, logger, {
    workflowBundle: { codePath: process.env.BENCH_WORKFLOW_BUNDLE! },
    extraActivities: createBaselineActivities(),
    tuning,
  });
  const { worker } = running;

  const report = (gc: boolean): WorkerReport => {
    const collect = (globalThis as { gc?: () => void }).gc;
    if (gc && collect) for (let i = 0; i < 3; i++) collect();
    const m = process.memoryUsage();
    const cpu = process.cpuUsage();
    const s = worker.getStatus();
    return {
      type: 'report',
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      heapLimit: v8.getHeapStatistics().heap_size_limit,
      cpuMs: (cpu.user + cpu.system) / 1000,
      cachedWorkflows: s.numCachedWorkflows,
      maxCachedWorkflows: worker.options.maxCachedWorkflows,
      inFlightActivations: s.numInFlightWorkflowActivations,
      inFlightActivities: s.numInFlightActivities,
    };
  };
  process.on('message', (msg: ToWorker) => {
    if (msg.type === 'report') process.send?.(report(msg.gc));
    else void running.stop();
  });

  process.send?.({ type: 'ready' });
  await running.done;
  process.disconnect?.();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
