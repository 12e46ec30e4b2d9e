import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CREDIT_CODE_ALPHABET, creditCodeProblem } from '../../domain/creditCode';
import type { EnterpriseFacts } from '../../domain/rules/facts';
import { createInsurerClient } from '../../services/insurer';
import { createRegistryClient } from '../../services/registry';
import { RetryableServiceError, ServiceError } from '../../services/serviceErrors';
import { SEED_CREDIT_CODES, SEED_ENTERPRISES, SEED_POLICIES } from '../../dev/simulators/seed';
import { startSimulators } from '../../dev/simulators/server';
import { creditCode } from '../helpers/fixtures';
import { policy } from '../helpers/rulesFixtures';
import { jsonRequest, rejectionOf } from '../helpers/rawHttp';

let sim: Awaited<ReturnType<typeof startSimulators>>;
beforeAll(async () => {
  sim = await startSimulators({ port: 0 });
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => {
  sim.reset();
});

const registry = (timeoutMs?: number) => createRegistryClient({ baseUrl: `${sim.url}/registry`, timeoutMs });
const insurer = (timeoutMs?: number) => createInsurerClient({ baseUrl: `${sim.url}/insurer`, timeoutMs });

const http = (method: string, path: string, body?: unknown, base = sim.url) =>
  jsonRequest(method, base + path, body);

const enterpriseBody = (overrides: Record<string, unknown> = {}) => ({
  name: '北京海淀测试智能科技有限公司',
  district: '海淀区',
  streetOffice: '海淀街道',
  size: 'SMALL',
  staff: 30,
  revenueFen: 250_000_000,
  foundedOn: '2021-09-01',
  mainField: 'ARTIFICIAL_INTELLIGENCE',
  creditClean: true,
  ...overrides,
});

/** The insurer's record of the group policy (rulesFixtures), without the keys its address carries. */
const policyBody = (code: string, overrides: Record<string, unknown> = {}) => {
  const { insurerCode: _insurer, policyNumber: _number, ...record } = policy({ creditCode: code });
  return { ...record, ...overrides };
};

const detailPaths = (body: any): string[] => body.error.details.map((d: { path: string }) => d.path);

describe('the registry', () => {
  it('answers every seeded enterprise with exactly its facts', async () => {
    const client = registry();
    for (const facts of SEED_ENTERPRISES) {
      expect(await client.getEnterprise(facts.creditCode)).toEqual(facts);
    }
  });

  it('answers 404 for an unknown credit code, which the client reports as null', async () => {
    const unknown = creditCode();
    const raw = await http('GET', `/registry/enterprises/${unknown}`);
    expect(raw.status).toBe(404);
    expect(raw.body).toEqual({
      error: { code: 'NOT_FOUND', message: expect.stringContaining(unknown), details: [] },
    });
    expect(await registry().getEnterprise(unknown)).toBeNull();
  });

  it('serves what the control API stores, absent qualifications as null, until it is deleted', async () => {
    const code = creditCode();
    const created = await http('PUT', `/sim/registry/enterprises/${code}`, enterpriseBody());
    expect(created.status).toBe(201);
    const expected: EnterpriseFacts = {
      creditCode: code,
      ...(enterpriseBody() as Omit<EnterpriseFacts, 'creditCode' | 'highTech' | 'techSme' | 'srdi'>),
      highTech: null,
      techSme: null,
      srdi: null,
    };
    expect(created.body).toEqual(expected);
    expect(await registry().getEnterprise(code)).toEqual(expected);

    const srdi = { level: 'MUNICIPAL', validUntil: '2027-06-30' };
    const updated = await http('PUT', `/sim/registry/enterprises/${code}`, enterpriseBody({ srdi }));
    expect(updated.status).toBe(200);
    expect((await http('GET', `/sim/registry/enterprises/${code}`)).body.srdi).toEqual(srdi);
    expect((await registry().getEnterprise(code))?.srdi).toEqual(srdi);

    expect((await http('DELETE', `/sim/registry/enterprises/${code}`)).status).toBe(204);
    expect((await http('GET', `/sim/registry/enterprises/${code}`)).status).toBe(404);
    expect((await http('DELETE', `/sim/registry/enterprises/${code}`)).status).toBe(404);
    expect(await registry().getEnterprise(code)).toBeNull();
  });

  it('rejects a bad control body with 400 and one detail per wrong field', async () => {
    const res = await http(
      'PUT',
      `/sim/registry/enterprises/${creditCode()}`,
      enterpriseBody({
        staff: -3,
        foundedOn: '2021-02-30',
        mainField: 'BLOCKCHAIN',
        revenueFen: 12.5,
        highTech: { certifiedOn: '2025-01-01' },
        creditClean: undefined,
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(detailPaths(res.body).sort()).toEqual(
      [
        'body.creditClean',
        'body.foundedOn',
        'body.highTech.validUntil',
        'body.mainField',
        'body.revenueFen',
        'body.staff',
      ].sort(),
    );
    for (const d of res.body.error.details) expect(d.message).toEqual(expect.any(String));
  });

  it('rejects a malformed credit code in the path but keeps codes that fail only the check character', async () => {
    const malformed = await http('PUT', '/sim/registry/enterprises/91110108-OOPS', enterpriseBody());
    expect(malformed.status).toBe(400);
    expect(detailPaths(malformed.body)).toEqual(['params.creditCode']);

    // Legal early codes fail the check character; the system allow-lists them, so the registry holds them.
    const valid = creditCode();
    const wrongCheck =
      valid.slice(0, 17) + CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.indexOf(valid[17]!) + 1) % 31];
    expect(creditCodeProblem(wrongCheck)).toBe('CHECK_CHARACTER');
    expect((await http('PUT', `/sim/registry/enterprises/${wrongCheck}`, enterpriseBody())).status).toBe(201);
    expect((await registry().getEnterprise(wrongCheck))?.creditCode).toBe(wrongCheck);
  });

  it('rejects a missing or non-JSON body', async () => {
    const none = await http('PUT', `/sim/registry/enterprises/${creditCode()}`);
    expect(none.status).toBe(400);
    expect(detailPaths(none.body)).toEqual(['body']);
    const broken = await http('PUT', `/sim/registry/enterprises/${creditCode()}`, '{"name": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_JSON');
  });
});

describe('the insurer', () => {
  it('answers every seeded policy, including numbers that contain a slash', async () => {
    const client = insurer();
    expect(SEED_POLICIES.some((p) => p.policyNumber.includes('/'))).toBe(true);
    for (const policy of SEED_POLICIES) {
      expect(await client.getPolicy(policy.insurerCode, policy.policyNumber)).toEqual(policy);
    }
  });

  it('answers 404 for an unknown policy, which the client reports as null', async () => {
    const seeded = SEED_POLICIES[0]!;
    expect(await insurer().getPolicy(seeded.insurerCode, 'PZAA000000000000000000')).toBeNull();
    // The same number at another insurer is another policy.
    expect(await insurer().getPolicy('PAIC', seeded.policyNumber)).toBeNull();
    const raw = await http('GET', '/insurer/policies/PICC/NOPE-0001');
    expect(raw.status).toBe(404);
    expect(raw.body.error.code).toBe('NOT_FOUND');
  });

  it('serves what the control API stores until it is deleted', async () => {
    const code = creditCode();
    const number = `HD/2026/${Date.now()}`;
    const path = `/sim/insurer/policies/PICC/${encodeURIComponent(number)}`;
    const created = await http('PUT', path, policyBody(code));
    expect(created.status).toBe(201);
    const expected = { insurerCode: 'PICC', policyNumber: number, ...policyBody(code) };
    expect(created.body).toEqual(expected);
    expect(await insurer().getPolicy('PICC', number)).toEqual(expected);

    const partlyPaid = await http('PUT', path, policyBody(code, { paidPremiumFen: 100_000 }));
    expect(partlyPaid.status).toBe(200);
    expect((await insurer().getPolicy('PICC', number))?.paidPremiumFen).toBe(100_000);
    expect((await http('GET', path)).body).toEqual({ ...expected, paidPremiumFen: 100_000 });

    expect((await http('DELETE', path)).status).toBe(204);
    expect((await http('GET', path)).status).toBe(404);
    expect(await insurer().getPolicy('PICC', number)).toBeNull();
  });

  it('rejects a bad control request with 400 and one detail per wrong field', async () => {
    const res = await http(
      'PUT',
      '/sim/insurer/policies/P/ok-0001',
      policyBody('not-a-code', {
        startDate: '2026-13-01',
        paidAt: '2026-02-20 10:00',
        premiumFen: 12.5,
        paidPremiumFen: -1,
        sumInsuredFen: '500000000',
      }),
    );
    expect(res.status).toBe(400);
    expect(detailPaths(res.body).sort()).toEqual(
      [
        'params.insurerCode',
        'body.creditCode',
        'body.startDate',
        'body.paidAt',
        'body.premiumFen',
        'body.paidPremiumFen',
        'body.sumInsuredFen',
      ].sort(),
    );
  });
});

describe('the insurer’s policy changes', () => {
  const number = () => `HD/2026/C${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const changesPath = (n: string) => `/sim/insurer/policies/PICC/${encodeURIComponent(n)}/changes`;

  it('answers the changes the control API records, oldest first, with the paid premium after each', async () => {
    const n = number();
    await http('PUT', `/sim/insurer/policies/PICC/${encodeURIComponent(n)}`, policyBody(creditCode()));
    const paid = policyBody(creditCode()).paidPremiumFen;
    expect(await insurer().getPolicyChanges('PICC', n)).toEqual([]);

    const refund = await http('POST', changesPath(n), {
      id: 'R-1',
      kind: 'REFUND',
      effectiveDate: '2026-05-10',
      premiumDeltaFen: -10_000,
      recordedAt: '2026-05-10T09:00:00+08:00',
    });
    expect(refund.status).toBe(201);
    expect(refund.body.paidPremiumAfterFen).toBe(paid - 10_000);
    // The same change again is the one recorded; another change under its id is a conflict.
    expect(
      (await http('POST', changesPath(n), { ...refund.body, paidPremiumAfterFen: undefined })).status,
    ).toBe(200);
    const other = { id: 'R-1', kind: 'REFUND', effectiveDate: '2026-05-10', premiumDeltaFen: -1 };
    expect((await http('POST', changesPath(n), other)).status).toBe(409);

    const cancel = await http('POST', changesPath(n), {
      kind: 'CANCELLATION',
      effectiveDate: '2026-06-01',
      premiumDeltaFen: -(paid - 10_000),
    });
    expect(cancel.status).toBe(201);
    const changes = await insurer().getPolicyChanges('PICC', n);
    expect(changes?.map((c) => [c.id, c.kind, c.paidPremiumAfterFen])).toEqual([
      ['R-1', 'REFUND', paid - 10_000],
      [cancel.body.id, 'CANCELLATION', 0],
    ]);
    // The policy itself is answered as before.
    expect((await insurer().getPolicy('PICC', n))?.paidPremiumFen).toBe(paid);
  });

  it('answers null for an unknown policy and refuses a bad change with 400 per field', async () => {
    expect(await insurer().getPolicyChanges('PICC', 'NOPE-0001')).toBeNull();
    expect(
      (
        await http('POST', changesPath('NOPE-0001'), {
          kind: 'REFUND',
          effectiveDate: '2026-05-10',
          premiumDeltaFen: -1,
        })
      ).status,
    ).toBe(404);
    const n = number();
    await http('PUT', `/sim/insurer/policies/PICC/${encodeURIComponent(n)}`, policyBody(creditCode()));
    const bad = await http('POST', changesPath(n), {
      kind: 'LAPSE',
      effectiveDate: '2026-02-30',
      premiumDeltaFen: 1.5,
      extra: true,
    });
    expect(bad.status).toBe(400);
    expect(detailPaths(bad.body).sort()).toEqual(
      ['body', 'body.effectiveDate', 'body.kind', 'body.premiumDeltaFen'].sort(),
    );
    const raising = await http('POST', changesPath(n), {
      kind: 'REFUND',
      effectiveDate: '2026-05-10',
      premiumDeltaFen: 100,
    });
    expect(detailPaths(raising.body)).toEqual(['body.premiumDeltaFen']);
    const tooMuch = await http('POST', changesPath(n), {
      kind: 'CANCELLATION',
      effectiveDate: '2026-05-10',
      premiumDeltaFen: -1_000_000_000_000,
    });
    expect(detailPaths(tooMuch.body)).toEqual(['body.premiumDeltaFen']);
  });
});

describe('switchable failures', () => {
  const setBehaviour = (service: string, body: unknown) => http('PUT', `/sim/${service}/behaviour`, body);
  const behaviourOf = async (service: string) => (await http('GET', `/sim/${service}/behaviour`)).body;
  const seededCode = SEED_ENTERPRISES[0]!.creditCode;

  it('answers 503 while unavailable and the client reports it as retryable', async () => {
    expect((await setBehaviour('registry', { mode: 'unavailable' })).status).toBe(200);
    const raw = await http('GET', `/registry/enterprises/${seededCode}`);
    expect(raw.status).toBe(503);
    expect(raw.body.error.code).toBe('UNAVAILABLE');

    const err = await rejectionOf(registry().getEnterprise(seededCode));
    expect(err).toBeInstanceOf(RetryableServiceError);
    expect(err).toMatchObject({ service: 'registry', status: 503 });
    expect(await behaviourOf('registry')).toEqual({
      mode: 'unavailable',
      failCount: 0,
      delayMs: 0,
      calls: 2,
    });
  });

  it('keeps the control API and the other services working while a service is unavailable', async () => {
    await setBehaviour('registry', { mode: 'unavailable' });
    expect((await http('GET', `/sim/registry/enterprises/${seededCode}`)).status).toBe(200);
    expect((await http('PUT', `/sim/registry/enterprises/${creditCode()}`, enterpriseBody())).status).toBe(
      201,
    );
    const policy = SEED_POLICIES[0]!;
    expect(await insurer().getPolicy(policy.insurerCode, policy.policyNumber)).toEqual(policy);
    expect((await behaviourOf('registry')).calls).toBe(0);
  });

  it('holds the answer in timeout mode, so the client gives up at its own timeout and reports it as retryable', async () => {
    await setBehaviour('insurer', { mode: 'timeout', delayMs: 2000 });
    const policy = SEED_POLICIES[0]!;
    const started = Date.now();
    const err = await rejectionOf(insurer(200).getPolicy(policy.insurerCode, policy.policyNumber));
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(RetryableServiceError);
    expect(err.service).toBe('insurer');
    expect(err.status).toBeUndefined();
    expect(err.message).toMatch(/200 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(1500);
  });

  it('waits 30 s by default in timeout mode', async () => {
    expect((await setBehaviour('registry', { mode: 'timeout' })).body).toEqual({
      mode: 'timeout',
      failCount: 0,
      delayMs: 30_000,
      calls: 0,
    });
  });

  it('fails exactly failCount calls in flaky mode, then answers normally; calls counts every attempt', async () => {
    await setBehaviour('registry', { mode: 'flaky', failCount: 2 });
    const client = registry();
    for (let attempt = 1; attempt <= 2; attempt++) {
      const err = await rejectionOf(client.getEnterprise(seededCode));
      expect(err).toBeInstanceOf(RetryableServiceError);
      expect(err.status).toBe(503);
    }
    expect(await client.getEnterprise(seededCode)).toEqual(SEED_ENTERPRISES[0]);
    expect(await client.getEnterprise(seededCode)).toEqual(SEED_ENTERPRISES[0]);
    expect(await behaviourOf('registry')).toEqual({ mode: 'normal', failCount: 0, delayMs: 0, calls: 4 });
  });

  it('adds latency in normal mode with delayMs', async () => {
    await setBehaviour('registry', { mode: 'normal', delayMs: 300 });
    const started = Date.now();
    expect(await registry().getEnterprise(seededCode)).toEqual(SEED_ENTERPRISES[0]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('rejects an invalid behaviour with 400 and per-field details', async () => {
    const res = await setBehaviour('insurer', { mode: 'sometimes', delayMs: -1 });
    expect(res.status).toBe(400);
    expect(detailPaths(res.body).sort()).toEqual(['body.delayMs', 'body.mode']);
    const misplaced = await setBehaviour('insurer', { mode: 'unavailable', failCount: 3 });
    expect(detailPaths(misplaced.body)).toEqual(['body.failCount']);
    expect((await behaviourOf('insurer')).mode).toBe('normal');
  });

  it('restores seed data and normal behaviour on POST /sim/reset', async () => {
    await setBehaviour('registry', { mode: 'unavailable' });
    await http('DELETE', `/sim/registry/enterprises/${seededCode}`);
    expect((await http('POST', '/sim/reset')).status).toBe(204);
    expect(await behaviourOf('registry')).toEqual({ mode: 'normal', failCount: 0, delayMs: 0, calls: 0 });
    expect(await registry().getEnterprise(seededCode)).toEqual(SEED_ENTERPRISES[0]);
  });
});

describe('the clients against a misbehaving server', () => {
  let server: Server;
  let base: string;
  const seeded = SEED_ENTERPRISES[0]!;
  const policy = SEED_POLICIES[0]!;

  beforeAll(async () => {
    const app = express();
    // `/{kind}` selects how the fake service misbehaves.
    app.get('/:kind/enterprises/:code', (req, res) => {
      const { kind, code } = req.params;
      if (kind === 'not-json') res.type('application/json').send('{"creditCode": "9111');
      else if (kind === 'wrong-shape') res.json({ ...seeded, creditCode: code, staff: '45', mainField: 'X' });
      else if (kind === 'other-enterprise') res.json(seeded);
      else res.status(Number(kind)).json({ error: { code: 'SOMETHING', message: 'no', details: [] } });
    });
    app.get('/:kind/policies/:insurer/:number', (req, res) => {
      if (req.params.kind === 'not-json') res.type('text/html').send('<html>Bad gateway</html>');
      else res.json({ ...policy, paidAt: '2026-02-20 10:00' });
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const registryAt = (kind: string) => createRegistryClient({ baseUrl: `${base}/${kind}` });

  it('reports a body that is not JSON as a definitive ServiceError', async () => {
    const err = await rejectionOf(registryAt('not-json').getEnterprise(seeded.creditCode));
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ service: 'registry', status: 200 });
    const html = await rejectionOf(
      createInsurerClient({ baseUrl: `${base}/not-json` }).getPolicy('PICC', 'P-0001'),
    );
    expect(html).toBeInstanceOf(ServiceError);
    expect(html.service).toBe('insurer');
  });

  it('reports a body of the wrong shape as a ServiceError naming the fields', async () => {
    const err = await rejectionOf(registryAt('wrong-shape').getEnterprise(seeded.creditCode));
    expect(err).toBeInstanceOf(ServiceError);
    expect(err.message).toMatch(/staff/);
    expect(err.message).toMatch(/mainField/);
    const bad = await rejectionOf(
      createInsurerClient({ baseUrl: `${base}/wrong-shape` }).getPolicy(
        policy.insurerCode,
        policy.policyNumber,
      ),
    );
    expect(bad).toBeInstanceOf(ServiceError);
    expect(bad.message).toMatch(/paidAt/);
  });

  it('refuses facts about another enterprise than the one asked for', async () => {
    const err = await rejectionOf(registryAt('other-enterprise').getEnterprise(creditCode()));
    expect(err).toBeInstanceOf(ServiceError);
  });

  it('treats 429 and 5xx as retryable and other 4xx as definitive', async () => {
    for (const status of [429, 500, 502, 503, 504]) {
      const err = await rejectionOf(registryAt(String(status)).getEnterprise(seeded.creditCode));
      expect(err).toBeInstanceOf(RetryableServiceError);
      expect(err.status).toBe(status);
    }
    for (const status of [400, 401, 403, 409, 422]) {
      const err = await rejectionOf(registryAt(String(status)).getEnterprise(seeded.creditCode));
      expect(err).toBeInstanceOf(ServiceError);
      expect(err.status).toBe(status);
    }
  });

  it('reports a refused connection as retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await rejectionOf(
      createRegistryClient({ baseUrl: `http://127.0.0.1:${port}/registry` }).getEnterprise(seeded.creditCode),
    );
    expect(err).toBeInstanceOf(RetryableServiceError);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });
});

