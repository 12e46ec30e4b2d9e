import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { Caller } from '../../domain/roles';
import { NeedsAttentionKey } from '../../workflows/searchAttributes';
import { eventually } from '../helpers/eventually';
import { settledHistory } from '../helpers/evidence';
import { enterprise } from '../helpers/rulesFixtures';
import {
  APPLICATION_WORKFLOW_TYPE,
  applicationWorkflowId,
  assignUpdate,
  claimUpdate,
  decideUpdate,
  stateQuery,
  supplementUpdate,
  unclaimUpdate,
  withdrawUpdate,
  budgetChangedSignal,
  noticeEndedSignal,
  noticePublishedSignal,
  objectUpdate,
  paymentResultSignal,
  type ApplicationWorkflowInput,
  type DecisionInput,
} from '../../workflows/application/contract';
import { REQUIRED_DOCUMENTS } from '../../domain/documents';
import type { Queue } from '../../domain/roles';
import { CODE, policy, PRODUCTS } from '../helpers/rulesFixtures';
import {
  FakeActivities,
  refusal,
  sharedWorker,
  timeSkippingEnv,
  workflowInput,
} from '../helpers/workflowEnv';

const reviewer = (subject: string, extra: Partial<Caller> = {}): Caller => ({
  subject,
  role: 'reviewer',
  org: 'street:中关村街道',
  ...extra,
});

let env: TestWorkflowEnvironment;
let worker: Awaited<ReturnType<typeof sharedWorker>>;
/**
 * Each group of tests gets its own time-skipping server: a test that leaves the server's clock locked
 * (as a definitive activity failure can) must not stop a later test's clock. One worker serves the group.
 */
function ownTimeSkippingServer() {
  beforeAll(async () => {
    env = await timeSkippingEnv();
    worker = await sharedWorker(env);
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
  });
}

/** Runs an application workflow with its own fakes (`setup` changes them first) for the test `fn`. */
async function withApplication(
  fn: (ctx: {
    fakes: FakeActivities;
    handle: ReturnType<TestWorkflowEnvironment['client']['workflow']['getHandle']>;
  }) => Promise<void>,
  setup: (fakes: FakeActivities) => unknown = () => undefined,
  overrides: Partial<ApplicationWorkflowInput> = {},
) {
  const fakes = new FakeActivities();
  await setup(fakes);
  const input = workflowInput(overrides);
  const workflowId = applicationWorkflowId(input.applicationId);
  worker.register(workflowId, fakes);
  const handle = await env.client.workflow.start(APPLICATION_WORKFLOW_TYPE, {
    workflowId,
    taskQueue: worker.taskQueue,
    args: [input],
  });
  try {
    await fn({ fakes, handle });
  } finally {
    // A workflow left running would hold the shared time-skipping server's clock for later tests.
    await handle.terminate('test over').catch(() => undefined);
  }
}

type Handle = Parameters<Parameters<typeof withApplication>[0]>[0]['handle'];

/** Waits until a task of the queue is open (and written) and returns its id. */
async function openTask(handle: Handle, queue: Queue = 'initial-review') {
  const { task } = await eventually(
    () => handle.query(stateQuery),
    (state) => state.task?.queue === queue && !!state.task.dueAt,
    10_000,
    25,
  );
  return task!.id;
}

/** Claims the queue's task as the actor and decides it. */
async function decide(
  handle: Handle,
  queue: Queue,
  actor: Caller,
  decision: Omit<DecisionInput, 'taskId' | 'actor'>,
) {
  const taskId = await openTask(handle, queue);
  await handle.executeUpdate(claimUpdate, { args: [{ taskId, actor }] });
  return handle.executeUpdate(decideUpdate, { args: [{ taskId, actor, ...decision }] });
}

const approver = (subject: string, extra: Partial<Caller> = {}): Caller => ({
  subject,
  role: 'approver',
  org: 'committee',
  ...extra,
});
const expert = (subject: string): Caller => ({ subject, role: 'expert' });
const applicant: Caller = { subject: 'zhang', role: 'applicant', creditCode: CODE };
const approve = { decision: 'approve' as const, comment: 'ok' };

function frontier(fakes: FakeActivities): void {
  const ic = enterprise({
    mainField: 'INTEGRATED_CIRCUIT',
    staff: 600,
    size: 'LARGE',
    revenueFen: 500_000_000_00,
  });
  const p = policy({ productCode: 'PICC-IC-101', premiumFen: 1_000_000_00, paidPremiumFen: 1_000_000_00 });
  fakes.world.registry = ic;
  fakes.world.insurer = p;
  fakes.world.product = PRODUCTS.ic!;
  fakes.world.context = {
    ...fakes.world.context,
    declaredEnterprise: ic,
    declaredPolicy: p,
    documents: [...REQUIRED_DOCUMENTS.FRONTIER],
  };
}

/** The failure type of an update the workflow refuses (fails the test if it accepts it). */
const refused = <Args extends [unknown]>(
  handle: Handle,
  update: UpdateDefinition<unknown, Args>,
  arg: Args[0],
): Promise<string | undefined> => refusal(handle.executeUpdate(update, { args: [arg] as Args }));

