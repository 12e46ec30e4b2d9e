/**
 * The reviewer's table of declared against verified facts: the checks of `domain/rules/compare.ts` (the
 * same the precheck's reasons come from) with each fact's name in both languages and how to show it, and
 * the facts only the registry knows (street office, staff, revenue, credit record) beside them.
 */
import type { Label } from './labels';
import type { FactCheck, FactValue } from './rules';

export type FactKind = 'text' | 'fen' | 'day' | 'field' | 'size' | 'bool' | 'number' | 'qualification';

export interface FactRow {
  key: string;
  group: 'enterprise' | 'policy';
  label: Label;
  kind: FactKind;
  declared: FactValue;
  verified: FactValue;
  /** null: nothing to compare (only verified, or nothing declared). */
  same: boolean | null;
}

const SHOWN: Record<string, { en: string; kind: FactKind; zh?: string }> = {
  name: { en: 'Name', kind: 'text' },
  district: { en: 'District', kind: 'text' },
  size: { en: 'Size', kind: 'size' },
  mainField: { en: 'Main field', kind: 'field' },
  foundedOn: { en: 'Founded on', kind: 'day' },
  techSme: { en: 'Tech-SME qualification', kind: 'qualification' },
  highTech: { en: 'High-tech certificate', kind: 'qualification' },
  srdi: { en: 'SRDI qualification', kind: 'qualification' },
  creditCode: { en: 'Policy holder (credit code)', kind: 'text', zh: '投保人（统一社会信用代码）' },
  premiumFen: { en: 'Premium', kind: 'fen' },
  paidPremiumFen: { en: 'Premium paid', kind: 'fen' },
  paidAt: { en: 'Paid on', kind: 'day', zh: '缴费日期' },
  productCode: { en: 'Product', kind: 'text' },
  startDate: { en: 'Start', kind: 'day' },
  endDate: { en: 'End', kind: 'day' },
  sumInsuredFen: { en: 'Sum insured', kind: 'fen' },
};

const REGISTRY_ONLY: { key: string; label: Label; kind: FactKind }[] = [
  { key: 'streetOffice', label: { zh: '所属街镇', en: 'Street office' }, kind: 'text' },
  { key: 'staff', label: { zh: '员工人数', en: 'Staff' }, kind: 'number' },
  { key: 'revenueFen', label: { zh: '上年营业收入', en: "Last year's revenue" }, kind: 'fen' },
  { key: 'creditClean', label: { zh: '信用记录良好', en: 'Clean credit record' }, kind: 'bool' },
];

const row = (group: FactRow['group'], c: FactCheck): FactRow => {
  const s = SHOWN[c.field];
  return {
    key: c.field,
    group,
    label: { zh: s?.zh ?? c.fieldZh, en: s?.en ?? c.field },
    kind: s?.kind ?? 'text',
    declared: c.declared,
    verified: c.verified,
    same: c.same,
  };
};

export function factRows(
  checks: { enterprise: FactCheck[]; policy: FactCheck[] },
  verifiedFacts: unknown,
): FactRow[] {
  const registry = (verifiedFacts as { enterprise?: Record<string, unknown> } | null)?.enterprise;
  return [
    ...checks.enterprise.map((c) => row('enterprise', c)),
    ...(registry
      ? REGISTRY_ONLY.map((r) => ({
          ...r,
          group: 'enterprise' as const,
          declared: null,
          verified: (registry[r.key] ?? null) as FactValue,
          same: null,
        }))
      : []),
    ...checks.policy.map((c) => row('policy', c)),
  ];
}
