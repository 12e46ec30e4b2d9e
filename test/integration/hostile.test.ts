import fc from 'fast-check';
import { SignJWT } from 'jose';
import { ROUTES } from '../../api/app';
import { as, type ApiClient, type TestStack, stackPerFile } from '../helpers/stack';
import { REQUIRED_DOCUMENTS } from '../../domain/documents';
import { newApplicant, policyFacts, uploadDocument } from '../helpers/world';
import { databaseFingerprint } from '../helpers/evidence';

let stack: TestStack, admin: ApiClient;
stackPerFile(
  async (s) => {
    stack = s;
    admin = await as(s, { role: 'admin' });
  },
  { PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' },
);

const fingerprint = () => databaseFingerprint(stack.db);

/** Strings people and attackers send. */
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(
    '\' OR 1=1; DROP TABLE "Application"; --',
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    '../../etc/passwd',
    '%00',
    '\u0000\u202e\ud83d\ude00',
    '__proto__',
    'constructor',
    '9'.repeat(400),
    'x'.repeat(70_000),
    '1e309',
    'NaN',
    '-0',
  ),
);

/** Nested junk, with prototype-pollution keys among the ordinary ones. */
const junk: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    nasty,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    tie('object'),
  ),
  object: fc.dictionary(
    fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'creditCode', 'track', 'policy'),
    ),
    tie('value'),
    { maxKeys: 5 },
  ),
})).value;

const mutating = ROUTES.filter(
  (r) =>
    r.method !== 'get' && (r.body || r.params || r.query) && !r.path.startsWith('/api/v1/payments/callback'),
);

describe('hostile input on every endpoint', () => {
  it('answers every junk body, query and path with a documented 4xx and changes nothing', async () => {
    const before = await fingerprint();
    const answers = new Map<string, number[]>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...mutating.map((r) => `${r.method} ${r.path}`)),
        fc.oneof(junk, fc.string()),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), nasty, { maxKeys: 3 }),
        nasty,
        fc.boolean(),
        async (routeKey, body, query, param, rawText) => {
          const route = mutating.find((r) => `${r.method} ${r.path}` === routeKey)!;
          const path = route.path.replace(/\{\w+\}/g, () => encodeURIComponent(param || 'x'));
          const qs = new URLSearchParams(query).toString();
          const res = await fetch(`${stack.baseUrl}${path}${qs ? `?${qs}` : ''}`, {
            method: route.method.toUpperCase(),
            headers: {
              authorization: `Bearer ${admin.token}`,
              'content-type': rawText ? 'text/plain' : 'application/json',
            },
            body: rawText && typeof body === 'string' ? body : JSON.stringify(body),
          });
          const text = await res.text();
          const key = `${route.method} ${route.path}`;
          answers.set(key, [...(answers.get(key) ?? []), res.status]);
          if (res.status < 400 || res.status >= 500)
            throw new Error(`${key} answered ${res.status}: ${text.slice(0, 300)}`);
          // Node itself refuses a request line beyond its header limit, before any of our code runs.
          if (res.status === 431 || res.status === 414) return;
          const parsed = JSON.parse(text) as {
            error: { code: string; message: string; details?: unknown[] };
          };
          expect(parsed.error).toEqual(
            expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
          );
        },
      ),
      { numRuns: 400, seed: Number(process.env.FUZZ_SEED ?? 20261128) },
    );
    expect(await fingerprint()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(answers.size).toBeGreaterThan(mutating.length / 2);
  });

  it('answers junk on every GET with 4xx or 200, never 500', async () => {
    const gets = ROUTES.filter((r) => r.method === 'get');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...gets.map((r) => r.path)),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), nasty, { maxKeys: 3 }),
        nasty,
        async (routePath, query, param) => {
          const route = { path: routePath };
          const path = route.path.replace(/\{\w+\}/g, () => encodeURIComponent(param || 'x'));
          const qs = new URLSearchParams(query).toString();
          const res = await fetch(`${stack.baseUrl}${path}${qs ? `?${qs}` : ''}`, {
            headers: { authorization: `Bearer ${admin.token}` },
          });
          if (res.status >= 500)
            throw new Error(`${route.path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
        },
      ),
      { numRuns: 200, seed: Number(process.env.FUZZ_SEED ?? 20261128) },
    );
  });

  it('refuses oversized bodies with 413 and sends security headers', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ junk: 'x'.repeat(stack.config.http.bodyLimitBytes + 10) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.code).toBe('PAYLOAD_TOO_LARGE');
    const health = await fetch(`${stack.baseUrl}/api/v1/notices`);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(health.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(health.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(health.headers.get('x-powered-by')).toBeNull();
  });
});

describe('tokens', () => {
  const sign = (claims: Record<string, unknown>, secret: string, exp = '1h') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer('haidian-kjbx')
      .setAudience(stack.config.auth.audience[0]!)
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(secret));

  it('refuses a wrong signature, an expired token, alg none and a wrong role', async () => {
    const call = (token: string) =>
      fetch(`${stack.baseUrl}/api/v1/admin/workflows/stuck`, {
        headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' },
      });
    const forged = await sign({ role: 'admin', org: 'committee' }, 'not-the-secret-not-the-secret-00');
    expect((await call(forged)).status).toBe(401);
    // Expired beyond the clock tolerance (JWT_CLOCK_TOLERANCE_SECONDS, 30 s).
    const expired = await sign({ role: 'admin', org: 'committee' }, stack.config.auth.secret!, '-31s');
    const expiredRes = await call(expired);
    expect(expiredRes.status).toBe(401);
    expect(((await expiredRes.json()) as any).error.message).toBe('token has expired');
    const [, payload] = forged.split('.');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    expect((await call(none)).status).toBe(401);
    const reviewer = await sign({ role: 'reviewer', org: 'committee' }, stack.config.auth.secret!);
    expect((await call(reviewer)).status).toBe(403);
    expect((await call('garbage')).status).toBe(401);
  });
});

describe('idempotency under concurrency', () => {
  it('creates one application however often and however concurrently a POST is replayed', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE');
    const documents: string[] = [];
    for (const type of REQUIRED_DOCUMENTS.INCLUSIVE)
      documents.push((await uploadDocument(a.client, type)).body.id);
    const { creditCode: _holder, ...policy } = policyFacts(a, 'INCLUSIVE');
    const body = { creditCode: a.code, track: 'INCLUSIVE', policy, documents };
    const post = () => a.client.post('/api/v1/applications', body, { 'idempotency-key': 'submit-once' });

    const all = await Promise.all([post(), post(), post()]);
    const created = all.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    const id = created[0]!.body.id as string;
    for (const r of all) {
      if (r.status === 409) expect(r.body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
      else expect([r.status, r.body.id]).toEqual([201, id]);
    }
    for (let i = 0; i < 3; i++) {
      const replay = await post();
      expect([replay.status, replay.body.id, replay.headers.get('idempotent-replayed')]).toEqual([
        201,
        id,
        'true',
      ]);
    }
    const changed = await a.client.post(
      '/api/v1/applications',
      { ...body, documents: documents.slice(1) },
      { 'idempotency-key': 'submit-once' },
    );
    expect([changed.status, changed.body.error.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await stack.db.application.count({ where: { creditCode: a.code } })).toBe(1);
  });
});
