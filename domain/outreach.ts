import { shanghaiDate } from './calendar';
import { FIELD_NAMES } from './fields';
import { formatFen } from './money';
import type { ProgramConfig } from './program';
import {
  evaluate,
  type CatalogProduct,
  type EnterpriseFacts,
  type PolicyFacts,
  type PriorApplication,
  type Reason,
} from './rules';
import type { Track } from './status';

/**
 * Proactive outreach (主动匹配): which enterprises of the registry a campaign invites, judged by the precheck's
 * own rules (`evaluate()` of domain/rules), and the figures of a campaign. Pure, like the rest of domain/.
 *
 * What a campaign cannot know is the policy the enterprise would buy. It judges a *planned* policy:
 * - started, paid and submitted at the campaign's reference instant `asOf` (the moment the campaign was created,
 *   or the opening of the programme's window if that is later), for one year;
 * - of every product of the catalog in turn: the enterprise is eligible when one of them makes it eligible
 *   (like the eligibility calculator, which picks the catalog product that gives the most);
 * - paid, with a nominal premium (the programme's inclusive base cap). No condition of the rules depends on the
 *   amount once a premium is paid: the amount only changes the estimate (`CAPPED`, `INCLUSIVE_PREMIUM_CAPPED`
 *   are not blocking), and an annual cap blocks only when nothing of it remains, whatever the premium;
 * - no documents are judged (an application brings them), and the planned policy is in no other application.
 * So an invitation means: the enterprise itself qualifies for the track this year (district, credit record,
 * qualifications, size, field, inclusive years left, annual cap not used up), and the catalog has a product it
 * could buy.
 *
 * Every enterprise the registry lists falls in exactly one bucket (`scanned` is their sum):
 * - ALREADY_APPLIED: it has an application of the programme year (any track, any status): it knows the
 *   programme, so it is not judged and not invited;
 * - INELIGIBLE: the rules refuse it;
 * - then, of the `eligible` ones: UNSUBSCRIBED (asked for no more outreach), NO_CONTACT (neither the registry
 *   nor our records have an e-mail address), EMAILED (invited, once per campaign).
 */

export const CAMPAIGN_STATUSES = ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const DEFAULT_CAMPAIGN_PAGE_SIZE = 200;
export const MAX_CAMPAIGN_PAGE_SIZE = 1000;

/** Signed-link audiences (LINK_SECRET, like the survey links) and how long the links work. */
export const INVITATION_AUDIENCE = 'outreach-invitation';
export const UNSUBSCRIBE_AUDIENCE = 'outreach-unsubscribe';
export const INVITATION_VALID_DAYS = 180;
export const UNSUBSCRIBE_VALID_DAYS = 730;

export type ProspectOutcome = 'ALREADY_APPLIED' | 'INELIGIBLE' | 'UNSUBSCRIBED' | 'NO_CONTACT' | 'EMAILED';

/** The counts of a page, or of a whole campaign (the sum of its pages). */
export interface ProspectCounts {
  scanned: number;
  alreadyApplied: number;
  ineligible: number;
  eligible: number;
  unsubscribed: number;
  noContact: number;
  emailed: number;
}

export const emptyCounts = (): ProspectCounts => ({
  scanned: 0,
  alreadyApplied: 0,
  ineligible: 0,
  eligible: 0,
  unsubscribed: 0,
  noContact: 0,
  emailed: 0,
});

const BUCKET: Record<ProspectOutcome, keyof ProspectCounts> = {
  ALREADY_APPLIED: 'alreadyApplied',
  INELIGIBLE: 'ineligible',
  UNSUBSCRIBED: 'unsubscribed',
  NO_CONTACT: 'noContact',
  EMAILED: 'emailed',
};

/** Adds up outcomes: every one is scanned, and the last three are also eligible. */
export function countOutcomes(outcomes: Iterable<ProspectOutcome>): ProspectCounts {
  const counts = emptyCounts();
  for (const o of outcomes) {
    counts.scanned += 1;
    counts[BUCKET[o]] += 1;
    if (o === 'UNSUBSCRIBED' || o === 'NO_CONTACT' || o === 'EMAILED') counts.eligible += 1;
  }
  return counts;
}

/**
 * The instant a campaign of the programme judges its planned policy at: now, or the opening of the window if
 * that is later; null once the window has closed (there is nothing left to invite to).
 */
export function campaignReferenceInstant(program: ProgramConfig, now: Date): Date | null {
  if (now.getTime() > Date.parse(program.closesAt)) return null;
  return new Date(Math.max(now.getTime(), Date.parse(program.opensAt)));
}

