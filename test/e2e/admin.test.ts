import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { defaultProgram } from '../../domain/program';
import {
  checkPage,
  choose,
  expectAccessible,
  fieldError,
  fromMenu,
  mainNav,
  pickDate,
  screenshot,
  signedInPage,
  browserAndStack,
} from '../helpers/browser';
import { as, eventually, type ApiClient, type TestStack } from '../helpers/stack';
import { newApplicant, submit } from '../helpers/world';

/** The administrator's configuration pages, outreach, the holiday calendar and the application search. */
let stack: TestStack;
let browser: Browser;
let admin: ApiClient;

browserAndStack((s, b) => ([stack, browser] = [s, b]));
beforeAll(async () => {
  admin = await as(stack, { role: 'admin', subject: 'admin-zhao' });
});

const adminPage = () => signedInPage(browser, stack, { role: 'admin', subject: 'admin-zhao' });

describe('the main navigation', () => {
  const at1280 = (role: string, subject: string) =>
    signedInPage(browser, stack, { role, subject }, { width: 1280, height: 800 });
  /** The header at 1280×800 in both languages: the top entries are `tops`, and the navigation is one row high. */
  async function oneRow(page: Page, tops: Record<'zh' | 'en', string[]>): Promise<void> {
    for (const [lang, name, other] of [
      ['zh', '主导航', 'English'],
      ['en', 'Main navigation', '中文'],
    ] as const) {
      const nav = page.getByRole('navigation', { name });
      const entries = nav.getByRole('menubar').getByRole('menuitem');
      await entries.first().waitFor();
      await page.evaluate('document.fonts.ready.then(() => undefined)'); // measured in the console's own font
      expect((await entries.allInnerTexts()).map((x) => x.trim())).toEqual(tops[lang]);
      const item = (await entries.first().boundingBox())!;
      expect((await nav.boundingBox())!.height).toBeLessThanOrEqual(item.height);
      // The title and who is signed in beside it, not on rows of their own.
      expect((await page.locator('header').boundingBox())!.height).toBeLessThan(2 * item.height);
      await page.getByRole('button', { name: other }).click();
    }
  }

  it('fits the administrator’s entries on one row at 1280 px in menus, Chinese and English, and opens them', async () => {
    const page = await at1280('admin', 'admin-zhao');
    await oneRow(page, {
      zh: ['申请与任务', '资金', '运维与监督', '配置', '公开'],
      en: ['Cases & tasks', 'Funds', 'Oversight', 'Settings', 'Public'],
    });
    await mainNav(page).getByRole('menuitem', { name: '配置', exact: true }).hover();
    const links = mainNav(page).getByRole('link');
    await links.first().waitFor();
    expect(await links.allInnerTexts()).toEqual(['项目配置', '产品目录', '合作银行', '工作人员', '节假日']);
    await screenshot(page, 'admin-nav-open-1280');
    await expectAccessible(page, 'admin-nav-open');
    await links.filter({ hasText: '节假日' }).click();
    await page.getByRole('heading', { name: '节假日安排（工作日日历）', level: 1 }).waitFor();
    // The group of the page shown is marked, and the page is its current entry.
    await mainNav(page).locator('.el-sub-menu.is-active').filter({ hasText: '配置' }).waitFor();
    expect(await mainNav(page).locator('[aria-current="page"]').textContent()).toContain('节假日');
    await page.context().close();
  });

  it('fits finance’s entries on one row at 1280 px too', async () => {
    const page = await at1280('finance', 'finance-qian');
    await oneRow(page, {
      zh: ['申请与任务', '资金', '评估', '公开'],
      en: ['Cases & tasks', 'Funds', 'Evaluation', 'Public'],
    });
    await page.context().close();
  });
});

describe('programme configuration (#/admin/program)', () => {
  it('shows the server’s refusal in Chinese at the field and saves the whole configuration', async () => {
    const page = await adminPage();
    await page.goto(`${stack.baseUrl}/#/admin/program?year=2030`);
    await page.getByRole('heading', { name: '2030 年度项目配置' }).waitFor();
    const rate = page.getByLabel('国家级专精特新“小巨人” · 研发类（%）');
    expect(await rate.inputValue()).toBe('50');
    await rate.fill('55');
    await page.getByRole('button', { name: '保存' }).click();
    await fieldError(page, '国家级专精特新“小巨人” · 研发类（%）')
      .filter({ hasText: '专精特新补贴比例不能超过 50%' })
      .waitFor();
    expect((await admin.get('/api/v1/programs/2030')).body.srdiRatesBp.NATIONAL.R_AND_D).toBe(5000);
    await rate.fill('45.5');
    await page.getByLabel('全区国家高新技术企业总数').fill('12000');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '2030 年度配置已保存。' }).waitFor();
    const saved = (await admin.get('/api/v1/programs/2030')).body;
    const defaults = defaultProgram(2030);
    expect(saved).toEqual({
      ...defaults,
      srdiRatesBp: { ...defaults.srdiRatesBp, NATIONAL: { ...defaults.srdiRatesBp.NATIONAL, R_AND_D: 4550 } },
      highTechEnterpriseTotal: 12_000,
    });
    await checkPage(page, 'admin-program');
    await page.context().close();
  });
});