/** The initial reviewer asks the applicant for information. */
const requestInfo = (handle: Handle, message: string) =>
  decide(handle, 'initial-review', reviewer('bob'), {
    decision: 'request_info',
    comment: '',
    infoRequest: { message },
  });

describe('application workflow: the people’s paths', () => {
  ownTimeSkippingServer();
  it('approves: initial review by the street office, final approval by the committee', async () => {
    await withApplication(async ({ fakes, handle }) => {
      expect((await decide(handle, 'initial-review', reviewer('bob'), approve)).status).toBe(
        'FINAL_APPROVAL',
      );
      const result = await decide(handle, 'final-approval', approver('wang'), {
        decision: 'approve',
        comment: '同意',
      });
      expect(result.status).toBe('APPROVED');
      expect((await handle.query(stateQuery)).status).toBe('APPROVED');
      expect(fakes.statuses()).toEqual([
        'SUBMITTED',
        'PRECHECK',
        'INITIAL_REVIEW',
        'FINAL_APPROVAL',
        'APPROVED',
      ]);
      expect(fakes.emailKeys().map((k) => k.split(':')[1])).toEqual(['received', 'approved']);
      const decisions = fakes.steps.filter((s) => s.action === 'DECISION');
      expect(decisions.map((s) => [s.actor.subject, s.data!.queue, s.data!.decision])).toEqual([
        ['bob', 'initial-review', 'approve'],
        ['wang', 'final-approval', 'approve'],
      ]);
      expect(fakes.steps.find((s) => s.action === 'GRANT_RESERVED')!.application).toMatchObject({
        grantedFen: 250_000,
        approved: true,
      });
    });
  });

  it('rejects at initial review with the comment for the applicant', async () => {
    await withApplication(async ({ fakes, handle }) => {
      const result = await decide(handle, 'initial-review', reviewer('bob'), {
        decision: 'reject',
        comment: '保单不在目录内',
        reasonCode: 'NOT_ELIGIBLE_PRODUCT',
      });
      expect(result.status).toBe('REJECTED');
      expect(fakes.statuses()).toEqual(['SUBMITTED', 'PRECHECK', 'INITIAL_REVIEW', 'REJECTED']);
      expect(fakes.steps.flatMap((s) => s.emails ?? []).find((e) => e.template === 'rejected')!.comment).toBe(
        '保单不在目录内',
      );
    });
  });

  it('rejects at final approval', async () => {
    await withApplication(async ({ handle }) => {
      await decide(handle, 'initial-review', reviewer('bob'), approve);
      expect(
        (
          await decide(handle, 'final-approval', approver('wang'), {
            decision: 'reject',
            comment: '预算外',
            reasonCode: 'POLICY',
          })
        ).status,
      ).toBe('REJECTED');
      expect(await handle.result()).toBe('REJECTED');
    });
  });

  it('asks for information, takes the supplement back to the same reviewer, and goes on', async () => {
    await withApplication(async ({ fakes, handle }) => {
      const asked = await requestInfo(handle, '请补充社保缴纳证明');
      expect(asked.status).toBe('NEEDS_INFO');
      const state = await handle.query(stateQuery);
      expect(state.infoRequest).toEqual({ message: '请补充社保缴纳证明', deadline: expect.any(String) });
      const mail = fakes.steps.flatMap((s) => s.emails ?? []).find((e) => e.template === 'info_requested')!;
      expect(mail).toMatchObject({ message: '请补充社保缴纳证明', deadline: state.infoRequest!.deadline });
      // 10 working days stand in as 10 calendar days in these tests
      const wait = Date.parse(state.infoRequest!.deadline) - Date.parse(fakes.steps.at(-1)!.at);
      expect(Math.abs(wait - 10 * 86_400_000)).toBeLessThan(1000);

      const back = await handle.executeUpdate(supplementUpdate, {
        args: [{ actor: applicant, message: '已补充', documents: ['d1'] }],
      });
      expect(back.status).toBe('INITIAL_REVIEW');
      const reopened = await handle.query(stateQuery);
      expect(reopened.task).toMatchObject({ queue: 'initial-review', assignee: 'bob' });
      const received = fakes.steps.find((s) => s.action === 'SUPPLEMENT_RECEIVED')!;
      expect(received.attachDocuments).toEqual({ ids: ['d1'], creditCode: CODE });
      await handle.executeUpdate(decideUpdate, {
        args: [{ taskId: reopened.task!.id, actor: reviewer('bob'), ...approve }],
      });
      await decide(handle, 'final-approval', approver('wang'), approve);
      expect((await handle.query(stateQuery)).status).toBe('APPROVED');
      expect(fakes.statuses()).toEqual([
        'SUBMITTED',
        'PRECHECK',
        'INITIAL_REVIEW',
        'NEEDS_INFO',
        'INITIAL_REVIEW',
        'FINAL_APPROVAL',
        'APPROVED',
      ]);
      expect(fakes.emailKeys().map((k) => k.split(':')[1])).toEqual([
        'received',
        'info-requested',
        'supplement',
        'approved',
      ]);
    });
  });

  it('withdraws the application when the information deadline passes, and tells the applicant', async () => {
    await withApplication(async ({ fakes, handle }) => {
      await requestInfo(handle, '请补充');
      await env.sleep('11 days');
      expect(await handle.result()).toBe('WITHDRAWN');
      expect(fakes.statuses().slice(-2)).toEqual(['NEEDS_INFO', 'WITHDRAWN']);
      expect(fakes.steps.flatMap((s) => s.emails ?? []).map((e) => e.template)).toContain(
        'withdrawn_deadline',
      );
    });
  });

  it('accepts a supplement only from the applying enterprise and only while information is requested', async () => {
    await withApplication(async ({ handle }) => {
      const taskId = await openTask(handle);
      expect(await refused(handle, supplementUpdate, { actor: applicant, message: 'x', documents: [] })).toBe(
        'INVALID_STATE',
      );
      await handle.executeUpdate(claimUpdate, { args: [{ taskId, actor: reviewer('bob') }] });
      expect(
        await refused(handle, decideUpdate, {
          taskId,
          actor: reviewer('bob'),
          decision: 'request_info',
          comment: '',
        }),
      ).toBe('INVALID_DECISION');
      await handle.executeUpdate(decideUpdate, {
        args: [
          {
            taskId,
            actor: reviewer('bob'),
            decision: 'request_info',
            comment: '',
            infoRequest: { message: 'm' },
          },
        ],
      });
      const stranger: Caller = { subject: 'li', role: 'applicant', creditCode: '91110108MA01ABCDEN' };
      expect(await refused(handle, supplementUpdate, { actor: stranger, message: 'x', documents: [] })).toBe(
        'NOT_YOURS',
      );
    });
  });

  it('sends frontier applications to an expert, whose appraisal is required and recorded', async () => {
    await withApplication(
      async ({ fakes, handle }) => {
        expect(
          (await decide(handle, 'initial-review', reviewer('bob', { org: 'committee' }), approve)).status,
        ).toBe('EXPERT_REVIEW');
        const taskId = await openTask(handle, 'expert-review');
        await handle.executeUpdate(claimUpdate, { args: [{ taskId, actor: expert('chen') }] });
        expect(await refused(handle, decideUpdate, { taskId, actor: expert('chen'), ...approve })).toBe(
          'INVALID_DECISION',
        );
        const appraisal = { grade: 'A' as const, opinion: '流片风险可控' };
        expect(
          (
            await handle.executeUpdate(decideUpdate, {
              args: [{ taskId, actor: expert('chen'), ...approve, appraisal }],
            })
          ).status,
        ).toBe('FINAL_APPROVAL');
        await decide(handle, 'final-approval', approver('wang'), approve);
        expect((await handle.query(stateQuery)).status).toBe('APPROVED');
        expect(fakes.statuses()).toEqual([
          'SUBMITTED',
          'PRECHECK',
          'INITIAL_REVIEW',
          'EXPERT_REVIEW',
          'FINAL_APPROVAL',
          'APPROVED',
        ]);
        expect(
          fakes.steps.find((s) => s.action === 'DECISION' && s.data?.queue === 'expert-review')!.data!
            .appraisal,
        ).toEqual(appraisal);
      },
      frontier,
      { track: 'FRONTIER' },
    );
  });

  it('refuses the final approval to anyone who reviewed the application earlier (four-eyes)', async () => {
    await withApplication(
      async ({ fakes, handle }) => {
        await decide(handle, 'initial-review', reviewer('bob', { org: 'committee' }), approve);
        const appraisal = { grade: 'B' as const, opinion: 'ok' };
        await decide(handle, 'expert-review', expert('chen'), { ...approve, appraisal });
        const taskId = await openTask(handle, 'final-approval');
        const before = fakes.steps.length;
        expect(await refused(handle, claimUpdate, { taskId, actor: approver('bob') })).toBe('FOUR_EYES');
        expect(await refused(handle, claimUpdate, { taskId, actor: approver('chen') })).toBe('FOUR_EYES');
        const sup = approver('boss', { supervisor: true });
        expect(await refused(handle, assignUpdate, { taskId, actor: sup, assignee: 'bob' })).toBe(
          'FOUR_EYES',
        );
        expect(await refused(handle, assignUpdate, { taskId, actor: approver('wang'), assignee: 'li' })).toBe(
          'NOT_SUPERVISOR',
        );
        expect(fakes.steps.length).toBe(before);
        await handle.executeUpdate(assignUpdate, { args: [{ taskId, actor: sup, assignee: 'wang' }] });
        expect((await handle.query(stateQuery)).task!.assignee).toBe('wang');
        await handle.executeUpdate(decideUpdate, { args: [{ taskId, actor: approver('wang'), ...approve }] });
        expect((await handle.query(stateQuery)).status).toBe('APPROVED');
      },
      frontier,
      { track: 'FRONTIER' },
    );
  });

  it('escalates an overdue task to the queue’s supervisors once, flags it, and leaves the decision to people', async () => {
    await withApplication(async ({ fakes, handle }) => {
      const taskId = await openTask(handle);
      await env.sleep('6 days'); // the initial-review SLA is 5 working days
      await handle.query(stateQuery);
      const overdue = fakes.steps.filter((s) => s.action === 'TASK_OVERDUE');
      expect(overdue).toHaveLength(1);
      expect(overdue[0]!.emails![0]).toMatchObject({
        template: 'escalation',
        to: { supervisorsOf: { role: 'reviewer', org: 'street:中关村街道' } },
      });
      expect(overdue[0]!.application!.attention).toEqual({ needed: true, reason: 'overdue' });
      expect((await handle.describe()).typedSearchAttributes.get(NeedsAttentionKey)).toBe(true);
      expect((await handle.query(stateQuery)).status).toBe('INITIAL_REVIEW');
      await env.sleep('10 days');
      expect(fakes.steps.filter((s) => s.action === 'TASK_OVERDUE')).toHaveLength(1);

      await handle.executeUpdate(claimUpdate, { args: [{ taskId, actor: reviewer('bob') }] });
      await handle.executeUpdate(decideUpdate, { args: [{ taskId, actor: reviewer('bob'), ...approve }] });
      expect((await handle.describe()).typedSearchAttributes.get(NeedsAttentionKey)).toBe(false);
      expect(fakes.steps.find((s) => s.action === 'DECISION')!.application!.attention).toEqual({
        needed: false,
        reason: null,
      });
    });
  });

  it('lets the applicant withdraw while the application is in review, cancelling the open task', async () => {
    await withApplication(async ({ fakes, handle }) => {
      const taskId = await openTask(handle);
      await handle.executeUpdate(claimUpdate, { args: [{ taskId, actor: reviewer('bob') }] });
      const result = await handle.executeUpdate(withdrawUpdate, {
        args: [{ actor: applicant, reason: '已获其他补贴' }],
      });
      expect(result.status).toBe('WITHDRAWN');
      expect(await handle.result()).toBe('WITHDRAWN');
      const step = fakes.steps.find((s) => s.action === 'WITHDRAWN')!;
      expect(step.task).toEqual({ op: 'cancel', id: taskId });
      expect(step.emails![0]).toMatchObject({ template: 'withdrawn', comment: '已获其他补贴' });
    });
  });

  it('lets the applicant withdraw while information is requested, and refuses a second withdrawal', async () => {
    await withApplication(async ({ fakes, handle }) => {
      await requestInfo(handle, 'm');
      expect(
        (await handle.executeUpdate(withdrawUpdate, { args: [{ actor: applicant, reason: 'r' }] })).status,
      ).toBe('WITHDRAWN');
      expect(await handle.result()).toBe('WITHDRAWN');
      expect(fakes.statuses().slice(-2)).toEqual(['NEEDS_INFO', 'WITHDRAWN']);
    });
  });

  it('refuses illegal claims and decisions in the validator, writing nothing', async () => {
    await withApplication(async ({ fakes, handle }) => {
      const taskId = await openTask(handle);
      const before = fakes.steps.length;
      expect(await refused(handle, decideUpdate, { taskId, actor: reviewer('bob'), ...approve })).toBe(
        'NOT_CLAIMED_BY_CALLER',
      );
      expect(await refused(handle, claimUpdate, { taskId: 'other', actor: reviewer('bob') })).toBe(
        'TASK_NOT_CURRENT',
      );
      expect(await refused(handle, claimUpdate, { taskId, actor: expert('eve') })).toBe('WRONG_ROLE');
      expect(
        await refused(handle, claimUpdate, { taskId, actor: reviewer('sam', { org: 'street:学院路街道' }) }),
      ).toBe('WRONG_ROLE');
      expect(await refused(handle, withdrawUpdate, { actor: reviewer('bob'), reason: 'x' })).toBe(
        'NOT_YOURS',
      );
      expect(fakes.steps.length).toBe(before);

      await handle.executeUpdate(claimUpdate, { args: [{ taskId, actor: reviewer('bob') }] });
      expect(await refused(handle, claimUpdate, { taskId, actor: reviewer('carol') })).toBe(
        'ALREADY_CLAIMED',
      );
      expect(await refused(handle, unclaimUpdate, { taskId, actor: reviewer('carol') })).toBe(
        'NOT_CLAIMED_BY_CALLER',
      );
      expect(await refused(handle, decideUpdate, { taskId, actor: reviewer('carol'), ...approve })).toBe(
        'NOT_CLAIMED_BY_CALLER',
      );
      expect(
        await refused(handle, decideUpdate, {
          taskId,
          actor: reviewer('bob'),
          decision: 'reject',
          comment: '',
        }),
      ).toBe('INVALID_DECISION');
      expect(fakes.steps.length).toBe(before + 1);

      // A supervisor may take the task back from its claimer; then another reviewer may claim it.
      await handle.executeUpdate(unclaimUpdate, {
        args: [{ taskId, actor: reviewer('sue', { supervisor: true }) }],
      });
      await handle.executeUpdate(claimUpdate, { args: [{ taskId, actor: reviewer('carol') }] });
      const result = await handle.executeUpdate(decideUpdate, {
        args: [{ taskId, actor: reviewer('carol'), ...approve }],
      });
      expect(result.status).toBe('FINAL_APPROVAL');
      expect(fakes.steps.map((s) => s.action).slice(3)).toEqual([
        'TASK_OPENED',
        'TASK_CLAIMED',
        'TASK_UNCLAIMED',
        'TASK_CLAIMED',
        'DECISION',
        'TASK_OPENED',
      ]);
    });
  });
});

