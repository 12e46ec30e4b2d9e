import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { shanghaiYear } from '../../domain/calendar';
import { TRACK_NAMES } from '../../domain/emails';
import { FIELD_NAMES } from '../../domain/fields';
import { reportSummary } from '../../domain/reportText';
import { reportCharts } from '../../reports/charts';
import { esc } from '../../reports/html';
import { findChromium, SYSTEM_CHROMIUM_COMMANDS } from '../../reports/chromium';
import { launchBrowser, signedInPage } from '../helpers/browser';
import { EMPTY_FONT_CONFIG } from '../helpers/hermetic';
import { creditCode } from '../helpers/fixtures';
import {
  applicationRow,
  enterpriseRow,
  highTechFacts,
  paymentRow,
  referralRow,
  surveyRow,
} from '../helpers/evaluationRows';
import { ApiClient, as, eventually, stackPerFile, startStack, type TestStack } from '../helpers/stack';
import { approvedApplication } from '../helpers/world';

/**
 * The evaluation report (评估报告) on the real stack: two inclusive applications approved, published and paid
 * by their workflows, and a frontier and an SRDI application (with a payment, bank referrals and a survey)
 * written into the database the way test/integration/evaluation.test.ts builds its data. The report's figures
 * are the evaluation endpoint's, in HTML and PDF.
 */
let stack: TestStack;
let admin: ApiClient;
let finance: ApiClient;
const YEAR = shanghaiYear(new Date());
const PAID_BY_WORKFLOW: string[] = [];

const SRDI_CODE = creditCode();
const FRONTIER_CODE = creditCode();

const statusOf = async (id: string) =>
  (await stack.db.application.findUniqueOrThrow({ where: { id } })).status;

// A notice period of five working days passes in seconds; follow-up surveys (6 months) come long after.
stackPerFile(
  async (s) => {
    stack = s;
    admin = await as(stack, { role: 'admin' });
    finance = await as(stack, { role: 'finance' });
  },
  { TIME_ACCELERATION: '75000', PAYMENT_POLL_SECONDS: '30' },
);

beforeAll(async () => {
  // Two inclusive applications through the whole process: reviews, public notice, payment.
  for (let i = 0; i < 2; i++) PAID_BY_WORKFLOW.push((await approvedApplication(stack)).id);
  expect((await admin.post('/api/v1/admin/notices/publish')).status).toBe(201);
  for (const id of PAID_BY_WORKFLOW)
    await eventually(
      () => statusOf(id),
      (s) => s === 'TRACKING',
      90_000,
    );
  // Bank referrals of the pilot settle (answered or expired) before the figures are read.
  await eventually(
    () => stack.db.bankReferral.count({ where: { applicationId: { in: PAID_BY_WORKFLOW }, status: 'SENT' } }),
    (n) => n === 0,
    90_000,
  );

  const older = { size: 'MEDIUM', foundedOn: new Date('2015-05-01') } as const;
  await enterpriseRow(stack.db, SRDI_CODE, '北京丙生物医药有限公司', 'BIOMEDICINE', older);
  await enterpriseRow(stack.db, FRONTIER_CODE, '北京乙芯片有限公司', 'INTEGRATED_CIRCUIT', older);
  // The frontier enterprise is a high-tech one.
  const highTech = highTechFacts(`${YEAR - 1}-11-01`, `${YEAR + 2}-10-31`);
  for (const [id, code, track, status, submitted, approved, premiumFen, sumInsuredFen, grantedFen] of [
    ['R0001', SRDI_CODE, 'SRDI', 'PAID', '01-20', '02-01', 4_000_000, 1_500_000_000, 2_000_000],
    ['R0002', FRONTIER_CODE, 'FRONTIER', 'TRACKING', '03-10', '03-25', 10_000_000, 3_000_000_000, 5_000_000],
  ] as const)
    await applicationRow(stack.db, {
      id: `HD-${YEAR}-${id}`,
      creditCode: code,
      track,
      status,
      programYear: YEAR,
      createdAt: `${YEAR}-${submitted}T02:00:00Z`,
      approvedAt: `${YEAR}-${approved}T02:00:00Z`,
      premiumFen,
      sumInsuredFen,
      grantedFen,
      verifiedFacts: track === 'FRONTIER' ? highTech : undefined,
    });
  await paymentRow(stack.db, [`HD-${YEAR}-R0001`, 1, 'SUCCEEDED', 2_000_000, `${YEAR}-02-15T03:00:00Z`]);
  await paymentRow(stack.db, [`HD-${YEAR}-R0002`, 1, 'SUCCEEDED', 5_000_000, `${YEAR}-04-01T03:00:00Z`]);
  for (const [id, applicationId, status, creditLineFen] of [
    ['RPT-R1', `HD-${YEAR}-R0002`, 'GRANTED', 300_000_000],
    ['RPT-R2', `HD-${YEAR}-R0001`, 'DECLINED', undefined],
  ] as const)
    await referralRow(stack.db, {
      id,
      applicationId,
      bankCode: 'BOB',
      status,
      createdAt: `${YEAR}-04-02T02:00:00Z`,
      deadlineAt: `${YEAR}-05-01T02:00:00Z`,
      creditLineFen,
    });
  await surveyRow(stack.db, {
    applicationId: `HD-${YEAR}-R0001`,
    round: 1,
    sentAt: `${YEAR}-08-01T02:00:00Z`,
    answer: {
      claimsFiled: 1,
      claimsPaidFen: 500_000,
      loansObtainedFen: 20_000_000,
      answeredAt: `${YEAR}-08-03T02:00:00Z`,
    },
  });
}, 300_000);

