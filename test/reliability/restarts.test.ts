/**
 * Restarts of the services underneath a run, each on a server of this file's own (the shared ones of
 * globalSetup are never stopped): (a) the Temporal dev server, persistent in its --db-filename, stopped
 * while applications are in review and started again on the same port and file; (b) PostgreSQL, stopped
 * while applications are in flight (the API answers 503 with the error body meanwhile, activities retry)
 * and started again. Both runs must end with every application paid once and every e-mail sent once.
 *
 * Sizes: RELIABILITY_RESTART_APPLICATIONS (default 10), RELIABILITY_OUTAGE_MS (default 12 s).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { migrate } from '../../prisma/migrate';
import { findTemporalCli } from '../../dev/embedded/temporalCli';
import { freePort, startTemporalDevServer, type TemporalDevServer } from '../../dev/embedded/temporalServer';
import { spawnEntry, type NodeProcess } from '../helpers/processes';
import { startStack, type TestStack } from '../helpers/stack';
import { applicationWorkflowId } from '../../workflows/application/contract';
import { creditCode, declaredPolicy } from '../helpers/fixtures';
import { awaitingPublication, Driver, sleep, type Caller } from './driver';

const APPLICATIONS = Number(process.env.RELIABILITY_RESTART_APPLICATIONS ?? 10);
const OUTAGE_MS = Number(process.env.RELIABILITY_OUTAGE_MS ?? 12_000);
const DONE = ['PAID', 'TRACKING', 'CLOSED'];
const REVIEWER: Caller = { role: 'reviewer', subject: 'rel-reviewer-wang', org: 'street:中关村街道' };
const APPROVER: Caller = { role: 'approver', subject: 'rel-approver-zhao', org: 'committee' };
const ADMIN: Caller = { role: 'admin', subject: 'rel-admin-sun' };
const RUN_ENV = {
  TIME_ACCELERATION: '75000',
  PAYMENT_POLL_SECONDS: '5',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
};

const need = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through jest`);
  return v;
};

const driverFor = (stack: TestStack, deadline: number) =>
  new Driver({ apis: [stack.baseUrl], simulatorUrl: stack.simulatorUrl, stepTimeoutMs: 150_000, deadline });

async function statuses(stack: TestStack, ids: string[]): Promise<Map<string, string>> {
  const rows = await stack.db.application.findMany({
    where: { id: { in: ids } },
    select: { id: true, status: true },
  });
  return new Map(rows.map((r) => [r.id, r.status]));
}

async function waitForStatuses(
  stack: TestStack,
  ids: string[],
  ok: (s: string) => boolean,
  timeoutMs: number,
): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await statuses(stack, ids).catch(() => new Map<string, string>());
    if (ids.every((id) => ok(current.get(id) ?? ''))) return current;
    if (Date.now() > deadline)
      throw new Error(`statuses not reached in ${timeoutMs} ms: ${JSON.stringify([...current])}`);
    await sleep(500);
  }
}

/** Submits `n` inclusive applications, `concurrency` at a time; returns their ids. */
async function submitMany(driver: Driver, n: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(4, n) }, async () => {
      while (next < n) {
        next += 1;
        const a = await driver.newApplicant(creditCode(), 0);
        ids.push(await driver.submit(a, 0));
      }
    }),
  );
  return ids;
}

/**
 * Approves what each application still needs (initial review from `stage` 0, final approval from 1), then
 * publishes in rounds until all are paid.
 */
async function finish(
  stack: TestStack,
  driver: Driver,
  ids: string[],
  stage: Map<string, number>,
  timeoutMs: number,
): Promise<{ rounds: number; published: number }> {
  await Promise.all(
    ids.map(async (id) => {
      if ((stage.get(id) ?? 0) < 1) {
        await driver.approveTask(id, 'initial-review', REVIEWER, 0);
        stage.set(id, 1);
      }
      if ((stage.get(id) ?? 0) < 2) {
        await driver.approveTask(id, 'final-approval', APPROVER, 0);
        stage.set(id, 2);
      }
    }),
  );
  let rounds = 0;
  let published = 0;
  let publishedAt = 0;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await statuses(stack, ids).catch(() => new Map<string, string>());
    if (ids.every((id) => DONE.includes(current.get(id) ?? ''))) return { rounds, published };
    if (Date.now() > deadline)
      throw new Error(`not all paid in ${timeoutMs} ms: ${JSON.stringify([...current])}`);
    // A round at most every two seconds, as an administrator would; the statuses are looked at more often.
    if (Date.now() - publishedAt >= 2000 && (await awaitingPublication(stack.db, ids).catch(() => 0))) {
      published += await driver.publish(ADMIN, 0);
      publishedAt = Date.now();
      rounds += 1;
    }
    await sleep(500);
  }
}

