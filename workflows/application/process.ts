import {
  ApplicationFailure,
  CancellationScope,
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { LoanInterest } from '../../domain/bankMatching';
import type { ApplicationUpdate, StepRecord, StepResult } from '../../activities/records';
import {
  FOUR_EYES_BARRED,
  FOUR_EYES_QUEUES,
  mayWork,
  QUEUE_ROLE,
  SYSTEM_ACTOR,
  type Actor,
  type Queue,
} from '../../domain/roles';
import {
  CANCELLABLE_STATUSES,
  isFinal,
  WITHDRAWABLE_STATUSES,
  type ApplicationStatus,
} from '../../domain/status';
import { ApplicationStatusKey, NeedsAttentionKey } from '../searchAttributes';
import {
  adminActionUpdate,
  assignUpdate,
  budgetChangedSignal,
  claimUpdate,
  decideUpdate,
  noticeEndedSignal,
  noticePublishedSignal,
  objectUpdate,
  paymentResultSignal,
  stateQuery,
  supplementUpdate,
  unclaimUpdate,
  withdrawUpdate,
  loanInterestUpdate,
  WorkflowErrors,
  type AdminActionInput,
  type ApplicationWorkflowInput,
  type AssignInput,
  type ClaimInput,
  type DecisionInput,
  type DecisionResult,
  type LoanInterestInput,
  type ObjectionInput,
  type PaymentResult,
  type SupplementInput,
  type TaskView,
  type WithdrawInput,
  type WorkflowErrorType,
} from './contract';

const { record, computeDeadline, releaseGrant } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Decisions each queue accepts. */
const DECISIONS_BY_QUEUE: Partial<Record<Queue, readonly DecisionInput['decision'][]>> = {
  'initial-review': ['approve', 'reject', 'request_info'],
  'expert-review': ['approve', 'reject'],
  'final-approval': ['approve', 'reject'],
  // approve: the grant stands (objections dismissed); reject: an objection is upheld.
  'objection-review': ['approve', 'reject'],
  // approve: pay again (after the account was corrected); reject: cancel the payment.
  'payment-exception': ['approve', 'reject'],
};

export interface OpenTask extends TaskView {
  /** A decision has been accepted and is being recorded. */
  deciding: boolean;
  /** Its row exists (the task is known, and claimable, from the moment it is opened). */
  ready: boolean;
  escalated: boolean;
}

/** An update waiting for the process to act on it; `result` answers the caller. */
interface Pending<T> {
  input: T;
  result?: DecisionResult;
}

export function refuse(type: WorkflowErrorType, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

const view = (t: TaskView): TaskView => ({
  id: t.id,
  queue: t.queue,
  org: t.org,
  assignee: t.assignee,
  dueAt: t.dueAt,
});

/**
 * The state of one application's process and the ways people act on it. Every change goes through
 * `step`, which projects it to the database (status, task, audit, e-mails) in one idempotent activity.
 */
export class ApplicationProcess {
  status: ApplicationStatus = 'SUBMITTED';
  task: OpenTask | null = null;
  infoRequest: { message: string; deadline: string } | null = null;
  readonly decisions: Pending<DecisionInput>[] = [];
  supplement: Pending<SupplementInput> | null = null;
  withdrawal: Pending<WithdrawInput> | null = null;
  /** An administrator's cancellation, which ends the case like a withdrawal (as REJECTED). */
  cancellation: Pending<AdminActionInput> | null = null;
  private readonly deciders = new Map<Queue, Set<string>>();
  private readonly answered: Pending<unknown>[] = [];
  private readonly attentionReasons = new Set<string>();
  private seq = 0;
  /** Cancels the main process when the applicant withdraws (set by the workflow). */
  onWithdraw: () => void = () => undefined;
  /** How often the budget changed since the process started (signals). */
  budgetChanges = 0;
  notice: { batchId: string; endsAt: string; ended: boolean } | null = null;
  /** Objections filed and not yet reviewed. */
  readonly objections: string[] = [];
  /** Payment results by payment id; the first result of a payment counts, duplicates are ignored. */
  readonly paymentResults = new Map<string, PaymentResult>();
  /** The loan request for the bank hand-off; fixed once the hand-off starts. */
  loanInterest: LoanInterest | null;
  handOffStarted = false;
  /** Undo steps for what was done so far (the budget reservation), run in reverse when the case ends early. */
  readonly compensations: { name: string; run: () => Promise<unknown> }[] = [];

  constructor(readonly input: ApplicationWorkflowInput) {
    this.loanInterest = input.loanInterest;
  }

  get applicationId(): string {
    return this.input.applicationId;
  }

  /** Records one step; never cancelled halfway, so the database always follows the workflow's order. */
  async step(s: Omit<StepRecord, 'key' | 'applicationId' | 'at'>): Promise<StepResult> {
    const key = `${this.applicationId}:${++this.seq}`;
    const at = new Date().toISOString();
    const result = await CancellationScope.nonCancellable(() =>
      record({ ...s, key, applicationId: this.applicationId, at }),
    );
    if (s.toStatus && s.toStatus !== this.status) {
      this.status = s.toStatus;
      upsertSearchAttributes([{ key: ApplicationStatusKey, value: this.status }]);
    }
    this.describe(s.action);
    return result;
  }

  /** The current details shown in the Temporal UI: where the case stands and what it waits for. */
  describe(lastAction: string): void {
    const t = this.task;
    const lines = [
      `**${this.status}** · ${this.input.track} · ${this.input.creditCode}`,
      t
        ? `Waiting for the \`${t.queue}\` task${t.org ? ` (${t.org})` : ''}, ${t.assignee ? `claimed by ${t.assignee}` : 'unclaimed'}, due ${t.dueAt}${t.escalated ? ' — **overdue**' : ''}`
        : null,
      this.infoRequest ? `Waiting for the applicant's supplement until ${this.infoRequest.deadline}` : null,
      this.attentionReasons.size ? `Needs attention: ${[...this.attentionReasons].join('; ')}` : null,
      `Last step: ${lastAction} at ${new Date().toISOString()}`,
    ];
    setCurrentDetails(lines.filter(Boolean).join('\n\n'));
  }

  /** The attention flag for administrators (search attribute and record), with every open reason. */
  attention(reason: string, needed: boolean) {
    if (needed) this.attentionReasons.add(reason);
    else this.attentionReasons.delete(reason);
    const flagged = this.attentionReasons.size > 0;
    upsertSearchAttributes([{ key: NeedsAttentionKey, value: flagged }]);
    return { needed: flagged, reason: flagged ? [...this.attentionReasons].join('; ') : null };
  }

  /** A case that has ended needs nobody's attention any more. */
  clearAttention() {
    this.attentionReasons.clear();
    upsertSearchAttributes([{ key: NeedsAttentionKey, value: false }]);
    return { needed: false, reason: null };
  }

  /** Answers every processed update with the status the application has come to rest in. */
  settle(): void {
    for (const p of this.answered.splice(0)) p.result = { status: this.status };
  }

  /** A deadline `workingDays` from now on the working-day calendar (divided by the time acceleration). */
  deadline(workingDays: number) {
    return computeDeadline({
      from: new Date().toISOString(),
      workingDays,
      timeAcceleration: this.input.timeAcceleration,
    });
  }

  /** Opens a task in a queue (pre-assigned when `assignee` is given), moving to `toStatus`. */
  async openTask(
    queue: Queue,
    org: string | null,
    workingDays: number,
    toStatus: ApplicationStatus,
    assignee: string | null = null,
    application?: ApplicationUpdate,
  ) {
    const t: OpenTask = {
      id: uuid4(),
      queue,
      org,
      assignee,
      dueAt: '',
      deciding: false,
      ready: false,
      escalated: false,
    };
    this.task = t;
    const due = await this.deadline(workingDays);
    t.dueAt = due.dueAt;
    await this.step({
      actor: SYSTEM_ACTOR,
      action: 'TASK_OPENED',
      toStatus,
      note: [queue, assignee && `assigned to ${assignee}`, unknownYearsNote(due.unknownYears)]
        .filter(Boolean)
        .join('; '),
      data: { queue, org, dueAt: due.dueAt, lastDay: due.lastDay },
      task: { op: 'open', id: t.id, queue, org, dueAt: due.dueAt, assignee },
      application,
    });
    t.ready = true;
    return t;
  }

  /**
   * Waits for the decision on the open task. When the SLA passes, the queue's supervisors are told once and
   * the case is flagged; the task stays with the people and is never decided automatically.
   */
  async awaitDecision(t: OpenTask): Promise<DecisionInput> {
    await this.awaitPeople(t, () => this.decisions.length > 0);
    const d = this.decisions.shift()!;
    this.answered.push(d);
    for (const q of FOUR_EYES_QUEUES) if (q === t.queue) this.decidersOf(q).add(d.input.actor.subject);
    return d.input;
  }

  /** Waits (answering processed updates first) until `done`, or for `ms` at most; true when done. */
  async until(done: () => boolean, ms?: number): Promise<boolean> {
    this.settle();
    if (ms === undefined) {
      await condition(done);
      return true;
    }
    return ms > 0 ? condition(done, ms) : done();
  }

  /** Waits for `done` while the task is open, escalating it once when its SLA passes. */
  async awaitPeople(t: OpenTask, done: () => boolean): Promise<void> {
    this.settle();
    const untilDue = Date.parse(t.dueAt) - Date.now();
    const inTime = untilDue > 0 && (await condition(done, untilDue));
    if (!inTime && !done()) {
      if (!t.escalated) await this.escalate(t);
      await condition(done);
    }
  }

  private async escalate(t: OpenTask): Promise<void> {
    t.escalated = true;
    const reason = `${t.queue} task overdue since ${t.dueAt}`;
    await this.step({
      actor: SYSTEM_ACTOR,
      action: 'TASK_OVERDUE',
      note: reason,
      task: { op: 'escalate', id: t.id },
      application: { attention: this.attention('overdue', true) },
      emails: [
        {
          key: `${this.applicationId}:escalation:${t.id}`,
          template: 'escalation',
          to: { supervisorsOf: { role: QUEUE_ROLE[t.queue], org: t.org } },
          extra: { queue: t.queue, dueAt: t.dueAt, assignee: t.assignee ?? '—' },
        },
      ],
    });
  }

  /** Closes the open task with a decision, recording who decided what and why. */
  async closeTask(d: DecisionInput, rest: StepRest = {}) {
    const t = this.task!;
    this.task = null;
    const attention = t.escalated ? this.attention('overdue', false) : undefined;
    await this.step({
      actor: d.actor,
      action: 'DECISION',
      note: d.comment || null,
      data: {
        queue: t.queue,
        decision: d.decision,
        reasonCode: d.reasonCode ?? null,
        appraisal: d.appraisal ?? null,
        infoRequest: d.infoRequest ?? null,
      },
      task: { op: 'complete', id: t.id, outcome: d.decision },
      ...rest,
      application: { ...(attention ? { attention } : {}), ...rest.application },
    });
  }

  /** Closes the open task without a human decision (it was overtaken, e.g. the budget arrived). */
  async finishTask(outcome: string, rest: StepRest = {}) {
    const t = this.task!;
    this.task = null;
    const attention = t.escalated ? this.attention('overdue', false) : undefined;
    await this.step({
      actor: SYSTEM_ACTOR,
      action: 'TASK_DONE',
      note: `${t.queue}: ${outcome}`,
      task: { op: 'complete', id: t.id, outcome },
      ...rest,
      application: { ...(attention ? { attention } : {}), ...rest.application },
    });
  }

  /** Runs the undo steps in reverse (each once). */
  async compensate(): Promise<void> {
    for (const c of this.compensations.splice(0).reverse()) await c.run();
  }

  /** Remembers that the grant is reserved, so that an early end gives it back. */
  reserved(): void {
    this.compensations.push({
      name: 'release the budget reservation',
      run: () => releaseGrant(this.applicationId),
    });
  }

  /** Waits for the applicant's supplement until the deadline; null when the deadline passed. */
  async awaitSupplement(deadline: string): Promise<SupplementInput | null> {
    this.settle();
    const ms = Date.parse(deadline) - Date.now();
    if (ms > 0) await condition(() => this.supplement !== null, ms);
    const s = this.supplement;
    if (!s) return null;
    this.supplement = null;
    this.answered.push(s);
    return s.input;
  }

  /** Whether the main process was cancelled to end the case (withdrawal or an administrator's cancellation). */
  get ending(): boolean {
    return this.withdrawal !== null || this.cancellation !== null;
  }

  /**
   * Ends the application at the applicant's request, or an administrator's (called outside the cancelled
   * main scope): the open task is cancelled, the notice entry removed, the reservation released.
   */
  async ended(): Promise<void> {
    const w = this.withdrawal ?? this.cancellation!;
    const cancelled = this.withdrawal === null;
    const t = this.task;
    this.task = null;
    await this.step({
      actor: w.input.actor,
      action: cancelled ? 'CANCELLED' : 'WITHDRAWN',
      toStatus: cancelled ? 'REJECTED' : 'WITHDRAWN',
      note: w.input.reason,
      ...(t ? { task: { op: 'cancel' as const, id: t.id } } : {}),
      application: {
        infoRequest: null,
        attention: this.clearAttention(),
        awaitingBudget: false,
      },
      ...(this.notice ? { noticeRemoved: cancelled ? ('CANCELLED' as const) : ('WITHDRAWN' as const) } : {}),
      emails: [
        {
          key: `${this.applicationId}:${cancelled ? 'cancelled' : 'withdrawn'}`,
          template: cancelled ? 'cancelled' : 'withdrawn',
          to: 'applicant',
          comment: w.input.reason,
        },
      ],
    });
    await this.compensate();
    this.answered.push(w, ...this.decisions.splice(0));
    if (this.supplement) this.answered.push(this.supplement);
  }

  private decidersOf(queue: Queue): Set<string> {
    let set = this.deciders.get(queue);
    if (!set) this.deciders.set(queue, (set = new Set()));
    return set;
  }

  private fourEyes(actor: Actor, queue: Queue, who = 'you'): void {
    const earlier = (FOUR_EYES_BARRED[queue] ?? []).find((q) => this.decidersOf(q).has(actor.subject));
    if (!earlier) return;
    if (earlier === 'final-approval')
      refuse(
        WorkflowErrors.FOUR_EYES,
        `${who} gave the final approval of this application and may not judge the objections to it`,
      );
    if (queue === 'final-approval')
      refuse(
        WorkflowErrors.FOUR_EYES,
        `${who} reviewed this application earlier and may not give the final approval`,
      );
    refuse(
      WorkflowErrors.FOUR_EYES,
      `${who} reviewed this application earlier and may not judge the objections to it`,
    );
  }

  private currentTask(taskId: string): OpenTask {
    const t = this.task;
    if (!t || t.id !== taskId)
      refuse(WorkflowErrors.TASK_NOT_CURRENT, `task ${taskId} is not open on this application`);
    if (t.deciding) refuse(WorkflowErrors.INVALID_STATE, 'a decision on this task is being recorded');
    return t;
  }

  private workable(taskId: string, actor: Actor): OpenTask {
    const t = this.currentTask(taskId);
    if (!mayWork(actor, t.queue, t.org))
      refuse(WorkflowErrors.WRONG_ROLE, `${actor.role} cannot work ${t.queue} tasks here`);
    return t;
  }

  private ownApplicant(actor: Actor): void {
    if (actor.role !== 'applicant' || actor.creditCode !== this.input.creditCode) {
      refuse(WorkflowErrors.NOT_YOURS, 'only the applying enterprise may do this');
    }
  }

  registerHandlers(): void {
    setHandler(stateQuery, () => ({
      applicationId: this.applicationId,
      status: this.status,
      task: this.task && view(this.task),
      infoRequest: this.infoRequest,
    }));

    setHandler(
      claimUpdate,
      async ({ taskId, actor }: ClaimInput) => {
        const t = this.currentTask(taskId);
        if (t.assignee === actor.subject) return view(t);
        t.assignee = actor.subject; // before awaiting, so a concurrent claim is refused by its validator
        await condition(() => t.ready);
        await this.step({
          actor,
          action: 'TASK_CLAIMED',
          note: t.queue,
          task: { op: 'claim', id: t.id, assignee: actor.subject },
        });
        return view(t);
      },
      {
        validator: ({ taskId, actor }: ClaimInput) => {
          const t = this.workable(taskId, actor);
          if (t.assignee && t.assignee !== actor.subject)
            refuse(WorkflowErrors.ALREADY_CLAIMED, 'task is claimed by someone else');
          this.fourEyes(actor, t.queue);
        },
      },
    );

    setHandler(
      unclaimUpdate,
      async ({ taskId, actor }: ClaimInput) => {
        const t = this.currentTask(taskId);
        if (!t.assignee) return view(t);
        const previous = t.assignee;
        t.assignee = null;
        await condition(() => t.ready);
        await this.step({
          actor,
          action: 'TASK_UNCLAIMED',
          note: `${t.queue} (was ${previous})`,
          task: { op: 'unclaim', id: t.id },
        });
        return view(t);
      },
      {
        validator: ({ taskId, actor }: ClaimInput) => {
          const t = this.workable(taskId, actor);
          if (t.assignee && t.assignee !== actor.subject && !actor.supervisor) {
            refuse(WorkflowErrors.NOT_CLAIMED_BY_CALLER, 'only the claimer or a supervisor may unclaim');
          }
        },
      },
    );

    setHandler(
      assignUpdate,
      async ({ taskId, actor, assignee }: AssignInput) => {
        const t = this.currentTask(taskId);
        const previous = t.assignee;
        t.assignee = assignee;
        await condition(() => t.ready);
        await this.step({
          actor,
          action: 'TASK_ASSIGNED',
          note: `${t.queue} to ${assignee}${previous ? ` (was ${previous})` : ''}`,
          task: { op: 'assign', id: t.id, assignee },
        });
        return view(t);
      },
      {
        validator: ({ taskId, actor, assignee }: AssignInput) => {
          const t = this.workable(taskId, actor);
          if (!actor.supervisor) refuse(WorkflowErrors.NOT_SUPERVISOR, 'only a supervisor may assign tasks');
          this.fourEyes({ ...actor, subject: assignee }, t.queue, assignee);
        },
      },
    );

    setHandler(
      decideUpdate,
      async (input: DecisionInput) => {
        const d: Pending<DecisionInput> = { input };
        this.currentTask(input.taskId).deciding = true;
        this.decisions.push(d);
        await condition(() => d.result !== undefined);
        return d.result!;
      },
      {
        validator: (d: DecisionInput) => {
          const t = this.workable(d.taskId, d.actor);
          if (t.assignee !== d.actor.subject)
            refuse(WorkflowErrors.NOT_CLAIMED_BY_CALLER, 'claim the task before deciding');
          if (!DECISIONS_BY_QUEUE[t.queue]?.includes(d.decision)) {
            refuse(
              WorkflowErrors.INVALID_DECISION,
              `"${d.decision}" is not a decision of the ${t.queue} queue`,
            );
          }
          if (d.decision === 'request_info' && !d.infoRequest?.message) {
            refuse(WorkflowErrors.INVALID_DECISION, 'a request for information needs infoRequest.message');
          }
          if (d.decision === 'reject' && !d.reasonCode && !d.comment) {
            refuse(
              WorkflowErrors.INVALID_DECISION,
              'a rejection needs a reasonCode or a comment for the applicant',
            );
          }
          if (t.queue === 'expert-review' && !d.appraisal) {
            refuse(
              WorkflowErrors.INVALID_DECISION,
              'an expert decision needs an appraisal (grade and opinion)',
            );
          }
          this.fourEyes(d.actor, t.queue);
        },
      },
    );

    setHandler(
      supplementUpdate,
      async (input: SupplementInput) => {
        const s: Pending<SupplementInput> = { input };
        this.supplement = s;
        await condition(() => s.result !== undefined);
        return s.result!;
      },
      {
        validator: ({ actor }: SupplementInput) => {
          this.ownApplicant(actor);
          if (this.status !== 'NEEDS_INFO' || this.supplement || this.ending) {
            refuse(
              WorkflowErrors.INVALID_STATE,
              `supplements are accepted only while information is requested (now ${this.status})`,
            );
          }
        },
      },
    );

    setHandler(budgetChangedSignal, () => {
      this.budgetChanges++;
    });
    setHandler(noticePublishedSignal, ({ batchId, endsAt }) => {
      this.notice ??= { batchId, endsAt, ended: false };
    });
    setHandler(noticeEndedSignal, ({ batchId }) => {
      if (this.notice?.batchId === batchId) this.notice.ended = true;
    });
    setHandler(paymentResultSignal, (result) => {
      if (!this.paymentResults.has(result.paymentId)) this.paymentResults.set(result.paymentId, result);
    });

    setHandler(
      objectUpdate,
      async (input: ObjectionInput) => {
        const id = uuid4();
        this.objections.push(id);
        await this.step({
          actor: { subject: 'public', role: 'public' },
          action: 'OBJECTION_FILED',
          note: 'an objection was filed during the public notice',
          data: { objectionId: id, batchId: input.batchId },
          objection: { op: 'file', id, ...input },
        });
        return { objectionId: id };
      },
      {
        validator: ({ batchId }: ObjectionInput) => {
          const n = this.notice;
          const open =
            this.status === 'IN_PUBLIC_NOTICE' &&
            n?.batchId === batchId &&
            !n.ended &&
            Date.now() < Date.parse(n.endsAt);
          if (!open)
            refuse(WorkflowErrors.INVALID_STATE, 'objections are taken only while the notice is open');
        },
      },
    );

    setHandler(
      loanInterestUpdate,
      async ({ actor, loanInterest }: LoanInterestInput) => {
        this.loanInterest = loanInterest;
        await this.step({
          actor,
          action: loanInterest ? 'LOAN_INTEREST_SET' : 'LOAN_INTEREST_WITHDRAWN',
          note: loanInterest
            ? `loan of ${loanInterest.amountFen} fen for ${loanInterest.termMonths} months`
            : null,
          application: { loanInterest: loanInterest as unknown as Record<string, unknown> | null },
        });
        return { loanInterest };
      },
      {
        validator: ({ actor }: LoanInterestInput) => {
          this.ownApplicant(actor);
          if (this.handOffStarted || isFinal(this.status)) {
            refuse(
              WorkflowErrors.INVALID_STATE,
              'the loan request can no longer change: the bank hand-off has started',
            );
          }
        },
      },
    );

    setHandler(
      adminActionUpdate,
      async (input: AdminActionInput) => {
        const a: Pending<AdminActionInput> = { input };
        if (input.action === 'cancel') {
          this.cancellation = a;
          this.onWithdraw();
          await condition(() => a.result !== undefined);
          return a.result!;
        }
        // A retry is finance's approval of the payment-exception task, given by the administrator.
        const t = this.task!;
        t.deciding = true;
        t.assignee = input.actor.subject;
        const d: Pending<DecisionInput> = {
          input: { taskId: t.id, actor: input.actor, decision: 'approve', comment: input.reason },
        };
        this.decisions.push(d);
        await condition(() => d.result !== undefined);
        return d.result!;
      },
      {
        validator: ({ actor, action, reason }: AdminActionInput) => {
          if (actor.role !== 'admin') refuse(WorkflowErrors.WRONG_ROLE, 'only an administrator may do this');
          if (!reason.trim()) refuse(WorkflowErrors.INVALID_DECISION, 'give the reason for the record');
          if (this.ending) refuse(WorkflowErrors.INVALID_STATE, 'the application is already ending');
          if (action === 'cancel' && !CANCELLABLE_STATUSES.includes(this.status)) {
            refuse(
              WorkflowErrors.INVALID_STATE,
              `the application can no longer be cancelled (now ${this.status})`,
            );
          }
          if (action === 'retry-payment') {
            const t = this.task;
            if (this.status !== 'PAYMENT_FAILED' || t?.queue !== 'payment-exception' || !t.ready) {
              refuse(WorkflowErrors.INVALID_STATE, `no failed payment to retry (now ${this.status})`);
            }
            if (t.deciding)
              refuse(WorkflowErrors.INVALID_STATE, 'a decision on this payment is being recorded');
          }
        },
      },
    );

    setHandler(
      withdrawUpdate,
      async (input: WithdrawInput) => {
        const w: Pending<WithdrawInput> = { input };
        this.withdrawal = w;
        this.onWithdraw();
        await condition(() => w.result !== undefined);
        return w.result!;
      },
      {
        validator: ({ actor }: WithdrawInput) => {
          this.ownApplicant(actor);
          if (this.ending || isFinal(this.status) || !WITHDRAWABLE_STATUSES.includes(this.status)) {
            refuse(
              WorkflowErrors.INVALID_STATE,
              `the application can no longer be withdrawn (now ${this.status})`,
            );
          }
        },
      },
    );
  }
}

type StepRest = Omit<StepRecord, 'key' | 'applicationId' | 'at' | 'actor' | 'action'>;

function unknownYearsNote(years: number[]): string | null {
  return years.length
    ? `deadline crosses ${years.join(', ')}, for which no official holiday calendar is loaded (weekdays counted)`
    : null;
}
