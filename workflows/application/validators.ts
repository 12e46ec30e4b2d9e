import { FOUR_EYES_BARRED, mayWork, type Actor, type Queue } from '../../domain/roles';
import {
  CANCELLABLE_STATUSES,
  isFinal,
  WITHDRAWABLE_STATUSES,
  type ApplicationStatus,
} from '../../domain/status';
import {
  WorkflowErrors,
  type AdminActionInput,
  type AssignInput,
  type ClaimInput,
  type DecisionInput,
  type LoanInterestInput,
  type ObjectionInput,
  type SupplementInput,
  type TaskView,
  type WithdrawInput,
  type WorkflowErrorType,
} from './contract';

/**
 * The validators of the application workflow's updates, as pure functions of the process's state and the
 * update's input: each answers the refusal (the failure type the API maps, and why) or OK. The handlers
 * (handlers.ts) raise a refusal as the update's failure, so nothing is written to history.
 */

export interface Refusal {
  type: WorkflowErrorType;
  message: string;
}
/** A refusal, or null (OK) when the update may go ahead. */
export type Verdict = Refusal | null;
export const OK: Verdict = null;

/** The refusal of an update: its failure type and why. */
const refuse = (type: WorkflowErrorType, message: string): Refusal => ({ type, message });

/** The open task as the validators see it. */
export interface TaskState extends TaskView {
  /** A decision has been accepted and is being recorded. */
  deciding: boolean;
  /** Its row exists. */
  ready: boolean;
}

/** What the validators read of the process (ApplicationProcess is one). */
export interface ApplicationState {
  readonly input: { readonly creditCode: string };
  readonly status: ApplicationStatus;
  readonly task: TaskState | null;
  /** The applicant's supplement waiting to be taken (null when there is none). */
  readonly supplement: object | null;
  /** The case is being ended (withdrawal or an administrator's cancellation). */
  readonly ending: boolean;
  readonly notice: { batchId: string; endsAt: string; ended: boolean } | null;
  readonly handOffStarted: boolean;
  /** The subjects who decided each queue the four-eyes rule remembers. */
  readonly deciders: ReadonlyMap<Queue, ReadonlySet<string>>;
  /** The workflow's clock (epoch milliseconds). */
  readonly now: number;
}

/** Decisions each queue accepts. */
export const DECISIONS_BY_QUEUE: Partial<Record<Queue, readonly DecisionInput['decision'][]>> = {
  'initial-review': ['approve', 'reject', 'request_info'],
  'expert-review': ['approve', 'reject'],
  'final-approval': ['approve', 'reject'],
  // approve: the grant stands (objections dismissed); reject: an objection is upheld.
  'objection-review': ['approve', 'reject'],
  // approve: pay again (after the account was corrected); reject: cancel the payment.
  'payment-exception': ['approve', 'reject'],
};

/** The task is the open one and no decision on it is being recorded. */
export function validateCurrentTask(s: ApplicationState, taskId: string): Verdict {
  const t = s.task;
  if (!t || t.id !== taskId)
    return refuse(WorkflowErrors.TASK_NOT_CURRENT, `task ${taskId} is not open on this application`);
  if (t.deciding) return refuse(WorkflowErrors.INVALID_STATE, 'a decision on this task is being recorded');
  return OK;
}

/** The task is current and the actor works its queue (and organisation). */
function validateWorkable(s: ApplicationState, taskId: string, actor: Actor): Verdict {
  const current = validateCurrentTask(s, taskId);
  if (current) return current;
  const t = s.task!;
  if (!mayWork(actor, t.queue, t.org))
    return refuse(WorkflowErrors.WRONG_ROLE, `${actor.role} cannot work ${t.queue} tasks here`);
  return OK;
}

/** The four-eyes rule: nobody judges a queue after deciding one it is barred after. */
function validateFourEyes(s: ApplicationState, actor: Actor, queue: Queue, who = 'you'): Verdict {
  const earlier = (FOUR_EYES_BARRED[queue] ?? []).find((q) => s.deciders.get(q)?.has(actor.subject));
  if (!earlier) return OK;
  if (earlier === 'final-approval')
    return refuse(
      WorkflowErrors.FOUR_EYES,
      `${who} gave the final approval of this application and may not judge the objections to it`,
    );
  if (queue === 'final-approval')
    return refuse(
      WorkflowErrors.FOUR_EYES,
      `${who} reviewed this application earlier and may not give the final approval`,
    );
  return refuse(
    WorkflowErrors.FOUR_EYES,
    `${who} reviewed this application earlier and may not judge the objections to it`,
  );
}

function validateOwnApplicant(s: ApplicationState, actor: Actor): Verdict {
  if (actor.role !== 'applicant' || actor.creditCode !== s.input.creditCode)
    return refuse(WorkflowErrors.NOT_YOURS, 'only the applying enterprise may do this');
  return OK;
}

export function validateClaim(s: ApplicationState, { taskId, actor }: ClaimInput): Verdict {
  const workable = validateWorkable(s, taskId, actor);
  if (workable) return workable;
  const t = s.task!;
  if (t.assignee && t.assignee !== actor.subject)
    return refuse(WorkflowErrors.ALREADY_CLAIMED, 'task is claimed by someone else');
  return validateFourEyes(s, actor, t.queue);
}

