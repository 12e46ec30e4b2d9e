/**
 * Two worker processes and two API processes, as production runs them (`npm run worker`, `npm run api`),
 * against real PostgreSQL, Temporal, SMTP and the simulated payment gateway. A scripted client drives
 * RELIABILITY_APPLICATIONS applications from submission to payment through both APIs, while a killer
 * SIGKILLs a worker process every 3–8 s and starts a new one. Then nothing may be lost, paid twice or
 * e-mailed twice.
 *
 * Workers start from the prebuilt workflow bundle (WORKFLOW_BUNDLE_PATH), as the production image's do.
 *
 * Sizes: RELIABILITY_APPLICATIONS (default 50, so that the whole suite stays well inside CI's limit on two
 * shared cores; `RELIABILITY_APPLICATIONS=100` runs the issue's figure), RELIABILITY_CONCURRENCY (clients
 * driving at once, default 8), RELIABILITY_DEADLINE_MS (time for the drive, default 360 s: CI runs other suites beside it), RELIABILITY_KILL_WHEN (below).
 * KEEP_TEST_DATA=1 keeps the processes' logs and the killer's log.
 */
import type { Client as TemporalClient } from '@temporalio/client';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { seedDemoData } from '../../prisma/seed';
import { createDb, type Db } from '../../data/db';
import { freePort } from '../../dev/embedded/temporalServer';
import { startSimulators } from '../../dev/simulators/server';
import { parsePayloadKeys, payloadDataConverter } from '../../platform/payloadCodec';
import { connectClient } from '../../temporal/client';
import { TEST_PAYLOAD_KEYS } from '../helpers/payloadKeys';
import { spawnedEnv, systemEnv, testSecrets } from '../helpers/systemEnv';
import { creditCode } from '../helpers/fixtures';
import {
  pollingWorkers,
  spawnEntry,
  waitForApi,
  waitForWorker,
  workerIdentity,
  type NodeProcess,
} from '../helpers/processes';
import { createTestDatabase } from '../helpers/stack';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp';
import { awaitingPublication, Driver, explain, historyFigures, sleep, type Caller } from './driver';

const APPLICATIONS = Number(process.env.RELIABILITY_APPLICATIONS ?? 50);
const CONCURRENCY = Number(process.env.RELIABILITY_CONCURRENCY ?? 8);
const DEADLINE_MS = Number(process.env.RELIABILITY_DEADLINE_MS ?? 360_000);
/**
 * `both-up` (default): a worker is killed only while the other one polls, so one worker always works (the
 * redundancy two workers exist for); `any-up`: any polling worker, so at times none works.
 */
const KILL_WHEN = process.env.RELIABILITY_KILL_WHEN === 'any-up' ? 'any-up' : 'both-up';
const DONE = ['PAID', 'TRACKING', 'CLOSED'];
/** The outbox's claim lease in this run (production's default is 120 s). */
const CLAIM_SECONDS = 15;

const need = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through jest`);
  return v;
};

let database: { url: string; drop(): Promise<void> };
let db: Db;
let smtp: SmtpCapture;
let simulators: { url: string; close(): Promise<void> };
let temporal: TemporalClient;
let logDir: string;
let taskQueue: string;
let apiPorts: number[];
let apis: NodeProcess[] = [];
const workers: NodeProcess[] = [];
const workerStartMs: number[] = [];
let workerSeq = 0;
let env: Record<string, string>;
/** What the killer did, when (kept in the log directory with the processes' output). */
const record = (line: string) =>
  fs.appendFileSync(path.join(logDir, 'killer.log'), `${new Date().toISOString()} ${line}\n`);

function spawnWorker(slot: number): NodeProcess {
  const port = apiPorts[slot % apiPorts.length]!;
  // Payment callbacks of this worker's requests go to one of the APIs.
  return spawnEntry({
    name: `worker-${slot}-${++workerSeq}`,
    entry: 'worker/main.ts',
    env: { ...env, PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` },
    logDir,
  });
}

