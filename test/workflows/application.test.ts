import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import type { Caller } from '../../domain/roles';
import { NeedsAttentionKey } from '../../workflows/searchAttributes';
import { enterprise } from '../helpers/rulesFixtures';
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
  org: 'street:中关村街道',
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
  setup: (fakes: FakeActivities) => void = () => undefined,
) {
  const fakes = new FakeActivities();
  setup(fakes);
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
      expect(fakes.statuses()).toEqual(['SUBMITTED', 'PRECHECK', 'INITIAL_REVIEW', 'APPROVED']);
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
      expect(fakes.statuses()).toEqual(['SUBMITTED', 'PRECHECK', 'INITIAL_REVIEW', 'REJECTED']);
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
            args: [{ taskId, actor: reviewer('sam', { org: 'street:学院路街道' }) }],
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
        'PRECHECK_STARTED',
        'PRECHECK_DONE',
        'TASK_OPENED',
        'TASK_CLAIMED',
        'TASK_UNCLAIMED',
        'TASK_CLAIMED',
        'DECISION',
      ]);
    });
  });

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
