import type { Client } from '@temporalio/client';
import type { Db } from './db';
import { applicationIdFromWorkflowId, applicationWorkflowId } from '../workflows/application/contract';
import { bankMatchingWorkflowId } from '../workflows/bankMatching/contract';

/** Why a workflow is on the administrator's list. */
export const STUCK_KINDS = [
  'OVERDUE_TASK',
  'PAYMENT_FAILED',
  'ACTIVITY_RETRYING',
  'WORKFLOW_TASK_FAILING',
  'NEEDS_ATTENTION',
] as const;
export type StuckKind = (typeof STUCK_KINDS)[number];

export interface StuckItem {
  kind: StuckKind;
  applicationId: string | null;
  workflowId: string;
  workflowType: string | null;
  status: string | null;
  reason: string;
  /** Since when the condition holds (due date passed, payment failed, status entered, task scheduled). */
  since: string;
  ageSeconds: number;
  temporalUrl: string;
  /** For retrying activities: the activity, its attempt and the last error. */
  activity?: { type: string; attempt: number; lastFailure: string | null };
}

export interface StuckReport {
  generatedAt: string;
  items: StuckItem[];
  /** Running workflows whose pending activities and workflow task were inspected. */
  scanned: number;
  /** True when more workflows were running than `limit`: the scan is incomplete. */
  truncated: boolean;
}

export interface StuckDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  namespace: string;
  uiUrl: string;
}

export interface StuckOptions {
  /** An activity on this attempt or later counts as failing repeatedly. */
  minAttempts: number;
  /** At most this many running workflows are described. */
  limit: number;
  now?: Date;
}

interface PbTimestamp {
  seconds?: { toNumber(): number } | number | null;
  nanos?: number | null;
}

function fromTimestamp(ts: PbTimestamp | null | undefined): Date | null {
  if (!ts?.seconds) return null;
  const s = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return new Date(s * 1000 + Math.floor((ts.nanos ?? 0) / 1e6));
}

/** A map of the running workflows to inspect, with at most `concurrency` describes at a time. */
async function inBatches<T, R>(items: T[], concurrency: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += concurrency) {
    out.push(...(await Promise.all(items.slice(i, i + concurrency).map(fn))));
  }
  return out;
}

/**
 * What needs an administrator: overdue tasks and failed payments (from the database), activities retrying
 * beyond `minAttempts` and failing workflow tasks (from each running workflow's pending state in Temporal),
 * and whatever else a workflow flagged with NeedsAttention. Each item links to the workflow in the Temporal UI.
 */
