import type { Track } from './status';

/** What the applicant asks the banks for (保贷联动). */
export interface LoanInterest {
  amountFen: number;
  termMonths: number;
  purpose: string;
}

/** A partner bank and what it lends to. */
export interface PartnerBank {
  bankCode: string;
  name: string;
  contactEmail: string;
  tracks: Track[];
  minAmountFen: number;
  maxAmountFen: number;
  maxTermMonths: number;
  active: boolean;
}

/** Why a bank does not take an enterprise (for explanations and tests); null when it matches. */
export function mismatch(bank: PartnerBank, track: Track, loan: LoanInterest): string | null {
  if (!bank.active) return 'inactive';
  if (!bank.tracks.includes(track)) return 'track';
  if (loan.amountFen < bank.minAmountFen) return 'amount below minimum';
  if (loan.amountFen > bank.maxAmountFen) return 'amount above maximum';
  if (loan.termMonths > bank.maxTermMonths) return 'term too long';
  return null;
}

/** The banks whose criteria the request meets, in bank-code order. */
export function matchBanks(banks: readonly PartnerBank[], track: Track, loan: LoanInterest): PartnerBank[] {
  return banks
    .filter((b) => mismatch(b, track, loan) === null)
    .sort((a, b) => a.bankCode.localeCompare(b.bankCode));
}
