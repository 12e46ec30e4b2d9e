import { randomUUID } from 'node:crypto';
import { ROUTES } from '../../api/app';
import type { Caller } from '../../domain/roles';
import { signPaymentCallback } from '../../services/paymentSignature';
import { creditCode } from '../helpers/fixtures';
import { ApiClient, as, startStack, type TestStack } from '../helpers/stack';
import { PDF } from '../helpers/world';

/**
 * No field the caller sends is silently dropped: the test walks the server's own OpenAPI document and, for
 * every operation, sends one field nobody declared, with otherwise valid authentication (the caller's role, or
 * the payment gateway's signature), and expects a 400 VALIDATION_FAILED that names that field. Requests are
 * refused before any handler runs, so nothing changes.
 */
let stack: TestStack;
let doc: OpenApi;
const tokens = new Map<string, ApiClient>();

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}
interface Operation {
  parameters: Parameter[];
  description?: string;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
type JsonSchema = Record<string, any>;
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
}

beforeAll(async () => {
  stack = await startStack({ PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' });
  doc = (await new ApiClient(stack.baseUrl).get('/api/v1/openapi.json')).body;
});
afterAll(async () => {
  await stack?.stop();
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method, path, op })),
  );

/** A caller the route admits, or none for a public route. */
async function callerFor(method: string, path: string): Promise<ApiClient> {
  const route = ROUTES.find((r) => r.method === method && r.path === path)!;
  if (route.access === 'public') return new ApiClient(stack.baseUrl);
  const role = route.access === 'authenticated' ? 'admin' : route.access[0]!;
  let client = tokens.get(role);
  if (!client) {
    const caller: Omit<Caller, 'subject'> = {
      role,
      ...(role === 'applicant' ? { creditCode: creditCode() } : {}),
      ...(role === 'bank' ? { bankCode: 'BANK-TEST' } : {}),
      ...(['reviewer', 'expert', 'approver'].includes(role) ? { org: 'committee' } : {}),
    };
    client = await as(stack, caller);
    tokens.set(role, client);
  }
  return client;
}

/** A value each path parameter accepts, so that the request gets as far as its query and body. */
function pathValue(name: string, schema: JsonSchema): string {
  if (schema.format === 'uuid') return randomUUID();
  const byName: Record<string, string> = {
    creditCode: creditCode(),
    year: '2026',
    token: 'x'.repeat(40),
    bankCode: 'BANK-TEST',
    subject: 'staff-test',
    quarter: '2026Q3',
  };
  return byName[name] ?? 'HD-2026-000001';
}

/** The values of the required query parameters, from their schemas. */
function requiredQuery(op: Operation): Record<string, string> {
  return Object.fromEntries(
    op.parameters
      .filter((p) => p.in === 'query' && p.required)
      .map((p) => [p.name, String(p.schema.enum?.[0] ?? p.schema.minimum ?? p.schema.default ?? 'x')]),
  );
}

function urlOf(path: string, op: Operation, query: Record<string, string>): string {
  const filled = path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    encodeURIComponent(pathValue(name, op.parameters.find((p) => p.name === name)!.schema)),
  );
  const qs = new URLSearchParams(query).toString();
  return `${stack.baseUrl}${filled}${qs ? `?${qs}` : ''}`;
}

/** Sends a request; a signed operation gets a valid signature of exactly the bytes sent. */
async function send(
  method: string,
  path: string,
  op: Operation,
  query: Record<string, string>,
  body?: unknown,
) {
  const client = await callerFor(method, path);
  const headers: Record<string, string> = client.token ? { authorization: `Bearer ${client.token}` } : {};
  let payload: string | FormData | undefined;
  if (op.requestBody?.content['multipart/form-data']) {
    const form = new FormData();
    for (const [k, v] of Object.entries((body ?? {}) as Record<string, string>)) form.append(k, v);
    form.append('file', new Blob([PDF]), 'doc.pdf');
    payload = form;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  if (op.parameters.some((p) => p.in === 'header' && p.name === 'X-Signature')) {
    const now = Math.floor(Date.now() / 1000);
    headers['x-timestamp'] = String(now);
    headers['x-signature'] = signPaymentCallback(
      stack.config.services.paymentCallbackSecret,
      now,
      typeof payload === 'string' ? payload : '',
    );
  }
  const res = await fetch(urlOf(path, op, query), { method: method.toUpperCase(), headers, body: payload });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* HTML pages of e-mailed links */
  }
  return { status: res.status, body: parsed };
}

const detailPaths = (body: any): string[] =>
  (body?.error?.details ?? []).map((d: { path: string }) => d.path);

/** Whether the query of an operation is let through (the document says so in its description). */
const passesThrough = (op: Operation) => /let through/.test(op.description ?? '');

