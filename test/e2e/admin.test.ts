import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { defaultProgram } from '../../domain/program';
import type { ApplicationStatus, Track } from '../../domain/status';
import { applicationWorkflowId } from '../../workflows/application/contract';
import { launchBrowser, screenshot, signedInPage } from '../helpers/browser';
import { creditCode } from '../helpers/fixtures';
import { as, eventually, startStack, type ApiClient, type TestStack } from '../helpers/stack';
import {
  approvedApplication as approveInclusive,
  newApplicant,
  setBehaviour,
  submit,
} from '../helpers/world';

/**
 * The administrator's and finance's console pages in a real browser against the whole system: the stuck
 * list with retry and cancel, notices published from the page, the budget, the programme form's refusals and
 * the evaluation dashboard on a data set written into the database with hand-computed figures.
 */
let stack: TestStack;
let browser: Browser;
let admin: ApiClient;

beforeAll(async () => {
  // Five working days of review SLA or public notice pass in about ten seconds.
  [stack, browser] = await Promise.all([
    startStack({ TIME_ACCELERATION: '75000', PAYMENT_POLL_SECONDS: '30' }),
    launchBrowser(),
  ]);
  admin = await as(stack, { role: 'admin', subject: 'admin-zhao' });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const statusOf = async (id: string) =>
  (await stack.db.application.findUniqueOrThrow({ where: { id } })).status;

/** An inclusive application taken through initial review and final approval over the API. */
const approvedApplication = async () => (await approveInclusive(stack)).id;

async function stuckHas(id: string, kind: string): Promise<void> {
  await eventually(
    async () =>
      (
        (await admin.get('/api/v1/admin/workflows/stuck')).body.items as {
          applicationId: string;
          kind: string;
        }[]
      ).some((i) => i.applicationId === id && i.kind === kind),
    (found) => found,
    60_000,
  );
}

const stuckRow = (page: Page, id: string) => page.locator(`tr[data-application="${id}"]`);

describe('operations (#/admin)', () => {
  it('lists a failed payment with its reason and Temporal link, and retries it from the page', async () => {
    const id = await approvedApplication();
    const page = await signedInPage(browser, stack, { role: 'admin', subject: 'admin-zhao' });
    await page.getByRole('heading', { name: '运维：需要处理的流程', level: 1 }).waitFor();

    // Publishing from the page sends the approved application into the notice, then to payment, which fails.
    await setBehaviour(stack, 'payment', { mode: 'fail-definitive', failureReason: 'ACCOUNT_CLOSED' });
    try {
      await page.getByRole('button', { name: '立即发布公示' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /已发布公示批次 .+，共 \d+ 项/ })
        .waitFor();
      await eventually(
        () => statusOf(id),
        (s) => s === 'PAYMENT_FAILED',
        90_000,
      );
    } finally {
      await setBehaviour(stack, 'payment', { mode: 'succeed' });
    }
    await stuckHas(id, 'PAYMENT_FAILED');

    // Finance sees the case among the payment exceptions, with the failure reason and the task's page.
    const task = await eventually(
      () =>
        stack.db.task.findFirst({ where: { applicationId: id, queue: 'payment-exception', state: 'OPEN' } }),
      (t) => t !== null,
    );
    const finance = await signedInPage(browser, stack, { role: 'finance', subject: 'finance-zhou' });
    await finance.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '拨付异常' }).click();
    const exception = finance.getByRole('row', { name: new RegExp(id) });
    await exception.waitFor();
    expect(await exception.textContent()).toContain('账户已销户（ACCOUNT_CLOSED）');
    expect(await exception.getByRole('link', { name: /处理任务/ }).getAttribute('href')).toBe(
      `#/tasks/${task!.id}`,
    );
    await screenshot(finance, 'admin-payment-exceptions');

    // The kind filter.
    await page.getByLabel('类型').selectOption('PAYMENT_FAILED');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL((url) => url.hash === '#/admin?kind=PAYMENT_FAILED');
    const row = stuckRow(page, id);
    await row.waitFor();
    expect(
      await page.locator('tr[data-kind]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind'))),
    ).toEqual(expect.arrayContaining(['PAYMENT_FAILED']));
    expect(await page.locator('tr[data-kind]:not([data-kind="PAYMENT_FAILED"])').count()).toBe(0);
    expect(await row.textContent()).toContain('拨付失败');
    expect(await row.textContent()).toContain('payment attempt 1 failed: ACCOUNT_CLOSED; retry or cancel');
    expect(await row.getByRole('link', { name: id }).getAttribute('href')).toBe(`#/applications/${id}`);
    const temporal = row.getByRole('link', { name: /在 Temporal 中查看/ });
    expect(await temporal.getAttribute('href')).toBe(
      `${stack.config.temporal.uiUrl}/namespaces/default/workflows/${applicationWorkflowId(id)}`,
    );
    expect(await temporal.getAttribute('target')).toBe('_blank');
    expect(await temporal.getAttribute('rel')).toBe('noopener');
    await screenshot(page, 'admin-operations');

    await row.getByRole('button', { name: '重试拨付' }).click();
    const form = page.getByRole('form', { name: `重试拨付：${id}` });
    await form.getByLabel('理由').fill('企业已更正收款账户');
    await form.getByRole('button', { name: '重试拨付', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `已重新发起拨付：${id}` })
      .waitFor();

    await eventually(
      () => statusOf(id),
      (s) => s === 'PAID' || s === 'TRACKING',
      60_000,
    );
    const payments = await stack.db.payment.findMany({
      where: { applicationId: id },
      orderBy: { attempt: 'asc' },
    });
    expect(payments.map((p) => [p.attempt, p.status])).toEqual([
      [1, 'FAILED'],
      [2, 'SUCCEEDED'],
    ]);
    const events = await stack.db.auditEvent.findMany({ where: { applicationId: id, actor: 'admin-zhao' } });
    expect(events.map((e) => e.note)).toContain('企业已更正收款账户');

    // A second retry is refused by the server, and the page says why.
    await row.getByRole('button', { name: '重试拨付' }).click();
    await form.getByLabel('理由').fill('再试一次');
    await form.getByRole('button', { name: '重试拨付', exact: true }).click();
    const refusal = form.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/操作未完成 \(\w+\)/);
    expect(await statusOf(id)).toMatch(/^(PAID|TRACKING)$/);
  }, 240_000);

  it('cancels another application with a reason after a confirmation step', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE');
    const id = (await submit(stack, a, 'INCLUSIVE')).body.id as string;
    await stuckHas(id, 'OVERDUE_TASK');
    const page = await signedInPage(browser, stack, { role: 'admin', subject: 'admin-zhao' });
    const row = stuckRow(page, id);
    await row.waitFor();
    expect(await row.textContent()).toContain('任务超期');
    expect(await row.getByRole('button', { name: '重试拨付' }).count()).toBe(0);

    await row.getByRole('button', { name: '撤销申请' }).click();
    const form = page.getByRole('form', { name: `撤销申请：${id}` });
    await form.getByLabel('理由').fill('经核查该保单已在其他区获得补贴');
    await form.getByRole('button', { name: '继续' }).click();
    // Nothing happens before the confirmation.
    await form
      .getByRole('alert')
      .filter({ hasText: `确定撤销申请 ${id} 吗？` })
      .waitFor();
    expect(await statusOf(id)).toBe('INITIAL_REVIEW');
    await form.getByRole('button', { name: '确认撤销' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `已撤销申请 ${id}，当前状态：未通过` })
      .waitFor();

    expect(await statusOf(id)).toBe('REJECTED');
    const last = await stack.db.auditEvent.findFirstOrThrow({
      where: { applicationId: id },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
    });
    expect(last).toMatchObject({
      action: 'CANCELLED',
      actor: 'admin-zhao',
      note: '经核查该保单已在其他区获得补贴',
    });
  });
});