describe('catalog, partner banks and staff', () => {
  it('adds a product, changes a bank and adds a member of staff, with refusals at the fields', async () => {
    const page = await adminPage();
    await page.goto(`${stack.baseUrl}/#/admin/catalog`);
    await page.getByRole('heading', { name: '科技保险产品目录', level: 1 }).waitFor();
    const addProduct = async () => {
      await page.getByLabel('产品代码').fill('PICC-AI-301');
      await page.getByLabel('保险公司代码').fill('PICC');
      await page.getByLabel('产品名称').fill('人工智能研发责任保险');
      await pickDate(page, '生效日期', '2026-01-01');
      await page.locator('.el-checkbox').filter({ hasText: '人工智能' }).click();
      await page.getByRole('button', { name: '添加产品' }).click();
    };
    await addProduct();
    await page.getByRole('status').filter({ hasText: '已添加产品 PICC-AI-301。' }).waitFor();
    expect(await page.getByRole('row', { name: /PICC-AI-301/ }).textContent()).toContain(
      '人工智能研发责任保险',
    );
    expect(
      await stack.db.catalogProduct.findUniqueOrThrow({ where: { productCode: 'PICC-AI-301' } }),
    ).toMatchObject({
      kind: 'CATALOG',
      category: 'R_AND_D',
      exclusiveFields: ['ARTIFICIAL_INTELLIGENCE'],
    });
    await checkPage(page, 'admin-catalog');
    await page.getByLabel('产品代码').fill('PICC-AI-301');
    await page.getByLabel('保险公司代码').fill('PICC');
    await page.getByLabel('产品名称').fill('重复');
    await pickDate(page, '生效日期', '2026-01-01');
    await page.getByRole('button', { name: '添加产品' }).click();
    await page.getByRole('alert').filter({ hasText: '产品 PICC-AI-301 已在目录中' }).waitFor();

    await fromMenu(page, '配置', '合作银行');
    await page.getByRole('heading', { name: '合作银行（保贷联动）' }).waitFor();
    await page.getByRole('button', { name: '编辑：北京银行中关村分行' }).click();
    expect(await page.getByLabel('银行代码').inputValue()).toBe('BOB');
    expect(await page.getByLabel('最低金额（元）').inputValue()).toBe('100,000.00');
    await page.getByLabel('最高金额（元）').fill('50000');
    await page.getByRole('button', { name: '保存' }).click();
    await fieldError(page, '最高金额（元）').filter({ hasText: '不能低于最低金额' }).waitFor();
    await page.getByLabel('最高金额（元）').fill('5,000,000');
    await page.getByLabel('最长期限（月）').fill('36');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '已保存银行 BOB。' }).waitFor();
    expect(await page.getByRole('row', { name: /BOB/ }).textContent()).toContain('最长 36 个月');
    const bob = await stack.db.bank.findUniqueOrThrow({ where: { bankCode: 'BOB' } });
    expect([bob.maxTermMonths, Number(bob.maxAmountFen), bob.tracks]).toEqual([
      36,
      500_000_000,
      ['INCLUSIVE'],
    ]);
    await checkPage(page, 'admin-banks');

    await fromMenu(page, '配置', '工作人员');
    await page.getByRole('heading', { name: '工作人员', level: 1 }).waitFor();
    await page.getByLabel('用户名').fill('finance-li');
    await page.getByLabel('姓名').fill('李财务');
    await page.getByLabel('邮箱').fill('li@example.com');
    await choose(page, '角色', '区财政局');
    await page.getByLabel('所属机构').fill('street:中关村街道');
    await page.getByRole('button', { name: '保存' }).click();
    await fieldError(page, '所属机构').filter({ hasText: '只有初审人员可以属于街镇' }).waitFor();
    await page.getByLabel('所属机构').fill('');
    await page.locator('.el-checkbox').filter({ hasText: '队列主管' }).click();
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '已保存 finance-li。' }).waitFor();
    expect(await page.getByRole('row', { name: /finance-li/ }).textContent()).toContain('李财务');
    expect(await stack.db.staffMember.findUniqueOrThrow({ where: { subject: 'finance-li' } })).toMatchObject({
      role: 'finance',
      org: null,
      supervisor: true,
      active: true,
    });
    await checkPage(page, 'admin-staff');
    await page.context().close();
  });
});

