/** Messages between the bench and its worker process (`bench/worker.ts`). */

/** The worker options under test; absent ones keep the configured ones (WORKER_MAX_*, docs/performance.md). */
export interface WorkerTuning {
  maxCachedWorkflows?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentActivityTaskExecutions?: number;
  reuseV8Context?: boolean;
}

export type ToWorker = { type: 'report'; gc: boolean } | { type: 'stop' };

/** Memory in bytes after an optional full garbage collection, and the worker's own counters. */
export interface WorkerReport {
  type: 'report';
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  heapLimit: number;
  /** User and system CPU time of the worker process since it started, in milliseconds. */
  cpuMs: number;
  cachedWorkflows: number;
  /** The cache size the worker runs with (configured, or the tuning under test). */
  maxCachedWorkflows: number;
  inFlightActivations: number;
  inFlightActivities: number;
}

export type FromWorker = WorkerReport | { type: 'ready' };
