import { createHash } from 'node:crypto';
import { REQUIRED_DOCUMENTS } from '../../domain/documents';
import { defaultProgram } from '../../domain/program';
import { applicationBody, creditCode, enterpriseBody } from '../helpers/fixtures';
import { ApiClient, as, type TestStack, stackPerFile } from '../helpers/stack';
import { newApplicant, PDF, PNG, uploadDocument } from '../helpers/world';

let stack: TestStack, admin: ApiClient;
stackPerFile(
  async (s) => {
    stack = s;
    admin = await as(s, { role: 'admin' });
  },
  { DOCUMENT_MAX_BYTES: '50000' },
);

const paths = (res: { body: any }) =>
  (res.body.error?.details ?? []).map((d: { path: string }) => d.path).sort();

describe('program configuration', () => {
  const year = 2031;
  const valid = () => ({ ...defaultProgram(year) }) as Record<string, any>;

  it('answers the defaults of DOMAIN.md for a year nobody configured, to anyone', async () => {
    const res = await new ApiClient(stack.baseUrl).get(`/api/v1/programs/${year}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(defaultProgram(year));
    expect(res.body.srdiRatesBp.MUNICIPAL).toEqual({ R_AND_D: 4000, TRANSFER: 4000, OTHER: 2000 });
  });

  it.each([
    [
      'an SRDI rate above 50 %',
      (b: any) => (b.srdiRatesBp.NATIONAL.R_AND_D = 5001),
      ['body.srdiRatesBp.NATIONAL.R_AND_D'],
    ],
    ['a frontier rate above 50 %', (b: any) => (b.frontierRateBp = 6000), ['body.frontierRateBp']],
    [
      'a window that closes before it opens',
      (b: any) => (b.closesAt = `${year}-01-01T00:00:00+08:00`),
      ['body.closesAt'],
    ],
    ['a fractional cap', (b: any) => (b.srdiAnnualCapFen = 10.5), ['body.srdiAnnualCapFen']],
    ['an unknown field code', (b: any) => (b.keyFields = ['QUANTUM']), ['body.keyFields.0']],
    ['a zero SLA', (b: any) => (b.reviewSlaWorkingDays.final = 0), ['body.reviewSlaWorkingDays.final']],
    ['a missing figure', (b: any) => delete b.noticeWorkingDays, ['body.noticeWorkingDays']],
    [
      'an unknown track for bank matching',
      (b: any) => (b.bankMatchingTracks = ['GOLD']),
      ['body.bankMatchingTracks.0'],
    ],
  ])('refuses %s with 400 naming the field, changing nothing', async (_why, spoil, expected) => {
    const body = valid();
    body.srdiRatesBp = structuredClone(body.srdiRatesBp);
    body.reviewSlaWorkingDays = { ...body.reviewSlaWorkingDays };
    spoil(body);
    const res = await admin.put(`/api/v1/programs/${year}`, body);
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(expected);
    expect((await admin.get(`/api/v1/programs/${year}`)).body).toEqual(defaultProgram(year));
  });

  it('refuses a year outside the path, a bad year, and anyone but an administrator', async () => {
    expect(paths(await admin.put('/api/v1/programs/twenty', valid()))).toEqual(['params.year']);
    expect((await admin.put(`/api/v1/programs/${year}`, { ...valid(), year: 2030 })).status).toBe(409);
    const reviewer = await as(stack, { role: 'reviewer' });
    expect((await reviewer.put(`/api/v1/programs/${year}`, valid())).status).toBe(403);
    expect((await new ApiClient(stack.baseUrl).put(`/api/v1/programs/${year}`, valid())).status).toBe(401);
  });

  it('stores a valid change', async () => {
    const body = { ...valid(), noticeWorkingDays: 7 };
    expect((await admin.put(`/api/v1/programs/${year}`, body)).status).toBe(200);
    expect((await admin.get(`/api/v1/programs/${year}`)).body.noticeWorkingDays).toBe(7);
  });
});

describe('catalog', () => {
  const product = {
    productCode: 'TEST-RD-900',
    insurerCode: 'TAIPING',
    name: '测试研发保险',
    kind: 'CATALOG',
    category: 'R_AND_D',
    exclusiveFields: [],
    activeFrom: '2026-01-01',
  };

  it.each([
    ['a product code with spaces', { productCode: 'bad code' }, ['body.productCode']],
    ['an unknown kind', { kind: 'GOLD' }, ['body.kind']],
    ['an unknown category', { category: 'LIFE' }, ['body.category']],
    ['an end before the start', { activeTo: '2025-12-31' }, ['body.activeTo']],
    ['an impossible date', { activeFrom: '2026-02-30' }, ['body.activeFrom']],
    [
      'a group product exclusive to a field',
      { kind: 'GROUP_INCLUSIVE', exclusiveFields: ['INTEGRATED_CIRCUIT'] },
      ['body.exclusiveFields'],
    ],
    ['a repeated field', { exclusiveFields: ['NEW_ENERGY', 'NEW_ENERGY'] }, ['body.exclusiveFields']],
  ])('refuses %s', async (_why, change, expected) => {
    const res = await admin.post('/api/v1/catalog/products', { ...product, ...change });
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(expected);
  });

  it('adds a product once, lists it publicly, and refuses it a second time', async () => {
    expect((await admin.post('/api/v1/catalog/products', product)).status).toBe(201);
    expect((await admin.post('/api/v1/catalog/products', product)).status).toBe(409);
    const list = await new ApiClient(stack.baseUrl).get('/api/v1/catalog');
    expect(list.body.items.map((p: { productCode: string }) => p.productCode)).toEqual(
      expect.arrayContaining(['HD-GROUP-2026', 'TEST-RD-900']),
    );
    const applicant = await as(stack, { role: 'applicant', creditCode: creditCode() });
    expect(
      (await applicant.post('/api/v1/catalog/products', { ...product, productCode: 'X-1' })).status,
    ).toBe(403);
  });
});

describe('documents', () => {
  it('stores a PDF or PNG with its SHA-256 and serves it back inline to its owner and staff', async () => {
    const a = await newApplicant(stack);
    const pdf = await uploadDocument(a.client, 'POLICY', PDF, 'policy scan.pdf');
    const required = REQUIRED_DOCUMENTS.INCLUSIVE.filter((t) => t !== 'POLICY');
    const others = await Promise.all(required.map((t) => uploadDocument(a.client, t)));
    expect(pdf.status).toBe(201);
    expect(pdf.body).toMatchObject({
      type: 'POLICY',
      contentType: 'application/pdf',
      size: PDF.length,
      sha256: createHash('sha256').update(PDF).digest('hex'),
    });
    const png = await uploadDocument(a.client, 'PAYMENT_VOUCHER', PNG, 'voucher.pdf');
    expect(png.body.contentType).toBe('image/png'); // by content, whatever the name says
    const reviewer = await as(stack, { role: 'reviewer' });
    const content = (client: ApiClient) =>
      fetch(`${stack.baseUrl}/api/v1/documents/${pdf.body.id}/content`, {
        headers: { authorization: `Bearer ${client.token}` },
      });
    // Staff see a document once it belongs to an application; until then it is its applicant's alone.
    expect((await content(reviewer)).status).toBe(404);
    const applied = await a.client.post('/api/v1/applications', {
      ...applicationBody(a.code),
      documents: [pdf.body.id, ...others.map((o) => o.body.id as string)],
    });
    expect(applied.status).toBe(201);
    for (const client of [a.client, reviewer]) {
      const res = await content(client);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toMatch(
        /^inline; filename\*=UTF-8''policy%20scan\.pdf$/,
      );
      expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);
    }
    const other = await newApplicant(stack);
    expect((await other.client.get(`/api/v1/documents/${pdf.body.id}`)).status).toBe(404);
  });

  it('refuses a file that is not a PDF, JPEG or PNG whatever its name, a missing file, a bad type and an oversized file', async () => {
    const a = await newApplicant(stack);
    const text = await uploadDocument(a.client, 'POLICY', Buffer.from('hello, I am text'), 'policy.pdf');
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('UNSUPPORTED_DOCUMENT');
    const form = new FormData();
    form.append('type', 'POLICY');
    const missing = await fetch(`${stack.baseUrl}/api/v1/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.client.token}` },
      body: form,
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as any).error.details[0].path).toBe('body.file');
    const badType = await uploadDocument(a.client, 'DIPLOMA' as any);
    expect(badType.status).toBe(400);
    expect(paths(badType)).toEqual(['body.type']);
    const big = await uploadDocument(a.client, 'POLICY', Buffer.concat([PDF, Buffer.alloc(60_000)]));
    expect(big.status).toBe(413);
    expect(await stack.db.document.count({ where: { creditCode: a.code } })).toBe(0);
  });

  it('attaches only the applicant’s own unattached documents to an application', async () => {
    const a = await newApplicant(stack);
    const b = await newApplicant(stack);
    const theirs = await uploadDocument(b.client, 'POLICY');
    const res = await a.client.post('/api/v1/applications', {
      ...applicationBody(a.code),
      documents: [theirs.body.id],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('DOCUMENT_NOT_FOUND');
    expect(await stack.db.application.count({ where: { creditCode: a.code } })).toBe(0);
    const bad = await a.client.post('/api/v1/applications', {
      ...applicationBody(a.code),
      documents: ['not-a-uuid'],
    });
    expect(paths(bad)).toEqual(['body.documents.0']);
  });
});

describe('every invalid field of an application or enterprise is named', () => {
  it.each([
    ['creditCode', (b: any) => (b.creditCode = '91350100M000100Y44'), 'body.creditCode'],
    ['track', (b: any) => (b.track = 'inclusive'), 'body.track'],
    ['policy.insurerCode', (b: any) => (b.policy.insurerCode = ''), 'body.policy.insurerCode'],
    ['policy.policyNumber', (b: any) => (b.policy.policyNumber = 'x'), 'body.policy.policyNumber'],
    ['policy.productCode', (b: any) => (b.policy.productCode = 'a b'), 'body.policy.productCode'],
    ['policy.startDate', (b: any) => (b.policy.startDate = '2026-13-01'), 'body.policy.startDate'],
    ['policy.endDate', (b: any) => (b.policy.endDate = '2026-01-01'), 'body.policy.endDate'],
    ['policy.premiumFen', (b: any) => (b.policy.premiumFen = -1), 'body.policy.premiumFen'],
    [
      'policy.paidPremiumFen',
      (b: any) => (b.policy.paidPremiumFen = 999_999_999),
      'body.policy.paidPremiumFen',
    ],
    ['policy.paidAt', (b: any) => (b.policy.paidAt = '2026-02-20T10:00:00'), 'body.policy.paidAt'],
    ['policy.sumInsuredFen', (b: any) => (b.policy.sumInsuredFen = '5000'), 'body.policy.sumInsuredFen'],
    [
      'loanInterest.termMonths',
      (b: any) => (b.loanInterest = { amountFen: 100, termMonths: 0, purpose: 'x' }),
      'body.loanInterest.termMonths',
    ],
  ])('application %s', async (_field, spoil, expected) => {
    const a = await newApplicant(stack);
    const body: any = applicationBody(a.code);
    spoil(body);
    const res = await a.client.post('/api/v1/applications', body);
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual([expected]);
  });

  it.each([
    ['name', { name: '' }, 'body.name'],
    ['size', { size: 'TINY' }, 'body.size'],
    ['foundedOn', { foundedOn: '2019/06/01' }, 'body.foundedOn'],
    ['mainField', { mainField: 'QUANTUM' }, 'body.mainField'],
    ['srdiValidUntil', { srdiLevel: 'NATIONAL' }, 'body.srdiValidUntil'],
    ['highTechValidUntil', { highTechCertifiedOn: '2025-11-20' }, 'body.highTechValidUntil'],
    ['highTechCertifiedOn', { highTechValidUntil: '2028-11-19' }, 'body.highTechCertifiedOn'],
    [
      'highTechValidUntil before the certificate',
      { highTechCertifiedOn: '2025-11-20', highTechValidUntil: '2025-11-01' },
      'body.highTechValidUntil',
    ],
    [
      'techCertifiedUntil contradicting techSmeValidUntil',
      { techSmeValidUntil: '2028-12-31', techCertifiedUntil: '2027-12-31' },
      'body.techCertifiedUntil',
    ],
    [
      'highTech (the registry’s shape, not a field)',
      { highTech: { certifiedOn: '2025-11-20', validUntil: '2028-11-19' } },
      'body.highTech',
    ],
    ['contactEmail', { contactEmail: 'not-an-email' }, 'body.contactEmail'],
    [
      'bankAccount.accountNumber',
      { bankAccount: { bankName: 'x', accountName: 'y', accountNumber: '12ab' } },
      'body.bankAccount.accountNumber',
    ],
  ])('enterprise %s', async (_field, change, expected) => {
    const res = await admin.put(`/api/v1/enterprises/${creditCode()}`, enterpriseBody(change));
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual([expected]);
  });
});

describe('the qualifications of an enterprise', () => {
  it('stores each qualification in its own fields and answers them', async () => {
    const code = creditCode();
    const res = await admin.put(
      `/api/v1/enterprises/${code}`,
      enterpriseBody({
        techSmeValidUntil: '2027-06-30',
        highTechCertifiedOn: '2025-11-20',
        highTechValidUntil: '2028-11-19',
        srdiLevel: 'MUNICIPAL',
        srdiValidUntil: '2028-12-31',
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      techSmeValidUntil: '2027-06-30',
      highTechCertifiedOn: '2025-11-20',
      highTechValidUntil: '2028-11-19',
      srdiLevel: 'MUNICIPAL',
      srdiValidUntil: '2028-12-31',
    });
    expect(res.body).not.toHaveProperty('techCertifiedUntil');
    expect((await admin.get(`/api/v1/enterprises/${code}`)).body).toEqual(res.body);
  });

  it('keeps accepting the deprecated techCertifiedUntil for this version, as techSmeValidUntil', async () => {
    const code = creditCode();
    const old = await admin.put(
      `/api/v1/enterprises/${code}`,
      enterpriseBody({ techCertifiedUntil: '2027-12-31' }),
    );
    expect(old.status).toBe(201);
    expect(old.body).toMatchObject({
      techSmeValidUntil: '2027-12-31',
      highTechCertifiedOn: null,
      highTechValidUntil: null,
    });
    expect(old.body).not.toHaveProperty('techCertifiedUntil');
    // Both names with the same day are one declaration.
    const both = await admin.put(
      `/api/v1/enterprises/${code}`,
      enterpriseBody({ techCertifiedUntil: '2028-06-30', techSmeValidUntil: '2028-06-30' }),
    );
    expect(both.status).toBe(200);
    expect(both.body.techSmeValidUntil).toBe('2028-06-30');
  });
});
