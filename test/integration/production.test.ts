import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensureDevSecrets } from '../../config/devSecrets';
import { newPayloadKey } from '../../platform/payloadCodec';
import { spawnEntry } from '../helpers/processes';

/**
 * NODE_ENV=production refuses development settings at start, as `npm run api`, `npm run worker` and `npm start`
 * run: AUTH_MODE=dev (whose dev-token endpoint gives anyone an administrator's token) stops the process with
 * one sentence naming the variable, and a secret missing from the environment is never taken from the
 * development secrets file of DATA_DIR, even when one is there.
 */
const need = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through jest`);
  return v;
};

let dir: string;
let dataDir: string;
let env: Record<string, string>;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(need('TEST_TMP_DIR'), 'production-'));
  dataDir = path.join(dir, 'data');
  env = {
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    SMTP_URL: 'smtp://127.0.0.1:1',
    SIMULATOR_URL: 'http://127.0.0.1:1',
    AUTH_MODE: 'jwt',
    JWT_SECRET: randomBytes(32).toString('hex'),
    PAYMENT_CALLBACK_SECRET: randomBytes(32).toString('hex'),
    LINK_SECRET: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PAYLOAD_KEYS: newPayloadKey('prod-1'),
    WORKER_METRICS_PORT: '0',
  };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs an entry point to its end; its exit code and output. */
async function run(entry: string, extra: Record<string, string | undefined>) {
  const merged = Object.fromEntries(
    Object.entries({ ...env, ...extra }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const name = `${path.basename(entry, '.ts')}-${randomBytes(3).toString('hex')}`;
  const proc = spawnEntry({ name, entry, env: merged, logDir: dir });
  const exit = await proc.exited;
  return { code: exit.code, output: fs.readFileSync(proc.logFile, 'utf8') };
}

describe('NODE_ENV=production', () => {
  it.each(['api/main.ts', 'worker/main.ts'])('%s refuses AUTH_MODE=dev in one sentence', async (entry) => {
    const { code, output } = await run(entry, { AUTH_MODE: 'dev' });
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toEqual([
      'Invalid configuration:',
      "  AUTH_MODE: dev is refused when NODE_ENV=production, because its dev-token endpoint gives anyone an administrator's token; set AUTH_MODE=jwt",
    ]);
  });

  it('npm start refuses its development defaults and writes no development secrets', async () => {
    const fresh = path.join(dir, 'fresh');
    const { code, output } = await run('scripts/start.ts', {
      DATA_DIR: fresh,
      AUTH_MODE: undefined,
      DATABASE_URL: undefined,
      LINK_SECRET: undefined,
    });
    expect(code).toBe(1);
    expect(output).toContain('AUTH_MODE: dev (the default of npm start) is refused when NODE_ENV=production');
    expect(output).toContain('DATABASE_URL: must be set when NODE_ENV=production');
    expect(output).toContain(
      'LINK_SECRET: must be set in the environment when NODE_ENV=production (development secrets are never used in production)',
    );
    expect(fs.existsSync(path.join(fresh, 'dev-secrets.json'))).toBe(false);
  });

  it.each(['LINK_SECRET', 'PAYLOAD_KEYS', 'PAYMENT_CALLBACK_SECRET', 'DATA_ENCRYPTION_KEY'])(
    'never takes %s from the development secrets file that DATA_DIR holds',
    async (name) => {
      ensureDevSecrets(dataDir); // every secret is in the file
      const { code, output } = await run('api/main.ts', { [name]: undefined });
      expect(code).toBe(1);
      expect(output.trim().split('\n')).toEqual([
        'Invalid configuration:',
        `  ${name}: must be set in the environment when NODE_ENV=production (development secrets are never used in production)`,
      ]);
      // The same environment outside production would have started with the file's secret (checked in
      // test/unit/config.test.ts); here nothing of the file is shown.
      const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'dev-secrets.json'), 'utf8')) as Record<
        string,
        string
      >;
      for (const value of Object.values(secrets)) expect(output).not.toContain(value);
    },
  );
});
