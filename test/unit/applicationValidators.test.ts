import type { Actor, Queue } from '../../domain/roles';
import {
  WorkflowErrors,
  type DecisionInput,
  type WorkflowErrorType,
} from '../../workflows/application/contract';
import {
  OK,
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
  type ApplicationState,
  type TaskState,
} from '../../workflows/application/validators';

/**
 * The application workflow's update validators as pure functions of the process's state and the input: every
 * refusal (with the failure type the API maps to its HTTP status) and every way through, without Temporal.
 */

const CREDIT_CODE = '91110108MA01ABCDE1';
const NOW = Date.parse('2026-06-01T02:00:00Z');

const task = (overrides: Partial<TaskState> = {}): TaskState => ({
  id: 'task-1',
  queue: 'initial-review',
  org: 'haidian',
  assignee: null,
  dueAt: '2026-06-10T16:00:00.000Z',
  deciding: false,
  ready: true,
  ...overrides,
});

const state = (
  overrides: Partial<Omit<ApplicationState, 'deciders'>> & {
    deciders?: Partial<Record<Queue, string[]>>;
  } = {},
): ApplicationState => {
  const { deciders = {}, ...rest } = overrides;
  return {
    input: { creditCode: CREDIT_CODE },
    status: 'INITIAL_REVIEW',
    task: task(),
    supplement: null,
    ending: false,
    notice: null,
    handOffStarted: false,
    deciders: new Map(Object.entries(deciders).map(([q, who]) => [q as Queue, new Set(who)])),
    now: NOW,
    ...rest,
  };
};

const reviewer: Actor = { subject: 'rev-1', role: 'reviewer', org: 'haidian' };
const reviewerSupervisor: Actor = { subject: 'rev-boss', role: 'reviewer', org: 'haidian', supervisor: true };
const approver: Actor = { subject: 'app-1', role: 'approver', org: 'committee' };
const approverSupervisor: Actor = {
  subject: 'app-boss',
  role: 'approver',
  org: 'committee',
  supervisor: true,
};
const applicant: Actor = { subject: 'ent-1', role: 'applicant', creditCode: CREDIT_CODE };
const otherApplicant: Actor = { subject: 'ent-2', role: 'applicant', creditCode: '91110108MA01ZZZZZ9' };
const admin: Actor = { subject: 'admin-1', role: 'admin' };

const refused = (type: WorkflowErrorType, message?: string) =>
  message === undefined ? expect.objectContaining({ type }) : { type, message };

const finalTask = task({ queue: 'final-approval', org: 'committee' });
const objectionTask = task({ queue: 'objection-review', org: 'committee' });

describe('the current task', () => {
  it('is the open task with the id', () => {
    expect(validateCurrentTask(state(), 'task-1')).toBe(OK);
  });
  it.each([
    ['no task is open', state({ task: null })],
    ['another task is open', state({ task: task({ id: 'task-2' }) })],
  ])('is refused when %s', (_, s) => {
    expect(validateCurrentTask(s, 'task-1')).toEqual(
      refused(WorkflowErrors.TASK_NOT_CURRENT, 'task task-1 is not open on this application'),
    );
  });
  it('is refused while a decision on it is being recorded', () => {
    expect(validateCurrentTask(state({ task: task({ deciding: true }) }), 'task-1')).toEqual(
      refused(WorkflowErrors.INVALID_STATE, 'a decision on this task is being recorded'),
    );
  });
});

