/**
 * The outbox dispatcher's handling of a database that fails after the mail has left: the SENT mark is
 * retried rather than the row put back to PENDING (which would send the mail a second time).
 */
import pino from 'pino';
import type { Db } from '../../data/db';
import type { Mailer } from '../../services/mailer';
import { createOutboxDispatcher } from '../../services/outbox';

const row = {
  id: 1n,
  key: 'app-1:approved',
  template: 'approved',
  to: 'a@example.cn',
  subject: 's',
  text: 't',
  attempts: 1,
};

function fakeDb(opts: { failUpdates: number }) {
  const updates: Array<Record<string, unknown>> = [];
  let claims = 0;
  let failures = opts.failUpdates;
  const db = {
    $queryRawUnsafe: () => Promise.resolve(claims++ === 0 ? [row] : []),
    emailOutbox: {
      update: (args: { data: Record<string, unknown> }) => {
        if (failures-- > 0) return Promise.reject(new Error('Connection terminated unexpectedly'));
        updates.push(args.data);
        return Promise.resolve({});
      },
    },
  };
  return { db: db as unknown as Db, updates };
}

function countingMailer(fail = false) {
  const sent: string[] = [];
  const mailer = {
    send: (m: { messageId?: string }) => {
      if (fail) return Promise.reject(new Error('SMTP 451'));
      sent.push(m.messageId ?? '');
      return Promise.resolve();
    },
  };
  return { mailer: mailer as unknown as Mailer, sent };
}

const logger = pino({ level: 'silent' });

describe('outbox dispatcher', () => {
  it('sends once and keeps trying to record SENT when the database fails after the send', async () => {
    const { db, updates } = fakeDb({ failUpdates: 2 });
    const { mailer, sent } = countingMailer();
    const dispatcher = createOutboxDispatcher({ db, mailer, logger });
    await expect(dispatcher.drain()).resolves.toBe(1);
    expect(sent).toHaveLength(1);
    expect(updates).toEqual([expect.objectContaining({ status: 'SENT', lastError: null })]);
  });

  it('puts a mail the SMTP server refused back to PENDING with a later attempt', async () => {
    const { db, updates } = fakeDb({ failUpdates: 0 });
    const { mailer, sent } = countingMailer(true);
    const dispatcher = createOutboxDispatcher({ db, mailer, logger });
    await expect(dispatcher.drain()).resolves.toBe(0);
    expect(sent).toHaveLength(0);
    expect(updates).toEqual([expect.objectContaining({ status: 'PENDING', lastError: 'Error: SMTP 451' })]);
    expect((updates[0]!.nextAttemptAt as Date).getTime()).toBeGreaterThan(Date.now());
  });
});
