import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Track } from '../../domain/status';

export const BANK_MATCHING_WORKFLOW_TYPE = 'bankMatchingWorkflow';
export const bankMatchingWorkflowId = (applicationId: string): string => `bank-matching-${applicationId}`;

export interface BankMatchingInput {
  applicationId: string;
  creditCode: string;
  track: Track;
  /** Working days the banks have to answer (then expired, the administrator told once). */
  responseWorkingDays: number;
  timeAcceleration: number;
}

export interface BankResponse {
  referralId: string;
  /** The answering bank (from its token). */
  bankCode: string;
  decision: 'granted' | 'declined';
  creditLineFen?: number;
  annualRateBp?: number;
  termMonths?: number;
  note?: string;
}

export interface ReferralView {
  id: string;
  bankCode: string;
  bankName: string;
  status: 'SENT' | 'GRANTED' | 'DECLINED' | 'EXPIRED';
  late: boolean;
}

/** Failure types raised by the respond update's validator; the API maps them to HTTP statuses. */
export const BankMatchingErrors = {
  /** No such referral for the answering bank. */
  NOT_YOURS: 'NOT_YOURS',
  ALREADY_ANSWERED: 'ALREADY_ANSWERED',
} as const;
export type BankMatchingErrorType = (typeof BankMatchingErrors)[keyof typeof BankMatchingErrors];

export const respondUpdate = defineUpdate<ReferralView, [BankResponse]>('respond');
export const referralsQuery = defineQuery<ReferralView[]>('referrals');
