import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { Caller } from '../../domain/roles';
import {
  APPLICATION_WORKFLOW_TYPE,
  applicationWorkflowId,
  claimUpdate,
  decideUpdate,
  stateQuery,
  unclaimUpdate,
} from '../../workflows/application/contract';
import { FakeActivities, testWorker, timeSkippingEnv, workflowInput } from '../helpers/workflowEnv';

const reviewer = (subject: string, extra: Partial<Caller> = {}): Caller => ({
  subject,
  role: 'reviewer',
  org: 'committee',
  ...extra,
});

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

async function withApplication(
  fn: (ctx: {
    fakes: FakeActivities;
    handle: ReturnType<TestWorkflowEnvironment['client']['workflow']['getHandle']>;
    worker: Worker;
  }) => Promise<void>,
) {
  const fakes = new FakeActivities();
  const { worker, taskQueue } = await testWorker(env, fakes);
  const input = workflowInput();
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(APPLICATION_WORKFLOW_TYPE, {
      workflowId: applicationWorkflowId(input.applicationId),
      taskQueue,
      args: [input],
    });
    await fn({ fakes, handle, worker });
  });
}

async function openTask(handle: {
  query: (q: typeof stateQuery) => Promise<{ task: { id: string } | null }>;
}) {
  for (let i = 0; i < 100; i++) {
    const state = await handle.query(stateQuery);
    if (state.task) return state.task.id;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no task opened');
}

async function refusal(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return (err.cause as { type?: string }).type;
    throw err;
  }
  throw new Error('update was accepted');
}

describe('application workflow', () => {
  it('approves after a reviewer claims the initial-review task, telling the applicant at each step', async () => {
    await withApplication(async ({ fakes, handle }) => {
      const taskId = await openTask(handle);
      await handle.executeUpdate(claimUpdate, { args: [{ taskId, actor: reviewer('bob') }] });
      const result = await handle.executeUpdate(decideUpdate, {
        args: [{ taskId, actor: reviewer('bob'), decision: 'approve', comment: 'complete' }],
      });
      expect(result.status).toBe('APPROVED');
      expect(await handle.result()).toBe('APPROVED');
      expect(fakes.statuses()).toEqual(['SUBMITTED', 'INITIAL_REVIEW', 'APPROVED']);
      expect(fakes.emailKeys().map((k) => k.split(':')[1])).toEqual(['received', 'approved']);
      const decision = fakes.steps.find((s) => s.action === 'DECISION')!;
      expect(decision.actor.subject).toBe('bob');
      expect(decision.task).toEqual({ op: 'complete', id: taskId, outcome: 'approve' });
    });
  });

  it('rejects with the reviewer comment in the e-mail request', async () => {
    await withApplication(async ({ fakes, handle }) => {
      const taskId = await openTask(handle);
      await handle.executeUpdate(claimUpdate, { args: [{ taskId, actor: reviewer('bob') }] });
      const result = await handle.executeUpdate(decideUpdate, {
        args: [
          {
            taskId,
            actor: reviewer('bob'),
            decision: 'reject',
            comment: 'policy not in catalog',
            reasonCode: 'NOT_ELIGIBLE_PRODUCT',
          },
        ],
      });
      expect(result.status).toBe('REJECTED');
      expect(fakes.statuses()).toEqual(['SUBMITTED', 'INITIAL_REVIEW', 'REJECTED']);
      const rejected = fakes.steps.flatMap((s) => s.emails ?? []).find((e) => e.template === 'rejected')!;
      expect(rejected.comment).toBe('policy not in catalog');
    });
  });

  it('refuses illegal claims and decisions in the validator, writing nothing', async () => {
    await withApplication(async ({ fakes, handle }) => {
      const taskId = await openTask(handle);
      const before = fakes.steps.length;
      expect(
        await refusal(
          handle.executeUpdate(decideUpdate, {
            args: [{ taskId, actor: reviewer('bob'), decision: 'approve', comment: '' }],
          }),
        ),
      ).toBe('NOT_CLAIMED_BY_CALLER');
      expect(
        await refusal(
          handle.executeUpdate(claimUpdate, { args: [{ taskId: 'other', actor: reviewer('bob') }] }),
        ),
      ).toBe('TASK_NOT_CURRENT');
      expect(
        await refusal(
          handle.executeUpdate(claimUpdate, {
            args: [{ taskId, actor: { subject: 'eve', role: 'expert' } }],
          }),
        ),
      ).toBe('WRONG_ROLE');
      expect(
        await refusal(
          handle.executeUpdate(claimUpdate, {
            args: [{ taskId, actor: reviewer('sam', { org: 'street:中关村街道' }) }],
          }),
        ),
      ).toBe('WRONG_ROLE');
      expect(fakes.steps.length).toBe(before);

      await handle.executeUpdate(claimUpdate, { args: [{ taskId, actor: reviewer('bob') }] });
      expect(
        await refusal(handle.executeUpdate(claimUpdate, { args: [{ taskId, actor: reviewer('carol') }] })),
      ).toBe('ALREADY_CLAIMED');
      expect(
        await refusal(handle.executeUpdate(unclaimUpdate, { args: [{ taskId, actor: reviewer('carol') }] })),
      ).toBe('NOT_CLAIMED_BY_CALLER');
      expect(
        await refusal(
          handle.executeUpdate(decideUpdate, {
            args: [{ taskId, actor: reviewer('carol'), decision: 'approve', comment: '' }],
          }),
        ),
      ).toBe('NOT_CLAIMED_BY_CALLER');
      expect(fakes.steps.length).toBe(before + 1);

      // A supervisor may take the task back from its claimer; then another reviewer may claim it.
      await handle.executeUpdate(unclaimUpdate, {
        args: [{ taskId, actor: reviewer('sue', { supervisor: true }) }],
      });
      await handle.executeUpdate(claimUpdate, { args: [{ taskId, actor: reviewer('carol') }] });
      const result = await handle.executeUpdate(decideUpdate, {
        args: [{ taskId, actor: reviewer('carol'), decision: 'approve', comment: 'ok' }],
      });
      expect(result.status).toBe('APPROVED');
      expect(fakes.steps.map((s) => s.action)).toEqual([
        'SUBMITTED',
        'TASK_OPENED',
        'TASK_CLAIMED',
        'TASK_UNCLAIMED',
        'TASK_CLAIMED',
        'DECISION',
      ]);
    });
  });
});
