import {
  declaredFacts,
  evaluate,
  type PriorApplication,
  type ReasonCode,
  type RulesInput,
} from '../../domain/rules';
import {
  CODE,
  enterprise,
  input,
  policy,
  PRODUCTS,
  withEnterprise,
  withPolicy,
} from '../helpers/rulesFixtures';

const codes = (i: RulesInput) => evaluate(i).reasons.map((r) => r.code);
const blocking = (i: RulesInput) =>
  evaluate(i)
    .reasons.filter((r) => r.blocking)
    .map((r) => r.code);
const paid = (
  track: PriorApplication['track'],
  subsidyYear: number,
  grantedFen: number,
  status: PriorApplication['status'] = 'PAID',
): PriorApplication => ({
  id: `H-${track}-${subsidyYear}-${grantedFen}-${status}`,
  track,
  status,
  subsidyYear,
  grantedFen,
});

describe('the three tracks, as they stand', () => {
  it.each([
    [
      'INCLUSIVE',
      {
        baseFen: 250_000,
        rateBp: 10_000,
        computedFen: 250_000,
        grantFen: 250_000,
        payee: 'INSURER',
        reviewOrg: 'street:中关村街道',
      },
    ],
    [
      'SRDI',
      {
        baseFen: 100_000_000,
        rateBp: 5000,
        computedFen: 50_000_000,
        grantFen: 50_000_000,
        payee: 'ENTERPRISE',
        reviewOrg: 'committee',
      },
    ],
    [
      'FRONTIER',
      {
        baseFen: 100_000_000,
        rateBp: 5000,
        computedFen: 50_000_000,
        grantFen: 50_000_000,
        payee: 'ENTERPRISE',
        reviewOrg: 'committee',
      },
    ],
  ] as const)('%s: eligible, with the amount to the fen', (track, expected) => {
    const r = evaluate(input(track));
    expect(r.eligible).toBe(true);
    expect(r.reasons).toEqual([]);
    expect(r).toMatchObject({ ...expected, subsidyYear: 2026 });
  });
});

