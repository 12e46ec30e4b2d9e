import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { randomBytes } from 'node:crypto';
import { SEARCH_ATTRIBUTES } from '../../workflows/searchAttributes';
import type { Activities } from '../../activities';
import type { StepRecord, StepResult } from '../../activities/records';
import { defaultProgram } from '../../domain/program';
import type { ApplicationWorkflowInput, TaskView } from '../../workflows/application/contract';

let runtimeInstalled = false;

/** The time-skipping test server (found or installed by globalSetup), with the project's search attributes. */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    });
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: process.env.TEST_TEMPORAL_TEST_SERVER! } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTES.map((sa) => [
        sa.name,
        sa.type === 'Bool'
          ? temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL
          : temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
  return env;
}

/** In-memory stand-ins for the activities: they record what the workflow asked for. */
export class FakeActivities {
  steps: StepRecord[] = [];
  tasks = new Map<string, TaskView>();

  build(): Partial<Activities> {
    return {
      record: async (step: StepRecord): Promise<StepResult> => {
        const replayed = this.steps.some((s) => s.key === step.key);
        if (!replayed) this.steps.push(step);
        let task: TaskView | null = null;
        const change = step.task;
        if (change?.op === 'open') {
          const dueAt = new Date(Date.parse(step.at) + change.workingDays * 86_400_000).toISOString();
          task = { id: change.id, queue: change.queue, org: change.org, assignee: null, dueAt };
          this.tasks.set(change.id, task);
        } else if (change) {
          task = this.tasks.get(change.id) ?? null;
        }
        return { replayed, task };
      },
    };
  }

  statuses(): string[] {
    return this.steps.filter((s) => s.toStatus).map((s) => s.toStatus!);
  }

  emailKeys(): string[] {
    return this.steps.flatMap((s) => (s.emails ?? []).map((e) => e.key));
  }
}

export function workflowInput(overrides: Partial<ApplicationWorkflowInput> = {}): ApplicationWorkflowInput {
  const id = `HD-2026-T${randomBytes(4).toString('hex')}`;
  return {
    applicationId: id,
    creditCode: '91350100M000100Y43',
    track: 'INCLUSIVE',
    programYear: 2026,
    submittedBy: 'applicant-1',
    program: defaultProgram(2026),
    timeAcceleration: 1,
    ...overrides,
  };
}

export async function testWorker(env: TestWorkflowEnvironment, fakes: FakeActivities) {
  const taskQueue = `wf-${randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! },
    activities: fakes.build(),
  });
  return { worker, taskQueue };
}
