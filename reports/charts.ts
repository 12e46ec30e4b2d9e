import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { TRACK_NAMES } from '../domain/emails';
import type { EvaluationReport } from '../domain/evaluation';
import { FIELD_NAMES, type Field } from '../domain/fields';
import { fixed2, formatNumber, pct } from '../domain/reportText';
import { FONT_FAMILY } from './fonts';
import { limiter } from './limit';

/**
 * The charts of the evaluation report as Vega-Lite specifications (data inline, nothing fetched), drawn to
 * SVG on the server by vega in a worker thread. Each chart's title is part of its SVG, so a printed report
 * shows a chart's title only where the chart itself is.
 */
export interface ChartDef {
  /** The `id` of the chart's <svg> in the report. */
  id: string;
  titleZh: string;
  titleEn: string;
  spec: TopLevelSpec;
}

/** Noto Sans SC, which the report page carries inline (reports/fonts.ts): no font of the machine is used. */
export const REPORT_FONT = `"${FONT_FAMILY}", sans-serif`;

const BLUE = '#1f5fa8';
const GREY = '#9aa5b1';
const GREEN = '#2e8540';

/** Amounts plotted in 万元 (10 000 CNY) or 亿元 (100 million CNY); the labels are exact. */
type Unit = { fen: number; zh: string; en: string };
const WAN: Unit = { fen: 1_000_000, zh: '万元', en: '10,000 CNY' };
const YI: Unit = { fen: 10_000_000_000, zh: '亿元', en: '100 million CNY' };

/** The label of an amount in a unit, as the summary rounds it (the plotted value may be a float). */
const inUnit = (fen: number, unit: Unit): string => fixed2(fen, BigInt(unit.fen));

const config = {
  font: REPORT_FONT,
  background: 'white',
  view: { stroke: null },
  title: { fontSize: 14, subtitleFontSize: 11, anchor: 'start', subtitleColor: '#444', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: 260, grid: true, gridColor: '#e5e7eb' },
} as const;

/** Upper end of a quantitative axis: never an empty [0, 0] domain. */
const domainMax = (values: number[]) => Math.max(...values, 0) || 1;

interface Bar {
  label: string;
  value: number;
  text: string;
  color?: string;
}

/** Horizontal bars with their exact value written next to each. */
/** A chart of horizontal bars under its title in Chinese and English (also its description). */
function barChart(
  id: string,
  title: { zh: string; en: string; extra?: string },
  bars: Bar[],
  axisTitle: string,
  counts = false,
): ChartDef {
  return {
    id,
    titleZh: title.zh,
    titleEn: title.en,
    spec: horizontalBars(title, bars, axisTitle, `${title.zh} ${title.en}`, counts),
  };
}

function horizontalBars(
  title: { zh: string; en: string; extra?: string },
  bars: Bar[],
  axisTitle: string,
  description: string,
  counts = false,
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description,
    title: { text: title.zh, subtitle: title.extra ? [title.en, title.extra] : title.en },
    width: 460,
    height: { step: 26 },
    config,
    data: { values: bars.map((b) => ({ ...b, color: b.color ?? BLUE })) },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: bars.map((b) => b.label), title: null },
      x: {
        field: 'value',
        type: 'quantitative',
        title: axisTitle,
        scale: { domain: [0, domainMax(bars.map((b) => b.value)) * 1.15] },
        ...(counts ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
      },
    },
    layer: [
      { mark: { type: 'bar', height: { band: 0.7 } }, encoding: { color: { field: 'color', scale: null } } },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: { text: { field: 'text' } },
      },
    ],
  };
}

