import { randomInt } from 'node:crypto';
import { createTokenService } from '../../api/auth';
import { shanghaiDate } from '../../domain/calendar';
import type { Track } from '../../domain/status';
import { SEED_CREDIT_CODES, SEED_ENTERPRISES } from '../../dev/simulators/seed';
import { creditCode, enterpriseBody } from '../helpers/fixtures';
import { ApiClient, as, eventually, type TestStack, stackPerFile } from '../helpers/stack';
import { approveReviews, newApplicant, setBehaviour, submit, type Applicant } from '../helpers/world';
import { databaseFingerprint } from '../helpers/evidence';

const RATE_LIMIT = 5;

let stack: TestStack;
let anon: ApiClient;
/** Staff may name any enterprise by its credit code (the registry's facts). */
let staff: ApiClient;
stackPerFile(
  async (s) => {
    stack = s;
    anon = new ApiClient(s.baseUrl);
    staff = await as(s, { role: 'reviewer', org: 'committee' });
  },
  { PUBLIC_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) },
);
afterEach(async () => {
  await setBehaviour(stack, 'registry', { mode: 'normal' });
});

/** A client address of its own (the API trusts X-Forwarded-For from loopback): its own rate-limit counter. */
const newClientAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** One calculator request (anonymous unless `as` is given), from a client address of its own unless `from` is. */
const calculate = (body: unknown, opts: { as?: ApiClient; from?: string } = {}) =>
  (opts.as ?? anon).post('/api/v1/calculator', body, { 'x-forwarded-for': opts.from ?? newClientAddress() });

/** Facts a visitor declares of a small integrated-circuit firm, a national SRDI one. */
const DECLARED_IC_FIRM = {
  name: '北京芯未来科技有限公司',
  district: '海淀区',
  size: 'SMALL',
  foundedOn: '2020-05-01',
  mainField: 'INTEGRATED_CIRCUIT',
  techSmeValidUntil: '2030-12-31',
  srdiLevel: 'NATIONAL',
  srdiValidUntil: '2030-12-31',
};

const trackOf = (answer: any, track: Track) =>
  (answer.tracks as any[]).find((t: { track: Track }) => t.track === track);

const fingerprint = () => databaseFingerprint(stack.db);

/** A policy bought today, paid now: what the calculator assumes for a planned premium. */
function plannedPolicy(insurerCode: string, productCode: string, premiumFen: number) {
  const startDate = shanghaiDate(new Date());
  const end = new Date(`${startDate}T00:00:00Z`);
  end.setUTCFullYear(end.getUTCFullYear() + 1);
  end.setUTCDate(end.getUTCDate() - 1);
  return {
    insurerCode,
    productCode,
    startDate,
    endDate: end.toISOString().slice(0, 10),
    premiumFen,
    paidPremiumFen: premiumFen,
    paidAt: new Date().toISOString(),
  };
}

/** The applicant of a seed enterprise, registered once with exactly the registry's facts. */
const seedApplicants = new Map<string, Applicant>();
async function seedApplicant(code: string): Promise<Applicant> {
  const known = seedApplicants.get(code);
  if (known) return known;
  const e = SEED_ENTERPRISES.find((x) => x.creditCode === code)!;
  const client = await as(stack, { role: 'applicant', creditCode: code });
  const email = `owner-${code.toLowerCase()}@example.com`;
  const res = await client.put(
    `/api/v1/enterprises/${code}`,
    enterpriseBody({
      name: e.name,
      district: e.district,
      size: e.size,
      foundedOn: e.foundedOn,
      mainField: e.mainField,
      contactEmail: email,
      ...(e.techSme ? { techSmeValidUntil: e.techSme.validUntil } : {}),
      ...(e.srdi ? { srdiLevel: e.srdi.level, srdiValidUntil: e.srdi.validUntil } : {}),
    }),
  );
  expect(res.status).toBe(201);
  const a = { code, email, client };
  seedApplicants.set(code, a);
  return a;
}

