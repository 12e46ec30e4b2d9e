import { mulberry32 } from '../../domain/random';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter } from '../../domain/creditCode';
import { FIELDS } from '../../domain/fields';
import type { EnterpriseFacts, EnterpriseSize, PolicyFacts } from '../../domain/rules/facts';

/**
 * Demo data of the simulators: fictional enterprises and policies, one for each case the rules
 * distinguish. Money is in fen (1 CNY = 100 fen).
 */

/** `91` (enterprise), the 6-digit district code, a 9-character organisation code, and the check character. */
function creditCode(district: '110108' | '110105', organisation: string): string {
  const first17 = `91${district}${organisation}`;
  return first17 + creditCodeCheckCharacter(first17);
}

const HAIDIAN = '110108';
const CHAOYANG = '110105';

/** The seed enterprises by the case each one stands for. */
export const SEED_CREDIT_CODES = {
  /** Small AI firm in 中关村街道, a technology-based SME: eligible for the INCLUSIVE track. */
  inclusiveAi: creditCode(HAIDIAN, 'MA01C8HQ7'),
  /** Large national high-tech enterprise, certified in 2025. */
  largeHighTech: creditCode(HAIDIAN, '75468312X'),
  /** National 专精特新 小巨人. */
  nationalSrdi: creditCode(HAIDIAN, 'MA0047LN2'),
  /** Municipal 专精特新 whose qualification expired on 2026-01-31. */
  expiredMunicipalSrdi: creditCode(HAIDIAN, 'MA01R3TU8'),
  integratedCircuit: creditCode(HAIDIAN, 'MA002K6P4'),
  commercialAerospace: creditCode(HAIDIAN, 'MA01E9WJ5'),
  /** Registered in 朝阳区, otherwise like inclusiveAi. */
  chaoyang: creditCode(CHAOYANG, 'MA01B4GY6'),
  /** Haidian firm with a blemished credit record. */
  creditBlemished: creditCode(HAIDIAN, 'MA00DX1C9'),
  /** Young micro firm the registry knows little about (street, staff, revenue, credit unknown). */
  sparseRecord: creditCode(HAIDIAN, 'MA04F2NW1'),
} as const;

const C = SEED_CREDIT_CODES;

