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
  return {
    id: 'chart-high-tech-coverage',
    titleZh,
    titleEn,
    spec: horizontalBars(
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
      `${titleZh} ${titleEn}`,
    ),
  };
}

function riskCoverage(r: EvaluationReport): ChartDef {
  const p = r.progress.riskCoverageFen;
  const actual = p.actual ?? r.riskCoverageFen;
  const unit = Math.max(actual, p.target) >= YI.fen ? YI : WAN;
  const titleZh = `风险保额与目标（${unit.zh}）`;
  const titleEn = `Risk coverage against the target (${unit.en})`;
  const achieved = p.achievedPct === null ? '—' : pct(p.achievedPct);
  return {
    id: 'chart-risk-coverage',
    titleZh,
    titleEn,
    spec: horizontalBars(
      { zh: titleZh, en: titleEn, extra: `完成 Achieved: ${achieved}` },
      [
        { label: '实际 Actual', value: actual / unit.fen, text: inUnit(actual, unit), color: BLUE },
        { label: '目标 Target', value: p.target / unit.fen, text: inUnit(p.target, unit), color: GREY },
      ],
      `风险保额 Risk coverage (${unit.zh})`,
      `${titleZh} ${titleEn}`,
    ),
  };
}

function subsidiesByTrack(r: EvaluationReport): ChartDef {
  const titleZh = '各支持方向已拨付补贴（万元）';
  const titleEn = 'Subsidies paid by track (10,000 CNY)';
  return {
    id: 'chart-subsidies-by-track',
    titleZh,
    titleEn,
    spec: horizontalBars(
      { zh: titleZh, en: titleEn },
      r.byTrack.map((t) => ({
        label: TRACK_NAMES[t.track].zh,
        value: t.subsidiesPaidFen / WAN.fen,
        text: inUnit(t.subsidiesPaidFen, WAN),
      })),
      '已拨付补贴 Subsidies paid (万元)',
      `${titleZh} ${titleEn}`,
    ),
  };
}

function subsidiesByField(r: EvaluationReport): ChartDef {
  const titleZh = '各领域已拨付补贴（万元）';
  const titleEn = 'Subsidies paid by field (10,000 CNY)';
  return {
    id: 'chart-subsidies-by-field',
    titleZh,
    titleEn,
    spec: horizontalBars(
      { zh: titleZh, en: titleEn },
      r.byField.map((f) => ({
        label: FIELD_NAMES[f.field as Field] ?? f.field,
        value: f.subsidiesPaidFen / WAN.fen,
        text: inUnit(f.subsidiesPaidFen, WAN),
        color: GREEN,
      })),
      '已拨付补贴 Subsidies paid (万元)',
      `${titleZh} ${titleEn}`,
    ),
  };
}

function bankMatching(r: EvaluationReport): ChartDef {
  const b = r.bankMatching;
  const titleZh = '保贷联动结果（次）';
  const titleEn = 'Bank-matching outcomes (referrals)';
  return {
    id: 'chart-bank-matching',
    titleZh,
    titleEn,
    spec: horizontalBars(
      { zh: titleZh, en: titleEn, extra: `推荐 Referrals: ${formatNumber(b.referrals)}` },
      [
        { label: '获得授信 Granted', value: b.granted, text: formatNumber(b.granted), color: GREEN },
        { label: '银行拒绝 Declined', value: b.declined, text: formatNumber(b.declined), color: '#b83232' },
        { label: '逾期未答复 Expired', value: b.expired, text: formatNumber(b.expired), color: GREY },
        { label: '待答复 Pending', value: b.pending, text: formatNumber(b.pending), color: BLUE },
      ],
      '次数 Referrals',
      `${titleZh} ${titleEn}`,
      true,
    ),
  };
}

function surveys(r: EvaluationReport): ChartDef {
  const s = r.surveys;
  const titleZh = '跟踪问卷结果（份数与次数）';
  const titleEn = 'Follow-up survey findings (counts)';
  return {
    id: 'chart-surveys',
    titleZh,
    titleEn,
    spec: horizontalBars(
      { zh: titleZh, en: titleEn },
      [
        { label: '已发送问卷 Sent', value: s.sent, text: formatNumber(s.sent), color: GREY },
        { label: '已回复问卷 Answered', value: s.answered, text: formatNumber(s.answered), color: BLUE },
        {
          label: '理赔申请 Claims filed',
          value: s.claimsFiled,
          text: formatNumber(s.claimsFiled),
          color: GREEN,
        },
      ],
      '数量 Count',
      `${titleZh} ${titleEn}`,
      true,
    ),
  };
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