describe('application workflow: precheck', () => {
  ownTimeSkippingServer();
  it('rejects at precheck with the reasons in the applicant e-mail, opening no task', async () => {
    await withApplication(
      async ({ fakes, handle }) => {
        expect(await handle.result()).toBe('REJECTED');
        expect(fakes.statuses()).toEqual(['SUBMITTED', 'PRECHECK', 'REJECTED']);
        expect([...fakes.tasks.keys()]).toEqual([]);
        const mail = fakes.steps.flatMap((s) => s.emails ?? []).find((e) => e.template === 'rejected')!;
        expect(mail.reasons!.map((r) => r.code)).toEqual(['NOT_ELIGIBLE_DISTRICT']);
        const done = fakes.steps.find((s) => s.action === 'PRECHECK_DONE')!;
        expect(done.application).toMatchObject({
          computedFen: 250_000,
          rateBp: 10_000,
          subsidyYear: 2026,
          payee: 'INSURER',
        });
      },
      (fakes) => {
        fakes.world.registry = enterprise({ district: '朝阳区' });
      },
    );
  });

  it('rejects an enterprise the registry does not know, and a policy the insurer does not know', async () => {
    for (const change of [
      (f: FakeActivities) => (f.world.registry = null),
      (f: FakeActivities) => (f.world.insurer = null),
    ]) {
      await withApplication(async ({ fakes, handle }) => {
        expect(await handle.result()).toBe('REJECTED');
        const codes = fakes.steps
          .find((s) => s.action === 'PRECHECK_DONE')!
          .application!.reasons!.map((r) => r.code);
        expect(codes.some((c) => c === 'NOT_ELIGIBLE_REGISTRY' || c === 'POLICY_NOT_FOUND')).toBe(true);
      }, change);
    }
  });

  it('retries an unavailable registry a bounded number of times, then goes on flagged for a manual check', async () => {
    await withApplication(
      async ({ fakes, handle }) => {
        await openTask(handle);
        expect(fakes.lookups.registry).toBe(2); // lookupAttempts of the input
        const done = fakes.steps.find((s) => s.action === 'PRECHECK_DONE')!;
        expect(done.application!.reasons!.map((r) => r.code)).toContain('REGISTRY_UNAVAILABLE');
        const description = await handle.describe();
        expect(description.typedSearchAttributes.get(NeedsAttentionKey)).toBe(true);
      },
      (fakes) => {
        fakes.world.registry = new Error('registry answered HTTP 503');
      },
    );
  });

  it('does not retry a definitive service error', async () => {
    await withApplication(
      async ({ fakes, handle }) => {
        await openTask(handle);
        expect(fakes.lookups.insurer).toBe(1);
        expect(
          fakes.steps.find((s) => s.action === 'PRECHECK_DONE')!.application!.reasons!.map((r) => r.code),
        ).toContain('INSURER_UNAVAILABLE');
      },
      (fakes) => {
        fakes.world.insurer = ApplicationFailure.nonRetryable('insurer answered HTTP 400', 'ServiceError');
      },
    );
  });
});

