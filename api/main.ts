/** `npm run api`: one API process (any number may run behind a load balancer). */
import { ConfigError } from '../config';
import { loadProcessConfig } from '../config/devSecrets';
import { createLogger } from '../platform/logger';
import { startApi } from './server';

async function main() {
  const config = loadProcessConfig(process.env);
  const logger = createLogger(config.logLevel, 'api');
  const api = await startApi(config, logger);
  const stop = () => {
    logger.info('stopping API: draining in-flight requests');
    void api.close();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 1;
});
