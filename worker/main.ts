/** `npm run worker`: one worker process (any number may run against one Temporal cluster). */
import { ConfigError } from '../config';
import { loadProcessConfig } from '../config/devSecrets';
import { createLogger } from '../platform/logger';
import { startMetricsServer } from '../platform/metricsServer';
import { stopOnSignal } from '../platform/signals';
import { startTracing, stopTracing } from '../platform/telemetry';
import type * as Run from './run';

async function main() {
  const config = loadProcessConfig(process.env);
  const logger = createLogger(config.logLevel, 'worker');
  const { endpoint, serviceName = 'subsidy-worker' } = config.tracing;
  if (startTracing({ endpoint, serviceName })) logger.info({ endpoint, serviceName }, 'tracing to OTLP');
  // Loaded once tracing is in place: its instrumentations patch pg and http as they load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startWorker } = require('./run') as typeof Run;
  const metrics = config.metrics.workerPort
    ? await startMetricsServer(config.metrics.workerPort, config.metrics.host, logger, 'worker')
    : undefined;
  try {
    const worker = await startWorker(config, logger);
    stopOnSignal(logger, 'stopping worker: finishing in-flight tasks', () => worker.stop());
    await worker.done;
  } finally {
    await metrics?.close();
    await stopTracing();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 1;
});