const report = (client: ApiClient, query: string, headers: Record<string, string> = {}) =>
  fetch(`${stack.baseUrl}/api/v1/metrics/report?${query}`, {
    headers: { authorization: `Bearer ${client.token}`, ...headers },
  });

/** The <svg> element with this id, whole. */
function svgById(html: string, id: string): string {
  const start = html.indexOf(`<svg id="${id}"`);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</svg>', start) + '</svg>'.length);
}

/** Text as compared across HTML and PDF: compatibility forms folded (PDF fonts map 月 to ⽉), no spaces. */
const folded = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');

/**
 * Whether the PDF's text holds `expected`. Chromium names a glyph by the lowest code point that shows it, so
 * 风 comes out as the radical ⻛ (U+2EDB): an ideograph of `expected` also matches a CJK radical.
 */
function pdfHas(text: string, expected: string): boolean {
  const pattern = [...folded(expected)]
    .map((c) =>
      /\p{Script=Han}/u.test(c) ? `(?:${c}|[\u2e80-\u2eff])` : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(pattern, 'u').test(text);
}

/** The text of each page of a PDF, read by pdf.js (an ES module, so in a plain Node worker). */
function pdfPages(pdf: Uint8Array): Promise<string[]> {
  const lib = pathToFileURL(require.resolve('pdfjs-dist/legacy/build/pdf.mjs')).href;
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const pdfjs = await import(workerData.lib);
      const doc = await pdfjs.getDocument({ data: workerData.pdf, verbosity: 0, isEvalSupported: false }).promise;
      const pages = [];
      for (let i = 1; i <= doc.numPages; i++) {
        const content = await (await doc.getPage(i)).getTextContent();
        pages.push(content.items.map((item) => item.str ?? '').join(' '));
      }
      parentPort.postMessage(pages);
    })();`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { pdf, lib } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** The names of the fonts embedded in a PDF, read by pdf.js from each page's drawing operations. */
function pdfFontNames(pdf: Uint8Array): Promise<string[]> {
  const lib = pathToFileURL(require.resolve('pdfjs-dist/legacy/build/pdf.mjs')).href;
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const pdfjs = await import(workerData.lib);
      const doc = await pdfjs.getDocument({ data: workerData.pdf, verbosity: 0, isEvalSupported: false, fontExtraProperties: true }).promise;
      const names = new Set();
      for (let i = 1; i <= doc.numPages; i++) {
        const page = await doc.getPage(i);
        const ops = await page.getOperatorList();
        for (let k = 0; k < ops.fnArray.length; k++) {
          if (ops.fnArray[k] !== pdfjs.OPS.setFont) continue;
          const font = page.commonObjs.get(ops.argsArray[k][0]);
          names.add(font.name);
        }
      }
      parentPort.postMessage([...names]);
    })().catch((err) => parentPort.postMessage({ error: String(err) }));`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { pdf, lib } });
    worker.once('message', (m: string[] | { error: string }) =>
      Array.isArray(m) ? resolve(m) : reject(new Error(m.error)),
    );
    worker.once('error', reject);
  });
}

