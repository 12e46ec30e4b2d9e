import express from 'express';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPaymentClient, type PaymentRequest, type PaymentView } from '../../services/payment';
import { signPaymentCallback, verifyPaymentCallback } from '../../services/paymentSignature';
import { RetryableServiceError, ServiceError } from '../../services/serviceErrors';
import { startSimulators } from '../../dev/simulators/server';
import { jsonRequest, rejectionOf } from '../helpers/rawHttp';

const SECRET = 'payment-callback-secret-for-tests';

let sim: Awaited<ReturnType<typeof startSimulators>>;

/** A callback received by the local receiver, as it arrived on the wire. */
interface Received {
  rawBody: string;
  signature: string | undefined;
  timestamp: string | undefined;
  at: number;
}

/** The system's side of the callbacks: records each one and answers the next queued status (204 after). */
const receiver = {
  server: undefined as Server | undefined,
  url: '',
  received: [] as Received[],
  answers: [] as number[],
};

beforeAll(async () => {
  sim = await startSimulators({ port: 0, seed: false, paymentCallbackSecret: SECRET });
  const app = express();
  app.post('/callbacks', express.raw({ type: () => true }), (req, res) => {
    receiver.received.push({
      rawBody: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
      signature: req.get('x-signature'),
      timestamp: req.get('x-timestamp'),
      at: Date.now(),
    });
    res.status(receiver.answers.shift() ?? 204).end();
  });
  receiver.server = createServer(app);
  await new Promise<void>((resolve) => receiver.server!.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/callbacks`;
});
afterAll(async () => {
  await sim?.close();
  await new Promise((resolve) => receiver.server?.close(resolve));
});
afterEach(() => {
  sim.reset();
  receiver.received = [];
  receiver.answers = [];
});

const client = (timeoutMs?: number) => createPaymentClient({ baseUrl: `${sim.url}/payment`, timeoutMs });

let keys = 0;
const request = (overrides: Partial<PaymentRequest> = {}): PaymentRequest => ({
  idempotencyKey: `HD-2026-000001:grant:${Date.now()}-${++keys}`,
  payee: {
    kind: 'ENTERPRISE',
    name: '北京智研未来科技有限公司',
    bankName: '中国工商银行北京海淀支行',
    accountName: '北京智研未来科技有限公司',
    accountNumber: '0200004509200012345',
  },
  amountFen: 125_000,
  reference: 'HD-2026-000001 科技保险保费补贴',
  ...overrides,
});

const http = (method: string, path: string, body?: unknown) => jsonRequest(method, sim.url + path, body);

async function waitFor<T>(
  what: string,
  probe: () => Promise<T> | T,
  timeoutMs = 5000,
): Promise<Exclude<T, false | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Exclude<T, false | null | undefined>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const settled = (id: string): Promise<PaymentView> =>
  waitFor(`payment ${id} to settle`, async () => {
    const payment = await client().getPayment(id);
    return payment?.status === 'PENDING' ? null : payment;
  });

const callbacksReceived = (n: number) =>
  waitFor(`${n} callback(s)`, () => receiver.received.length >= n && receiver.received);

const rows = async () => (await http('GET', '/sim/payment/payments')).body;
const setBehaviour = (body: unknown) => http('PUT', '/sim/payment/behaviour', body);
const detailPaths = (body: any): string[] => body.error.details.map((d: { path: string }) => d.path);
const nowSeconds = () => Math.floor(Date.now() / 1000);
const isValid = (r: Received) =>
  verifyPaymentCallback(SECRET, r.signature, r.timestamp, r.rawBody, nowSeconds());

describe('requesting a payment', () => {
  it('answers a new key with a PENDING payment, which settles SUCCEEDED after the default 200 ms', async () => {
    const req = request();
    const payment = await client().createPayment(req);
    expect(payment).toEqual({
      id: expect.any(String),
      idempotencyKey: req.idempotencyKey,
      payee: req.payee,
      amountFen: req.amountFen,
      reference: req.reference,
      status: 'PENDING',
      failureReason: null,
      createdAt: expect.any(String),
      settledAt: null,
    });
    const done = await settled(payment.id);
    expect(done).toEqual({ ...payment, status: 'SUCCEEDED', settledAt: expect.any(String) });
    expect(Date.parse(done.settledAt!) - Date.parse(done.createdAt)).toBeGreaterThanOrEqual(190);
  });

  it('makes one payment however often a key is sent, concurrently or after it settled', async () => {
    const req = request();
    const raw = await Promise.all([1, 2, 3].map(() => http('POST', '/payment/payments', req)));
    expect(raw.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(raw.map((r) => r.body.id)).size).toBe(1);

    const concurrent = await Promise.all([1, 2, 3].map(() => client().createPayment(req)));
    expect(concurrent.map((p) => p.id)).toEqual([raw[0]!.body.id, raw[0]!.body.id, raw[0]!.body.id]);

    await settled(raw[0]!.body.id);
    const again = await client().createPayment(req);
    expect(again).toMatchObject({ id: raw[0]!.body.id, status: 'SUCCEEDED' });
    expect(await rows()).toHaveLength(1);
  });

  it('refuses a key reused for another amount or payee with 409, which the client reports as definitive', async () => {
    const req = request();
    const first = await client().createPayment(req);
    const raw = await http('POST', '/payment/payments', { ...req, amountFen: req.amountFen + 1 });
    expect(raw.status).toBe(409);
    expect(raw.body.error.code).toBe('IDEMPOTENCY_CONFLICT');

    const otherPayee = { ...req, payee: { ...req.payee, accountNumber: '6222020200012345678' } };
    const err = await rejectionOf(client().createPayment(otherPayee));
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ service: 'payment', status: 409, code: 'IDEMPOTENCY_CONFLICT' });

    expect((await rows()).map((r: any) => [r.id, r.amountFen])).toEqual([[first.id, req.amountFen]]);
  });

  it('rejects an invalid request with 400 and one detail per wrong field', async () => {
    const res = await http('POST', '/payment/payments', {
      idempotencyKey: 'has spaces',
      payee: { kind: 'BANK', name: '', accountNumber: '0200-0045' },
      amountFen: 0,
      reference: 'x'.repeat(101),
      callbackUrl: 'ftp://example.com/cb',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(detailPaths(res.body).sort()).toEqual(
      [
        'body.idempotencyKey',
        'body.payee.kind',
        'body.payee.name',
        'body.payee.accountNumber',
        'body.amountFen',
        'body.reference',
        'body.callbackUrl',
      ].sort(),
    );
    const err = await rejectionOf(client().createPayment(request({ amountFen: 12.5 })));
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(await rows()).toEqual([]);
  });

  it('fails a payment to an enterprise without an account number with ACCOUNT_MISSING', async () => {
    const { accountNumber: _, ...payee } = request().payee;
    const payment = await client().createPayment(request({ payee }));
    expect(await settled(payment.id)).toMatchObject({ status: 'FAILED', failureReason: 'ACCOUNT_MISSING' });
  });

  it('pays an insurer identified by its code', async () => {
    const payee = { kind: 'INSURER' as const, name: '中国人民财产保险股份有限公司', insurerCode: 'PICC' };
    const payment = await client().createPayment(request({ payee }));
    expect(await settled(payment.id)).toMatchObject({ payee, status: 'SUCCEEDED' });
  });

  it('answers 404 for an unknown payment, which the client reports as null', async () => {
    const raw = await http('GET', '/payment/payments/PAY-unknown');
    expect(raw.status).toBe(404);
    expect(raw.body.error.code).toBe('NOT_FOUND');
    expect(await client().getPayment('PAY-unknown')).toBeNull();
  });
});

describe('callbacks', () => {
  it('POSTs the settled payment, signed with the shared secret, and records the attempt', async () => {
    const req = request({ callbackUrl: receiver.url });
    const payment = await client().createPayment(req);
    const [callback] = await callbacksReceived(1);
    const done = await client().getPayment(payment.id);

    expect(JSON.parse(callback!.rawBody)).toEqual({
      paymentId: payment.id,
      idempotencyKey: req.idempotencyKey,
      status: 'SUCCEEDED',
      failureReason: null,
      amountFen: req.amountFen,
      settledAt: done!.settledAt,
    });
    expect(Math.abs(Number(callback!.timestamp) - nowSeconds())).toBeLessThanOrEqual(2);
    expect(callback!.signature).toBe(
      signPaymentCallback(SECRET, Number(callback!.timestamp), callback!.rawBody),
    );
    expect(isValid(callback!)).toBe(true);
    expect(
      verifyPaymentCallback(
        'another-secret',
        callback!.signature,
        callback!.timestamp,
        callback!.rawBody,
        nowSeconds(),
      ),
    ).toBe(false);

    const [row] = await rows();
    expect(row.callbackUrl).toBe(receiver.url);
    expect(row.callbacks).toEqual([
      { delivery: 1, attempt: 1, at: expect.any(String), httpStatus: 204, error: null },
    ]);
  });

  it('does not call back when no callbackUrl was given', async () => {
    const payment = await client().createPayment(request());
    await settled(payment.id);
    const [row] = await rows();
    expect(row.callbacks).toEqual([]);
    expect(receiver.received).toEqual([]);
  });

  it('retries a callback the receiver refuses, backing off from 100 ms, each attempt freshly signed', async () => {
    receiver.answers = [500, 503];
    await client().createPayment(request({ callbackUrl: receiver.url }));
    const received = await callbacksReceived(3);
    expect(received.every(isValid)).toBe(true);
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(90);
    expect(received[2]!.at - received[1]!.at).toBeGreaterThanOrEqual(190);

    const [row] = await rows();
    expect(row.callbacks.map((c: any) => [c.delivery, c.attempt, c.httpStatus])).toEqual([
      [1, 1, 500],
      [1, 2, 503],
      [1, 3, 204],
    ]);
  });

  it('gives up after five retries of an unreachable receiver, recording each error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    await setBehaviour({ mode: 'succeed', delayMs: 0 });
    await client().createPayment(request({ callbackUrl: `http://127.0.0.1:${port}/callbacks` }));
    // 100 + 200 + 400 + 800 + 1600 ms of back-off.
    const callbacks = await waitFor('six attempts', async () => {
      const [row] = await rows();
      return row.callbacks.length >= 6 && row.callbacks;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await rows())[0].callbacks).toHaveLength(6);
    expect(callbacks.map((c: any) => c.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const c of callbacks) expect(c).toMatchObject({ httpStatus: null, error: 'ECONNREFUSED' });
  });
});

