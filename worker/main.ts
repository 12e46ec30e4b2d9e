/** `npm run worker`: one worker process (any number may run against one Temporal cluster). */
import { ConfigError } from '../config';
import { loadProcessConfig } from '../config/devSecrets';
import { createLogger } from '../platform/logger';
import { startMetricsServer } from '../platform/metricsServer';
import { startWorker } from './run';

async function main() {
  const config = loadProcessConfig(process.env);
  const logger = createLogger(config.logLevel, 'worker');
  const metrics = config.metrics.workerPort
    ? await startMetricsServer(config.metrics.workerPort, config.metrics.host, logger, 'worker')
    : undefined;
  try {
    const worker = await startWorker(config, logger);
    const stop = () => {
      logger.info('stopping worker: finishing in-flight tasks');
      void worker.stop();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    await worker.done;
  } finally {
    await metrics?.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 1;
});