describe('conditions of every track', () => {
  it.each(['INCLUSIVE', 'SRDI', 'FRONTIER'] as const)('%s: refuses what DOMAIN.md refuses', (track) => {
    const base = input(track);
    const table: [string, RulesInput, ReasonCode][] = [
      ['before the window opens', { ...base, submittedAt: '2025-12-31T23:59:59+08:00' }, 'WINDOW_CLOSED'],
      ['after the window closes', { ...base, submittedAt: '2027-01-01T00:00:00+08:00' }, 'WINDOW_CLOSED'],
      ['registered outside Haidian', withEnterprise(base, { district: '朝阳区' }), 'NOT_ELIGIBLE_DISTRICT'],
      ['credit record not clean', withEnterprise(base, { creditClean: false }), 'NOT_ELIGIBLE_CREDIT'],
      [
        'unknown to the registry',
        { ...base, enterprise: { ...base.enterprise, registry: null } },
        'NOT_ELIGIBLE_REGISTRY',
      ],
      ['unknown to the insurer', { ...base, policy: { ...base.policy, insurer: null } }, 'POLICY_NOT_FOUND'],
      [
        'held by another enterprise',
        withPolicy(base, { creditCode: '91110108MA01ABCDEN' }),
        'NOT_ELIGIBLE_POLICY_HOLDER',
      ],
      ['premium not paid', withPolicy(base, { paidPremiumFen: 0 }), 'PREMIUM_NOT_PAID'],
      [
        'policy in another live application',
        { ...base, policyInOtherLiveApplication: true },
        'DUPLICATE_POLICY',
      ],
      ['a required document missing', { ...base, documents: base.documents!.slice(1) }, 'MISSING_DOCUMENT'],
      ['product not in the catalog', { ...base, product: null }, 'NOT_ELIGIBLE_PRODUCT'],
      [
        'product of another insurer',
        { ...base, product: { ...base.product!, insurerCode: 'XYZ' } },
        'NOT_ELIGIBLE_PRODUCT',
      ],
      [
        'product no longer active on the start date',
        { ...base, product: { ...base.product!, activeTo: '2026-02-28' } },
        'NOT_ELIGIBLE_PRODUCT',
      ],
    ];
    for (const [why, i, code] of table) {
      const r = evaluate(i);
      expect({ why, eligible: r.eligible, grantFen: r.grantFen }).toEqual({
        why,
        eligible: false,
        grantFen: 0,
      });
      expect({ why, codes: r.reasons.map((x) => x.code) }).toEqual({
        why,
        codes: expect.arrayContaining([code]),
      });
    }
  });

  it('lists every missing document by name', () => {
    const r = evaluate(input('SRDI', { documents: ['POLICY', 'PAYMENT_VOUCHER'] }));
    expect(r.reasons.filter((x) => x.code === 'MISSING_DOCUMENT').map((x) => x.detail.type)).toEqual([
      'PREMIUM_INVOICE',
      'INSURER_RECEIPT',
      'QUALIFICATION_CERTIFICATE',
    ]);
    expect(r.reasons[0]!.zh).toContain('保费发票');
  });

  it('judges the insurer record over the declaration and says where they differ', () => {
    const base = input('SRDI');
    const r = evaluate({
      ...base,
      policy: {
        insurer: base.policy.insurer,
        declared: { ...base.policy.declared, paidPremiumFen: 200_000_000 },
      },
    });
    expect(r.eligible).toBe(true);
    expect(r.computedFen).toBe(50_000_000);
    expect(r.reasons.map((x) => [x.code, x.blocking, x.detail.field])).toEqual([
      ['PREMIUM_MISMATCH', false, 'paidPremiumFen'],
    ]);
  });

  it('goes on with declared facts when a service is unavailable, flagging what could not be verified', () => {
    const base = input('INCLUSIVE');
    const declared = declaredFacts({
      creditCode: CODE,
      name: 'x',
      district: '海淀区',
      size: 'SMALL',
      foundedOn: '2018-04-01',
      mainField: 'ARTIFICIAL_INTELLIGENCE',
      techSmeValidUntil: '2027-12-31',
      highTechCertifiedOn: null,
      highTechValidUntil: null,
      srdiLevel: null,
      srdiValidUntil: null,
    });
    const r = evaluate({
      ...base,
      enterprise: { registry: 'unavailable', declared },
      policy: { ...base.policy, insurer: 'unavailable' },
    });
    expect(r.eligible).toBe(true);
    expect(r.facts).toMatchObject({ enterpriseVerified: false, policyVerified: false });
    expect(r.reasons.map((x) => x.code)).toEqual([
      'REGISTRY_UNAVAILABLE',
      'INSURER_UNAVAILABLE',
      'FACT_UNKNOWN',
      'FACT_UNKNOWN',
      'FACT_UNKNOWN',
    ]);
    expect(r.reasons.every((x) => !x.blocking)).toBe(true);
    expect(r.reviewOrg).toBe('committee'); // the street office is unknown without the registry
  });

  it('notes where the declaration differs from the registry', () => {
    const base = input('INCLUSIVE');
    const r = evaluate({
      ...base,
      enterprise: { ...base.enterprise, declared: enterprise({ mainField: 'BIOMEDICINE' }) },
    });
    expect(r.reasons.map((x) => [x.code, x.detail.field, x.detail.verified])).toEqual([
      ['DECLARED_FACTS_MISMATCH', 'mainField', 'ARTIFICIAL_INTELLIGENCE'],
    ]);
    expect(r.eligible).toBe(true);
  });
});

