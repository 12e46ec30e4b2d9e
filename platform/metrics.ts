import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../data/db';
import type { Logger } from './logger';
import { withTimeout } from './timeout';

/**
 * The process's one Prometheus registry (`GET /metrics` on the API, `WORKER_METRICS_PORT` on a worker):
 * Node's process metrics, HTTP latency, e-mail delivery, the business figures read from the database at
 * scrape time, and the task slots of the Temporal workers running in this process.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/**
 * The registry in Prometheus' text format. prom-client writes a missing value as `Nan` (e.g. the event-loop
 * lag before its first sample); the format spells it `NaN`.
 */
export async function metricsText(): Promise<string> {
  return (await registry.metrics()).replace(/ Nan$/gm, ' NaN');
}

/** A route label that is never a raw URL: the route template, or this for requests no route matched. */
export const UNMATCHED_ROUTE = '(unmatched)';

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency, by method, route template and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const emailsSent = new Counter({
  name: 'subsidy_emails_sent_total',
  help: 'E-mails delivered by the outbox, by template',
  labelNames: ['template'] as const,
  registers: [registry],
});

export const emailFailures = new Counter({
  name: 'subsidy_email_failures_total',
  help: 'E-mail delivery attempts that failed (each is retried later)',
  registers: [registry],
});

export const reportBrowserLaunches = new Counter({
  name: 'subsidy_report_browser_launches_total',
  help: 'Chromium starts of the PDF report printer: one per process, plus one after each browser death',
  registers: [registry],
});

// ---- business figures, read from the database at scrape time -------------------------------------------

let source: { db: Db; logger: Logger; timeoutMs: number } | undefined;

/**
 * Reads the business gauges from this database at each scrape (the API process does this; several workers
 * would only report the same figures again). Returns the function that goes back to the previous source.
 */
export function observeDatabase(db: Db, logger: Logger, timeoutMs = 3000): () => void {
  const previous = source;
  const mine = { db, logger, timeoutMs };
  source = mine;
  return () => {
    if (source === mine) source = previous;
  };
}

/**
 * A gauge filled by one grouped query per scrape. When the database does not answer, the gauge has no
 * samples this time (rather than stale ones) and the rest of the scrape still succeeds.
 */
function databaseGauge<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  query: (db: Db) => Promise<{ labels: Record<L, string>; value: number }[]>,
): Gauge<L> {
  return new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      const from = source;
      if (!from) return;
      try {
        for (const row of await withTimeout(query(from.db), from.timeoutMs)) this.set(row.labels, row.value);
      } catch (err) {
        from.logger.warn({ err, metric: name }, 'metrics: database figures skipped in this scrape');
      }
    },
  });
}

const OPEN_STATES = ['OPEN', 'CLAIMED'] as const;

databaseGauge('subsidy_applications', 'Applications by status and track', ['status', 'track'], async (db) =>
  (await db.application.groupBy({ by: ['status', 'track'], _count: { _all: true } })).map((r) => ({
    labels: { status: r.status, track: r.track },
    value: r._count._all,
  })),
);

databaseGauge(
  'subsidy_tasks_open',
  'Review tasks not yet completed (open or claimed), by queue',
  ['queue'],
  async (db) =>
    (
      await db.task.groupBy({
        by: ['queue'],
        where: { state: { in: [...OPEN_STATES] } },
        _count: { _all: true },
      })
    ).map((r) => ({ labels: { queue: r.queue }, value: r._count._all })),
);

databaseGauge(
  'subsidy_tasks_overdue',
  'Review tasks not yet completed whose working-day deadline has passed, by queue',
  ['queue'],
  async (db) =>
    (
      await db.task.groupBy({
        by: ['queue'],
        where: { state: { in: [...OPEN_STATES] }, dueAt: { lt: new Date() } },
        _count: { _all: true },
      })
    ).map((r) => ({ labels: { queue: r.queue }, value: r._count._all })),
);

