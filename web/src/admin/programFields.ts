/** The programme form, one entry per field: where it sits in the body, its label and how it is typed. */
export type Kind = 'yuan' | 'rate' | 'int' | 'pct' | 'datetime' | 'fields' | 'tracks' | 'months';
export interface FieldSpec {
  path: string;
  label: string;
  kind: Kind;
  /** Words put into the label, e.g. the level and category of an SRDI rate. */
  params?: Record<string, string>;
}
export interface Group {
  title: string;
  fields: FieldSpec[];
}

const srdi = (level: string, category: string): FieldSpec => ({
  path: `srdiRatesBp.${level}.${category}`,
  label: 'rate',
  kind: 'rate',
  params: { level, category },
});

export const GROUPS: Group[] = [
  {
    title: 'window',
    fields: [
      { path: 'opensAt', label: 'opensAt', kind: 'datetime' },
      { path: 'closesAt', label: 'closesAt', kind: 'datetime' },
    ],
  },
  {
    title: 'fields',
    fields: [
      { path: 'keyFields', label: 'keyFields', kind: 'fields' },
      { path: 'frontierFields', label: 'frontierFields', kind: 'fields' },
    ],
  },
  {
    title: 'inclusive',
    fields: [
      { path: 'inclusiveStaffMax', label: 'inclusiveStaffMax', kind: 'int' },
      { path: 'inclusiveRevenueMaxFen', label: 'inclusiveRevenueMaxFen', kind: 'yuan' },
      { path: 'inclusivePremiumCapFen', label: 'inclusivePremiumCapFen', kind: 'yuan' },
      { path: 'inclusiveMaxYears', label: 'inclusiveMaxYears', kind: 'int' },
    ],
  },
  {
    title: 'srdi',
    fields: [
      ...['NATIONAL', 'MUNICIPAL'].flatMap((l) => ['R_AND_D', 'TRANSFER', 'OTHER'].map((c) => srdi(l, c))),
      { path: 'srdiAnnualCapFen', label: 'srdiAnnualCapFen', kind: 'yuan' },
    ],
  },
  {
    title: 'frontier',
    fields: [
      { path: 'frontierRateBp', label: 'frontierRateBp', kind: 'rate' },
      { path: 'frontierAnnualCapFen', label: 'frontierAnnualCapFen', kind: 'yuan' },
    ],
  },
  {
    title: 'deadlines',
    fields: [
      { path: 'reviewSlaWorkingDays.initial', label: 'slaInitial', kind: 'int' },
      { path: 'reviewSlaWorkingDays.expert', label: 'slaExpert', kind: 'int' },
      { path: 'reviewSlaWorkingDays.final', label: 'slaFinal', kind: 'int' },
      { path: 'noticeWorkingDays', label: 'noticeWorkingDays', kind: 'int' },
      { path: 'infoDeadlineWorkingDays', label: 'infoDeadlineWorkingDays', kind: 'int' },
      { path: 'bankResponseWorkingDays', label: 'bankResponseWorkingDays', kind: 'int' },
    ],
  },
  {
    title: 'tracking',
    fields: [
      { path: 'followUpMonths', label: 'followUpMonths', kind: 'months' },
      { path: 'renewalReminderDays', label: 'renewalReminderDays', kind: 'int' },
      { path: 'bankMatchingTracks', label: 'bankMatchingTracks', kind: 'tracks' },
    ],
  },
  {
    title: 'evaluation',
    fields: [
      { path: 'highTechEnterpriseTotal', label: 'highTechEnterpriseTotal', kind: 'int' },
      { path: 'evaluationTargets.highTechCoveragePct', label: 'targetHighTech', kind: 'pct' },
      { path: 'evaluationTargets.riskCoverageFen', label: 'targetRisk', kind: 'yuan' },
    ],
  },
];

export const get = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o);

export function set(o: Record<string, unknown>, path: string, v: unknown): void {
  const keys = path.split('.');
  let x = o;
  for (const k of keys.slice(0, -1)) x = (x[k] ??= {}) as Record<string, unknown>;
  x[keys.at(-1)!] = v;
}
