import type { Logger } from 'pino';
import type { Db } from '../data/db';
import type { Mailer } from './mailer';
import { emailFailures, emailsSent } from '../platform/metrics';

interface ClaimedRow {
  id: bigint;
  key: string;
  template: string;
  to: string;
  subject: string;
  text: string;
  attempts: number;
}

export interface OutboxDispatcher {
  start(): void;
  /** Look for new mail now rather than at the next poll. */
  kick(): void;
  /** Sends every due mail once; returns how many were sent (tests and shutdown use it). */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 20;

/**
 * Delivers the e-mail outbox. Rows are queued in the same transaction as the step that causes them; this
 * loop claims them with SKIP LOCKED (so several workers never take the same row), sends, and marks them
 * sent. A stable Message-ID lets mail systems drop the rare duplicate after a crash mid-send.
 */
export function createOutboxDispatcher(deps: {
  db: Db;
  mailer: Mailer;
  logger: Logger;
  pollMs?: number;
  /** A claim older than this is considered abandoned by a crashed process and is taken over (default 120 s). */
  claimLeaseSeconds?: number;
  messageIdDomain?: string;
  onResult?: (outcome: 'sent' | 'failed') => void;
}): OutboxDispatcher {
  const pollMs = deps.pollMs ?? 1000;
  const leaseSeconds = Math.max(10, Math.round(deps.claimLeaseSeconds ?? 120));
  // How long a sent mail's SENT mark is retried: well within the claim lease, so nobody takes the row over.
  const markSentPatienceMs = leaseSeconds * 750;
  const domain = deps.messageIdDomain ?? 'kjbx.haidian.gov.cn';
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = true;

  async function claim(): Promise<ClaimedRow[]> {
    return deps.db.$queryRawUnsafe<ClaimedRow[]>(`
      UPDATE "EmailOutbox" SET status = 'SENDING', "claimedAt" = now(), attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM "EmailOutbox"
        WHERE (status = 'PENDING' AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= now()))
           OR (status = 'SENDING' AND "claimedAt" < now() - make_interval(secs => ${leaseSeconds}))
        ORDER BY id LIMIT ${BATCH}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, key, template, "to", subject, text, attempts`);
  }

  /**
   * Records a delivered mail as SENT. The mail has left: putting the row back to PENDING would send it again,
   * so a database that cannot be written (restarting, unreachable) is retried for most of the claim lease.
   * Should it stay unwritable that long, the row stays SENDING and is taken over after the lease (the stable
   * Message-ID lets mail systems drop that one duplicate).
   */
  async function markSent(row: ClaimedRow, messageId: string): Promise<void> {
    const sentAt = new Date();
    for (let attempt = 0; ; attempt++) {
      try {
        await deps.db.emailOutbox.update({
          where: { id: row.id },
          data: { status: 'SENT', sentAt, messageId, lastError: null },
        });
        return;
      } catch (err) {
        if (Date.now() - sentAt.getTime() > markSentPatienceMs) {
          deps.logger.error({ err, outboxKey: row.key }, 'e-mail sent but could not be recorded as sent');
          return;
        }
        deps.logger.warn({ err, outboxKey: row.key, attempt }, 'e-mail sent; recording it failed, retrying');
        await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 10_000)));
      }
    }
  }

  async function sendOne(row: ClaimedRow): Promise<boolean> {
    const messageId = `<${row.key.replace(/[^A-Za-z0-9._-]/g, '.')}@${domain}>`;
    try {
      await deps.mailer.send({ to: row.to, subject: row.subject, text: row.text, messageId });
    } catch (err) {
      const backoffMs = Math.min(2 ** row.attempts * 1000, 15 * 60_000);
      deps.logger.warn(
        { err, outboxKey: row.key, attempts: row.attempts },
        'e-mail delivery failed; will retry',
      );
      emailFailures.inc();
      deps.onResult?.('failed');
      await deps.db.emailOutbox
        .update({
          where: { id: row.id },
          data: {
            status: 'PENDING',
            lastError: String(err),
            nextAttemptAt: new Date(Date.now() + backoffMs),
          },
        })
        .catch((e: unknown) => deps.logger.error({ err: e }, 'could not record e-mail failure'));
      return false;
    }
    await markSent(row, messageId);
    emailsSent.inc({ template: row.template });
    deps.onResult?.('sent');
    return true;
  }

  async function runOnce(): Promise<number> {
    let sent = 0;
    for (;;) {
      const rows = await claim();
      if (rows.length === 0) return sent;
      const results = await Promise.all(rows.map(sendOne));
      sent += results.filter(Boolean).length;
      if (rows.length < BATCH) return sent;
    }
  }

  function drain(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = runOnce()
      .catch((err: unknown) => {
        deps.logger.error({ err }, 'outbox dispatch failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          void drain();
        }
      });
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void drain().finally(schedule);
    }, pollMs);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    kick() {
      if (!stopped) void drain();
    },
    drain,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