describe('budget (#/admin/budgets)', () => {
  it('lets finance set a year’s budget and shows the available amount change; refusals land on the field', async () => {
    const page = await signedInPage(browser, stack, { role: 'finance', subject: 'finance-qian' });
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '预算' }).click();
    await page.getByLabel('年度', { exact: true }).selectOption('2029');
    await page.getByRole('button', { name: '显示' }).click();
    await page.getByRole('heading', { name: '2029 年度补贴预算' }).waitFor();
    const available = page.locator('[data-figure="available"] .num');
    expect(await available.textContent()).toBe('¥0.00');

    await page.getByLabel('预算总额（元）').fill('1,000,000');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '预算已保存。可用金额：¥1,000,000.00。' }).waitFor();
    expect(await available.textContent()).toBe('¥1,000,000.00');
    const row = await stack.db.budget.findFirstOrThrow({ where: { year: 2029, track: 'ALL' } });
    expect(Number(row.totalFen)).toBe(100_000_000);
    expect(await page.locator('svg.budget-chart title').first().textContent()).toBe('预算使用情况');

    // A sub-budget above the total is refused by the server, on that field.
    const inclusive = page.getByLabel('普惠型综合科技保险 分项预算');
    await inclusive.fill('2000000');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('body.tracks.INCLUSIVE');
    expect(await inclusive.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').textContent()).toContain('cannot exceed totalFen');

    await inclusive.fill('400000');
    await page.getByLabel('预算总额（元）').fill('1500000.50');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '可用金额：¥1,500,000.50' }).waitFor();
    expect(await available.textContent()).toBe('¥1,500,000.50');
    expect(await inclusive.getAttribute('aria-invalid')).toBeNull();
    const rows = await stack.db.budget.findMany({ where: { year: 2029 }, orderBy: { track: 'asc' } });
    expect(rows.map((r) => [r.track, Number(r.totalFen)])).toEqual([
      ['ALL', 150_000_050],
      ['INCLUSIVE', 40_000_000],
    ]);
    await screenshot(page, 'admin-budgets');
  });
});