export const SEED_ENTERPRISES: EnterpriseFacts[] = [
  {
    creditCode: C.inclusiveAi,
    name: '北京智研未来科技有限公司',
    district: '海淀区',
    streetOffice: '中关村街道',
    size: 'SMALL',
    staff: 45,
    revenueFen: 600_000_000,
    foundedOn: '2019-04-12',
    mainField: 'ARTIFICIAL_INTELLIGENCE',
    highTech: null,
    techSme: { validUntil: '2027-12-31' },
    srdi: null,
    creditClean: true,
  },
  {
    creditCode: C.largeHighTech,
    name: '北京星河数联信息技术股份有限公司',
    district: '海淀区',
    streetOffice: '上地街道',
    size: 'LARGE',
    staff: 800,
    revenueFen: 186_000_000_000,
    foundedOn: '2003-07-15',
    mainField: 'NEW_GENERATION_IT',
    highTech: { certifiedOn: '2025-11-20', validUntil: '2028-11-19' },
    techSme: null,
    srdi: null,
    creditClean: true,
  },
  {
    creditCode: C.nationalSrdi,
    name: '北京精测微感科技有限公司',
    district: '海淀区',
    streetOffice: '西北旺镇',
    size: 'MEDIUM',
    staff: 260,
    revenueFen: 32_000_000_000,
    foundedOn: '2012-09-03',
    mainField: 'INTELLIGENT_MANUFACTURING',
    highTech: { certifiedOn: '2024-12-02', validUntil: '2027-12-01' },
    techSme: null,
    srdi: { level: 'NATIONAL', validUntil: '2028-06-30' },
    creditClean: true,
  },
  {
    creditCode: C.expiredMunicipalSrdi,
    name: '北京云杉生物医药科技有限公司',
    district: '海淀区',
    streetOffice: '马连洼街道',
    size: 'SMALL',
    staff: 88,
    revenueFen: 4_500_000_000,
    foundedOn: '2015-03-18',
    mainField: 'BIOMEDICINE',
    highTech: { certifiedOn: '2023-10-16', validUntil: '2026-10-15' },
    techSme: { validUntil: '2026-12-31' },
    srdi: { level: 'MUNICIPAL', validUntil: '2026-01-31' },
    creditClean: true,
  },
  {
    creditCode: C.integratedCircuit,
    name: '北京芯锐微电子有限公司',
    district: '海淀区',
    streetOffice: '学院路街道',
    size: 'MEDIUM',
    staff: 180,
    revenueFen: 9_800_000_000,
    foundedOn: '2016-11-08',
    mainField: 'INTEGRATED_CIRCUIT',
    highTech: { certifiedOn: '2024-10-29', validUntil: '2027-10-28' },
    techSme: { validUntil: '2026-12-31' },
    srdi: null,
    creditClean: true,
  },
  {
    creditCode: C.commercialAerospace,
    name: '北京天穹星箭航天科技有限公司',
    district: '海淀区',
    streetOffice: '温泉镇',
    size: 'SMALL',
    staff: 96,
    revenueFen: 2_300_000_000,
    foundedOn: '2018-06-21',
    mainField: 'COMMERCIAL_AEROSPACE',
    highTech: { certifiedOn: '2025-12-10', validUntil: '2028-12-09' },
    techSme: { validUntil: '2027-06-30' },
    srdi: null,
    creditClean: true,
  },
  {
    creditCode: C.chaoyang,
    name: '北京望京智算科技有限公司',
    district: '朝阳区',
    streetOffice: '望京街道',
    size: 'SMALL',
    staff: 60,
    revenueFen: 1_200_000_000,
    foundedOn: '2017-02-14',
    mainField: 'ARTIFICIAL_INTELLIGENCE',
    highTech: null,
    techSme: { validUntil: '2027-12-31' },
    srdi: null,
    creditClean: true,
  },
  {
    creditCode: C.creditBlemished,
    name: '北京博远新材料科技有限公司',
    district: '海淀区',
    streetOffice: '清河街道',
    size: 'SMALL',
    staff: 38,
    revenueFen: 900_000_000,
    foundedOn: '2014-05-09',
    mainField: 'NEW_MATERIALS',
    highTech: null,
    techSme: { validUntil: '2026-12-31' },
    srdi: null,
    creditClean: false,
  },
  {
    creditCode: C.sparseRecord,
    name: '北京拾光量子信息科技有限公司',
    district: '海淀区',
    streetOffice: null,
    size: 'MICRO',
    staff: null,
    revenueFen: null,
    foundedOn: '2024-08-19',
    mainField: 'NEW_GENERATION_IT',
    highTech: null,
    techSme: null,
    srdi: null,
    creditClean: null,
  },
];

/**
 * Policies of the catalog products: HD-GROUP-2026 (PICC, group inclusive), PICC-RD-001 (R&D loss),
 * CPIC-IP-002 (IP/transfer), PAIC-PL-003 (product liability), PICC-IC-101 (integrated circuits only),
 * CPIC-SPACE-201 (commercial aerospace only). CPIC numbers contain `/`.
 */