beforeAll(async () => {
  logDir = fs.mkdtempSync(path.join(need('TEST_TMP_DIR'), 'reliability-processes-'));
  database = await createTestDatabase();
  db = createDb(database.url, { maxConnections: 4 });
  await seedDemoData(db);
  smtp = await startSmtpCapture();
  const secrets = testSecrets();
  simulators = await startSimulators({ port: 0, paymentCallbackSecret: secrets.PAYMENT_CALLBACK_SECRET });
  apiPorts = [await freePort(), await freePort()];
  taskQueue = `reliability-${randomBytes(6).toString('hex')}`;
  const system = systemEnv({
    databaseUrl: database.url,
    temporalAddress: need('TEST_TEMPORAL_ADDRESS'),
    taskQueue,
    smtpUrl: smtp.url,
    simulatorUrl: simulators.url,
    secrets,
  });
  env = spawnedEnv(system, logDir, {
    // Five working days of public notice pass in about eight seconds.
    TIME_ACCELERATION: '75000',
    PAYMENT_POLL_SECONDS: '5',
    LOOKUP_ATTEMPTS: '3',
    SERVICE_TIMEOUT_MS: '2000',
    // A worker killed while it holds claimed mail leaves it to the others after this.
    OUTBOX_CLAIM_SECONDS: String(CLAIM_SECONDS),
  });
  temporal = await connectClient(
    need('TEST_TEMPORAL_ADDRESS'),
    'default',
    payloadDataConverter(parsePayloadKeys(TEST_PAYLOAD_KEYS)),
  );
  apis = apiPorts.map((port, i) =>
    spawnEntry({ name: `api-${i}`, entry: 'api/main.ts', env: { ...env, PORT: String(port) }, logDir }),
  );
  workers.push(spawnWorker(0), spawnWorker(1));
  for (const w of workers) record(`started ${w.name} pid ${w.pid}`);
  await Promise.all(apis.map((api, i) => waitForApi(api, apiPorts[i]!)));
  for (const ms of await Promise.all(workers.map((w) => waitForWorker(w, temporal, taskQueue))))
    workerStartMs.push(ms);
}, 240_000);

afterAll(async () => {
  await Promise.allSettled([...workers, ...apis].map((p) => p.stop(5000)));
  await smtp?.close();
  await simulators?.close();
  await temporal?.connection.close();
  await db?.$disconnect();
  await database?.drop();
  if (!process.env.KEEP_TEST_DATA && logDir) fs.rmSync(logDir, { recursive: true, force: true });
}, 60_000);

/**
 * Every 3–8 s, SIGKILLs one worker process that is working (polling), chosen at random, and starts a new one
 * in its place (see KILL_WHEN for when a tick is skipped).
 */
function startKiller() {
  const figures = { kills: 0, restarts: 0, skipped: 0 };
  let stopped = false;
  let wake: () => void = () => undefined;
  const loop = (async () => {
    while (!stopped) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, randomInt(3000, 8001));
      });
      if (stopped) break;
      const polling = await pollingWorkers(temporal, taskQueue).catch(() => new Set<string>());
      const candidates = workers
        .map((w, slot) => ({ w, slot }))
        .filter(({ w }) => w.alive() && polling.has(workerIdentity(w.pid)));
      if (candidates.length < (KILL_WHEN === 'both-up' ? workers.length : 1)) {
        figures.skipped += 1; // a worker is still starting
        continue;
      }
      const { w, slot } = candidates[randomInt(candidates.length)]!;
      w.kill('SIGKILL');
      figures.kills += 1;
      record(`killed ${w.name} pid ${w.pid}`);
      await w.exited;
      const fresh = spawnWorker(slot);
      workers[slot] = fresh;
      record(`started ${fresh.name} pid ${fresh.pid}`);
      figures.restarts += 1;
      void waitForWorker(fresh, temporal, taskQueue).then(
        (ms) => workerStartMs.push(ms),
        () => undefined, // killed again before it polled, or the test ended
      );
    }
  })();
  return {
    figures,
    async stop() {
      stopped = true;
      wake();
      await loop;
    },
  };
}

async function statuses(ids: string[]): Promise<Map<string, string>> {
  const rows = await db.application.findMany({
    where: { id: { in: ids } },
    select: { id: true, status: true },
  });
  return new Map(rows.map((r) => [r.id, r.status]));
}

const histogram = (values: Iterable<string>) => {
  const h: Record<string, number> = {};
  for (const v of values) h[v] = (h[v] ?? 0) + 1;
  return h;
};

