import { shanghaiDate, shanghaiYear } from '../calendar';
import { REQUIRED_DOCUMENTS, DOCUMENT_TYPES, type DocumentType } from '../documents';
import { applyRate, BP_DENOMINATOR } from '../money';
import type { ProgramConfig } from '../program';
import { COMMITTEE_ORG, streetOrg } from '../roles';
import { GRANT_HOLDING_STATUSES, type ApplicationStatus, type Track } from '../status';
import { CHECKED_FACTS, compareEnterprise, comparePolicy, factText, type FactCheck } from './compare';
import type { CatalogProduct, EnterpriseFacts, PolicyFacts } from './facts';
import { reason, type Reason, type ReasonCode } from './reasons';

/**
 * The subsidy rules of DOMAIN.md in one pure, deterministic function: eligibility for the three tracks and
 * the grant to the fen. No clock, no I/O: everything it judges is in its input, so the precheck (in a
 * workflow), the calculator and the tests all get the same answer for the same facts.
 */

/** Rates above this are never paid, whatever the configuration says (“never above 50 %”). */
export const MAX_REIMBURSEMENT_RATE_BP = 5000;

export interface PriorApplication {
  id: string;
  track: Track;
  status: ApplicationStatus;
  subsidyYear: number | null;
  grantedFen: number | null;
}

/** A look-up result: the facts, `null` when the system does not know them, or `unavailable`. */
export type Lookup<T> = T | null | 'unavailable';

export interface RulesInput {
  track: Track;
  creditCode: string;
  /** When the application was (or would be) submitted. */
  submittedAt: string;
  program: ProgramConfig;
  enterprise: { registry: Lookup<EnterpriseFacts>; declared: EnterpriseFacts };
  policy: { insurer: Lookup<PolicyFacts>; declared: PolicyFacts };
  /** The catalog entry of the policy's product, null when the catalog has none. */
  product: CatalogProduct | null;
  /** Document types attached; null skips the check (calculator estimates). */
  documents: readonly DocumentType[] | null;
  /** The enterprise's other applications. */
  history: readonly PriorApplication[];
  /** The same policy is in another live application (of any enterprise). */
  policyInOtherLiveApplication: boolean;
}

export type Payee = 'INSURER' | 'ENTERPRISE';

export interface RulesResult {
  eligible: boolean;
  reasons: Reason[];
  subsidyYear: number;
  baseFen: number;
  rateBp: number;
  /** floor(base × rate / 10000). */
  computedFen: number;
  annualCapFen: number;
  usedCapFen: number;
  remainingCapFen: number;
  /** What would be granted now: the computed amount, limited to the remaining cap (binding at final approval). */
  grantFen: number;
  payee: Payee;
  /** Who does the first review: the street/town office for inclusive small/micro firms, else the committee. */
  reviewOrg: string;
  /** The facts judged: verified where the outside systems answered, declared otherwise. */
  facts: {
    enterprise: EnterpriseFacts;
    policy: PolicyFacts;
    enterpriseVerified: boolean;
    policyVerified: boolean;
  };
}

/** Whether a certificate valid until `validUntil` covers `date` (days or instants, as Beijing days). */
const validOn = (validUntil: string | undefined | null, date: string) =>
  Boolean(validUntil && shanghaiDate(validUntil) >= shanghaiDate(date));
const activeOn = (p: CatalogProduct, date: string) =>
  p.activeFrom <= date && (p.activeTo === null || p.activeTo >= date);

const mismatchDetail = (c: FactCheck) => ({
  field: c.field,
  fieldZh: c.fieldZh,
  declared: factText(c.declared),
  verified: factText(c.verified),
});

