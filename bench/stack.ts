/**
 * The system under measurement, started as the tests and `npm start` start it, without jest: an embedded
 * PostgreSQL and a Temporal dev server of its own (fresh, in a temporary folder), the workflow bundle, the
 * simulators and an SMTP sink in this process, and the API (`api/main.ts`, as in production) and the worker
 * (`bench/worker.ts`) as child processes, so that the load generator never shares their event loop.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { SMTPServer } from 'smtp-server';
import { createTokenService, type TokenService } from '../api/auth';
import { loadConfig, type Config } from '../config';
import { defaultProgram, type ProgramConfig } from '../domain/program';
import { shanghaiYear } from '../domain/calendar';
import { migrate } from '../prisma/migrate';
import { seedDemoData } from '../prisma/seed';
import { createDb, type Db } from '../data/db';
import { startEmbeddedPostgres } from '../dev/embedded/postgres';
import { findTemporalCli } from '../dev/embedded/temporalCli';
import { freePort, startTemporalDevServer, waitForPort } from '../dev/embedded/temporalServer';
import { saveProgram } from '../data/programs';
import { startSimulators } from '../dev/simulators/server';
import { newPayloadKey, parsePayloadKeys, payloadDataConverter } from '../platform/payloadCodec';
import { connectClient } from '../temporal/client';
import type { Client } from '@temporalio/client';
import { progress, sleep } from './log';
import type { FromWorker, ToWorker, WorkerReport, WorkerTuning } from './workerProtocol';

const ROOT = path.resolve(__dirname, '..');
/**
 * `BENCH_CPU_PROF_DIR=<dir> npm run bench`: the API and worker children write V8 CPU profiles there when they
 * stop (open them in Chrome's DevTools, or summarise with `npx tsx bench/profile.ts <dir>`).
 */
