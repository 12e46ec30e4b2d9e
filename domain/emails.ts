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
