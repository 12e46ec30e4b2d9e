import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { EmailRequest, StepRecord } from '../../activities/records';
import { COMMITTEE_ORG, mayWork, SYSTEM_ACTOR, type Actor, type Queue } from '../../domain/roles';
import type { ApplicationStatus } from '../../domain/status';
import { ApplicationStatusKey } from '../searchAttributes';
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

const { record } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

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
  let task: (TaskView & { deciding: boolean }) | null = null;
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

  function currentTask(taskId: string): TaskView & { deciding: boolean } {
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
    const opened = await step({
      actor: SYSTEM_ACTOR,
      action: 'TASK_OPENED',
      toStatus,
      note: queue,
      task: { op: 'open', id: uuid4(), queue, org, workingDays, timeAcceleration: input.timeAcceleration },
    });
    task = { ...opened.task!, deciding: false };
    settle();
    await condition(() => inbox.length > 0);
    const decision = inbox.shift()!;
    awaitingResult.push(decision);
    return decision;
  }

  /** Records a decision, closing its task, moving to `toStatus` and telling the applicant. */
  async function decided(d: DecisionInput, toStatus: ApplicationStatus, emails: EmailRequest[] = []) {
    const t = task!;
    task = null;
    await step({
      actor: d.actor,
      action: 'DECISION',
      toStatus,
      note: d.comment,
      data: { queue: t.queue, decision: d.decision, reasonCode: d.reasonCode ?? null },
      task: { op: 'complete', id: t.id, outcome: d.decision },
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

  const sla = input.program.reviewSlaWorkingDays;
  const initial = await review('initial-review', COMMITTEE_ORG, sla.initial, 'INITIAL_REVIEW');
  if (initial.decision === 'reject') {
    await decided(initial, 'REJECTED', [
      { key: `${applicationId}:rejected`, template: 'rejected', to: 'applicant', comment: initial.comment },
    ]);
  } else {
    await decided(initial, 'APPROVED', [
      { key: `${applicationId}:approved`, template: 'approved', to: 'applicant', comment: initial.comment },
    ]);
  }

  settle();
  await condition(allHandlersFinished);
  return status;
}