const CHART_IDS = [
  'chart-premium-trend',
  'chart-high-tech-coverage',
  'chart-risk-coverage',
  'chart-subsidies-by-track',
  'chart-subsidies-by-field',
  'chart-bank-matching',
  'chart-surveys',
];

describe('evaluation report (评估报告)', () => {
  it('is one self-contained HTML page with every chart, drawn from the figures of the evaluation', async () => {
    const evaluation = await finance.get(`/api/v1/metrics/evaluation?year=${YEAR}`);
    expect(evaluation.status).toBe(200);
    const ev = evaluation.body;
    // The data is what this file made: 2 × 250 000 (inclusive) + 4 000 000 + 10 000 000 fen of premium.
    expect(ev).toMatchObject({
      premiumFen: 14_500_000,
      riskCoverageFen: 5_500_000_000,
      insuredApplications: 4,
      newInsuredEnterprises: 4,
      applicationsPaid: 4,
      highTechInsuredEnterprises: 1,
      highTechEnterpriseTotal: 10_000,
      targets: { highTechCoveragePct: 8, riskCoverageFen: 350_000_000_000 },
    });
    const paidByWorkflow = await stack.db.payment.findMany({
      where: { applicationId: { in: PAID_BY_WORKFLOW }, status: 'SUCCEEDED' },
    });
    expect(paidByWorkflow).toHaveLength(2);
    expect(ev.subsidiesPaidFen).toBe(7_000_000 + paidByWorkflow.reduce((s, p) => s + Number(p.amountFen), 0));

    const res = await report(finance, `year=${YEAR}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="evaluation-report-${YEAR}.html"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; /,
    );
    const html = await res.text();
    expect(html).not.toMatch(/<script|\b(src|href)=/i);

    // One SVG per chart, each named, each carrying its data.
    expect(html.match(/<svg /g)).toHaveLength(CHART_IDS.length);
    for (const id of CHART_IDS)
      expect(html.match(new RegExp(`<svg id="${id}" role="img" aria-label="`, 'g'))).toHaveLength(1);
    const premium = svgById(html, 'chart-premium-trend');
    for (let m = 1; m <= 12; m++) expect(premium).toContain(`>${YEAR}-${String(m).padStart(2, '0')}</text>`);
    // January holds the SRDI application's 4 000 000 fen (4.00 万元), and this month's inclusive ones if January.
    expect(ev.byMonth[0].premiumFen).toBeGreaterThanOrEqual(4_000_000);
    expect(premium).toContain(`>${(ev.byMonth[0].premiumFen / 1_000_000).toFixed(2)}</text>`);
    const tracks = svgById(html, 'chart-subsidies-by-track');
    for (const t of Object.values(TRACK_NAMES)) expect(tracks).toContain(`>${t.zh}</text>`);
    expect(tracks).toContain('>5.00</text>'); // frontier: 5 000 000 fen paid, in 万元
    const fields = svgById(html, 'chart-subsidies-by-field');
    for (const name of Object.values(FIELD_NAMES)) expect(fields).toContain(`>${name}</text>`);
    expect(fields).toContain('>2.00</text>'); // biomedicine: 2 000 000 fen paid, in 万元
    expect(svgById(html, 'chart-high-tech-coverage')).toContain('>0.01%</text>'); // 1 of 10 000
    expect(svgById(html, 'chart-high-tech-coverage')).toContain('>8%</text>');
    expect(svgById(html, 'chart-risk-coverage')).toContain('>35.00</text>'); // target: 35 亿元
    expect(svgById(html, 'chart-risk-coverage')).toContain('>0.55</text>'); // 5 500 000 000 fen = 0.55 亿元
    const bank = svgById(html, 'chart-bank-matching');
    expect(bank).toContain('>获得授信 Granted</text>');
    expect(bank).toContain(`>${ev.bankMatching.granted}</text>`);
    expect(svgById(html, 'chart-surveys')).toContain('>已回复问卷 Answered</text>');

    // The summary: the pure text of these figures, on the day it was written, Chinese then English.
    const generatedAt = new Date(/data-generated-at="([^"]+)"/.exec(html)![1]!);
    const summary = reportSummary(ev, generatedAt);
    const paragraphs = [...summary.zh, ...summary.en].map((s) => html.indexOf(`>${esc(s)}</p>`));
    expect(paragraphs.every((at) => at > 0)).toBe(true);
    expect([...paragraphs].sort((a, b) => a - b)).toEqual(paragraphs);
    expect(summary.zh[0]).toContain(
      `${YEAR}年度共有4家企业的4件投保申请获批，其中新增投保企业4家；保费合计14.50万元，`,
    );
    expect(summary.zh[1]).toBe('高新技术企业覆盖率0.01%（1/10,000家），目标8%，完成0.13%。');
    expect(summary.zh[2]).toBe('风险保额5,500.00万元，目标35.00亿元，完成1.57%。');
    expect(summary.en[2]).toBe(
      'Risk coverage is CNY 55.00 million, against a target of CNY 3.50 billion: 1.57% achieved.',
    );
    expect(summary.zh[5]).toBe(
      '跟踪问卷：发送1份，回复1份；企业报告理赔申请1次、理赔金额5,000.00元，获得贷款20.00万元。',
    );
  });

  it('prints the same page as an A4 PDF with every chart in it, for a client that accepts PDF', async () => {
    // As on a fresh machine: no font (an empty font configuration), no system Chromium (the API's PATH).
    expect(fs.readFileSync(process.env.FONTCONFIG_FILE!, 'utf8')).toBe(EMPTY_FONT_CONFIG);
    for (const command of SYSTEM_CHROMIUM_COMMANDS)
      expect(findChromium(command, stack.config.report.searchPath)).toBeNull();
    expect(stack.config.report.chromium).toBeUndefined();
    // `format=pdf` asks for it too (the console does, below).
    const res = await report(admin, `year=${YEAR}`, { accept: 'application/pdf' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="evaluation-report-${YEAR}.pdf"`,
    );
    const pdf = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');

    const pages = await pdfPages(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const text = folded(pages.join('\n'));
    // Chart titles are drawn inside the SVGs only (the section headings differ), so each proves its chart.
    const ev = (await admin.get(`/api/v1/metrics/evaluation?year=${YEAR}`)).body;
    const charts = reportCharts(ev);
    expect(charts.map((c) => c.id)).toEqual(CHART_IDS);
    for (const chart of charts) {
      expect([chart.id, pdfHas(text, chart.titleZh)]).toEqual([chart.id, true]);
      expect(text).toContain(folded(chart.titleEn));
    }
    expect(pdfHas(text, '海淀区科技保险保费补贴')).toBe(true);
    expect(pdfHas(text, '风险保额5,500.00万元，目标35.00亿元，完成1.57%。')).toBe(true);
    expect(pdfHas(text, '没有这句话')).toBe(false);
    // Every page is numbered in the footer, "n / pages".
    pages.forEach((page, i) => expect(folded(page)).toContain(`${i + 1}/${pages.length}`));

    // Drawn in the Noto Sans SC the page carries (this machine has no font: FONTCONFIG_FILE is empty),
    // and in nothing else: PDF font names are "ABCDEF+<PostScript name>" of the embedded subsets.
    const fonts = await pdfFontNames(pdf);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font).toMatch(/^[A-Z]{6}\+NotoSansSC/);
  });

  it('is for administrators, finance and approvers only', async () => {
    const approver = await as(stack, { role: 'approver', org: 'committee' });
    expect((await report(approver, `year=${YEAR}`)).status).toBe(200);
    const reviewer = await as(stack, { role: 'reviewer', org: 'committee' });
    const refused = await report(reviewer, `year=${YEAR}&format=pdf`);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    const applicant = await as(stack, { role: 'applicant', creditCode: SRDI_CODE });
    expect((await report(applicant, `year=${YEAR}`)).status).toBe(403);
    expect((await fetch(`${stack.baseUrl}/api/v1/metrics/report?year=${YEAR}`)).status).toBe(401);
  });

  it('refuses a missing or impossible year and an unknown format, naming the field', async () => {
    for (const q of ['year=abc', 'year=1999', 'year=2031.5', '', 'format=pdf']) {
      const res = await admin.get(`/api/v1/metrics/report?${q}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([{ path: 'query.year', message: expect.any(String) }]);
    }
    const format = await admin.get(`/api/v1/metrics/report?year=${YEAR}&format=docx`);
    expect(format.status).toBe(400);
    expect(format.body.error.details[0].path).toBe('query.format');
    const openapi = await new ApiClient(stack.baseUrl).get('/api/v1/openapi.json');
    expect(openapi.body.paths['/api/v1/metrics/report'].get.responses).toHaveProperty('503');
  });
});

describe('evaluation report in the console', () => {
  it('is downloaded from the evaluation dashboard, as HTML and as PDF', async () => {
    const browser = await launchBrowser();
    try {
      const page = await signedInPage(browser, stack, { role: 'approver', subject: 'approver-report' });
      await page.goto(`${stack.baseUrl}/#/admin/evaluation?year=${YEAR}`);
      await page.getByRole('heading', { name: `${YEAR} 年度实施效果评估` }).waitFor();
      for (const [format, start] of [
        ['html', '<!doctype html>'],
        ['pdf', '%PDF-'],
      ] as const) {
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: `评估报告（${format.toUpperCase()}）` }).click(),
        ]);
        const file = `evaluation-report-${YEAR}.${format}`;
        expect(download.suggestedFilename()).toBe(file);
        expect(
          fs
            .readFileSync(await download.path())
            .subarray(0, start.length)
            .toString('latin1'),
        ).toBe(start);
        await page.getByText(`已下载 ${file}。`).waitFor();
      }
    } finally {
      await browser.close();
    }
  });
});

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const launches = async () => {
  const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
  return Number(/^subsidy_report_browser_launches_total (\d+)$/m.exec(text)?.[1]);
};

