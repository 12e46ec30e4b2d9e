/**
 * The environment of one test system, built in one place: the in-process stack (test/helpers/stack.ts)
 * reads its configuration from it, and the API and worker processes the tests spawn get the same one
 * (`spawnedEnv`), so that they share its database, task queue, SMTP capture, simulators and secrets.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { TEST_PAYLOAD_KEYS } from './payloadKeys';

/** Fresh secrets for one system: its API, workers and payment simulator must agree on them. */
export function testSecrets() {
  return {
    JWT_SECRET: randomBytes(32).toString('hex'),
    PAYMENT_CALLBACK_SECRET: randomBytes(32).toString('hex'),
    LINK_SECRET: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
  };
}
export type TestSecrets = ReturnType<typeof testSecrets>;

/** What a test system runs against, and its secrets; `extra` adds or replaces variables. */
export function systemEnv(
  parts: {
    databaseUrl: string;
    temporalAddress: string;
    taskQueue: string;
    smtpUrl: string;
    simulatorUrl: string;
    secrets: TestSecrets;
  },
  extra: Record<string, string | undefined> = {},
): Record<string, string> {
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    DATABASE_URL: parts.databaseUrl,
    TEMPORAL_ADDRESS: parts.temporalAddress,
    TEMPORAL_TASK_QUEUE: parts.taskQueue,
    SMTP_URL: parts.smtpUrl,
    SIMULATOR_URL: parts.simulatorUrl,
    AUTH_MODE: 'dev',
    ...parts.secrets,
    NOTICE_SCHEDULE: 'off',
    RECOVERY_SCHEDULE: 'off',
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * The same system's environment for an API or worker process spawned by a test (test/helpers/processes.ts):
 * its files under `logDir`, the prebuilt workflow bundle (as the production image's workers use), metrics on
 * ports of their own, and warnings in its log.
 */
export function spawnedEnv(env: Record<string, string>, logDir: string, extra: Record<string, string> = {}) {
  return {
    ...env,
    DATA_DIR: path.join(logDir, 'data'),
    WORKFLOW_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE!,
    WORKER_METRICS_PORT: '0',
    API_METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}
