/** Application statuses of API.md, in process order. */
export const APPLICATION_STATUSES = [
  'SUBMITTED',
  'PRECHECK',
  'INITIAL_REVIEW',
  'NEEDS_INFO',
  'EXPERT_REVIEW',
  'FINAL_APPROVAL',
  'AWAITING_BUDGET',
  'APPROVED',
  'IN_PUBLIC_NOTICE',
  'DISBURSING',
  'PAYMENT_FAILED',
  'PAID',
  'TRACKING',
  'CLOSED',
  'REJECTED',
  'WITHDRAWN',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const TRACKS = ['INCLUSIVE', 'SRDI', 'FRONTIER'] as const;
export type Track = (typeof TRACKS)[number];

/** Statuses after which nothing changes any more. */
export const FINAL_STATUSES: readonly ApplicationStatus[] = ['CLOSED', 'REJECTED', 'WITHDRAWN'];

/** Statuses of an application that no longer holds its policy (another application may use it). */
export const DEAD_STATUSES: readonly ApplicationStatus[] = ['REJECTED', 'WITHDRAWN'];

/** The applicant may withdraw until disbursement starts. */
export const WITHDRAWABLE_STATUSES: readonly ApplicationStatus[] = APPLICATION_STATUSES.slice(
  0,
  APPLICATION_STATUSES.indexOf('IN_PUBLIC_NOTICE') + 1,
);

/** An administrator may cancel until money is on its way (a payment in flight must settle first). */
export const CANCELLABLE_STATUSES: readonly ApplicationStatus[] = [
  ...WITHDRAWABLE_STATUSES,
  'PAYMENT_FAILED',
];

/** Fixed at final approval and not yet paid: the payee may be changed (by a request finance approves). */
export const PAYEE_CHANGEABLE_STATUSES: readonly ApplicationStatus[] = [
  'AWAITING_BUDGET',
  'APPROVED',
  'IN_PUBLIC_NOTICE',
  'DISBURSING',
  'PAYMENT_FAILED',
];

export const isFinal = (s: ApplicationStatus): boolean => FINAL_STATUSES.includes(s);

/**
 * Approved or later and not rejected/withdrawn: these applications count against the annual caps and the
 * inclusive three-year limit (DOMAIN.md). A failed payment still holds its grant until finance cancels it.
 */
export const GRANT_HOLDING_STATUSES: readonly ApplicationStatus[] = APPLICATION_STATUSES.slice(
  APPLICATION_STATUSES.indexOf('APPROVED'),
  APPLICATION_STATUSES.indexOf('CLOSED') + 1,
);