/**
 * Exactly one SUCCEEDED payment per application at the gateway and in the records, every e-mail of the
 * applications sent (the outbox holds one row per key) and received once, and the expected ones there.
 *
 * `outage`: while the database was down. A mail handed to SMTP then, whose sender could not record it as
 * sent, must still end SENT once the database is back (the dispatcher retries the mark rather than the
 * mail): such a row claimed in the outage and left SENDING is `stuckSending` (`stuckButDelivered` if the
 * message had arrived: the applicant would get it twice after the claim lease) — both must be 0.
 */
async function checkOnce(stack: TestStack, ids: string[], outage?: { from: number; to: number }) {
  const deadline = Date.now() + 60_000;
  const inOutage = (m: { status: string; claimedAt: Date | null }) =>
    outage !== undefined &&
    m.status === 'SENDING' &&
    m.claimedAt !== null &&
    m.claimedAt.getTime() >= outage.from - 5000 &&
    m.claimedAt.getTime() <= outage.to;
  for (;;) {
    const unsent = await stack.db.emailOutbox.findMany({
      where: { applicationId: { in: ids }, status: { not: 'SENT' } },
    });
    if (unsent.length === 0 || Date.now() > deadline) break;
    await sleep(500);
  }
  // With the worker stopped (its outbox dispatcher too), no mail is in flight: what arrived is all there is.
  await stack.stopWorker();
  const payments = (await (await fetch(`${stack.simulatorUrl}/sim/payment/payments`)).json()) as {
    idempotencyKey: string;
    status: string;
  }[];
  const paid = new Map<string, number>();
  for (const p of payments.filter((x) => x.status === 'SUCCEEDED')) {
    const id = p.idempotencyKey.replace(/-pay-\d+$/, '');
    paid.set(id, (paid.get(id) ?? 0) + 1);
  }
  const recorded = await stack.db.payment.findMany({
    where: { applicationId: { in: ids }, status: 'SUCCEEDED' },
  });
  const outbox = await stack.db.emailOutbox.findMany({ where: { applicationId: { in: ids } } });
  const perMessageId = new Map<string, number>();
  const perRecipientSubject = new Map<string, Set<string>>();
  for (const m of stack.smtp.messages) {
    perMessageId.set(m.messageId, (perMessageId.get(m.messageId) ?? 0) + 1);
    const key = `${m.to.join(',')}|${m.subject}`;
    perRecipientSubject.set(key, (perRecipientSubject.get(key) ?? new Set()).add(m.messageId));
  }
  const keys = new Set(outbox.map((m) => m.key));
  const stuck = outbox.filter(inOutage);
  for (const m of outbox.filter((x) => x.status !== 'SENT')) {
    const arrived = stack.smtp.messages.some((c) => c.to.includes(m.to) && c.subject === m.subject);
    console.log(
      `reliability: e-mail ${m.key} is ${m.status} (claimed ${m.claimedAt?.toISOString()}, attempts ` +
        `${m.attempts}, ${arrived ? 'already delivered' : 'not delivered'})`,
    );
  }
  const figures = {
    doublePayments: [...paid.values()].filter((n) => n > 1).length,
    unpaid: ids.filter((id) => paid.get(id) !== 1).length,
    recordedPayments: recorded.length,
    emails: outbox.length,
    emailsUnsent: outbox.filter((m) => m.status !== 'SENT').length,
    stuckSending: stuck.length,
    stuckButDelivered: stuck.filter((m) =>
      stack.smtp.messages.some((c) => c.to.includes(m.to) && c.subject === m.subject),
    ).length,
    emailsNotReceived: outbox.filter((m) => m.status === 'SENT' && !perMessageId.has(m.messageId ?? ''))
      .length,
    redelivered: [...perMessageId.values()].reduce((s, n) => s + n - 1, 0),
    duplicateEmails: [...perRecipientSubject.values()].filter((s) => s.size > 1).length,
    missingEmails: ids.flatMap((id) =>
      ['received', 'approved', 'published', 'paid'].filter((k) => !keys.has(`${id}:${k}`)),
    ).length,
  };
  expect(figures).toMatchObject({
    doublePayments: 0,
    unpaid: 0,
    recordedPayments: ids.length,
    emailsUnsent: 0,
    stuckSending: 0,
    stuckButDelivered: 0,
    emailsNotReceived: 0,
    redelivered: 0,
    duplicateEmails: 0,
    missingEmails: 0,
  });
  return figures;
}

