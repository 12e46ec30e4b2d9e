/** `npm run api`: one API process (any number may run behind a load balancer). */
import { ConfigError } from '../config';
import { loadProcessConfig } from '../config/devSecrets';
import { createLogger } from '../platform/logger';
import { stopOnSignal } from '../platform/signals';
import { startApi } from './server';

async function main() {
  const config = loadProcessConfig(process.env);
  const logger = createLogger(config.logLevel, 'api');
  const api = await startApi(config, logger);
  stopOnSignal(logger, 'stopping API: draining in-flight requests', () => api.close());
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 1;
});