describe('claiming a task', () => {
  it('is OK for someone who works the queue in its organisation', () => {
    expect(validateClaim(state(), { taskId: 'task-1', actor: reviewer })).toBe(OK);
  });
  it('is OK again for the one who claimed it', () => {
    expect(
      validateClaim(state({ task: task({ assignee: 'rev-1' }) }), { taskId: 'task-1', actor: reviewer }),
    ).toBe(OK);
  });
  it('is OK for a task of no organisation, by anyone of the role', () => {
    const s = state({ task: task({ queue: 'expert-review', org: null }) });
    expect(
      validateClaim(s, { taskId: 'task-1', actor: { subject: 'exp-1', role: 'expert', org: 'anywhere' } }),
    ).toBe(OK);
  });
  it('is refused for a task that is not open', () => {
    expect(validateClaim(state({ task: null }), { taskId: 'task-1', actor: reviewer })).toEqual(
      refused(WorkflowErrors.TASK_NOT_CURRENT),
    );
  });
  it('is refused while a decision on it is being recorded', () => {
    expect(
      validateClaim(state({ task: task({ deciding: true }) }), { taskId: 'task-1', actor: reviewer }),
    ).toEqual(refused(WorkflowErrors.INVALID_STATE));
  });
  it.each([
    ['another role', approver, 'approver cannot work initial-review tasks here'],
    [
      'another organisation',
      { ...reviewer, org: 'chaoyang' },
      'reviewer cannot work initial-review tasks here',
    ],
  ])('is refused for %s', (_, actor, message) => {
    expect(validateClaim(state(), { taskId: 'task-1', actor })).toEqual(
      refused(WorkflowErrors.WRONG_ROLE, message),
    );
  });
  it('is refused when someone else has claimed it', () => {
    expect(
      validateClaim(state({ task: task({ assignee: 'rev-2' }) }), { taskId: 'task-1', actor: reviewer }),
    ).toEqual(refused(WorkflowErrors.ALREADY_CLAIMED, 'task is claimed by someone else'));
  });
  it('is refused for the final approval to who reviewed the application earlier (four eyes)', () => {
    const s = state({ task: finalTask, deciders: { 'initial-review': ['app-1'] } });
    expect(validateClaim(s, { taskId: 'task-1', actor: approver })).toEqual(
      refused(
        WorkflowErrors.FOUR_EYES,
        'you reviewed this application earlier and may not give the final approval',
      ),
    );
  });
  it('is refused for the objections to who gave the final approval', () => {
    const s = state({ task: objectionTask, deciders: { 'final-approval': ['app-1'] } });
    expect(validateClaim(s, { taskId: 'task-1', actor: approver })).toEqual(
      refused(
        WorkflowErrors.FOUR_EYES,
        'you gave the final approval of this application and may not judge the objections to it',
      ),
    );
  });
  it('is refused for the objections to who reviewed the application earlier', () => {
    const s = state({ task: objectionTask, deciders: { 'expert-review': ['app-1'] } });
    expect(validateClaim(s, { taskId: 'task-1', actor: approver })).toEqual(
      refused(
        WorkflowErrors.FOUR_EYES,
        'you reviewed this application earlier and may not judge the objections to it',
      ),
    );
  });
  it('is OK for the final approval to who decided only queues it is not barred after', () => {
    const s = state({
      task: finalTask,
      deciders: { 'initial-review': ['rev-1'], 'final-approval': ['app-1'] },
    });
    expect(validateClaim(s, { taskId: 'task-1', actor: approver })).toBe(OK);
  });
});

describe('unclaiming a task', () => {
  const claimed = state({ task: task({ assignee: 'rev-2' }) });
  it('is OK for the one who claimed it', () => {
    expect(validateUnclaim(claimed, { taskId: 'task-1', actor: { ...reviewer, subject: 'rev-2' } })).toBe(OK);
  });
  it("is OK for a supervisor, of someone else's claim", () => {
    expect(validateUnclaim(claimed, { taskId: 'task-1', actor: reviewerSupervisor })).toBe(OK);
  });
  it('is OK for an unclaimed task', () => {
    expect(validateUnclaim(state(), { taskId: 'task-1', actor: reviewer })).toBe(OK);
  });
  it('is refused to someone else who is not a supervisor', () => {
    expect(validateUnclaim(claimed, { taskId: 'task-1', actor: reviewer })).toEqual(
      refused(WorkflowErrors.NOT_CLAIMED_BY_CALLER, 'only the claimer or a supervisor may unclaim'),
    );
  });
  it('is refused for a task that is not open, or to another role', () => {
    expect(validateUnclaim(claimed, { taskId: 'task-9', actor: reviewerSupervisor })).toEqual(
      refused(WorkflowErrors.TASK_NOT_CURRENT),
    );
    expect(validateUnclaim(claimed, { taskId: 'task-1', actor: approverSupervisor })).toEqual(
      refused(WorkflowErrors.WRONG_ROLE),
    );
  });
});