describe('behaviour', () => {
  it('starts in mode succeed with a 200 ms delay', async () => {
    expect((await http('GET', '/sim/payment/behaviour')).body).toEqual({
      mode: 'succeed',
      delayMs: 200,
      failCount: 0,
      failureReason: null,
      calls: 0,
    });
  });

  it('settles new payments FAILED with the reason of mode fail-definitive, ACCOUNT_CLOSED by default', async () => {
    expect((await setBehaviour({ mode: 'fail-definitive' })).body).toMatchObject({
      mode: 'fail-definitive',
      failureReason: 'ACCOUNT_CLOSED',
    });
    const closed = await client().createPayment(request());
    expect(await settled(closed.id)).toMatchObject({ status: 'FAILED', failureReason: 'ACCOUNT_CLOSED' });

    await setBehaviour({ mode: 'fail-definitive', failureReason: 'NAME_MISMATCH', delayMs: 50 });
    const mismatched = await client().createPayment(request({ callbackUrl: receiver.url }));
    const [callback] = await callbacksReceived(1);
    expect(JSON.parse(callback!.rawBody)).toMatchObject({
      paymentId: mismatched.id,
      status: 'FAILED',
      failureReason: 'NAME_MISMATCH',
    });
    expect(await client().getPayment(mismatched.id)).toMatchObject({ failureReason: 'NAME_MISMATCH' });
  });

  it('answers failCount protocol calls with 503 and no effect in mode transient-then-succeed, then succeeds', async () => {
    await setBehaviour({ mode: 'transient-then-succeed', failCount: 3 });
    const req = request();
    for (const call of [
      () => client().createPayment(req),
      () => client().getPayment('PAY-x'),
      () => client().createPayment(req),
    ]) {
      const err = await rejectionOf(call());
      expect(err).toBeInstanceOf(RetryableServiceError);
      expect(err).toMatchObject({ service: 'payment', status: 503, code: 'UNAVAILABLE' });
    }
    expect(await rows()).toEqual([]);

    const payment = await client().createPayment(req);
    expect(payment.status).toBe('PENDING');
    expect((await http('GET', '/sim/payment/behaviour')).body).toMatchObject({
      mode: 'transient-then-succeed',
      failCount: 0,
      calls: 4,
    });
    expect(await settled(payment.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await rows()).toHaveLength(1);
  });

  it('fails two calls by default in mode transient-then-succeed and counts calls from when it was set', async () => {
    await client().getPayment('PAY-x');
    expect((await setBehaviour({ mode: 'transient-then-succeed' })).body).toEqual({
      mode: 'transient-then-succeed',
      delayMs: 200,
      failCount: 2,
      failureReason: null,
      calls: 0,
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await http('GET', '/payment/payments/PAY-x')).status);
    expect(statuses).toEqual([503, 503, 404]);
    expect((await http('GET', '/sim/payment/behaviour')).body).toMatchObject({ failCount: 0, calls: 3 });
  });

  it('settles after delayMs', async () => {
    await setBehaviour({ mode: 'succeed', delayMs: 600 });
    const payment = await client().createPayment(request());
    // Watched until it settles: PENDING whenever asked before the delay was over, never settled early.
    const seen: { at: number; status: string }[] = [];
    const done = await waitFor(`payment ${payment.id} to settle`, async () => {
      const view = await client().getPayment(payment.id);
      seen.push({ at: Date.now() - Date.parse(payment.createdAt), status: view!.status });
      return view?.status === 'PENDING' ? null : view;
    });
    expect(seen.filter((s) => s.at < 590).every((s) => s.status === 'PENDING')).toBe(true);
    expect(seen.some((s) => s.at >= 300 && s.status === 'PENDING')).toBe(true);
    expect(Date.parse(done.settledAt!) - Date.parse(done.createdAt)).toBeGreaterThanOrEqual(590);
  });

  it('rejects an invalid behaviour with 400 and per-field details, keeping the current one', async () => {
    const res = await setBehaviour({ mode: 'flaky', delayMs: -1 });
    expect(res.status).toBe(400);
    expect(detailPaths(res.body).sort()).toEqual(['body.delayMs', 'body.mode']);
    const misplaced = await setBehaviour({ mode: 'succeed', failCount: 3, failureReason: 'ACCOUNT_CLOSED' });
    expect(detailPaths(misplaced.body).sort()).toEqual(['body.failCount', 'body.failureReason']);
    const missing = await setBehaviour({ mode: 'fail-definitive', failureReason: 'ACCOUNT_MISSING' });
    expect(detailPaths(missing.body)).toEqual(['body.failureReason']);
    expect((await http('GET', '/sim/payment/behaviour')).body.mode).toBe('succeed');
  });

  it('forgets every payment and restores the behaviour on POST /sim/reset, leaving the registry modes alone', async () => {
    await setBehaviour({ mode: 'fail-definitive', delayMs: 60_000 });
    await client().createPayment(request({ callbackUrl: receiver.url }));
    expect((await http('GET', '/sim/registry/behaviour')).body.mode).toBe('normal');

    expect((await http('POST', '/sim/reset')).status).toBe(204);
    expect(await rows()).toEqual([]);
    expect((await http('GET', '/sim/payment/behaviour')).body).toMatchObject({
      mode: 'succeed',
      delayMs: 200,
    });
  });
});

describe('control routes', () => {
  it('delivers a settled payment’s callback once more on request, answering after the receiver did', async () => {
    await setBehaviour({ mode: 'succeed', delayMs: 60_000 });
    const payment = await client().createPayment(request({ callbackUrl: receiver.url }));
    const early = await http('POST', `/sim/payment/payments/${payment.id}/callback`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('NOT_SETTLED');

    await http('POST', `/sim/payment/payments/${payment.id}/settle`, { status: 'SUCCEEDED' });
    const again = await http('POST', `/sim/payment/payments/${payment.id}/callback`);
    expect(again.status).toBe(200);
    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    expect(second!.rawBody).toBe(first!.rawBody);
    expect(isValid(second!)).toBe(true);
    expect(again.body.callbacks.map((c: any) => [c.delivery, c.attempt, c.httpStatus])).toEqual([
      [1, 1, 204],
      [2, 1, 204],
    ]);

    expect((await http('POST', '/sim/payment/payments/PAY-unknown/callback')).status).toBe(404);
  });

  it('refuses to re-deliver for a payment requested without a callbackUrl', async () => {
    await setBehaviour({ mode: 'succeed', delayMs: 0 });
    const payment = await client().createPayment(request());
    await settled(payment.id);
    const res = await http('POST', `/sim/payment/payments/${payment.id}/callback`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('NO_CALLBACK_URL');
  });

  it('settles a PENDING payment now, with its callback, and only once', async () => {
    await setBehaviour({ mode: 'succeed', delayMs: 60_000 });
    const payment = await client().createPayment(request({ callbackUrl: receiver.url }));
    const res = await http('POST', `/sim/payment/payments/${payment.id}/settle`, {
      status: 'FAILED',
      failureReason: 'NAME_MISMATCH',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: payment.id, status: 'FAILED', failureReason: 'NAME_MISMATCH' });
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(receiver.received[0]!.rawBody)).toMatchObject({
      status: 'FAILED',
      failureReason: 'NAME_MISMATCH',
    });
    expect(await client().getPayment(payment.id)).toMatchObject({
      status: 'FAILED',
      failureReason: 'NAME_MISMATCH',
    });

    const twice = await http('POST', `/sim/payment/payments/${payment.id}/settle`, { status: 'SUCCEEDED' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('ALREADY_SETTLED');
    expect(
      (await http('POST', '/sim/payment/payments/PAY-unknown/settle', { status: 'SUCCEEDED' })).status,
    ).toBe(404);
  });

  it('fails a forced FAILED settlement with ACCOUNT_CLOSED by default and validates the body', async () => {
    await setBehaviour({ mode: 'succeed', delayMs: 60_000 });
    const payment = await client().createPayment(request());
    const bad = await http('POST', `/sim/payment/payments/${payment.id}/settle`, {
      status: 'SUCCEEDED',
      failureReason: 'ACCOUNT_CLOSED',
    });
    expect(bad.status).toBe(400);
    expect(detailPaths(bad.body)).toEqual(['body.failureReason']);
    const res = await http('POST', `/sim/payment/payments/${payment.id}/settle`, { status: 'FAILED' });
    expect(res.body).toMatchObject({ status: 'FAILED', failureReason: 'ACCOUNT_CLOSED' });
  });
});

describe('the callback signature', () => {
  const body = '{"paymentId":"PAY-1","status":"SUCCEEDED"}';
  const ts = 1_790_000_000;
  const signature = signPaymentCallback(SECRET, ts, body);

  it('is sha256= and the hex HMAC-SHA256 of "<timestamp>.<raw body>"', () => {
    const expected = createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex');
    expect(signature).toBe(`sha256=${expected}`);
  });

  it('verifies within the tolerance either way', () => {
    expect(verifyPaymentCallback(SECRET, signature, String(ts), body, ts)).toBe(true);
    expect(verifyPaymentCallback(SECRET, signature, String(ts), body, ts + 300)).toBe(true);
    expect(verifyPaymentCallback(SECRET, signature, String(ts), body, ts - 300)).toBe(true);
  });

  it('refuses a tampered body or timestamp and a wrong secret', () => {
    expect(
      verifyPaymentCallback(SECRET, signature, String(ts), body.replace('SUCCEEDED', 'FAILED'), ts),
    ).toBe(false);
    expect(verifyPaymentCallback(SECRET, signature, String(ts + 1), body, ts)).toBe(false);
    expect(verifyPaymentCallback(SECRET, signature, `0${ts}`, body, ts)).toBe(false);
    expect(verifyPaymentCallback('another-secret', signature, String(ts), body, ts)).toBe(false);
  });

  it('refuses a stale or future timestamp beyond the tolerance', () => {
    expect(verifyPaymentCallback(SECRET, signature, String(ts), body, ts + 301)).toBe(false);
    expect(verifyPaymentCallback(SECRET, signature, String(ts), body, ts - 301)).toBe(false);
    expect(verifyPaymentCallback(SECRET, signature, String(ts), body, ts + 30, 10)).toBe(false);
  });

  it('refuses missing or malformed headers', () => {
    const hex = signature.slice('sha256='.length);
    for (const header of [
      undefined,
      '',
      hex,
      `sha1=${hex}`,
      `sha256=${hex.slice(2)}`,
      `sha256=${hex}00`,
      'sha256=' + 'z'.repeat(64),
    ]) {
      expect(verifyPaymentCallback(SECRET, header, String(ts), body, ts)).toBe(false);
    }
    for (const timestamp of [undefined, '', 'soon', '1.79e9', `-${ts}`, ` ${ts}`]) {
      expect(verifyPaymentCallback(SECRET, signature, timestamp, body, ts)).toBe(false);
    }
  });
});
