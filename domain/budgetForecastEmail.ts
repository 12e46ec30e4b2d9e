import type { Forecast } from './budgetForecast';
import { TRACK_NAMES, type RenderedEmail } from './emails';
import { formatFen } from './money';
import type { Track } from './status';

/** The outbox's template name of the warning. */
export const FORECAST_WARNING_TEMPLATE = 'budget_forecast_warning';

/** 2026-12-20 → 2026年12月20日. */
export function chineseDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** The budget a forecast is of: the year's total (`ALL`) or a track's sub-budget. */
export function budgetName(year: number, track: string): { zh: string; en: string } {
  if (track === 'ALL') return { zh: `${year}年度补贴预算（总额）`, en: `the ${year} subsidy budget (total)` };
  const t = TRACK_NAMES[track as Track];
  return { zh: `${year}年度${t.zh}子预算`, en: `the ${year} sub-budget of ${t.en}` };
}

/**
 * The warning to finance that a budget is projected to run out before the application window closes
 * (sent at most once per budget and week: the outbox key names the week).
 */
export function renderForecastWarning(
  year: number,
  track: string,
  f: Forecast & { exhaustionDay: string; windowCloses: string },
  link: string,
): RenderedEmail {
  const name = budgetName(year, track);
  const zh = [
    '区财政局：',
    `按近 ${f.paceDays / 7} 周（${chineseDay(f.paceFrom)}至今）的审批进度，日均新增占用 ${formatFen(f.paceFenPerDay)}，` +
      `${name.zh}预计于 ${chineseDay(f.exhaustionDay)} 用尽，早于申报窗口关闭日（${chineseDay(f.windowCloses)}）。`,
    `预算总额 ${formatFen(f.totalFen)}，已占用 ${formatFen(f.committedFen)}（其中已拨付 ${formatFen(f.paidFen)}），剩余 ${formatFen(f.remainingFen)}。`,
    '请及时评估是否追加预算：预算用尽后获批的申请将进入“等待预算”队列。本提醒每个预算每周至多发送一次。',
  ];
  const en = [
    `At the pace of the last ${f.paceDays / 7} weeks (${formatFen(f.paceFenPerDay)} a day), ${name.en} runs out on ${f.exhaustionDay}, before the application window closes (${f.windowCloses}).`,
    `Total ${formatFen(f.totalFen)}, committed ${formatFen(f.committedFen)} (paid ${formatFen(f.paidFen)}), remaining ${formatFen(f.remainingFen)}.`,
    'Applications approved once it has run out wait for budget. This warning is sent at most once a week per budget.',
  ];
  const text = [
    ...zh,
    '',
    `查看详情 / Details: ${link}`,
    '',
    '----',
    ...en,
    '',
    '此邮件由海淀区科技保险补贴系统自动发送，请勿直接回复。',
    'This message was sent automatically by the Haidian tech-insurance subsidy system; please do not reply.',
  ].join('\n');
  return {
    subject: `【预算预警】${name.zh}预计于 ${chineseDay(f.exhaustionDay)} 用尽 / Budget warning: ${name.en} runs out on ${f.exhaustionDay}`,
    text,
  };
}
