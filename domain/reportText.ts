import { shanghaiDate, shanghaiYear } from './calendar';
import { TRACK_NAMES } from './emails';
import type { EvaluationReport } from './evaluation';
import { roundRatio } from './evaluation';
import { TRACKS } from './status';

/**
 * The written summary of the evaluation report (评估报告): a few deterministic sentences in Chinese and in
 * English, made only from the figures of `buildEvaluation` (never recomputed) and the date of writing.
 * Percentages are printed as the evaluation rounded them; amounts are scaled to 万元/亿元 (million/billion
 * CNY in English) with two decimals, rounded half away from zero on the exact fen.
 */
export interface ReportSummary {
  /** The Asia/Shanghai day the figures are stated for, YYYY-MM-DD: today, or 31 December of a past year. */
  asOf: string;
  /** True when the year is over. */
  complete: boolean;
  zh: string[];
  en: string[];
}

const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** 1234567.5 → "1,234,567.5": the number as given, its integer part grouped by thousands. */
export function formatNumber(n: number): string {
  const [int = '0', frac] = String(Math.abs(n)).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

/** Fen in a unit of `perUnit` fen, two decimals (half away from zero, exact), thousands grouped. */
export const fixed2 = (fen: number, perUnit: bigint): string => {
  const value = roundRatio(BigInt(fen), perUnit, 2);
  const [int = '0', frac = ''] = Math.abs(value).toFixed(2).split('.');
  return `${value < 0 ? '-' : ''}${formatNumber(Number(int))}.${frac}`;
};

/** Fen as Chinese money: 元 below 10 000 yuan, 万元 below 100 million, 亿元 above; two decimals. */
export function cnyZh(fen: number): string {
  const abs = Math.abs(fen);
  if (abs >= 10_000_000_000) return `${fixed2(fen, 10_000_000_000n)}亿元`;
  if (abs >= 1_000_000) return `${fixed2(fen, 1_000_000n)}万元`;
  return `${fixed2(fen, 100n)}元`;
}

/** Fen as English money: CNY below a million, then million or billion; two decimals. */
export function cnyEn(fen: number): string {
  const abs = Math.abs(fen);
  if (abs >= 100_000_000_000) return `CNY ${fixed2(fen, 100_000_000_000n)} billion`;
  if (abs >= 100_000_000) return `CNY ${fixed2(fen, 100_000_000n)} million`;
  return `CNY ${fixed2(fen, 100n)}`;
}

export const pct = (n: number): string => `${formatNumber(n)}%`;

/** "2031-03-05" → "2031年3月5日" and "5 March 2031". */
export function dateZh(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}
export function dateEn(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${d} ${MONTHS_EN[m! - 1]} ${y}`;
}

/** The day the figures are stated for: today in Asia/Shanghai, or the last day of a year that is over. */
export function summaryDate(year: number, now: Date): { asOf: string; complete: boolean } {
  return shanghaiYear(now) > year
    ? { asOf: `${year}-12-31`, complete: true }
    : { asOf: shanghaiDate(now), complete: false };
}

const plural = (n: number, one: string, many = `${one}s`) => `${formatNumber(n)} ${n === 1 ? one : many}`;

function premiumSentences(r: EvaluationReport, asOf: string): [string, string] {
  const g = r.premiumGrowthPct;
  const growthZh =
    g === null
      ? '上年无保费，不计算同比增长'
      : g > 0
        ? `较上年增长${pct(g)}`
        : g < 0
          ? `较上年下降${pct(-g)}`
          : '与上年持平';
  const growthEn =
    g === null
      ? 'there was no premium the year before to compare with'
      : g > 0
        ? `up ${pct(g)} on the year before`
        : g < 0
          ? `down ${pct(-g)} on the year before`
          : 'unchanged from the year before';
  return [
    `截至${dateZh(asOf)}，${r.year}年度共有${formatNumber(r.insuredEnterprises)}家企业的` +
      `${formatNumber(r.insuredApplications)}件投保申请获批，其中新增投保企业${formatNumber(r.newInsuredEnterprises)}家；` +
      `保费合计${cnyZh(r.premiumFen)}，${growthZh}。`,
    `As of ${dateEn(asOf)}, ${plural(r.insuredApplications, 'insured application')} of ` +
      `${plural(r.insuredEnterprises, 'enterprise')} had been approved for ${r.year}, ` +
      `${formatNumber(r.newInsuredEnterprises)} of these enterprises insured for the first time; ` +
      `premiums total ${cnyEn(r.premiumFen)}, ${growthEn}.`,
  ];
}

function highTechSentences(r: EvaluationReport): [string, string] {
  const p = r.progress.highTechCoveragePct;
  if (p.actual === null)
    return [
      `高新技术企业覆盖率无法计算（未配置全区高新技术企业总数），目标${pct(p.target)}。`,
      `High-tech enterprise coverage cannot be computed (the district's high-tech enterprise count is not configured); the target is ${pct(p.target)}.`,
    ];
  const of = `${formatNumber(r.highTechInsuredEnterprises)}/${formatNumber(r.highTechEnterpriseTotal)}`;
  const ofEn = `${formatNumber(r.highTechInsuredEnterprises)} of ${formatNumber(r.highTechEnterpriseTotal)}`;
  return [
    `高新技术企业覆盖率${pct(p.actual)}（${of}家），目标${pct(p.target)}` +
      (p.achievedPct === null ? '。' : `，完成${pct(p.achievedPct)}。`),
    `High-tech enterprise coverage is ${pct(p.actual)} (${ofEn}), against a target of ${pct(p.target)}` +
      (p.achievedPct === null ? '.' : `: ${pct(p.achievedPct)} achieved.`),
  ];
}

function riskSentences(r: EvaluationReport): [string, string] {
  const p = r.progress.riskCoverageFen;
  const actual = p.actual ?? r.riskCoverageFen;
  return [
    `风险保额${cnyZh(actual)}，目标${cnyZh(p.target)}` +
      (p.achievedPct === null ? '。' : `，完成${pct(p.achievedPct)}。`),
    `Risk coverage is ${cnyEn(actual)}, against a target of ${cnyEn(p.target)}` +
      (p.achievedPct === null ? '.' : `: ${pct(p.achievedPct)} achieved.`),
  ];
}

function subsidySentences(r: EvaluationReport): [string, string] {
  const paidZh = `已拨付补贴${cnyZh(r.subsidiesPaidFen)}（${formatNumber(r.applicationsPaid)}件申请）`;
  const paidEn = `Subsidies paid in the year: ${cnyEn(r.subsidiesPaidFen)} for ${plural(r.applicationsPaid, 'application')}`;
  const byTrackZh = TRACKS.map((t) => {
    const row = r.byTrack.find((x) => x.track === t);
    return `${TRACK_NAMES[t].zh}${cnyZh(row?.subsidiesPaidFen ?? 0)}`;
  }).join('，');
  const byTrackEn = TRACKS.map((t) => {
    const row = r.byTrack.find((x) => x.track === t);
    return `${TRACK_NAMES[t].en} ${cnyEn(row?.subsidiesPaidFen ?? 0)}`;
  }).join('; ');
  return r.leverage === null
    ? [
        `${paidZh}，尚无拨付，不计算财政资金杠杆。`,
        `${paidEn}; with nothing paid yet, no leverage is computed.`,
      ]
    : [
        `${paidZh}，财政资金杠杆${formatNumber(r.leverage)}倍（风险保额÷已拨付补贴）；按支持方向：${byTrackZh}。`,
        `${paidEn}; leverage ${formatNumber(r.leverage)}× (risk coverage ÷ subsidies paid); by track: ${byTrackEn}.`,
      ];
}

function bankSentences(r: EvaluationReport): [string, string] {
  const b = r.bankMatching;
  if (b.referrals === 0)
    return [
      '保贷联动：本年度尚无银行推荐。',
      'Bank matching: no enterprise was referred to a bank this year.',
    ];
  return [
    `保贷联动：推荐银行${formatNumber(b.referrals)}次，获得授信${formatNumber(b.granted)}次、授信额度${cnyZh(b.creditLineFen)}；` +
      `银行拒绝${formatNumber(b.declined)}次，逾期未答复${formatNumber(b.expired)}次，待答复${formatNumber(b.pending)}次。`,
    `Bank matching: ${plural(b.referrals, 'referral')}, ${formatNumber(b.granted)} granted with credit lines of ` +
      `${cnyEn(b.creditLineFen)}; ${formatNumber(b.declined)} declined, ${formatNumber(b.expired)} expired, ` +
      `${formatNumber(b.pending)} awaiting an answer.`,
  ];
}

function surveySentences(r: EvaluationReport): [string, string] {
  const s = r.surveys;
  if (s.sent === 0) return ['跟踪问卷：本年度尚未发送问卷。', 'Follow-up surveys: none was sent this year.'];
  return [
    `跟踪问卷：发送${formatNumber(s.sent)}份，回复${formatNumber(s.answered)}份；企业报告理赔申请${formatNumber(s.claimsFiled)}次、` +
      `理赔金额${cnyZh(s.claimsPaidFen)}，获得贷款${cnyZh(s.loansObtainedFen)}。`,
    `Follow-up surveys: ${formatNumber(s.sent)} sent, ${formatNumber(s.answered)} answered; enterprises reported ` +
      `${plural(s.claimsFiled, 'claim')} filed, ${cnyEn(s.claimsPaidFen)} in claims paid and ` +
      `${cnyEn(s.loansObtainedFen)} in loans obtained.`,
  ];
}

/** Outreach (主动匹配): said only in a year that had campaigns. */
function outreachSentences(r: EvaluationReport): [string, string][] {
  const c = r.campaigns;
  if (c.campaigns === 0) return [];
  const conversionZh = c.conversionPct === null ? '' : `，转化率${c.conversionPct}%`;
  const conversionEn = c.conversionPct === null ? '' : ` (a conversion of ${c.conversionPct}%)`;
  return [
    [
      `主动匹配：开展${formatNumber(c.campaigns)}次，向${formatNumber(c.enterprisesReached)}家符合条件的企业发出邀请${formatNumber(c.emailed)}份，` +
        `${formatNumber(c.opened)}家打开邀请，产生申请${formatNumber(c.applications)}件${conversionZh}。`,
      `Outreach: ${plural(c.campaigns, 'campaign')} invited ${formatNumber(c.enterprisesReached)} eligible ` +
        `enterprises (${plural(c.emailed, 'e-mail')}); ${formatNumber(c.opened)} opened the invitation and ` +
        `${plural(c.applications, 'application')} followed${conversionEn}.`,
    ],
  ];
}

/** The summary of the year's progress, Chinese sentences first and their English translations. */
export function reportSummary(r: EvaluationReport, now: Date): ReportSummary {
  const { asOf, complete } = summaryDate(r.year, now);
  const pairs = [
    premiumSentences(r, asOf),
    highTechSentences(r),
    riskSentences(r),
    subsidySentences(r),
    bankSentences(r),
    surveySentences(r),
    ...outreachSentences(r),
  ];
  return { asOf, complete, zh: pairs.map((p) => p[0]), en: pairs.map((p) => p[1]) };
}