const PROFILE_ARGS = process.env.BENCH_CPU_PROF_DIR
  ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF_DIR)}`]
  : [];
export const TASK_QUEUE = 'bench';

export interface RunningWorker {
  tuning: WorkerTuning;
  report(gc?: boolean): Promise<WorkerReport>;
  stop(): Promise<void>;
}

export interface Stack {
  dir: string;
  year: number;
  program: ProgramConfig;
  /** The configuration the API and worker processes run with (TIME_ACCELERATION 1). */
  config: Config;
  db: Db;
  pgUrl: string;
  temporal: Client;
  simulatorUrl: string;
  tokens: TokenService;
  apiUrl: string;
  /** (Re)starts the API child with this TIME_ACCELERATION. */
  startApi(timeAcceleration: number): Promise<void>;
  startWorker(tuning?: WorkerTuning): Promise<RunningWorker>;
  sql: <T = Record<string, unknown>>(text: string, values?: unknown[]) => Promise<T[]>;
  /** Runs `fn` on one connection of its own (for a transaction). */
  withConnection<T>(fn: (sql: Stack['sql']) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

const quiet = () => undefined;
const quietLogger = {
  trace: quiet,
  debug: quiet,
  info: quiet,
  warn: quiet,
  error: console.error,
  log: quiet,
};

/** An SMTP server that accepts and drops every message (the outbox still does its real work). */
async function startSmtpSink(): Promise<{ url: string; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('end', () => callback());
      stream.resume();
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function stopChild(child: ChildProcess, graceMs = 20_000): Promise<void> {
  const gone = exited(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

/**
 * The programme of the bench year: the defaults, except review deadlines far enough away that a scripted
 * reviewer under load never triggers an escalation, and follow-ups after the run has ended.
 */
function benchProgram(year: number): ProgramConfig {
  return {
    ...defaultProgram(year),
    reviewSlaWorkingDays: { initial: 250, expert: 250, final: 250 },
    followUpMonths: [60],
  };
}

export async function startStack(): Promise<Stack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'subsidy-bench-'));
  fs.chmodSync(dir, 0o755);
  const password = randomBytes(12).toString('hex');
  const [pgPort, temporalPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  progress(`starting PostgreSQL, the Temporal dev server and bundling the workflows (in ${dir})`);
  const [pg, temporalServer, bundle] = await Promise.all([
    startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: pgPort, password }),
    startTemporalDevServer({
      cli: findTemporalCli(),
      port: temporalPort,
      logFile: path.join(dir, 'temporal.log'),
    }),
    bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'workflows.ts'), logger: quietLogger }),
  ]);
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);

  progress('services up; migrating and seeding the database');
  await pg.createDatabase('bench');
  const pgUrl = pg.url('bench');
  await migrate(pgUrl);
  const db = createDb(pgUrl, { maxConnections: 4 });
  await seedDemoData(db);
  const year = shanghaiYear(new Date());
  const program = benchProgram(year);
  await saveProgram(db, program, { subject: 'bench', role: 'admin' });
  await db.budget.updateMany({ where: { year }, data: { totalFen: 100_000_000_000n } });
  const raw = new Pool({ connectionString: pgUrl, max: 4 });

  const smtp = await startSmtpSink();
  const callbackSecret = randomBytes(32).toString('hex');
  const simulators = await startSimulators({ port: 0, paymentCallbackSecret: callbackSecret });
  const payloadKeys = newPayloadKey('bench');
  const temporal = await connectClient(
    temporalServer.address,
    'default',
    payloadDataConverter(parsePayloadKeys(payloadKeys)),
  );
  const jwtSecret = randomBytes(32).toString('hex');
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const linkSecret = randomBytes(32).toString('hex');
  const dataKey = randomBytes(32).toString('base64');
  const baseEnv = (timeAcceleration: number): NodeJS.ProcessEnv => ({
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    DATA_DIR: dir,
    DATABASE_URL: pgUrl,
    TEMPORAL_ADDRESS: temporalServer.address,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    SMTP_URL: smtp.url,
    AUTH_MODE: 'jwt',
    JWT_SECRET: jwtSecret,
    PAYMENT_CALLBACK_SECRET: callbackSecret,
    LINK_SECRET: linkSecret,
    DATA_ENCRYPTION_KEY: dataKey,
    PAYLOAD_KEYS: payloadKeys,
    NOTICE_SCHEDULE: 'off',
    PAYMENT_POLL_SECONDS: '30',
    SIMULATOR_URL: simulators.url,
    TIME_ACCELERATION: String(timeAcceleration),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    WORKER_METRICS_PORT: '0',
    API_METRICS_PORT: '0',
    // The reconciliation reads every row: not while the phases measure (the database phase runs it once).
    EVALUATION_RECONCILE_SECONDS: '0',
  });
  const config = loadConfig(baseEnv(1));
  const logFd = (name: string) => fs.openSync(path.join(dir, `${name}.log`), 'a');

  let api: ChildProcess | undefined;
  const workers = new Set<ChildProcess>();
  let workerEnvAcceleration = 1;

  const stack: Stack = {
    dir,
    year,
    program,
    config,
    db,
    pgUrl,
    temporal,
    simulatorUrl: simulators.url,
    tokens: createTokenService(config.auth),
    apiUrl,
    async startApi(timeAcceleration) {
      if (api) await stopChild(api);
      workerEnvAcceleration = timeAcceleration;
      const out = logFd('api');
      api = spawn(process.execPath, [...PROFILE_ARGS, '--import', 'tsx', 'api/main.ts'], {
        cwd: ROOT,
        env: baseEnv(timeAcceleration),
        stdio: ['ignore', out, out],
      });
      await waitForPort(apiPort, 60_000, exited(api));
      for (;;) {
        const ok = await fetch(`${apiUrl}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        await sleep(200);
      }
    },
    async startWorker(tuning = {}) {
      const out = logFd('worker');
      const child = fork(path.join(__dirname, 'worker.ts'), [], {
        cwd: ROOT,
        execArgv: [...PROFILE_ARGS, '--import', 'tsx', '--expose-gc'],
        env: {
          ...baseEnv(workerEnvAcceleration),
          BENCH_WORKFLOW_BUNDLE: bundlePath,
          BENCH_WORKER_TUNING: JSON.stringify(tuning),
        },
        stdio: ['ignore', out, out, 'ipc'],
      });
      workers.add(child);
      const gone = exited(child).then(() => void workers.delete(child));
      const waiters: ((r: WorkerReport) => void)[] = [];
      await new Promise<void>((resolve, reject) => {
        child.on('message', (m: FromWorker) => {
          if (m.type === 'ready') resolve();
          else waiters.shift()?.(m);
        });
        void gone.then(() => reject(new Error(`worker exited during start-up; see ${dir}/worker.log`)));
      });
      const send = (msg: ToWorker) => child.send(msg);
      return {
        tuning,
        report: (gc = false) =>
          new Promise<WorkerReport>((resolve) => {
            waiters.push(resolve);
            send({ type: 'report', gc });
          }),
        async stop() {
          if (child.connected) send({ type: 'stop' });
          const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
          await gone;
          clearTimeout(timer);
        },
      };
    },
    async sql<T>(text: string, values: unknown[] = []) {
      return (await raw.query(text, values)).rows as T[];
    },
    async withConnection(fn) {
      const client = await raw.connect();
      try {
        return await fn(
          async <R>(text: string, values: unknown[] = []) => (await client.query(text, values)).rows as R[],
        );
      } finally {
        client.release();
      }
    },
    async stop() {
      for (const w of workers) await stopChild(w);
      if (api) await stopChild(api);
      await simulators.close();
      await smtp.close();
      await temporal.connection.close();
      await raw.end();
      await db.$disconnect();
      await Promise.allSettled([temporalServer.stop(), pg.stop()]);
      if (!process.env.BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}