describe('programme configuration (#/admin/program)', () => {
  it('shows the server’s refusal on the field and saves the whole configuration', async () => {
    const page = await signedInPage(browser, stack, { role: 'admin', subject: 'admin-zhao' });
    await page.goto(`${stack.baseUrl}/#/admin/program`);
    await page.getByLabel('年度', { exact: true }).selectOption('2030');
    await page.getByRole('button', { name: '显示' }).click();
    await page.getByRole('heading', { name: '2030 年度项目配置' }).waitFor();

    const rate = page.getByLabel('国家级“小巨人” · 研发类（%）');
    expect(await rate.inputValue()).toBe('50');
    await rate.fill('55');
    await page.getByRole('button', { name: '保存' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('body.srdiRatesBp.NATIONAL.R_AND_D');
    expect(await rate.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').textContent()).toContain('may not exceed 5000 bp (50 %)');
    expect((await admin.get('/api/v1/programs/2030')).body.srdiRatesBp.NATIONAL.R_AND_D).toBe(5000);

    await rate.fill('45.5');
    await page.getByLabel('全区国家高新技术企业总数').fill('12000');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '2030 年度配置已保存。' }).waitFor();
    expect(await rate.getAttribute('aria-invalid')).toBeNull();
    const saved = (await admin.get('/api/v1/programs/2030')).body;
    const defaults = defaultProgram(2030);
    expect(saved).toEqual({
      ...defaults,
      srdiRatesBp: { ...defaults.srdiRatesBp, NATIONAL: { ...defaults.srdiRatesBp.NATIONAL, R_AND_D: 4550 } },
      highTechEnterpriseTotal: 12_000,
    });
    await screenshot(page, 'admin-program');
  });
});

describe('catalog, partner banks and staff (#/admin/catalog, #/admin/banks, #/admin/staff)', () => {
  it('adds a product, changes a bank and adds a member of staff, showing refusals', async () => {
    const page = await signedInPage(browser, stack, { role: 'admin', subject: 'admin-zhao' });
    await page.goto(`${stack.baseUrl}/#/admin/catalog`);
    await page.getByRole('heading', { name: '科技保险产品目录', level: 1 }).waitFor();
    const addProduct = async () => {
      await page.getByLabel('产品代码').fill('PICC-AI-301');
      await page.getByLabel('保险公司代码').fill('PICC');
      await page.getByLabel('产品名称').fill('人工智能研发责任保险');
      await page.getByLabel('生效日期').fill('2026-01-01');
      await page.getByRole('checkbox', { name: '人工智能' }).check();
      await page.getByRole('button', { name: '添加产品' }).click();
    };
    await addProduct();
    await page.getByRole('status').filter({ hasText: '已添加产品 PICC-AI-301。' }).waitFor();
    expect(await page.getByRole('row', { name: /PICC-AI-301/ }).textContent()).toContain(
      '人工智能研发责任保险',
    );
    const product = await stack.db.catalogProduct.findUniqueOrThrow({
      where: { productCode: 'PICC-AI-301' },
    });
    expect(product).toMatchObject({
      kind: 'CATALOG',
      category: 'R_AND_D',
      exclusiveFields: ['ARTIFICIAL_INTELLIGENCE'],
    });
    await addProduct();
    expect(await page.getByRole('alert').textContent()).toContain('PRODUCT_EXISTS');

    await page.getByRole('link', { name: '合作银行' }).click();
    await page.getByRole('heading', { name: '合作银行（保贷联动）' }).waitFor();
    await page.getByRole('button', { name: '编辑：北京银行中关村分行' }).click();
    expect(await page.getByLabel('银行代码').inputValue()).toBe('BOB');
    expect(await page.getByLabel('最低金额（元）').inputValue()).toBe('100000');
    await page.getByLabel('最高金额（元）').fill('50000');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByLabel('最高金额（元）').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').textContent()).toContain('must not be below minAmountFen');
    await page.getByLabel('最高金额（元）').fill('5,000,000');
    await page.getByLabel('最长期限（月）').fill('36');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '已保存银行 BOB。' }).waitFor();
    expect(await page.getByRole('row', { name: /BOB/ }).textContent()).toContain('36 个月');
    const bob = await stack.db.bank.findUniqueOrThrow({ where: { bankCode: 'BOB' } });
    expect([bob.maxTermMonths, Number(bob.maxAmountFen), bob.tracks]).toEqual([
      36,
      500_000_000,
      ['INCLUSIVE'],
    ]);

    await page.getByRole('link', { name: '工作人员' }).click();
    await page.getByRole('heading', { name: '工作人员', level: 1 }).waitFor();
    await page.getByLabel('用户名').fill('finance-li');
    await page.getByLabel('姓名').fill('李财务');
    await page.getByLabel('邮箱').fill('li@example.com');
    await page.getByLabel('角色').selectOption('finance');
    await page.getByLabel('所属机构').fill('street:中关村街道');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByLabel('所属机构').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').textContent()).toContain(
      'only reviewers belong to a street office',
    );
    await page.getByLabel('所属机构').fill('');
    await page.getByRole('checkbox', { name: '队列主管' }).check();
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '已保存 finance-li。' }).waitFor();
    expect(await page.getByRole('row', { name: /finance-li/ }).textContent()).toContain('李财务');
    const member = await stack.db.staffMember.findUniqueOrThrow({ where: { subject: 'finance-li' } });
    expect(member).toMatchObject({ role: 'finance', org: null, supervisor: true, active: true });
  });
});

