/**
 * What one step of an application's timeline says to a person, in Chinese and English: the workflow
 * records machine notes (`initial-review; assigned to li`), people read "初审 · 指派给 li". Raw detail
 * stays in the audit trail and the Temporal UI.
 */
import { DECISION_REASON_LABELS, QUEUE_LABELS, type Label } from './labels';
import { formatFen } from './money';
import { REASONS } from './rules/reasons';

export interface TimelineEvent {
  action: string;
  actorRole: string;
  note: string | null;
  data: unknown;
}

const queue = (q: unknown): Label => {
  const code = typeof q === 'string' ? q : '';
  return QUEUE_LABELS[code as keyof typeof QUEUE_LABELS] ?? { zh: code, en: code };
};
const both = (zh: string, en: string): Label => ({ zh, en });
const DECISIONS: Record<string, Label> = {
  approve: both('通过', 'approved'),
  reject: both('不予通过', 'rejected'),
  request_info: both('要求补充材料', 'information requested'),
};
const OUTCOMES: Record<string, Label> = {
  'cap reached': both('年度补贴上限已用完', 'annual cap reached'),
  'budget arrived': both('预算已到位', 'budget arrived'),
  withdrawn: both('申请已撤回', 'withdrawn'),
  cancelled: both('申请已撤销', 'cancelled'),
};

/** Notes written by people (a comment, a reason): shown as they are. */
const HUMAN_NOTES = new Set([
  'SUPPLEMENT_RECEIVED',
  'WITHDRAWN',
  'CANCELLED',
  'PAYMENT_RETRIED',
  'OBJECTION_DECIDED',
]);

export function describeStep(e: TimelineEvent): Label | null {
  const data = (e.data ?? {}) as Record<string, unknown>;
  const note = e.note ?? '';
  switch (e.action) {
    case 'TASK_OPENED': {
      const [, ...rest] = note.split('; ');
      const assignee = rest.find((r) => r.startsWith('assigned to '))?.slice('assigned to '.length);
      const q = queue(data.queue ?? note.split('; ')[0]);
      const unknown = /deadline crosses ([\d, ]+),/.exec(note)?.[1];
      return both(
        [
          q.zh,
          assignee && `由 ${assignee} 继续办理`,
          unknown && `办理时限跨入 ${unknown} 年，该年节假日安排尚未载入（按周一至周五计算）`,
        ]
          .filter(Boolean)
          .join(' · '),
        [
          q.en,
          assignee && `back to ${assignee}`,
          unknown && `deadline crosses ${unknown}: no holiday calendar loaded`,
        ]
          .filter(Boolean)
          .join(' · '),
      );
    }
    case 'TASK_CLAIMED':
    case 'TASK_OVERDUE':
      return queue(data.queue ?? note);
    case 'TASK_UNCLAIMED':
    case 'TASK_ASSIGNED': {
      const m = /^(\S+)(?: to (\S+))?(?: \(was (\S+)\))?$/.exec(note);
      const q = queue(m?.[1]);
      return both(
        [q.zh, m?.[2] && `指派给 ${m[2]}`, m?.[3] && `原领取人 ${m[3]}`].filter(Boolean).join(' · '),
        [q.en, m?.[2] && `to ${m[2]}`, m?.[3] && `was ${m[3]}`].filter(Boolean).join(' · '),
      );
    }
    case 'TASK_DONE': {
      const [q, outcome = ''] = note.split(': ');
      const o = OUTCOMES[outcome] ?? both(outcome, outcome);
      return both(`${queue(q).zh} · ${o.zh}`, `${queue(q).en} · ${o.en}`);
    }
    case 'PRECHECK_DONE':
      return note === 'not eligible'
        ? both('不符合条件', 'not eligible')
        : note.includes('unverified')
          ? both('符合条件（部分信息未能核验，待人工核查）', 'eligible on unverified facts')
          : both('符合条件', 'eligible');
    case 'DECISION': {
      if (e.actorRole === 'system') {
        const codes = note.split(', ').filter((c) => c in REASONS);
        return codes.length
          ? both('自动审核未通过（原因见上）', 'rejected by the rules (reasons above)')
          : null;
      }
      const d = DECISIONS[String(data.decision)] ?? both('', '');
      const reason = DECISION_REASON_LABELS[String(data.reasonCode)];
      const q = queue(data.queue);
      return both(
        [`${q.zh}${d.zh}`, reason?.zh, note].filter(Boolean).join(' · '),
        [`${q.en}: ${d.en}`, reason?.en, note].filter(Boolean).join(' · '),
      );
    }
    case 'PUBLISHED': {
      const until = /until (\S+)/.exec(note)?.[1];
      return until ? both(`公示期至 ${until.slice(0, 10)}`, `until ${until.slice(0, 10)}`) : null;
    }
    case 'PAYMENT_FAILED':
      return note ? both(`失败原因：${note}`, `reason: ${note}`) : null;
    case 'SURVEY_SENT': {
      const round = /survey (\d+)/.exec(note)?.[1];
      return round ? both(`第 ${round} 次跟踪问卷`, `survey ${round}`) : null;
    }
    case 'LOAN_INTEREST_SET': {
      const m = /loan of (\d+) fen for (\d+) months/.exec(note);
      return m
        ? both(
            `贷款需求 ${formatFen(Number(m[1]))}，${m[2]} 个月`,
            `loan ${formatFen(Number(m[1]))}, ${m[2]} months`,
          )
        : null;
    }
    case 'OBJECTION_FILED':
      return both('公示期内收到实名异议', 'an objection was filed during the notice');
    case 'RECOVERY_OPENED':
    case 'RECOVERY_NOTICED':
    case 'RECOVERY_REMINDED':
    case 'RECOVERY_ESCALATED':
    case 'RECOVERY_REPAID':
    case 'RECOVERY_WAIVED':
      return recoveryStep(e.action, note, data);
    default:
      return HUMAN_NOTES.has(e.action) && note ? both(note, note) : null;
  }
}

const fen = (v: unknown): string => (typeof v === 'number' ? formatFen(v) : '');

/** The steps of a recovery case (追回, data/recovery.ts): amounts from the entry's data. */
function recoveryStep(action: string, note: string, data: Record<string, unknown>): Label {
  switch (action) {
    case 'RECOVERY_OPENED':
      return both(`追回补贴 ${fen(data.amountFen)}`, `${fen(data.amountFen)} of the grant to be recovered`);
    case 'RECOVERY_NOTICED':
      return both(
        `已通知退还 ${fen(data.amountFen)}，期限 ${note}`,
        `told to repay ${fen(data.amountFen)} by ${note}`,
      );
    case 'RECOVERY_REMINDED':
      return both(
        `还款期限已到，尚欠 ${fen(data.outstandingFen)}`,
        `deadline passed, ${fen(data.outstandingFen)} outstanding`,
      );
    case 'RECOVERY_ESCALATED':
      return both(
        `逾期未还 ${fen(data.outstandingFen)}，已提交审批人员`,
        `${fen(data.outstandingFen)} unpaid, escalated to an approver`,
      );
    case 'RECOVERY_REPAID':
      return both(
        `已还 ${fen(data.amountFen)}（流水号 ${note}），尚欠 ${fen(data.outstandingFen)}`,
        `${fen(data.amountFen)} repaid (reference ${note}), ${fen(data.outstandingFen)} outstanding`,
      );
    default:
      return both(`核销 ${fen(data.outstandingFen)}：${note}`, `${fen(data.outstandingFen)} waived: ${note}`);
  }
}
