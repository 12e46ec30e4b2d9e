import { formatFen } from './money';
import type { Track } from './status';

/**
 * E-mail texts: Chinese first, with the essentials repeated in English. Pure functions of their parameters,
 * so an outbox row always holds exactly what was rendered when the event happened.
 */
export const TRACK_NAMES: Record<Track, { zh: string; en: string }> = {
  INCLUSIVE: { zh: '普惠型综合科技保险', en: 'Inclusive tech insurance' },
  SRDI: { zh: '专精特新科技保险', en: 'SRDI catalog insurance' },
  FRONTIER: { zh: '集成电路/商业航天专属保险', en: 'Frontier (IC / aerospace) insurance' },
};

export interface EmailContext {
  applicationId: string;
  enterpriseName: string;
  track: Track;
  link: string;
  grantedFen?: number | null;
  computedFen?: number | null;
  comment?: string | null;
  reasons?: { code: string; zh: string; en: string }[];
  deadline?: string | null;
  message?: string | null;
  extra?: Record<string, string | number | null | undefined>;
}

export interface RenderedEmail {
  subject: string;
  text: string;
}

/** An instant as Beijing time, e.g. 2026-12-11 24:00 for the end of that day. */
export function beijingTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const local = new Date(Date.parse(iso) + 8 * 3600_000);
  const [date, time] = local.toISOString().slice(0, 16).split('T') as [string, string];
  if (time === '00:00') {
    const dayBefore = new Date(local.getTime() - 86_400_000).toISOString().slice(0, 10);
    return `${dayBefore} 24:00`;
  }
  return `${date} ${time}`;
}

type Template = (c: EmailContext) => { subjectZh: string; subjectEn: string; zh: string[]; en: string[] };

const reasonLines = (c: EmailContext, lang: 'zh' | 'en'): string[] =>
  (c.reasons ?? []).map((r) => `  - ${lang === 'zh' ? r.zh : r.en} (${r.code})`);

