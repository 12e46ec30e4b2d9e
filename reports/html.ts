import { createHash } from 'node:crypto';
import { shanghaiDate } from '../domain/calendar';
import { TRACK_NAMES } from '../domain/emails';
import type { EvaluationReport } from '../domain/evaluation';
import { FIELD_NAMES, type Field } from '../domain/fields';
import { formatFen } from '../domain/money';
import { formatNumber, pct, type ReportSummary } from '../domain/reportText';
import { siteVisitsSection, type SiteVisitRow } from './siteVisitsSection';
import { inlineFontFaces } from './fonts';
import { REPORT_FONT, type ChartDef } from './charts';

/**
 * The evaluation report as one self-contained, printable HTML page: inline SVG charts, one inline style
 * sheet, no script and nothing fetched, so it is allowed by a CSP of `default-src 'none'` plus the hash of
 * its style sheet. Everything that comes from data is escaped.
 */

export const esc = (value: unknown): string =>
  String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const STYLE = `
@page { size: A4; margin: 14mm 13mm 15mm; }
* { box-sizing: border-box; }
html { font-family: ${REPORT_FONT}; color: #1b1f24; font-size: 10.5pt; line-height: 1.55; background: #fff; }
body { margin: 0 auto; max-width: 190mm; padding: 16px; }
header { border-bottom: 2px solid #1f5fa8; padding-bottom: 6pt; margin-bottom: 12pt; }
h1 { font-size: 17pt; margin: 0; line-height: 1.3; }
h2 { font-size: 12.5pt; margin: 0 0 6pt; color: #1f5fa8; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 10.5pt; margin: 8pt 0 4pt; }
.en { color: #4a5561; }
p { margin: 0 0 5pt; }
.meta { font-size: 9pt; color: #4a5561; margin-top: 4pt; }
section { margin: 0 0 14pt; break-inside: avoid; page-break-inside: avoid; }
.summary p[lang="en"] { color: #4a5561; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6pt; margin: 0; }
.figures div { border: 1px solid #d5dbe1; border-radius: 4px; padding: 5pt 7pt; break-inside: avoid; }
.figures dt { font-size: 8.5pt; color: #4a5561; }
.figures dd { margin: 0; font-size: 12pt; font-weight: 600; }
figure { margin: 4pt 0 6pt; }
figure svg { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin-top: 4pt; }
caption { text-align: left; font-size: 8.5pt; color: #4a5561; padding-bottom: 2pt; }
th, td { border: 1px solid #d5dbe1; padding: 2pt 5pt; text-align: left; vertical-align: top; }
th { background: #f1f4f7; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
.notes { font-size: 8.5pt; color: #4a5561; }
.notes li { margin-bottom: 2pt; }
@media print { body { padding: 0; max-width: none; } }
`;

/** The CSP of a page with this style sheet: nothing at all but the style sheet and its inline fonts. */
const reportCsp = (style: string) =>
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'; font-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

const money = (fen: number) => formatFen(fen);
const signedPct = (n: number | null) => (n === null ? '—' : `${n > 0 ? '+' : ''}${pct(n)}`);
const optPct = (n: number | null) => (n === null ? '—' : pct(n));
const count = (n: number) => formatNumber(n);

interface Column {
  zh: string;
  en: string;
  num?: boolean;
}

