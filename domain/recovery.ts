/**
 * Recovery (追回) of a paid grant whose policy was cancelled or whose paid premium was lowered afterwards.
 *
 * The rule (docs/API.md, "Recovery"), all in integer fen:
 * - A cancellation (退保) that takes effect before the policy has run `fullRecoveryMonths` calendar months
 *   (default 6; effective day < start day + N months) recovers the whole grant.
 * - Otherwise every change that lowers the paid premium recovers the subsidy share of the premium refunded so
 *   far: floor(grant × (paid premium at application − paid premium after) ÷ paid premium at application),
 *   rounded down to the fen (in the enterprise's favour), less what earlier cases of the application already
 *   claim. A change that raises the premium recovers nothing.
 * - Whatever the changes, the cases of one application never claim more than its grant.
 */
import { formatFen } from './money';

export type RecoveryChangeKind = 'CANCELLATION' | 'REFUND' | 'ENDORSEMENT';

export interface RecoveryRuleConfig {
  /** A cancellation within this many months of the policy's start recovers the whole grant. */
  fullRecoveryMonths: number;
}

export const DEFAULT_RECOVERY_RULE: RecoveryRuleConfig = { fullRecoveryMonths: 6 };

export interface RecoveryInput {
  /** The grant paid to the enterprise. */
  grantedFen: number;
  /** The paid premium the grant was computed from (the application's). */
  paidPremiumFen: number;
  /** The policy's start, a Beijing day YYYY-MM-DD. */
  policyStartDate: string;
  kind: RecoveryChangeKind;
  /** The change's effective Beijing day. */
  effectiveDate: string;
  /** The paid premium once the change applied. */
  paidPremiumAfterFen: number;
  /** What the application's earlier cases claim (waived ones included: a waiver forgives, it does not reopen). */
  claimedFen: number;
}

export interface RecoveryDecision {
  /** What this change recovers; 0 opens no case. */
  amountFen: number;
  basis: 'FULL_CANCELLATION' | 'SUBSIDY_SHARE' | 'NONE';
  ruleZh: string;
  ruleEn: string;
}