describe('the one browser of the PDF reports', () => {
  const pdfOf = async (res: Response) => {
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  };

  it('is started once and kept for the next reports', async () => {
    await pdfOf(await report(admin, `year=${YEAR}&format=pdf`));
    const pid = await stack.api.pdf.browserPid();
    expect(pid).toEqual(expect.any(Number));
    const before = await launches();
    await pdfOf(await report(finance, `year=${YEAR}&format=pdf`));
    await Promise.all([1, 2].map(async () => pdfOf(await report(admin, `year=${YEAR}&format=pdf`))));
    expect(await stack.api.pdf.browserPid()).toBe(pid);
    expect(await launches()).toBe(before);
  });

  it('is started again after it died', async () => {
    const pid = (await stack.api.pdf.browserPid())!;
    const before = await launches();
    process.kill(pid, 'SIGKILL');
    await eventually(
      async () => isAlive(pid) || (await stack.api.pdf.browserPid()) !== undefined,
      (running) => !running,
      10_000,
    );
    await pdfOf(await report(admin, `year=${YEAR}&format=pdf`));
    const next = await stack.api.pdf.browserPid();
    expect(next).toEqual(expect.any(Number));
    expect(next).not.toBe(pid);
    expect(isAlive(next!)).toBe(true);
    expect(await launches()).toBe(before + 1);
  });
});