describe('outreach campaigns (#/admin/campaigns)', () => {
  it('starts a campaign only after a confirmation and shows its figures in words', async () => {
    const page = await adminPage();
    await page.goto(`${stack.baseUrl}/#/admin/campaigns`);
    await page.getByRole('heading', { name: /主动匹配/, level: 1 }).waitFor();
    await page.getByRole('button', { name: '开始发送邀请…' }).click();
    const confirm = page.getByRole('dialog', { name: '开始主动匹配' });
    await confirm.getByText('邮件发出后不能撤回').waitFor();
    await confirm.getByRole('button', { name: '取消' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await stack.db.campaign.count()).toBe(0);
    await page.getByRole('button', { name: '开始发送邀请…' }).click();
    await confirm.getByRole('button', { name: '开始发送邀请' }).click();
    await page.getByRole('status').filter({ hasText: '已开始活动' }).waitFor();
    const campaign = await eventually(
      () => stack.db.campaign.findFirst(),
      (c) => c !== null && c.status !== 'RUNNING',
      60_000,
    );
    await page.reload();
    const card = page.locator(`.campaign[data-campaign="${campaign!.id}"]`);
    await card.getByText('已完成').waitFor();
    expect(await card.locator('.funnel').textContent()).toMatch(
      /^扫描 \d+ 家企业 · 符合条件 \d+ 家 · 已发送邀请 \d+ 封$/,
    );
    expect(await card.locator('.response').textContent()).toMatch(
      /^打开邀请 \d+ 家（共打开 \d+ 次） · 由邀请产生的申请 \d+ 件 · 转化率 /,
    );
    expect(await card.locator('.skipped').textContent()).toMatch(
      /^未发送：本年度已申请 \d+ 家，已退订 \d+ 家，无联系邮箱 \d+ 家；不符合条件 \d+ 家$/,
    );
    expect(await card.textContent()).not.toMatch(/\d+ \(\d+\)|\d+\/\d+\/\d+/);
    await checkPage(page, 'admin-campaigns');
    await page.context().close();
  });
});

describe('the holiday calendar (#/admin/calendar)', () => {
  it('lists the years with their source, and loads a year edited on the calendar', async () => {
    const page = await adminPage();
    await page.goto(`${stack.baseUrl}/#/admin/calendar`);
    await page.getByRole('heading', { name: /节假日安排/, level: 1 }).waitFor();
    await page.locator('[data-source="package"]').first().waitFor(); // the packaged years, listed
    expect(
      await page.locator('[data-source="missing"], [data-source="loaded"], [data-source="package"]').count(),
    ).toBeGreaterThan(1);
    await page.getByLabel('年度', { exact: true }).fill('2099');
    await page.getByRole('button', { name: '编辑', exact: true }).click();
    await page.getByRole('heading', { name: '2099 年节假日安排' }).waitFor();
    await pickDate(page, '月份', '2099-10');
    await page.locator('[data-day="2099-10-01"]').click(); // a Thursday: a holiday
    await page.locator('[data-day="2099-10-02"]').click();
    await page.locator('[data-day="2099-10-10"]').click(); // a Saturday: a make-up working day
    await page.locator('[data-day="2099-10-02"]').click(); // undone
    expect(await page.getByTestId('holidays').textContent()).toBe('2099-10-01');
    expect(await page.getByTestId('workdays').textContent()).toBe('2099-10-10');
    await page.getByLabel('依据（选填，如通知文号）').fill('国办发明电〔2098〕7号');
    await checkPage(page, 'admin-calendar');
    await page.getByRole('button', { name: '保存 2099 年安排' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '2099 年节假日安排已保存。' }).waitFor();
    const year = await admin.get('/api/v1/admin/calendar/2099');
    expect(year.body).toMatchObject({
      source: 'loaded',
      holidays: ['2099-10-01'],
      workdays: ['2099-10-10'],
      loadedBy: 'admin-zhao',
    });
    await page.locator('.year-2099 [data-source="loaded"]').waitFor();
    await page.context().close();
  });
});

describe('the application search (#/admin/search)', () => {
  it('finds applications by number, part of the name, status, track, street office and days; sorts, pages and exports CSV', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await newApplicant(stack, 'INCLUSIVE');
      ids.push((await submit(stack, a, 'INCLUSIVE')).body.id as string);
    }
    await eventually(
      () => stack.db.application.count({ where: { id: { in: ids }, status: 'INITIAL_REVIEW' } }),
      (n) => n === 3,
    );
    const page = await adminPage();
    await page.goto(`${stack.baseUrl}/#/admin/search`);
    await page.getByRole('heading', { name: '申请查询', level: 1 }).waitFor();
    await page.getByLabel('申请编号', { exact: true }).fill(ids[1]!);
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByText('共 1 件').waitFor();
    expect(await page.getByRole('row', { name: new RegExp(ids[1]!) }).textContent()).toContain(
      '北京海淀测试科技有限公司',
    );

    await page.getByLabel('申请编号', { exact: true }).fill('');
    await page.getByLabel('企业名称（可填部分）').fill('海淀测试');
    await choose(page, '状态', '初审中');
    await page.keyboard.press('Escape');
    await page.getByLabel('所属街镇').fill('中关村街道');
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/name=/);
    await page.getByText(/共 \d+ 件/).waitFor();
    for (const id of ids) await page.getByRole('link', { name: id }).waitFor();
    expect(page.url()).toContain('status=INITIAL_REVIEW');
    await checkPage(page, 'admin-search');

    // Sorted by number, ascending: the numbers come in order.
    await page.getByRole('columnheader', { name: '申请编号' }).click();
    await page.waitForURL(/sort=id/);
    await page.getByText(/共 \d+ 件/).waitFor();
    const shown = await page.locator('a.app-id').allTextContents();
    expect(shown).toEqual([...shown].sort());

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 CSV' }).click(),
    ]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      '\uFEFF申请编号,统一社会信用代码,企业名称,补贴类别,状态,所属街镇,核定补贴（元）,测算补贴（元）,提交时间（北京时间）',
    );
    for (const id of ids) expect(csv).toContain(`${id},`);
    expect(csv).toContain(',初审中,中关村街道,,2500.00,');
    await page.context().close();
  });
});