databaseGauge('subsidy_payments', 'Payment attempts by status', ['status'], async (db) =>
  (await db.payment.groupBy({ by: ['status'], _count: { _all: true } })).map((r) => ({
    labels: { status: r.status },
    value: r._count._all,
  })),
);

databaseGauge(
  'subsidy_evaluation_rollup_drift_cells',
  'Evaluation rollup cells that differed from the rows at the last reconciliation (alert when > 0; docs/RUNBOOK.md)',
  [],
  async (db) => {
    const last = await db.evaluationReconciliation.findUnique({ where: { id: 1 } });
    return last ? [{ labels: {}, value: last.driftCells }] : [];
  },
);

databaseGauge(
  'subsidy_evaluation_reconciled_timestamp_seconds',
  'When the evaluation rollups were last reconciled with the rows (Unix time; alert when it stops moving)',
  [],
  async (db) => {
    const last = await db.evaluationReconciliation.findUnique({ where: { id: 1 } });
    return last ? [{ labels: {}, value: last.ranAt.getTime() / 1000 }] : [];
  },
);

// ---- Temporal worker task slots ---------------------------------------------------------------------------

/** What the gauges read from a `Worker` of `@temporalio/worker` (kept structural so tests may pass fakes). */
export interface ObservedWorker {
  readonly options: {
    taskQueue: string;
    maxCachedWorkflows: number;
    tuner: { workflowTaskSlotSupplier: SlotSupplier; activityTaskSlotSupplier: SlotSupplier };
  };
  getStatus(): {
    numInFlightActivities: number;
    numInFlightWorkflowActivations: number;
    numCachedWorkflows: number;
  };
}
type SlotSupplier = { type: string; numSlots?: number; maximumSlots?: number };

const workers = new Set<ObservedWorker>();

/** Reports this worker's slots until the returned function is called (when the worker stops). */
export function observeWorker(worker: ObservedWorker): () => void {
  workers.add(worker);
  return () => {
    workers.delete(worker);
  };
}

/** The configured maximum of a slot supplier; undefined for custom suppliers, which have none. */
function maxSlots(s: SlotSupplier): number | undefined {
  if (s.type === 'fixed-size') return s.numSlots;
  if (s.type === 'resource-based') return s.maximumSlots;
  return undefined;
}

function workerGauge(name: string, help: string, read: (w: ObservedWorker) => number | undefined): Gauge {
  return new Gauge({
    name,
    help,
    labelNames: ['task_queue'],
    registers: [registry],
    collect() {
      this.reset();
      const byQueue = new Map<string, number>();
      for (const w of workers) {
        const v = read(w);
        if (v === undefined) continue;
        byQueue.set(w.options.taskQueue, (byQueue.get(w.options.taskQueue) ?? 0) + v);
      }
      for (const [queue, v] of byQueue) this.set({ task_queue: queue }, v);
    },
  });
}

workerGauge(
  'temporal_worker_activities_in_flight',
  'Activities running in this process (slots available = temporal_worker_activity_slots_max - this)',
  (w) => w.getStatus().numInFlightActivities,
);
workerGauge(
  'temporal_worker_workflow_activations_in_flight',
  'Workflow activations being processed (slots available = temporal_worker_workflow_task_slots_max - this)',
  (w) => w.getStatus().numInFlightWorkflowActivations,
);
workerGauge(
  'temporal_worker_cached_workflows',
  'Workflow executions held in the worker cache (room left = temporal_worker_cached_workflows_max - this)',
  (w) => w.getStatus().numCachedWorkflows,
);
workerGauge('temporal_worker_activity_slots_max', 'Configured maximum of concurrent activities', (w) =>
  maxSlots(w.options.tuner.activityTaskSlotSupplier),
);
workerGauge(
  'temporal_worker_workflow_task_slots_max',
  'Configured maximum of concurrent workflow tasks',
  (w) => maxSlots(w.options.tuner.workflowTaskSlotSupplier),
);
workerGauge(
  'temporal_worker_cached_workflows_max',
  'Configured size of the workflow cache',
  (w) => w.options.maxCachedWorkflows,
);