/** The day before the same day a year later: a one-year policy. */
function oneYearFrom(start: string): string {
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export interface ProspectInput {
  track: Track;
  program: ProgramConfig;
  /** The campaign's reference instant (ISO). */
  asOf: string;
  /** The catalog as the campaign judges it. */
  products: readonly CatalogProduct[];
  facts: EnterpriseFacts;
  /** The enterprise's applications of earlier years (inclusive years used, annual caps). */
  history: readonly PriorApplication[];
}

export interface ProspectJudgement {
  eligible: boolean;
  /** The product that made it eligible (or the first judged); null when the catalog is empty. */
  productCode: string | null;
  /** The rules' reasons for that product. */
  reasons: Reason[];
}

/** The planned policy of the module comment, of one product. */
export function plannedPolicy(
  p: Omit<ProspectInput, 'products' | 'history'>,
  product: CatalogProduct | null,
) {
  const start = shanghaiDate(new Date(p.asOf));
  const premium = p.program.inclusivePremiumCapFen;
  const policy: PolicyFacts = {
    insurerCode: product?.insurerCode ?? '',
    policyNumber: '(planned)',
    creditCode: p.facts.creditCode,
    productCode: product?.productCode ?? '',
    startDate: start,
    endDate: oneYearFrom(start),
    premiumFen: premium,
    paidPremiumFen: premium,
    paidAt: p.asOf,
    sumInsuredFen: 0,
  };
  return policy;
}

/** Whether the rules find the enterprise eligible for the track with some product of the catalog. */
export function judgeProspect(p: ProspectInput): ProspectJudgement {
  const candidates = p.products.length ? p.products : [null];
  let first: ProspectJudgement | null = null;
  for (const product of candidates) {
    const policy = plannedPolicy(p, product);
    const result = evaluate({
      track: p.track,
      creditCode: p.facts.creditCode,
      submittedAt: p.asOf,
      program: p.program,
      enterprise: { registry: p.facts, declared: p.facts },
      policy: { insurer: policy, declared: policy },
      product,
      documents: null,
      history: p.history,
      policyInOtherLiveApplication: false,
    });
    const judgement = {
      eligible: result.eligible,
      productCode: product?.productCode ?? null,
      reasons: result.reasons,
    };
    if (judgement.eligible) return judgement;
    first ??= judgement;
  }
  return first!;
}

/** The bucket of one enterprise of the registry. */
export function prospectOutcome(p: {
  appliedThisYear: boolean;
  eligible: () => boolean;
  unsubscribed: boolean;
  email: string | null;
}): ProspectOutcome {
  if (p.appliedThisYear) return 'ALREADY_APPLIED';
  if (!p.eligible()) return 'INELIGIBLE';
  if (p.unsubscribed) return 'UNSUBSCRIBED';
  return p.email ? 'EMAILED' : 'NO_CONTACT';
}

/** What the track offers, for the invitation e-mail (from the programme the campaign judges by). */
export function trackOffer(track: Track, program: ProgramConfig): { zh: string; en: string } {
  if (track === 'INCLUSIVE') {
    const cap = formatFen(program.inclusivePremiumCapFen);
    return {
      zh: `区级普惠型综合科技保险统保保费全额补贴（每家企业每年保费补贴基数上限 ${cap}，原则上支持 ${program.inclusiveMaxYears} 年）。`,
      en: `the district pays the full premium of the group inclusive policy (premium base up to ${cap} a year, for up to ${program.inclusiveMaxYears} years).`,
    };
  }
  if (track === 'SRDI') {
    const top = Math.max(...Object.values(program.srdiRatesBp).flatMap((r) => Object.values(r)));
    const cap = formatFen(program.srdiAnnualCapFen);
    return {
      zh: `专精特新企业购买科技保险产品目录内产品，按实际支付保费的最高 ${top / 100}% 给予补贴，每家企业每年最高 ${cap}。`,
      en: `SRDI enterprises get up to ${top / 100}% of the premium paid for catalog products, up to ${cap} a year.`,
    };
  }
  const cap = formatFen(program.frontierAnnualCapFen);
  const rate = program.frontierRateBp / 100;
  return {
    zh: `${program.frontierFields.map((f) => FIELD_NAMES[f]).join('、')}领域企业购买目录内的专属保险产品，按实际支付保费的 ${rate}% 给予补贴，每家企业每年最高 ${cap}。`,
    en: `enterprises of the fields ${program.frontierFields.join(', ')} get ${rate}% of the premium paid for exclusive catalog products, up to ${cap} a year.`,
  };
}