describe('assigning a task', () => {
  it('is OK for a supervisor of the queue', () => {
    expect(validateAssign(state(), { taskId: 'task-1', actor: reviewerSupervisor, assignee: 'rev-1' })).toBe(
      OK,
    );
  });
  it('is refused to who is not a supervisor', () => {
    expect(validateAssign(state(), { taskId: 'task-1', actor: reviewer, assignee: 'rev-2' })).toEqual(
      refused(WorkflowErrors.NOT_SUPERVISOR, 'only a supervisor may assign tasks'),
    );
  });
  it('is refused to someone the four-eyes rule bars, naming the assignee', () => {
    const s = state({ task: finalTask, deciders: { 'initial-review': ['rev-1'] } });
    expect(validateAssign(s, { taskId: 'task-1', actor: approverSupervisor, assignee: 'rev-1' })).toEqual(
      refused(
        WorkflowErrors.FOUR_EYES,
        'rev-1 reviewed this application earlier and may not give the final approval',
      ),
    );
  });
  it('judges the assignee, not the supervisor, by the four-eyes rule', () => {
    const s = state({ task: finalTask, deciders: { 'initial-review': ['app-boss'] } });
    expect(validateAssign(s, { taskId: 'task-1', actor: approverSupervisor, assignee: 'app-1' })).toBe(OK);
  });
  it('is refused for a task that is not open, or to a supervisor of another queue', () => {
    expect(
      validateAssign(state({ task: null }), { taskId: 'task-1', actor: reviewerSupervisor, assignee: 'x' }),
    ).toEqual(refused(WorkflowErrors.TASK_NOT_CURRENT));
    expect(validateAssign(state(), { taskId: 'task-1', actor: approverSupervisor, assignee: 'x' })).toEqual(
      refused(WorkflowErrors.WRONG_ROLE),
    );
  });
});

describe('deciding a task', () => {
  const decision = (overrides: Partial<DecisionInput> = {}): DecisionInput => ({
    taskId: 'task-1',
    actor: reviewer,
    decision: 'approve',
    comment: '',
    ...overrides,
  });
  const mine = (overrides: Partial<TaskState> = {}) =>
    state({ task: task({ assignee: 'rev-1', ...overrides }) });

  it.each([
    ['an approval', decision()],
    [
      'a request for information with its message',
      decision({ decision: 'request_info', infoRequest: { message: '补充保单' } }),
    ],
    ['a rejection with a reason code', decision({ decision: 'reject', reasonCode: 'DOCS_MISSING' })],
    ['a rejection with a comment', decision({ decision: 'reject', comment: '材料不全' })],
  ])('is OK for %s by the claimer', (_, d) => {
    expect(validateDecision(mine(), d)).toBe(OK);
  });
  it('is OK for an expert decision with its appraisal', () => {
    const s = state({ task: task({ queue: 'expert-review', org: null, assignee: 'exp-1' }) });
    const actor: Actor = { subject: 'exp-1', role: 'expert' };
    expect(validateDecision(s, decision({ actor, appraisal: { grade: 'A', opinion: '风险可控' } }))).toBe(OK);
  });
  it('is refused before the task is claimed by the caller', () => {
    expect(validateDecision(state(), decision())).toEqual(
      refused(WorkflowErrors.NOT_CLAIMED_BY_CALLER, 'claim the task before deciding'),
    );
    expect(validateDecision(mine({ assignee: 'rev-2' }), decision())).toEqual(
      refused(WorkflowErrors.NOT_CLAIMED_BY_CALLER),
    );
  });
  it('is refused for a decision its queue does not take', () => {
    const s = state({ task: { ...finalTask, assignee: 'app-1' } });
    expect(
      validateDecision(
        s,
        decision({ actor: approver, decision: 'request_info', infoRequest: { message: 'x' } }),
      ),
    ).toEqual(
      refused(
        WorkflowErrors.INVALID_DECISION,
        '"request_info" is not a decision of the final-approval queue',
      ),
    );
  });
  it('is refused for a decision in the budget queue (no decision is made there)', () => {
    const s = state({ task: task({ queue: 'budget', org: null, assignee: 'fin-1' }) });
    expect(validateDecision(s, decision({ actor: { subject: 'fin-1', role: 'finance' } }))).toEqual(
      refused(WorkflowErrors.INVALID_DECISION, '"approve" is not a decision of the budget queue'),
    );
  });
  it('is refused for a request for information without its message', () => {
    expect(validateDecision(mine(), decision({ decision: 'request_info' }))).toEqual(
      refused(WorkflowErrors.INVALID_DECISION, 'a request for information needs infoRequest.message'),
    );
    expect(
      validateDecision(mine(), decision({ decision: 'request_info', infoRequest: { message: '' } })),
    ).toEqual(refused(WorkflowErrors.INVALID_DECISION));
  });
  it('is refused for a rejection with neither a reason code nor a comment', () => {
    expect(validateDecision(mine(), decision({ decision: 'reject' }))).toEqual(
      refused(
        WorkflowErrors.INVALID_DECISION,
        'a rejection needs a reasonCode or a comment for the applicant',
      ),
    );
  });
  it('is refused for an expert decision without an appraisal', () => {
    const s = state({ task: task({ queue: 'expert-review', org: null, assignee: 'exp-1' }) });
    expect(validateDecision(s, decision({ actor: { subject: 'exp-1', role: 'expert' } }))).toEqual(
      refused(WorkflowErrors.INVALID_DECISION, 'an expert decision needs an appraisal (grade and opinion)'),
    );
  });
  it('is refused to who the four-eyes rule bars', () => {
    const s = state({
      task: { ...objectionTask, assignee: 'app-1' },
      deciders: { 'final-approval': ['app-1'] },
    });
    expect(validateDecision(s, decision({ actor: approver }))).toEqual(refused(WorkflowErrors.FOUR_EYES));
  });
  it('is refused for a task that is not open, being decided, or of another role', () => {
    expect(validateDecision(mine(), decision({ taskId: 'task-2' }))).toEqual(
      refused(WorkflowErrors.TASK_NOT_CURRENT),
    );
    expect(validateDecision(mine({ deciding: true }), decision())).toEqual(
      refused(WorkflowErrors.INVALID_STATE),
    );
    expect(validateDecision(mine({ assignee: 'app-1' }), decision({ actor: approver }))).toEqual(
      refused(WorkflowErrors.WRONG_ROLE),
    );
  });
});