describe('strict request schemas, proven on every operation of the OpenAPI document', () => {
  it('declares additionalProperties: false on every object a request may carry', () => {
    const open: string[] = [];
    const walk = (s: unknown, at: string) => {
      if (!s || typeof s !== 'object') return;
      const o = s as JsonSchema;
      // A record with enumerated keys (propertyNames) is closed too.
      if (o.type === 'object' && o.additionalProperties !== false && !o.propertyNames) open.push(at);
      for (const [k, v] of Object.entries(o)) walk(v, `${at}.${k}`);
    };
    for (const { method, path, op } of operations()) {
      walk(op.requestBody, `${method} ${path} body`);
      for (const p of op.parameters) walk(p.schema, `${method} ${path} ${p.in} ${p.name}`);
    }
    expect(open).toEqual([]);
  });

  it('refuses an unknown query parameter on every operation, naming it', async () => {
    const answers: string[] = [];
    for (const { method, path, op } of operations()) {
      if (passesThrough(op)) continue;
      const query = { ...requiredQuery(op), unexpectedParam: '1' };
      // A body the operation would otherwise take is beside the point: the query is read first.
      const res = await send(method, path, op, query, op.requestBody ? {} : undefined);
      answers.push(
        `${method} ${path} ${res.status} ${res.body?.error?.code} ${detailPaths(res.body).includes('query.unexpectedParam')}`,
      );
    }
    expect(answers.filter((a) => !a.endsWith(' 400 VALIDATION_FAILED true'))).toEqual([]);
    expect(answers.length).toBeGreaterThan(50);
  });

  it('refuses an unknown body field on every operation that is not a GET, naming it', async () => {
    const answers: string[] = [];
    for (const { method, path, op } of operations()) {
      if (method === 'get') continue;
      const res = await send(method, path, op, requiredQuery(op), { unexpectedField: 'x' });
      answers.push(
        `${method} ${path} ${res.status} ${res.body?.error?.code} ${detailPaths(res.body).includes('body.unexpectedField')}`,
      );
    }
    expect(answers.filter((a) => !a.endsWith(' 400 VALIDATION_FAILED true'))).toEqual([]);
    // The signed payment callback and the multipart upload are among them.
    expect(answers.some((a) => a.startsWith('post /api/v1/payments/callback '))).toBe(true);
    expect(answers.some((a) => a.startsWith('post /api/v1/documents '))).toBe(true);
  });

  it('names an unknown field deep in a body, like the calculator’s facts.srdi', async () => {
    const res = await new ApiClient(stack.baseUrl).post('/api/v1/calculator', {
      plannedPremiumFen: 250_000,
      facts: {
        name: '北京海淀测试科技有限公司',
        district: '海淀区',
        size: 'MEDIUM',
        foundedOn: '2019-06-01',
        mainField: 'ARTIFICIAL_INTELLIGENCE',
        srdi: { level: 'NATIONAL', validUntil: '2028-12-31' },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'invalid body: body.facts.srdi',
      details: [{ path: 'body.facts.srdi', message: 'is not a field of this request' }],
      requestId: expect.any(String),
    });
    const nested = await (
      await as(stack, { role: 'admin' })
    ).put(`/api/v1/enterprises/${creditCode()}`, {
      name: 'x',
      district: '海淀区',
      size: 'SMALL',
      foundedOn: '2019-06-01',
      mainField: 'OTHER',
      contactEmail: 'a@example.com',
      bankAccount: { bankName: 'b', accountName: 'c', accountNumber: '6222020200012345678', iban: 'x' },
    });
    expect(detailPaths(nested.body)).toEqual(['body.bankAccount.iban']);
  });

  it('lets the query of links opened from e-mails through, as the document says', async () => {
    const loose = operations().filter(({ op }) => passesThrough(op));
    expect(loose.map(({ method, path }) => `${method} ${path}`).sort()).toEqual([
      'get /api/v1/campaigns/invitations/{token}',
      'get /api/v1/campaigns/unsubscribe/{token}',
      'post /api/v1/campaigns/unsubscribe/{token}',
    ]);
    for (const { method, path, op } of loose) {
      const res = await send(method, path, op, { utm_source: 'mail' });
      expect({ path, status: res.status }).toEqual({ path, status: 401 }); // the token decides, not the query
    }
  });

  it('marks the old qualification field deprecated, with a note', () => {
    const schema =
      doc.paths['/api/v1/enterprises/{creditCode}']!.put!.requestBody!.content['application/json']!.schema;
    expect(schema.properties.techCertifiedUntil).toMatchObject({
      deprecated: true,
      description: expect.stringContaining('techSmeValidUntil'),
    });
    for (const field of ['techSmeValidUntil', 'highTechCertifiedOn', 'highTechValidUntil'])
      expect(schema.properties[field]).toMatchObject({ type: 'string' });
  });
});
