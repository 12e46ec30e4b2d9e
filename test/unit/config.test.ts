import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, EnvSchema, loadConfig, type DevSecrets } from '../../config';
import { ensureDevSecrets, loadProcessConfig } from '../../config/devSecrets';

const secrets: DevSecrets = {
  pgPassword: 'pw',
  jwtSecret: 'j'.repeat(40),
  paymentCallbackSecret: 'c'.repeat(40),
  linkSecret: 'l'.repeat(40),
  dataKey: Buffer.alloc(32, 1).toString('base64'),
  payloadKeys: `dev1:${Buffer.alloc(32, 2).toString('base64')}`,
};

/** A production environment that sets everything itself. */
const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://u:p@db:5432/subsidy',
  TEMPORAL_ADDRESS: 'temporal:7233',
  SMTP_URL: 'smtp://mail:25',
  SIMULATOR_URL: 'http://sim:4010',
  AUTH_MODE: 'jwt',
  JWT_JWKS_URL: 'https://idp.example.gov.cn/.well-known/jwks.json',
  PAYMENT_CALLBACK_SECRET: 'y'.repeat(32),
  LINK_SECRET: 'z'.repeat(32),
  DATA_ENCRYPTION_KEY: 'a'.repeat(64),
  PAYLOAD_KEYS: `2026-12:${Buffer.alloc(32, 5).toString('base64')}`,
};

describe('configuration', () => {
  it('defaults to the embedded stack when no outside service is configured', () => {
    const c = loadConfig({}, { defaultAuthMode: 'dev', devSecrets: secrets });
    expect(c.database.embedded).toEqual({ port: 5433, password: 'pw' });
    expect(c.temporal).toMatchObject({
      address: '127.0.0.1:7233',
      uiUrl: 'http://127.0.0.1:8233',
      namespace: 'default',
    });
    expect(c.temporal.embedded).toEqual({ port: 7233, uiPort: 8233, cli: undefined });
    expect(c.mail).toMatchObject({ smtpUrl: 'smtp://127.0.0.1:1025', inboxUrl: 'http://127.0.0.1:1080' });
    expect(c.services).toMatchObject({
      registryUrl: 'http://127.0.0.1:4010/registry',
      simulator: { port: 4010 },
    });
    expect(c.auth.mode).toBe('dev');
    expect(c.http.port).toBe(3000);
  });

  it('moves every port, so two copies can run side by side', () => {
    const c = loadConfig(
      {
        PORT: '3100',
        EMBEDDED_PG_PORT: '5533',
        TEMPORAL_PORT: '7333',
        TEMPORAL_UI_PORT: '8333',
        SMTP_PORT: '1125',
        MAILDEV_WEB_PORT: '1180',
        SIMULATOR_PORT: '4110',
      },
      { defaultAuthMode: 'dev', devSecrets: secrets },
    );
    expect([
      c.http.port,
      c.database.embedded?.port,
      c.temporal.embedded?.port,
      c.temporal.embedded?.uiPort,
      c.mail.embedded?.smtpPort,
      c.mail.embedded?.webPort,
      c.services.simulator?.port,
    ]).toEqual([3100, 5533, 7333, 8333, 1125, 1180, 4110]);
  });

  it('uses outside services when their URLs are set', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgresql://u:p@db:5432/subsidy',
      TEMPORAL_ADDRESS: 'temporal:7233',
      SMTP_URL: 'smtp://mail:25',
      SIMULATOR_URL: 'http://sim:4010',
      JWT_SECRET: 'x'.repeat(32),
      PAYMENT_CALLBACK_SECRET: 'y'.repeat(32),
      LINK_SECRET: 'z'.repeat(32),
      DATA_ENCRYPTION_KEY: 'k'.repeat(64).replace(/k/g, 'a'),
      PAYLOAD_KEYS: PRODUCTION.PAYLOAD_KEYS,
    });
    expect(c.database.embedded).toBeNull();
    expect(c.temporal.embedded).toBeNull();
    expect(c.mail.embedded).toBeNull();
    expect(c.services.simulator).toBeNull();
    expect(c.auth.mode).toBe('jwt');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ TEMPORAL_ADDRESS: 'no-port' }, 'TEMPORAL_ADDRESS'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ TIME_ACCELERATION: '-2' }, 'TIME_ACCELERATION'],
    [{ AUTH_MODE: 'open' }, 'AUTH_MODE'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ PAYLOAD_KEYS: 'no-key-here' }, 'PAYLOAD_KEYS'],
    [{ PAYLOAD_KEYS: `a:${'0'.repeat(63)}` }, 'PAYLOAD_KEYS'],
    [{ JWT_AUDIENCE: ' , ' }, 'JWT_AUDIENCE'],
    [{ JWT_CLOCK_TOLERANCE_SECONDS: '3600' }, 'JWT_CLOCK_TOLERANCE_SECONDS'],
    [{ JWT_JWKS_URL: 'jwks.json' }, 'JWT_JWKS_URL'],
  ])('stops with a message naming the bad variable (%j)', (env, name) => {
    expect(() => loadConfig(env, { devSecrets: secrets })).toThrow(
      new RegExp(`^Invalid configuration:[\\s\\S]*${name}`),
    );
  });

  it('requires a token key and a database outside the embedded stack', () => {
    expect(() => loadConfig({})).toThrow(
      /DATABASE_URL[\s\S]*JWT_SECRET[\s\S]*PAYMENT_CALLBACK_SECRET[\s\S]*LINK_SECRET[\s\S]*DATA_ENCRYPTION_KEY[\s\S]*PAYLOAD_KEYS/,
    );
  });

  it('reads the payload keys, the first one sealing, and the token rules with their defaults', () => {
    const c = loadConfig({
      ...PRODUCTION,
      PAYLOAD_KEYS: `new:${'b'.repeat(64)}, old:${Buffer.alloc(32, 9).toString('base64url')}`,
      JWT_AUDIENCE: 'haidian-kjbx-api, temporal-ui',
    });
    expect(c.payloadKeys.map((k) => [k.id, k.key.length])).toEqual([
      ['new', 32],
      ['old', 32],
    ]);
    expect(c.auth).toMatchObject({
      mode: 'jwt',
      jwksUrl: PRODUCTION.JWT_JWKS_URL,
      issuer: 'haidian-kjbx',
      audience: ['haidian-kjbx-api', 'temporal-ui'],
      maxAgeSeconds: 12 * 3600,
      clockToleranceSeconds: 30,
      jwksCooldownSeconds: 30,
    });
    expect(loadConfig({}, { defaultAuthMode: 'dev', devSecrets: secrets }).payloadKeys[0]!.id).toBe('dev1');
  });
});