describe("the applicant's supplement", () => {
  const asked = state({ status: 'NEEDS_INFO', task: null });
  const input = { actor: applicant, message: '已补充', documents: [] };
  it('is OK while information is requested', () => {
    expect(validateSupplement(asked, input)).toBe(OK);
  });
  it.each([
    ['another enterprise', otherApplicant],
    ['someone who is not an applicant', { ...reviewer, creditCode: CREDIT_CODE }],
  ])('is refused from %s', (_, actor) => {
    expect(validateSupplement(asked, { ...input, actor })).toEqual(
      refused(WorkflowErrors.NOT_YOURS, 'only the applying enterprise may do this'),
    );
  });
  it.each([
    ['when no information is requested', state({ status: 'INITIAL_REVIEW' })],
    ['when a supplement is already waiting', state({ status: 'NEEDS_INFO', supplement: {} })],
    ['while the application is ending', state({ status: 'NEEDS_INFO', ending: true })],
  ])('is refused %s', (_, s) => {
    expect(validateSupplement(s, input)).toEqual(
      refused(
        WorkflowErrors.INVALID_STATE,
        `supplements are accepted only while information is requested (now ${s.status})`,
      ),
    );
  });
});

describe('an objection during the public notice', () => {
  const notice = { batchId: 'batch-1', endsAt: '2026-06-08T16:00:00.000Z', ended: false };
  const inNotice = state({ status: 'IN_PUBLIC_NOTICE', task: null, notice });
  const input = { batchId: 'batch-1', name: '张三', contact: '13800000000', reason: '不符合条件' };
  it('is OK while the notice is open', () => {
    expect(validateObjection(inNotice, input)).toBe(OK);
  });
  it.each([
    ['before the notice is published', state({ status: 'APPROVED', notice: null })],
    ['in another status', state({ status: 'DISBURSING', notice })],
    ['once the notice has ended', state({ status: 'IN_PUBLIC_NOTICE', notice: { ...notice, ended: true } })],
    [
      'once its period is over',
      state({ status: 'IN_PUBLIC_NOTICE', notice, now: Date.parse(notice.endsAt) }),
    ],
  ])('is refused %s', (_, s) => {
    expect(validateObjection(s, input)).toEqual(
      refused(WorkflowErrors.INVALID_STATE, 'objections are taken only while the notice is open'),
    );
  });
  it('is refused for another batch', () => {
    expect(validateObjection(inNotice, { ...input, batchId: 'batch-2' })).toEqual(
      refused(WorkflowErrors.INVALID_STATE),
    );
  });
});

describe('changing the loan request', () => {
  const loanInterest = { amountFen: 1_000_000_00, termMonths: 12, purpose: '研发' };
  it('is OK for the applicant before the bank hand-off', () => {
    expect(validateLoanInterest(state(), { actor: applicant, loanInterest })).toBe(OK);
    expect(validateLoanInterest(state({ status: 'PAID' }), { actor: applicant, loanInterest: null })).toBe(
      OK,
    );
  });
  it('is refused from another enterprise', () => {
    expect(validateLoanInterest(state(), { actor: otherApplicant, loanInterest })).toEqual(
      refused(WorkflowErrors.NOT_YOURS),
    );
  });
  it.each([
    ['once the hand-off has started', state({ status: 'APPROVED', handOffStarted: true })],
    ['once the application has ended', state({ status: 'REJECTED' })],
  ])('is refused %s', (_, s) => {
    expect(validateLoanInterest(s, { actor: applicant, loanInterest })).toEqual(
      refused(
        WorkflowErrors.INVALID_STATE,
        'the loan request can no longer change: the bank hand-off has started',
      ),
    );
  });
});