describe('the risk list (#/admin/risk)', () => {
  it('counts the flags by kind, shows the reasons and dismisses a flag only with a reason', async () => {
    const email = `risk-${Date.now()}@example.com`;
    const ids: string[] = [];
    for (const contactEmail of [email, email.toUpperCase()]) {
      const a = await newApplicant(stack, 'INCLUSIVE', {}, { contactEmail });
      ids.push((await submit(stack, a, 'INCLUSIVE')).body.id);
    }
    await eventually(
      () => stack.db.riskFlag.count({ where: { applicationId: { in: ids }, kind: 'SHARED_CONTACT_EMAIL' } }),
      (n) => n === 2,
    );

    const page = await adminPage();
    await fromMenu(page, '运维与监督', '风险提示');
    await page.getByRole('heading', { name: '风险提示', level: 1 }).waitFor();
    const count = page.locator('.counts li[data-kind="SHARED_CONTACT_EMAIL"]');
    expect(await count.textContent()).toContain('联系邮箱与其他企业相同');
    await count.getByRole('button').click();
    // Filtered to the kind: no row of another kind stays.
    await page
      .locator('.risk-row li:not([data-kind="SHARED_CONTACT_EMAIL"])')
      .first()
      .waitFor({ state: 'detached' });
    const row = page
      .locator('.risk-row')
      .filter({ has: page.locator('[data-flag]').filter({ hasText: ids[0]! }) });
    await row.waitFor();
    expect(await row.textContent()).toContain('该企业的联系邮箱与其他 1 家企业相同');
    await checkPage(page, 'admin-risk');

    await row.getByRole('button', { name: '排除' }).click();
    const dialog = page.getByRole('dialog', { name: `排除风险提示（${ids[0]}）` });
    await dialog.getByRole('button', { name: '确认排除' }).click();
    await fieldError(dialog, '排除理由').filter({ hasText: '必填' }).waitFor();
    await dialog.getByLabel('排除理由').fill('同一集团共用财务邮箱，已电话核实');
    await dialog.getByRole('button', { name: '确认排除' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `已排除申请 ${ids[0]} 的风险提示。` })
      .waitFor();
    await row.waitFor({ state: 'detached' });
    const flag = await stack.db.riskFlag.findFirstOrThrow({
      where: { applicationId: ids[0], kind: 'SHARED_CONTACT_EMAIL' },
    });
    expect(flag).toMatchObject({
      dismissedBy: 'admin-zhao',
      dismissReason: '同一集团共用财务邮箱，已电话核实',
    });

    await page.locator('.el-radio-button').filter({ hasText: '已排除' }).click();
    await page.getByText('admin-zhao').first().waitFor();
    await page.context().close();
  });
});
