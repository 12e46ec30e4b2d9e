import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { SignJWT } from 'jose';
import type { DevSecrets } from '../../config';
import { AesGcmPayloadCodec, newPayloadKey, parsePayloadKeys } from '../../platform/payloadCodec';
import { startLightApi, type LightApi } from '../helpers/lightApi';
import { ApiClient } from '../helpers/stack';

/**
 * The codec server of the Temporal UI and CLI (POST /api/v1/codec/decode and /encode): payloads in Temporal's
 * protobuf JSON, for administrators only, callable from the Temporal UI's origin in the browser.
 */
const SECRET = 'a-production-like-secret-of-32-characters!';
const UI = 'http://localhost:8233';
const KEY_A = newPayloadKey('2026-06');
const KEY_B = newPayloadKey('2026-12');

const token = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('operator-sun')
    .setIssuer('haidian-kjbx')
    .setAudience('haidian-kjbx-api')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));

/** A payload as the UI sends it: protobuf JSON, bytes in base64. */
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});
const fromJson = (p: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});
const objection = { name: '王某某', contact: '13912345678' };
const sealedBy = async (keys: string, value: unknown = objection) =>
  toJson(
    (
      await new AesGcmPayloadCodec(parsePayloadKeys(keys)).encode([defaultPayloadConverter.toPayload(value)])
    )[0]!,
  );
const valueOf = (p: { metadata: Record<string, string>; data: string }) =>
  defaultPayloadConverter.fromPayload(fromJson(p));

let api: LightApi;
let admin: ApiClient;
beforeAll(async () => {
  api = await startLightApi({ JWT_SECRET: SECRET, PAYLOAD_KEYS: KEY_A, TEMPORAL_UI_URL: `${UI}/` });
  admin = new ApiClient(api.client.baseUrl, await token({ role: 'admin' }));
});
afterAll(() => api?.close());

