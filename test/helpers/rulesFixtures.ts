import { REQUIRED_DOCUMENTS } from '../../domain/documents';
import { defaultProgram } from '../../domain/program';
import type { CatalogProduct, EnterpriseFacts, PolicyFacts, RulesInput } from '../../domain/rules';
import type { Track } from '../../domain/status';

export const CODE = '91350100M000100Y43';

export function enterprise(overrides: Partial<EnterpriseFacts> = {}): EnterpriseFacts {
  return {
    creditCode: CODE,
    name: '北京智研未来科技有限公司',
    district: '海淀区',
    streetOffice: '中关村街道',
    size: 'SMALL',
    staff: 45,
    revenueFen: 6_000_000_00,
    foundedOn: '2018-04-01',
    mainField: 'ARTIFICIAL_INTELLIGENCE',
    highTech: null,
    techSme: { validUntil: '2027-12-31' },
    srdi: null,
    creditClean: true,
    ...overrides,
  };
}

export function policy(overrides: Partial<PolicyFacts> = {}): PolicyFacts {
  return {
    insurerCode: 'PICC',
    policyNumber: 'P-2026-0001',
    creditCode: CODE,
    productCode: 'HD-GROUP-2026',
    startDate: '2026-03-01',
    endDate: '2027-02-28',
    premiumFen: 250_000,
    paidPremiumFen: 250_000,
    paidAt: '2026-02-20T10:00:00+08:00',
    sumInsuredFen: 500_000_000,
    ...overrides,
  };
}

export const PRODUCTS: Record<string, CatalogProduct> = {
  group: {
    productCode: 'HD-GROUP-2026',
    insurerCode: 'PICC',
    name: '统保',
    kind: 'GROUP_INCLUSIVE',
    category: 'OTHER',
    exclusiveFields: [],
    activeFrom: '2025-01-01',
    activeTo: '2027-12-31',
  },
  rd: {
    productCode: 'PICC-RD-001',
    insurerCode: 'PICC',
    name: '研发费用损失保险',
    kind: 'CATALOG',
    category: 'R_AND_D',
    exclusiveFields: [],
    activeFrom: '2025-01-01',
    activeTo: null,
  },
  transfer: {
    productCode: 'CPIC-IP-002',
    insurerCode: 'CPIC',
    name: '成果转化',
    kind: 'CATALOG',
    category: 'TRANSFER',
    exclusiveFields: [],
    activeFrom: '2025-01-01',
    activeTo: null,
  },
  other: {
    productCode: 'PAIC-PL-003',
    insurerCode: 'PAIC',
    name: '产品责任',
    kind: 'CATALOG',
    category: 'OTHER',
    exclusiveFields: [],
    activeFrom: '2025-01-01',
    activeTo: null,
  },
  ic: {
    productCode: 'PICC-IC-101',
    insurerCode: 'PICC',
    name: '流片',
    kind: 'CATALOG',
    category: 'R_AND_D',
    exclusiveFields: ['INTEGRATED_CIRCUIT'],
    activeFrom: '2025-01-01',
    activeTo: null,
  },
};

/** An input that is eligible for its track as it stands; tests change one thing at a time. */
export function input(track: Track, overrides: Partial<RulesInput> = {}): RulesInput {
  const e =
    track === 'INCLUSIVE'
      ? enterprise()
      : track === 'SRDI'
        ? enterprise({
            staff: 300,
            revenueFen: 80_000_000_00,
            size: 'MEDIUM',
            srdi: { level: 'NATIONAL', validUntil: '2028-06-30' },
          })
        : enterprise({
            mainField: 'INTEGRATED_CIRCUIT',
            staff: 600,
            size: 'LARGE',
            revenueFen: 500_000_000_00,
          });
  const product = track === 'INCLUSIVE' ? PRODUCTS.group! : track === 'SRDI' ? PRODUCTS.rd! : PRODUCTS.ic!;
  const p =
    track === 'INCLUSIVE'
      ? policy()
      : policy({ productCode: product.productCode, premiumFen: 1_000_000_00, paidPremiumFen: 1_000_000_00 });
  return {
    track,
    creditCode: CODE,
    submittedAt: '2026-03-10T09:00:00+08:00',
    program: defaultProgram(2026),
    enterprise: { registry: e, declared: e },
    policy: { insurer: p, declared: p },
    product,
    documents: [...REQUIRED_DOCUMENTS[track]],
    history: [],
    policyInOtherLiveApplication: false,
    ...overrides,
  };
}

/** The same input with the enterprise (registry and declaration) changed. */
export function withEnterprise(i: RulesInput, changes: Partial<EnterpriseFacts>): RulesInput {
  const e = { ...i.enterprise.declared, ...changes };
  return { ...i, enterprise: { registry: e, declared: e } };
}

/** The same input with the policy (insurer record and declaration) changed. */
export function withPolicy(i: RulesInput, changes: Partial<PolicyFacts>): RulesInput {
  const p = { ...i.policy.declared, ...changes };
  return { ...i, policy: { insurer: p, declared: p } };
}

/**
 * The input of an enterprise that has not applied, as a campaign judges it: its registry facts as declared,
 * the policy as the insurer would record it, no documents and no history.
 */
export function prospectInput(
  a: { track: Track; asOf: string; program: RulesInput['program']; facts: EnterpriseFacts },
  product: CatalogProduct,
  policy: PolicyFacts,
): RulesInput {
  return {
    track: a.track,
    program: a.program,
    submittedAt: a.asOf,
    creditCode: a.facts.creditCode,
    enterprise: { registry: a.facts, declared: a.facts },
    product,
    policy: { insurer: policy, declared: policy },
    policyInOtherLiveApplication: false,
    documents: null,
    history: [],
  };
}
