import { shanghaiDate } from '../calendar';
import type { EnterpriseFacts, PolicyFacts } from './facts';

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
  field: string;
  fieldZh: string;
  /** The values compared, days as `YYYY-MM-DD`. */
  declared: FactValue;
  verified: FactValue;
  /** null when there is nothing to compare: the applicant declared no such qualification. */
  same: boolean | null;
}

type Kind = 'value' | 'day' | 'qualification';
interface Spec<T> {
  field: string;
  fieldZh: string;
  kind: Kind;
  read: (facts: T) => unknown;
}

/** The Beijing day of a value that should be one; a value that is not stays as it is (and so differs). */
function dayOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  try {
    return shanghaiDate(value as string | Date);
  } catch {
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

function normalise(kind: Kind, value: unknown): FactValue {
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

function check<T>(specs: readonly Spec<T>[], declared: T, verified: T): FactCheck[] {
  return specs.map((s) => {
    const d = normalise(s.kind, s.read(declared));
    const v = normalise(s.kind, s.read(verified));
    // An applicant who declares no qualification claims none: only what it declares is checked.
    const same = s.kind === 'qualification' && d === null ? null : JSON.stringify(d) === JSON.stringify(v);
    return { field: s.field, fieldZh: s.fieldZh, declared: d, verified: v, same };
  });
}

const POLICY_SPECS: readonly Spec<PolicyFacts>[] = [
  { field: 'creditCode', fieldZh: '投保人', kind: 'value', read: (p) => p.creditCode },
  { field: 'premiumFen', fieldZh: '保费', kind: 'value', read: (p) => p.premiumFen },
  { field: 'paidPremiumFen', fieldZh: '实付保费', kind: 'value', read: (p) => p.paidPremiumFen },
  { field: 'paidAt', fieldZh: '缴费时间', kind: 'day', read: (p) => p.paidAt },
  { field: 'productCode', fieldZh: '保险产品', kind: 'value', read: (p) => p.productCode },
  { field: 'startDate', fieldZh: '保险起期', kind: 'day', read: (p) => p.startDate },
  { field: 'endDate', fieldZh: '保险止期', kind: 'day', read: (p) => p.endDate },
  { field: 'sumInsuredFen', fieldZh: '保险金额', kind: 'value', read: (p) => p.sumInsuredFen },
];

const ENTERPRISE_SPECS: readonly Spec<EnterpriseFacts>[] = [
  { field: 'name', fieldZh: '企业名称', kind: 'value', read: (e) => e.name },
  { field: 'district', fieldZh: '注册地', kind: 'value', read: (e) => e.district },
  { field: 'size', fieldZh: '企业规模', kind: 'value', read: (e) => e.size },
  { field: 'mainField', fieldZh: '主营领域', kind: 'value', read: (e) => e.mainField },
  { field: 'foundedOn', fieldZh: '成立日期', kind: 'day', read: (e) => e.foundedOn },
  { field: 'techSme', fieldZh: '科技型中小企业资格', kind: 'qualification', read: (e) => e.techSme },
  { field: 'highTech', fieldZh: '高新技术企业证书', kind: 'qualification', read: (e) => e.highTech },
  { field: 'srdi', fieldZh: '专精特新资质', kind: 'qualification', read: (e) => e.srdi },
];

/** The declared policy against the insurer's record, in the order the precheck gives its reasons. */
export const comparePolicy = (declared: PolicyFacts, verified: PolicyFacts): FactCheck[] =>
  check(POLICY_SPECS, declared, verified);

/** The declared enterprise (`declaredFacts`) against the registry's, in the order of the precheck's reasons. */
export const compareEnterprise = (declared: EnterpriseFacts, verified: EnterpriseFacts): FactCheck[] =>
  check(ENTERPRISE_SPECS, declared, verified);

/** A checked value as text for a reason, the same in both languages: a qualification's parts, nothing as "—". */
export function factText(value: FactValue): string | number {
  if (value === null) return '—';
  if (typeof value === 'number') return value;
  if (typeof value !== 'object') return String(value);
  if ('certifiedOn' in value) return `${value.certifiedOn ?? '—'} – ${value.validUntil ?? '—'}`;
  return [value.level, value.validUntil ?? '—'].filter(Boolean).join(' ');
}
