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

/**
 * A group of fields by path and kind, in order, after `first`; a field's label is its path unless given with
 * the kind (`[kind, label]`).
 */
function group(title: string, kinds: Record<string, Kind | [Kind, string]>, first: FieldSpec[] = []): Group {
  const fields = Object.entries(kinds).map(([path, k]) =>
    typeof k === 'string' ? { path, label: path, kind: k } : { path, label: k[1], kind: k[0] },
  );
  return { title, fields: [...first, ...fields] };
}

export const GROUPS: Group[] = [
  group('window', { opensAt: 'datetime', closesAt: 'datetime' }),
  group('fields', { keyFields: 'fields', frontierFields: 'fields' }),
  group('inclusive', {
    inclusiveStaffMax: 'int',
    inclusiveRevenueMaxFen: 'yuan',
    inclusivePremiumCapFen: 'yuan',
    inclusiveMaxYears: 'int',
  }),
  group(
    'srdi',
    { srdiAnnualCapFen: 'yuan' },
    ['NATIONAL', 'MUNICIPAL'].flatMap((l) => ['R_AND_D', 'TRANSFER', 'OTHER'].map((c) => srdi(l, c))),
  ),
  group('frontier', { frontierRateBp: 'rate', frontierAnnualCapFen: 'yuan' }),
  group('deadlines', {
    'reviewSlaWorkingDays.initial': ['int', 'slaInitial'],
    'reviewSlaWorkingDays.expert': ['int', 'slaExpert'],
    'reviewSlaWorkingDays.final': ['int', 'slaFinal'],
    noticeWorkingDays: 'int',
    infoDeadlineWorkingDays: 'int',
    bankResponseWorkingDays: 'int',
  }),
  group('tracking', { followUpMonths: 'months', renewalReminderDays: 'int', bankMatchingTracks: 'tracks' }),
  group('evaluation', {
    highTechEnterpriseTotal: 'int',
    'evaluationTargets.highTechCoveragePct': ['pct', 'targetHighTech'],
    'evaluationTargets.riskCoverageFen': ['yuan', 'targetRisk'],
  }),
];

export const get = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o);

export function set(o: Record<string, unknown>, path: string, v: unknown): void {
  const keys = path.split('.');
  let x = o;
  for (const k of keys.slice(0, -1)) x = (x[k] ??= {}) as Record<string, unknown>;
  x[keys.at(-1)!] = v;
}
