/** `npm run api`: one API process (any number may run behind a load balancer). */
import { ConfigError } from '../config';
import { loadProcessConfig } from '../config/devSecrets';
import { createLogger } from '../platform/logger';
import { stopOnSignal } from '../platform/signals';
import { startTracing, stopTracing } from '../platform/telemetry';
import type * as Server from './server';

async function main() {
  const config = loadProcessConfig(process.env);
  const logger = createLogger(config.logLevel, 'api');
  const { endpoint, serviceName = 'subsidy-api' } = config.tracing;
  if (startTracing({ endpoint, serviceName })) logger.info({ endpoint, serviceName }, 'tracing to OTLP');
  // Loaded once tracing is in place: its instrumentations patch express, pg and http as they load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startApi } = require('./server') as typeof Server;
  const api = await startApi(config, logger);
  stopOnSignal(logger, 'stopping API: draining in-flight requests', () =>
    api.close().finally(() => stopTracing()),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 1;
});