/* ---------- the evaluation dashboard on a known data set ---------- */

async function enterprise(code: string, name: string, mainField: string) {
  await stack.db.enterprise.create({
    data: {
      creditCode: code,
      name,
      district: '海淀区',
      size: 'SMALL',
      foundedOn: new Date('2018-05-01'),
      mainField,
      contactEmail: `${code}@example.com`,
    },
  });
}

async function application(a: {
  id: string;
  creditCode: string;
  track: Track;
  status: ApplicationStatus;
  programYear: number;
  createdAt: string;
  approvedAt: string;
  premiumFen: number;
  sumInsuredFen: number;
  grantedFen: number;
  highTech?: boolean;
}) {
  await stack.db.application.create({
    data: {
      id: a.id,
      creditCode: a.creditCode,
      track: a.track,
      status: a.status,
      programYear: a.programYear,
      insurerCode: 'PICC',
      policyNumber: `P-${a.id}`,
      productCode: 'PICC-RD-001',
      policyStartDate: new Date(`${a.programYear}-01-01`),
      policyEndDate: new Date(`${a.programYear}-12-31`),
      premiumFen: BigInt(a.premiumFen),
      paidPremiumFen: BigInt(a.premiumFen),
      paidAt: new Date(a.createdAt),
      sumInsuredFen: BigInt(a.sumInsuredFen),
      grantedFen: BigInt(a.grantedFen),
      verifiedFacts: a.highTech
        ? {
            enterprise: { highTech: { certifiedOn: '2029-11-01', validUntil: '2032-10-31' } },
            enterpriseVerified: true,
          }
        : { enterprise: { highTech: null }, enterpriseVerified: true },
      approvedAt: new Date(a.approvedAt),
      createdAt: new Date(a.createdAt),
      programSnapshot: { ...defaultProgram(a.programYear) },
      submittedBy: 'applicant-test',
      workflowId: applicationWorkflowId(a.id),
      // Marked as started, or the worker's sweep would start workflows for these rows.
      workflowStartedAt: new Date(a.createdAt),
    },
  });
}