describe('the seed data', () => {
  it('has only valid unified social credit codes: Haidian 91110108, one Chaoyang 91110105', () => {
    for (const e of SEED_ENTERPRISES) {
      expect({ code: e.creditCode, problem: creditCodeProblem(e.creditCode) }).toEqual({
        code: e.creditCode,
        problem: null,
      });
      expect(e.creditCode.slice(0, 8)).toBe(e.district === '朝阳区' ? '91110105' : '91110108');
    }
    expect(SEED_ENTERPRISES.filter((e) => e.district === '朝阳区')).toHaveLength(1);
    expect(new Set(SEED_ENTERPRISES.map((e) => e.creditCode)).size).toBe(SEED_ENTERPRISES.length);
  });

  it('covers the cases the rules distinguish', () => {
    const byCode = new Map(SEED_ENTERPRISES.map((e) => [e.creditCode, e]));
    const c = SEED_CREDIT_CODES;
    expect(byCode.get(c.inclusiveAi)).toMatchObject({
      district: '海淀区',
      streetOffice: '中关村街道',
      mainField: 'ARTIFICIAL_INTELLIGENCE',
      staff: 45,
      revenueFen: 600_000_000,
      techSme: { validUntil: '2027-12-31' },
      creditClean: true,
    });
    expect(byCode.get(c.largeHighTech)).toMatchObject({ size: 'LARGE', staff: 800 });
    expect(byCode.get(c.largeHighTech)?.highTech?.certifiedOn).toMatch(/^2025-/);
    expect(byCode.get(c.nationalSrdi)?.srdi).toEqual({ level: 'NATIONAL', validUntil: '2028-06-30' });
    expect(byCode.get(c.expiredMunicipalSrdi)?.srdi).toEqual({
      level: 'MUNICIPAL',
      validUntil: '2026-01-31',
    });
    expect(byCode.get(c.integratedCircuit)?.mainField).toBe('INTEGRATED_CIRCUIT');
    expect(byCode.get(c.commercialAerospace)?.mainField).toBe('COMMERCIAL_AEROSPACE');
    expect(byCode.get(c.chaoyang)?.district).toBe('朝阳区');
    expect(byCode.get(c.creditBlemished)).toMatchObject({ district: '海淀区', creditClean: false });
  });

  it('has 2026 policies of catalog products, each held by a seed enterprise', () => {
    const catalog: Record<string, string> = {
      'HD-GROUP-2026': 'PICC',
      'PICC-RD-001': 'PICC',
      'CPIC-IP-002': 'CPIC',
      'PAIC-PL-003': 'PAIC',
      'PICC-IC-101': 'PICC',
      'CPIC-SPACE-201': 'CPIC',
    };
    const codes = new Set(SEED_ENTERPRISES.map((e) => e.creditCode));
    for (const p of SEED_POLICIES) {
      expect(codes.has(p.creditCode)).toBe(true);
      expect(catalog[p.productCode]).toBe(p.insurerCode);
      expect(p.startDate).toMatch(/^2026-/);
      expect(p.paidAt).toMatch(/^2026-/);
      expect(p.paidPremiumFen).toBeLessThanOrEqual(p.premiumFen);
    }
    expect(new Set(SEED_POLICIES.map((p) => p.productCode)).size).toBe(Object.keys(catalog).length);
    const group = SEED_POLICIES.find((p) => p.productCode === 'HD-GROUP-2026');
    expect(group?.premiumFen).toBe(250_000);
    const fieldOf = (code: string) => SEED_ENTERPRISES.find((e) => e.creditCode === code)?.mainField;
    for (const p of SEED_POLICIES.filter((x) => x.productCode === 'PICC-IC-101')) {
      expect(fieldOf(p.creditCode)).toBe('INTEGRATED_CIRCUIT');
    }
    for (const p of SEED_POLICIES.filter((x) => x.productCode === 'CPIC-SPACE-201')) {
      expect(fieldOf(p.creditCode)).toBe('COMMERCIAL_AEROSPACE');
    }
  });
});

describe('the simulator app', () => {
  it('answers unknown routes with 404 in the error shape', async () => {
    const res = await http('GET', '/nowhere');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: 'NOT_FOUND', message: expect.stringContaining('/nowhere'), details: [] },
    });
  });

  it('starts empty when asked not to seed', async () => {
    const empty = await startSimulators({ port: 0, seed: false });
    try {
      expect(empty.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(empty.url).not.toBe(sim.url);
      const client = createRegistryClient({ baseUrl: `${empty.url}/registry` });
      expect(await client.getEnterprise(SEED_ENTERPRISES[0]!.creditCode)).toBeNull();
    } finally {
      await empty.close();
    }
  });
});