/** An outside system that verifies declared facts: how they compare, and the reasons when it cannot. */
interface Verifier<T> {
  compare: (declared: T, verified: T) => FactCheck[];
  unknown: (declared: T) => Reason;
  unavailable: ReasonCode;
}
const REGISTRY: Verifier<EnterpriseFacts> = {
  compare: compareEnterprise,
  unknown: () => reason('NOT_ELIGIBLE_REGISTRY'),
  unavailable: 'REGISTRY_UNAVAILABLE',
};
const INSURER: Verifier<PolicyFacts> = {
  compare: comparePolicy,
  unknown: (p) => reason('POLICY_NOT_FOUND', { insurerCode: p.insurerCode, policyNumber: p.policyNumber }),
  unavailable: 'INSURER_UNAVAILABLE',
};

/**
 * The facts to judge: the verifier's where it answered (a declared value it records otherwise is a reason, for
 * the facts that have one), the declared ones where it was unavailable, none where it knows nothing.
 */
function resolve<T>(
  verifier: Verifier<T>,
  lookup: Lookup<T>,
  declared: T,
  reasons: Reason[],
): { facts: T; verified: boolean } | null {
  if (lookup === null) {
    reasons.push(verifier.unknown(declared));
    return null;
  }
  if (lookup === 'unavailable') {
    reasons.push(reason(verifier.unavailable));
    return { facts: declared, verified: false };
  }
  for (const c of verifier.compare(declared, lookup)) {
    const mismatch = CHECKED_FACTS[c.field].mismatch;
    if (c.same === false && mismatch) reasons.push(reason(mismatch, mismatchDetail(c)));
  }
  return { facts: lookup, verified: true };
}

/** The general conditions of the district programme, whatever the track. */
function checkGeneral(input: RulesInput, e: EnterpriseFacts, p: PolicyFacts, reasons: Reason[]): void {
  const { program } = input;
  const at = Date.parse(input.submittedAt);
  if (at < Date.parse(program.opensAt) || at > Date.parse(program.closesAt)) {
    reasons.push(
      reason('WINDOW_CLOSED', { year: program.year, opensAt: program.opensAt, closesAt: program.closesAt }),
    );
  }
  if (e.district !== '海淀区') reasons.push(reason('NOT_ELIGIBLE_DISTRICT', { district: e.district }));
  if (e.creditClean === false) reasons.push(reason('NOT_ELIGIBLE_CREDIT'));
  if (e.creditClean === null)
    reasons.push(reason('FACT_UNKNOWN', { field: 'creditClean', fieldZh: '信用记录' }));
  if (p.creditCode !== input.creditCode)
    reasons.push(reason('NOT_ELIGIBLE_POLICY_HOLDER', { holder: p.creditCode }));
  if (p.paidPremiumFen <= 0) reasons.push(reason('PREMIUM_NOT_PAID'));
  if (input.policyInOtherLiveApplication) reasons.push(reason('DUPLICATE_POLICY'));
  if (input.documents) {
    for (const type of REQUIRED_DOCUMENTS[input.track]) {
      if (!input.documents.includes(type)) {
        reasons.push(
          reason('MISSING_DOCUMENT', {
            type,
            nameZh: DOCUMENT_TYPES[type].zh,
            nameEn: DOCUMENT_TYPES[type].en,
          }),
        );
      }
    }
  }
}

function productProblem(input: RulesInput, e: EnterpriseFacts, p: PolicyFacts): [string, string] | null {
  const product = input.product;
  if (!product) return ['不在区科技保险产品目录内', 'not in the district catalog'];
  if (product.insurerCode !== p.insurerCode)
    return ['承保机构与目录不一致', 'the insurer does not offer this catalog product'];
  if (!activeOn(product, p.startDate))
    return ['保单起始日不在产品目录有效期内', 'not active in the catalog on the policy start date'];
  if (input.track === 'INCLUSIVE' && product.kind !== 'GROUP_INCLUSIVE')
    return ['非区级普惠型统保产品', 'not the district group product'];
  if (input.track !== 'INCLUSIVE' && product.kind !== 'CATALOG')
    return ['非目录产品', 'not a catalog product'];
  if (input.track === 'FRONTIER' && !product.exclusiveFields.includes(e.mainField)) {
    return [`非${e.mainField}领域专属产品`, `not exclusive to the ${e.mainField} field`];
  }
  return null;
}