export const SEED_POLICIES: PolicyFacts[] = [
  {
    insurerCode: 'PICC',
    policyNumber: 'PZAA202611010800000123',
    creditCode: C.inclusiveAi,
    productCode: 'HD-GROUP-2026',
    startDate: '2026-03-01',
    endDate: '2027-02-28',
    premiumFen: 250_000,
    paidPremiumFen: 250_000,
    paidAt: '2026-02-20T10:00:00+08:00',
    sumInsuredFen: 500_000_000,
  },
  {
    insurerCode: 'CPIC',
    policyNumber: 'ACHZ/2026/IP/000458',
    creditCode: C.inclusiveAi,
    productCode: 'CPIC-IP-002',
    startDate: '2026-04-01',
    endDate: '2027-03-31',
    premiumFen: 1_800_000,
    paidPremiumFen: 1_800_000,
    paidAt: '2026-03-25T15:30:00+08:00',
    sumInsuredFen: 200_000_000,
  },
  {
    insurerCode: 'PICC',
    policyNumber: 'PZAA202611010800000456',
    creditCode: C.largeHighTech,
    productCode: 'PICC-RD-001',
    startDate: '2026-02-01',
    endDate: '2027-01-31',
    premiumFen: 12_000_000,
    paidPremiumFen: 12_000_000,
    paidAt: '2026-01-20T09:12:00+08:00',
    sumInsuredFen: 5_000_000_000,
  },
  {
    insurerCode: 'PAIC',
    policyNumber: '10510003900204567891',
    creditCode: C.nationalSrdi,
    productCode: 'PAIC-PL-003',
    startDate: '2026-05-01',
    endDate: '2027-04-30',
    premiumFen: 8_500_000,
    paidPremiumFen: 8_500_000,
    paidAt: '2026-04-28T11:00:00+08:00',
    sumInsuredFen: 3_000_000_000,
  },
  {
    // Paid in instalments: only the first half is in so far.
    insurerCode: 'CPIC',
    policyNumber: 'ACHZ/2026/IP/000512',
    creditCode: C.expiredMunicipalSrdi,
    productCode: 'CPIC-IP-002',
    startDate: '2026-03-15',
    endDate: '2027-03-14',
    premiumFen: 2_400_000,
    paidPremiumFen: 1_200_000,
    paidAt: '2026-03-10T14:00:00+08:00',
    sumInsuredFen: 300_000_000,
  },
  {
    insurerCode: 'PICC',
    policyNumber: 'PZAA202611010800000789',
    creditCode: C.integratedCircuit,
    productCode: 'PICC-IC-101',
    startDate: '2026-06-01',
    endDate: '2027-05-31',
    premiumFen: 36_000_000,
    paidPremiumFen: 36_000_000,
    paidAt: '2026-05-26T10:20:00+08:00',
    sumInsuredFen: 10_000_000_000,
  },
  {
    insurerCode: 'CPIC',
    policyNumber: 'ACHZ/2026/SP/000007',
    creditCode: C.commercialAerospace,
    productCode: 'CPIC-SPACE-201',
    startDate: '2026-07-01',
    endDate: '2027-06-30',
    premiumFen: 48_000_000,
    paidPremiumFen: 48_000_000,
    paidAt: '2026-06-24T16:45:00+08:00',
    sumInsuredFen: 20_000_000_000,
  },
  {
    insurerCode: 'PICC',
    policyNumber: 'PZAA202611050800000321',
    creditCode: C.chaoyang,
    productCode: 'HD-GROUP-2026',
    startDate: '2026-03-01',
    endDate: '2027-02-28',
    premiumFen: 250_000,
    paidPremiumFen: 250_000,
    paidAt: '2026-02-24T11:30:00+08:00',
    sumInsuredFen: 500_000_000,
  },
  {
    insurerCode: 'PICC',
    policyNumber: 'PZAA202611010800000654',
    creditCode: C.creditBlemished,
    productCode: 'PICC-RD-001',
    startDate: '2026-04-10',
    endDate: '2027-04-09',
    premiumFen: 3_600_000,
    paidPremiumFen: 3_600_000,
    paidAt: '2026-04-08T09:00:00+08:00',
    sumInsuredFen: 1_000_000_000,
  },
];

// ---- synthetic registries ------------------------------------------------------------------------------------

/** `n` in the credit-code alphabet, `width` characters. */
function base31(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = CREDIT_CODE_ALPHABET[n % 31]! + out;
    n = Math.floor(n / 31);
  }
  return out;
}

const HAIDIAN_STREETS = [
  '中关村街道',
  '学院路街道',
  '上地街道',
  '海淀街道',
  '清河街道',
  '西北旺镇',
  '马连洼街道',
  '温泉镇',
];
const SIZES: [EnterpriseSize, number][] = [
  ['MICRO', 0.2],
  ['SMALL', 0.4],
  ['MEDIUM', 0.25],
  ['LARGE', 0.15],
];
/** Staff and last year's revenue (CNY) ranges by size. */
const SCALE: Record<EnterpriseSize, { staff: [number, number]; revenueYuan: [number, number] }> = {
  MICRO: { staff: [3, 19], revenueYuan: [500_000, 5_000_000] },
  SMALL: { staff: [20, 140], revenueYuan: [2_000_000, 16_000_000] },
  MEDIUM: { staff: [100, 499], revenueYuan: [20_000_000, 400_000_000] },
  LARGE: { staff: [500, 5000], revenueYuan: [400_000_000, 20_000_000_000] },
};
const TECH_SME_UNTIL = ['2025-12-31', '2026-12-31', '2027-12-31', '2028-12-31'];
const SRDI_UNTIL = ['2026-03-31', '2027-06-30', '2028-12-31'];