describe('the bound on PDF reports made at once', () => {
  let small: TestStack;
  beforeAll(async () => {
    // One PDF at a time, one request waiting: a third at the same time is refused.
    small = await startStack({ REPORT_PDF_CONCURRENCY: '1', REPORT_PDF_QUEUE: '1' });
  });
  afterAll(async () => {
    await small?.stop();
  });

  it('answers 503 REPORT_BUSY with Retry-After beyond it, and serves the ones within', async () => {
    const client = await as(small, { role: 'admin' });
    const ask = () => client.get(`/api/v1/metrics/report?year=${YEAR}&format=pdf`);
    const answers = await Promise.all(Array.from({ length: 6 }, ask));
    const served = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    expect(served.length).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const a of served) expect(a.headers.get('content-type')).toBe('application/pdf');
    for (const a of refused) {
      expect(a.status).toBe(503);
      expect(a.body.error.code).toBe('REPORT_BUSY');
      expect(a.headers.get('retry-after')).toBe('5');
    }
    // Once they are done, the next one is served.
    expect((await ask()).status).toBe(200);
  });
});

describe('evaluation report without Chromium', () => {
  let bare: TestStack;
  beforeAll(async () => {
    bare = await startStack({ CHROMIUM_PATH: '/nonexistent/chromium' });
  });
  afterAll(async () => {
    await bare?.stop();
  });

  it('answers the PDF with 503 PDF_RENDERER_UNAVAILABLE and still serves the HTML', async () => {
    const client = await as(bare, { role: 'admin' });
    const pdf = await client.get(`/api/v1/metrics/report?year=${YEAR}&format=pdf`);
    expect(pdf.status).toBe(503);
    expect(pdf.body.error.code).toBe('PDF_RENDERER_UNAVAILABLE');
    expect(pdf.body.error.message).toContain('HTML report is available');
    const html = await client.get(`/api/v1/metrics/report?year=${YEAR}`);
    expect(html.status).toBe(200);
    expect(html.body).toContain('<svg id="chart-premium-trend"');
  });
});