async function paid(applicationId: string, amountFen: number, settledAt: string) {
  await stack.db.payment.create({
    data: {
      id: `${applicationId}-pay-1`,
      applicationId,
      attempt: 1,
      amountFen: BigInt(amountFen),
      payee: { accountNumber: '6216600000000000001' },
      status: 'SUCCEEDED',
      settledAt: new Date(settledAt),
    },
  });
}

async function referral(id: string, applicationId: string, status: string, creditLineFen?: number) {
  await stack.db.bankReferral.create({
    data: {
      id,
      applicationId,
      bankCode: status === 'GRANTED' ? 'BOB' : 'ICBC-HD',
      profile: {},
      status,
      deadlineAt: new Date('2031-03-01T02:00:00Z'),
      createdAt: new Date('2031-02-01T02:00:00Z'),
      creditLineFen: creditLineFen === undefined ? null : BigInt(creditLineFen),
    },
  });
}

describe('evaluation dashboard (#/dashboard)', () => {
  it('shows the hand-computed figures of a known year, charts with titles and the CSV', async () => {
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
    await page.getByLabel('年度', { exact: true }).selectOption('2031');
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

    // Four charts, each an image named by its <title>, with the same figures in a table.
    const titles = await page.locator('svg.chart[role="img"] > title').allTextContents();
    expect(titles).toEqual(['按月保费趋势', '目标完成情况', '按补贴类别', '保贷联动结果']);
    expect(await page.locator('svg.monthly-chart rect.bar').count()).toBe(12);
    expect(await page.locator('svg.monthly-chart text.growth').first().textContent()).toBe('+150%');
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
    expect(await page.getByText('授信额度 ¥1,000,000.00', { exact: true }).count()).toBe(1);
    await screenshot(page, 'admin-dashboard');

    // The CSV needs the bearer token: fetched by the page and saved under its name.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载 CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('evaluation-2031.csv');
    const csv = fs.readFileSync(await download.path(), 'utf8');
    expect(csv).toContain('summary,,premiumFen,');
    expect(csv).toContain(',1850000\r\n');
    await page.getByRole('status').filter({ hasText: '已下载 evaluation-2031.csv' }).waitFor();

    // English too.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Programme evaluation 2031' }).waitFor();
    expect(await figure('leverage').locator('.num').textContent()).toBe('687.5×');
  });
});
