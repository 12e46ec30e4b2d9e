import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from './logger';

let installed = false;

/**
 * Routes the Temporal SDK's logs (worker, workflows' `log`, activities) into the process's JSON logger.
 * Must run before the first worker or native connection of the process is created.
 */
export function installTemporalRuntime(logger: Logger, level: LogLevel = 'WARN'): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: l, message, meta }) => {
      const method =
        l === 'TRACE'
          ? 'trace'
          : l === 'DEBUG'
            ? 'debug'
            : l === 'INFO'
              ? 'info'
              : l === 'WARN'
                ? 'warn'
                : 'error';
      logger[method]({ ...meta, temporal: true }, message);
    }),
    telemetryOptions: { logging: { filter: { core: level, other: level }, forward: {} } },
  });
}
