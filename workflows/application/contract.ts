import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { LoanInterest } from '../../domain/bankMatching';
import type { ProgramConfig } from '../../domain/program';
import type { Actor, Queue } from '../../domain/roles';
import type { ApplicationStatus, Track } from '../../domain/status';

/**
 * The contract of the application workflow: API, worker, workflow and tests import names from here.
 */
export const DEFAULT_TASK_QUEUE = 'subsidy';
export const APPLICATION_WORKFLOW_TYPE = 'applicationWorkflow';
export const applicationWorkflowId = (applicationId: string): string => `application-${applicationId}`;
export const applicationIdFromWorkflowId = (workflowId: string): string | undefined =>
  workflowId.startsWith('application-') ? workflowId.slice('application-'.length) : undefined;

export interface ApplicationWorkflowInput {
  applicationId: string;
  creditCode: string;
  track: Track;
  programYear: number;
  /** Subject of the applicant account that submitted it. */
  submittedBy: string;
  /** The programme configuration in force at submission (a later change never alters this case). */
  program: ProgramConfig;
  /** Divides every business duration (demos and acceptance runs); 1 in production. */
  timeAcceleration: number;
  /** Attempts at the registry and insurer before the precheck goes on without them (then flagged). */
  lookupAttempts: number;
  /** How long a payment waits for the gateway's callback before asking for its status. */
  paymentPollSeconds: number;
  /** The applicant's loan request for the bank hand-off (保贷联动); null when it did not opt in. */
  loanInterest: LoanInterest | null;
}

export interface LoanInterestInput {
  actor: Actor;
  loanInterest: LoanInterest | null;
}

export type Decision = 'approve' | 'reject' | 'request_info';

export interface TaskView {
  id: string;
  queue: Queue;
  org: string | null;
  assignee: string | null;
  dueAt: string;
}

export interface ClaimInput {
  taskId: string;
  actor: Actor;
}

export interface AssignInput extends ClaimInput {
  /** Subject of the person the supervisor gives the task to. */
  assignee: string;
}

export interface Appraisal {
  grade: 'A' | 'B' | 'C';
  opinion: string;
}

export interface DecisionInput {
  taskId: string;
  actor: Actor;
  decision: Decision;
  comment: string;
  reasonCode?: string;
  /** With `request_info`: what the applicant must supply. */
  infoRequest?: { message: string };
  /** With a decision on an expert-review task: the risk appraisal. */
  appraisal?: Appraisal;
}

export interface DecisionResult {
  status: ApplicationStatus;
}

export interface SupplementInput {
  actor: Actor;
  message: string;
  /** Ids of documents the applicant uploaded for this supplement. */
  documents: string[];
}

export interface WithdrawInput {
  actor: Actor;
  reason: string;
}

/** What an administrator may do to a running application (audited like every step). */
export const ADMIN_ACTIONS = ['retry-payment', 'cancel'] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

export interface AdminActionInput {
  actor: Actor;
  action: AdminAction;
  reason: string;
}

export interface ObjectionInput {
  batchId: string;
  name: string;
  contact: string;
  reason: string;
}

export interface NoticePublished {
  batchId: string;
  endsAt: string;
}

export interface PaymentResult {
  /** Our payment id, which is the gateway's idempotency key. */
  paymentId: string;
  status: 'SUCCEEDED' | 'FAILED';
  failureReason: string | null;
}

export interface ApplicationWorkflowState {
  applicationId: string;
  status: ApplicationStatus;
  task: TaskView | null;
  infoRequest: { message: string; deadline: string } | null;
}

/** Failure types raised by update validators; the API maps them to HTTP statuses. */
export const WorkflowErrors = {
  TASK_NOT_CURRENT: 'TASK_NOT_CURRENT',
  ALREADY_CLAIMED: 'ALREADY_CLAIMED',
  NOT_CLAIMED_BY_CALLER: 'NOT_CLAIMED_BY_CALLER',
  NOT_SUPERVISOR: 'NOT_SUPERVISOR',
  WRONG_ROLE: 'WRONG_ROLE',
  NOT_YOURS: 'NOT_YOURS',
  FOUR_EYES: 'FOUR_EYES',
  INVALID_STATE: 'INVALID_STATE',
  INVALID_DECISION: 'INVALID_DECISION',
} as const;
export type WorkflowErrorType = (typeof WorkflowErrors)[keyof typeof WorkflowErrors];

/** Failure types of the application's own activities (besides the outside services' in ../contract.ts). */
export const ApplicationActivityFailures = {
  /** A reservation was asked for an application that has ended (withdrawn, cancelled): nobody reads it. */
  APPLICATION_ENDED: 'ApplicationEnded',
} as const;

export const claimUpdate = defineUpdate<TaskView, [ClaimInput]>('claim');
export const unclaimUpdate = defineUpdate<TaskView, [ClaimInput]>('unclaim');
export const assignUpdate = defineUpdate<TaskView, [AssignInput]>('assign');
export const decideUpdate = defineUpdate<DecisionResult, [DecisionInput]>('decide');
export const supplementUpdate = defineUpdate<DecisionResult, [SupplementInput]>('supplement');
export const withdrawUpdate = defineUpdate<DecisionResult, [WithdrawInput]>('withdraw');
/** Files a named objection while the application's notice is open; answers the objection's id. */
export const objectUpdate = defineUpdate<{ objectionId: string }, [ObjectionInput]>('object');
/**
 * An administrator's action: `retry-payment` pays a failed payment again (as finance's approval would);
 * `cancel` ends the application as REJECTED, releasing its reservation and telling the applicant.
 */
export const adminActionUpdate = defineUpdate<DecisionResult, [AdminActionInput]>('adminAction');
export const stateQuery = defineQuery<ApplicationWorkflowState>('state');
/** Changes (or withdraws) the loan request until the bank hand-off starts. */
export const loanInterestUpdate = defineUpdate<{ loanInterest: LoanInterest | null }, [LoanInterestInput]>(
  'loanInterest',
);

/** The finance bureau changed the budget (or a reservation was released): try to reserve again. */
export const budgetChangedSignal = defineSignal('budgetChanged');
export const noticePublishedSignal = defineSignal<[NoticePublished]>('noticePublished');
export const noticeEndedSignal = defineSignal<[{ batchId: string }]>('noticeEnded');
/** The gateway's result of a payment (from its signed callback, or found by polling). */
export const paymentResultSignal = defineSignal<[PaymentResult]>('paymentResult');
