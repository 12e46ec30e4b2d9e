import type { Browser, Locator, Page } from 'playwright-core';
import {
  checkPage,
  choose,
  fieldError,
  fromMenu,
  pickDate,
  signedInPage,
  browserAndStack,
} from '../helpers/browser';
import { as, type TestStack } from '../helpers/stack';
import { newApplicant } from '../helpers/world';

/**
 * The audit trail in a real browser against the whole system: an administrator changes a partner bank and
 * the staff directory in the console, and the read-only auditor finds both, with before and after.
 */
let stack: TestStack;
let browser: Browser;

browserAndStack((s, b) => ([stack, browser] = [s, b]));

const nav = (page: Page) => page.getByRole('navigation', { name: '主导航' });
const entries = (page: Page) => page.getByRole('list', { name: '审计日志' }).locator('li.entry');
const entry = (page: Page, action: string, entityId: string) =>
  page.locator(`li.entry[data-action="${action}"][data-entity-id="${entityId}"]`);
const diffRow = (e: Locator, field: string) => e.locator(`tr[data-field="${field}"]`);
const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();
/** A diff row as [field, before, after] (the field with its "changed" mark). */
const cells = async (row: Locator) =>
  Promise.all([text(row.locator('th')), text(row.locator('td.before')), text(row.locator('td.after'))]);
const beijingToday = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

/** The administrator's changes, made in the console: a bank's longest term, a reviewer added then made supervisor. */
async function adminChanges(): Promise<void> {
  const page = await signedInPage(browser, stack, { role: 'admin', subject: 'admin-qin' });
  await fromMenu(page, '配置', '合作银行');
  await page.getByRole('button', { name: '编辑：北京银行中关村分行' }).click();
  await page.getByLabel('最长期限（月）').fill('48');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByRole('status').filter({ hasText: '已保存银行 BOB。' }).waitFor();

  await fromMenu(page, '配置', '工作人员');
  await page.getByLabel('用户名').fill('reviewer-gao');
  await page.getByLabel('姓名').fill('高审核');
  await page.getByLabel('邮箱').fill('gao@example.com');
  await choose(page, '角色', '初审人员');
  await page.getByLabel('所属机构').fill('street:中关村街道');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByRole('status').filter({ hasText: '已保存 reviewer-gao。' }).waitFor();
  await page.locator('.el-checkbox').filter({ hasText: '队列主管' }).click();
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByRole('status').filter({ hasText: '已保存 reviewer-gao。' }).waitFor();
  // Administrators read the trail too.
  await fromMenu(page, '运维与监督', '审计日志');
  await entry(page, 'STAFF_UPDATED', 'reviewer-gao').waitFor();
  await page.context().close();
}

