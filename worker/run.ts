import type { Worker } from '@temporalio/worker';
import type { Config } from '../config';
import { createActivities } from '../activities';
import { startStrandedWorkflows } from '../temporal/applicationWorkflows';
import { calendarProvider } from '../data/calendarStore';
import { createDb } from '../data/db';
import { purgeDrafts } from '../data/documentStore';
import { queueForecastWarnings } from '../data/budgetForecast';
import { SHANGHAI_OFFSET_MS } from '../domain/calendar';
import { SYSTEM_ACTOR } from '../domain/roles';
import { quarterDue } from '../domain/siteVisits';
import { reconcileEvaluationRollups } from '../data/evaluationReconcile';
import { periodic } from '../platform/periodic';
import { refreshFlags } from '../data/riskFlags';
import { createSample } from '../data/siteVisits';
import { secretBoxFor } from '../platform/secretBox';
import { createInsurerClient } from '../services/insurer';
import { createPaymentClient } from '../services/payment';
import { createRegistryClient } from '../services/registry';
import type { Logger } from '../platform/logger';
import { createMailer } from '../services/mailer';
import { observeWorker } from '../platform/metrics';
import { ensureNoticeSchedule } from '../temporal/noticeSchedule';
import { ensureRecoverySchedule } from '../temporal/recoverySchedule';
import { createOutboxDispatcher, type OutboxDispatcher } from '../services/outbox';
import { payloadDataConverter } from '../platform/payloadCodec';
import { connectClient, connectWorker } from '../temporal/client';
import { installTemporalRuntime } from '../temporal/runtime';
import { createWorker, type WorkerTuning } from './worker';

