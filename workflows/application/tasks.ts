import { condition, uuid4 } from '@temporalio/workflow';
import type { ApplicationUpdate, StepRecord } from '../../activities/records';
import { FOUR_EYES_QUEUES, QUEUE_ROLE, SYSTEM_ACTOR, type Queue } from '../../domain/roles';
import type { ApplicationStatus } from '../../domain/status';
import type { DecisionInput } from './contract';
import type { ApplicationProcess, OpenTask } from './process';

/**
 * The tasks people work on an application: opened in a queue with a deadline in working days, escalated
 * once when it passes, closed by a decision (or finished when something else overtook it).
 */

/** Opens a task in a queue (pre-assigned when `assignee` is given), moving to `toStatus`. */
export async function openTask(
  p: ApplicationProcess,
  queue: Queue,
  org: string | null,
  workingDays: number,
  toStatus: ApplicationStatus,
  assignee: string | null = null,
  application?: ApplicationUpdate,
) {
  const t: OpenTask = {
    id: uuid4(),
    queue,
    org,
    assignee,
    dueAt: '',
    deciding: false,
    ready: false,
    escalated: false,
  };
  p.task = t;
  const due = await p.deadline(workingDays);
  t.dueAt = due.dueAt;
  await p.step({
    actor: SYSTEM_ACTOR,
    action: 'TASK_OPENED',
    toStatus,
    note: [queue, assignee && `assigned to ${assignee}`, unknownYearsNote(due.unknownYears)]
      .filter(Boolean)
      .join('; '),
    data: { queue, org, dueAt: due.dueAt, lastDay: due.lastDay },
    task: { op: 'open', id: t.id, queue, org, dueAt: due.dueAt, assignee },
    application,
  });
  t.ready = true;
  return t;
}

/**
 * Waits for the decision on the open task. When the SLA passes, the queue's supervisors are told once and
 * the case is flagged; the task stays with the people and is never decided automatically.
 */
export async function awaitDecision(p: ApplicationProcess, t: OpenTask): Promise<DecisionInput> {
  await awaitPeople(p, t, () => p.decisions.length > 0);
  const d = p.decisions.shift()!;
  p.answered.push(d);
  for (const q of FOUR_EYES_QUEUES) if (q === t.queue) decidersOf(p, q).add(d.input.actor.subject);
  return d.input;
}

function decidersOf(p: ApplicationProcess, queue: Queue): Set<string> {
  let set = p.deciders.get(queue);
  if (!set) p.deciders.set(queue, (set = new Set()));
  return set;
}

/** Waits for `done` while the task is open, escalating it once when its SLA passes. */
export async function awaitPeople(p: ApplicationProcess, t: OpenTask, done: () => boolean): Promise<void> {
  p.settle();
  const untilDue = Date.parse(t.dueAt) - Date.now();
  const inTime = untilDue > 0 && (await condition(done, untilDue));
  if (!inTime && !done()) {
    if (!t.escalated) await escalate(p, t);
    await condition(done);
  }
}

async function escalate(p: ApplicationProcess, t: OpenTask): Promise<void> {
  t.escalated = true;
  const reason = `${t.queue} task overdue since ${t.dueAt}`;
  await p.step({
    actor: SYSTEM_ACTOR,
    action: 'TASK_OVERDUE',
    note: reason,
    task: { op: 'escalate', id: t.id },
    application: { attention: p.attention('overdue', true) },
    emails: [
      {
        key: `${p.applicationId}:escalation:${t.id}`,
        template: 'escalation',
        to: { supervisorsOf: { role: QUEUE_ROLE[t.queue], org: t.org } },
        extra: { queue: t.queue, dueAt: t.dueAt, assignee: t.assignee ?? '—' },
      },
    ],
  });
}

/** Closes the open task with a decision, recording who decided what and why. */
export async function closeTask(p: ApplicationProcess, d: DecisionInput, rest: StepRest = {}) {
  const t = p.task!;
  p.task = null;
  const attention = t.escalated ? p.attention('overdue', false) : undefined;
  await p.step({
    actor: d.actor,
    action: 'DECISION',
    note: d.comment || null,
    data: {
      queue: t.queue,
      decision: d.decision,
      reasonCode: d.reasonCode ?? null,
      appraisal: d.appraisal ?? null,
      infoRequest: d.infoRequest ?? null,
    },
    task: { op: 'complete', id: t.id, outcome: d.decision },
    ...rest,
    application: { ...(attention ? { attention } : {}), ...rest.application },
  });
}

/** Closes the open task without a human decision (it was overtaken, e.g. the budget arrived). */
export async function finishTask(p: ApplicationProcess, outcome: string, rest: StepRest = {}) {
  const t = p.task!;
  p.task = null;
  const attention = t.escalated ? p.attention('overdue', false) : undefined;
  await p.step({
    actor: SYSTEM_ACTOR,
    action: 'TASK_DONE',
    note: `${t.queue}: ${outcome}`,
    task: { op: 'complete', id: t.id, outcome },
    ...rest,
    application: { ...(attention ? { attention } : {}), ...rest.application },
  });
}

export type StepRest = Omit<StepRecord, 'key' | 'applicationId' | 'at' | 'actor' | 'action'>;

function unknownYearsNote(years: number[]): string | null {
  return years.length
    ? `deadline crosses ${years.join(', ')}, for which no official holiday calendar is loaded (weekdays counted)`
    : null;
}