function assertInt(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${what} must be a non-negative integer fen`);
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day `months` calendar months after `day` (clamped to the month's end: 08-31 + 6 → 02-28/29). */
export function addMonthsToDay(day: string, months: number): string {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`not a day: ${day}`);
  const total = Number(m[1]) * 12 + Number(m[2]) - 1 + months;
  const year = Math.floor(total / 12);
  const month = total % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const dayOfMonth = Math.min(Number(m[3]), lastDay);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;
}

/** floor(a × b ÷ c) exactly (BigInt), for safe non-negative integers and c > 0. */
const mulDiv = (a: number, b: number, c: number): number => Number((BigInt(a) * BigInt(b)) / BigInt(c));

/** What a policy change recovers of the grant, with the rule applied worded in Chinese and English. */
export function recoveryFor(
  input: RecoveryInput,
  config: RecoveryRuleConfig = DEFAULT_RECOVERY_RULE,
): RecoveryDecision {
  const { grantedFen, paidPremiumFen, paidPremiumAfterFen, claimedFen } = input;
  assertInt(grantedFen, 'grantedFen');
  assertInt(paidPremiumFen, 'paidPremiumFen');
  assertInt(paidPremiumAfterFen, 'paidPremiumAfterFen');
  assertInt(claimedFen, 'claimedFen');
  const open = Math.max(0, grantedFen - claimedFen);
  const months = config.fullRecoveryMonths;

  const fullUntil = addMonthsToDay(input.policyStartDate, months);
  if (input.kind === 'CANCELLATION' && input.effectiveDate < fullUntil) {
    return {
      amountFen: open,
      basis: 'FULL_CANCELLATION',
      ruleZh:
        `保单于 ${input.effectiveDate} 退保，在起保日 ${input.policyStartDate} 起 ${months} 个月内（${fullUntil} 前）：` +
        `追回全部补贴 ${formatFen(grantedFen)}` +
        (claimedFen > 0 ? `，扣除此前已追回或已立案的 ${formatFen(claimedFen)}` : '') +
        `，本次追回 ${formatFen(open)}。`,
      ruleEn:
        `Policy cancelled on ${input.effectiveDate}, within ${months} months of its start ${input.policyStartDate} ` +
        `(before ${fullUntil}): the whole grant ${formatFen(grantedFen)} is recovered` +
        (claimedFen > 0 ? `, less ${formatFen(claimedFen)} claimed by earlier cases` : '') +
        `; this case recovers ${formatFen(open)}.`,
    };
  }

  const refundedFen = Math.max(0, paidPremiumFen - paidPremiumAfterFen);
  const targetFen =
    paidPremiumFen === 0 ? 0 : Math.min(grantedFen, mulDiv(grantedFen, refundedFen, paidPremiumFen));
  const amountFen = Math.max(0, Math.min(open, targetFen - claimedFen));
  if (amountFen === 0) {
    return {
      amountFen: 0,
      basis: 'NONE',
      ruleZh: `实缴保费 ${formatFen(paidPremiumAfterFen)}，累计应追回 ${formatFen(targetFen)}，已立案 ${formatFen(claimedFen)}：无需追回。`,
      ruleEn: `Paid premium ${formatFen(paidPremiumAfterFen)}, recoverable in all ${formatFen(targetFen)}, claimed ${formatFen(claimedFen)}: nothing to recover.`,
    };
  }
  return {
    amountFen,
    basis: 'SUBSIDY_SHARE',
    ruleZh:
      `按补贴比例追回退还保费对应的补贴：补贴 ${formatFen(grantedFen)} × 累计退还保费 ${formatFen(refundedFen)} ÷ ` +
      `申请时实缴保费 ${formatFen(paidPremiumFen)} = ${formatFen(targetFen)}（向下取整到分）` +
      (claimedFen > 0 ? `，扣除此前已立案的 ${formatFen(claimedFen)}` : '') +
      `，本次追回 ${formatFen(amountFen)}。`,
    ruleEn:
      `The subsidy share of the refunded premium: grant ${formatFen(grantedFen)} × premium refunded so far ` +
      `${formatFen(refundedFen)} ÷ paid premium at application ${formatFen(paidPremiumFen)} = ${formatFen(targetFen)} ` +
      `(rounded down to the fen)` +
      (claimedFen > 0 ? `, less ${formatFen(claimedFen)} claimed by earlier cases` : '') +
      `; this case recovers ${formatFen(amountFen)}.`,
  };
}

export const RECOVERY_STATES = [
  'OPEN',
  'REMINDED',
  'ESCALATED',
  'PARTIALLY_REPAID',
  'REPAID',
  'WAIVED',
] as const;
export type RecoveryState = (typeof RECOVERY_STATES)[number];

/** The case's state after a repayment of `repaidFen` in all (of `amountFen`). */
export function stateAfterRepayment(
  amountFen: number,
  repaidFen: number,
  current: RecoveryState,
): RecoveryState {
  if (repaidFen >= amountFen) return 'REPAID';
  if (repaidFen > 0) return 'PARTIALLY_REPAID';
  return current;
}

export const isClosedRecovery = (state: RecoveryState): boolean => state === 'REPAID' || state === 'WAIVED';

/**
 * A repayment finance records: refused unless 0 < amount ≤ outstanding, a bank reference, and a Beijing day
 * not after `today`. Answers the field and reason of the first refusal, or null.
 */
export function repaymentProblem(
  r: { amountFen: number; bankReference: string; paidOn: string },
  outstandingFen: number,
  today: string,
): { field: 'amountFen' | 'bankReference' | 'paidOn'; zh: string; en: string } | null {
  if (!Number.isSafeInteger(r.amountFen) || r.amountFen <= 0)
    return { field: 'amountFen', zh: '还款金额须为正的整数分', en: 'must be a positive whole number of fen' };
  if (r.amountFen > outstandingFen)
    return {
      field: 'amountFen',
      zh: `还款金额超过未还金额 ${formatFen(outstandingFen)}`,
      en: `exceeds the outstanding ${formatFen(outstandingFen)}`,
    };
  if (r.bankReference.trim() === '')
    return { field: 'bankReference', zh: '须填写银行流水号', en: 'is required' };
  if (r.paidOn > today)
    return { field: 'paidOn', zh: '还款日期不能晚于今天', en: 'must not be in the future' };
  return null;
}
