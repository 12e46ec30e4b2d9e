/**
 * The administrator's stuck list in words: temporal/stuck.ts writes each reason for the log and the
 * runbook (`initial-review task unclaimed, due 2026-…Z`); people read it in Chinese (or English), with
 * Beijing times. Raw detail stays one click away in the Temporal UI.
 */
import type { Label } from './labels';
import { QUEUE_LABELS } from './roles';

export const PAYMENT_FAILURE_LABELS: Record<string, Label> = {
  ACCOUNT_CLOSED: { zh: '账户已销户', en: 'account closed' },
  NAME_MISMATCH: { zh: '户名不符', en: 'account name does not match' },
  ACCOUNT_MISSING: { zh: '账户不存在', en: 'no such account' },
};

export const STUCK_KIND_LABELS: Record<string, Label> = {
  OVERDUE_TASK: { zh: '任务超期', en: 'Overdue task' },
  PAYMENT_FAILED: { zh: '拨付失败', en: 'Payment failed' },
  ACTIVITY_RETRYING: { zh: '步骤反复重试', en: 'Activity retrying' },
  WORKFLOW_TASK_FAILING: { zh: '流程代码出错', en: 'Workflow task failing' },
  NEEDS_ATTENTION: { zh: '需要关注', en: 'Needs attention' },
  BUDGET_QUEUE: { zh: '预算队列', en: 'Budget queue' },
  EVALUATION_DRIFT: { zh: '评估汇总不一致', en: 'Evaluation rollups drift' },
};

function beijing(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
const queueOf = (q: string): Label => QUEUE_LABELS[q as keyof typeof QUEUE_LABELS] ?? { zh: q, en: q };

/** The stuck item's reason for people; kinds without a sentence here keep temporal/stuck.ts's own Chinese. */
export function describeStuck(item: { kind: string; reason: string; reasonZh?: string }): Label {
  const r = item.reason;
  let m: RegExpExecArray | null;
  if (
    item.kind === 'OVERDUE_TASK' &&
    (m = /^(\S+) task (?:claimed by (\S+)|unclaimed), due (\S+?)(, supervisors told)?$/.exec(r))
  ) {
    const q = queueOf(m[1]!);
    return {
      zh: `${q.zh}任务${m[2] ? `（${m[2]} 已领取）` : '（无人领取）'}已于 ${beijing(m[3]!)}（北京时间）到期${m[4] ? '，已通知队列主管' : ''}`,
      en: `${q.en} task ${m[2] ? `claimed by ${m[2]}` : 'unclaimed'}, due ${beijing(m[3]!)} Beijing time${m[4] ? '; supervisors told' : ''}`,
    };
  }
  if (
    item.kind === 'PAYMENT_FAILED' &&
    (m = /^payment attempt (\S+) failed: (.+); retry or cancel$/.exec(r))
  ) {
    const why = PAYMENT_FAILURE_LABELS[m[2]!];
    return {
      zh: `第 ${m[1]} 次拨付失败：${why ? `${why.zh}（${m[2]}）` : m[2]}。可重试拨付或撤销申请`,
      en: `payment attempt ${m[1]} failed: ${why?.en ?? m[2]}; retry or cancel`,
    };
  }
  if (item.kind === 'ACTIVITY_RETRYING' && (m = /^(\S+) is on attempt (\d+)/.exec(r)))
    return {
      zh: `步骤 ${m[1]} 已重试 ${m[2]} 次，请在 Temporal 中查看错误`,
      en: `${m[1]} is on attempt ${m[2]}: see the error in Temporal`,
    };
  if (item.kind === 'WORKFLOW_TASK_FAILING' && (m = /has failed (\d+) time/.exec(r)))
    return {
      zh: `流程代码已连续出错 ${m[1]} 次，需要开发人员修复或重置流程（见运维手册）`,
      en: `the workflow task failed ${m[1]} time(s): needs a fix or a reset (see the runbook)`,
    };
  if (item.kind === 'NEEDS_ATTENTION')
    return /overdue/.test(r)
      ? { zh: '任务超期，已通知队列主管', en: 'overdue task, supervisors told' }
      : { zh: '流程标记为需要关注，请在 Temporal 中查看', en: 'flagged by the workflow: see Temporal' };
  return { zh: item.reasonZh ?? STUCK_KIND_LABELS[item.kind]?.zh ?? item.kind, en: r };
}