const line = (name: string, figures: Record<string, unknown>) =>
  console.log(
    `reliability/${name}: ${Object.entries(figures)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v as string | number)}`)
      .join(' ')}`,
  );

/** One request, its status (or the transport error) and body, with a timeout. */
async function probe(url: string, init: RequestInit = {}, timeoutMs = 20_000) {
  const t0 = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status as number | string, body: body as any, ms: Date.now() - t0 };
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    return {
      status: e.name === 'TimeoutError' ? 'TIMEOUT' : (e.cause?.code ?? String(err)),
      body: null,
      ms: Date.now() - t0,
    };
  }
}

/** Pending activities of the applications' workflows that have failed at least once, by type and attempt. */
async function activitiesRetrying(stack: TestStack, ids: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const id of ids) {
    const d = await stack.temporal.workflow.getHandle(applicationWorkflowId(id)).describe();
    for (const a of d.raw.pendingActivities ?? [])
      if ((a.attempt ?? 1) > 1) found.push(`${a.activityType?.name}#${a.attempt}`);
  }
  return found;
}

const bearer = (token: string, json = true) => ({
  authorization: `Bearer ${token}`,
  ...(json ? { 'content-type': 'application/json' } : {}),
});

describe('a Temporal dev server restart in the middle of a run', () => {
  let dir: string;
  let port: number;
  let server: TemporalDevServer | undefined;
  let stack: TestStack;
  const startServer = () =>
    startTemporalDevServer({
      cli: findTemporalCli(),
      port,
      dbFile: path.join(dir, 'temporal.db'),
      logFile: path.join(dir, 'temporal.log'),
    });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(need('TEST_TMP_DIR'), 'reliability-temporal-'));
    port = await freePort();
    server = await startServer();
    stack = await startStack({ ...RUN_ENV, TEMPORAL_ADDRESS: server.address });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await server?.stop();
  }, 60_000);

  it('finishes every application, paid once, after the server was stopped while they were in review', async () => {
    const started = Date.now();
    const driver = driverFor(stack, started + 240_000);
    const ids = await submitMany(driver, APPLICATIONS);
    const stage = new Map<string, number>();
    // Half of them pass the initial review before the outage; the others wait in it.
    await waitForStatuses(stack, ids, (s) => s === 'INITIAL_REVIEW', 60_000);
    const firstHalf = ids.slice(0, Math.ceil(ids.length / 2));
    await Promise.all(
      firstHalf.map(async (id) => {
        await driver.approveTask(id, 'initial-review', REVIEWER, 0);
        stage.set(id, 1);
      }),
    );
    const before = Object.fromEntries(
      [...(await statuses(stack, ids)).values()].reduce(
        (m, s) => m.set(s, (m.get(s) ?? 0) + 1),
        new Map<string, number>(),
      ),
    );

    // The outage: the server stops (SIGTERM; its SQLite file keeps the state) for OUTAGE_MS.
    const reviewerToken = await driver.token(REVIEWER, 0);
    const task = await stack.db.task.findFirstOrThrow({
      where: { applicationId: ids[ids.length - 1], queue: 'initial-review', state: 'OPEN' },
    });
    const late = await driver.newApplicant(creditCode(), 0);
    const down = Date.now();
    await server!.stop();
    server = undefined;
    const [readDuring, readyDuring, claimDuring] = await Promise.all([
      probe(`${stack.baseUrl}/api/v1/applications/${ids[0]}`, { headers: bearer(reviewerToken) }),
      probe(`${stack.baseUrl}/readyz`),
      probe(
        `${stack.baseUrl}/api/v1/tasks/${task.id}/claim`,
        { method: 'POST', headers: bearer(reviewerToken), body: '{}' },
        Math.max(1000, OUTAGE_MS - 2000),
      ),
    ]);
    // A submission while Temporal is down is stored; its workflow starts once the server is back (the
    // worker's sweep), so the applicant gets 201 either way.
    const submitStarted = Date.now();
    const lateSubmission = driver.submit(late, 0).then((id) => ({ id, ms: Date.now() - submitStarted }));
    const wait = OUTAGE_MS - (Date.now() - down);
    if (wait > 0) await sleep(wait);
    server = await startServer();
    const outageMs = Date.now() - down;
    const { id: lateId, ms: submitMs } = await lateSubmission;
    ids.push(lateId);

    expect(readDuring.status).toBe(200); // read models come from PostgreSQL
    expect(readyDuring.status).toBe(503);
    expect(readyDuring.body.checks.temporal.ok).toBe(false);

    const { rounds, published } = await finish(stack, driver, ids, stage, 150_000);
    const figures = await checkOnce(stack, ids);
    const applicationsInDb = await stack.db.application.count();
    expect(applicationsInDb).toBe(ids.length);
    line('temporal-restart', {
      applications: ids.length,
      beforeOutage: before,
      outageMs,
      readDuringOutage: readDuring.status,
      claimDuringOutage: `${claimDuring.status}${claimDuring.body?.error ? `/${claimDuring.body.error.code}` : ''} in ${claimDuring.ms}ms`,
      readyzDuringOutage: readyDuring.status,
      submitDuringOutage: `201 in ${submitMs}ms`,
      publishRounds: rounds,
      published,
      losses: 0,
      ...figures,
      clientRetries: driver.observed.retries,
      non2xx: driver.observed.summary() || 'none',
      durationSeconds: Math.round((Date.now() - started) / 1000),
    });
  }, 300_000);
});

