import {
  compareEnterprise,
  comparePolicy,
  declaredFacts,
  evaluate,
  type DeclaredEnterprise,
  type RulesInput,
} from '../../domain/rules';
import { CODE, enterprise, input, policy } from '../helpers/rulesFixtures';

/** The application as the console submits it: the payment date is a day, the insurer records an instant. */
const declaredDay = (paidAt: string, insurerPaidAt: string, base: RulesInput = input('INCLUSIVE')) => ({
  ...base,
  policy: { insurer: policy({ paidAt: insurerPaidAt }), declared: policy({ paidAt }) },
});
const mismatches = (i: RulesInput) =>
  evaluate(i)
    .reasons.filter((r) => r.code.endsWith('MISMATCH'))
    .map((r) => [r.code, r.detail.field, r.detail.declared, r.detail.verified]);

const declared = (changes: Partial<DeclaredEnterprise>): DeclaredEnterprise => ({
  creditCode: CODE,
  name: '北京智研未来科技有限公司',
  district: '海淀区',
  size: 'SMALL',
  foundedOn: '2018-04-01',
  mainField: 'ARTIFICIAL_INTELLIGENCE',
  techSmeValidUntil: null,
  highTechCertifiedOn: null,
  highTechValidUntil: null,
  srdiLevel: null,
  srdiValidUntil: null,
  ...changes,
});

describe('a declared day against the insurer’s instant', () => {
  it('matches when the instant falls on that Beijing day, also when it is the day before in UTC', () => {
    // 2026-02-20T01:30:00+08:00 is 2026-02-19T17:30Z: the day is the 20th in Beijing.
    expect(mismatches(declaredDay('2026-02-20', '2026-02-20T01:30:00+08:00'))).toEqual([]);
    expect(mismatches(declaredDay('2026-02-20', '2026-02-20T23:59:59+08:00'))).toEqual([]);
    // Stored and replayed as the instant 00:00 Beijing, the declared day is still the 20th.
    expect(mismatches(declaredDay('2026-02-19T16:00:00.000Z', '2026-02-20T10:00:00+08:00'))).toEqual([]);
  });

  it('differs when the instant falls on another Beijing day, and says so in days', () => {
    const i = declaredDay('2026-02-20', '2026-02-19T23:30:00+08:00');
    expect(mismatches(i)).toEqual([['POLICY_DETAILS_MISMATCH', 'paidAt', '2026-02-20', '2026-02-19']]);
    const [r] = evaluate(i).reasons;
    expect(r!.zh).toBe(
      '申报的缴费时间与保险公司记录不一致（申报 2026-02-20，记录 2026-02-19），以保险公司记录为准',
    );
    expect(r!.blocking).toBe(false);
  });

  it('gives the comparison as days, for every policy fact', () => {
    const checks = comparePolicy(
      policy({ paidAt: '2026-02-20' }),
      policy({ paidAt: '2026-02-20T01:30:00+08:00' }),
    );
    expect(checks.find((c) => c.field === 'paidAt')).toEqual({
      field: 'paidAt',
      fieldZh: '缴费时间',
      declared: '2026-02-20',
      verified: '2026-02-20',
      same: true,
    });
    expect(checks.map((c) => c.field)).toEqual([
      'creditCode',
      'premiumFen',
      'paidPremiumFen',
      'paidAt',
      'productCode',
      'startDate',
      'endDate',
      'sumInsuredFen',
    ]);
    expect(checks.every((c) => c.same === true)).toBe(true);
  });

  it('counts the subsidy year from the Beijing day of a declared day', () => {
    const base = input('SRDI');
    const unverified = {
      ...base,
      policy: { insurer: 'unavailable' as const, declared: policy({ paidAt: '2027-01-01' }) },
    };
    expect(evaluate(unverified).subsidyYear).toBe(2027);
  });
});

describe('each qualification on its own', () => {
  const highTech = { certifiedOn: '2025-11-20', validUntil: '2028-11-19' };
  const registry = enterprise({ techSme: null, highTech, staff: 300, size: 'SMALL' });

  it('gives a high-tech firm that enters its certificate date and validity no mismatch', () => {
    const d = declaredFacts(
      declared({ highTechCertifiedOn: '2025-11-20', highTechValidUntil: '2028-11-19' }),
    );
    const base = input('INCLUSIVE');
    const i = { ...base, enterprise: { registry, declared: d } };
    expect(mismatches(i)).toEqual([]);
    expect(compareEnterprise(d, registry).find((c) => c.field === 'highTech')).toMatchObject({ same: true });
    // Route b: certified in the year before the programme year, whatever its size.
    expect(evaluate(i).eligible).toBe(true);
  });

  it('does not take a high-tech certificate for a technology-SME registration, or the other way round', () => {
    const asTechSme = declaredFacts(declared({ techSmeValidUntil: '2028-11-19' }));
    const base = input('INCLUSIVE');
    expect(mismatches({ ...base, enterprise: { registry, declared: asTechSme } })).toEqual([
      ['DECLARED_FACTS_MISMATCH', 'techSme', '2028-11-19', '—'],
    ]);
    const wrongDate = declaredFacts(
      declared({ highTechCertifiedOn: '2022-11-20', highTechValidUntil: '2025-11-19' }),
    );
    expect(mismatches({ ...base, enterprise: { registry, declared: wrongDate } })).toEqual([
      ['DECLARED_FACTS_MISMATCH', 'highTech', '2022-11-20 – 2025-11-19', '2025-11-20 – 2028-11-19'],
    ]);
  });

  it('checks only what is declared: a qualification left out is nothing to compare', () => {
    const checks = compareEnterprise(declaredFacts(declared({})), registry);
    expect(checks.filter((c) => c.same === null).map((c) => c.field)).toEqual([
      'techSme',
      'highTech',
      'srdi',
    ]);
    expect(checks.filter((c) => c.same === false)).toEqual([]);
  });

  it('judges route b on a declared certificate date when the registry is unavailable', () => {
    const base = input('INCLUSIVE');
    const d = declaredFacts(
      declared({ highTechCertifiedOn: '2025-11-20', highTechValidUntil: '2028-11-19' }),
    );
    const r = evaluate({ ...base, enterprise: { registry: 'unavailable', declared: d } });
    expect(r.reasons.filter((x) => x.blocking)).toEqual([]);
    const expired = declaredFacts(
      declared({ highTechCertifiedOn: '2023-11-20', highTechValidUntil: '2026-02-01' }),
    );
    const old = evaluate({ ...base, enterprise: { registry: 'unavailable', declared: expired } });
    expect(old.reasons.map((x) => x.code)).toContain('NOT_ELIGIBLE_TECH_QUALIFICATION');
  });
});