describe('the codec server', () => {
  it('decodes for an administrator: encrypted payloads opened, plain ones handed back as they came', async () => {
    const sealed = await sealedBy(KEY_A);
    expect(JSON.stringify(sealed)).not.toContain('13912345678');
    const plain = { ...toJson(defaultPayloadConverter.toPayload('旧的明文')), externalPayloads: [] };
    const res = await admin.post('/api/v1/codec/decode?preserveStorageRefs=true', {
      payloads: [sealed, plain],
    });
    expect(res.status).toBe(200);
    expect(valueOf(res.body.payloads[0])).toEqual(objection);
    expect(res.body.payloads[1]).toEqual(plain);
    // An empty list, as protobuf JSON writes it (the Temporal CLI sends `{}` for events without payloads).
    const empty = await admin.post('/api/v1/codec/decode', {});
    expect([empty.status, empty.body]).toEqual([200, { payloads: [] }]);
  });

  it('encodes what the UI sends to workflows, so that the workers open it', async () => {
    const res = await admin.post('/api/v1/codec/encode', {
      payloads: [toJson(defaultPayloadConverter.toPayload({ reason: '补充材料' }))],
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(res.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    const worker = new AesGcmPayloadCodec(parsePayloadKeys(KEY_A));
    const [opened] = await worker.decode([fromJson(res.body.payloads[0])]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual({ reason: '补充材料' });
  });

  it.each([
    ['no token', () => Promise.resolve(undefined), 401],
    ['a reviewer', () => token({ role: 'reviewer', org: 'committee' }), 403],
    ['an approver', () => token({ role: 'approver', org: 'committee' }), 403],
    ['an applicant', () => token({ role: 'applicant', creditCode: '91110108MA01C8HQ7J' }), 403],
  ])('refuses %s, also from the UI origin', async (_who, tokenOf, status) => {
    const caller = new ApiClient(api.client.baseUrl, await tokenOf());
    const sealed = await sealedBy(KEY_A);
    for (const path of ['/api/v1/codec/decode', '/api/v1/codec/encode']) {
      const res = await caller.post(path, { payloads: [sealed] }, { origin: UI });
      expect([path, res.status]).toEqual([path, status]);
      expect(JSON.stringify(res.body)).not.toContain('13912345678');
    }
  });

  it('answers the UI origin preflight (token and UI headers allowed), and no other origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.client.baseUrl}/api/v1/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-namespace',
        },
      });
    const ok = await preflight(UI);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-methods')).toBe('POST');
    expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(ok.headers.get('access-control-allow-headers')).toContain('x-namespace');
    const evil = await preflight('http://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();

    const answer = await admin.post('/api/v1/codec/decode', { payloads: [] }, { origin: UI });
    expect(answer.headers.get('access-control-allow-origin')).toBe(UI);
    const elsewhere = await admin.post(
      '/api/v1/codec/decode',
      { payloads: [] },
      { origin: 'http://evil.example' },
    );
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses bad input with 4xx naming the field, and a payload its keys do not open with 422', async () => {
    const notBase64 = await admin.post('/api/v1/codec/decode', { payloads: [{ data: 'not base64!' }] });
    expect(notBase64.status).toBe(400);
    expect(notBase64.body.error.details[0].path).toBe('body.payloads.0.data');
    const unknown = await admin.post('/api/v1/codec/decode', { payloads: [], extra: 1 });
    expect(unknown.body.error.details[0].path).toBe('body.extra');
    const query = await admin.post('/api/v1/codec/decode?preserveStorageRefs=maybe', { payloads: [] });
    expect(query.body.error.details[0].path).toBe('query.preserveStorageRefs');
    const foreign = await admin.post('/api/v1/codec/decode', {
      payloads: [toJson(defaultPayloadConverter.toPayload(1)), await sealedBy(KEY_B)],
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.error).toMatchObject({
      code: 'PAYLOAD_NOT_DECODABLE',
      details: [{ path: 'body.payloads.1' }],
    });
    expect(foreign.body.error.message).toContain('key "2026-12"');
  });
});

describe('rotating the payload key', () => {
  it('decodes payloads of the old and the new key once the new one is current, and seals with the new', async () => {
    const before = await sealedBy(KEY_A, 'sealed before the rotation');
    const rotated = await startLightApi({ JWT_SECRET: SECRET, PAYLOAD_KEYS: `${KEY_B},${KEY_A}` });
    try {
      const operator = new ApiClient(rotated.client.baseUrl, admin.token);
      const fresh = (
        await operator.post('/api/v1/codec/encode', {
          payloads: [toJson(defaultPayloadConverter.toPayload('sealed after'))],
        })
      ).body.payloads[0];
      expect(Buffer.from(fresh.metadata['encryption-key-id'], 'base64').toString()).toBe('2026-12');
      const res = await operator.post('/api/v1/codec/decode', { payloads: [before, fresh] });
      expect(res.body.payloads.map(valueOf)).toEqual(['sealed before the rotation', 'sealed after']);
      // A process still on the old list alone cannot open the new key's payloads.
      expect((await admin.post('/api/v1/codec/decode', { payloads: [fresh] })).status).toBe(422);
    } finally {
      await rotated.close();
    }
  });
});

describe('the embedded Temporal UI under npm start (AUTH_MODE=dev)', () => {
  const secrets: DevSecrets = {
    pgPassword: 'pw',
    jwtSecret: SECRET,
    paymentCallbackSecret: 'c'.repeat(40),
    linkSecret: 'l'.repeat(40),
    dataKey: Buffer.alloc(32, 1).toString('base64'),
    payloadKeys: KEY_A,
  };

  it('is let in by its own origin without a token (it has no sign-in); nobody else is', async () => {
    // The dev server of npm start: no TEMPORAL_ADDRESS, its UI on TEMPORAL_UI_PORT.
    const dev = await startLightApi(
      { AUTH_MODE: 'dev', TEMPORAL_ADDRESS: undefined, TEMPORAL_UI_PORT: '8399', PAYLOAD_KEYS: undefined },
      secrets,
    );
    try {
      expect(dev.config.temporal.embedded).not.toBeNull();
      const anonymous = (origin?: string) =>
        dev.client.post('/api/v1/codec/decode', { payloads: [] }, origin ? { origin } : {});
      const fromUi = await anonymous('http://127.0.0.1:8399');
      expect(fromUi.status).toBe(200);
      expect((await anonymous('http://localhost:3000')).status).toBe(401);
      expect((await anonymous()).status).toBe(401);
    } finally {
      await dev.close();
    }
    // With tokens required (AUTH_MODE=jwt), the same origin without a token is refused.
    const jwt = await startLightApi(
      { AUTH_MODE: 'jwt', TEMPORAL_ADDRESS: undefined, TEMPORAL_UI_PORT: '8399', PAYLOAD_KEYS: KEY_A },
      secrets,
    );
    try {
      const res = await jwt.client.post(
        '/api/v1/codec/decode',
        { payloads: [] },
        { origin: 'http://127.0.0.1:8399' },
      );
      expect(res.status).toBe(401);
    } finally {
      await jwt.close();
    }
  });
});
