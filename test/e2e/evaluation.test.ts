import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { defaultProgram } from '../../domain/program';
import { checkPage, signedInPage, browserAndStack } from '../helpers/browser';
import {
  applicationRow,
  enterpriseRow,
  paymentRow,
  referralRow,
  type ApplicationRow,
} from '../helpers/evaluationRows';
import { creditCode } from '../helpers/fixtures';
import { as, type ApiClient, type TestStack } from '../helpers/stack';

/** The evaluation page on a data set written into the database, with figures computed by hand. */
let stack: TestStack, browser: Browser, admin: ApiClient;
browserAndStack(async (s, b) => {
  [stack, browser] = [s, b];
  admin = await as(s, { role: 'admin', subject: 'admin-zhao' });
});

/* ---------- the evaluation dashboard on a known data set ---------- */

const enterprise = (code: string, name: string, mainField: string) =>
  enterpriseRow(stack.db, code, name, mainField, { bankAccount: undefined });

const application = (a: Omit<ApplicationRow, 'verifiedFacts'> & { highTech?: boolean }) => {
  const { highTech, ...row } = a;
  return applicationRow(stack.db, {
    ...row,
    verifiedFacts: highTech
      ? {
          enterprise: { highTech: { certifiedOn: '2029-11-01', validUntil: '2032-10-31' } },
          enterpriseVerified: true,
        }
      : { enterprise: { highTech: null }, enterpriseVerified: true },
  });
};

const paid = (applicationId: string, amountFen: number, settledAt: string) =>
  paymentRow(stack.db, [applicationId, 1, 'SUCCEEDED', amountFen, settledAt]);

const referral = (id: string, applicationId: string, status: string, creditLineFen?: number) =>
  referralRow(stack.db, {
    id,
    applicationId,
    bankCode: status === 'GRANTED' ? 'BOB' : 'ICBC-HD',
    status,
    createdAt: '2031-02-01T02:00:00Z',
    deadlineAt: '2031-03-01T02:00:00Z',
    creditLineFen,
  });