describe('two worker and two API processes, workers killed at random', () => {
  it(
    `drives ${APPLICATIONS} applications to payment: none lost, none paid twice, no e-mail twice`,
    async () => {
      const started = Date.now();
      const deadline = started + DEADLINE_MS;
      const driver = new Driver({
        apis: apiPorts.map((p) => `http://127.0.0.1:${p}`),
        simulatorUrl: simulators.url,
        stepTimeoutMs: DEADLINE_MS,
        deadline,
      });
      const reviewer: Caller = { role: 'reviewer', subject: 'rel-reviewer-li', org: 'street:中关村街道' };
      const approver: Caller = { role: 'approver', subject: 'rel-approver-zhou', org: 'committee' };
      const admin: Caller = { role: 'admin', subject: 'rel-admin-liu' };
      const ids: string[] = [];
      const errors: string[] = [];
      const killer = startKiller();

      // Clients: each takes the next application from submission to approval, alternating the APIs.
      let next = 0;
      let submitted = 0;
      const clients = Array.from({ length: Math.min(CONCURRENCY, APPLICATIONS) }, async () => {
        while (next < APPLICATIONS && Date.now() < deadline) {
          const i = next++;
          try {
            const a = await driver.newApplicant(creditCode(), i);
            const id = await driver.submit(a, i);
            ids.push(id);
            submitted += 1;
            await driver.approveTask(id, 'initial-review', reviewer, i + 1);
            const status = await driver.approveTask(id, 'final-approval', approver, i);
            if (status !== 'APPROVED') errors.push(`${id}: final approval led to ${status}`);
          } catch (err) {
            errors.push(`application #${i}: ${String(err)}`);
          }
        }
      });

      // The administrator publishes the approved backlog in rounds; then everyone waits for payment.
      let rounds = 0;
      let published = 0;
      let current = new Map<string, string>();
      const allDone = () =>
        submitted + errors.length >= APPLICATIONS &&
        ids.length > 0 &&
        ids.every((id) => DONE.includes(current.get(id) ?? ''));
      // A round at most every three seconds; the statuses are looked at every second.
      let publishedAt = 0;
      const publisher = (async () => {
        while (Date.now() < deadline) {
          current = await statuses(ids).catch(() => current);
          if (allDone()) return;
          if (Date.now() - publishedAt >= 3000 && (await awaitingPublication(db, ids).catch(() => 0))) {
            publishedAt = Date.now();
            try {
              published += await driver.publish(admin, rounds);
              rounds += 1;
            } catch (err) {
              errors.push(`publish: ${String(err)}`);
            }
          }
          await sleep(1000);
        }
      })();
      await Promise.all(clients);
      const approvalsMs = Date.now() - started;
      await publisher;
      await killer.stop();
      const driveMs = Date.now() - started;
      const { kills, restarts, skipped } = killer.figures;

      const final = await statuses(ids);
      const byStatus = histogram(final.values());
      const lost = ids.filter((id) => !DONE.includes(final.get(id) ?? ''));
      // Every mail of these applications, including one queued at the last step just now.
      const unsent = async () =>
        db.emailOutbox.count({ where: { applicationId: { in: ids }, status: { not: 'SENT' } } });
      // A worker killed after claiming a mail and before marking it SENT leaves it SENDING until the
      // claim lease runs out: wait for that (it is then sent, again if the SMTP server had it already,
      // with the same Message-ID).
      const drainStarted = Date.now();
      const drainDeadline = drainStarted + CLAIM_SECONDS * 1000 + 30_000;
      while ((await unsent()) > 0 && Date.now() < drainDeadline) await sleep(250);
      const drainMs = Date.now() - drainStarted;
      // With the worker processes stopped, no mail is in flight: what the SMTP server has is all there is.
      await Promise.all(workers.map((w) => w.stop(5000)));

      // Payments: exactly one SUCCEEDED payment per application at the gateway, and in our records.
      const payments = (await (await fetch(`${simulators.url}/sim/payment/payments`)).json()) as {
        idempotencyKey: string;
        status: string;
        amountFen: number;
      }[];
      const paidAtGateway = histogram(
        payments
          .filter((p) => p.status === 'SUCCEEDED')
          .map((p) => p.idempotencyKey.replace(/-pay-\d+$/, '')),
      );
      const doublePaid = Object.entries(paidAtGateway).filter(([, n]) => n > 1);
      const paidIds = ids.filter((id) => DONE.includes(final.get(id) ?? ''));
      const unpaid = paidIds.filter((id) => paidAtGateway[id] !== 1);
      const recorded = await db.payment.groupBy({
        by: ['applicationId'],
        where: { applicationId: { in: ids }, status: 'SUCCEEDED' },
        _count: { _all: true },
      });

      // E-mails: one outbox row per (application, event) key by construction; every SENT row captured, and
      // no two captured messages for the same recipient and subject under different Message-IDs.
      const outbox = await db.emailOutbox.findMany({ where: { applicationId: { in: ids } } });
      const sent = outbox.filter((m) => m.status === 'SENT');
      const captured = new Map<string, number>();
      for (const m of smtp.messages) captured.set(m.messageId, (captured.get(m.messageId) ?? 0) + 1);
      const notCaptured = sent.filter((m) => !captured.has(m.messageId ?? ''));
      const redelivered = [...captured.values()].filter((n) => n > 1).reduce((s, n) => s + n - 1, 0);
      const byRecipientSubject = new Map<string, Set<string>>();
      for (const m of smtp.messages) {
        const key = `${m.to.join(',')}|${m.subject}`;
        byRecipientSubject.set(key, (byRecipientSubject.get(key) ?? new Set()).add(m.messageId));
      }
      const duplicateMails = [...byRecipientSubject].filter(([, s]) => s.size > 1).map(([k]) => k);
      const expectedKeys = ['received', 'approved', 'published', 'paid'];
      const outboxKeys = new Set(outbox.map((m) => m.key));
      const missingMails = paidIds.flatMap((id) =>
        expectedKeys.map((k) => `${id}:${k}`).filter((k) => !outboxKeys.has(k)),
      );
      const applicationsInDb = await db.application.count();
      const wft = await historyFigures(temporal, ids).catch((err: unknown) => ({ error: String(err) }));

      const summary = {
        applications: APPLICATIONS,
        submitted: ids.length,
        applicationsInDb,
        ...byStatus,
        kills,
        restarts,
        killWhen: KILL_WHEN,
        skippedKills: skipped,
        losses: lost.length,
        duplicates: doublePaid.length + duplicateMails.length,
        doublePayments: doublePaid.length,
        duplicateEmails: duplicateMails.length,
        redeliveredSameMessageId: redelivered,
        payments: payments.length,
        emailsSent: sent.length,
        emailsUnsent: outbox.length - sent.length,
        emailsCaptured: smtp.messages.length,
        smtpResets: smtp.resets,
        publishRounds: rounds,
        published,
        ...wft,
        clientRetries: driver.observed.retries,
        non2xx: driver.observed.summary() || 'none',
        workerStartMs: `avg ${Math.round(workerStartMs.reduce((s, v) => s + v, 0) / Math.max(1, workerStartMs.length))} max ${Math.max(0, ...workerStartMs)}`,
        errors: errors.length,
        approvalsSeconds: Math.round(approvalsMs / 1000),
        driveSeconds: Math.round(driveMs / 1000),
        drainSeconds: Math.round(drainMs / 1000),
        durationSeconds: Math.round((Date.now() - started) / 1000),
      };
      console.log(
        `reliability/processes: ${Object.entries(summary)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
      );
      if (errors.length) console.log(`reliability/processes errors:\n${errors.slice(0, 20).join('\n')}`);
      if (lost.length) console.log(`reliability/processes unfinished:\n${await explain(temporal, lost)}`);
      const unsentRows = outbox.filter((m) => m.status !== 'SENT');
      if (unsentRows.length)
        console.log(
          `reliability/processes unsent: ${unsentRows.map((m) => `${m.key} ${m.status} attempts=${m.attempts}`).join('; ')}`,
        );

      expect(errors).toEqual([]);
      expect(ids).toHaveLength(APPLICATIONS);
      expect(applicationsInDb).toBe(APPLICATIONS); // a retried submission never made a second one
      expect(lost).toEqual([]);
      expect(kills).toBeGreaterThan(0);
      expect(doublePaid).toEqual([]);
      expect(unpaid).toEqual([]);
      expect(recorded).toHaveLength(paidIds.length);
      expect(recorded.every((r) => r._count._all === 1)).toBe(true);
      expect(missingMails).toEqual([]);
      expect(unsentRows.map((m) => m.key)).toEqual([]);
      expect(notCaptured.map((m) => m.key)).toEqual([]);
      expect(duplicateMails).toEqual([]);
    },
    DEADLINE_MS + 200_000,
  );
});
