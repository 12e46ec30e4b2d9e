import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import path from 'node:path';
import type { Activities } from '../activities';

export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows', 'index.ts');

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
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    dataConverter: opts.dataConverter,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    shutdownGraceTime: '20 seconds',
    // One V8 context for all cached workflows (the SDK's default, stated: docs/performance.md).
    reuseV8Context: true,
    ...opts.tuning,
  });
}
