import type { Server } from 'node:http';
import { SignJWT } from 'jose';
import { createApp } from '../../api/app';
import { createTokenService } from '../../api/auth';
import type { ApiDeps } from '../../api/deps';
import { loadConfig } from '../../config';
import { createLogger } from '../../services/logger';
import { ApiClient } from '../helpers/stack';

const SECRET = 'a-production-like-secret-of-32-characters!';
let server: Server;
let client: ApiClient;

beforeAll(async () => {
  const config = loadConfig({
    DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    JWT_SECRET: SECRET,
    PAYMENT_CALLBACK_SECRET: 'x'.repeat(32),
    LINK_SECRET: 'l'.repeat(32),
    DATA_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    SIMULATOR_URL: 'http://127.0.0.1:1',
  });
  expect(config.auth.mode).toBe('jwt');
  // Token checks happen before any database or workflow call, so none is needed here.
  const deps = {
    config,
    tokens: createTokenService(config.auth),
    logger: createLogger('silent', 'test'),
  } as unknown as ApiDeps;
  const app = createApp(deps);
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address() as { port: number };
  client = new ApiClient(`http://127.0.0.1:${address.port}`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const sign = (
  claims: Record<string, unknown>,
  opts: { secret?: string; issuer?: string; expiresIn?: string } = {},
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('someone')
    .setIssuer(opts.issuer ?? 'haidian-kjbx')
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(opts.secret ?? SECRET));

const withToken = (token: string) => new ApiClient(client.baseUrl, token);

describe('authentication in jwt mode', () => {
  it('has no dev-token endpoint', async () => {
    const res = await client.post('/api/v1/auth/dev-token', { role: 'admin', subject: 'x' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it.each([
    [
      'a wrong signature',
      () => sign({ role: 'admin' }, { secret: 'another-secret-that-is-32-characters-long' }),
      'token is invalid',
    ],
    ['an expired token', () => sign({ role: 'admin' }, { expiresIn: '-1m' }), 'token has expired'],
    ['another issuer', () => sign({ role: 'admin' }, { issuer: 'elsewhere' }), 'token is invalid'],
    ['an unknown role', () => sign({ role: 'root' }), 'token lacks required claims'],
    ['garbage', () => Promise.resolve('not.a.jwt'), 'token is invalid'],
  ])('refuses %s with 401', async (_why, token, message) => {
    const res = await withToken(await token()).get('/api/v1/tasks');
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({
      code: 'UNAUTHORIZED',
      message,
      details: [],
      requestId: expect.any(String),
    });
  });

  it('refuses a valid token of the wrong role with 403 before touching anything', async () => {
    const res = await withToken(await sign({ role: 'bank', bankCode: 'ICBC' })).get('/api/v1/tasks');
    expect(res.status).toBe(403);
  });

  it('refuses a malformed Authorization header', async () => {
    const res = await client.request('GET', '/api/v1/tasks', undefined, { authorization: 'Basic abc' });
    expect(res.status).toBe(401);
  });
});