export function validateUnclaim(s: ApplicationState, { taskId, actor }: ClaimInput): Verdict {
  const workable = validateWorkable(s, taskId, actor);
  if (workable) return workable;
  const t = s.task!;
  if (t.assignee && t.assignee !== actor.subject && !actor.supervisor)
    return refuse(WorkflowErrors.NOT_CLAIMED_BY_CALLER, 'only the claimer or a supervisor may unclaim');
  return OK;
}

export function validateAssign(s: ApplicationState, { taskId, actor, assignee }: AssignInput): Verdict {
  const workable = validateWorkable(s, taskId, actor);
  if (workable) return workable;
  if (!actor.supervisor) return refuse(WorkflowErrors.NOT_SUPERVISOR, 'only a supervisor may assign tasks');
  return validateFourEyes(s, { ...actor, subject: assignee }, s.task!.queue, assignee);
}

export function validateDecision(s: ApplicationState, d: DecisionInput): Verdict {
  const workable = validateWorkable(s, d.taskId, d.actor);
  if (workable) return workable;
  const t = s.task!;
  if (t.assignee !== d.actor.subject)
    return refuse(WorkflowErrors.NOT_CLAIMED_BY_CALLER, 'claim the task before deciding');
  if (!DECISIONS_BY_QUEUE[t.queue]?.includes(d.decision))
    return refuse(
      WorkflowErrors.INVALID_DECISION,
      `"${d.decision}" is not a decision of the ${t.queue} queue`,
    );
  if (d.decision === 'request_info' && !d.infoRequest?.message)
    return refuse(WorkflowErrors.INVALID_DECISION, 'a request for information needs infoRequest.message');
  if (d.decision === 'reject' && !d.reasonCode && !d.comment)
    return refuse(
      WorkflowErrors.INVALID_DECISION,
      'a rejection needs a reasonCode or a comment for the applicant',
    );
  if (t.queue === 'expert-review' && !d.appraisal)
    return refuse(
      WorkflowErrors.INVALID_DECISION,
      'an expert decision needs an appraisal (grade and opinion)',
    );
  return validateFourEyes(s, d.actor, t.queue);
}

export function validateSupplement(s: ApplicationState, { actor }: SupplementInput): Verdict {
  const own = validateOwnApplicant(s, actor);
  if (own) return own;
  if (s.status !== 'NEEDS_INFO' || s.supplement || s.ending)
    return refuse(
      WorkflowErrors.INVALID_STATE,
      `supplements are accepted only while information is requested (now ${s.status})`,
    );
  return OK;
}

export function validateObjection(s: ApplicationState, { batchId }: ObjectionInput): Verdict {
  const n = s.notice;
  const open =
    s.status === 'IN_PUBLIC_NOTICE' && n?.batchId === batchId && !n.ended && s.now < Date.parse(n.endsAt);
  if (!open)
    return refuse(WorkflowErrors.INVALID_STATE, 'objections are taken only while the notice is open');
  return OK;
}

export function validateLoanInterest(s: ApplicationState, { actor }: LoanInterestInput): Verdict {
  const own = validateOwnApplicant(s, actor);
  if (own) return own;
  if (s.handOffStarted || isFinal(s.status))
    return refuse(
      WorkflowErrors.INVALID_STATE,
      'the loan request can no longer change: the bank hand-off has started',
    );
  return OK;
}

export function validateAdminAction(
  s: ApplicationState,
  { actor, action, reason }: AdminActionInput,
): Verdict {
  if (actor.role !== 'admin') return refuse(WorkflowErrors.WRONG_ROLE, 'only an administrator may do this');
  if (!reason.trim()) return refuse(WorkflowErrors.INVALID_DECISION, 'give the reason for the record');
  if (s.ending) return refuse(WorkflowErrors.INVALID_STATE, 'the application is already ending');
  if (action === 'cancel' && !CANCELLABLE_STATUSES.includes(s.status))
    return refuse(
      WorkflowErrors.INVALID_STATE,
      `the application can no longer be cancelled (now ${s.status})`,
    );
  if (action === 'retry-payment') {
    const t = s.task;
    if (s.status !== 'PAYMENT_FAILED' || t?.queue !== 'payment-exception' || !t.ready)
      return refuse(WorkflowErrors.INVALID_STATE, `no failed payment to retry (now ${s.status})`);
    if (t.deciding)
      return refuse(WorkflowErrors.INVALID_STATE, 'a decision on this payment is being recorded');
  }
  return OK;
}

export function validateWithdrawal(s: ApplicationState, { actor }: WithdrawInput): Verdict {
  const own = validateOwnApplicant(s, actor);
  if (own) return own;
  if (s.ending || isFinal(s.status) || !WITHDRAWABLE_STATUSES.includes(s.status))
    return refuse(
      WorkflowErrors.INVALID_STATE,
      `the application can no longer be withdrawn (now ${s.status})`,
    );
  return OK;
}