/** Small/micro technology firm (route a) or a high-tech enterprise certified last year (route b). */
function checkInclusiveEnterprise(input: RulesInput, e: EnterpriseFacts, p: PolicyFacts, reasons: Reason[]) {
  const { program } = input;
  const start = p.startDate;
  const routeB = e.highTech !== null && shanghaiYear(e.highTech.certifiedOn) === program.year - 1;
  const routeA: Reason[] = [];
  const qualified =
    validOn(e.techSme?.validUntil, start) ||
    (e.highTech !== null &&
      shanghaiDate(e.highTech.certifiedOn) <= shanghaiDate(start) &&
      validOn(e.highTech.validUntil, start));
  if (!qualified)
    routeA.push(reason('NOT_ELIGIBLE_TECH_QUALIFICATION', { date: start, year: program.year - 1 }));
  if (e.staff === null) routeA.push(reason('FACT_UNKNOWN', { field: 'staff', fieldZh: '员工人数' }));
  else if (e.staff > program.inclusiveStaffMax)
    routeA.push(reason('NOT_ELIGIBLE_STAFF', { staff: e.staff, max: program.inclusiveStaffMax }));
  if (e.revenueFen === null)
    routeA.push(reason('FACT_UNKNOWN', { field: 'revenueFen', fieldZh: '营业收入' }));
  else if (e.revenueFen >= program.inclusiveRevenueMaxFen) {
    routeA.push(
      reason('NOT_ELIGIBLE_REVENUE', { revenueFen: e.revenueFen, maxFen: program.inclusiveRevenueMaxFen }),
    );
  }
  if (!program.keyFields.includes(e.mainField))
    routeA.push(reason('NOT_ELIGIBLE_FIELD', { field: e.mainField }));
  const smallMicro = !routeA.some((r) => r.blocking);
  // Route b makes route a's shortcomings irrelevant; a small/micro firm keeps its unknown-fact notes.
  if (smallMicro || !routeB) reasons.push(...routeA);
  return { smallMicro };
}

function rateFor(input: RulesInput, e: EnterpriseFacts): number {
  const { program, track } = input;
  if (track === 'INCLUSIVE') return BP_DENOMINATOR;
  if (track === 'FRONTIER') return Math.min(program.frontierRateBp, MAX_REIMBURSEMENT_RATE_BP);
  if (!e.srdi || !input.product) return 0;
  return Math.min(program.srdiRatesBp[e.srdi.level][input.product.category], MAX_REIMBURSEMENT_RATE_BP);
}

export function annualCapOf(program: ProgramConfig, track: Track): number {
  if (track === 'INCLUSIVE') return program.inclusivePremiumCapFen;
  return track === 'SRDI' ? program.srdiAnnualCapFen : program.frontierAnnualCapFen;
}

/** Sum of grants of the enterprise's applications of this track and subsidy year that hold their grant. */
export function usedCap(history: readonly PriorApplication[], track: Track, subsidyYear: number): number {
  return history
    .filter(
      (h) => h.track === track && h.subsidyYear === subsidyYear && GRANT_HOLDING_STATUSES.includes(h.status),
    )
    .reduce((sum, h) => sum + (h.grantedFen ?? 0), 0);
}

/** The grant under an annual cap: all of it, what remains (`capped`), or nothing (`reached`). */
export function allocateUnderCap(computedFen: number, capFen: number, usedFen: number) {
  const remainingFen = Math.max(0, capFen - usedFen);
  const grantFen = Math.min(computedFen, remainingFen);
  return {
    grantFen,
    remainingFen,
    capped: grantFen < computedFen && remainingFen > 0,
    reached: remainingFen === 0,
  };
}

