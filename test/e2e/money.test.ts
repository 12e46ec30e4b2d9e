import type { Browser, Page } from 'playwright-core';
import { checkPage, fieldError, fromMenu, signedInPage, browserAndStack } from '../helpers/browser';
import { as, eventually, type ApiClient, type TestStack } from '../helpers/stack';
import { approveReviews, newApplicant, submit, type Applicant } from '../helpers/world';

/**
 * Money after final approval in a real browser against the whole system: a change of payee asked by the
 * applicant (or an administrator) and decided by finance, never by the person who asked; the budget queue's
 * first in line woken from the operations page.
 */
let stack: TestStack, browser: Browser, admin: ApiClient;
browserAndStack(async (s, b) => {
  [stack, browser] = [s, b];
  admin = await as(s, { role: 'admin', subject: 'admin-zhao' });
});

const statusOf = async (id: string) =>
  (await stack.db.application.findUniqueOrThrow({ where: { id } })).status;

/** An SRDI application (paid to the enterprise's account, fixed at final approval), approved. */
async function approvedSrdi(): Promise<{ id: string; a: Applicant }> {
  const a = await newApplicant(stack, 'SRDI');
  const id = (await submit(stack, a, 'SRDI')).body.id as string;
  await approveReviews(stack, id, 'committee');
  await eventually(
    () => statusOf(id),
    (s) => s === 'APPROVED',
  );
  return { id, a };
}

/** Fills the change-of-payee form of the application page and confirms it. */
async function askForChange(page: Page, id: string, accountNumber: string, reason: string) {
  await page.getByRole('button', { name: '更换收款账户' }).click();
  const form = page.getByRole('form', { name: `更换收款账户：${id}` });
  await form.getByLabel('开户银行').fill('中国建设银行');
  await form.getByLabel('账户名称').fill('北京海淀测试科技有限公司');
  await form.getByLabel('银行账号').fill(accountNumber);
  await form.getByLabel('更换理由').fill(reason);
  await form.getByRole('button', { name: '继续' }).click();
  await form.getByRole('alert').filter({ hasText: '确定申请将补贴改为拨付到“中国建设银行' }).waitFor();
  await form.getByRole('button', { name: '确认提交' }).click();
  return form;
}

const OLD = '***************5678'; // 6222020200012345678 (test/helpers/fixtures.ts), masked
const NEW = '6217000010009876543';
const NEW_MASKED = '***************6543';