describe('production (NODE_ENV=production)', () => {
  it('starts with everything from its environment', () => {
    expect(loadConfig(PRODUCTION).env).toBe('production');
  });

  it.each([
    ['set explicitly', { AUTH_MODE: 'dev' }, {}],
    ['as the default of npm start', { AUTH_MODE: undefined }, { defaultAuthMode: 'dev' as const }],
  ])('refuses AUTH_MODE=dev %s, in one sentence naming it', (_how, env, options) => {
    let message = '';
    try {
      loadConfig({ ...PRODUCTION, JWT_SECRET: 'j'.repeat(40), ...env }, { ...options, devSecrets: secrets });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    const lines = message.split('\n').slice(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^ {2}AUTH_MODE: dev.* is refused when NODE_ENV=production, because [^.]*; set AUTH_MODE=jwt$/,
    );
  });

  it.each(['PAYMENT_CALLBACK_SECRET', 'LINK_SECRET', 'DATA_ENCRYPTION_KEY', 'PAYLOAD_KEYS'])(
    'never takes %s from the development secrets, and says so naming it',
    (name) => {
      const env: Record<string, string | undefined> = { ...PRODUCTION, [name]: undefined };
      expect(() => loadConfig(env, { devSecrets: secrets })).toThrow(
        new ConfigError(
          `Invalid configuration:\n  ${name}: must be set in the environment when NODE_ENV=production (development secrets are never used in production)`,
        ),
      );
      // Outside production the same gap is filled from the development secrets.
      expect(() => loadConfig({ ...env, NODE_ENV: 'test' }, { devSecrets: secrets })).not.toThrow();
    },
  );

  it('needs its own database and token keys, never the embedded ones', () => {
    const { DATABASE_URL: _db, JWT_JWKS_URL: _jwks, ...rest } = PRODUCTION;
    expect(() => loadConfig(rest, { devSecrets: secrets })).toThrow(
      /DATABASE_URL: must be set when NODE_ENV=production[\s\S]*JWT_SECRET: required/,
    );
  });

  it('does not read the development secrets file at all', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-test-'));
    try {
      // A file that cannot be read as JSON: reading it would fail with a SyntaxError.
      fs.writeFileSync(path.join(dir, 'dev-secrets.json'), 'not json');
      const env = { ...PRODUCTION, DATA_DIR: dir, LINK_SECRET: undefined };
      expect(() => loadProcessConfig({ ...env, NODE_ENV: 'development' })).toThrow(SyntaxError);
      expect(() => loadProcessConfig(env, { createSecrets: true })).toThrow(/LINK_SECRET: must be set/);
      // A real secrets file is not used either, nor written.
      fs.rmSync(path.join(dir, 'dev-secrets.json'));
      const generated = ensureDevSecrets(dir);
      const before = fs.statSync(path.join(dir, 'dev-secrets.json')).mtimeMs;
      expect(() => loadProcessConfig(env, { createSecrets: true })).toThrow(/LINK_SECRET: must be set/);
      expect(loadProcessConfig({ ...env, NODE_ENV: 'development' }).linkSecret).toBe(generated.linkSecret);
      expect(fs.statSync(path.join(dir, 'dev-secrets.json')).mtimeMs).toBe(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('.env.example', () => {
  it('documents exactly the variables the configuration reads', () => {
    const documented = fs
      .readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.split('=')[0]);
    // TEMPORAL_CLI and TEMPORAL_TEST_SERVER are read by the tool finder (scripts, tests), not the app.
    const read = [...Object.keys(EnvSchema.shape), 'TEMPORAL_TEST_SERVER'];
    expect([...documented].sort()).toEqual([...new Set(read)].sort());
  });
});