const TEMPLATES = {
  received: (c) => ({
    subjectZh: `已收到您的补贴申请 ${c.applicationId}`,
    subjectEn: `Application ${c.applicationId} received`,
    zh: [
      `${c.enterpriseName}：`,
      `我们已收到您提交的${TRACK_NAMES[c.track].zh}保费补贴申请（编号 ${c.applicationId}），将尽快进行审核。`,
    ],
    en: [
      `We have received your premium subsidy application ${c.applicationId} (${TRACK_NAMES[c.track].en}).`,
    ],
  }),
  approved: (c) => ({
    subjectZh: `补贴申请 ${c.applicationId} 已获批准`,
    subjectEn: `Application ${c.applicationId} approved`,
    zh: [
      `${c.enterpriseName}：`,
      `您的补贴申请 ${c.applicationId} 已获批准${c.grantedFen != null ? `，核定补贴金额 ${formatFen(c.grantedFen)}` : ''}。`,
      ...(c.comment ? [`审核意见：${c.comment}`] : []),
    ],
    en: [
      `Your application ${c.applicationId} has been approved${c.grantedFen != null ? `; granted amount ${formatFen(c.grantedFen)}` : ''}.`,
    ],
  }),
  rejected: (c) => ({
    subjectZh: `补贴申请 ${c.applicationId} 未获通过`,
    subjectEn: `Application ${c.applicationId} rejected`,
    zh: [
      `${c.enterpriseName}：`,
      `很遗憾，您的补贴申请 ${c.applicationId} 未获通过。`,
      ...(c.reasons?.length ? ['原因：', ...reasonLines(c, 'zh')] : []),
      ...(c.comment ? [`审核意见：${c.comment}`] : []),
    ],
    en: [
      `Your application ${c.applicationId} was rejected.`,
      ...(c.reasons?.length ? ['Reasons:', ...reasonLines(c, 'en')] : []),
      ...(c.comment ? [`Reviewer's comment: ${c.comment}`] : []),
    ],
  }),
  info_requested: (c) => ({
    subjectZh: `补贴申请 ${c.applicationId} 需要补充材料`,
    subjectEn: `Application ${c.applicationId}: more information needed`,
    zh: [
      `${c.enterpriseName}：`,
      `审核人员需要您补充以下信息或材料：`,
      `  ${c.message ?? ''}`,
      `请于 ${beijingTime(c.deadline)}（北京时间）前在系统中提交补充材料，逾期未补充的申请将视为撤回。`,
    ],
    en: [
      `The reviewer needs more information: ${c.message ?? ''}`,
      `Please submit it before ${beijingTime(c.deadline)} Beijing time; otherwise the application is withdrawn.`,
    ],
  }),
  supplement_received: (c) => ({
    subjectZh: `已收到申请 ${c.applicationId} 的补充材料`,
    subjectEn: `Application ${c.applicationId}: supplement received`,
    zh: [`${c.enterpriseName}：`, `我们已收到您的补充材料，申请已回到审核流程。`],
    en: ['We have received your supplement; the application is back in review.'],
  }),
  withdrawn: (c) => ({
    subjectZh: `补贴申请 ${c.applicationId} 已撤回`,
    subjectEn: `Application ${c.applicationId} withdrawn`,
    zh: [
      `${c.enterpriseName}：`,
      `您的补贴申请 ${c.applicationId} 已按您的要求撤回。`,
      ...(c.comment ? [`撤回原因：${c.comment}`] : []),
    ],
    en: [`Your application ${c.applicationId} has been withdrawn at your request.`],
  }),
  cancelled: (c) => ({
    subjectZh: `补贴申请 ${c.applicationId} 已被管理部门撤销`,
    subjectEn: `Application ${c.applicationId} cancelled by the administration`,
    zh: [
      `${c.enterpriseName}：`,
      `您的补贴申请 ${c.applicationId} 已由管理部门撤销，预留的补贴资金已释放。`,
      ...(c.comment ? [`原因：${c.comment}`] : []),
      '如有疑问，请联系海淀区科技保险补贴工作联系人。',
    ],
    en: [
      `Your application ${c.applicationId} has been cancelled by the administration; the reserved grant is released.`,
      ...(c.comment ? [`Reason: ${c.comment}`] : []),
    ],
  }),
  withdrawn_deadline: (c) => ({
    subjectZh: `补贴申请 ${c.applicationId} 因逾期未补充材料已撤回`,
    subjectEn: `Application ${c.applicationId} withdrawn: no supplement by the deadline`,
    zh: [
      `${c.enterpriseName}：`,
      `您的补贴申请 ${c.applicationId} 未在 ${beijingTime(c.deadline)}（北京时间）前补充材料，已视为撤回。如需申请，请重新提交。`,
    ],
    en: [
      `No supplement arrived by ${beijingTime(c.deadline)} Beijing time, so application ${c.applicationId} is withdrawn. You may apply again.`,
    ],
  }),
  escalation: (c) => ({
    subjectZh: `【超期提醒】申请 ${c.applicationId} 的${c.extra?.queue ?? ''}任务已超过办理时限`,
    subjectEn: `Overdue: ${c.extra?.queue ?? ''} task of application ${c.applicationId}`,
    zh: [
      `申请 ${c.applicationId}（${c.enterpriseName}）的 ${c.extra?.queue ?? ''} 任务已于 ${beijingTime(String(c.extra?.dueAt ?? ''))}（北京时间）到期，尚未办结。`,
      `当前处理人：${c.extra?.assignee ?? '—'}。请协调处理；系统不会自动作出决定。`,
    ],
    en: [
      `The ${c.extra?.queue ?? ''} task of application ${c.applicationId} was due ${beijingTime(String(c.extra?.dueAt ?? ''))} Beijing time and is still open (assignee: ${c.extra?.assignee ?? '—'}).`,
      'Please see to it; the system never decides by itself.',
    ],
  }),
  published: (c) => ({
    subjectZh: `补贴申请 ${c.applicationId} 已进入公示`,
    subjectEn: `Application ${c.applicationId}: published for public notice`,
    zh: [
      `${c.enterpriseName}：`,
      `您获批的补贴${c.grantedFen != null ? `（${formatFen(c.grantedFen)}）` : ''}已按支持资金公示制度进行公示，公示期至 ${beijingTime(c.deadline)}（北京时间）。公示期满无异议后将拨付资金。`,
    ],
    en: [
      `Your grant is published for public notice until ${beijingTime(c.deadline)} Beijing time; it is paid once the notice ends without a valid objection.`,
    ],
  }),
  objection_upheld: (c) => ({
    subjectZh: `补贴申请 ${c.applicationId}：公示异议成立`,
    subjectEn: `Application ${c.applicationId}: objection upheld`,
    zh: [
      `${c.enterpriseName}：`,
      `经复核，公示期间收到的异议成立，您的补贴申请未获通过，已核定的补贴资金不予拨付。`,
      ...(c.comment ? [`复核意见：${c.comment}`] : []),
    ],
    en: ['An objection filed during the public notice was upheld after review; the grant will not be paid.'],
  }),
  objection_dismissed: (c) => ({
    subjectZh: `补贴申请 ${c.applicationId}：公示异议不成立`,
    subjectEn: `Application ${c.applicationId}: objection dismissed`,
    zh: [`${c.enterpriseName}：`, `经复核，公示期间收到的异议不成立，您的补贴将在公示期满后拨付。`],
    en: [
      'An objection filed during the public notice was dismissed after review; the grant is paid when the notice ends.',
    ],
  }),
  paid: (c) => ({
    subjectZh: `补贴申请 ${c.applicationId} 的补贴资金已拨付`,
    subjectEn: `Application ${c.applicationId}: subsidy paid`,
    zh: [
      `${c.enterpriseName}：`,
      `补贴资金${c.grantedFen != null ? ` ${formatFen(c.grantedFen)}` : ''}已拨付${c.track === 'INCLUSIVE' ? '至承保保险机构（统保保费）' : '至贵企业账户'}。`,
      '后续我们将通过问卷了解保险对企业研发和融资的帮助，感谢支持。',
    ],
    en: [`The subsidy${c.grantedFen != null ? ` of ${formatFen(c.grantedFen)}` : ''} has been paid.`],
  }),
  payment_failed: (c) => ({
    subjectZh: `【拨付失败】申请 ${c.applicationId} 的补贴拨付未成功`,
    subjectEn: `Payment failed: application ${c.applicationId}`,
    zh: [
      `申请 ${c.applicationId}（${c.enterpriseName}）第 ${c.extra?.attempt ?? 1} 次拨付失败，原因：${c.extra?.reason ?? '未知'}。`,
      '请在“拨付异常”队列中核实收款账户后重新拨付，或取消拨付（释放预算）。',
    ],
    en: [
      `Payment attempt ${c.extra?.attempt ?? 1} of application ${c.applicationId} failed (${c.extra?.reason ?? 'unknown'}); correct the account and retry, or cancel, in the payment-exception queue.`,
    ],
  }),
  payment_cancelled: (c) => ({
    subjectZh: `补贴申请 ${c.applicationId} 的拨付已取消`,
    subjectEn: `Application ${c.applicationId}: payment cancelled`,
    zh: [
      `${c.enterpriseName}：`,
      '因收款信息无法核实，补贴拨付已取消。如有疑问请联系区财政局。',
      ...(c.comment ? [`说明：${c.comment}`] : []),
    ],
    en: ['The payment of your subsidy was cancelled because the payee details could not be confirmed.'],
  }),
  survey: (c) => ({
    subjectZh: `科技保险实施效果回访（第 ${c.extra?.round ?? 1} 次）`,
    subjectEn: `Follow-up survey ${c.extra?.round ?? 1} on your technology insurance`,
    zh: [
      `${c.enterpriseName}：`,
      '为评估科技保险政策效果，请花两分钟填写回访问卷（研发进展、理赔情况、获得贷款情况）：',
      `  ${c.extra?.surveyLink ?? ''}`,
      '链接 90 天内有效，仅供贵企业使用。',
    ],
    en: [
      'Please tell us in two minutes how the insurance helped (R&D progress, claims, loans):',
      `  ${c.extra?.surveyLink ?? ''}`,
    ],
  }),
  renewal_reminder: (c) => ({
    subjectZh: `普惠型科技保险即将到期，请及时续保`,
    subjectEn: 'Your inclusive technology insurance ends soon',
    zh: [
      `${c.enterpriseName}：`,
      `您的普惠型综合科技保险将于 ${c.deadline ?? ''} 到期。续保后可继续申请保费补贴（原则上支持三年）。`,
    ],
    en: [
      `Your inclusive technology insurance ends on ${c.deadline ?? ''}; renew it to keep the premium subsidy (up to three years).`,
    ],
  }),
  bank_referral: (c) => ({
    subjectZh: `【保贷联动】海淀区科技保险企业推荐：${c.enterpriseName}`,
    subjectEn: `Loan referral (Haidian tech insurance): ${c.enterpriseName}`,
    zh: [
      `${c.extra?.bankName ?? ''}：`,
      `海淀区科技保险补贴系统向贵行推荐获批补贴的投保企业 ${c.enterpriseName}（申请 ${c.applicationId}）。`,
      `企业概况与融资需求请登录系统查看（推荐编号 ${c.extra?.referralId ?? ''}），并于 ${beijingTime(c.deadline)}（北京时间）前答复授信意向。`,
    ],
    en: [
      `The Haidian tech-insurance programme refers ${c.enterpriseName} to you (referral ${c.extra?.referralId ?? ''}).`,
      `Please answer with your credit decision before ${beijingTime(c.deadline)} Beijing time.`,
    ],
  }),
  loan_offers: (c) => ({
    subjectZh: `保贷联动：合作银行授信意向`,
    subjectEn: 'Loan hand-off: offers from partner banks',
    zh: [
      `${c.enterpriseName}：`,
      '根据您提出的融资需求，合作银行的答复如下：',
      String(c.extra?.offersZh ?? ''),
      '请与银行直接联系办理。',
    ],
    en: ['The partner banks answered your loan request:', String(c.extra?.offersEn ?? '')],
  }),
  bank_overdue: (c) => ({
    subjectZh: `【保贷联动】申请 ${c.applicationId} 的银行答复已逾期`,
    subjectEn: `Loan hand-off of application ${c.applicationId}: banks did not answer in time`,
    zh: [`以下银行未在期限内答复 ${c.enterpriseName} 的推荐：${c.extra?.banks ?? ''}。请跟进。`],
    en: [`These banks did not answer the referral of ${c.enterpriseName} in time: ${c.extra?.banks ?? ''}.`],
  }),
  // A change of the payout account: sent to the address on record at approval and to the one now.
  payee_change_requested: (c) => ({
    subjectZh: `申请 ${c.applicationId} 的收款账户变更申请`,
    subjectEn: `Change of payout account requested for application ${c.applicationId}`,
    zh: [
      `${c.enterpriseName}：`,
      `有人申请将补贴申请 ${c.applicationId} 的收款账户变更，须经财政部门审核后生效。如非贵企业所为，请立即联系管委会。`,
      `原账户：${c.extra?.from ?? ''}`,
      `新账户：${c.extra?.to ?? ''}`,
      `申请人：${c.extra?.by ?? ''}`,
    ],
    en: [
      `A change of the payout account of application ${c.applicationId} was requested by ${c.extra?.by ?? ''}; it takes effect only once finance approves it. If your enterprise did not ask for it, contact the programme at once.`,
      `Current account: ${c.extra?.from ?? ''}; requested: ${c.extra?.to ?? ''}`,
    ],
  }),
  payee_change_decided: (c) => {
    const approved = c.extra?.approved === 1;
    return {
      subjectZh: `申请 ${c.applicationId} 的收款账户变更${approved ? '已生效' : '已被驳回'}`,
      subjectEn: `Change of payout account for application ${c.applicationId} ${approved ? 'in effect' : 'refused'}`,
      zh: [
        `${c.enterpriseName}：`,
        approved
          ? `补贴申请 ${c.applicationId} 的收款账户已变更为 ${c.extra?.to ?? ''}，此后的付款将支付至新账户。`
          : `补贴申请 ${c.applicationId} 的收款账户变更未获批准，付款仍支付至 ${c.extra?.from ?? ''}。`,
        `审核人：${c.extra?.by ?? ''}${c.comment ? `（${c.comment}）` : ''}`,
      ],
      en: [
        approved
          ? `The payout account of application ${c.applicationId} is now ${c.extra?.to ?? ''}; payments from now on go there.`
          : `The change of the payout account of application ${c.applicationId} was refused; payments still go to ${c.extra?.from ?? ''}.`,
      ],
    };
  },
  // Recovery (追回): extra carries amountZh (¥…), deadline (a Beijing day), rule texts and the case id.
  recovery_notice: (c) => ({
    subjectZh: `【补贴追回】申请 ${c.applicationId} 需退还补贴 ${c.extra?.amount ?? ''}`,
    subjectEn: `Recovery: ${c.extra?.amount ?? ''} of the grant of application ${c.applicationId} to repay`,
    zh: [
      `${c.enterpriseName}：`,
      `保险公司报告贵企业补贴申请 ${c.applicationId} 的保单发生变更，依规需退还补贴 ${c.extra?.amount ?? ''}（追回案件 ${c.extra?.caseId ?? ''}）。`,
      `追回规则：${c.extra?.ruleZh ?? ''}`,
      `请于 ${c.extra?.deadline ?? ''}（含）前将款项汇入区财政指定账户，并在附言中注明案件编号。`,
    ],
    en: [
      `The insurer reported a change of the policy of application ${c.applicationId}: ${c.extra?.amount ?? ''} of the grant is to be repaid (case ${c.extra?.caseId ?? ''}) by ${c.extra?.deadline ?? ''}.`,
      `Rule: ${c.extra?.ruleEn ?? ''}`,
    ],
  }),
  recovery_reminder: (c) => ({
    subjectZh: `【补贴追回提醒】申请 ${c.applicationId} 尚有 ${c.extra?.amount ?? ''} 未退还`,
    subjectEn: `Reminder: ${c.extra?.amount ?? ''} of application ${c.applicationId} not yet repaid`,
    zh: [
      `${c.enterpriseName}：`,
      `追回案件 ${c.extra?.caseId ?? ''} 的还款期限 ${c.extra?.deadline ?? ''} 已到，尚有 ${c.extra?.amount ?? ''} 未退还。`,
      '请尽快退还；逾期未还的案件将提交审批人员处理。',
    ],
    en: [
      `The deadline ${c.extra?.deadline ?? ''} of recovery case ${c.extra?.caseId ?? ''} has passed with ${c.extra?.amount ?? ''} outstanding; unpaid cases go to an approver.`,
    ],
  }),
  // Proactive outreach (主动匹配): `link` opens the pre-filled application; no application exists yet.
  outreach_invitation: (c) => ({
    subjectZh: `【政策匹配】贵企业可能符合${c.extra?.year ?? ''}年度${TRACK_NAMES[c.track].zh}补贴条件`,
    subjectEn: `Your enterprise may qualify for the ${c.extra?.year ?? ''} ${TRACK_NAMES[c.track].en} subsidy`,
    zh: [
      `${c.enterpriseName}：`,
      `根据企业登记信息，贵企业可能符合海淀区${c.extra?.year ?? ''}年度${TRACK_NAMES[c.track].zh}保费补贴的申报条件：`,
      `  ${c.extra?.offerZh ?? ''}`,
      '点击下方链接即可查看预填的申请信息并在线申报（链接仅供贵企业使用）。最终以审核结果为准。',
      `如不希望再收到此类政策推送，请点击退订：${c.extra?.unsubscribeLink ?? ''}`,
    ],
    en: [
      `From the enterprise registry, your enterprise may qualify for Haidian's ${c.extra?.year ?? ''} ${TRACK_NAMES[c.track].en} premium subsidy: ${c.extra?.offerEn ?? ''}`,
      'The link above opens your pre-filled application (for your enterprise only); the review decides.',
      `To receive no more of these e-mails: ${c.extra?.unsubscribeLink ?? ''}`,
    ],
  }),
} satisfies Record<string, Template>;

export type EmailTemplate = keyof typeof TEMPLATES;
export const EMAIL_TEMPLATES = Object.keys(TEMPLATES) as EmailTemplate[];

export function renderEmail(template: EmailTemplate, c: EmailContext): RenderedEmail {
  const t = TEMPLATES[template](c);
  const text = [
    ...t.zh,
    '',
    `查看详情 / Details: ${c.link}`,
    '',
    '----',
    ...t.en,
    '',
    '此邮件由海淀区科技保险补贴系统自动发送，请勿直接回复。',
    'This message was sent automatically by the Haidian tech-insurance subsidy system; please do not reply.',
  ].join('\n');
  return { subject: `${t.subjectZh} / ${t.subjectEn}`, text };
}
