/** Why a report cannot be made now: the route answers 503 with `code`. */
export class ReportUnavailableError extends Error {
  constructor(
    readonly code: 'PDF_RENDERER_UNAVAILABLE' | 'REPORT_BUSY',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs at most `max` pieces of work at once (chart workers, browsers), with at most `maxWaiting` queued
 * behind them; more than that is refused at once rather than piling up in memory.
 */
export function limiter(max: number, maxWaiting: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(work: () => Promise<T>): Promise<T> {
    if (running >= max) {
      if (waiting.length >= maxWaiting)
        throw new ReportUnavailableError('REPORT_BUSY', 'too many reports are being made; try again shortly');
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running++;
    }
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
