/**
 * A child process of the bench: the worker of `worker/run.ts` (the same activities, clients, outbox dispatcher
 * and stranded-workflow sweep), with the tuning under test and the baseline workflow and its no-op activity
 * registered beside the system's. It answers the parent's questions about its memory and cache over IPC.
 */
import v8 from 'node:v8';
import { createActivities } from '../activities';
import { loadConfig } from '../config';
import { startStrandedWorkflows } from '../services/applicationWorkflows';
import { packagedCalendar } from '../services/calendar';
import { createDb } from '../services/db';
import { createInsurerClient } from '../services/insurer';
import { createLogger } from '../services/logger';
import { createMailer } from '../services/mailer';
import { observeWorker } from '../services/metrics';
import { createOutboxDispatcher } from '../services/outbox';
import { createPaymentClient } from '../services/payment';
import { createRegistryClient } from '../services/registry';
import { connectClient, connectWorker } from '../services/temporal';
import { installTemporalRuntime } from '../services/temporalRuntime';
import { createWorker } from '../worker/worker';
import { createBaselineActivities } from './baselineActivities';
import type { ToWorker, WorkerReport, WorkerTuning } from './workerProtocol';

async function main() {
  const config = loadConfig(process.env);
  const tuning = JSON.parse(process.env.BENCH_WORKER_TUNING ?? '{}') as WorkerTuning;
  const logger = createLogger(config.logLevel, 'worker');
  installTemporalRuntime(logger, 'WARN');
  const db = createDb(config.database.url);
  const mailer = createMailer(config.mail.smtpUrl, config.mail.from);
  const outbox = createOutboxDispatcher({ db, mailer, logger });
  const calendar = packagedCalendar();
  const connection = await connectWorker(config.temporal.address);
  const temporal = await connectClient(config.temporal.address, config.temporal.namespace);
  const services = { timeoutMs: config.services.timeoutMs };
  const activities = createActivities({
    db,
    calendar: () => Promise.resolve(calendar),
    publicBaseUrl: config.http.publicBaseUrl,
    onEmailQueued: () => outbox.kick(),
    registry: createRegistryClient({ baseUrl: config.services.registryUrl, ...services }),
    insurer: createInsurerClient({ baseUrl: config.services.insurerUrl, ...services }),
    payments: createPaymentClient({ baseUrl: config.services.paymentUrl, ...services }),
    temporal,
    linkSecret: config.linkSecret,
    dataKey: config.dataKey,
  });
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: { ...activities, ...createBaselineActivities() },
    workflowBundle: { codePath: process.env.BENCH_WORKFLOW_BUNDLE! },
    // createWorker spreads its tuning into the WorkerOptions: reuseV8Context passes too, outside its type.
    tuning,
  });
  const unobserve = observeWorker(worker);
  const sweep = setInterval(() => {
    startStrandedWorkflows({ db, temporal, config }).catch((err: unknown) =>
      logger.warn({ err }, 'stranded-workflow sweep failed'),
    );
  }, 30_000);
  outbox.start();

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
      inFlightActivations: s.numInFlightWorkflowActivations,
      inFlightActivities: s.numInFlightActivities,
    };
  };
  process.on('message', (msg: ToWorker) => {
    if (msg.type === 'report') process.send?.(report(msg.gc));
    else if (worker.getState() === 'RUNNING') worker.shutdown();
  });

  const running = worker.run().finally(async () => {
    unobserve();
    clearInterval(sweep);
    await outbox.stop();
    mailer.close();
    await connection.close();
    await temporal.connection.close();
    await db.$disconnect();
  });
  process.send?.({ type: 'ready' });
  await running;
  process.disconnect?.();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