describe("an administrator's action", () => {
  const failed = state({
    status: 'PAYMENT_FAILED',
    task: task({ queue: 'payment-exception', org: null }),
  });
  it('is OK to cancel a running application, and to retry a failed payment', () => {
    expect(validateAdminAction(state(), { actor: admin, action: 'cancel', reason: '重复申报' })).toBe(OK);
    expect(validateAdminAction(failed, { actor: admin, action: 'cancel', reason: '企业注销' })).toBe(OK);
    expect(validateAdminAction(failed, { actor: admin, action: 'retry-payment', reason: '账户已更正' })).toBe(
      OK,
    );
  });
  it('is refused to who is not an administrator', () => {
    expect(
      validateAdminAction(state(), { actor: approverSupervisor, action: 'cancel', reason: 'x' }),
    ).toEqual(refused(WorkflowErrors.WRONG_ROLE, 'only an administrator may do this'));
  });
  it('is refused without a reason', () => {
    expect(validateAdminAction(state(), { actor: admin, action: 'cancel', reason: '  ' })).toEqual(
      refused(WorkflowErrors.INVALID_DECISION, 'give the reason for the record'),
    );
  });
  it('is refused while the application is ending', () => {
    expect(
      validateAdminAction(state({ ending: true }), { actor: admin, action: 'cancel', reason: 'x' }),
    ).toEqual(refused(WorkflowErrors.INVALID_STATE, 'the application is already ending'));
  });
  it.each(['DISBURSING', 'PAID', 'TRACKING', 'CLOSED', 'REJECTED', 'WITHDRAWN'] as const)(
    'is refused to cancel in %s',
    (status) => {
      expect(validateAdminAction(state({ status }), { actor: admin, action: 'cancel', reason: 'x' })).toEqual(
        refused(WorkflowErrors.INVALID_STATE, `the application can no longer be cancelled (now ${status})`),
      );
    },
  );
  it.each([
    ['without a failed payment', state({ status: 'DISBURSING', task: null })],
    ['when the open task is not the payment exception', state({ status: 'PAYMENT_FAILED', task: task() })],
    [
      'before the payment-exception task is on record',
      state({
        status: 'PAYMENT_FAILED',
        task: task({ queue: 'payment-exception', org: null, ready: false }),
      }),
    ],
  ])('is refused to retry %s', (_, s) => {
    expect(validateAdminAction(s, { actor: admin, action: 'retry-payment', reason: 'x' })).toEqual(
      refused(WorkflowErrors.INVALID_STATE, `no failed payment to retry (now ${s.status})`),
    );
  });
  it('is refused to retry while a decision on the payment is being recorded', () => {
    const deciding = state({
      status: 'PAYMENT_FAILED',
      task: task({ queue: 'payment-exception', org: null, deciding: true }),
    });
    expect(validateAdminAction(deciding, { actor: admin, action: 'retry-payment', reason: 'x' })).toEqual(
      refused(WorkflowErrors.INVALID_STATE, 'a decision on this payment is being recorded'),
    );
  });
});

describe('withdrawing an application', () => {
  it.each(['SUBMITTED', 'NEEDS_INFO', 'AWAITING_BUDGET', 'IN_PUBLIC_NOTICE'] as const)(
    'is OK for the applicant in %s',
    (status) => {
      expect(validateWithdrawal(state({ status }), { actor: applicant, reason: '不再申请' })).toBe(OK);
    },
  );
  it('is refused from another enterprise', () => {
    expect(validateWithdrawal(state(), { actor: otherApplicant, reason: 'x' })).toEqual(
      refused(WorkflowErrors.NOT_YOURS),
    );
  });
  it.each([
    ['while the application is ending', state({ ending: true })],
    ['once disbursement has started', state({ status: 'DISBURSING' })],
    ['after a failed payment', state({ status: 'PAYMENT_FAILED' })],
    ['once it has ended', state({ status: 'WITHDRAWN' })],
  ])('is refused %s', (_, s) => {
    expect(validateWithdrawal(s, { actor: applicant, reason: 'x' })).toEqual(
      refused(WorkflowErrors.INVALID_STATE, `the application can no longer be withdrawn (now ${s.status})`),
    );
  });
});
