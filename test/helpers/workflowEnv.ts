import { WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Context } from '@temporalio/activity';
import { Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { randomBytes } from 'node:crypto';
import { SEARCH_ATTRIBUTES } from '../../workflows/searchAttributes';
import type { Activities } from '../../activities';
import type { ResponseRecord } from '../../activities/banks';
import type { GatewayAnswer, PaymentAttempt } from '../../activities/money';
import type { LoanInterest, PartnerBank } from '../../domain/bankMatching';
import type { PrecheckContext } from '../../activities/precheck';
import type { ReservationOutcome } from '../../data/budget';
import type { StepRecord, StepResult } from '../../activities/records';
import { REQUIRED_DOCUMENTS } from '../../domain/documents';
import type { CatalogProduct, EnterpriseFacts, PolicyFacts } from '../../domain/rules';
import { CODE, enterprise, policy, PRODUCTS } from './rulesFixtures';
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

/** One time-skipping test server for the test file, handed to `ready`, torn down after the file's tests. */
export function timeSkippingEnvPerFile(ready: (env: TestWorkflowEnvironment) => unknown): void {
  let started: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    started = await timeSkippingEnv();
    await ready(started);
  });
  afterAll(async () => {
    await started?.teardown();
  });
}

/** In-memory stand-ins for the activities: they record what the workflow asked for. */
export class FakeActivities {
  steps: StepRecord[] = [];
  tasks = new Map<string, TaskView>();
  /** The world the precheck sees; an eligible inclusive application unless a test changes it. */
  world = {
    context: {
      submittedAt: '2026-03-10T01:00:00.000Z',
      declaredEnterprise: enterprise(),
      declaredPolicy: policy(),
      documents: [...REQUIRED_DOCUMENTS.INCLUSIVE],
      history: [],
      policyInOtherLiveApplication: false,
    } as PrecheckContext,
    registry: enterprise() as EnterpriseFacts | null | Error,
    insurer: policy() as PolicyFacts | null | Error,
    product: PRODUCTS.group as CatalogProduct | null,
  };
  lookups = { registry: 0, insurer: 0 };
  /** The money side: reservation outcomes and gateway answers to give, in order (defaults: granted, paid). */
  money = {
    reservations: [] as ReservationOutcome[],
    gateway: [] as GatewayAnswer[],
    polled: [] as GatewayAnswer[],
    requested: [] as PaymentAttempt[],
    released: 0,
    spent: 0,
    inclusiveYearsUsed: 1,
  };
  /** The bank hand-off: matching banks and what was recorded. */
  bank = {
    loan: { amountFen: 2_000_000_00, termMonths: 12, purpose: '研发周转' } as LoanInterest | null,
    banks: [] as PartnerBank[],
    referrals: [] as { id: string; bankCode: string }[],
    responses: [] as ResponseRecord[],
    expired: 0,
  };

  build(): Partial<Activities> {
    const answer = <T>(v: T | Error): T => {
      if (v instanceof Error) throw v;
      return v;
    };
    return {
      loadPrecheckContext: async () => this.world.context,
      lookupEnterprise: async () => {
        this.lookups.registry++;
        return answer(this.world.registry);
      },
      lookupPolicy: async () => {
        this.lookups.insurer++;
        return answer(this.world.insurer);
      },
      loadProduct: async () => this.world.product,
      reserveGrant: async (req) =>
        this.money.reservations.shift() ?? {
          kind: 'RESERVED',
          grantFen: req.computedFen,
          capped: false,
          remainingCapFen: 0,
        },
      releaseGrant: async () => {
        this.money.released++;
        return 1;
      },
      spendGrant: async () => {
        this.money.spent++;
        return 1;
      },
      requestPayment: async (a) => {
        this.money.requested.push(a);
        return this.money.gateway.shift() ?? { status: 'SUCCEEDED', failureReason: null };
      },
      paymentStatus: async () => this.money.polled.shift() ?? { status: 'PENDING', failureReason: null },
      surveyLink: async () => undefined,
      inclusiveYearsUsed: async () => this.money.inclusiveYearsUsed,
      matchingBanks: async () => ({ loan: this.bank.loan, banks: this.bank.banks }),
      openReferrals: async ({ referrals }) => {
        this.bank.referrals.push(...referrals.map((r) => ({ id: r.id, bankCode: r.bankCode })));
      },
      recordBankResponse: async (r) => {
        this.bank.responses.push(r);
      },
      expireReferrals: async () => {
        this.bank.expired++;
        return 0;
      },
      // Calendar days stand in for working days here; the real calendar has tests of its own.
      computeDeadline: async ({ from, workingDays, timeAcceleration }) => ({
        dueAt: new Date(Date.parse(from) + (workingDays * 86_400_000) / timeAcceleration).toISOString(),
        lastDay: '',
        unknownYears: [],
      }),
      record: async (step: StepRecord): Promise<StepResult> => {
        const replayed = this.steps.some((s) => s.key === step.key);
        if (!replayed) this.steps.push(step);
        let task: TaskView | null = null;
        const change = step.task;
        if (change?.op === 'open') {
          task = {
            id: change.id,
            queue: change.queue,
            org: change.org,
            assignee: change.assignee ?? null,
            dueAt: change.dueAt,
          };
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
    creditCode: CODE,
    track: 'INCLUSIVE',
    programYear: 2026,
    submittedBy: 'applicant-1',
    program: defaultProgram(2026),
    timeAcceleration: 1,
    lookupAttempts: 2,
    paymentPollSeconds: 60,
    loanInterest: null,
    ...overrides,
  };
}

/** A worker of its own task queue running the activities `fakes` builds. */
export async function testWorker(env: TestWorkflowEnvironment, fakes: { build(): Partial<Activities> }) {
  const taskQueue = `wf-${randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! },
    activities: fakes.build(),
  });
  return { worker, taskQueue };
}

/**
 * One worker for the workflows of many tests (starting a worker per test costs about a second): each
 * workflow's activities are the fakes registered for its workflow id. `stop()` after the last test.
 */
export async function sharedWorker(env: TestWorkflowEnvironment) {
  const taskQueue = `wf-${randomBytes(4).toString('hex')}`;
  const fakesOf = new Map<string, Partial<Activities>>();
  const names = Object.keys(new FakeActivities().build()) as (keyof Activities)[];
  const activities = Object.fromEntries(
    names.map((name) => [
      name,
      (...args: unknown[]) => {
        const workflowId = Context.current().info.workflowExecution!.workflowId;
        const fakes = fakesOf.get(workflowId);
        if (!fakes) throw new Error(`no fakes registered for ${workflowId}`);
        return (fakes[name] as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  );
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! },
    activities,
  });
  const running = worker.run();
  return {
    taskQueue,
    /** The activities of the workflow `workflowId` are `fakes`'. */
    register(workflowId: string, fakes: FakeActivities) {
      fakesOf.set(workflowId, fakes.build());
    },
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

/** The failure type of the update `p` waits for, which the workflow must refuse (throws if it accepts it). */
export async function refusal(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return (err.cause as { type?: string }).type;
    throw err;
  }
  throw new Error('update was accepted');
}