describe('INCLUSIVE (普惠型综合科技保险统保)', () => {
  const base = input('INCLUSIVE');

  it.each([
    ['100 staff (the limit)', { staff: 100 }, []],
    ['101 staff', { staff: 101 }, ['NOT_ELIGIBLE_STAFF']],
    ['revenue one fen under 10 M CNY', { revenueFen: 999_999_999 }, []],
    ['revenue of exactly 10 M CNY', { revenueFen: 1_000_000_000 }, ['NOT_ELIGIBLE_REVENUE']],
    ['a main field outside the key fields', { mainField: 'OTHER' as const }, ['NOT_ELIGIBLE_FIELD']],
    ['tech-SME registration ending the day the policy starts', { techSme: { validUntil: '2026-03-01' } }, []],
    [
      'tech-SME registration ending the day before',
      { techSme: { validUntil: '2026-02-28' } },
      ['NOT_ELIGIBLE_TECH_QUALIFICATION'],
    ],
    [
      'a high-tech certificate instead of the registration',
      { techSme: null, highTech: { certifiedOn: '2023-11-01', validUntil: '2026-10-31' } },
      [],
    ],
    [
      'a high-tech certificate issued after the policy started',
      { techSme: null, highTech: { certifiedOn: '2026-05-01', validUntil: '2029-04-30' } },
      ['NOT_ELIGIBLE_TECH_QUALIFICATION'],
    ],
    [
      'a large high-tech enterprise certified last year',
      {
        techSme: null,
        staff: 800,
        revenueFen: 90_000_000_00,
        size: 'LARGE' as const,
        highTech: { certifiedOn: '2025-10-15', validUntil: '2028-10-14' },
      },
      [],
    ],
    [
      'a large high-tech enterprise certified two years ago',
      {
        techSme: null,
        staff: 800,
        revenueFen: 90_000_000_00,
        highTech: { certifiedOn: '2024-10-15', validUntil: '2027-10-14' },
      },
      ['NOT_ELIGIBLE_STAFF', 'NOT_ELIGIBLE_REVENUE'],
    ],
  ])('%s', (_why, changes, expected) => {
    expect(blocking(withEnterprise(base, changes))).toEqual(expected);
  });

  it('routes small/micro firms to their street office and high-tech enterprises of route b to the committee', () => {
    expect(evaluate(base).reviewOrg).toBe('street:中关村街道');
    const routeB = withEnterprise(base, {
      techSme: null,
      staff: 800,
      highTech: { certifiedOn: '2025-10-15', validUntil: '2028-10-14' },
    });
    expect(evaluate(routeB).reviewOrg).toBe('committee');
  });

  it('pays the whole premium up to 2,500 CNY a year', () => {
    const r = evaluate(withPolicy(base, { premiumFen: 300_000, paidPremiumFen: 300_000 }));
    expect(r).toMatchObject({ eligible: true, baseFen: 250_000, computedFen: 250_000, grantFen: 250_000 });
    expect(codes(withPolicy(base, { premiumFen: 300_000 }))).toEqual(['INCLUSIVE_PREMIUM_CAPPED']);
    expect(evaluate(withPolicy(base, { premiumFen: 180_050, paidPremiumFen: 180_050 })).grantFen).toBe(
      180_050,
    );
  });

  it('supports three policy years per enterprise and refuses a fourth', () => {
    const three = [
      paid('INCLUSIVE', 2023, 250_000),
      paid('INCLUSIVE', 2024, 250_000),
      paid('INCLUSIVE', 2025, 250_000),
    ];
    expect(blocking({ ...base, history: three })).toEqual(['INCLUSIVE_YEARS_EXHAUSTED']);
    expect(blocking({ ...base, history: three.slice(1) })).toEqual([]);
    const withdrawn = [...three.slice(1), paid('INCLUSIVE', 2023, 250_000, 'WITHDRAWN')];
    expect(blocking({ ...base, history: withdrawn })).toEqual([]);
    const otherTracks = [...three.slice(1), paid('SRDI', 2023, 1000)];
    expect(blocking({ ...base, history: otherTracks })).toEqual([]);
  });

  it('shares the 2,500 CNY among the year’s inclusive applications', () => {
    const r = evaluate({ ...base, history: [paid('INCLUSIVE', 2026, 100_000, 'APPROVED')] });
    expect(r).toMatchObject({
      eligible: true,
      computedFen: 250_000,
      grantFen: 150_000,
      remainingCapFen: 150_000,
    });
    expect(r.reasons.map((x) => x.code)).toEqual(['CAPPED']);
    expect(blocking({ ...base, history: [paid('INCLUSIVE', 2026, 250_000, 'IN_PUBLIC_NOTICE')] })).toEqual([
      'ANNUAL_CAP_REACHED',
    ]);
    expect(blocking({ ...base, history: [paid('INCLUSIVE', 2026, 250_000, 'REJECTED')] })).toEqual([]);
    expect(blocking({ ...base, history: [paid('INCLUSIVE', 2026, 250_000, 'INITIAL_REVIEW')] })).toEqual([]);
  });

  it('refuses a catalog product: only the district group product qualifies', () => {
    expect(blocking({ ...withPolicy(base, { productCode: 'PICC-RD-001' }), product: PRODUCTS.rd! })).toEqual([
      'NOT_ELIGIBLE_PRODUCT',
    ]);
  });
});