describe('the audit trail (#/audit)', () => {
  it('shows the auditor the administrator’s changes of a bank and of the staff directory with before and after', async () => {
    await adminChanges();
    // More entries than a page, newer than the console's changes: the rest comes with "more".
    const other = await as(stack, { role: 'admin', subject: 'admin-api' });
    for (let i = 0; i < 21; i++)
      await other.put(`/api/v1/admin/staff/expert-${i}`, {
        name: `专家${i}`,
        email: `expert-${i}@example.com`,
        role: 'expert',
      });
    const a = await newApplicant(stack, 'SRDI'); // its profile with a bank account (masked on the trail)

    const page = await signedInPage(browser, stack, { role: 'auditor', subject: 'auditor-zhao' });
    await page.waitForURL(/#\/audit$/);
    await page.getByRole('heading', { name: '审计日志', level: 1 }).waitFor();
    // The auditor's console is this page, the risk list and the site visits' samples (read-only), and the public ones.
    expect(await nav(page).getByRole('link').allTextContents()).toEqual([
      '审计日志',
      '风险提示',
      '实地走访',
      '补贴公示',
      '资金公开',
      '补贴测算',
    ]);

    // Newest first, a page at a time.
    await entries(page).first().waitFor();
    expect(await entries(page).count()).toBe(20);
    expect(await entries(page).first().getAttribute('data-action')).toBe('ENTERPRISE_CREATED');
    expect(await entry(page, 'BANK_UPDATED', 'BOB').count()).toBe(0);
    await page.getByRole('button', { name: '加载更多' }).click();
    await entry(page, 'BANK_UPDATED', 'BOB').waitFor();
    expect(await entries(page).count()).toBeGreaterThan(20);

    // Filtered by who: the bank's change and the staff member's two entries.
    await page.getByLabel('操作人（用户名）').fill('admin-qin');
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/actor=admin-qin/);
    await entry(page, 'BANK_UPDATED', 'BOB').waitFor();
    expect(await entries(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual([
      'STAFF_UPDATED',
      'STAFF_CREATED',
      'BANK_UPDATED',
    ]);
    await page.getByText('已显示全部 3 条记录。').waitFor();

    const bank = entry(page, 'BANK_UPDATED', 'BOB');
    expect(await text(bank.locator('time'))).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）$/);
    expect(await text(bank.locator('.action'))).toBe('修改合作银行');
    expect(await text(bank.locator('.who'))).toBe('admin-qin（系统管理员）');
    expect(await text(bank.locator('.what'))).toBe('合作银行 BOB');
    const term = diffRow(bank, 'criteria.maxTermMonths');
    expect(await cells(term)).toEqual(['授信条件 · 最长期限（月） 已修改', '24', '48']);
    expect(await cells(diffRow(bank, 'criteria.maxAmountFen'))).toEqual([
      '授信条件 · 最高金额',
      '¥5,000,000.00',
      '¥5,000,000.00',
    ]);
    expect(await bank.locator('tr.changed').count()).toBe(1);

    const updated = entry(page, 'STAFF_UPDATED', 'reviewer-gao');
    expect(await text(updated.locator('.action'))).toBe('修改工作人员');
    expect(await cells(diffRow(updated, 'supervisor'))).toEqual(['队列主管 已修改', '否', '是']);
    expect(await cells(diffRow(updated, 'role'))).toEqual(['角色', '初审人员', '初审人员']);
    const created = entry(page, 'STAFF_CREATED', 'reviewer-gao');
    expect(await text(created.locator('.action'))).toBe('新增工作人员');
    // A record created shows what it holds.
    expect(await text(created.getByRole('table'))).toContain('新增工作人员：记录内容');
    expect(await text(diffRow(created, 'name'))).toBe('名称高审核');
    expect(await created.locator('tr.changed').count()).toBe(0);
    await checkPage(page, 'audit-trail');

    // By the kind and id of a record, and by Beijing days (the end day may not come before the start day).
    await page.getByLabel('操作人（用户名）').fill('');
    await choose(page, '对象类型', '合作银行');
    await page.getByLabel('对象编号').fill('BOB');
    await pickDate(page, '开始日期（北京时间）', beijingToday());
    await pickDate(page, '结束日期（北京时间）', '2020-01-01');
    await page.getByRole('button', { name: '查询' }).click();
    await fieldError(page, '结束日期（北京时间）').filter({ hasText: '结束日期不能早于开始日期' }).waitFor();
    await pickDate(page, '结束日期（北京时间）', beijingToday());
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/entity=bank/);
    await page.getByText('已显示全部 1 条记录。').waitFor();
    expect(await entries(page).count()).toBe(1);
    await page.goto(`${stack.baseUrl}/#/audit?entity=bank&from=2020-01-01&to=2020-01-31`);
    await page.getByText('没有符合条件的记录。').waitFor();

    // An enterprise's profile: the account number arrives masked.
    await page.goto(`${stack.baseUrl}/#/audit?entity=enterprise&entityId=${a.code}`);
    const profile = entry(page, 'ENTERPRISE_CREATED', a.code);
    await profile.waitFor();
    expect(await text(diffRow(profile, 'bankAccount.accountNumber'))).toBe(
      '收款账户 · 银行账号***************5678',
    );
    expect(await page.locator('main').textContent()).not.toContain('6222020200012345678');

    // English on the switch.
    await page.goto(`${stack.baseUrl}/#/audit?actor=admin-qin`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    expect(await text(bank.locator('.action'))).toBe('Partner bank changed');
    expect(await text(bank.locator('.who'))).toBe('admin-qin (Administrator)');
    expect(await cells(term)).toEqual(['Criteria · Longest term (months) Changed', '24', '48']);
    await page.getByRole('button', { name: '中文' }).click();

    // Read-only: the administration's pages are not the auditor's.
    await page.goto(`${stack.baseUrl}/#/admin/banks`);
    await page.getByRole('heading', { name: '您的角色不能打开此页面。' }).waitFor();
    expect((await (await as(stack, { role: 'auditor' })).put('/api/v1/admin/banks/BOB', {})).status).toBe(
      403,
    );
    await page.context().close();
  });

  it('verifies the audit chain for the auditor, and shows where an entry changed in the database breaks it', async () => {
    const admin = await as(stack, { role: 'admin', subject: 'admin-chain' });
    for (const supervisor of [false, true])
      await admin.put('/api/v1/admin/staff/reviewer-chain', {
        name: '链审核',
        email: 'chain@example.com',
        role: 'reviewer',
        org: 'committee',
        supervisor,
        active: true,
      });
    const year = Number(beijingToday().slice(0, 4));
    const page = await signedInPage(browser, stack, { role: 'auditor', subject: 'auditor-qian' });
    await page.getByRole('heading', { name: '审计链校验与导出' }).waitFor();
    await page.getByRole('button', { name: '校验审计链' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: new RegExp(`^${year} 年涉及的审计链完整：已校验 \\d+ 条记录（\\d+ 条链）。$`) })
      .waitFor();
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 CSV' }).click(),
    ]);
    expect(csv.suggestedFilename()).toBe(`audit-${year}.csv`);

    const [changed] = await stack.db.auditEvent.findMany({
      where: { entity: 'staff', entityId: 'reviewer-chain' },
      orderBy: { id: 'asc' },
    });
    await stack.db.$executeRaw`UPDATE "AuditEvent" SET actor = 'someone-else' WHERE id = ${changed!.id}`;
    await page.getByRole('button', { name: '校验审计链' }).click();
    const alert = page.getByRole('alert').filter({ hasText: `${year} 年涉及的审计链有 1 条断开` });
    await alert.waitFor();
    expect(await text(alert)).toContain(
      `第一处断开：第 ${changed!.id} 条记录，记录内容与其哈希不符（记录被修改）。所属链：staff:reviewer-chain`,
    );
    await checkPage(page, 'audit-chain-broken');
    await page.context().close();
  });
});
