/**
 * Anomaly flags (风险提示) for reviewers: what deserves a second look. A flag never blocks an application on its
 * own; it is shown to staff with its reason and evidence, and an administrator may dismiss it with a reason.
 *
 * Kinds, from what the system holds (docs/API.md, "Anomaly flags"):
 * - SHARED_BANK_ACCOUNT — the enterprise's payout account is another enterprise's too (compared by a keyed
 *   digest of the number, never the number itself);
 * - SHARED_CONTACT_EMAIL — its contact e-mail is another enterprise's too (compared as normalised here);
 * - PREMIUM_OUTLIER — the premium is far outside the product's usual range (robust statistics below);
 * - POLICY_REAPPLIED — the same enterprise applied before for the same product over an overlapping policy
 *   period (the same policy or another), and that application was withdrawn or rejected: the insurer's
 *   gateway has no cancellation status, so this is what the records hold of "bought and cancelled before".
 * The phone and address kinds are left out: no enterprise record holds a phone number or an address.
 */

export const RISK_FLAG_KINDS = [
  'SHARED_BANK_ACCOUNT',
  'SHARED_CONTACT_EMAIL',
  'PREMIUM_OUTLIER',
  'POLICY_REAPPLIED',
] as const;
export type RiskFlagKind = (typeof RISK_FLAG_KINDS)[number];

export const RISK_FLAG_KIND_LABELS: Record<RiskFlagKind, { zh: string; en: string }> = {
  SHARED_BANK_ACCOUNT: { zh: '收款账户与其他企业相同', en: 'Bank account shared with another enterprise' },
  SHARED_CONTACT_EMAIL: { zh: '联系邮箱与其他企业相同', en: 'Contact e-mail shared with another enterprise' },
  PREMIUM_OUTLIER: { zh: '保费明显偏离该产品常见水平', en: 'Premium far outside the product’s usual range' },
  POLICY_REAPPLIED: { zh: '此前申请已撤回或被驳回', en: 'Earlier application withdrawn or rejected' },
};

/** Who reads flags: staff. Never applicants or banks (the evidence names other enterprises). */
export const RISK_FLAG_READERS = ['reviewer', 'expert', 'approver', 'finance', 'admin', 'auditor'] as const;
export const readsRiskFlags = (role: string): boolean =>
  (RISK_FLAG_READERS as readonly string[]).includes(role);

// ---- The premium's robust statistics ----------------------------------------------------------------------

/** Fewer premiums of a product than this and nothing is judged an outlier (too little history). */
export const PREMIUM_MIN_SAMPLE = 10;
/** A modified z-score above this (Iglewicz and Hoaglin's cut-off) is an outlier. */
export const PREMIUM_Z_THRESHOLD = 3.5;
/**
 * The least MAD of the log premiums used: a product whose premiums are all alike (a group product's fixed
 * premium) has a MAD of 0, and then only a premium more than 1.5 times (or less than 1/1.5 of) the median is
 * an outlier, never one a fen off.
 */
export const PREMIUM_MIN_LOG_MAD = (Math.log(1.5) * 0.6745) / PREMIUM_Z_THRESHOLD;

export function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = Math.floor(n / 2);
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median and the median absolute deviation of a sample (any order). */
export function medianAndMad(values: readonly number[]): { median: number; mad: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const m = median(sorted);
  const deviations = sorted.map((v) => Math.abs(v - m)).sort((a, b) => a - b);
  return { median: m, mad: median(deviations) };
}

export interface PremiumStats {
  sample: number;
  /** Of the log premiums (natural log of fen). */
  logMedian: number;
  logMad: number;
  /** The median premium and the range within which a premium is usual, in whole fen. */
  medianFen: number;
  lowFen: number;
  highFen: number;
}

/** The product's statistics from its premiums in fen (those ≤ 0 ignored); null below the minimum sample. */
export function premiumStats(premiumsFen: readonly number[]): PremiumStats | null {
  const logs = premiumsFen.filter((p) => p > 0).map((p) => Math.log(p));
  if (logs.length < PREMIUM_MIN_SAMPLE) return null;
  const { median: logMedian, mad } = medianAndMad(logs);
  const logMad = Math.max(mad, PREMIUM_MIN_LOG_MAD);
  const spread = (PREMIUM_Z_THRESHOLD * logMad) / 0.6745;
  return {
    sample: logs.length,
    logMedian,
    logMad,
    medianFen: Math.round(Math.exp(logMedian)),
    lowFen: Math.ceil(Math.exp(logMedian - spread)),
    highFen: Math.floor(Math.exp(logMedian + spread)),
  };
}

