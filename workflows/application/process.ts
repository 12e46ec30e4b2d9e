import {
  CancellationScope,
  condition,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { StepRecord, StepResult } from '../../activities/records';
import type { LoanInterest } from '../../domain/bankMatching';
import type { Queue } from '../../domain/roles';
import { isFinal, type ApplicationStatus } from '../../domain/status';
import { DATABASE } from '../activityOptions';
import { ApplicationStatusKey, NeedsAttentionKey } from '../searchAttributes';
import type {
  AdminActionInput,
  ApplicationWorkflowInput,
  DecisionInput,
  DecisionResult,
  PaymentResult,
  SupplementInput,
  WithdrawInput,
} from './contract';
import { databaseSteps, type DatabaseSteps } from './databaseSteps';
import type { ApplicationState, TaskState } from './validators';

const { releaseGrant } = proxyActivities<Activities>(DATABASE);

export interface OpenTask extends TaskState {
  escalated: boolean;
}

/** An update waiting for the process to act on it; `result` answers the caller. */
export interface Pending<T> {
  input: T;
  result?: DecisionResult;
}

/**
 * The state of one application's process. Every change goes through `step`, which projects it to the
 * database (status, task, audit, e-mails) in one idempotent activity. People act on it through the updates
 * in handlers.ts (validated by validators.ts); its tasks are opened and closed by tasks.ts.
 */
export class ApplicationProcess implements ApplicationState {
  status: ApplicationStatus = 'SUBMITTED';
  task: OpenTask | null = null;
  infoRequest: { message: string; deadline: string } | null = null;
  readonly decisions: Pending<DecisionInput>[] = [];
  supplement: Pending<SupplementInput> | null = null;
  withdrawal: Pending<WithdrawInput> | null = null;
  /** An administrator's cancellation, which ends the case like a withdrawal (as REJECTED). */
  cancellation: Pending<AdminActionInput> | null = null;
  /** Who decided each queue the four-eyes rule remembers. */
  readonly deciders = new Map<Queue, Set<string>>();
  /** Updates taken and acted on, answered (by `settle`) once the process comes to rest. */
  readonly answered: Pending<unknown>[] = [];
  private readonly attentionReasons = new Set<string>();
  private seq = 0;
  /** Updates whose handlers have started, and how many of them the server has since confirmed. */
  private updatesTaken = 0;
  private updatesConfirmed = 0;
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

  /** The workflow's clock, for the validators. */
  get now(): number {
    return Date.now();
  }

  /** Called first by every update handler (never by a validator: a refused update leaves no history). */
  tookUpdate(): void {
    this.updatesTaken++;
  }

  /**
   * Runs a database step, locally when it may (docs/performance.md, "Local activities"). It goes through
   * the server instead while an update taken is not yet confirmed, and when it ends the case or comes after:
   * - an update is not durable until the workflow task that took it completes; if the server fails that task
   *   it drops the update (the caller gets FAILED_PRECONDITION), and the task's retry takes another path.
   *   A local step in that task would have written the update's effect already. An ordinary step is only
   *   scheduled by the task; its result comes in a later one, which proves the update was kept.
   * - a workflow task that completes the workflow while new events arrive is failed by the server
   *   (UNHANDLED_COMMAND). With the last steps ordinary, that task runs no step at all.
   */
  async databaseStep<T>(endsCase: boolean, run: (steps: DatabaseSteps) => Promise<T>): Promise<T> {
    const taken = this.updatesTaken;
    const throughServer = taken !== this.updatesConfirmed || endsCase || isFinal(this.status);
    const result = await run(databaseSteps(throughServer));
    if (throughServer) this.updatesConfirmed = Math.max(this.updatesConfirmed, taken);
    return result;
  }

  /** Records one step; never cancelled halfway, so the database always follows the workflow's order. */
  async step(s: Omit<StepRecord, 'key' | 'applicationId' | 'at'>): Promise<StepResult> {
    const key = `${this.applicationId}:${++this.seq}`;
    const at = new Date().toISOString();
    const endsCase = s.toStatus !== undefined && isFinal(s.toStatus);
    const result = await CancellationScope.nonCancellable(() =>
      this.databaseStep(endsCase, (steps) =>
        steps.record({ ...s, key, applicationId: this.applicationId, at }),
      ),
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
    return this.databaseStep(false, (steps) =>
      steps.computeDeadline({
        from: new Date().toISOString(),
        workingDays,
        timeAcceleration: this.input.timeAcceleration,
      }),
    );
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
}
