/**
 * Declared against verified facts, row by row, for the reviewer: what the enterprise declared (its
 * registration and the application's policy) next to the registry's and the insurer's records, with
 * whether they agree. Values stay raw with a `kind`; the console formats them.
 */
import type { Label } from './labels';

export type FactKind = 'text' | 'fen' | 'day' | 'field' | 'size' | 'bool' | 'number' | 'srdi' | 'highTech';

export interface FactRow {
  key: string;
  group: 'enterprise' | 'policy';
  label: Label;
  kind: FactKind;
  declared: unknown;
  verified: unknown;
  /** null: nothing to compare (only one side known). */
  same: boolean | null;
}

type Rec = Record<string, unknown> | null | undefined;
interface Spec {
  key: string;
  label: Label;
  kind: FactKind;
  declared?: (d: Rec) => unknown;
  verified: (v: Record<string, unknown>) => unknown;
}

const day = (x: unknown) => (typeof x === 'string' ? x.slice(0, 10) : x);
const get = (k: string) => (r: Rec) => (r ? (r[k] ?? null) : null);

const ENTERPRISE: Spec[] = [
  {
    key: 'name',
    label: { zh: '企业名称', en: 'Name' },
    kind: 'text',
    declared: get('name'),
    verified: get('name'),
  },
  {
    key: 'district',
    label: { zh: '注册地', en: 'District' },
    kind: 'text',
    declared: get('district'),
    verified: get('district'),
  },
  {
    key: 'size',
    label: { zh: '企业规模', en: 'Size' },
    kind: 'size',
    declared: get('size'),
    verified: get('size'),
  },
  {
    key: 'mainField',
    label: { zh: '主营领域', en: 'Main field' },
    kind: 'field',
    declared: get('mainField'),
    verified: get('mainField'),
  },
  {
    key: 'foundedOn',
    label: { zh: '成立日期', en: 'Founded on' },
    kind: 'day',
    declared: (d) => day(get('foundedOn')(d)),
    verified: (v) => day(v.foundedOn),
  },
  {
    key: 'techSme',
    label: { zh: '科技型中小企业登记有效期至', en: 'Tech-SME registration valid until' },
    kind: 'day',
    declared: (d) => day(d?.techSmeValidUntil ?? d?.techCertifiedUntil ?? null),
    verified: (v) => day((v.techSme as Rec)?.validUntil ?? null),
  },
  {
    key: 'srdi',
    label: { zh: '专精特新资质', en: 'SRDI qualification' },
    kind: 'srdi',
    declared: (d) =>
      d?.srdiLevel ? { level: d.srdiLevel, validUntil: day(d.srdiValidUntil ?? null) } : null,
    verified: (v) =>
      v.srdi ? { level: (v.srdi as Rec)!.level, validUntil: day((v.srdi as Rec)!.validUntil ?? null) } : null,
  },
  {
    key: 'streetOffice',
    label: { zh: '所属街镇', en: 'Street office' },
    kind: 'text',
    verified: get('streetOffice'),
  },
  { key: 'staff', label: { zh: '员工人数', en: 'Staff' }, kind: 'number', verified: get('staff') },
  {
    key: 'revenueFen',
    label: { zh: '上年营业收入', en: "Last year's revenue" },
    kind: 'fen',
    verified: get('revenueFen'),
  },
  {
    key: 'highTech',
    label: { zh: '高新技术企业证书', en: 'High-tech certificate' },
    kind: 'highTech',
    verified: get('highTech'),
  },
  {
    key: 'creditClean',
    label: { zh: '信用记录良好', en: 'Clean credit record' },
    kind: 'bool',
    verified: get('creditClean'),
  },
];

const POLICY: Spec[] = [
  {
    key: 'holder',
    label: { zh: '投保人（统一社会信用代码）', en: 'Policy holder (credit code)' },
    kind: 'text',
    declared: get('creditCode'),
    verified: get('creditCode'),
  },
  {
    key: 'productCode',
    label: { zh: '保险产品', en: 'Product' },
    kind: 'text',
    declared: get('productCode'),
    verified: get('productCode'),
  },
  {
    key: 'startDate',
    label: { zh: '保险起期', en: 'Start' },
    kind: 'day',
    declared: (d) => day(get('startDate')(d)),
    verified: (v) => day(v.startDate),
  },
  {
    key: 'endDate',
    label: { zh: '保险止期', en: 'End' },
    kind: 'day',
    declared: (d) => day(get('endDate')(d)),
    verified: (v) => day(v.endDate),
  },
  {
    key: 'premiumFen',
    label: { zh: '保费', en: 'Premium' },
    kind: 'fen',
    declared: get('premiumFen'),
    verified: get('premiumFen'),
  },
  {
    key: 'paidPremiumFen',
    label: { zh: '实付保费', en: 'Premium paid' },
    kind: 'fen',
    declared: get('paidPremiumFen'),
    verified: get('paidPremiumFen'),
  },
  {
    key: 'paidAt',
    label: { zh: '缴费日期', en: 'Paid on' },
    kind: 'day',
    declared: (d) => get('paidAt')(d),
    verified: (v) => v.paidAt ?? null,
  },
  {
    key: 'sumInsuredFen',
    label: { zh: '保险金额', en: 'Sum insured' },
    kind: 'fen',
    declared: get('sumInsuredFen'),
    verified: get('sumInsuredFen'),
  },
];

/** The Beijing day of an instant or a day, so that a payment at 00:30 Beijing time is that day. */
function beijingDay(x: unknown): unknown {
  if (typeof x !== 'string' || /^\d{4}-\d{2}-\d{2}$/.test(x)) return x;
  const t = Date.parse(x);
  return Number.isNaN(t) ? x : new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
}

function rows(group: FactRow['group'], specs: Spec[], declared: Rec, verified: Rec): FactRow[] {
  return specs.map((s) => {
    let d = s.declared ? s.declared(declared) : null;
    let v = verified ? s.verified(verified) : null;
    if (s.key === 'paidAt') [d, v] = [beijingDay(d), beijingDay(v)];
    const comparable = Boolean(s.declared) && verified != null && d !== null && d !== undefined;
    return {
      key: s.key,
      group,
      label: s.label,
      kind: s.kind,
      declared: s.declared ? (d ?? null) : null,
      verified: v ?? null,
      same: comparable ? JSON.stringify(d) === JSON.stringify(v ?? null) : null,
    };
  });
}

/** Both tables: the enterprise (declared registration against the registry) and the policy (against the insurer). */
export function compareFacts(input: {
  enterprise: Rec;
  policy: Record<string, unknown> & { creditCode: string };
  verifiedFacts: unknown;
}): FactRow[] {
  const vf = input.verifiedFacts as { enterprise?: Rec; policy?: Rec } | null | undefined;
  return [
    ...rows('enterprise', ENTERPRISE, input.enterprise, vf?.enterprise ?? null),
    ...rows('policy', POLICY, input.policy, vf?.policy ?? null),
  ];
}
