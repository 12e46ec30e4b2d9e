import { ApplicationFailure, condition, setHandler, uuid4 } from '@temporalio/workflow';
import {
  adminActionUpdate,
  assignUpdate,
  budgetChangedSignal,
  claimUpdate,
  decideUpdate,
  loanInterestUpdate,
  noticeEndedSignal,
  noticePublishedSignal,
  objectUpdate,
  paymentResultSignal,
  stateQuery,
  supplementUpdate,
  unclaimUpdate,
  withdrawUpdate,
  type AdminActionInput,
  type DecisionInput,
  type SupplementInput,
  type TaskView,
  type WithdrawInput,
} from './contract';
import type { ApplicationProcess, OpenTask, Pending } from './process';
import {
  validateAdminAction,
  validateAssign,
  validateClaim,
  validateCurrentTask,
  validateDecision,
  validateLoanInterest,
  validateObjection,
  validateSupplement,
  validateUnclaim,
  validateWithdrawal,
  type Verdict,
} from './validators';

/** Raises a validator's refusal as the update's failure (the API maps its type to an HTTP status). */
function enforce(verdict: Verdict): void {
  if (verdict)
    throw ApplicationFailure.create({ type: verdict.type, message: verdict.message, nonRetryable: true });
}

/** An update's validator: raises what the pure validator refuses. */
function refusing<T>(p: ApplicationProcess, validate: (s: ApplicationProcess, input: T) => Verdict) {
  return (input: T): void => enforce(validate(p, input));
}

const view = (t: TaskView): TaskView => ({
  id: t.id,
  queue: t.queue,
  org: t.org,
  assignee: t.assignee,
  dueAt: t.dueAt,
});

/** The open task an update names (its validator has accepted it). */
function currentTask(p: ApplicationProcess, taskId: string): OpenTask {
  enforce(validateCurrentTask(p, taskId));
  return p.task!;
}

/**
 * The query, signals and updates by which people and other workflows act on the process. Each update's
 * handler tells the process first that it took one, before any step (`ApplicationProcess.databaseStep`).
 */
export function registerHandlers(p: ApplicationProcess): void {
  setHandler(stateQuery, () => ({
    applicationId: p.applicationId,
    status: p.status,
    task: p.task && view(p.task),
    infoRequest: p.infoRequest,
  }));

  setHandler(
    claimUpdate,
    async ({ taskId, actor }) => {
      p.tookUpdate();
      const t = currentTask(p, taskId);
      if (t.assignee === actor.subject) return view(t);
      t.assignee = actor.subject; // before awaiting, so a concurrent claim is refused by its validator
      await condition(() => t.ready);
      await p.step({
        actor,
        action: 'TASK_CLAIMED',
        note: t.queue,
        task: { op: 'claim', id: t.id, assignee: actor.subject },
      });
      return view(t);
    },
    { validator: refusing(p, validateClaim) },
  );

  setHandler(
    unclaimUpdate,
    async ({ taskId, actor }) => {
      p.tookUpdate();
      const t = currentTask(p, taskId);
      if (!t.assignee) return view(t);
      const previous = t.assignee;
      t.assignee = null;
      await condition(() => t.ready);
      await p.step({
        actor,
        action: 'TASK_UNCLAIMED',
        note: `${t.queue} (was ${previous})`,
        task: { op: 'unclaim', id: t.id },
      });
      return view(t);
    },
    { validator: refusing(p, validateUnclaim) },
  );

  setHandler(
    assignUpdate,
    async ({ taskId, actor, assignee }) => {
      p.tookUpdate();
      const t = currentTask(p, taskId);
      const previous = t.assignee;
      t.assignee = assignee;
      await condition(() => t.ready);
      await p.step({
        actor,
        action: 'TASK_ASSIGNED',
        note: `${t.queue} to ${assignee}${previous ? ` (was ${previous})` : ''}`,
        task: { op: 'assign', id: t.id, assignee },
      });
      return view(t);
    },
    { validator: refusing(p, validateAssign) },
  );

  setHandler(
    decideUpdate,
    async (input) => {
      p.tookUpdate();
      const d: Pending<DecisionInput> = { input };
      currentTask(p, input.taskId).deciding = true;
      p.decisions.push(d);
      await condition(() => d.result !== undefined);
      return d.result!;
    },
    { validator: refusing(p, validateDecision) },
  );

  setHandler(
    supplementUpdate,
    async (input) => {
      p.tookUpdate();
      const s: Pending<SupplementInput> = { input };
      p.supplement = s;
      await condition(() => s.result !== undefined);
      return s.result!;
    },
    { validator: refusing(p, validateSupplement) },
  );

  setHandler(budgetChangedSignal, () => {
    p.budgetChanges++;
  });
  setHandler(noticePublishedSignal, ({ batchId, endsAt }) => {
    p.notice ??= { batchId, endsAt, ended: false };
  });
  setHandler(noticeEndedSignal, ({ batchId }) => {
    if (p.notice?.batchId === batchId) p.notice.ended = true;
  });
  setHandler(paymentResultSignal, (result) => {
    if (!p.paymentResults.has(result.paymentId)) p.paymentResults.set(result.paymentId, result);
  });

  setHandler(
    objectUpdate,
    async (input) => {
      p.tookUpdate();
      const id = uuid4();
      p.objections.push(id);
      await p.step({
        actor: { subject: 'public', role: 'public' },
        action: 'OBJECTION_FILED',
        note: 'an objection was filed during the public notice',
        data: { objectionId: id, batchId: input.batchId },
        objection: { op: 'file', id, ...input },
      });
      return { objectionId: id };
    },
    { validator: refusing(p, validateObjection) },
  );

  setHandler(
    loanInterestUpdate,
    async ({ actor, loanInterest }) => {
      p.tookUpdate();
      p.loanInterest = loanInterest;
      await p.step({
        actor,
        action: loanInterest ? 'LOAN_INTEREST_SET' : 'LOAN_INTEREST_WITHDRAWN',
        note: loanInterest
          ? `loan of ${loanInterest.amountFen} fen for ${loanInterest.termMonths} months`
          : null,
        application: { loanInterest: loanInterest as unknown as Record<string, unknown> | null },
      });
      return { loanInterest };
    },
    { validator: refusing(p, validateLoanInterest) },
  );

  setHandler(
    adminActionUpdate,
    async (input) => {
      p.tookUpdate();
      const a: Pending<AdminActionInput> = { input };
      if (input.action === 'cancel') {
        p.cancellation = a;
        p.onWithdraw();
        await condition(() => a.result !== undefined);
        return a.result!;
      }
      // A retry is finance's approval of the payment-exception task, given by the administrator.
      const t = p.task!;
      t.deciding = true;
      t.assignee = input.actor.subject;
      const d: Pending<DecisionInput> = {
        input: { taskId: t.id, actor: input.actor, decision: 'approve', comment: input.reason },
      };
      p.decisions.push(d);
      await condition(() => d.result !== undefined);
      return d.result!;
    },
    { validator: refusing(p, validateAdminAction) },
  );

  setHandler(
    withdrawUpdate,
    async (input) => {
      p.tookUpdate();
      const w: Pending<WithdrawInput> = { input };
      p.withdrawal = w;
      p.onWithdraw();
      await condition(() => w.result !== undefined);
      return w.result!;
    },
    { validator: refusing(p, validateWithdrawal) },
  );
}