function premiumTrend(r: EvaluationReport): ChartDef {
  const titleZh = `${r.year}年月度保费（万元）`;
  const titleEn = `Premium by month, ${r.year} (10,000 CNY)`;
  const values = r.byMonth.map((m) => ({
    month: m.month,
    value: m.premiumFen / WAN.fen,
    text: m.premiumFen ? inUnit(m.premiumFen, WAN) : '',
  }));
  return {
    id: 'chart-premium-trend',
    titleZh,
    titleEn,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      description: `${titleZh} ${titleEn}`,
      title: { text: titleZh, subtitle: titleEn },
      width: 560,
      height: 220,
      config,
      data: { values },
      encoding: {
        x: {
          field: 'month',
          type: 'ordinal',
          sort: values.map((v) => v.month),
          title: '月份 Month',
          axis: { labelAngle: -40 },
        },
        y: {
          field: 'value',
          type: 'quantitative',
          title: '保费 Premium (万元)',
          scale: { domain: [0, domainMax(values.map((v) => v.value)) * 1.15] },
        },
      },
      layer: [
        { mark: { type: 'bar', color: BLUE, width: { band: 0.7 } } },
        { mark: { type: 'line', color: '#c05621', point: { color: '#c05621', size: 24 } } },
        { mark: { type: 'text', dy: -8, fontSize: 10 }, encoding: { text: { field: 'text' } } },
      ],
    },
  };
}

function highTechCoverage(r: EvaluationReport): ChartDef {
  const p = r.progress.highTechCoveragePct;
  const titleZh = '高新技术企业覆盖率与目标（%）';
  const titleEn = 'High-tech enterprise coverage against the target (%)';
  const achieved = p.achievedPct === null ? '—' : pct(p.achievedPct);
  return barChart(
    'chart-high-tech-coverage',
    { zh: titleZh, en: titleEn, extra: `完成 Achieved: ${achieved}` },
    [
      {
        label: '实际 Actual',
        value: p.actual ?? 0,
        text: p.actual === null ? '—' : pct(p.actual),
        color: BLUE,
      },
      { label: '目标 Target', value: p.target, text: pct(p.target), color: GREY },
    ],
    '覆盖率 Coverage (%)',
  );
}

function riskCoverage(r: EvaluationReport): ChartDef {
  const p = r.progress.riskCoverageFen;
  const actual = p.actual ?? r.riskCoverageFen;
  const unit = Math.max(actual, p.target) >= YI.fen ? YI : WAN;
  const titleZh = `风险保额与目标（${unit.zh}）`;
  const titleEn = `Risk coverage against the target (${unit.en})`;
  const achieved = p.achievedPct === null ? '—' : pct(p.achievedPct);
  return barChart(
    'chart-risk-coverage',
    { zh: titleZh, en: titleEn, extra: `完成 Achieved: ${achieved}` },
    [
      { label: '实际 Actual', value: actual / unit.fen, text: inUnit(actual, unit), color: BLUE },
      { label: '目标 Target', value: p.target / unit.fen, text: inUnit(p.target, unit), color: GREY },
    ],
    `风险保额 Risk coverage (${unit.zh})`,
  );
}

/** Subsidies paid per row (a track, a field), in 万元. */
function subsidiesPaid(
  id: string,
  title: { zh: string; en: string },
  rows: { label: string; fen: number }[],
  color?: string,
): ChartDef {
  const bars = rows.map((x) => ({ label: x.label, value: x.fen / WAN.fen, text: inUnit(x.fen, WAN), color }));
  return barChart(id, title, bars, '已拨付补贴 Subsidies paid (万元)');
}

const subsidiesByTrack = (r: EvaluationReport): ChartDef =>
  subsidiesPaid(
    'chart-subsidies-by-track',
    { zh: '各支持方向已拨付补贴（万元）', en: 'Subsidies paid by track (10,000 CNY)' },
    r.byTrack.map((t) => ({ label: TRACK_NAMES[t.track].zh, fen: t.subsidiesPaidFen })),
  );