export interface RunningWorker {
  outbox: OutboxDispatcher;
  /** The Temporal worker itself (its status: cached workflows, in-flight tasks). */
  worker: Worker;
  /** Resolves when the worker has stopped (after `stop`, or on a fatal error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a worker process's parts: the Temporal worker with its activities, the e-mail outbox dispatcher,
 * the sweep that starts workflows of applications stored without one, the purge of old unattached uploads,
 * the reconciliation of the evaluation's rollups with the rows, and the budget forecast's check.
 */
export async function startWorker(
  config: Config,
  logger: Logger,
  opts: {
    workflowBundle?: { codePath: string };
    sweepMs?: number;
    /** How often documents never attached to an application are purged (default hourly). */
    purgeMs?: number;
    outboxPollMs?: number;
    /** Registered beside the system's activities (the bench's baseline no-ops). */
    extraActivities?: Record<string, (...args: never[]) => Promise<unknown>>;
    /** Overrides the configured tuning (the bench tries options with it). */
    tuning?: WorkerTuning;
  } = {},
): Promise<RunningWorker> {
  installTemporalRuntime(
    logger,
    config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'WARN',
  );
  // Activities are mostly database calls: half a connection per activity slot, at least the default 10.
  const db = createDb(config.database.url, {
    maxConnections: Math.max(10, Math.ceil(config.worker.maxConcurrentActivityTaskExecutions / 2)),
  });
  const mailer = createMailer(config.mail.smtpUrl, config.mail.from);
  const outbox = createOutboxDispatcher({
    db,
    mailer,
    logger,
    pollMs: opts.outboxPollMs,
    claimLeaseSeconds: config.mail.claimLeaseSeconds,
  });
  const dataConverter = payloadDataConverter(config.payloadKeys);
  const connection = await connectWorker(config.temporal.address);
  const temporal = await connectClient(config.temporal.address, config.temporal.namespace, dataConverter);
  const activities = createActivities({
    db,
    // The packaged holidays with the years administrators loaded; a load takes effect within a minute.
    calendar: calendarProvider(db),
    publicBaseUrl: config.http.publicBaseUrl,
    onEmailQueued: () => outbox.kick(),
    registry: createRegistryClient({
      baseUrl: config.services.registryUrl,
      timeoutMs: config.services.timeoutMs,
    }),
    insurer: createInsurerClient({
      baseUrl: config.services.insurerUrl,
      timeoutMs: config.services.timeoutMs,
    }),
    payments: createPaymentClient({
      baseUrl: config.services.paymentUrl,
      timeoutMs: config.services.timeoutMs,
    }),
    temporal,
    linkSecret: config.linkSecret,
    dataKey: config.dataKey,
  });
  const { workflowBundlePath, ...configured } = config.worker;
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: { ...activities, ...opts.extraActivities },
    dataConverter,
    workflowBundle:
      opts.workflowBundle ?? (workflowBundlePath ? { codePath: workflowBundlePath } : undefined),
    tuning: { ...configured, ...opts.tuning },
  });

  const unobserve = observeWorker(worker);

  const sweepDeps = { db, temporal, config };
  // Never two sweeps at once, and a stop waits for the one in progress (it may be starting a workflow).
  const sweep = periodic(opts.sweepMs ?? 30_000, () =>
    startStrandedWorkflows(sweepDeps).catch((err: unknown) =>
      logger.warn({ err }, 'stranded-workflow sweep failed'),
    ),
  );

  // Uploads never attached to an application go after DOCUMENT_PURGE_DAYS; any worker may do it, at once.
  const purge = periodic(
    opts.purgeMs ?? 3_600_000,
    () =>
      purgeDrafts(db, config.http.documents.purgeAfterDays).then(
        (count) => count && logger.info({ count }, 'purged documents never attached to an application'),
        (err: unknown) => logger.warn({ err }, 'document purge failed'),
      ),
    { atStart: true },
  );

  // The evaluation's rollups against every row, at start and every EVALUATION_RECONCILE_SECONDS (0 = never):
  // the result goes to the database, where /metrics and the stuck list read it.
  const reconcile =
    config.evaluationReconcileSeconds > 0
      ? periodic(
          config.evaluationReconcileSeconds * 1000,
          () =>
            reconcileEvaluationRollups(db).then(
              (r) =>
                r.driftCells
                  ? logger.error(
                      { driftCells: r.driftCells, drift: r.drift.slice(0, 3) },
                      'evaluation rollups differ from the rows: rebuild them (docs/RUNBOOK.md)',
                    )
                  : logger.info({ durationMs: r.durationMs }, 'evaluation rollups reconciled: no drift'),
              (err: unknown) => logger.warn({ err }, 'evaluation reconciliation failed'),
            ),
          { atStart: true },
        )
      : undefined;

  // The budget forecast: budgets projected to run out before their window closes warn finance, by e-mail,
  // once per budget and week (the outbox key), from BUDGET_FORECAST_HOUR Beijing time on.
  const { weeks, checkSeconds, fromHour } = config.budgetForecast;
  const forecastCheck =
    checkSeconds > 0
      ? periodic(checkSeconds * 1000, async () => {
          if (new Date(Date.now() + SHANGHAI_OFFSET_MS).getUTCHours() < fromHour) return;
          await queueForecastWarnings(db, { weeks, publicBaseUrl: config.http.publicBaseUrl }).then(
            (r) => {
              if (r.queued) logger.info(r, 'budget forecast: warnings queued for finance');
              outbox.kick();
            },
            (err: unknown) => logger.warn({ err }, 'budget forecast check failed'),
          );
        })
      : undefined;

  // The anomaly flags of every live application, once a Beijing day in RISK_FLAGS_HOUR (idempotent: two
  // workers running it the same night add nothing twice).
  let flagsDay: string | null = null;
  const flagsCheck =
    config.riskFlags.checkSeconds > 0
      ? periodic(config.riskFlags.checkSeconds * 1000, async () => {
          const beijing = new Date(Date.now() + SHANGHAI_OFFSET_MS);
          const day = beijing.toISOString().slice(0, 10);
          if (beijing.getUTCHours() !== config.riskFlags.hour || flagsDay === day) return;
          flagsDay = day;
          await refreshFlags(db, secretBoxFor(config.dataKey)).then(
            (r) => logger.info(r, 'anomaly flags refreshed'),
            (err: unknown) => logger.warn({ err }, 'anomaly flags refresh failed'),
          );
        })
      : undefined;

  // The quarter just ended gets its site-visit sample from SITE_VISIT_HOUR of the new quarter's first day
  // (one per quarter: a later check, or another worker, creates nothing).
  const visitsCheck =
    config.siteVisits.checkSeconds > 0
      ? periodic(config.siteVisits.checkSeconds * 1000, async () => {
          const quarter = quarterDue(new Date(), config.siteVisits.hour);
          if (!quarter) return;
          await createSample(db, { quarter, rate: config.siteVisits.rate, actor: SYSTEM_ACTOR }).then(
            (r) => {
              if (r.created) logger.info(r.sample, 'site visits: quarter sampled');
            },
            (err: unknown) => logger.warn({ err }, 'site visits: sampling failed'),
          );
        })
      : undefined;

  if (config.notices.schedule)
    await ensureNoticeSchedule(temporal, config.temporal.taskQueue, config.timeAcceleration);
  if (config.recovery.schedule)
    await ensureRecoverySchedule(temporal, config.temporal.taskQueue, {
      fullRecoveryMonths: config.recovery.fullMonths,
      deadlineWorkingDays: config.recovery.deadlineWorkingDays,
      escalationWorkingDays: config.recovery.escalationWorkingDays,
      timeAcceleration: config.timeAcceleration,
    });
  outbox.start();
  const done = worker.run().finally(async () => {
    unobserve();
    await sweep.stop();
    await purge.stop();
    await reconcile?.stop();
    await forecastCheck?.stop();
    await flagsCheck?.stop();
    await visitsCheck?.stop();
    await outbox.stop();
    mailer.close();
    await connection.close();
    await temporal.connection.close();
    await db.$disconnect();
  });
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
  return {
    outbox,
    worker,
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