describe('SRDI (专精特新, catalog products)', () => {
  const base = input('SRDI');
  const rateOf = (level: 'NATIONAL' | 'MUNICIPAL', product: keyof typeof PRODUCTS) => {
    const i = withEnterprise(
      { ...base, product: PRODUCTS[product]! },
      { srdi: { level, validUntil: '2028-06-30' } },
    );
    return evaluate(
      withPolicy(i, {
        insurerCode: PRODUCTS[product]!.insurerCode,
        productCode: PRODUCTS[product]!.productCode,
      }),
    );
  };

  it.each([
    ['NATIONAL', 'rd', 5000],
    ['NATIONAL', 'transfer', 5000],
    ['NATIONAL', 'other', 3000],
    ['MUNICIPAL', 'rd', 4000],
    ['MUNICIPAL', 'transfer', 4000],
    ['MUNICIPAL', 'other', 2000],
  ] as const)('%s level, %s product: %i bp of the premium paid', (level, product, rateBp) => {
    const r = rateOf(level, product);
    expect(r.eligible).toBe(true);
    expect(r.rateBp).toBe(rateBp);
    expect(r.computedFen).toBe((100_000_000 * rateBp) / 10_000);
  });

  it('never pays above 50 %, whatever the configuration says', () => {
    const program = {
      ...base.program,
      srdiRatesBp: { ...base.program.srdiRatesBp, NATIONAL: { R_AND_D: 9000, TRANSFER: 5000, OTHER: 3000 } },
    };
    expect(evaluate({ ...base, program }).rateBp).toBe(5000);
  });

  it.each([
    ['valid until the policy start date', '2026-03-01', []],
    ['expired the day before', '2026-02-28', ['NOT_ELIGIBLE_SRDI']],
  ])('a qualification %s', (_why, validUntil, expected) => {
    expect(blocking(withEnterprise(base, { srdi: { level: 'NATIONAL', validUntil } }))).toEqual(expected);
  });

  it('refuses without any SRDI qualification, and refuses the group product', () => {
    expect(blocking(withEnterprise(base, { srdi: null }))).toEqual(['NOT_ELIGIBLE_SRDI']);
    expect(
      blocking({ ...withPolicy(base, { productCode: 'HD-GROUP-2026' }), product: PRODUCTS.group! }),
    ).toEqual(['NOT_ELIGIBLE_PRODUCT']);
  });

  it('floors the rate to the fen', () => {
    const r = evaluate(
      withPolicy(
        { ...base, product: PRODUCTS.other! },
        { insurerCode: 'PAIC', productCode: 'PAIC-PL-003', premiumFen: 333, paidPremiumFen: 333 },
      ),
    );
    expect(r.rateBp).toBe(3000);
    expect(r.computedFen).toBe(99); // 99.9 fen
  });

  it.each([
    ['exactly at the cap', 100_000_000, 0, { grantFen: 50_000_000, capped: false }],
    ['one fen over the cap', 100_000_002, 0, { grantFen: 50_000_000, capped: true }],
    ['one fen of cap left', 100_000_000, 49_999_999, { grantFen: 1, capped: true }],
  ])('500,000 CNY a year: %s', (_why, paidFen, usedFen, expected) => {
    const history = usedFen ? [paid('SRDI', 2026, usedFen)] : [];
    const r = evaluate({ ...withPolicy(base, { premiumFen: paidFen, paidPremiumFen: paidFen }), history });
    expect(r.eligible).toBe(true);
    expect(r.grantFen).toBe(expected.grantFen);
    expect(r.reasons.some((x) => x.code === 'CAPPED')).toBe(expected.capped);
  });

  it('refuses once the year’s cap is used up, but not the next year’s', () => {
    const history = [paid('SRDI', 2026, 30_000_000), paid('SRDI', 2026, 20_000_000, 'DISBURSING')];
    expect(blocking({ ...base, history })).toEqual(['ANNUAL_CAP_REACHED']);
    const nextYear = withPolicy(
      {
        ...base,
        history,
        submittedAt: '2027-01-05T09:00:00+08:00',
        program: {
          ...base.program,
          year: 2027,
          opensAt: '2027-01-01T00:00:00+08:00',
          closesAt: '2027-12-31T23:59:59+08:00',
        },
      },
      { paidAt: '2027-01-03T10:00:00+08:00', startDate: '2027-01-04', endDate: '2028-01-03' },
    );
    expect(evaluate(nextYear)).toMatchObject({ eligible: true, subsidyYear: 2027, grantFen: 50_000_000 });
  });
});

