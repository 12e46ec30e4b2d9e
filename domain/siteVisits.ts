import { mulberry32 } from './random';
import { SHANGHAI_OFFSET_MS, startOfShanghaiDay } from './calendar';
import type { Track } from './status';

/**
 * Sampled site visits (实地走访): each quarter a reproducible random sample of the applications paid in it,
 * stratified by track and street office. Pure: the seed, the population and the rate give the sample, so an
 * auditor can recompute it.
 *
 * - Population: the applications whose grant was disbursed (`disbursedAt`) in the quarter, Beijing days.
 * - Strata: (track, office = the application's `reviewOrg`, '' when unrouted), taken in code-unit order of
 *   `track|office`; inside a stratum the ids in code-unit order.
 * - Size per stratum: ceil(rate × size), so every non-empty stratum, hence every track with a paid
 *   application, has at least one visit.
 * - Draw: one mulberry32 stream seeded with the 32-bit seed (8 hex digits), consumed stratum by stratum: a
 *   partial Fisher–Yates shuffle picks the first k of each stratum (index i..n-1 swapped with
 *   i + floor(next() × (n − i))). The sample is returned sorted by id.
 */

export const QUARTER_PATTERN = /^(\d{4})Q([1-4])$/;

export interface Member {
  id: string;
  track: Track;
  /** The street office the application is routed to (`Application.reviewOrg`), null when unrouted. */
  office: string | null;
}

/** The first instant of a quarter and of the next one (Beijing days). */
export function quarterBounds(quarter: string): { from: Date; to: Date } {
  const m = QUARTER_PATTERN.exec(quarter);
  if (!m) throw new RangeError(`not a quarter: ${quarter}`);
  const year = Number(m[1]);
  const q = Number(m[2]);
  const month = (n: number) => String(n).padStart(2, '0');
  const from = startOfShanghaiDay(`${year}-${month(q * 3 - 2)}-01`);
  const to =
    q === 4 ? startOfShanghaiDay(`${year + 1}-01-01`) : startOfShanghaiDay(`${year}-${month(q * 3 + 1)}-01`);
  return { from, to };
}

/** The quarter a Beijing calendar day (YYYY-MM-DD) is in. */
export function quarterOf(day: string): string {
  return `${day.slice(0, 4)}Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
}

/** The quarter before one. */
export function previousQuarter(quarter: string): string {
  const m = QUARTER_PATTERN.exec(quarter);
  if (!m) throw new RangeError(`not a quarter: ${quarter}`);
  const year = Number(m[1]);
  const q = Number(m[2]);
  return q === 1 ? `${year - 1}Q4` : `${year}Q${q - 1}`;
}

export const SEED_PATTERN = /^[0-9a-f]{8}$/;

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const stratumKey = (m: Pick<Member, 'track' | 'office'>) => `${m.track}|${m.office ?? ''}`;

/** How many of a stratum of `size` are visited. */
export const stratumSampleSize = (size: number, rate: number) =>
  size === 0 ? 0 : Math.min(size, Math.max(1, Math.ceil(rate * size - 1e-9)));

/** The sampled members (sorted by id) of a population, for a seed of 8 hex digits and a rate in (0, 1]. */
export function drawSample(population: readonly Member[], seed: string, rate: number): Member[] {
  if (!SEED_PATTERN.test(seed)) throw new RangeError(`not a seed: ${seed}`);
  if (!(rate > 0 && rate <= 1)) throw new RangeError(`not a rate: ${rate}`);
  const next = mulberry32(parseInt(seed, 16));
  const strata = new Map<string, Member[]>();
  for (const m of population) {
    const key = stratumKey(m);
    strata.set(key, [...(strata.get(key) ?? []), m]);
  }
  const picked: Member[] = [];
  for (const key of [...strata.keys()].sort(byCodeUnits)) {
    const members = [...strata.get(key)!].sort((a, b) => byCodeUnits(a.id, b.id));
    const k = stratumSampleSize(members.length, rate);
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(next() * (members.length - i));
      [members[i], members[j]] = [members[j]!, members[i]!];
      picked.push(members[i]!);
    }
  }
  return picked.sort((a, b) => byCodeUnits(a.id, b.id));
}

/** What the visitor checks on site; each item answered yes or no, with a note. */
export const CHECKLIST_ITEMS = [
  'REGISTERED_ADDRESS',
  'INSURED_SUBJECT',
  'POLICY_ORIGINAL',
  'RD_ACTIVITY',
  'CONTACT_PRESENT',
] as const;
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number];

export const CHECKLIST_LABELS: Record<ChecklistItem, { zh: string; en: string }> = {
  REGISTERED_ADDRESS: { zh: '企业在册地址经营', en: 'Operating at the registered address' },
  INSURED_SUBJECT: { zh: '投保标的与申报一致', en: 'Insured subject as declared' },
  POLICY_ORIGINAL: { zh: '保单原件核验', en: 'Original policy checked' },
  RD_ACTIVITY: { zh: '研发活动真实', en: 'R&D activity genuine' },
  CONTACT_PRESENT: { zh: '联系人在场', en: 'Contact person present' },
};

export const VISIT_RESULTS = ['PASSED', 'FAILED', 'NOT_REACHABLE'] as const;
export type VisitResult = (typeof VISIT_RESULTS)[number];

export const VISIT_RESULT_LABELS: Record<VisitResult, { zh: string; en: string }> = {
  PASSED: { zh: '通过', en: 'Passed' },
  FAILED: { zh: '未通过', en: 'Failed' },
  NOT_REACHABLE: { zh: '无法走访', en: 'Not reachable' },
};

export type ChecklistAnswers = Partial<Record<ChecklistItem, { ok: boolean; note?: string }>>;

export interface VisitResultInput {
  result: VisitResult;
  checklist: ChecklistAnswers;
  note?: string;
  recoveryRequested: boolean;
}

/**
 * The rules of a recorded result, as [field, English reason] pairs (none: it may be recorded): PASSED and
 * FAILED answer every item; PASSED has every item yes; FAILED and NOT_REACHABLE need a note; only a FAILED
 * visit may ask for recovery (建议追回).
 */
export function visitResultIssues(v: VisitResultInput): [string, string][] {
  const issues: [string, string][] = [];
  if (v.result !== 'NOT_REACHABLE')
    for (const item of CHECKLIST_ITEMS)
      if (!v.checklist[item]) issues.push([`checklist.${item}`, 'every checklist item must be answered']);
  if (v.result === 'PASSED')
    for (const item of CHECKLIST_ITEMS)
      if (v.checklist[item]?.ok === false)
        issues.push([`checklist.${item}`, 'a passed visit has every checklist item yes']);
  if (v.result !== 'PASSED' && !v.note?.trim())
    issues.push(['note', 'a failed or unreachable visit needs a note']);
  if (v.recoveryRequested && v.result !== 'FAILED')
    issues.push(['recoveryRequested', 'only a failed visit may ask for recovery']);
  return issues;
}

/**
 * The quarter the quarterly run samples at an instant: the one just ended, from `hour` (Beijing) of the new
 * quarter's first day on; null before then on that day.
 */
export function quarterDue(at: Date, hour: number): string | null {
  const beijing = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  const day = beijing.toISOString().slice(0, 10);
  const firstDay = /^\d{4}-(01|04|07|10)-01$/.test(day);
  if (firstDay && beijing.getUTCHours() < hour) return null;
  return previousQuarter(quarterOf(day));
}
