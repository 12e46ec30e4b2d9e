import { shanghaiDate } from '../calendar';
import type { EnterpriseFacts, PolicyFacts } from './facts';
import type { ReasonCode } from './reasons';

/**
 * What an applicant declared against what the registry or the insurer verified, one check per fact: the
 * precheck's mismatch reasons and the reviewer's comparison (`factChecks` of `GET /applications/{id}`) are both
 * made from these, so they always agree. What the policy or a certificate states as a day (payment date,
 * policy start and end, founding and validity dates) is compared as its Beijing day and given as that day:
 * the insurer's payment instant 2026-02-20T01:30:00+08:00 and the declared day 2026-02-20 are the same.
 */
export type FactValue = string | number | boolean | null | { [key: string]: string | null };

export interface FactCheck {
  /** The fact's key: a field of PolicyFacts, or of EnterpriseFacts (`techSme`, `highTech`, `srdi` whole). */
  field: CheckedFact;
  fieldZh: string;
  /** The values compared, days as `YYYY-MM-DD`. */
  declared: FactValue;
  verified: FactValue;
  /** null when there is nothing to compare: the applicant declared no such qualification. */
  same: boolean | null;
}

/**
 * How the reviewer's table shows a fact (domain/comparison.ts). Days and qualifications are compared as such
 * (see above), every other kind as the plain value.
 */
export type FactKind = 'text' | 'fen' | 'day' | 'field' | 'size' | 'bool' | 'number' | 'qualification';

type MismatchCode = Extract<
  ReasonCode,
  'DECLARED_FACTS_MISMATCH' | 'PREMIUM_MISMATCH' | 'POLICY_DETAILS_MISMATCH'
>;
const DECLARED: MismatchCode = 'DECLARED_FACTS_MISMATCH';
const PREMIUM: MismatchCode = 'PREMIUM_MISMATCH';
const DETAILS: MismatchCode = 'POLICY_DETAILS_MISMATCH';

/** The facts checked, each side in the order the precheck gives its reasons. */
const POLICY_CHECKED = [
  'creditCode',
  'premiumFen',
  'paidPremiumFen',
  'paidAt',
  'productCode',
  'startDate',
  'endDate',
  'sumInsuredFen',
] as const satisfies readonly (keyof PolicyFacts)[];
const ENTERPRISE_CHECKED = [
  'name',
  'district',
  'size',
  'mainField',
  'foundedOn',
  'techSme',
  'highTech',
  'srdi',
] as const satisfies readonly (keyof EnterpriseFacts)[];

export type CheckedFact = (typeof POLICY_CHECKED)[number] | (typeof ENTERPRISE_CHECKED)[number];

/**
 * Each checked fact: its names (`zh` in the reasons, `tableZh` on the reviewer's table where that says more)
 * and the precheck's reason when the declared value differs (none for the name and the policy holder, which
 * other rules judge).
 */
export const CHECKED_FACTS: Record<
  CheckedFact,
  { zh: string; en: string; kind: FactKind; tableZh?: string; mismatch?: MismatchCode }
> = {
  name: { zh: '企业名称', en: 'Name', kind: 'text' },
  district: { zh: '注册地', en: 'District', kind: 'text', mismatch: DECLARED },
  size: { zh: '企业规模', en: 'Size', kind: 'size', mismatch: DECLARED },
  mainField: { zh: '主营领域', en: 'Main field', kind: 'field', mismatch: DECLARED },
  foundedOn: { zh: '成立日期', en: 'Founded on', kind: 'day', mismatch: DECLARED },
  techSme: {
    zh: '科技型中小企业资格',
    en: 'Tech-SME qualification',
    kind: 'qualification',
    mismatch: DECLARED,
  },
  highTech: {
    zh: '高新技术企业证书',
    en: 'High-tech certificate',
    kind: 'qualification',
    mismatch: DECLARED,
  },
  srdi: { zh: '专精特新资质', en: 'SRDI qualification', kind: 'qualification', mismatch: DECLARED },
  creditCode: {
    zh: '投保人',
    en: 'Policy holder (credit code)',
    kind: 'text',
    tableZh: '投保人（统一社会信用代码）',
  },
  premiumFen: { zh: '保费', en: 'Premium', kind: 'fen', mismatch: PREMIUM },
  paidPremiumFen: { zh: '实付保费', en: 'Premium paid', kind: 'fen', mismatch: PREMIUM },
  paidAt: { zh: '缴费时间', en: 'Paid on', kind: 'day', tableZh: '缴费日期', mismatch: DETAILS },
  productCode: { zh: '保险产品', en: 'Product', kind: 'text', mismatch: DETAILS },
  startDate: { zh: '保险起期', en: 'Start', kind: 'day', mismatch: DETAILS },
  endDate: { zh: '保险止期', en: 'End', kind: 'day', mismatch: DETAILS },
  sumInsuredFen: { zh: '保险金额', en: 'Sum insured', kind: 'fen', mismatch: DETAILS },
};

/** The Beijing day of a value that should be one; a value that is not stays as it is (and so differs). */
function dayOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  try {
    return shanghaiDate(value as string | Date);
  } catch {
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

function normalise(kind: FactKind, value: unknown): FactValue {
  if (value === null || value === undefined) return null;
  if (kind === 'day') return dayOf(value);
  if (kind === 'qualification') {
    // A qualification's dates are days; its level (SRDI) a plain value.
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, k === 'level' ? (v as string | null) : dayOf(v)]),
    );
  }
  return value as FactValue;
}

function check<T>(
  fields: readonly (keyof T & keyof typeof CHECKED_FACTS)[],
  declared: T,
  verified: T,
): FactCheck[] {
  return fields.map((field) => {
    const { zh, kind } = CHECKED_FACTS[field];
    const d = normalise(kind, declared[field]);
    const v = normalise(kind, verified[field]);
    // An applicant who declares no qualification claims none: only what it declares is checked.
    const same = kind === 'qualification' && d === null ? null : JSON.stringify(d) === JSON.stringify(v);
    return { field, fieldZh: zh, declared: d, verified: v, same };
  });
}

/** The declared policy against the insurer's record, in the order the precheck gives its reasons. */
export const comparePolicy = (declared: PolicyFacts, verified: PolicyFacts): FactCheck[] =>
  check(POLICY_CHECKED, declared, verified);

/** The declared enterprise (`declaredFacts`) against the registry's, in the order of the precheck's reasons. */
export const compareEnterprise = (declared: EnterpriseFacts, verified: EnterpriseFacts): FactCheck[] =>
  check(ENTERPRISE_CHECKED, declared, verified);

/** A checked value as text for a reason, the same in both languages: a qualification's parts, nothing as "—". */
export function factText(value: FactValue): string | number {
  if (value === null) return '—';
  if (typeof value === 'number') return value;
  if (typeof value !== 'object') return String(value);
  if ('certifiedOn' in value) return `${value.certifiedOn ?? '—'} – ${value.validUntil ?? '—'}`;
  return [value.level, value.validUntil ?? '—'].filter(Boolean).join(' ');
}