describe('application workflow: from approval to money', () => {
  ownTimeSkippingServer();
  const batch = { batchId: 'b-1', endsAt: '' };

  async function approved(handle: Handle) {
    await decide(handle, 'initial-review', reviewer('bob'), approve);
    await decide(handle, 'final-approval', approver('wang'), approve);
  }
  const waitStatus = (handle: Handle, status: string) =>
    eventually(
      () => handle.query(stateQuery),
      (state) => state.status === status,
      10_000,
      25,
    );
  async function published(handle: Handle) {
    const endsAt = new Date((await env.currentTimeMs()) + 5 * 86_400_000).toISOString();
    await handle.signal(noticePublishedSignal, { ...batch, endsAt });
    await waitStatus(handle, 'IN_PUBLIC_NOTICE');
  }
  /** Approved, published, and the notice period over without objections. */
  async function noticeEnded(handle: Handle) {
    await approved(handle);
    await published(handle);
    await handle.signal(noticeEndedSignal, { batchId: batch.batchId });
  }
  const templates = (f: FakeActivities) => f.steps.flatMap((s) => s.emails ?? []).map((e) => e.template);

  it('reserves, publishes, pays, follows up at 6 and 12 months, and closes', async () => {
    await withApplication(
      async ({ fakes, handle }) => {
        await approved(handle);
        expect((await handle.query(stateQuery)).status).toBe('APPROVED');
        await published(handle);
        await handle.signal(noticeEndedSignal, { batchId: 'other' }); // not ours: ignored
        await handle.signal(noticeEndedSignal, { batchId: batch.batchId });
        await waitStatus(handle, 'TRACKING');
        await env.sleep('400 days');
        expect(await handle.result()).toBe('CLOSED');
        expect(fakes.statuses().slice(-6)).toEqual([
          'APPROVED',
          'IN_PUBLIC_NOTICE',
          'DISBURSING',
          'PAID',
          'TRACKING',
          'CLOSED',
        ]);
        expect(fakes.money.requested).toEqual([
          {
            paymentId: expect.stringMatching(/-pay-1$/),
            applicationId: expect.any(String),
            attempt: 1,
            amountFen: 250_000,
          },
        ]);
        expect(fakes.money.spent).toBe(1);
        expect(fakes.money.released).toBe(0);
        // The default policy ends within the year: the renewal reminder falls before the first survey.
        expect(templates(fakes)).toEqual([
          'received',
          'approved',
          'published',
          'paid',
          'renewal_reminder',
          'survey',
          'survey',
        ]);
        const surveys = fakes.steps.filter((s) => s.action === 'SURVEY_SENT');
        const paidAt = Date.parse(fakes.steps.find((s) => s.action === 'PAID')!.at);
        const months = surveys.map((s) => Math.round((Date.parse(s.at) - paidAt) / (30.44 * 86_400_000)));
        expect(months).toEqual([6, 12]);
        // The survey's link (a signed token) is made where the e-mail is rendered, never in the history.
        expect(surveys[0]!.emails![0]!.extra).toEqual({ round: 1, validDays: 90 });
      },
      async (fakes) => {
        // A policy ending in 200 days (test-server time): the renewal reminder falls before the first survey.
        const end = new Date((await env.currentTimeMs()) + 200 * 86_400_000).toISOString().slice(0, 10);
        fakes.world.insurer = policy({ endDate: end });
      },
    );
  });

  it('waits for budget with a task for finance, and goes on when the budget is raised', async () => {
    await withApplication(
      async ({ fakes, handle }) => {
        await decide(handle, 'initial-review', reviewer('bob'), approve);
        const res = await decide(handle, 'final-approval', approver('wang'), approve);
        expect(res.status).toBe('AWAITING_BUDGET');
        expect((await handle.query(stateQuery)).task).toMatchObject({ queue: 'budget', org: null });
        const opened = fakes.steps.find((s) => s.task?.op === 'open' && s.task.queue === 'budget')!;
        expect(opened.application).toEqual({ awaitingBudget: true });
        await handle.signal(budgetChangedSignal); // still not enough
        // Two signals in one workflow task would be one retry (a change means "try again"): the second goes
        // once the first retry has taken its answer.
        await eventually(
          async () => fakes.money.reservations.length,
          (left) => left === 0,
          10_000,
          25,
        );
        await handle.signal(budgetChangedSignal);
        await waitStatus(handle, 'APPROVED');
        const funded = fakes.steps.find((s) => s.action === 'TASK_DONE')!;
        expect(funded).toMatchObject({
          toStatus: 'APPROVED',
          task: { op: 'complete', outcome: 'funded' },
          application: { grantedFen: 250_000, awaitingBudget: false },
        });
      },
      (fakes) => {
        fakes.money.reservations.push(
          { kind: 'INSUFFICIENT_BUDGET', availableFen: 0, neededFen: 250_000 },
          { kind: 'QUEUED', ahead: 1 },
        );
      },
    );
  });

  it('rejects at approval when the enterprise’s annual cap is used up', async () => {
    await withApplication(
      async ({ fakes, handle }) => {
        await decide(handle, 'initial-review', reviewer('bob'), approve);
        expect((await decide(handle, 'final-approval', approver('wang'), approve)).status).toBe('REJECTED');
        expect(fakes.steps.at(-1)!.emails![0]!.reasons!.map((r) => r.code)).toEqual(['ANNUAL_CAP_REACHED']);
      },
      (fakes) => fakes.money.reservations.push({ kind: 'CAP_REACHED', capFen: 250_000 }),
    );
  });

  it('records a capped grant with its reason', async () => {
    await withApplication(
      async ({ fakes, handle }) => {
        await approved(handle);
        const reserved = fakes.steps.find((s) => s.action === 'GRANT_RESERVED')!;
        expect(reserved.application!.grantedFen).toBe(100_000);
        expect(reserved.application!.reasons!.map((r) => r.code)).toEqual(['CAPPED']);
      },
      (fakes) =>
        fakes.money.reservations.push({
          kind: 'RESERVED',
          grantFen: 100_000,
          capped: true,
          remainingCapFen: 0,
        }),
    );
  });

  it('takes objections during the notice to an approver: upheld rejects and releases the reservation', async () => {
    await withApplication(async ({ fakes, handle }) => {
      await approved(handle);
      await published(handle);
      const objector = {
        batchId: batch.batchId,
        name: '王某',
        contact: '13800000000',
        reason: '该企业不在海淀区经营',
      };
      const { objectionId } = await handle.executeUpdate(objectUpdate, { args: [objector] });
      const filed = fakes.steps.find((s) => s.action === 'OBJECTION_FILED')!;
      expect(filed.objection).toMatchObject({ op: 'file', id: objectionId, name: '王某' });
      expect(JSON.stringify([filed.note, filed.data])).not.toContain('王某'); // the timeline never shows the objector
      expect(await refused(handle, objectUpdate, { ...objector, batchId: 'b-2' })).toBe('INVALID_STATE');
      expect(await refusal(decide(handle, 'objection-review', approver('bob'), approve))).toBe('FOUR_EYES');
      const res = await handle
        .executeUpdate(decideUpdate, {
          args: [
            {
              taskId: await openTask(handle, 'objection-review'),
              actor: approver('zhou'),
              decision: 'reject',
              comment: '异议属实',
            },
          ],
        })
        .catch(async () => {
          const taskId = await openTask(handle, 'objection-review');
          await handle.executeUpdate(claimUpdate, { args: [{ taskId, actor: approver('zhou') }] });
          return handle.executeUpdate(decideUpdate, {
            args: [{ taskId, actor: approver('zhou'), decision: 'reject', comment: '异议属实' }],
          });
        });
      expect(res.status).toBe('REJECTED');
      expect(await handle.result()).toBe('REJECTED');
      const decided = fakes.steps.at(-1)!;
      expect(decided).toMatchObject({
        noticeRemoved: 'UPHELD',
        objection: { op: 'decide', ids: [objectionId], outcome: 'UPHELD', by: 'zhou' },
      });
      expect(fakes.money.released).toBe(1);
      expect(templates(fakes)).toContain('objection_upheld');
    });
  });

  it('bars the person who gave the final approval from judging the objections to it (four-eyes), writing nothing', async () => {
    await withApplication(async ({ fakes, handle }) => {
      await approved(handle); // wang gave the final approval
      await published(handle);
      await handle.executeUpdate(objectUpdate, {
        args: [{ batchId: batch.batchId, name: '赵某', contact: '13900000000', reason: '材料疑似不实' }],
      });
      const taskId = await openTask(handle, 'objection-review');
      // The steps of opening the task (records, e-mails) are done before counting what the refusals write.
      await settledHistory(env.client, handle.workflowId);
      const before = fakes.steps.length;
      const refusedClaim = await handle
        .executeUpdate(claimUpdate, { args: [{ taskId, actor: approver('wang') }] })
        .then(
          () => null,
          (err: unknown) => (err instanceof WorkflowUpdateFailedError ? err.cause : err) as Error,
        );
      expect(refusedClaim).toMatchObject({
        type: 'FOUR_EYES',
        message: expect.stringContaining('gave the final approval'),
      });
      const sup = approver('boss', { supervisor: true });
      expect(await refused(handle, assignUpdate, { taskId, actor: sup, assignee: 'wang' })).toBe('FOUR_EYES');
      expect(fakes.steps.length).toBe(before);
      // Another approver judges them.
      const dismissed = await decide(handle, 'objection-review', approver('zhou'), {
        decision: 'approve',
        comment: '经核实无误',
      });
      expect(dismissed.status).toBe('IN_PUBLIC_NOTICE');
    });
  });

  it('dismisses an objection and pays when the notice ends; refuses objections after the end', async () => {
    await withApplication(async ({ fakes, handle }) => {
      await approved(handle);
      await published(handle);
      await handle.executeUpdate(objectUpdate, {
        args: [{ batchId: batch.batchId, name: '李某', contact: 'li@example.com', reason: '保费疑似虚高' }],
      });
      const dismissed = await decide(handle, 'objection-review', approver('zhou'), {
        decision: 'approve',
        comment: '经核实无误',
      });
      expect(dismissed.status).toBe('IN_PUBLIC_NOTICE');
      await handle.signal(noticeEndedSignal, { batchId: batch.batchId });
      await waitStatus(handle, 'TRACKING');
      expect(
        await refused(handle, objectUpdate, {
          batchId: batch.batchId,
          name: 'x',
          contact: 'y',
          reason: 'zzzzz',
        }),
      ).toBe('INVALID_STATE');
      expect(templates(fakes)).toEqual(expect.arrayContaining(['objection_dismissed', 'paid']));
      expect(fakes.money.released).toBe(0);
    });
  });

  it('waits for the signed callback, ignores duplicates and other payments, and pays exactly once', async () => {
    await withApplication(
      async ({ fakes, handle }) => {
        await noticeEnded(handle);
        await waitStatus(handle, 'DISBURSING');
        const paymentId = fakes.money.requested[0]!.paymentId;
        await handle.signal(paymentResultSignal, {
          paymentId: 'someone-else-pay-1',
          status: 'FAILED',
          failureReason: 'ACCOUNT_CLOSED',
        });
        await handle.signal(paymentResultSignal, { paymentId, status: 'SUCCEEDED', failureReason: null });
        await handle.signal(paymentResultSignal, {
          paymentId,
          status: 'FAILED',
          failureReason: 'ACCOUNT_CLOSED',
        }); // out of order: ignored
        await waitStatus(handle, 'TRACKING');
        expect(fakes.money.requested).toHaveLength(1);
        expect(fakes.statuses().filter((s) => s === 'PAID')).toHaveLength(1);
        expect(fakes.steps.find((s) => s.action === 'PAID')!.payment).toEqual({
          id: paymentId,
          status: 'SUCCEEDED',
        });
      },
      (fakes) => fakes.money.gateway.push({ status: 'PENDING', failureReason: null }),
    );
  });

  it('asks the gateway when the callback is late', async () => {
    await withApplication(
      async ({ fakes, handle }) => {
        await noticeEnded(handle);
        await waitStatus(handle, 'DISBURSING');
        await env.sleep('2 minutes'); // the poll interval is 60 s in these tests
        await waitStatus(handle, 'TRACKING');
        expect(fakes.money.requested).toHaveLength(1);
      },
      (fakes) => {
        fakes.money.gateway.push({ status: 'PENDING', failureReason: null });
        fakes.money.polled.push(
          { status: 'PENDING', failureReason: null },
          { status: 'SUCCEEDED', failureReason: null },
        );
      },
    );
  });

  it('turns a definitive payment failure into a task for finance, who retry with a new attempt', async () => {
    await withApplication(
      async ({ fakes, handle }) => {
        await noticeEnded(handle);
        await waitStatus(handle, 'PAYMENT_FAILED');
        expect((await handle.describe()).typedSearchAttributes.get(NeedsAttentionKey)).toBe(true);
        const failed = fakes.steps.find((s) => s.action === 'PAYMENT_FAILED')!;
        expect(failed.emails![0]).toMatchObject({ template: 'payment_failed', to: { staff: 'finance' } });
        const finance: Caller = { subject: 'qian', role: 'finance' };
        const retried = await decide(handle, 'payment-exception', finance, {
          decision: 'approve',
          comment: '账户已更正',
        });
        await waitStatus(handle, 'TRACKING');
        expect(retried.status).not.toBe('PAYMENT_FAILED');
        expect(fakes.money.requested.map((r) => [r.attempt, r.paymentId.split('-pay-')[1]])).toEqual([
          [1, '1'],
          [2, '2'],
        ]);
        expect((await handle.describe()).typedSearchAttributes.get(NeedsAttentionKey)).toBe(false);
      },
      (fakes) => fakes.money.gateway.push({ status: 'FAILED', failureReason: 'ACCOUNT_CLOSED' }),
    );
  });

  it('cancels a failed payment at finance’s decision and releases the reservation', async () => {
    await withApplication(
      async ({ fakes, handle }) => {
        await noticeEnded(handle);
        await waitStatus(handle, 'PAYMENT_FAILED');
        await decide(
          handle,
          'payment-exception',
          { subject: 'qian', role: 'finance' },
          { decision: 'reject', comment: '企业已注销' },
        );
        expect(await handle.result()).toBe('REJECTED');
        expect(fakes.money.released).toBe(1);
        expect(fakes.money.spent).toBe(0);
        expect(templates(fakes)).toContain('payment_cancelled');
      },
      (fakes) => fakes.money.gateway.push({ status: 'FAILED', failureReason: 'NAME_MISMATCH' }),
    );
  });

  it('reminds an inclusive enterprise to renew while supported years remain', async () => {
    for (const [yearsUsed, reminded] of [
      [1, true],
      [3, false],
    ] as const) {
      await withApplication(
        async ({ fakes, handle }) => {
          await noticeEnded(handle);
          await waitStatus(handle, 'TRACKING');
          await env.sleep('400 days');
          expect(await handle.result()).toBe('CLOSED');
          expect(templates(fakes).includes('renewal_reminder')).toBe(reminded);
        },
        async (fakes) => {
          fakes.money.inclusiveYearsUsed = yearsUsed;
          // A policy ending in ten months (test-server time): the reminder falls between the two surveys.
          const end = new Date((await env.currentTimeMs()) + 300 * 86_400_000).toISOString().slice(0, 10);
          fakes.world.insurer = policy({ endDate: end });
        },
      );
    }
  });

  it('lets the applicant withdraw during the notice: the grant is taken off the notice and released', async () => {
    await withApplication(async ({ fakes, handle }) => {
      await approved(handle);
      await published(handle);
      expect(
        (await handle.executeUpdate(withdrawUpdate, { args: [{ actor: applicant, reason: '放弃' }] })).status,
      ).toBe('WITHDRAWN');
      expect(await handle.result()).toBe('WITHDRAWN');
      expect(fakes.steps.at(-1)).toMatchObject({ action: 'WITHDRAWN', noticeRemoved: 'WITHDRAWN' });
      expect(fakes.money.released).toBe(1);
    });
  });
});
