import { shanghaiYear } from '../domain/calendar';
import type { CatalogProduct } from '../domain/rules';
import type { Db } from '../data/db';

/**
 * Demonstration data for the embedded stack and the tests: the district's group product, a small
 * catalog and a budget for the current year. Production catalogs are managed by administrators through the API; this is never run there.
 */
export const SEED_PRODUCTS: CatalogProduct[] = [
  {
    productCode: 'HD-GROUP-2026',
    insurerCode: 'PICC',
    name: '海淀区普惠型综合科技保险（统保）',
    kind: 'GROUP_INCLUSIVE',
    category: 'OTHER',
    exclusiveFields: [],
    activeFrom: '2025-01-01',
    activeTo: '2027-12-31',
  },
  {
    productCode: 'PICC-RD-001',
    insurerCode: 'PICC',
    name: '研发费用损失保险',
    kind: 'CATALOG',
    category: 'R_AND_D',
    exclusiveFields: [],
    activeFrom: '2025-01-01',
    activeTo: null,
  },
  {
    productCode: 'CPIC-IP-002',
    insurerCode: 'CPIC',
    name: '科技成果转化费用损失保险',
    kind: 'CATALOG',
    category: 'TRANSFER',
    exclusiveFields: [],
    activeFrom: '2025-01-01',
    activeTo: null,
  },
  {
    productCode: 'PAIC-PL-003',
    insurerCode: 'PAIC',
    name: '高新技术产品责任保险',
    kind: 'CATALOG',
    category: 'OTHER',
    exclusiveFields: [],
    activeFrom: '2025-01-01',
    activeTo: null,
  },
  {
    productCode: 'PICC-IC-101',
    insurerCode: 'PICC',
    name: '集成电路流片费用损失保险',
    kind: 'CATALOG',
    category: 'R_AND_D',
    exclusiveFields: ['INTEGRATED_CIRCUIT'],
    activeFrom: '2025-01-01',
    activeTo: null,
  },
  {
    productCode: 'CPIC-SPACE-201',
    insurerCode: 'CPIC',
    name: '商业航天发射及在轨运行保险',
    kind: 'CATALOG',
    category: 'OTHER',
    exclusiveFields: ['COMMERCIAL_AEROSPACE'],
    activeFrom: '2025-01-01',
    activeTo: null,
  },
];

/** The demonstration budget of the current year: 10 million CNY. */
export const DEMO_BUDGET_FEN = 10_000_000_00;

/** Demonstration partner banks of the loan hand-off (fictional contacts). */
export const SEED_BANKS = [
  {
    bankCode: 'BOB',
    name: '北京银行中关村分行',
    contactEmail: 'kjjr@bob.example',
    tracks: ['INCLUSIVE'],
    minAmountFen: 10_000_000n,
    maxAmountFen: 500_000_000n,
    maxTermMonths: 24,
  },
  {
    bankCode: 'ICBC-HD',
    name: '工商银行海淀支行',
    contactEmail: 'kjd@icbc.example',
    tracks: ['INCLUSIVE', 'SRDI'],
    minAmountFen: 50_000_000n,
    maxAmountFen: 2_000_000_000n,
    maxTermMonths: 36,
  },
  {
    bankCode: 'CMB-TECH',
    name: '招商银行科创金融中心',
    contactEmail: 'tech@cmb.example',
    tracks: ['SRDI', 'FRONTIER'],
    minAmountFen: 100_000_000n,
    maxAmountFen: 5_000_000_000n,
    maxTermMonths: 60,
  },
];

/** Inserts the demonstration catalog, budget and partner banks; what exists is left as it is. */
export async function seedDemoData(db: Db): Promise<void> {
  await db.bank.createMany({ data: SEED_BANKS, skipDuplicates: true });
  await db.budget.createMany({
    data: [
      { year: shanghaiYear(new Date()), track: 'ALL', totalFen: BigInt(DEMO_BUDGET_FEN), updatedBy: 'seed' },
    ],
    skipDuplicates: true,
  });
  await db.catalogProduct.createMany({
    data: SEED_PRODUCTS.map((p) => ({
      ...p,
      activeFrom: new Date(`${p.activeFrom}T00:00:00Z`),
      activeTo: p.activeTo ? new Date(`${p.activeTo}T00:00:00Z`) : null,
    })),
    skipDuplicates: true,
  });
}