/** Most seeds: the seed takes two characters of the organisation code. */
export const MAX_SYNTHETIC_SEED = 31 * 31 - 1;

/**
 * `count` fictional enterprises for large-registry tests (outreach campaigns), the same for the same `seed`
 * (and the first n of a larger count are the n of a smaller one). Codes are valid, `91{district}Y{seed}{index}`
 * plus the check character. Shares, roughly: 90 % registered in 海淀区; sizes 20/40/25/15 % micro/small/medium/
 * large (staff and revenue to match, some small firms above the inclusive limits); the nine fields equally;
 * 45 % registered technology-based SMEs (one in four of them expired in 2025), 25 % high-tech certified
 * (2021–2026), 15 % 专精特新 (a third national); 90 % clean credit records, 6 % blemished, 4 % unknown;
 * staff or revenue unknown for 4 % each; 95 % with a contact e-mail. Judged late in 2026 under the default
 * programme and the demonstration catalog, about 14 % are eligible for the inclusive track, 9 % for SRDI and
 * 18 % for frontier insurance (test/unit/outreach.test.ts counts them with the rules).
 */
export function syntheticEnterprises(
  count: number,
  seed = 1,
): (EnterpriseFacts & { contactEmail: string | null })[] {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SYNTHETIC_SEED) {
    throw new RangeError(`seed must be an integer from 0 to ${MAX_SYNTHETIC_SEED}`);
  }
  return Array.from({ length: count }, (_, i) => {
    const rand = mulberry32(seed * 1_000_003 + i);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    const date = (fromYear: number, toYear: number) =>
      `${between(fromYear, toYear)}-${String(between(1, 12)).padStart(2, '0')}-${String(between(1, 28)).padStart(2, '0')}`;

    const haidian = rand() < 0.9;
    const first17 = `91${haidian ? HAIDIAN : CHAOYANG}Y${base31(seed, 2)}${base31(i, 6)}`;
    const creditCode = first17 + creditCodeCheckCharacter(first17);
    let roll = rand();
    const size = SIZES.find(([, share]) => (roll -= share) < 0)?.[0] ?? 'LARGE';
    const scale = SCALE[size];
    const staff = rand() < 0.04 ? null : between(...scale.staff);
    const revenueFen = rand() < 0.04 ? null : between(...scale.revenueYuan) * 100;
    const highTechOn = rand() < 0.25 ? date(2021, 2026) : null;
    const highTechUntil = (on: string) => {
      const d = new Date(`${on}T00:00:00Z`);
      d.setUTCFullYear(d.getUTCFullYear() + 3);
      d.setUTCDate(d.getUTCDate() - 1);
      return d.toISOString().slice(0, 10);
    };
    const credit = rand();
    const street = rand() < 0.03 ? null : haidian ? pick(HAIDIAN_STREETS) : '望京街道';
    const techSme = rand() < 0.45 ? { validUntil: pick(TECH_SME_UNTIL) } : null;
    const srdi =
      rand() < 0.15
        ? {
            level: rand() < 1 / 3 ? ('NATIONAL' as const) : ('MUNICIPAL' as const),
            validUntil: pick(SRDI_UNTIL),
          }
        : null;
    return {
      creditCode,
      name: `北京合成样本${seed}-${i + 1}号科技有限公司`,
      district: haidian ? '海淀区' : '朝阳区',
      streetOffice: street,
      size,
      staff,
      revenueFen,
      foundedOn: date(1995, 2024),
      mainField: pick(FIELDS),
      highTech: highTechOn ? { certifiedOn: highTechOn, validUntil: highTechUntil(highTechOn) } : null,
      techSme,
      srdi,
      creditClean: credit < 0.9 ? true : credit < 0.96 ? false : null,
      contactEmail: rand() < 0.95 ? `info-${creditCode.toLowerCase()}@synthetic.example` : null,
    };
  });
}