export function evaluate(input: RulesInput): RulesResult {
  const reasons: Reason[] = [];
  const { program, track } = input;
  const enterprise = resolve(REGISTRY, input.enterprise.registry, input.enterprise.declared, reasons);
  const policy = resolve(INSURER, input.policy.insurer, input.policy.declared, reasons);
  const e = enterprise?.facts ?? input.enterprise.declared;
  const p = policy?.facts ?? input.policy.declared;
  const subsidyYear = shanghaiYear(p.paidAt);

  checkGeneral(input, e, p, reasons);
  const productWhy = productProblem(input, e, p);
  if (productWhy) {
    reasons.push(
      reason('NOT_ELIGIBLE_PRODUCT', {
        productCode: p.productCode,
        why_zh: productWhy[0],
        why_en: productWhy[1],
      }),
    );
  }

  let smallMicro = false;
  if (track === 'INCLUSIVE') {
    smallMicro = checkInclusiveEnterprise(input, e, p, reasons).smallMicro;
    const years = [
      ...new Set(
        input.history
          .filter(
            (h) =>
              h.track === 'INCLUSIVE' && GRANT_HOLDING_STATUSES.includes(h.status) && h.subsidyYear !== null,
          )
          .map((h) => h.subsidyYear!),
      ),
    ].sort();
    if (!years.includes(subsidyYear) && years.length >= program.inclusiveMaxYears) {
      reasons.push(
        reason('INCLUSIVE_YEARS_EXHAUSTED', { years: years.join('、'), max: program.inclusiveMaxYears }),
      );
    }
  } else if (track === 'SRDI') {
    if (!e.srdi || !validOn(e.srdi.validUntil, p.startDate))
      reasons.push(reason('NOT_ELIGIBLE_SRDI', { date: p.startDate }));
  } else if (!program.frontierFields.includes(e.mainField)) {
    reasons.push(reason('NOT_ELIGIBLE_FIELD', { field: e.mainField }));
  }

  let baseFen = p.paidPremiumFen;
  if (track === 'INCLUSIVE') {
    baseFen = Math.min(p.premiumFen, program.inclusivePremiumCapFen);
    if (p.premiumFen > program.inclusivePremiumCapFen) {
      reasons.push(
        reason('INCLUSIVE_PREMIUM_CAPPED', {
          premiumFen: p.premiumFen,
          capFen: program.inclusivePremiumCapFen,
        }),
      );
    }
  }
  const rateBp = rateFor(input, e);
  const computedFen = applyRate(baseFen, rateBp);
  const annualCapFen = annualCapOf(program, track);
  const usedCapFen = usedCap(input.history, track, subsidyYear);
  const cap = allocateUnderCap(computedFen, annualCapFen, usedCapFen);

  let eligible = !reasons.some((r) => r.blocking);
  if (eligible && cap.reached) {
    reasons.push(reason('ANNUAL_CAP_REACHED', { year: subsidyYear, capFen: annualCapFen }));
    eligible = false;
  } else if (eligible && cap.capped) {
    reasons.push(reason('CAPPED', { remainingFen: cap.remainingFen, computedFen }));
  }

  return {
    eligible,
    reasons,
    subsidyYear,
    baseFen,
    rateBp,
    computedFen,
    annualCapFen,
    usedCapFen,
    remainingCapFen: cap.remainingFen,
    grantFen: eligible ? cap.grantFen : 0,
    payee: track === 'INCLUSIVE' ? 'INSURER' : 'ENTERPRISE',
    reviewOrg:
      track === 'INCLUSIVE' && smallMicro && e.streetOffice ? streetOrg(e.streetOffice) : COMMITTEE_ORG,
    facts: {
      enterprise: e,
      policy: p,
      enterpriseVerified: enterprise?.verified ?? false,
      policyVerified: policy?.verified ?? false,
    },
  };
}
