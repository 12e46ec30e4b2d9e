import { createServer, type Server } from 'node:http';
import {
  decodeJwt,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { startLightApi, type LightApi } from '../helpers/lightApi';
import { ApiClient } from '../helpers/stack';

const SECRET = 'a-production-like-secret-of-32-characters!';
const AUDIENCE = 'haidian-kjbx-api';
let api: LightApi;
let client: ApiClient;

beforeAll(async () => {
  api = await startLightApi({ JWT_SECRET: SECRET });
  expect(api.config.auth.mode).toBe('jwt');
  client = api.client;
});
afterAll(() => api?.close());

const now = () => Math.floor(Date.now() / 1000);

/** A token as the identity provider issues it; `omit` leaves claims out, `iat`/`exp` are absolute. */
function sign(
  claims: Record<string, unknown>,
  opts: {
    secret?: string;
    issuer?: string;
    audience?: string;
    expiresIn?: string;
    iat?: number;
    exp?: number;
    omit?: ('exp' | 'iat' | 'aud')[];
  } = {},
) {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('someone')
    .setIssuer(opts.issuer ?? 'haidian-kjbx');
  if (!opts.omit?.includes('aud')) jwt.setAudience(opts.audience ?? AUDIENCE);
  if (!opts.omit?.includes('iat')) jwt.setIssuedAt(opts.iat ?? now());
  if (!opts.omit?.includes('exp')) jwt.setExpirationTime(opts.exp ?? opts.expiresIn ?? '1h');
  return jwt.sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

const withToken = (token: string) => new ApiClient(client.baseUrl, token);

describe('authentication in jwt mode', () => {
  it('has no dev-token endpoint', async () => {
    const res = await client.post('/api/v1/auth/dev-token', { role: 'admin', subject: 'x' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('accepts a token of the configured issuer and audience, with exp and iat, within the clock tolerance', async () => {
    for (const token of [
      await sign({ role: 'admin' }),
      // Issued 20 s "in the future" by a provider whose clock runs ahead (tolerance 30 s).
      await sign({ role: 'admin' }, { iat: now() + 20 }),
      // Nearly as old as the longest accepted age (12 h), and not expired.
      await sign({ role: 'admin' }, { iat: now() - 12 * 3600 + 60, exp: now() + 600 }),
      // One of a list of audiences.
      await new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('someone')
        .setIssuer('haidian-kjbx')
        .setAudience(['another-service', AUDIENCE])
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(SECRET)),
    ]) {
      const res = await withToken(token).get('/api/v1/auth/me');
      expect([res.status, res.body]).toEqual([200, { subject: 'someone', role: 'admin' }]);
    }
  });

  it.each([
    [
      'a wrong signature',
      () => sign({ role: 'admin' }, { secret: 'another-secret-that-is-32-characters-long' }),
      'token is invalid',
    ],
    ['an expired token', () => sign({ role: 'admin' }, { expiresIn: '-1m' }), 'token has expired'],
    [
      'another issuer',
      () => sign({ role: 'admin' }, { issuer: 'elsewhere' }),
      'token is from another issuer',
    ],
    ['a token without exp', () => sign({ role: 'admin' }, { omit: ['exp'] }), 'token lacks the "exp" claim'],
    ['a token without iat', () => sign({ role: 'admin' }, { omit: ['iat'] }), 'token lacks the "iat" claim'],
    ['a token without aud', () => sign({ role: 'admin' }, { omit: ['aud'] }), 'token lacks the "aud" claim'],
    [
      'a token for another audience',
      () => sign({ role: 'admin' }, { audience: 'another-service' }),
      'token is meant for another audience',
    ],
    [
      'a token older than the longest accepted age, though not expired',
      () => sign({ role: 'admin' }, { iat: now() - 13 * 3600, exp: now() + 3600 }),
      'token is older than the longest accepted token age',
    ],
    [
      'a token issued ten years in the future',
      () =>
        sign({ role: 'admin' }, { iat: now() + 10 * 365 * 86_400, exp: now() + 10 * 365 * 86_400 + 3600 }),
      'token is issued in the future',
    ],
    [
      'a token issued beyond the clock tolerance in the future',
      () => sign({ role: 'admin' }, { iat: now() + 90 }),
      'token is issued in the future',
    ],
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

describe('the dev-token endpoint (AUTH_MODE=dev)', () => {
  it.each([
    [{}, 12 * 3600],
    [{ JWT_MAX_AGE_SECONDS: '3600' }, 3600],
  ])('issues tokens that pass every check (%j)', async (env, lifetime) => {
    const dev = await startLightApi({ AUTH_MODE: 'dev', ...env });
    try {
      const res = await dev.client.post('/api/v1/auth/dev-token', { role: 'admin', subject: 'sun' });
      expect(res.status).toBe(200);
      const claims = decodeJwt(res.body.token as string);
      expect(claims).toMatchObject({ sub: 'sun', role: 'admin', iss: 'haidian-kjbx', aud: AUDIENCE });
      expect(claims.exp! - claims.iat!).toBe(lifetime);
      expect(Math.abs(claims.iat! - now())).toBeLessThan(5);
      const me = await new ApiClient(dev.client.baseUrl, res.body.token as string).get('/api/v1/auth/me');
      expect(me.body).toMatchObject({ subject: 'sun', role: 'admin' });
    } finally {
      await dev.close();
    }
  });
});

/** The identity provider's key set, served locally; `keys` is what it publishes now. */
class LocalJwks {
  keys: JWK[] = [];
  fetches = 0;
  down = false;
  private server!: Server;
  url = '';

  async start() {
    this.server = createServer((_req, res) => {
      this.fetches += 1;
      if (this.down) {
        res.writeHead(503).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/jwks.json`;
  }
  stop() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface ProviderKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function providerKey(kid: string): Promise<ProviderKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

const issue = (key: ProviderKey, claims: JWTPayload = { role: 'approver', org: 'committee' }) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setSubject(`approver-${key.kid}`)
    .setIssuer('https://idp.haidian.example')
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key.privateKey);

describe("keys from the identity provider's JWKS (JWT_JWKS_URL)", () => {
  const jwks = new LocalJwks();
  let idp: LightApi;
  beforeAll(async () => {
    await jwks.start();
    idp = await startLightApi({
      JWT_SECRET: undefined,
      JWT_JWKS_URL: jwks.url,
      JWT_ISSUER: 'https://idp.haidian.example',
      JWT_JWKS_COOLDOWN_SECONDS: '0',
    });
  });
  afterAll(async () => {
    await idp?.close();
    await jwks.stop();
  });

  const me = async (token: string) => {
    const res = await new ApiClient(idp.client.baseUrl, token).get('/api/v1/auth/me');
    return [res.status, res.status === 200 ? res.body.subject : res.body.error.message];
  };

  it('takes tokens of the old and the new key across a rotation, fetching the set again for a new kid', async () => {
    const [oldKey, newKey, stranger] = await Promise.all([
      providerKey('2026-a'),
      providerKey('2026-b'),
      providerKey('forged'),
    ]);
    jwks.keys = [oldKey.jwk];
    expect(await me(await issue(oldKey))).toEqual([200, 'approver-2026-a']);
    expect(await me(await issue(oldKey))).toEqual([200, 'approver-2026-a']);
    expect(jwks.fetches).toBe(1); // cached

    // The provider publishes its new key beside the old one, then signs with it: mid-run, no restart.
    jwks.keys = [oldKey.jwk, newKey.jwk];
    expect(await me(await issue(newKey))).toEqual([200, 'approver-2026-b']);
    expect(jwks.fetches).toBe(2); // the unknown kid made it fetch again
    expect(await me(await issue(oldKey))).toEqual([200, 'approver-2026-a']);
    expect(await me(await issue(newKey))).toEqual([200, 'approver-2026-b']);
    expect(jwks.fetches).toBe(2);

    // The old key retired: tokens of the new one go on; a key the provider never published is refused.
    jwks.keys = [newKey.jwk];
    expect(await me(await issue(newKey))).toEqual([200, 'approver-2026-b']);
    expect(await me(await issue(stranger))).toEqual([
      401,
      "token is signed with a key the identity provider's key set lacks",
    ]);
    // A token signed with the provider's key but a forged kid, and one claiming HS256, are refused too.
    const wrongKid = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: newKey.kid })
      .setSubject('x')
      .setIssuer('https://idp.haidian.example')
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(stranger.privateKey);
    expect((await me(wrongKid))[0]).toBe(401);
    expect((await me(await sign({ role: 'admin' }, { issuer: 'https://idp.haidian.example' })))[0]).toBe(401);
  });

  it('answers 503 while the key set cannot be fetched, and recovers when it can', async () => {
    const later = await providerKey('2027-a');
    jwks.down = true;
    const token = await issue(later);
    const res = await new ApiClient(idp.client.baseUrl, token).get('/api/v1/auth/me');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('AUTH_UNAVAILABLE');
    expect(res.headers.get('retry-after')).toBe('5');
    jwks.down = false;
    jwks.keys = [later.jwk];
    expect(await me(token)).toEqual([200, 'approver-2027-a']);
  });
});
