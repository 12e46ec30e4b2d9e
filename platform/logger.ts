import pino, { type DestinationStream, type Logger } from 'pino';
import { logContext } from './requestContext';

export type { Logger };

/** Loggers already bound to a request id (pino-http's request logger): the mixin does not repeat it. */
const boundRequestId = new WeakMap<Logger, boolean>();

function hasRequestId(logger: Logger): boolean {
  let bound = boundRequestId.get(logger);
  if (bound === undefined) {
    bound = 'requestId' in logger.bindings();
    boundRequestId.set(logger, bound);
  }
  return bound;
}

/**
 * Structured JSON logs; secrets and personal data are redacted wherever they might appear. Lines go to
 * stdout unless a destination is given (tests capture them). A line written while a request is served
 * carries its `requestId`, and `traceId`/`spanId` when tracing is on.
 */
export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  return pino(
    {
      name,
      level,
      mixin(_line, _level, logger) {
        const context = logContext();
        if (context.requestId && hasRequestId(logger)) delete context.requestId;
        return context;
      },
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          '*.password',
          '*.token',
          '*.accountNumber',
          '*.bankAccount.accountNumber',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