describe('changes of payee', () => {
  it('lets the applicant ask, finance approve, and the application page shows the new account in effect', async () => {
    const { id, a } = await approvedSrdi();
    const page = await signedInPage(browser, stack, {
      role: 'applicant',
      subject: 'zhang',
      creditCode: a.code,
    });
    await page.goto(`${stack.baseUrl}/#/applications/${id}`);
    const card = page.locator('.payee');
    await card.getByRole('heading', { name: '收款账户' }).waitFor();
    expect(await card.getByTestId('payee-account').textContent()).toBe(
      `中国工商银行 · 北京海淀测试科技有限公司 · ${OLD}`,
    );

    // The browser asks for every field, the server for a real account number: each at its field.
    await page.getByRole('button', { name: '更换收款账户' }).click();
    const form = page.getByRole('form', { name: `更换收款账户：${id}` });
    await form.getByRole('button', { name: '继续' }).click();
    await fieldError(form, '开户银行').filter({ hasText: '必填' }).waitFor();
    await fieldError(form, '更换理由').filter({ hasText: '必填' }).waitFor();
    await form.getByRole('button', { name: '取消' }).click();
    await askForChange(page, id, '6217-0000', '企业基本户变更');
    await fieldError(form, '银行账号').filter({ hasText: '须为 8-32 位数字' }).waitFor();
    expect(await form.textContent()).not.toMatch(/bankAccount|body\./);
    expect(await stack.db.payeeChange.count({ where: { applicationId: id } })).toBe(0);
    await form.getByRole('button', { name: '取消' }).click();

    await askForChange(page, id, NEW, '企业基本户变更');
    await page
      .getByRole('status')
      .filter({ hasText: '已提交更换收款账户的申请，等待区财政局审批。' })
      .waitFor();
    const pending = card.locator('.change[data-state="PENDING"]');
    await pending.waitFor();
    expect(await pending.textContent()).toContain('待区财政局审批');
    expect(await pending.textContent()).toContain(`中国建设银行 · 北京海淀测试科技有限公司 · ${NEW_MASKED}`);
    expect(await pending.textContent()).toContain(OLD);
    expect(await card.getByRole('button', { name: '更换收款账户' }).isDisabled()).toBe(true);
    expect(await stack.db.payeeChange.findMany({ where: { applicationId: id } })).toMatchObject([
      { state: 'PENDING', requestedBy: 'zhang', reason: '企业基本户变更' },
    ]);
    await checkPage(page, 'applicant-payee-change');
    await page.getByRole('button', { name: 'English' }).click();
    await card.getByRole('heading', { name: 'Payee account' }).waitFor();
    expect(await pending.textContent()).toContain('Waiting for finance');
    await page.getByRole('button', { name: '中文' }).click();

    // Finance (someone else) sees the request with both accounts masked, and approves it after confirming.
    const finance = await signedInPage(browser, stack, { role: 'finance', subject: 'finance-qian' });
    await fromMenu(finance, '资金', '收款账户变更');
    await finance.getByRole('heading', { name: '收款账户变更审批', level: 1 }).waitFor();
    const row = finance.locator('tr.payee-row').filter({ hasText: id });
    await row.waitFor();
    for (const text of [OLD, NEW_MASKED, 'zhang', '企业基本户变更'])
      expect(await row.textContent()).toContain(text);
    expect(await finance.locator('main').textContent()).not.toContain(NEW);
    expect(await row.getByText('由您提出').count()).toBe(0);
    await checkPage(finance, 'finance-payee-changes');
    await row.getByRole('button', { name: '批准' }).click();
    const decide = finance.getByRole('form', { name: `批准收款账户变更：${id}` });
    await decide.getByRole('button', { name: '继续' }).click();
    await fieldError(decide, '审批意见').filter({ hasText: '必填' }).waitFor();
    await decide.getByLabel('审批意见').fill('已核对开户许可证');
    await decide.getByRole('button', { name: '继续' }).click();
    await decide
      .getByRole('alert')
      .filter({ hasText: `确定批准吗？批准后，申请 ${id} 此后的每次拨付` })
      .waitFor();
    expect((await stack.db.payeeChange.findFirstOrThrow({ where: { applicationId: id } })).state).toBe(
      'PENDING',
    );
    await decide.getByRole('button', { name: '确认批准' }).click();
    await finance
      .getByRole('status')
      .filter({ hasText: `已批准申请 ${id} 的收款账户变更` })
      .waitFor();
    await finance.getByText('目前没有等待审批的收款账户变更。').waitFor();
    expect(await stack.db.payeeChange.findFirstOrThrow({ where: { applicationId: id } })).toMatchObject({
      state: 'APPROVED',
      decidedBy: 'finance-qian',
      comment: '已核对开户许可证',
    });
    await finance.context().close();

    // The applicant's page: the new account is the payee, the request reads as approved and in effect.
    await page.reload();
    await card.getByTestId('payee-account').filter({ hasText: NEW_MASKED }).waitFor();
    expect(await card.getByTestId('payee-account').textContent()).toBe(
      `中国建设银行 · 北京海淀测试科技有限公司 · ${NEW_MASKED}`,
    );
    const approved = card.locator('.change[data-state="APPROVED"]');
    expect(await approved.textContent()).toContain('已批准，已生效');
    expect(await approved.textContent()).toContain('finance-qian 于');
    expect(await approved.textContent()).toContain('审批意见：已核对开户许可证');
    const step = page.locator('.timeline li[data-action="PAYEE_CHANGED"]');
    expect(await step.textContent()).toContain('收款账户变更生效');
    expect(await page.locator('main').textContent()).not.toContain(NEW);
    await page.context().close();
  });

  it('lets an administrator ask from the search result’s detail, and refuses it to the same person as finance (four-eyes)', async () => {
    const { id } = await approvedSrdi();
    const page = await signedInPage(browser, stack, { role: 'admin', subject: 'finance-sun' });
    await page.goto(`${stack.baseUrl}/#/admin/search?number=${id}`);
    await page.getByRole('link', { name: id }).click();
    await page.getByRole('heading', { name: `申请 ${id}`, level: 1 }).waitFor();
    await askForChange(page, id, NEW, '企业申请更换账户（电话确认）');
    await page.getByRole('status').filter({ hasText: '等待区财政局审批' }).waitFor();
    await page.context().close();

    const finance = await signedInPage(browser, stack, { role: 'finance', subject: 'finance-sun' });
    await finance.goto(`${stack.baseUrl}/#/finance/payee-changes`);
    const row = finance.locator('tr.payee-row').filter({ hasText: id });
    await row.getByText('由您提出，须由他人审批').waitFor();
    await row.getByRole('button', { name: '批准' }).click();
    const decide = finance.getByRole('form', { name: `批准收款账户变更：${id}` });
    await decide.getByText('此变更由您提出。按四眼原则，须由区财政局的其他工作人员审批。').waitFor();
    await decide.getByLabel('审批意见').fill('同意');
    await decide.getByRole('button', { name: '继续' }).click();
    await decide.getByRole('button', { name: '确认批准' }).click();
    const refusal = decide.locator('[role="alert"][data-code="FOUR_EYES"]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('四眼原则：您提出了此变更，不能自行批准');
    expect(await decide.textContent()).not.toMatch(/you asked|may not/);
    expect((await stack.db.payeeChange.findFirstOrThrow({ where: { applicationId: id } })).state).toBe(
      'PENDING',
    );
    await checkPage(finance, 'finance-payee-four-eyes');
    await decide.getByRole('button', { name: '取消' }).click();
    await decide.waitFor({ state: 'hidden' });
    await finance.getByRole('button', { name: 'English' }).click();
    await row.getByText('Asked by you: someone else decides').waitFor();
    await row.getByRole('button', { name: 'Approve' }).click();
    await finance
      .getByRole('form', { name: `Approve the change of payee: ${id}` })
      .getByText('You asked for this change. Four-eyes')
      .waitFor();
    await finance.context().close();
  });
});

describe('the budget queue (#/admin?kind=BUDGET_QUEUE)', () => {
  it('wakes a first in line that the money covers behind the queue’s back, after a confirmation; it becomes APPROVED', async () => {
    const year = Number(
      new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()),
    );
    const finance = await as(stack, { role: 'finance', subject: 'finance-qian' });
    const budget = (await finance.get(`/api/v1/admin/budgets/${year}`)).body;
    expect(
      (await finance.put(`/api/v1/admin/budgets/${year}`, { totalFen: budget.reservedFen + budget.spentFen }))
        .status,
    ).toBe(200);
    const a = await newApplicant(stack, 'SRDI');
    const id = (await submit(stack, a, 'SRDI')).body.id as string;
    await approveReviews(stack, id, 'committee');
    await eventually(
      () => statusOf(id),
      (s) => s === 'AWAITING_BUDGET',
    );
    // Money that arrives behind the queue's back (a direct edit of the budget row).
    await stack.db
      .$executeRaw`UPDATE "Budget" SET "totalFen" = "totalFen" + ${100_000_000} WHERE year = ${year} AND track = 'ALL'`;

    const page = await signedInPage(browser, stack, { role: 'admin', subject: 'admin-zhao' });
    await page.goto(`${stack.baseUrl}/#/admin?kind=BUDGET_QUEUE`);
    const row = page.locator('tr.stuck-row').filter({ has: page.locator(`[data-application="${id}"]`) });
    await row.waitFor();
    expect(await row.textContent()).toContain('预算队列');
    expect(await row.textContent()).toMatch(
      /年度预算队列第 1 位（共 1 件等待），可用资金 ¥[\d,.]+ 已足够其所需/,
    );
    await checkPage(page, 'admin-operations-budget-queue');
    await page.getByRole('button', { name: 'English' }).click();
    await row.getByRole('button', { name: 'Wake' }).waitFor();
    expect(await row.textContent()).toContain('Budget queue');
    await page.getByRole('button', { name: '中文' }).click();

    // "Cancel" wakes nothing.
    await row.getByRole('button', { name: '唤醒' }).click();
    const confirm = page.getByRole('dialog', { name: `唤醒：${id}` });
    await confirm.getByText('将按顺序重新处理该年度的预算队列').waitFor();
    await confirm.getByRole('button', { name: '取消' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await statusOf(id)).toBe('AWAITING_BUDGET');
    expect((await stack.db.reservation.findUniqueOrThrow({ where: { applicationId: id } })).state).toBe(
      'WAITING',
    );

    await row.getByRole('button', { name: '唤醒' }).click();
    await confirm.getByRole('button', { name: '唤醒' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `已唤醒申请 ${id}：预算队列已重新处理，流程已收到通知。当前：补贴资金已预留。` })
      .waitFor();
    await eventually(
      () => statusOf(id),
      (s) => s === 'APPROVED',
    );
    expect((await stack.db.reservation.findUniqueOrThrow({ where: { applicationId: id } })).state).toBe(
      'RESERVED',
    );
    await page.getByText('目前没有需要处理的流程。').waitFor();

    expect(await admin.post(`/api/v1/admin/applications/${id}/wake`)).toMatchObject({
      status: 200,
      body: { outcome: 'NOT_WAITING', reservation: 'RESERVED' },
    });
    await page.context().close();
  });
});