const subsidiesByField = (r: EvaluationReport): ChartDef =>
  subsidiesPaid(
    'chart-subsidies-by-field',
    { zh: '各领域已拨付补贴（万元）', en: 'Subsidies paid by field (10,000 CNY)' },
    r.byField.map((f) => ({ label: FIELD_NAMES[f.field as Field] ?? f.field, fen: f.subsidiesPaidFen })),
    GREEN,
  );

/** A chart of counts: each bar is a label, its number and its colour. */
function countChart(
  id: string,
  title: { zh: string; en: string; extra?: string },
  bars: [label: string, n: number, color: string][],
  axisTitle: string,
): ChartDef {
  const counted = bars.map(([label, n, color]) => ({ label, value: n, text: formatNumber(n), color }));
  return barChart(id, title, counted, axisTitle, true);
}

function bankMatching(r: EvaluationReport): ChartDef {
  const b = r.bankMatching;
  return countChart(
    'chart-bank-matching',
    {
      zh: '保贷联动结果（次）',
      en: 'Bank-matching outcomes (referrals)',
      extra: `推荐 Referrals: ${formatNumber(b.referrals)}`,
    },
    [
      ['获得授信 Granted', b.granted, GREEN],
      ['银行拒绝 Declined', b.declined, '#b83232'],
      ['逾期未答复 Expired', b.expired, GREY],
      ['待答复 Pending', b.pending, BLUE],
    ],
    '次数 Referrals',
  );
}

function surveys(r: EvaluationReport): ChartDef {
  const s = r.surveys;
  return countChart(
    'chart-surveys',
    { zh: '跟踪问卷结果（份数与次数）', en: 'Follow-up survey findings (counts)' },
    [
      ['已发送问卷 Sent', s.sent, GREY],
      ['已回复问卷 Answered', s.answered, BLUE],
      ['理赔申请 Claims filed', s.claimsFiled, GREEN],
    ],
    '数量 Count',
  );
}

/** Every chart of the report, in the order of the report. */
export function reportCharts(r: EvaluationReport): ChartDef[] {
  return [
    premiumTrend(r),
    highTechCoverage(r),
    riskCoverage(r),
    subsidiesByTrack(r),
    subsidiesByField(r),
    bankMatching(r),
    surveys(r),
  ];
}

const WORKER_FILE = path.join(__dirname, 'chartWorker.mjs');

/** Chart workers at once, and requests that may wait for one. */
const limited = limiter(2, 16);

/**
 * Draws the specifications to SVG in a worker thread of its own, which ends when done (or is stopped at the
 * timeout).
 */
export function renderSvgs(specs: TopLevelSpec[], timeoutMs = 30_000): Promise<string[]> {
  return limited(() => drawInWorker(specs, timeoutMs));
}

function drawInWorker(specs: TopLevelSpec[], timeoutMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // A plain Node worker: the worker file is JavaScript, so no TypeScript loader is passed on to it.
    const worker = new Worker(WORKER_FILE, { workerData: { specs }, execArgv: [] });
    const timer = setTimeout(() => {
      reject(new Error(`chart rendering took longer than ${timeoutMs} ms`));
      void worker.terminate();
    }, timeoutMs);
    worker.once('message', (svgs: string[]) => {
      clearTimeout(timer);
      resolve(svgs);
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the chart worker stopped (exit code ${code}) before it answered`));
    });
  });
}

const escapeAttr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The charts as inline SVG, each with its id, `role="img"` and a bilingual accessible name. */
export async function renderCharts(charts: ChartDef[]): Promise<string[]> {
  const svgs = await renderSvgs(charts.map((c) => c.spec));
  return svgs.map((svg, i) => {
    const chart = charts[i]!;
    const label = `${chart.titleZh} ${chart.titleEn}`;
    if (!svg.startsWith('<svg ')) throw new Error(`chart ${chart.id}: vega did not draw an SVG`);
    return `<svg id="${escapeAttr(chart.id)}" role="img" aria-label="${escapeAttr(label)}" ${svg.slice(5)}`;
  });
}
