import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { ApplicationUpdate, EmailRequest, StepRecord } from '../../activities/records';
import { evaluate, type RulesResult } from '../../domain/rules';
import { mayWork, SYSTEM_ACTOR, type Actor, type Queue } from '../../domain/roles';
import type { ApplicationStatus } from '../../domain/status';
import { ApplicationStatusKey, NeedsAttentionKey } from '../searchAttributes';
import {
  claimUpdate,
  decideUpdate,
  stateQuery,
  unclaimUpdate,
  WorkflowErrors,
  type ApplicationWorkflowInput,
  type ClaimInput,
  type DecisionInput,
  type DecisionResult,
  type TaskView,
  type WorkflowErrorType,
} from './contract';

const { record, loadPrecheckContext, loadProduct } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Outside services: transient failures retry with back-off, a bounded number of times. */
function lookups(maximumAttempts: number) {
  return proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '5 minutes',
      maximumAttempts,
      nonRetryableErrorTypes: ['ServiceError'],
    },
  });
}

/** The answer of an outside service, or `unavailable` once its retries are spent or it failed definitively. */
async function orUnavailable<T>(call: () => Promise<T>): Promise<T | 'unavailable'> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ActivityFailure) return 'unavailable';
    throw err;
  }
}

/** Decisions each queue accepts. */
const DECISIONS_BY_QUEUE: Partial<Record<Queue, readonly DecisionInput['decision'][]>> = {
  'initial-review': ['approve', 'reject'],
};

interface PendingDecision extends DecisionInput {
  result?: DecisionResult;
}

