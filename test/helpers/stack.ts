import { recordHistories } from './histories';
import { type Client as TemporalClient } from '@temporalio/client';
import { randomBytes, randomInt } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { startApi, type ApiServer } from '../../api/server';
import { loadConfig, type Config } from '../../config';
import type { Caller } from '../../domain/roles';
import { migrate } from '../../prisma/migrate';
import { seedDemoData } from '../../prisma/seed';
import { startSimulators } from '../../dev/simulators/server';
import { createDb, type Db } from '../../data/db';
import { freePort } from '../../dev/embedded/temporalServer';
import { createLogger, type Logger } from '../../platform/logger';
import { payloadDataConverter } from '../../platform/payloadCodec';
import { connectClient } from '../../temporal/client';
import { systemEnv, testSecrets } from './systemEnv';
import { startWorker, type RunningWorker } from '../../worker/run';
import { startSmtpCapture, type SmtpCapture } from './smtp';

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through jest (globalSetup starts the services)`);
  return v;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new PgClient({ connectionString: need('TEST_PG_ADMIN_URL') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, migrated database of its own on the shared test server: a copy of the template globalSetup
 * migrated once (then `migrate` finds nothing left to apply), or migrated here without one.
 */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const template = process.env.TEST_PG_TEMPLATE;
  for (let attempt = 1; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
      break;
    } catch (err) {
      // 55006: the template is in use (another copy being made at this instant); try again.
      if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
  const admin = new URL(need('TEST_PG_ADMIN_URL'));
  admin.pathname = `/${name}`;
  const url = admin.toString();
  await migrate(url);
  // Test files share one Temporal server, and workflow ids derive from application numbers: start each
  // database's numbering somewhere else so that two files never produce the same workflow id.
  const pg = new PgClient({ connectionString: url });
  await pg.connect();
  await pg.query(`ALTER SEQUENCE application_number_seq RESTART WITH ${1 + randomInt(1_000_000_000)}`);
  await pg.end();
  return { url, drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export interface TestStack {
  config: Config;
  /** The environment the configuration was read from (for processes spawned against this system). */
  env: Record<string, string>;
  /** Base URL of the simulators (registry, insurer, payment and their control API). */
  simulatorUrl: string;
  db: Db;
  temporal: TemporalClient;
  smtp: SmtpCapture;
  api: ApiServer;
  worker: RunningWorker;
  baseUrl: string;
  /** Stops and restarts the worker (a crash-and-recover in tests). */
  restartWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole system for one test file: its own database, SMTP capture and task queue, a real worker and a
 * real API on a socket, against the shared Temporal dev server and PostgreSQL. `opts.logger` receives the
 * API's and the worker's log lines (default: a logger at LOG_LEVEL, silent unless TEST_LOG_LEVEL is set).
 */
export async function startStack(
  env: Record<string, string> = {},
  opts: { logger?: Logger } = {},
): Promise<TestStack> {
  const database = await createTestDatabase();
  const smtp = await startSmtpCapture();
  const secrets = testSecrets();
  const simulators = await startSimulators({
    port: 0,
    paymentCallbackSecret: secrets.PAYMENT_CALLBACK_SECRET,
  });
  const port = await freePort();
  const systemVars = systemEnv(
    {
      databaseUrl: database.url,
      temporalAddress: need('TEST_TEMPORAL_ADDRESS'),
      taskQueue: `test-${randomBytes(6).toString('hex')}`,
      smtpUrl: smtp.url,
      simulatorUrl: simulators.url,
      secrets,
    },
    {
      PORT: String(port),
      API_METRICS_PORT: String(await freePort()),
      // The reconciliation's drift is checked by running it (test/integration/evaluationRollups.test.ts), never
      // by a timer racing the test.
      EVALUATION_RECONCILE_SECONDS: '0',
      // Likewise the budget forecast's warnings (test/integration/budget.test.ts runs the check).
      BUDGET_FORECAST_CHECK_SECONDS: '0',
      // And the nightly anomaly flags (test/integration/riskFlags.test.ts calls refreshFlags).
      RISK_FLAGS_CHECK_SECONDS: '0',
      // And the quarterly site-visit sample (test/integration/siteVisits.test.ts asks the API for it).
      SITE_VISIT_CHECK_SECONDS: '0',
      PAYMENT_POLL_SECONDS: '5',
      LOOKUP_ATTEMPTS: '2',
      SERVICE_TIMEOUT_MS: '1000',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      // Without a system Chromium on it (globalSetup): PDF reports use the bundled one.
      PATH: process.env.PATH,
      ...env,
    },
  );
  const config = loadConfig(systemVars);
  const logger = opts.logger ?? createLogger(config.logLevel, 'test');
  const db = createDb(config.database.url);
  await seedDemoData(db);
  const temporal = await connectClient(
    config.temporal.address,
    config.temporal.namespace,
    payloadDataConverter(config.payloadKeys),
  );
  const bundle = { codePath: need('TEST_WORKFLOW_BUNDLE') };
  const launchWorker = () =>
    startWorker(config, logger, { workflowBundle: bundle, outboxPollMs: 200, sweepMs: 1000, purgeMs: 1000 });
  const stack: TestStack = {
    config,
    env: systemVars,
    simulatorUrl: simulators.url,
    db,
    temporal,
    smtp,
    api: await startApi(config, logger),
    worker: await launchWorker(),
    baseUrl: `http://127.0.0.1:${port}`,
    async stopWorker() {
      await stack.worker.stop();
    },
    async startWorker() {
      stack.worker = await launchWorker();
    },
    async restartWorker() {
      await stack.stopWorker();
      await stack.startWorker();
    },
    async stop() {
      // `RECORD_HISTORIES=1 npm test` keeps one history per new workflow path for the replay test.
      if (process.env.RECORD_HISTORIES) await recordHistories(temporal, config.temporal.taskQueue);
      await Promise.allSettled([stack.worker.stop(), stack.api.close()]);
      await smtp.close();
      await simulators.close();
      await temporal.connection.close();
      await db.$disconnect();
      await database.drop();
    },
  };
  return stack;
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small HTTP client for the API over its socket, acting as one caller. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResult<T>> {
    const send = () =>
      fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          // The contract's texts in English (the API answers Chinese by default; test/integration/i18n.test.ts).
          'accept-language': 'en',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    // A kept-alive connection the server closed while idle (its keep-alive timeout, late on a busy machine)
    // resets as it is reused, before the request reaches the API: sent again on a new one.
    const res = await send().catch((err: { cause?: { code?: string } }) => {
      if (err.cause?.code !== 'ECONNRESET') throw err;
      return send();
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body ?? {}, headers);
  }
  put<T = any>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body);
  }
}

/**
 * One stack for the test file: started before its tests, handed to `ready` (to keep it, sign in), stopped
 * after them.
 */
export function stackPerFile(ready: (stack: TestStack) => unknown, env: Record<string, string> = {}): void {
  let started: TestStack | undefined;
  beforeAll(async () => {
    started = await startStack(env);
    await ready(started);
  });
  afterAll(async () => {
    await started?.stop();
  });
}

/** A client acting as the given caller, with a token from the dev-token endpoint. */
export async function as(
  stack: TestStack,
  caller: Omit<Caller, 'subject'> & { subject?: string },
): Promise<ApiClient> {
  const anon = new ApiClient(stack.baseUrl);
  const res = await anon.post<{ token: string }>('/api/v1/auth/dev-token', {
    subject: caller.subject ?? `${caller.role}-${randomBytes(3).toString('hex')}`,
    ...caller,
  });
  if (res.status !== 200) throw new Error(`dev-token failed: ${res.status} ${JSON.stringify(res.body)}`);
  return new ApiClient(stack.baseUrl, res.body.token);
}

export { eventually } from './eventually';
