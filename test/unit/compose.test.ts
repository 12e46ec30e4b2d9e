import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../config';
import { SEARCH_ATTRIBUTES } from '../../workflows/searchAttributes';

/**
 * docker-compose.yml must describe a system that starts: every variable the configuration requires is set
 * for the API and the worker, the addresses name services of the file, and the images are pinned.
 */
const root = path.resolve(__dirname, '..', '..');
const composeText = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, Record<string, any>>;
};
const services = compose.services;

/** What an operator puts in the .env file the header asks for. */
const OPERATOR_ENV: Record<string, string> = {
  POSTGRES_PASSWORD: 'a-long-database-password',
  JWT_SECRET: 'x'.repeat(40),
  PAYMENT_CALLBACK_SECRET: 'y'.repeat(32),
  LINK_SECRET: 'z'.repeat(40),
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  PAYLOAD_KEYS: `2026-12:${Buffer.alloc(32, 8).toString('base64')}`,
  SMTP_URL: 'smtp://mail.example.gov.cn:25',
  REGISTRY_URL: 'https://registry.example.gov.cn',
  INSURER_URL: 'https://insurer.example.com',
  PAYMENT_SERVICE_URL: 'https://pay.example.gov.cn',
  PUBLIC_BASE_URL: 'https://kjbx.haidian.gov.cn',
};

