/** Roles of API.md. Staff roles belong to an organisation; applicants and banks are bound to an entity. */
export const ROLES = [
  'applicant',
  'reviewer',
  'expert',
  'approver',
  'finance',
  'bank',
  'admin',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

export const QUEUES = [
  'initial-review',
  'expert-review',
  'final-approval',
  'objection-review',
  'payment-exception',
  'budget',
] as const;
export type Queue = (typeof QUEUES)[number];

/** What people call each queue. */
export const QUEUE_LABELS: Record<Queue, { zh: string; en: string }> = {
  'initial-review': { zh: '初审', en: 'initial review' },
  'expert-review': { zh: '专家评审', en: 'expert review' },
  'final-approval': { zh: '终审', en: 'final approval' },
  'objection-review': { zh: '异议复核', en: 'objection review' },
  'payment-exception': { zh: '支付异常', en: 'payment exception' },
  budget: { zh: '待预算', en: 'awaiting budget' },
};

/**
 * Four-eyes: who decided in the earlier queues may not work a guarded one. The reviewers may not give the final
 * approval; nor may they, or the person who gave the final approval, judge the objections to it. The workflow's
 * validators enforce it; `GET /api/v1/meta` tells the console.
 */
export const FOUR_EYES_BARRED: Partial<Record<Queue, readonly Queue[]>> = {
  'final-approval': ['initial-review', 'expert-review'],
  'objection-review': ['initial-review', 'expert-review', 'final-approval'],
};
/** Every queue whose deciders are remembered for the four-eyes rule. */
export const FOUR_EYES_QUEUES: readonly Queue[] = [...new Set(Object.values(FOUR_EYES_BARRED).flat())];

/** Who works each queue. */
export const QUEUE_ROLE: Record<Queue, Role> = {
  'initial-review': 'reviewer',
  'expert-review': 'expert',
  'final-approval': 'approver',
  'objection-review': 'approver',
  'payment-exception': 'finance',
  budget: 'finance',
};

/**
 * Roles whose work belongs to an organisation: initial reviews go to the office an application is routed to,
 * final approvals and objections to the committee. A token of these roles without an `org` sees nothing.
 * Experts and finance work district-wide queues (their tasks carry no organisation), as administrators read.
 */
export const ORG_SCOPED_ROLES: readonly Role[] = ['reviewer', 'approver'];

/** The district committee (管委会); street/town offices are `street:<name>`. */
export const COMMITTEE_ORG = 'committee';
export const streetOrg = (office: string): string => `street:${office}`;

/** The person behind a request or a decision, as the workflow sees them. */
export interface Actor {
  subject: string;
  /** `system`: steps the workflow takes by itself; `public`: someone from the public (an objector). */
  role: Role | 'system' | 'public';
  org?: string;
  supervisor?: boolean;
  creditCode?: string;
  bankCode?: string;
}

export const SYSTEM_ACTOR: Actor = { subject: 'system', role: 'system' };

/** Queues a role may see (admins see every queue, read-only). */
export function queuesOf(role: Actor['role']): Queue[] {
  if (role === 'admin') return [...QUEUES];
  return QUEUES.filter((q) => QUEUE_ROLE[q] === role);
}

/**
 * Whether the actor may work a task of this queue and organisation. Tasks without an organisation
 * (finance, approvals) are open to every member of the role.
 */
export function mayWork(actor: Actor, queue: Queue, taskOrg: string | null | undefined): boolean {
  if (QUEUE_ROLE[queue] !== actor.role) return false;
  return !taskOrg || taskOrg === actor.org;
}

/** A person calling the API (never the system). */
export type Caller = Actor & { role: Role };