/** Submits a real application for the planned policy and waits for what its precheck recorded. */
async function precheckOf(a: Applicant, track: Track, policy: ReturnType<typeof plannedPolicy>) {
  const res = await submit(stack, a, track, { policy });
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  const view = (
    await eventually(
      () => a.client.get(`/api/v1/applications/${id}`),
      (r) => ['INITIAL_REVIEW', 'REJECTED'].includes(r.body.status),
    )
  ).body;
  const done = await stack.db.auditEvent.findFirstOrThrow({
    where: { applicationId: id, action: 'PRECHECK_DONE' },
  });
  return { id, view, eligible: (done.data as { eligible: boolean }).eligible };
}

/** Asks the calculator, then applies for real, and expects the calculator to have said what the precheck says. */
async function expectSameAsPrecheck(a: Applicant, track: Track, policy: ReturnType<typeof plannedPolicy>) {
  const calc = await calculate(
    {
      creditCode: a.code,
      plannedPremiumFen: policy.premiumFen,
      productCode: policy.productCode,
      policyStartDate: policy.startDate,
    },
    { as: a.client }, // the applicant bound to the code
  );
  expect(calc.status).toBe(200);
  expect(calc.body.tracks.map((t: { track: Track }) => t.track)).toEqual(['INCLUSIVE', 'SRDI', 'FRONTIER']);
  const estimate = trackOf(calc.body, track);
  const real = await precheckOf(a, track, policy);
  expect({
    eligible: estimate.eligible,
    reasons: estimate.reasons,
    computedFen: estimate.computedFen,
    baseFen: estimate.baseFen,
    rateBp: estimate.rateBp,
    subsidyYear: estimate.subsidyYear,
  }).toEqual({
    eligible: real.eligible,
    reasons: real.view.subsidy.reasons,
    computedFen: real.view.subsidy.computedFen,
    baseFen: real.view.subsidy.baseFen,
    rateBp: real.view.subsidy.rateBp,
    subsidyYear: real.view.subsidy.subsidyYear,
  });
  expect(estimate.estimatedFen).toBe(
    real.eligible ? Math.min(estimate.computedFen, estimate.remainingCapFen) : 0,
  );
  return { estimate, real };
}

const S = SEED_CREDIT_CODES;

/** Facts an enterprise declares about itself (public: no registry, no credit code). */
const DECLARED = {
  name: '北京智研未来科技有限公司',
  district: '海淀区',
  size: 'SMALL',
  foundedOn: '2019-04-12',
  mainField: 'ARTIFICIAL_INTELLIGENCE',
  techSmeValidUntil: '2027-12-31',
};

