/**
 * Starts what every test file shares: one real PostgreSQL server (each integration test file creates its
 * own database on it), one Temporal dev server (each file uses its own task queue), and the workflow bundle
 * (built once). Locations reach the test files through environment variables. The browser tests see
 * no system Chromium and no system font (test/helpers/hermetic.ts).
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { migrate } from '../../prisma/migrate';
import { bundledChromium } from '../../reports/chromium';
import { startEmbeddedPostgres } from '../../dev/embedded/postgres';
import { findTemporalCli, findTemporalTestServer } from '../../dev/embedded/temporalCli';
import { freePort, startTemporalDevServer } from '../../dev/embedded/temporalServer';
import { WORKFLOW_INTERCEPTOR_MODULES, WORKFLOWS_PATH } from '../../worker/worker';
import { ensureWebBuild } from '../../scripts/webBuild';
import { withoutMachineChromiumAndFonts } from './hermetic';

const TEMPLATE_DATABASE = 'subsidy_template';

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export default async function globalSetup(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'subsidy-test-'));
  fs.chmodSync(dir, 0o755);
  const password = randomBytes(12).toString('hex');
  const [pgPort, temporalPort] = [await freePort(), await freePort()];
  const testServer = findTemporalTestServer();
  // The browser tests and the PDF report run as on a fresh machine: Chromium and fonts come from npm.
  withoutMachineChromiumAndFonts(dir);

  const [pg, temporal, bundle] = await Promise.all([
    startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: pgPort, password }).then(async (server) => {
      // Migrated once: each test file's database is a copy of this one (test/helpers/stack.ts).
      await adminQuery(server.url('postgres'), `CREATE DATABASE ${TEMPLATE_DATABASE}`);
      await migrate(server.url(TEMPLATE_DATABASE));
      return server;
    }),
    startTemporalDevServer({
      cli: findTemporalCli(),
      port: temporalPort,
      logFile: path.join(dir, 'temporal.log'),
    }),
    bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
      logger: quietLogger,
    }),
    // The console the browser tests drive: built when its sources changed since the last build (seconds).
    ensureWebBuild(),
    bundledChromium(), // unpacked once here, not by each test worker
  ]);
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);

  process.env.TEST_PG_ADMIN_URL = pg.url('postgres');
  process.env.TEST_PG_TEMPLATE = TEMPLATE_DATABASE;
  process.env.TEST_TEMPORAL_ADDRESS = temporal.address;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.TEST_TEMPORAL_TEST_SERVER = testServer;
  process.env.TEST_TMP_DIR = dir;
  (globalThis as Record<string, unknown>).__testServices = { pg, temporal, dir };
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
