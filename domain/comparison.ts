/**
 * The reviewer's table of declared against verified facts: the checks of `domain/rules/compare.ts` (the
 * same the precheck's reasons come from) with each fact's name in both languages and how to show it, and
 * the facts only the registry knows (street office, staff, revenue, credit record) beside them.
 */
import type { Label } from './labels';
import { CHECKED_FACTS, type FactCheck, type FactKind, type FactValue } from './rules';

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

const REGISTRY_ONLY: { key: string; label: Label; kind: FactKind }[] = [
  { key: 'streetOffice', label: { zh: '所属街镇', en: 'Street office' }, kind: 'text' },
  { key: 'staff', label: { zh: '员工人数', en: 'Staff' }, kind: 'number' },
  { key: 'revenueFen', label: { zh: '上年营业收入', en: "Last year's revenue" }, kind: 'fen' },
  { key: 'creditClean', label: { zh: '信用记录良好', en: 'Clean credit record' }, kind: 'bool' },
];

const row = (group: FactRow['group'], c: FactCheck): FactRow => {
  const fact = CHECKED_FACTS[c.field];
  return {
    key: c.field,
    group,
    label: { zh: fact.tableZh ?? fact.zh, en: fact.en },
    kind: fact.kind,
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