describe('FRONTIER (集成电路 / 商业航天)', () => {
  const base = input('FRONTIER');

  it('supports only the frontier fields, with a product exclusive to the field', () => {
    expect(blocking(withEnterprise(base, { mainField: 'COMMERCIAL_AEROSPACE' }))).toEqual([
      'NOT_ELIGIBLE_PRODUCT',
    ]);
    expect(blocking(withEnterprise(base, { mainField: 'ARTIFICIAL_INTELLIGENCE' }))).toEqual([
      'NOT_ELIGIBLE_PRODUCT',
      'NOT_ELIGIBLE_FIELD',
    ]);
    expect(blocking({ ...withPolicy(base, { productCode: 'PICC-RD-001' }), product: PRODUCTS.rd! })).toEqual([
      'NOT_ELIGIBLE_PRODUCT',
    ]);
  });

  it('follows the configured frontier fields as the plan extends them', () => {
    const program = {
      ...base.program,
      frontierFields: [...base.program.frontierFields, 'BIOMEDICINE' as const],
    };
    const bio = withEnterprise(
      { ...base, program, product: { ...PRODUCTS.ic!, exclusiveFields: ['BIOMEDICINE'] } },
      { mainField: 'BIOMEDICINE' },
    );
    expect(evaluate(bio).eligible).toBe(true);
  });

  it('pays 50 % up to 3,000,000 CNY a year', () => {
    const big = withPolicy(base, { premiumFen: 800_000_000, paidPremiumFen: 700_000_000 });
    const r = evaluate(big);
    expect(r).toMatchObject({
      eligible: true,
      baseFen: 700_000_000,
      computedFen: 350_000_000,
      grantFen: 300_000_000,
      annualCapFen: 300_000_000,
    });
    expect(r.reasons.map((x) => x.code)).toEqual(['CAPPED']);
  });
});

describe('the subsidy year (Asia/Shanghai year of the payment)', () => {
  it.each([
    ['paid on 31 December at 23:30 Beijing time', '2026-12-31T23:30:00+08:00', 2026],
    ['paid at 00:30 on 1 January Beijing time (16:30 UTC the day before)', '2026-12-31T16:30:00Z', 2027],
    ['paid on 29 February of a leap year', '2028-02-29T12:00:00+08:00', 2028],
  ])('%s', (_why, paidAt, year) => {
    expect(evaluate(withPolicy(input('SRDI'), { paidAt })).subsidyYear).toBe(year);
  });

  it('counts a cap against the year of payment, not of submission', () => {
    const base = input('SRDI', { history: [paid('SRDI', 2026, 50_000_000)] });
    expect(blocking(base)).toEqual(['ANNUAL_CAP_REACHED']);
    expect(blocking(withPolicy(base, { paidAt: '2025-12-31T10:00:00+08:00' }))).toEqual([]);
  });

  it('accepts a qualification valid until a leap day when the policy starts then', () => {
    const i = withPolicy(
      withEnterprise(input('SRDI'), { srdi: { level: 'MUNICIPAL', validUntil: '2028-02-29' } }),
      { startDate: '2028-02-29', endDate: '2029-02-28' },
    );
    expect(blocking(i)).toEqual([]);
  });
});

it('explains every reason in Chinese and English', () => {
  const r = evaluate(
    withEnterprise(
      input('INCLUSIVE', {
        submittedAt: '2025-06-01T00:00:00+08:00',
        policy: { insurer: null, declared: policy() },
      }),
      { district: '朝阳区', staff: 500 },
    ),
  );
  expect(r.reasons.length).toBeGreaterThan(3);
  for (const x of r.reasons) {
    expect(x.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(x.en).toMatch(/[a-z]{4,}/i);
    expect(x.en).not.toMatch(/[\u4e00-\u9fff]{4,}/); // English, though names such as 朝阳区 stay Chinese
  }
});
