import type { Logger } from './logger';

/** Stops the process's work gracefully, once, on SIGTERM (the orchestrator) or SIGINT (Ctrl-C). */
export function stopOnSignal(logger: Logger, message: string, stop: () => Promise<unknown>): void {
  const handler = () => {
    logger.info(message);
    void stop();
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}
