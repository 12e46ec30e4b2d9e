import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { formatFen } from '../domain/money';
import { QUEUE_LABELS, type Queue } from '../domain/roles';
import { queueHeads } from '../data/budgetQueue';
import type { Db } from '../data/db';
import { lastReconciliation } from '../data/evaluationReconcile';
import { applicationIdFromWorkflowId, applicationWorkflowId } from '../workflows/application/contract';
import { bankMatchingWorkflowId } from '../workflows/bankMatching/contract';

/** Why a workflow is on the administrator's list. */
export const STUCK_KINDS = [
  'OVERDUE_TASK',
  'PAYMENT_FAILED',
  'ACTIVITY_RETRYING',
  'WORKFLOW_TASK_FAILING',
  'NEEDS_ATTENTION',
  'BUDGET_QUEUE',
  'EVALUATION_DRIFT',
] as const;
export type StuckKind = (typeof STUCK_KINDS)[number];

export interface StuckItem {
  kind: StuckKind;
  applicationId: string | null;
  workflowId: string;
  workflowType: string | null;
  status: string | null;
  /** Why, in English (kept for outside clients) and in Chinese (the console). */
  reason: string;
  reasonZh: string;
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
        reasonZh: `${queueZh(t.queue)}任务${t.assignee ? `由 ${t.assignee} 领取` : '无人领取'}，已于 ${beijing(t.dueAt)} 到期${t.escalatedAt ? '，已通知主管' : ''}`,
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
        reasonZh: `第 ${last?.attempt ?? '?'} 次支付失败：${last?.failureReason ?? '原因不明'}；请重试或取消`,
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
          reasonZh: `步骤 ${type} 已重试至第 ${attempt} 次${lastFailure ? `；最近的错误见 Temporal 界面` : ''}`,
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
          reasonZh: `流程任务已失败 ${(wft.attempt ?? 1) - 1} 次：请在 Temporal 界面查看 WorkflowTaskFailed 事件（破坏重放的代码变更需要修复或重置）`,
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
          reasonZh: attentionZh(isApplication ? app?.attentionReason : null),
          since: pendingSince,
        }),
      );
    }
  });

  items.push(...(await budgetQueueItems(deps, now)).map(item));
  const drift = await evaluationDrift(deps.db);
  if (drift) items.push({ ...item(drift), temporalUrl: '' }); // no workflow: the runbook says what to do

  items.sort((a, b) => b.ageSeconds - a.ageSeconds || a.workflowId.localeCompare(b.workflowId));
  return { generatedAt: now.toISOString(), items, scanned: running.length, truncated };
}

const queueZh = (queue: string) => QUEUE_LABELS[queue as Queue]?.zh ?? queue;
const beijing = (at: Date) =>
  new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

/** The reasons the application workflow flags (ApplicationProcess.attention), as people read them. */
const ATTENTION_ZH: Record<string, string> = {
  overdue: '任务逾期',
  'payment failed': '支付失败',
  'facts unverified': '登记或保险信息未能核实',
};
function attentionZh(reason: string | null | undefined): string {
  if (!reason) return '流程已标记需要关注（见其当前详情）';
  return reason
    .split('; ')
    .map((r) => ATTENTION_ZH[r] ?? r)
    .join('；');
}

/** Names the evaluation's rollups where other items name a workflow (the console shows it in their place). */
export const EVALUATION_ROLLUPS = 'evaluation-rollups';

/**
 * The last reconciliation of the evaluation's rollups found cells that differ from the rows: the figures of
 * the dashboard, the CSV and the report are off until they are rebuilt (docs/RUNBOOK.md).
 */
async function evaluationDrift(db: Db): Promise<Omit<StuckItem, 'ageSeconds' | 'temporalUrl'> | null> {
  const last = await lastReconciliation(db);
  if (!last || last.driftCells === 0) return null;
  const first = last.drift[0];
  const example = first ? `; first: ${first.kind} ${first.key}` : '';
  return {
    kind: 'EVALUATION_DRIFT',
    applicationId: null,
    workflowId: EVALUATION_ROLLUPS,
    workflowType: null,
    status: null,
    reason: `the evaluation rollups differ from the rows in ${last.driftCells} cell(s) at the reconciliation of ${last.ranAt.toISOString()}${example}: rebuild them (npm run db:rollups -- --rebuild)`,
    reasonZh: `实施效果评估的汇总数据与明细不一致（${last.driftCells} 个单元格，核对于 ${beijing(last.ranAt)}）：评估数字有误，请按运维手册重建汇总`,
    since: last.ranAt.toISOString(),
  };
}

/** A grant from the budget queue not yet told to its workflow after this long is listed. */
const WAKE_GRACE_MS = 30_000;

/**
 * The budget queue's safety net: a first in line whose need the money covers (the queue should have granted
 * it), a first in line whose workflow no longer runs (it blocks everyone behind it), and a grant or refusal
 * from the queue that its workflow has not been told of. The administrator wakes each from the list.
 */
async function budgetQueueItems(
  deps: StuckDeps,
  now: Date,
): Promise<Omit<StuckItem, 'ageSeconds' | 'temporalUrl'>[]> {
  const out: Omit<StuckItem, 'ageSeconds' | 'temporalUrl'>[] = [];
  const base = (applicationId: string) => ({
    kind: 'BUDGET_QUEUE' as const,
    applicationId,
    workflowId: applicationWorkflowId(applicationId),
    workflowType: 'applicationWorkflow',
    status: 'AWAITING_BUDGET',
  });
  for (const h of await queueHeads(deps.db)) {
    const since = (h.waitingSince ?? now).toISOString();
    const line = `first of ${h.length} waiting for the ${h.budgetYear} budget`;
    const lineZh = `${h.budgetYear} 年度预算队列第 1 位（共 ${h.length} 件等待）`;
    if (h.neededFen <= h.availableFen) {
      out.push({
        ...base(h.applicationId),
        reason: `${line}, and the available ${formatFen(h.availableFen)} covers the ${formatFen(h.neededFen)} it needs: wake it`,
        reasonZh: `${lineZh}，可用资金 ${formatFen(h.availableFen)} 已足够其所需 ${formatFen(h.neededFen)}：请唤醒`,
        since,
      });
      continue;
    }
    const running = await deps.temporal.workflow
      .getHandle(applicationWorkflowId(h.applicationId))
      .describe()
      .then(
        (d) => d.status.name === 'RUNNING',
        (err) => !(err instanceof WorkflowNotFoundError), // unreachable Temporal: not a reason to list it
      );
    if (!running) {
      out.push({
        ...base(h.applicationId),
        reason: `${line}, but its workflow no longer runs and everyone behind it waits: waking it gives up its place`,
        reasonZh: `${lineZh}，但其流程已不在运行，后面的申请都在等待：唤醒将让出其位置`,
        since,
      });
    }
  }
  const untold = await deps.db.reservation.findMany({
    where: { wakePending: true, updatedAt: { lt: new Date(now.getTime() - WAKE_GRACE_MS) } },
    select: { applicationId: true, state: true, updatedAt: true },
  });
  for (const r of untold) {
    const granted = r.state === 'RESERVED';
    out.push({
      ...base(r.applicationId),
      reason: `${granted ? 'granted' : 'refused (annual cap used up)'} from the budget queue, but its workflow has not been told: wake it`,
      reasonZh: `已从预算队列${granted ? '获得资金' : '被拒（年度上限已用完）'}，但流程尚未收到通知：请唤醒`,
      since: r.updatedAt.toISOString(),
    });
  }
  return out;
}