/** The modified z-score of a premium against the product's statistics (0.6745 (x − median) / MAD, in logs). */
export function premiumZ(stats: PremiumStats, premiumFen: number): number {
  if (premiumFen <= 0) return 0;
  return (0.6745 * (Math.log(premiumFen) - stats.logMedian)) / stats.logMad;
}

export const isPremiumOutlier = (stats: PremiumStats, premiumFen: number): boolean =>
  Math.abs(premiumZ(stats, premiumFen)) > PREMIUM_Z_THRESHOLD;

// ---- Normalisation ------------------------------------------------------------------------------------------

/** A contact e-mail as compared: trimmed, lower case (as the index `lower(btrim("contactEmail"))`). */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** An account number as digested: digits and letters only (spaces and dashes people type are dropped). */
export function normalizeAccountNumber(n: string): string {
  return n
    .normalize('NFKC')
    .replace(/[^0-9A-Za-z]/g, '')
    .toUpperCase();
}

// ---- Reasons ------------------------------------------------------------------------------------------------

export interface OtherEnterprise {
  creditCode: string;
  name: string;
  applicationIds: string[];
}

/** 元 with two decimals from fen (no floating point on the fen). */
const yuan = (fen: number) =>
  `${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;

const names = (others: readonly OtherEnterprise[], sep: string) =>
  others
    .slice(0, 3)
    .map((o) => o.name)
    .join(sep) + (others.length > 3 ? (sep === '、' ? ' 等' : ' and others') : '');

export function sharedReason(
  kind: 'SHARED_BANK_ACCOUNT' | 'SHARED_CONTACT_EMAIL',
  others: readonly OtherEnterprise[],
): { zh: string; en: string } {
  const what =
    kind === 'SHARED_BANK_ACCOUNT'
      ? { zh: '收款账户', en: 'payout bank account' }
      : { zh: '联系邮箱', en: 'contact e-mail' };
  return {
    zh: `该企业的${what.zh}与其他 ${others.length} 家企业相同：${names(others, '、')}。`,
    en: `The enterprise's ${what.en} is also that of ${others.length} other enterprise(s): ${names(others, ', ')}.`,
  };
}

export function outlierReason(stats: PremiumStats, premiumFen: number): { zh: string; en: string } {
  const z = premiumZ(stats, premiumFen).toFixed(1);
  return {
    zh: `保费 ${yuan(premiumFen)} 元明显偏离该产品 ${stats.sample} 笔申请的常见水平（中位数 ${yuan(stats.medianFen)} 元，常见范围 ${yuan(stats.lowFen)}–${yuan(stats.highFen)} 元，稳健 z 值 ${z}）。`,
    en: `The premium of CNY ${yuan(premiumFen)} is far outside the usual range of the product's ${stats.sample} applications (median CNY ${yuan(stats.medianFen)}, usual range CNY ${yuan(stats.lowFen)}–${yuan(stats.highFen)}, robust z-score ${z}).`,
  };
}

export function reappliedReason(other: {
  id: string;
  status: 'REJECTED' | 'WITHDRAWN';
  policyNumber: string;
  samePolicy: boolean;
}): { zh: string; en: string } {
  const zhStatus = other.status === 'REJECTED' ? '被驳回' : '已撤回';
  const enStatus = other.status === 'REJECTED' ? 'rejected' : 'withdrawn';
  return other.samePolicy
    ? {
        zh: `该企业此前就同一保单（${other.policyNumber}）提交的申请 ${other.id} ${zhStatus}。`,
        en: `The enterprise's earlier application ${other.id} for the same policy (${other.policyNumber}) was ${enStatus}.`,
      }
    : {
        zh: `该企业此前就同一产品、保险期间重叠的另一保单（${other.policyNumber}）提交的申请 ${other.id} ${zhStatus}，可能退保后重新投保。`,
        en: `The enterprise's earlier application ${other.id} for another policy (${other.policyNumber}) of the same product over an overlapping period was ${enStatus}: the policy may have been cancelled and bought again.`,
      };
}