function table(caption: string, cols: Column[], rows: string[][], foot?: string[]): string {
  const cell = (tag: 'td' | 'th', v: string, i: number) =>
    `<${tag}${cols[i]?.num ? ' class="num"' : ''}>${esc(v)}</${tag}>`;
  return [
    `<table><caption>${esc(caption)}</caption>`,
    `<thead><tr>${cols.map((c) => `<th${c.num ? ' class="num"' : ''} scope="col">${esc(c.zh)}<br><span class="en" lang="en">${esc(c.en)}</span></th>`).join('')}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${r.map((v, i) => cell(i === 0 ? 'th' : 'td', v, i)).join('')}</tr>`).join('')}</tbody>`,
    foot ? `<tfoot><tr>${foot.map((v, i) => cell(i === 0 ? 'th' : 'td', v, i)).join('')}</tr></tfoot>` : '',
    '</table>',
  ].join('');
}

const BREAKDOWN_COLS: Column[] = [
  { zh: '获批投保申请', en: 'Insured applications', num: true },
  { zh: '新增投保企业', en: 'New insured enterprises', num: true },
  { zh: '保费', en: 'Premium', num: true },
  { zh: '风险保额', en: 'Risk coverage', num: true },
  { zh: '已拨付补贴', en: 'Subsidies paid', num: true },
  { zh: '已拨付申请', en: 'Applications paid', num: true },
];

type BreakdownRow = EvaluationReport['byTrack'][number] | EvaluationReport['byField'][number];
const breakdownCells = (x: BreakdownRow) => [
  count(x.insuredApplications),
  count(x.newInsuredEnterprises),
  money(x.premiumFen),
  money(x.riskCoverageFen),
  money(x.subsidiesPaidFen),
  count(x.applicationsPaid),
];

const monthZh = (key: string) => `${Number(key.slice(5, 7))}月`;
const quarterZh = (key: string) => `第${key.slice(-1)}季度 Q${key.slice(-1)}`;

/** The data under each chart, by chart id: the same figures, exact. */
function chartTables(r: EvaluationReport): Record<string, string> {
  const ht = r.progress.highTechCoveragePct;
  const risk = r.progress.riskCoverageFen;
  const b = r.bankMatching;
  const s = r.surveys;
  const periodCols = (zh: string, en: string): Column[] => [
    { zh, en },
    { zh: '保费', en: 'Premium', num: true },
    { zh: '环比', en: 'On the period before', num: true },
    { zh: '新增投保企业', en: 'New insured enterprises', num: true },
  ];
  return {
    'chart-premium-trend':
      table(
        '按月 By month',
        periodCols('月份', 'Month'),
        r.byMonth.map((m) => [
          `${m.month}（${monthZh(m.month)}）`,
          money(m.premiumFen),
          signedPct(m.growthPct),
          count(m.newInsuredEnterprises),
        ]),
        [
          '全年 Year',
          money(r.premiumFen),
          `${signedPct(r.premiumGrowthPct)}（同比 YoY）`,
          count(r.newInsuredEnterprises),
        ],
      ) +
      table(
        '按季度 By quarter',
        periodCols('季度', 'Quarter'),
        r.byQuarter.map((q) => [
          `${q.quarter}（${quarterZh(q.quarter)}）`,
          money(q.premiumFen),
          signedPct(q.growthPct),
          count(q.newInsuredEnterprises),
        ]),
      ),
    'chart-high-tech-coverage': table(
      '高新技术企业覆盖率 High-tech enterprise coverage',
      [
        { zh: '投保的高新技术企业', en: 'Insured high-tech enterprises', num: true },
        { zh: '全区高新技术企业', en: 'High-tech enterprises in the district', num: true },
        { zh: '覆盖率', en: 'Coverage', num: true },
        { zh: '目标', en: 'Target', num: true },
        { zh: '完成率', en: 'Achieved', num: true },
      ],
      [
        [
          count(r.highTechInsuredEnterprises),
          count(r.highTechEnterpriseTotal),
          optPct(ht.actual),
          pct(ht.target),
          optPct(ht.achievedPct),
        ],
      ],
    ),
    'chart-risk-coverage': table(
      '风险保额 Risk coverage',
      [
        { zh: '风险保额', en: 'Risk coverage', num: true },
        { zh: '目标', en: 'Target', num: true },
        { zh: '完成率', en: 'Achieved', num: true },
        { zh: '财政资金杠杆', en: 'Leverage', num: true },
      ],
      [
        [
          money(risk.actual ?? r.riskCoverageFen),
          money(risk.target),
          optPct(risk.achievedPct),
          r.leverage === null ? '—' : `${formatNumber(r.leverage)}×`,
        ],
      ],
    ),
    'chart-subsidies-by-track': table(
      '按支持方向 By track',
      [{ zh: '支持方向', en: 'Track' }, ...BREAKDOWN_COLS],
      r.byTrack.map((t) => [`${TRACK_NAMES[t.track].zh} ${TRACK_NAMES[t.track].en}`, ...breakdownCells(t)]),
    ),
    'chart-subsidies-by-field': table(
      '按领域 By field',
      [{ zh: '领域', en: 'Field' }, ...BREAKDOWN_COLS],
      r.byField.map((f) => [`${FIELD_NAMES[f.field as Field] ?? f.field} ${f.field}`, ...breakdownCells(f)]),
    ),
    'chart-bank-matching': table(
      '保贷联动 Bank matching',
      [
        { zh: '推荐银行', en: 'Referrals', num: true },
        { zh: '获得授信', en: 'Granted', num: true },
        { zh: '授信额度', en: 'Credit lines', num: true },
        { zh: '银行拒绝', en: 'Declined', num: true },
        { zh: '逾期未答复', en: 'Expired', num: true },
        { zh: '待答复', en: 'Pending', num: true },
      ],
      [
        [
          count(b.referrals),
          count(b.granted),
          money(b.creditLineFen),
          count(b.declined),
          count(b.expired),
          count(b.pending),
        ],
      ],
    ),
    'chart-surveys': table(
      '跟踪问卷 Follow-up surveys',
      [
        { zh: '已发送', en: 'Sent', num: true },
        { zh: '已回复', en: 'Answered', num: true },
        { zh: '理赔申请', en: 'Claims filed', num: true },
        { zh: '理赔金额', en: 'Claims paid', num: true },
        { zh: '获得贷款', en: 'Loans obtained', num: true },
      ],
      [
        [
          count(s.sent),
          count(s.answered),
          count(s.claimsFiled),
          money(s.claimsPaidFen),
          money(s.loansObtainedFen),
        ],
      ],
    ),
  };
}

const SECTION_TITLES: Record<string, [string, string]> = {
  'chart-premium-trend': ['一、保费趋势', 'Premium trend'],
  'chart-high-tech-coverage': ['二、高新技术企业覆盖率', 'High-tech enterprise coverage'],
  'chart-risk-coverage': ['三、风险保额', 'Risk coverage'],
  'chart-subsidies-by-track': ['四、按支持方向的补贴', 'Subsidies by track'],
  'chart-subsidies-by-field': ['五、按领域的补贴', 'Subsidies by field'],
  'chart-bank-matching': ['六、保贷联动', 'Bank matching'],
  'chart-surveys': ['七、跟踪问卷', 'Follow-up surveys'],
};

function keyFigures(r: EvaluationReport): string {
  const items: [string, string, string][] = [
    ['新增投保企业', 'New insured enterprises', count(r.newInsuredEnterprises)],
    [
      '投保企业 / 获批申请',
      'Insured enterprises / applications',
      `${count(r.insuredEnterprises)} / ${count(r.insuredApplications)}`,
    ],
    ['保费', 'Premium', money(r.premiumFen)],
    ['保费同比', 'Premium on the year before', signedPct(r.premiumGrowthPct)],
    ['风险保额', 'Risk coverage', money(r.riskCoverageFen)],
    ['已拨付补贴', 'Subsidies paid', money(r.subsidiesPaidFen)],
    ['财政资金杠杆', 'Leverage', r.leverage === null ? '—' : `${formatNumber(r.leverage)}×`],
    ['高新技术企业覆盖率', 'High-tech coverage', optPct(r.highTechCoveragePct)],
  ];
  return `<dl class="figures">${items
    .map(
      ([zh, en, v]) => `<div><dt>${esc(zh)} <span class="en">${esc(en)}</span></dt><dd>${esc(v)}</dd></div>`,
    )
    .join('')}</dl>`;
}

const NOTES: [string, string][] = [
  [
    '获批投保申请：经终审获批且仍持有补贴的申请，按提交时间（北京时间）计入年度与月份。',
    'Insured applications: approved at final approval and still holding their grant, counted in the year and month (Beijing time) of submission.',
  ],
  [
    '已拨付补贴：当年实际支付成功的补贴（收付实现制）；财政资金杠杆 = 风险保额 ÷ 已拨付补贴。',
    'Subsidies paid: payments that succeeded in the year (cash basis); leverage = risk coverage ÷ subsidies paid.',
  ],
  [
    '高新技术企业覆盖率 = 投保的国家高新技术企业数 ÷ 全区高新技术企业总数（配置项）。',
    'High-tech coverage = insured national high-tech enterprises ÷ high-tech enterprises in the district (a configured count).',
  ],
];

export interface ReportPage {
  report: EvaluationReport;
  summary: ReportSummary;
  charts: ChartDef[];
  /** The SVG of each chart, in the order of `charts`. */
  svgs: string[];
  generatedAt: Date;
  /** The year's site visits by track (none: the section is left out). */
  siteVisits?: readonly SiteVisitRow[];
}

/**
 * The page and its Content-Security-Policy; `lang` is Chinese, the English parts carry `lang="en"`. The
 * page carries Noto Sans SC for the characters it shows, inline (reports/fonts.ts): the file is read and
 * printed the same wherever it is opened, with or without fonts or a network.
 */
export function reportHtml({ report: r, summary, charts, svgs, generatedAt, siteVisits }: ReportPage): {
  html: string;
  csp: string;
} {
  const tables = chartTables(r);
  const stamp = `${shanghaiDate(generatedAt)} ${new Date(generatedAt.getTime() + 8 * 3600_000).toISOString().slice(11, 16)}`;
  const chartSections = charts.map((c, i) => {
    const [zh, en] = SECTION_TITLES[c.id] ?? [c.titleZh, c.titleEn];
    return [
      `<section class="chart" id="section-${esc(c.id.replace(/^chart-/, ''))}">`,
      `<h2>${esc(zh)} <span class="en" lang="en">${esc(en)}</span></h2>`,
      `<figure>${svgs[i] ?? ''}</figure>`,
      tables[c.id] ?? '',
      '</section>',
    ].join('');
  });
  const title = `<title>${r.year}年度海淀区科技保险实施效果评估报告 Evaluation report ${r.year}</title>`;
  const body = [
    `<body data-year="${r.year}" data-generated-at="${esc(generatedAt.toISOString())}">`,
    '<header>',
    `<h1>海淀区科技保险保费补贴 ${r.year} 年度实施效果评估报告</h1>`,
    `<p class="en" lang="en">Haidian technology-insurance premium subsidy: evaluation report ${r.year}</p>`,
    `<p class="meta">数据截至 Figures as of ${esc(summary.asOf)}${summary.complete ? '（全年 full year）' : ''} · 生成时间 Generated <time datetime="${esc(generatedAt.toISOString())}">${esc(stamp)}</time>（北京时间 UTC+8）</p>`,
    '</header>',
    '<section class="summary" id="summary">',
    '<h2>摘要 <span class="en" lang="en">Summary</span></h2>',
    ...summary.zh.map((s) => `<p lang="zh-CN">${esc(s)}</p>`),
    ...summary.en.map((s) => `<p lang="en">${esc(s)}</p>`),
    '</section>',
    '<section id="key-figures">',
    '<h2>主要指标 <span class="en" lang="en">Key figures</span></h2>',
    keyFigures(r),
    '</section>',
    ...chartSections,
    siteVisits ? siteVisitsSection(r.year, siteVisits, table) : '',
    '<section class="notes" id="notes">',
    '<h2>说明 <span class="en" lang="en">Notes</span></h2>',
    `<ul>${NOTES.map(([zh, en]) => `<li>${esc(zh)}<br><span class="en" lang="en">${esc(en)}</span></li>`).join('')}</ul>`,
    '</section>',
    '</body>',
  ].join('\n');
  const style = `${inlineFontFaces(title + body)}\n${STYLE}`;
  const head = [
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    title,
    `<style>${style}</style>`,
    '</head>',
  ];
  return {
    html: ['<!doctype html>', '<html lang="zh-CN">', ...head, body, '</html>'].join('\n'),
    csp: reportCsp(style),
  };
}
