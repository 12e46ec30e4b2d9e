import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; secrets and personal data are redacted wherever they might appear. */
export function createLogger(level: string, name: string): Logger {
  return pino({
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
  });
}