function refuse(type: WorkflowErrorType, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

/**
 * One subsidy application from submission to its final status. Every change of state happens here and is
 * projected to the database by the `record` activity; people act through the updates below.
 */
export async function applicationWorkflow(input: ApplicationWorkflowInput): Promise<ApplicationStatus> {
  const { applicationId } = input;
  let status: ApplicationStatus = 'SUBMITTED';
  /** The open task. Known (and claimable) from the moment it is opened; `ready` once its row is written. */
  let task: (TaskView & { deciding: boolean; ready: boolean }) | null = null;
  const view = (t: TaskView): TaskView => ({
    id: t.id,
    queue: t.queue,
    org: t.org,
    assignee: t.assignee,
    dueAt: t.dueAt,
  });
  let seq = 0;
  const inbox: PendingDecision[] = [];
  const awaitingResult: PendingDecision[] = [];

  async function step(s: Omit<StepRecord, 'key' | 'applicationId' | 'at'>) {
    const key = `${applicationId}:${++seq}`;
    const result = await record({ ...s, key, applicationId, at: new Date().toISOString() });
    if (s.toStatus && s.toStatus !== status) {
      status = s.toStatus;
      upsertSearchAttributes([{ key: ApplicationStatusKey, value: status }]);
    }
    return result;
  }

  /** Answers every processed decision with the status the application has come to rest in. */
  function settle(): void {
    for (const d of awaitingResult.splice(0)) d.result = { status };
  }

  function currentTask(taskId: string): NonNullable<typeof task> {
    if (!task || task.id !== taskId)
      refuse(WorkflowErrors.TASK_NOT_CURRENT, `task ${taskId} is not open on this application`);
    if (task.deciding) refuse(WorkflowErrors.INVALID_STATE, 'a decision on this task is being recorded');
    return task;
  }

  setHandler(stateQuery, () => ({ applicationId, status, task: task && view(task) }));

  setHandler(
    claimUpdate,
    async ({ taskId, actor }) => {
      const t = currentTask(taskId);
      if (t.assignee === actor.subject) return view(t);
      t.assignee = actor.subject; // set before awaiting, so a concurrent claim is refused by its validator
      await condition(() => t.ready);
      await step({
        actor,
        action: 'TASK_CLAIMED',
        note: t.queue,
        task: { op: 'claim', id: t.id, assignee: actor.subject },
      });
      return view(t);
    },
    {
      validator: ({ taskId, actor }: ClaimInput) => {
        const t = currentTask(taskId);
        if (!mayWork(actor, t.queue, t.org))
          refuse(WorkflowErrors.WRONG_ROLE, `${actor.role} cannot work ${t.queue} tasks here`);
        if (t.assignee && t.assignee !== actor.subject)
          refuse(WorkflowErrors.ALREADY_CLAIMED, 'task is claimed by someone else');
      },
    },
  );

  setHandler(
    unclaimUpdate,
    async ({ taskId, actor }) => {
      const t = currentTask(taskId);
      if (!t.assignee) return view(t);
      const previous = t.assignee;
      t.assignee = null;
      await condition(() => t.ready);
      await step({
        actor,
        action: 'TASK_UNCLAIMED',
        note: `${t.queue} (was ${previous})`,
        task: { op: 'unclaim', id: t.id },
      });
      return view(t);
    },
    {
      validator: ({ taskId, actor }: ClaimInput) => {
        const t = currentTask(taskId);
        if (!mayWork(actor, t.queue, t.org))
          refuse(WorkflowErrors.WRONG_ROLE, `${actor.role} cannot work ${t.queue} tasks here`);
        if (t.assignee && t.assignee !== actor.subject && !actor.supervisor) {
          refuse(WorkflowErrors.NOT_CLAIMED_BY_CALLER, 'only the claimer or a supervisor may unclaim');
        }
      },
    },
  );

  setHandler(
    decideUpdate,
    async (input) => {
      const d: PendingDecision = { ...input };
      currentTask(input.taskId).deciding = true;
      inbox.push(d);
      await condition(() => d.result !== undefined);
      return d.result!;
    },
    {
      validator: ({ taskId, actor, decision }: DecisionInput) => {
        const t = currentTask(taskId);
        if (!mayWork(actor, t.queue, t.org))
          refuse(WorkflowErrors.WRONG_ROLE, `${actor.role} cannot decide ${t.queue} tasks`);
        if (t.assignee !== actor.subject)
          refuse(WorkflowErrors.NOT_CLAIMED_BY_CALLER, 'claim the task before deciding');
        if (!DECISIONS_BY_QUEUE[t.queue]?.includes(decision)) {
          refuse(WorkflowErrors.INVALID_DECISION, `"${decision}" is not a decision of the ${t.queue} queue`);
        }
      },
    },
  );

  /** Opens a task in a queue and waits for its decision. */
  async function review(queue: Queue, org: string | null, workingDays: number, toStatus: ApplicationStatus) {
    const t = { id: uuid4(), queue, org, assignee: null, dueAt: '', deciding: false, ready: false };
    task = t;
    const opened = await step({
      actor: SYSTEM_ACTOR,
      action: 'TASK_OPENED',
      toStatus,
      note: queue,
      task: { op: 'open', id: t.id, queue, org, workingDays, timeAcceleration: input.timeAcceleration },
    });
    t.dueAt = opened.task!.dueAt;
    t.ready = true;
    settle();
    await condition(() => inbox.length > 0);
    const decision = inbox.shift()!;
    awaitingResult.push(decision);
    return decision;
  }

  /** Records a decision, closing its task, moving to `toStatus` and telling the applicant. */
  async function decided(
    d: DecisionInput,
    toStatus: ApplicationStatus,
    emails: EmailRequest[] = [],
    application?: ApplicationUpdate,
  ) {
    const t = task!;
    task = null;
    await step({
      actor: d.actor,
      action: 'DECISION',
      toStatus,
      note: d.comment,
      data: { queue: t.queue, decision: d.decision, reasonCode: d.reasonCode ?? null },
      task: { op: 'complete', id: t.id, outcome: d.decision },
      application,
      emails,
    });
  }

  const submitter: Actor = { subject: input.submittedBy, role: 'applicant', creditCode: input.creditCode };
  await step({
    actor: submitter,
    action: 'SUBMITTED',
    toStatus: 'SUBMITTED',
    emails: [{ key: `${applicationId}:received`, template: 'received', to: 'applicant' }],
  });

  /** Verifies the facts with the registry and the insurer and applies the rules of the track. */
  async function precheck(): Promise<RulesResult> {
    await step({ actor: SYSTEM_ACTOR, action: 'PRECHECK_STARTED', toStatus: 'PRECHECK' });
    const { lookupEnterprise, lookupPolicy } = lookups(input.lookupAttempts);
    const ctx = await loadPrecheckContext(applicationId);
    const declared = ctx.declaredPolicy;
    const [registry, insurer] = await Promise.all([
      orUnavailable(() => lookupEnterprise(input.creditCode)),
      orUnavailable(() => lookupPolicy(declared.insurerCode, declared.policyNumber)),
    ]);
    const productCode = insurer && insurer !== 'unavailable' ? insurer.productCode : declared.productCode;
    const result = evaluate({
      track: input.track,
      creditCode: input.creditCode,
      submittedAt: ctx.submittedAt,
      program: input.program,
      enterprise: { registry, declared: ctx.declaredEnterprise },
      policy: { insurer, declared },
      product: await loadProduct(productCode),
      documents: ctx.documents,
      history: ctx.history,
      policyInOtherLiveApplication: ctx.policyInOtherLiveApplication,
    });
    const unverified = registry === 'unavailable' || insurer === 'unavailable';
    if (unverified) upsertSearchAttributes([{ key: NeedsAttentionKey, value: true }]);
    await step({
      actor: SYSTEM_ACTOR,
      action: 'PRECHECK_DONE',
      note: result.eligible ? (unverified ? 'eligible on unverified facts' : 'eligible') : 'not eligible',
      data: { eligible: result.eligible, reasons: result.reasons.map((r) => r.code) },
      application: {
        subsidyYear: result.subsidyYear,
        baseFen: result.baseFen,
        computedFen: result.computedFen,
        rateBp: result.rateBp,
        reasons: result.reasons,
        payee: result.payee,
        reviewOrg: result.reviewOrg,
        verifiedFacts: result.facts as unknown as Record<string, unknown>,
        prechecked: true,
      },
    });
    return result;
  }

  const checked = await precheck();
  if (!checked.eligible) {
    await step({
      actor: SYSTEM_ACTOR,
      action: 'DECISION',
      toStatus: 'REJECTED',
      note: checked.reasons
        .filter((r) => r.blocking)
        .map((r) => r.code)
        .join(', '),
      emails: [
        {
          key: `${applicationId}:rejected`,
          template: 'rejected',
          to: 'applicant',
          reasons: checked.reasons.filter((r) => r.blocking),
        },
      ],
    });
    settle();
    return status;
  }

  const sla = input.program.reviewSlaWorkingDays;
  const initial = await review('initial-review', checked.reviewOrg, sla.initial, 'INITIAL_REVIEW');
  if (initial.decision === 'reject') {
    await decided(initial, 'REJECTED', [
      { key: `${applicationId}:rejected`, template: 'rejected', to: 'applicant', comment: initial.comment },
    ]);
  } else {
    await decided(
      initial,
      'APPROVED',
      [{ key: `${applicationId}:approved`, template: 'approved', to: 'applicant', comment: initial.comment }],
      { grantedFen: checked.grantFen },
    );
  }

  settle();
  await condition(allHandlersFinished);
  return status;
}