describe('a PostgreSQL restart in the middle of a run', () => {
  let dir: string;
  let pgPort: number;
  const password = randomBytes(12).toString('hex');
  let pg: NodeProcess | undefined;
  let stack: TestStack;
  let pgStarts = 0;
  /** The server in a process of its own (see postgresProcess.ts), on the same port and data each time. */
  const startPg = async () => {
    const proc = spawnEntry({
      name: `postgres-${++pgStarts}`,
      entry: 'test/reliability/postgresProcess.ts',
      env: { PG_DIR: path.join(dir, 'pg'), PG_PORT: String(pgPort), PG_PASSWORD: password },
      logDir: dir,
      onExit: 'SIGTERM',
    });
    const deadline = Date.now() + 90_000;
    while (!proc.tail().split('\n').includes('ready')) {
      if (!proc.alive() || Date.now() > deadline)
        throw new Error(`PostgreSQL did not start:\n${proc.tail()}`);
      await sleep(200);
    }
    return proc;
  };
  const url = (database: string) =>
    `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/${database}`;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(need('TEST_TMP_DIR'), 'reliability-pg-'));
    fs.chmodSync(dir, 0o755); // the server runs as the postgres user when the tests run as root
    pgPort = await freePort();
    pg = await startPg();
    const admin = new PgClient({ connectionString: url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE subsidy');
    await admin.end();
    await migrate(url('subsidy'));
    // Workflow ids derive from application numbers and the Temporal server is shared: number elsewhere.
    const client = new PgClient({ connectionString: url('subsidy') });
    await client.connect();
    await client.query(
      `ALTER SEQUENCE application_number_seq RESTART WITH ${1 + Math.floor(Math.random() * 1e9)}`,
    );
    await client.end();
    stack = await startStack({ ...RUN_ENV, DATABASE_URL: url('subsidy') });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await pg?.stop(30_000);
  }, 60_000);

  it('answers 503 while the database is down, retries the activities, and pays everything once', async () => {
    const started = Date.now();
    const driver = driverFor(stack, started + 240_000);
    const ids = await submitMany(driver, APPLICATIONS);
    const stage = new Map<string, number>();
    // Everything through both reviews; then publication, and the database goes away while the workflows
    // record the publication, run the notice and start paying.
    await Promise.all(
      ids.map(async (id) => {
        await driver.approveTask(id, 'initial-review', REVIEWER, 0);
        stage.set(id, 1);
      }),
    );
    const half = ids.slice(0, Math.ceil(ids.length / 2));
    await Promise.all(
      half.map(async (id) => {
        await driver.approveTask(id, 'final-approval', APPROVER, 0);
        stage.set(id, 2);
      }),
    );
    await waitForStatuses(stack, half, (s) => s === 'APPROVED', 60_000);
    const published = await driver.publish(ADMIN, 0);

    const applicant = await driver.newApplicant(creditCode(), 0);
    const reviewerToken = await driver.token(REVIEWER, 0);
    const open = await stack.db.task.findFirstOrThrow({
      where: { applicationId: { in: ids }, queue: 'final-approval', state: { in: ['OPEN', 'CLAIMED'] } },
    });
    const down = Date.now();
    await pg!.stop();
    pg = undefined;

    // Probe the API all through the outage.
    const answers: { what: string; status: number | string; code?: string; body: unknown }[] = [];
    const probes = [
      () =>
        probe(`${stack.baseUrl}/api/v1/applications/${ids[0]}`, { headers: bearer(applicant.token) }).then(
          (r) => ({ what: 'GET /applications/{id}', ...r }),
        ),
      () =>
        probe(`${stack.baseUrl}/api/v1/applications`, {
          method: 'POST',
          headers: bearer(applicant.token),
          body: JSON.stringify({
            creditCode: applicant.code,
            track: 'INCLUSIVE',
            documents: ['00000000-0000-4000-8000-000000000000'],
            policy: declaredPolicy({ policyNumber: `P-OUTAGE-${Date.now()}` }),
          }),
        }).then((r) => ({ what: 'POST /applications', ...r })),
      () =>
        probe(`${stack.baseUrl}/api/v1/tasks?queue=initial-review`, { headers: bearer(reviewerToken) }).then(
          (r) => ({ what: 'GET /tasks', ...r }),
        ),
      () =>
        probe(`${stack.baseUrl}/api/v1/tasks/${open.id}/claim`, {
          method: 'POST',
          headers: bearer(reviewerToken),
          body: '{}',
        }).then((r) => ({ what: 'POST /tasks/{id}/claim', ...r })),
    ];
    let readyz: number | string = 0;
    while (Date.now() - down < OUTAGE_MS) {
      for (const p of probes) {
        const r = await p();
        answers.push({ what: r.what, status: r.status, code: r.body?.error?.code, body: r.body });
      }
      readyz = (await probe(`${stack.baseUrl}/readyz`)).status;
      await sleep(500);
    }
    // The workflows' activities meanwhile: failing against the database and retried.
    const retrying = await activitiesRetrying(stack, ids);
    pg = await startPg();
    const outageMs = Date.now() - down;

    const tally: Record<string, number> = {};
    for (const a of answers) tally[`${a.what} ${a.status}`] = (tally[`${a.what} ${a.status}`] ?? 0) + 1;
    const wrong = answers.filter(
      (a) =>
        a.status !== 503 ||
        a.code !== 'UNAVAILABLE' ||
        !Array.isArray((a.body as { error?: { details?: unknown } })?.error?.details),
    );

    const done = await finish(stack, driver, ids, stage, 180_000);
    const figures = await checkOnce(stack, ids, { from: down, to: down + outageMs });
    line('postgres-restart', {
      applications: ids.length,
      publishedBeforeOutage: published,
      outageMs,
      probes: answers.length,
      answers: tally,
      readyzDuringOutage: readyz,
      activitiesRetryingAtRestart: retrying,
      publishRounds: done.rounds + 1,
      losses: 0,
      ...figures,
      clientRetries: driver.observed.retries,
      non2xx: driver.observed.summary() || 'none',
      durationSeconds: Math.round((Date.now() - started) / 1000),
    });
    expect(wrong.slice(0, 3)).toEqual([]);
    expect(readyz).toBe(503);
    expect(await stack.db.application.count()).toBe(ids.length);
  }, 300_000);
});