export async function findStuck(deps: StuckDeps, opts: StuckOptions): Promise<StuckReport> {
  const now = opts.now ?? new Date();
  const link = (workflowId: string) =>
    `${deps.uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  const item = (i: Omit<StuckItem, 'ageSeconds' | 'temporalUrl'>): StuckItem => ({
    ...i,
    ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(i.since)) / 1000)),
    temporalUrl: link(i.workflowId),
  });
  const items: StuckItem[] = [];

  const overdue = await deps.db.task.findMany({
    where: { state: { in: ['OPEN', 'CLAIMED'] }, dueAt: { lt: now } },
    include: { application: { select: { status: true } } },
    orderBy: { dueAt: 'asc' },
  });
  for (const t of overdue) {
    items.push(
      item({
        kind: 'OVERDUE_TASK',
        applicationId: t.applicationId,
        workflowId: applicationWorkflowId(t.applicationId),
        workflowType: 'applicationWorkflow',
        status: t.application.status,
        reason: `${t.queue} task ${t.assignee ? `claimed by ${t.assignee}` : 'unclaimed'}, due ${t.dueAt.toISOString()}${t.escalatedAt ? ', supervisors told' : ''}`,
        since: t.dueAt.toISOString(),
      }),
    );
  }

  const failed = await deps.db.application.findMany({
    where: { status: 'PAYMENT_FAILED' },
    select: {
      id: true,
      statusChangedAt: true,
      payments: { orderBy: { attempt: 'desc' }, take: 1, select: { attempt: true, failureReason: true } },
    },
    orderBy: { statusChangedAt: 'asc' },
  });
  for (const a of failed) {
    const last = a.payments[0];
    items.push(
      item({
        kind: 'PAYMENT_FAILED',
        applicationId: a.id,
        workflowId: applicationWorkflowId(a.id),
        workflowType: 'applicationWorkflow',
        status: 'PAYMENT_FAILED',
        reason: `payment attempt ${last?.attempt ?? '?'} failed: ${last?.failureReason ?? 'unknown reason'}; retry or cancel`,
        since: a.statusChangedAt.toISOString(),
      }),
    );
  }

  // Running workflows of this system, newest first; each is described for its pending work.
  const running: { workflowId: string; type: string; startTime: Date }[] = [];
  let truncated = false;
  for await (const wf of deps.temporal.workflow.list({
    query: `TaskQueue="${deps.taskQueue}" AND ExecutionStatus="Running"`,
  })) {
    if (running.length >= opts.limit) {
      truncated = true;
      break;
    }
    running.push({ workflowId: wf.workflowId, type: wf.type, startTime: wf.startTime });
  }
  const flagged = new Set<string>();
  for await (const wf of deps.temporal.workflow.list({
    query: `TaskQueue="${deps.taskQueue}" AND ExecutionStatus="Running" AND NeedsAttention=true`,
  })) {
    flagged.add(wf.workflowId);
    if (flagged.size >= opts.limit) break;
  }

  const applicationIdOf = (workflowId: string) =>
    applicationIdFromWorkflowId(workflowId) ??
    (workflowId.startsWith(bankMatchingWorkflowId(''))
      ? workflowId.slice(bankMatchingWorkflowId('').length)
      : null);
  const ids = running.map((r) => applicationIdOf(r.workflowId)).filter((x): x is string => x !== null);
  const apps = new Map(
    (
      await deps.db.application.findMany({
        where: { id: { in: ids } },
        select: { id: true, status: true, statusChangedAt: true, attentionReason: true },
      })
    ).map((a) => [a.id, a]),
  );
  const listed = new Set(items.map((i) => i.workflowId));

  await inBatches(running, 8, async (wf) => {
    const applicationId = applicationIdOf(wf.workflowId);
    const app = applicationId ? apps.get(applicationId) : undefined;
    const isApplication = applicationIdFromWorkflowId(wf.workflowId) !== undefined;
    const base = {
      applicationId,
      workflowId: wf.workflowId,
      workflowType: wf.type,
      status: isApplication ? (app?.status ?? null) : null,
    };
    let raw;
    try {
      raw = (await deps.temporal.workflow.getHandle(wf.workflowId).describe()).raw;
    } catch {
      return; // closed between the list and the describe
    }
    const pendingSince = (app?.statusChangedAt ?? wf.startTime).toISOString();
    for (const a of raw.pendingActivities ?? []) {
      const attempt = a.attempt ?? 1;
      if (attempt < opts.minAttempts) continue;
      const type = a.activityType?.name ?? 'activity';
      const lastFailure = a.lastFailure?.message ?? null;
      items.push(
        item({
          ...base,
          kind: 'ACTIVITY_RETRYING',
          reason: `${type} is on attempt ${attempt}${lastFailure ? `; last error: ${lastFailure}` : ''}`,
          since: pendingSince,
          activity: { type, attempt, lastFailure },
        }),
      );
    }
    const wft = raw.pendingWorkflowTask;
    if (wft && (wft.attempt ?? 1) > 1) {
      items.push(
        item({
          ...base,
          kind: 'WORKFLOW_TASK_FAILING',
          reason: `the workflow task has failed ${(wft.attempt ?? 1) - 1} time(s): see the history's WorkflowTaskFailed event (a code change that breaks replay needs a fix or a reset)`,
          since: (fromTimestamp(wft.originalScheduledTime) ?? wf.startTime).toISOString(),
        }),
      );
    }
    if (flagged.has(wf.workflowId) && !listed.has(wf.workflowId)) {
      items.push(
        item({
          ...base,
          kind: 'NEEDS_ATTENTION',
          reason:
            (isApplication ? app?.attentionReason : null) ??
            'flagged by the workflow (see its current details)',
          since: pendingSince,
        }),
      );
    }
  });

  items.sort((a, b) => b.ageSeconds - a.ageSeconds || a.workflowId.localeCompare(b.workflowId));
  return { generatedAt: now.toISOString(), items, scanned: running.length, truncated };
}