describe('the eligibility calculator (政策计算器)', () => {
  // First: nothing in this file has written anything yet, not even the year's programme.
  it('answers from the registry and from declared facts without changing anything in the database', async () => {
    const before = await fingerprint();
    expect(await stack.db.program.count()).toBe(0);
    const fromRegistry = await calculate(
      { creditCode: S.nationalSrdi, plannedPremiumFen: 8_500_000 },
      { as: staff },
    );
    expect(fromRegistry.status).toBe(200);
    expect(fromRegistry.body).toMatchObject({
      creditCode: S.nationalSrdi,
      enterpriseName: '北京精测微感科技有限公司',
      factsSource: 'registry',
      plannedPremiumFen: 8_500_000,
    });
    const declared = await calculate({
      facts: DECLARED_IC_FIRM,
      plannedPremiumFen: 1_000_000,
    });
    expect(declared.status).toBe(200);
    expect((await calculate({ plannedPremiumFen: 1 })).status).toBe(400);
    expect((await calculate({ creditCode: creditCode(), plannedPremiumFen: 1 }, { as: staff })).status).toBe(
      422,
    );
    expect(await fingerprint()).toBe(before);
  });

  /**
   * Seed enterprises of the registry simulator, one application each. `eligible` is what the rules say today
   * (null: it depends on the programme year), `because` a reason code the answer must contain.
   */
  const table: {
    case: string;
    code: string;
    track: Track;
    product: [insurerCode: string, productCode: string];
    premiumFen: number;
    eligible: boolean | null;
    because?: string;
  }[] = [
    {
      case: 'a small AI firm, inclusive',
      code: S.inclusiveAi,
      track: 'INCLUSIVE',
      product: ['PICC', 'HD-GROUP-2026'],
      premiumFen: 250_000,
      eligible: true,
    },
    {
      case: 'a high-tech enterprise certified in 2025, premium above the inclusive base',
      code: S.largeHighTech,
      track: 'INCLUSIVE',
      product: ['PICC', 'HD-GROUP-2026'],
      premiumFen: 300_000,
      eligible: null, // route b only in the programme year after the certification
      because: 'INCLUSIVE_PREMIUM_CAPPED',
    },
    {
      case: 'a firm registered in 朝阳区',
      code: S.chaoyang,
      track: 'INCLUSIVE',
      product: ['PICC', 'HD-GROUP-2026'],
      premiumFen: 250_000,
      eligible: false,
      because: 'NOT_ELIGIBLE_DISTRICT',
    },
    {
      case: 'a firm with a blemished credit record',
      code: S.creditBlemished,
      track: 'INCLUSIVE',
      product: ['PICC', 'HD-GROUP-2026'],
      premiumFen: 250_000,
      eligible: false,
      because: 'NOT_ELIGIBLE_CREDIT',
    },
    {
      case: 'a young firm the registry knows little about',
      code: S.sparseRecord,
      track: 'INCLUSIVE',
      product: ['PICC', 'HD-GROUP-2026'],
      premiumFen: 90_000,
      eligible: false,
      because: 'FACT_UNKNOWN',
    },
    {
      case: 'a national 专精特新 with a product liability policy',
      code: S.nationalSrdi,
      track: 'SRDI',
      product: ['PAIC', 'PAIC-PL-003'],
      premiumFen: 8_500_000,
      eligible: true,
    },
    {
      case: 'a national 专精特新 with an R&D policy',
      code: S.nationalSrdi,
      track: 'SRDI',
      product: ['PICC', 'PICC-RD-001'],
      premiumFen: 9_000_001,
      eligible: true,
    },
    {
      case: 'a municipal 专精特新 whose qualification expired',
      code: S.expiredMunicipalSrdi,
      track: 'SRDI',
      product: ['CPIC', 'CPIC-IP-002'],
      premiumFen: 2_400_000,
      eligible: false,
      because: 'NOT_ELIGIBLE_SRDI',
    },
    {
      case: 'the group product on the SRDI track',
      code: S.nationalSrdi,
      track: 'SRDI',
      product: ['PICC', 'HD-GROUP-2026'],
      premiumFen: 250_000,
      eligible: false,
      because: 'NOT_ELIGIBLE_PRODUCT',
    },
    {
      case: 'an integrated-circuit firm',
      code: S.integratedCircuit,
      track: 'FRONTIER',
      product: ['PICC', 'PICC-IC-101'],
      premiumFen: 36_000_000,
      eligible: true,
    },
    {
      case: 'an integrated-circuit firm over the annual cap',
      code: S.integratedCircuit,
      track: 'FRONTIER',
      product: ['PICC', 'PICC-IC-101'],
      premiumFen: 700_000_000,
      eligible: true,
      because: 'CAPPED',
    },
    {
      case: 'a commercial-aerospace firm',
      code: S.commercialAerospace,
      track: 'FRONTIER',
      product: ['CPIC', 'CPIC-SPACE-201'],
      premiumFen: 48_000_000,
      eligible: true,
    },
    {
      case: 'a commercial-aerospace firm with the chip product',
      code: S.commercialAerospace,
      track: 'FRONTIER',
      product: ['PICC', 'PICC-IC-101'],
      premiumFen: 48_000_000,
      eligible: false,
      because: 'NOT_ELIGIBLE_PRODUCT',
    },
    {
      case: 'an AI firm on the frontier track',
      code: S.inclusiveAi,
      track: 'FRONTIER',
      product: ['PICC', 'PICC-IC-101'],
      premiumFen: 36_000_000,
      eligible: false,
      because: 'NOT_ELIGIBLE_FIELD',
    },
  ];

  it.each(table)('says what the precheck then records: $case', async (row) => {
    const a = await seedApplicant(row.code);
    const { estimate } = await expectSameAsPrecheck(
      a,
      row.track,
      plannedPolicy(...row.product, row.premiumFen),
    );
    if (row.eligible !== null) expect(estimate.eligible).toBe(row.eligible);
    if (row.eligible) expect(estimate.estimatedFen).toBeGreaterThan(0);
    if (row.because) expect(estimate.reasons.map((r: { code: string }) => r.code)).toContain(row.because);
    else expect(estimate.reasons).toEqual([]);
  });

  it('counts the enterprise’s grants of the year: capped, then the cap reached, as the precheck does', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE');
    const first = await precheckOf(a, 'INCLUSIVE', plannedPolicy('PICC', 'HD-GROUP-2026', 100_000));
    expect(first.eligible).toBe(true);
    await approveReviews(stack, first.id);
    await eventually(
      () => stack.db.application.findUniqueOrThrow({ where: { id: first.id } }),
      (app) => app.status === 'APPROVED' && app.grantedFen === 100_000n,
    );

    const capped = await expectSameAsPrecheck(
      a,
      'INCLUSIVE',
      plannedPolicy('PICC', 'HD-GROUP-2026', 250_000),
    );
    expect(capped.estimate).toMatchObject({
      eligible: true,
      computedFen: 250_000,
      estimatedFen: 150_000,
      annualCapFen: 250_000,
      usedCapFen: 100_000,
      remainingCapFen: 150_000,
    });
    expect(capped.estimate.reasons.map((r: { code: string }) => r.code)).toEqual(['CAPPED']);
    // Declared facts with the credit code: the same grants counted (for its applicant).
    const declared = await calculate(
      {
        creditCode: a.code,
        facts: {
          name: '北京海淀测试科技有限公司',
          district: '海淀区',
          size: 'SMALL',
          foundedOn: '2019-06-01',
          mainField: 'ARTIFICIAL_INTELLIGENCE',
          techSmeValidUntil: '2028-12-31',
        },
        plannedPremiumFen: 250_000,
      },
      { as: a.client },
    );
    expect(trackOf(declared.body, 'INCLUSIVE')).toMatchObject({ usedCapFen: 100_000, estimatedFen: 150_000 });

    await approveReviews(stack, capped.real.id);
    await eventually(
      () => stack.db.application.findUniqueOrThrow({ where: { id: capped.real.id } }),
      (app) => app.status === 'APPROVED' && app.grantedFen === 150_000n,
    );
    const reached = await expectSameAsPrecheck(
      a,
      'INCLUSIVE',
      plannedPolicy('PICC', 'HD-GROUP-2026', 250_000),
    );
    expect(reached.estimate).toMatchObject({ eligible: false, estimatedFen: 0, remainingCapFen: 0 });
    expect(reached.estimate.reasons.map((r: { code: string }) => r.code)).toEqual(['ANNUAL_CAP_REACHED']);
    expect(reached.real.view.status).toBe('REJECTED');
  });

  it('answers every track for declared facts, with the catalog product that gives the most', async () => {
    const res = await calculate({
      facts: DECLARED_IC_FIRM,
      plannedPremiumFen: 1_000_000,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ creditCode: null, factsSource: 'declared' });
    const codes = (track: Track) => trackOf(res.body, track).reasons.map((r: { code: string }) => r.code);
    expect(trackOf(res.body, 'INCLUSIVE')).toMatchObject({
      eligible: true,
      productCode: 'HD-GROUP-2026',
      baseFen: 250_000,
      estimatedFen: 250_000,
      remainingCapFen: 250_000,
    });
    // What the applicant cannot declare stays unknown: a reviewer checks it.
    expect(codes('INCLUSIVE')).toEqual(expect.arrayContaining(['FACT_UNKNOWN', 'INCLUSIVE_PREMIUM_CAPPED']));
    expect(trackOf(res.body, 'SRDI')).toMatchObject({
      eligible: true,
      productCode: 'CPIC-IP-002', // 50 % like the R&D products; the first of them
      rateBp: 5000,
      estimatedFen: 500_000,
      remainingCapFen: 50_000_000,
    });
    expect(trackOf(res.body, 'FRONTIER')).toMatchObject({
      eligible: true,
      productCode: 'PICC-IC-101',
      estimatedFen: 500_000,
      remainingCapFen: 300_000_000,
    });
    expect(codes('FRONTIER')).toEqual(['FACT_UNKNOWN']);
    const unknown = trackOf(res.body, 'FRONTIER').reasons[0];
    expect(unknown).toMatchObject({ blocking: false, zh: '无法核验信用记录，请人工核查' });

    const elsewhere = await calculate({
      facts: {
        name: '北京望京测试有限公司',
        district: '朝阳区',
        size: 'MICRO',
        foundedOn: '2024-01-01',
        mainField: 'OTHER',
      },
      plannedPremiumFen: 100_000,
    });
    for (const t of elsewhere.body.tracks) {
      expect(t).toMatchObject({ eligible: false, estimatedFen: 0 });
      expect(t.reasons.map((r: { code: string }) => r.code)).toContain('NOT_ELIGIBLE_DISTRICT');
    }
  });

  it('names the bad field of an invalid request', async () => {
    const bad = async (body: unknown) => {
      const res = await calculate(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      return res.body.error.details.map((d: { path: string }) => d.path);
    };
    const code = S.inclusiveAi;
    expect(await bad({ creditCode: code })).toEqual(['body.plannedPremiumFen']);
    expect(await bad({ plannedPremiumFen: 100_000 })).toEqual(['body.creditCode']);
    expect(await bad({ creditCode: '91110108MA01C8HQ7X', plannedPremiumFen: 100_000 })).toEqual([
      'body.creditCode',
    ]);
    expect(await bad({ creditCode: code, plannedPremiumFen: -1 })).toEqual(['body.plannedPremiumFen']);
    expect(await bad({ creditCode: code, plannedPremiumFen: 0 })).toEqual(['body.plannedPremiumFen']);
    expect(await bad({ creditCode: code, plannedPremiumFen: 12.5 })).toEqual(['body.plannedPremiumFen']);
    expect(await bad({ creditCode: code, plannedPremiumFen: '100000' })).toEqual(['body.plannedPremiumFen']);
    expect(await bad({ creditCode: code, plannedPremiumFen: 1, productCode: 'no way!' })).toEqual([
      'body.productCode',
    ]);
    expect(await bad({ creditCode: code, plannedPremiumFen: 1, policyStartDate: '2026-02-30' })).toEqual([
      'body.policyStartDate',
    ]);
    const facts = {
      name: 'x',
      district: '海淀区',
      size: 'SMALL',
      foundedOn: '2020-01-01',
      mainField: 'OTHER',
    };
    expect(await bad({ facts: { ...facts, foundedOn: '2020-13-01' }, plannedPremiumFen: 1 })).toEqual([
      'body.facts.foundedOn',
    ]);
    expect(await bad({ facts: { ...facts, size: 'HUGE' }, plannedPremiumFen: 1 })).toEqual([
      'body.facts.size',
    ]);
    expect(await bad({ facts: { ...facts, srdiLevel: 'NATIONAL' }, plannedPremiumFen: 1 })).toEqual([
      'body.facts.srdiValidUntil',
    ]);
  });

  it('tells a credit code the registry does not know, and a registry that is down, apart', async () => {
    const unknown = await calculate({ creditCode: creditCode(), plannedPremiumFen: 100_000 }, { as: staff });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({
      code: 'ENTERPRISE_NOT_FOUND',
      details: [{ path: 'body.creditCode' }],
    });
    await setBehaviour(stack, 'registry', { mode: 'unavailable' });
    const down = await calculate({ creditCode: S.inclusiveAi, plannedPremiumFen: 100_000 }, { as: staff });
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('REGISTRY_UNAVAILABLE');
    // Declared facts need no registry.
    const declared = await calculate(
      { creditCode: S.inclusiveAi, facts: DECLARED, plannedPremiumFen: 100_000 },
      { as: staff },
    );
    expect(declared.status).toBe(200);
  });

  it('is public and limited per client', async () => {
    const from = newClientAddress();
    const ask = { facts: DECLARED, plannedPremiumFen: 250_000 };
    const statuses: number[] = [];
    for (let i = 0; i <= RATE_LIMIT; i++) statuses.push((await calculate(ask, { from })).status);
    expect(statuses).toEqual([...Array<number>(RATE_LIMIT).fill(200), 429]);
    const limited = await calculate(ask, { from });
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    // Another client is not held up by the first.
    expect((await calculate(ask)).status).toBe(200);
  });

  it('answers an anonymous caller for declared facts only: a credit code needs its applicant or staff', async () => {
    // The registry is down: a refusal below is not the registry's answer, it comes before any look-up.
    await setBehaviour(stack, 'registry', { mode: 'unavailable' });
    const a = await seedApplicant(S.creditBlemished);
    const other = await seedApplicant(S.inclusiveAi);
    const ask = { creditCode: a.code, plannedPremiumFen: 250_000 };
    const refusals = {
      anonymous: await calculate(ask),
      anonymousWithFacts: await calculate({ ...ask, facts: DECLARED }),
      otherApplicant: await calculate(ask, { as: other.client }),
      bank: await calculate(ask, { as: await as(stack, { role: 'bank', bankCode: 'ICBC' }) }),
      reviewerWithoutOrg: await calculate(ask, {
        as: new ApiClient(
          stack.baseUrl,
          await createTokenService(stack.config.auth).sign({ subject: 'no-org', role: 'reviewer' }),
        ),
      }),
    };
    expect(
      Object.fromEntries(
        Object.entries(refusals).map(([who, r]) => [who, [r.status, r.body.error?.details?.[0]?.path]]),
      ),
    ).toEqual({
      anonymous: [401, 'body.creditCode'],
      anonymousWithFacts: [401, 'body.creditCode'],
      otherApplicant: [403, 'body.creditCode'],
      bank: [403, 'body.creditCode'],
      reviewerWithoutOrg: [403, 'body.creditCode'],
    });
    for (const r of Object.values(refusals)) {
      expect(JSON.stringify(r.body)).not.toMatch(/NOT_ELIGIBLE_CREDIT|tracks|usedCapFen/);
      expect(r.body.error.message).toMatch(/creditCode/);
    }
    // Its own applicant and staff reach the registry (down here: 503), and get its facts once it is back.
    expect((await calculate(ask, { as: a.client })).status).toBe(503);
    await setBehaviour(stack, 'registry', { mode: 'normal' });
    for (const who of [a.client, staff, await as(stack, { role: 'finance' })]) {
      const res = await calculate(ask, { as: who });
      expect(res.status).toBe(200);
      expect(trackOf(res.body, 'INCLUSIVE').reasons.map((r: { code: string }) => r.code)).toContain(
        'NOT_ELIGIBLE_CREDIT',
      );
    }
    // Declared facts alone stay public.
    const declared = await calculate({ facts: DECLARED, plannedPremiumFen: 250_000 });
    expect(declared.status).toBe(200);
    expect(declared.body).toMatchObject({ creditCode: null, factsSource: 'declared' });
    // The OpenAPI document says what an anonymous caller gets.
    const doc = (await anon.get('/api/v1/openapi.json')).body;
    const op = doc.paths['/api/v1/calculator'].post;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
    expect(op.description).toMatch(/anonymous caller gets 401/);
  });
});