/** Compose's interpolation: ${X}, ${X:-default}, ${X:?error}; $$ is a literal $. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\{(\w+)(?::([-?])([^}]*))?\}/g,
    (all, name?: string, op?: string, arg?: string) => {
      if (all === '$$') return '$';
      const v = env[name!];
      if (v !== undefined && v !== '') return v;
      if (op === '-') return arg!;
      if (op === '?') throw new Error(`${name} must be set: ${arg}`);
      return '';
    },
  );
}

function envOf(service: string, env = OPERATOR_ENV): Record<string, string> {
  const raw = (services[service]!.environment ?? {}) as Record<string, string | number>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, interpolate(String(v), env)]));
}

const hostOf = (address: string) => new URL(address.includes('://') ? address : `tcp://${address}`).hostname;

describe('docker-compose.yml', () => {
  it.each(['api', 'worker', 'migrate'])('gives %s a configuration the application accepts', (name) => {
    const config = loadConfig(envOf(name));
    expect(config.auth.mode).toBe('jwt');
    // Nothing embedded: the real services of the file and of the operator.
    expect(config.services.simulator).toBeNull();
    expect(config.database.embedded).toBeNull();
    expect(config.temporal.embedded).toBeNull();
    expect(config.mail.embedded).toBeNull();
    expect(config.services.registryUrl).toBe(OPERATOR_ENV.REGISTRY_URL);
    expect(hostOf(config.database.url)).toBe('postgres');
    expect(hostOf(config.temporal.address)).toBe('temporal');
  });

  it('names every variable it requires in its header, and refuses to start without them', () => {
    const required = [...composeText.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]!);
    const header = composeText.split('\nname:')[0]!;
    for (const name of new Set(required)) expect(header).toContain(name);
    const { LINK_SECRET: _omitted, ...incomplete } = OPERATOR_ENV;
    expect(() => envOf('api', incomplete)).toThrow(/LINK_SECRET must be set/);
    const { PAYLOAD_KEYS: _keys, ...noKeys } = OPERATOR_ENV;
    expect(() => envOf('worker', noKeys)).toThrow(/PAYLOAD_KEYS must be set/);
  });

  it('encrypts the workflow histories with the same payload keys in the API and the worker', () => {
    const [api, worker] = ['api', 'worker'].map((s) => loadConfig(envOf(s)));
    expect(api!.env).toBe('production');
    expect(api!.payloadKeys.map((k) => k.id)).toEqual(['2026-12']);
    expect(worker!.payloadKeys).toEqual(api!.payloadKeys);
  });

  it("takes the identity provider's key set and names the token audience", () => {
    const env = { ...OPERATOR_ENV, JWT_SECRET: '', JWT_JWKS_URL: 'https://idp.example.gov.cn/jwks.json' };
    const config = loadConfig(envOf('api', env));
    expect(config.auth).toMatchObject({
      secret: undefined,
      jwksUrl: 'https://idp.example.gov.cn/jwks.json',
      audience: ['haidian-kjbx-api'],
    });
  });

  it('publishes the Temporal UI on the host loopback only, decoding through the API codec server', () => {
    const ui = services['temporal-ui']!;
    expect(ui.ports).toEqual(['127.0.0.1:8233:8080']);
    for (const [name, s] of Object.entries(services)) {
      for (const p of (s.ports ?? []) as string[]) {
        // Nothing else may publish the UI's container port.
        if (name !== 'temporal-ui') expect(p).not.toMatch(/:8080$/);
      }
    }
    const env = envOf('temporal-ui');
    expect(env.TEMPORAL_CODEC_ENDPOINT).toBe(`${OPERATOR_ENV.PUBLIC_BASE_URL}/api/v1/codec`);
    expect(env.TEMPORAL_CODEC_PASS_ACCESS_TOKEN).toBe('true');
    // The API answers the codec requests of the UI's origin, as operators open it through the tunnel.
    expect(new URL(loadConfig(envOf('api')).temporal.uiUrl).origin).toBe('http://localhost:8233');
    expect(env.TEMPORAL_AUTH_CALLBACK_URL!.startsWith('http://localhost:8233/')).toBe(true);
  });

  it('points every address at a service of the file, on the ports they listen on', () => {
    const env = envOf('api');
    expect(services).toHaveProperty(hostOf(env.DATABASE_URL!));
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(services['temporal-ui']!.environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(services.api!.environment.PORT).toBe(3000);
    expect(services.api!.ports).toEqual(['3000-3001:3000']);
    expect(envOf('worker').WORKER_METRICS_PORT).toBe('9464');
    expect(JSON.stringify(services.worker!.healthcheck.test)).toContain('127.0.0.1:9464/healthz');
    const depends = (s: string) => Object.keys(services[s]!.depends_on ?? {});
    for (const s of ['api', 'worker']) {
      expect(depends(s)).toEqual(expect.arrayContaining(['migrate', 'temporal-search-attributes']));
    }
  });

  it('serves /metrics of the API and the worker on internal ports that no service publishes', () => {
    const api = loadConfig(envOf('api'));
    const worker = loadConfig(envOf('worker'));
    expect(api.metrics).toEqual({ host: '0.0.0.0', apiPort: 9465, workerPort: 9464 });
    expect(api.metrics.apiPort).not.toBe(api.http.port);
    expect(worker.metrics.workerPort).toBe(9464);
    const published = Object.values(services).flatMap((s) =>
      ((s.ports ?? []) as string[]).map((p) => Number(String(p).split(':').at(-1))),
    );
    expect(published).not.toContain(api.metrics.apiPort);
    expect(published).not.toContain(worker.metrics.workerPort);
    expect(services.api!.ports).toEqual(['3000-3001:3000']);
    expect(services.worker!.ports).toBeUndefined();
    expect(composeText.split('\nname:')[0]).toMatch(/never on a published port/);
  });

  it('runs two API and two worker replicas from one image, MailDev only in the dev profile', () => {
    expect(services.api!.deploy.replicas).toBe(2);
    expect(services.worker!.deploy.replicas).toBe(2);
    expect(services.api!.build).toBe('.');
    expect(services.worker!.image).toBe(services.api!.image);
    expect(services.maildev!.profiles).toEqual(['dev']);
    for (const [name, s] of Object.entries(services)) {
      if (s.build) continue;
      expect([name, s.image]).toEqual([name, expect.stringMatching(/^[\w./-]+:\d[\w.-]*$/)]); // pinned
    }
  });

  it('registers exactly the project search attributes', () => {
    const command = services['temporal-search-attributes']!.command.join(' ') as string;
    const listed = [...command.matchAll(/(\w+)=(Keyword|Bool)/g)].map((m) => ({ name: m[1], type: m[2] }));
    expect(listed).toEqual(SEARCH_ATTRIBUTES.map((sa) => ({ name: sa.name, type: sa.type })));
  });
});

describe('Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  it('builds in stages and runs production dependencies as a non-root user with a health check', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^FROM node:20\.\d+-bookworm-slim AS runtime$/m);
    expect(dockerfile).toContain('npm prune --omit=dev');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
  });
});