describe('evaluation (#/admin/evaluation)', () => {
  it('shows the hand-computed figures of a known year, ECharts charts with data tables, and a CSV in 元', async () => {
    // 2031 with 20 high-tech enterprises in the district and the seed draft's targets (8 %, 3.5 billion CNY).
    const put = await admin.put('/api/v1/programs/2031', {
      ...defaultProgram(2031),
      highTechEnterpriseTotal: 20,
    });
    expect(put.status).toBe(201);
    const [E1, E2, E3] = [creditCode(), creditCode(), creditCode()];
    await enterprise(E1, '北京甲智能科技有限公司', 'ARTIFICIAL_INTELLIGENCE');
    await enterprise(E2, '北京乙芯片有限公司', 'INTEGRATED_CIRCUIT');
    await enterprise(E3, '北京丙生物医药有限公司', 'BIOMEDICINE');
    // 2030: E1, December, premium 4 000 CNY.
    await application({
      id: 'HD-2030-E0001',
      creditCode: E1,
      track: 'INCLUSIVE',
      status: 'CLOSED',
      programYear: 2030,
      createdAt: '2030-12-05T02:00:00Z',
      approvedAt: '2030-12-10T02:00:00Z',
      premiumFen: 400_000,
      sumInsuredFen: 100_000_000,
      grantedFen: 250_000,
    });
    // 2031: E2 (new, high-tech) in January, paid 5 000 CNY in February.
    await application({
      id: 'HD-2031-E0101',
      creditCode: E2,
      track: 'FRONTIER',
      status: 'PAID',
      programYear: 2031,
      createdAt: '2031-01-15T02:00:00Z',
      approvedAt: '2031-01-25T02:00:00Z',
      premiumFen: 1_000_000,
      sumInsuredFen: 300_000_000,
      grantedFen: 500_000,
      highTech: true,
    });
    await paid('HD-2031-E0101', 500_000, '2031-02-10T03:00:00Z');
    // E1 again in March (not new), nothing paid.
    await application({
      id: 'HD-2031-E0102',
      creditCode: E1,
      track: 'INCLUSIVE',
      status: 'CLOSED',
      programYear: 2031,
      createdAt: '2031-03-05T02:00:00Z',
      approvedAt: '2031-03-15T02:00:00Z',
      premiumFen: 250_000,
      sumInsuredFen: 50_000_000,
      grantedFen: 250_000,
    });
    // E3 (new) in April, paid 3 000 CNY in May.
    await application({
      id: 'HD-2031-E0103',
      creditCode: E3,
      track: 'SRDI',
      status: 'TRACKING',
      programYear: 2031,
      createdAt: '2031-04-10T02:00:00Z',
      approvedAt: '2031-04-20T02:00:00Z',
      premiumFen: 600_000,
      sumInsuredFen: 200_000_000,
      grantedFen: 300_000,
    });
    await paid('HD-2031-E0103', 300_000, '2031-05-10T03:00:00Z');
    await referral('RF-E1', 'HD-2031-E0101', 'GRANTED', 100_000_000);
    await referral('RF-E2', 'HD-2031-E0101', 'DECLINED');

    // By hand: premium 10 000 + 2 500 + 6 000 = 18 500 CNY, growth (18 500 − 4 000) / 4 000 = +362.5 %;
    // risk coverage 3 000 000 + 500 000 + 2 000 000 = 5 500 000 CNY; paid 5 000 + 3 000 = 8 000 CNY;
    // leverage 5 500 000 / 8 000 = 687.5; new enterprises E2, E3 = 2; high-tech 1 / 20 = 5 % (62.5 % of 8 %).
    const api = (await (await as(stack, { role: 'finance' })).get('/api/v1/metrics/evaluation?year=2031'))
      .body;
    expect(api).toMatchObject({
      newInsuredEnterprises: 2,
      premiumFen: 1_850_000,
      premiumGrowthPct: 362.5,
      riskCoverageFen: 550_000_000,
      subsidiesPaidFen: 800_000,
      leverage: 687.5,
      highTechCoveragePct: 5,
    });

    const page = await signedInPage(browser, stack, { role: 'finance', subject: 'finance-sun' });
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '评估' }).click();
    await page.getByLabel('年度', { exact: true }).fill('2031');
    await page.getByRole('button', { name: '显示' }).click();
    await page.getByRole('heading', { name: '2031 年度实施效果评估' }).waitFor();

    const figure = (name: string) => page.locator(`[data-figure="${name}"]`);
    expect(await figure('newInsuredEnterprises').locator('.num').textContent()).toBe('2');
    expect(await figure('premium').locator('.num').textContent()).toBe('¥18,500.00');
    expect(await figure('premium').textContent()).toContain('同比 +362.5%');
    expect(await figure('riskCoverage').locator('.num').textContent()).toBe('¥5,500,000.00');
    expect(await figure('subsidiesPaid').locator('.num').textContent()).toBe('¥8,000.00');
    expect(await figure('leverage').locator('.num').textContent()).toBe('687.5 倍');
    expect(await figure('highTechCoverage').locator('.num').textContent()).toBe('5%');
    expect(await figure('highTechCoverage').textContent()).toContain('1 / 20 家，目标 8%');

    // Four ECharts charts, each an image named by its title, drawn (SVG), with the same figures in a table.
    for (const title of ['按月保费趋势', '目标完成情况', '按补贴类别', '保贷联动结果']) {
      const chart = page.getByRole('img', { name: title });
      await chart.locator('svg path').first().waitFor({ state: 'attached' });
      expect(await chart.locator('svg path').count()).toBeGreaterThan(3);
    }
    const monthly = page.getByRole('table', { name: '数据表：按月保费趋势' });
    expect(await monthly.getByRole('row', { name: /^1月/ }).textContent()).toContain('¥10,000.00');
    expect(await monthly.getByRole('row', { name: /^4月/ }).textContent()).toContain('+140%');
    const coverage = page.getByRole('table', { name: '数据表：目标完成情况' });
    expect(await coverage.getByRole('row', { name: /高新技术企业覆盖率/ }).textContent()).toContain('62.5%');
    expect(await coverage.getByRole('row', { name: /风险保额/ }).textContent()).toContain(
      '¥3,500,000,000.00',
    );
    const tracks = page.getByRole('table', { name: '数据表：按补贴类别' });
    expect(await tracks.getByRole('row', { name: /集成电路\/商业航天专属险/ }).textContent()).toContain(
      '¥5,000.00',
    );
    const bank = page.getByRole('table', { name: '数据表：保贷联动结果' });
    expect(await bank.getByRole('row', { name: /获得授信/ }).textContent()).toContain('50%');
    await page.getByText('授信额度 ¥1,000,000.00', { exact: true }).waitFor();
    await checkPage(page, 'admin-evaluation');

    // The CSV needs the bearer token: fetched by the page, saved under its name; amounts in 元, unit stated.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载 CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('evaluation-2031.csv');
    const csv = fs.readFileSync(await download.path(), 'utf8');
    expect(csv).toContain('section,key,metric,label_zh,value,unit\r\n');
    expect(csv).toContain('summary,,premium,总体 / 保费（元）,18500.00,元\r\n');
    expect(csv).not.toMatch(/Fen|（分）|,1850000\r\n/);
    await page.getByRole('status').filter({ hasText: '已下载 evaluation-2031.csv' }).waitFor();

    // English too.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Programme evaluation 2031' }).waitFor();
    expect(await figure('leverage').locator('.num').textContent()).toBe('687.5×');
  });
});
