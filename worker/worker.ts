import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import path from 'node:path';
import type { Activities } from '../activities';
import { activeTracing } from '../platform/telemetry';

export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows', 'index.ts');
/** Bundled with the workflows, wherever they are bundled (here, `npm run build:workflows`, the tests). */
export const WORKFLOW_INTERCEPTOR_MODULES = [path.join(__dirname, '..', 'workflows', 'interceptors.ts')];

/**
 * Without tracing, the sink of workflow spans drops them: the workflow interceptors record nothing unless a
 * traced client started the workflow, but such a start may still reach a worker that does not trace.
 */
const UNTRACED_SINKS = { exporter: { export: { fn: () => undefined } } };

/** The worker options the configuration (and the bench) set. */
export type WorkerTuning = Partial<
  Pick<
    WorkerOptions,
    | 'maxCachedWorkflows'
    | 'maxConcurrentActivityTaskExecutions'
    | 'maxConcurrentWorkflowTaskExecutions'
    | 'reuseV8Context'
  >
>;

/**
 * Creates the worker. Tests pass a prebuilt `workflowBundle` (bundling takes seconds); otherwise the
 * workflows are bundled from source at start.
 */
export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** Encrypts and decrypts payloads (payloadDataConverter); it runs outside the workflow sandbox. */
  dataConverter: DataConverter;
  workflowBundle?: { codePath: string };
  tuning?: WorkerTuning;
}): Promise<Worker> {
  const tracing = activeTracing();
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    dataConverter: opts.dataConverter,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    interceptors: {
      // A prebuilt bundle has its interceptor modules in it already (the SDK warns if they are named again).
      ...(opts.workflowBundle ? {} : { workflowModules: WORKFLOW_INTERCEPTOR_MODULES }),
      activity: tracing?.activityInterceptors ?? [],
    },
    sinks: tracing?.workflowSinks ?? UNTRACED_SINKS,
    shutdownGraceTime: '20 seconds',
    // One V8 context for all cached workflows (the SDK's default, stated: docs/performance.md).
    reuseV8Context: true,
    ...opts.tuning,
  });
}
