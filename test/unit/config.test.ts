import fs from 'node:fs';
import path from 'node:path';
import { EnvSchema, loadConfig, type DevSecrets } from '../../config';

const secrets: DevSecrets = {
  pgPassword: 'pw',
  jwtSecret: 'j'.repeat(40),
  paymentCallbackSecret: 'c'.repeat(40),
  linkSecret: 'l'.repeat(40),
  dataKey: Buffer.alloc(32, 1).toString('base64'),
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
  ])('stops with a message naming the bad variable (%j)', (env, name) => {
    expect(() => loadConfig(env, { devSecrets: secrets })).toThrow(
      new RegExp(`^Invalid configuration:[\\s\\S]*${name}`),
    );
  });

  it('requires a token key and a database outside the embedded stack', () => {
    expect(() => loadConfig({})).toThrow(
      /DATABASE_URL[\s\S]*JWT_SECRET[\s\S]*PAYMENT_CALLBACK_SECRET[\s\S]*LINK_SECRET[\s\S]*DATA_ENCRYPTION_KEY/,
    );
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
