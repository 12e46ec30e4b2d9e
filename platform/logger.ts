import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs; secrets and personal data are redacted wherever they might appear. Lines go to
 * stdout unless a destination is given (tests capture them).
 */
export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  return pino(
    {
      name,
      level,
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
