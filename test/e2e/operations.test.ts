import type { Browser, Page } from 'playwright-core';
import { addDays } from '../../domain/budgetForecast';
import { chineseDay } from '../../domain/budgetForecastEmail';
import { shanghaiDate } from '../../domain/calendar';
import { formatFen as fen } from '../../domain/money';
import { applicationWorkflowId } from '../../workflows/application/contract';
import { checkPage, fieldError, fromMenu, launchBrowser, signedInPage } from '../helpers/browser';
import { as, eventually, startStack, type ApiClient, type TestStack } from '../helpers/stack';
import { approvedApplication, newApplicant, setBehaviour, submit } from '../helpers/world';

/**
 * The administrator's operations page and finance's pages in a real browser against the whole system: the
 * stuck list in words with retry and cancel, the notice published after a confirmation, the budget.
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
/** The row of the application's stuck case of that kind (a case may be stuck in two ways at once). */
const stuckRow = (page: Page, id: string, kind: string) =>
  page
    .locator('tr.stuck-row')
    .filter({ has: page.locator(`[data-application="${id}"][data-kind="${kind}"]`) });

describe('operations (#/admin)', () => {
  it('publishes only after a confirmation, lists a failed payment in Chinese with the Temporal link, and retries it', async () => {
    const { id } = await approvedApplication(stack);
    const page = await signedInPage(browser, stack, { role: 'admin', subject: 'admin-zhao' });
    await page.getByRole('heading', { name: '运维：需要处理的流程', level: 1 }).waitFor();

    await setBehaviour(stack, 'payment', { mode: 'fail-definitive', failureReason: 'ACCOUNT_CLOSED' });
    try {
      // One click does not publish: a confirmation comes first, and "cancel" publishes nothing.
      await page.getByRole('button', { name: '立即发布公示' }).click();
      const confirm = page.getByRole('dialog', { name: '发布公示' });
      await confirm.getByText('发布后即对公众公开').waitFor();
      await confirm.getByRole('button', { name: '取消' }).click();
      await confirm.waitFor({ state: 'hidden' });
      expect(await stack.db.noticeBatch.count()).toBe(0);
      await page.getByRole('button', { name: '立即发布公示' }).click();
      await confirm.getByRole('button', { name: '立即发布公示' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /已发布公示批次 GS-\d{4}-\d{4}，共 \d+ 项/ })
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

    // Finance sees the case among the payment exceptions, with the reason in words and the task's page.
    const task = await eventually(
      () =>
        stack.db.task.findFirst({ where: { applicationId: id, queue: 'payment-exception', state: 'OPEN' } }),
      (t) => t !== null,
    );
    const finance = await signedInPage(browser, stack, { role: 'finance', subject: 'finance-zhou' });
    await fromMenu(finance, '资金', '拨付异常');
    const exception = finance.getByRole('row', { name: new RegExp(id) });
    await exception.waitFor();
    expect(await exception.textContent()).toContain('账户已销户（ACCOUNT_CLOSED）');
    expect(await exception.getByRole('link', { name: '处理任务' }).getAttribute('href')).toBe(
      `#/tasks/${task!.id}`,
    );
    await checkPage(finance, 'finance-payments');
    await finance.context().close();

    await page.reload();
    await page.getByRole('heading', { name: '运维：需要处理的流程', level: 1 }).waitFor();
    const row = stuckRow(page, id, 'PAYMENT_FAILED');
    await row.waitFor();
    expect(await row.textContent()).toContain('拨付失败');
    expect(await row.textContent()).toContain(
      '第 1 次拨付失败：账户已销户（ACCOUNT_CLOSED）。可重试拨付或撤销申请',
    );
    expect(await row.textContent()).not.toContain('retry or cancel');
    const temporal = row.getByRole('link', { name: '在 Temporal 中查看' });
    expect(await temporal.getAttribute('href')).toBe(
      `${stack.config.temporal.uiUrl}/namespaces/default/workflows/${applicationWorkflowId(id)}`,
    );
    expect(await temporal.getAttribute('target')).toBe('_blank');
    expect(await temporal.getAttribute('rel')).toBe('noopener');
    await checkPage(page, 'admin-operations');

    await row.getByRole('button', { name: '重试拨付' }).click();
    const form = page.getByRole('form', { name: `重试拨付：${id}` });
    await form.getByRole('button', { name: '重试拨付' }).click();
    await fieldError(form, '理由').filter({ hasText: '必填' }).waitFor();
    await form.getByLabel('理由').fill('企业已更正收款账户');
    await form.getByRole('button', { name: '重试拨付' }).click();
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
  }, 240_000);

  it('cancels an application with a reason only after a second confirmation, and lists overdue tasks in words', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE');
    const id = (await submit(stack, a, 'INCLUSIVE')).body.id as string;
    await stuckHas(id, 'OVERDUE_TASK');
    const page = await signedInPage(browser, stack, { role: 'admin', subject: 'admin-zhao' });
    await page.goto(`${stack.baseUrl}/#/admin?kind=OVERDUE_TASK`);
    const row = stuckRow(page, id, 'OVERDUE_TASK');
    await row.waitFor();
    expect(await row.textContent()).toContain('任务超期');
    expect(await row.textContent()).toMatch(
      /初审任务（无人领取）已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）到期/,
    );
    expect(await page.locator('[data-kind]:not([data-kind="OVERDUE_TASK"])').count()).toBe(0);
    expect(await row.getByRole('button', { name: '重试拨付' }).count()).toBe(0);

    await row.getByRole('button', { name: '撤销申请' }).click();
    const form = page.getByRole('form', { name: `撤销申请：${id}` });
    await form.getByLabel('理由').fill('经核查该保单已在其他区获得补贴');
    await form.getByRole('button', { name: '继续' }).click();
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

describe('budget (#/finance/budgets)', () => {
  it('lets finance set a year’s budget with sub-budgets, shown as a chart and a table; refusals land on the field in Chinese', async () => {
    const page = await signedInPage(browser, stack, { role: 'finance', subject: 'finance-qian' });
    await fromMenu(page, '资金', '预算');
    await page.getByLabel('年度', { exact: true }).fill('2029');
    await page.getByRole('button', { name: '显示' }).click();
    await page.getByRole('heading', { name: '2029 年度补贴预算' }).waitFor();
    const available = page.locator('[data-figure="available"] .num');
    expect(await available.textContent()).toBe('¥0.00');

    await page.getByLabel('预算总额（元）').fill('1,000,000');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '预算已保存。可用金额：¥1,000,000.00。' }).waitFor();
    expect(await available.textContent()).toBe('¥1,000,000.00');
    expect(
      Number((await stack.db.budget.findFirstOrThrow({ where: { year: 2029, track: 'ALL' } })).totalFen),
    ).toBe(100_000_000);
    await page.getByRole('img', { name: '预算使用情况' }).locator('svg').waitFor();

    const inclusive = page.getByLabel('普惠型综合科技保险 分项预算');
    await inclusive.fill('2000000');
    await page.getByRole('button', { name: '保存' }).click();
    await fieldError(page, '普惠型综合科技保险 分项预算').filter({ hasText: '不能超过预算总额' }).waitFor();
    expect(await page.locator('main').textContent()).not.toMatch(/totalFen|body\./);

    await inclusive.fill('400000');
    await page.getByLabel('预算总额（元）').fill('1500000.50');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '可用金额：¥1,500,000.50' }).waitFor();
    const table = page.getByRole('table', { name: '数据表：预算使用情况' });
    expect(await table.getByRole('row', { name: /普惠型综合科技保险/ }).textContent()).toContain(
      '¥400,000.00',
    );
    const rows = await stack.db.budget.findMany({ where: { year: 2029 }, orderBy: { track: 'asc' } });
    expect(rows.map((r) => [r.track, Number(r.totalFen)])).toEqual([
      ['ALL', 150_000_050],
      ['INCLUSIVE', 40_000_000],
    ]);
    await checkPage(page, 'finance-budgets');
  });

  it('shows finance the day each budget runs out at the recent pace, tagged when it comes before the window closes', async () => {
    await approvedApplication(stack);
    const finance = await as(stack, { role: 'finance' });
    const today = shanghaiDate(new Date());
    const year = Number(today.slice(0, 4));
    const program = (await admin.get(`/api/v1/programs/${year}`)).body;
    const closes = addDays(today, 28);
    await admin.put(`/api/v1/programs/${year}`, { ...program, closesAt: `${closes}T23:59:59+08:00` });
    // Every grant of the year was made today: one fen left runs out tomorrow.
    const held = (await finance.get(`/api/v1/admin/budgets/${year}`)).body;
    await finance.put(`/api/v1/admin/budgets/${year}`, { totalFen: held.reservedFen + held.spentFen + 1 });
    const [all] = (await finance.get(`/api/v1/budgets/forecast?year=${year}`)).body.budgets;
    expect(all).toMatchObject({
      remainingFen: 1,
      exhaustionDay: addDays(today, 1),
      beforeWindowCloses: true,
    });

    const page = await signedInPage(browser, stack, { role: 'finance', subject: 'finance-sun' });
    await fromMenu(page, '资金', '预算');
    await page.getByRole('heading', { name: '预算用尽预测' }).waitFor();
    const row = page.getByRole('row').filter({ has: page.locator('[data-forecast="ALL"]') });
    await row.getByText(`预计 ${chineseDay(addDays(today, 1))} 用尽`).waitFor();
    await row.getByText('早于窗口关闭').waitFor();
    expect(await row.textContent()).toContain(fen(all.committedFen));
    expect(await row.textContent()).toContain('¥0.01');
    await page.getByRole('img', { name: '累计占用与预测（预算总额）' }).locator('svg').waitFor();
    await checkPage(page, 'finance-budget-forecast');
  });
});
