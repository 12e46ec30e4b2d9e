import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { REQUIRED_DOCUMENTS } from '../../domain/documents';
import { choose, launchBrowser, pickDate, publicPage, screenshot, signedInPage } from '../helpers/browser';
import { eventually, startStack, type TestStack } from '../helpers/stack';
import { liveTask, newApplicant, PDF } from '../helpers/world';

/**
 * One application through every role's pages, in the browser only: the applicant applies with its documents,
 * a street-office reviewer asks for more, the applicant answers, the reviewer and a committee approver
 * approve, the administrator publishes the notice (after confirming), the public sees it, and the evaluation
 * counts it.
 */
let stack: TestStack;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journey-e2e-'));
  for (const type of REQUIRED_DOCUMENTS.INCLUSIVE) fs.writeFileSync(path.join(dir, `${type}.pdf`), PDF);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const DOCUMENT_LABELS: Record<string, string> = {
  APPLICATION_FORM: '申请表',
  BUSINESS_LICENCE: '营业执照',
  CREDIT_REPORT: '信用报告',
  FINANCIAL_STATEMENTS: '上年度财务报表',
  SOCIAL_INSURANCE_PROOF: '社保缴纳证明',
};

const statusOf = async (id: string) =>
  (await stack.db.application.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;
const waitForStatus = (id: string, status: string) =>
  eventually(
    () => statusOf(id),
    (s) => s === status,
    60_000,
  );

/** Opens the task of a queue from the task list (no shortcuts through the database). */
async function openTaskFromList(page: Page, id: string, queue: string) {
  // The list shows the tasks in the database once they are there.
  await liveTask(stack, id, queue, 60_000);
  await page.goto(`${stack.baseUrl}/#/tasks?queue=${queue}`);
  await page.getByRole('heading', { level: 1, name: '任务列表' }).waitFor();
  const link = page.getByRole('link', { name: id });
  if ((await link.count()) === 0) {
    // The list was on screen already (the same address): it reads the tasks again when reloaded.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: '任务列表' }).waitFor();
  }
  await link.first().click();
  await page.getByRole('heading', { level: 1, name: new RegExp(id) }).waitFor();
}

async function decide(page: Page, decision: string, comment: string, claim = true) {
  if (claim) {
    await page.getByRole('button', { name: '领取任务' }).click();
    await page.getByText('您已领取此任务。').waitFor();
  }
  await page.getByRole('radio', { name: decision }).check({ force: true });
  await page.getByLabel('审核意见').fill(comment);
  await page.getByRole('button', { name: '提交决定' }).click();
  await page.locator('.decided').waitFor();
}

describe('one application through every role, in the browser', () => {
  it('applies, is asked for more, answers, is approved twice, is published after a confirmation and counted', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE');
    const policyNumber = `PJ${Date.now()}`;
    const res = await fetch(`${stack.simulatorUrl}/sim/insurer/policies/PICC/${policyNumber}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        creditCode: a.code,
        productCode: 'HD-GROUP-2026',
        startDate: '2026-03-01',
        endDate: '2027-02-28',
        premiumFen: 250_000,
        paidPremiumFen: 250_000,
        // An instant of the day the applicant enters: 17:30 UTC the day before.
        paidAt: '2026-02-20T01:30:00+08:00',
        sumInsuredFen: 500_000_000,
      }),
    });
    expect(res.status).toBeLessThan(300);

    const applicant = await signedInPage(browser, stack, {
      role: 'applicant',
      subject: 'wang-wu',
      creditCode: a.code,
    });
    await applicant.goto(`${stack.baseUrl}/#/apply`);
    await applicant.getByRole('heading', { name: '申请科技保险补贴' }).waitFor();
    await choose(applicant, '保险产品', /HD-GROUP-2026/);
    await applicant.getByLabel('保单号').fill(policyNumber);
    // One date through the calendar panel itself: the day clicked is the day sent.
    await applicant.getByLabel('保险起期').click();
    const panel = applicant.locator('.el-date-picker:visible');
    await panel.locator('.el-date-picker__header-label').first().click(); // the year: to the year table
    await panel
      .locator('.el-year-table .el-date-table-cell__text')
      .filter({ hasText: /^2026$/ })
      .click();
    await panel.locator('.el-month-table .el-date-table-cell__text').filter({ hasText: /三月/ }).click();
    await panel
      .locator('.el-date-table td.available .el-date-table-cell__text')
      .filter({ hasText: /^1$/ })
      .first()
      .click();
    expect(await applicant.getByLabel('保险起期').inputValue()).toBe('2026-03-01');
    await pickDate(applicant, '保险止期', '2027-02-28');
    await applicant.getByLabel('保费（元）', { exact: true }).fill('2500');
    await applicant.getByLabel('实际支付保费（元）').fill('2500');
    await pickDate(applicant, '保费支付日期', '2026-02-20');
    await applicant.getByLabel('保险金额（风险保额，元）').fill('5000000');
    for (const type of REQUIRED_DOCUMENTS.INCLUSIVE) {
      await applicant
        .getByLabel(DOCUMENT_LABELS[type]!, { exact: true })
        .setInputFiles(path.join(dir, `${type}.pdf`));
      await applicant.locator(`.upload[data-type="${type}"]`).getByText('已上传').waitFor();
    }
    await applicant.getByRole('button', { name: '提交申请' }).click();
    await applicant.waitForURL(/#\/applications\/HD-/);
    const id = decodeURIComponent(
      new URL(applicant.url()).hash.replace(/^#\/applications\//, '').split('?')[0]!,
    );
    const stored = await stack.db.application.findUniqueOrThrow({ where: { id } });
    expect(stored.policyStartDate.toISOString().slice(0, 10)).toBe('2026-03-01');
    await waitForStatus(id, 'INITIAL_REVIEW');

    const reviewer = await signedInPage(browser, stack, {
      role: 'reviewer',
      subject: 'sun-li',
      org: 'street:中关村街道',
    });
    await openTaskFromList(reviewer, id, 'initial-review');
    // What the applicant entered in the console matches the registry and the insurer: no mismatch anywhere.
    await reviewer.getByRole('heading', { name: '申报信息与核验结果' }).waitFor();
    expect(await reviewer.locator('tr[data-fact="paidAt"]').textContent()).toContain('✓ 一致');
    expect(await reviewer.locator('tr[data-fact="paidAt"] td').allTextContents()).toEqual(
      expect.arrayContaining(['2026-02-20']),
    );
    expect(await reviewer.locator('tr.rv-diff-row').count()).toBe(0);
    expect(await reviewer.getByText('≠ 不一致').count()).toBe(0);
    expect(await reviewer.locator('.rv-reasons li[data-code$="MISMATCH"]').count()).toBe(0);
    await reviewer.getByRole('button', { name: '领取任务' }).click();
    await reviewer.getByText('您已领取此任务。').waitFor();
    await reviewer.getByRole('radio', { name: '要求补充材料' }).check({ force: true });
    await reviewer.getByLabel('需要企业补充的内容').fill('请补充近三个月社保缴纳证明');
    await reviewer.getByRole('button', { name: '提交决定' }).click();
    await reviewer.locator('.decided[data-status="NEEDS_INFO"]').waitFor();

    await applicant.reload();
    const info = applicant.locator('.info-request');
    await info.getByText('请补充近三个月社保缴纳证明').waitFor();
    await info.getByLabel('补充说明').fill('已补充近三个月社保缴纳证明');
    await info
      .getByLabel('社保缴纳证明', { exact: true })
      .setInputFiles(path.join(dir, 'SOCIAL_INSURANCE_PROOF.pdf'));
    await info.getByText('已上传').waitFor();
    await info.getByRole('button', { name: '提交补充材料' }).click();
    await applicant.getByText('补充材料已提交，申请已回到审核环节。').waitFor();
    await waitForStatus(id, 'INITIAL_REVIEW');

    await openTaskFromList(reviewer, id, 'initial-review');
    await decide(reviewer, '通过初审', '材料齐全', false);
    await waitForStatus(id, 'FINAL_APPROVAL');
    const approver = await signedInPage(browser, stack, {
      role: 'approver',
      subject: 'zhou-min',
      org: 'committee',
    });
    await openTaskFromList(approver, id, 'final-approval');
    await decide(approver, '批准补贴', '同意');
    await waitForStatus(id, 'APPROVED');

    const admin = await signedInPage(browser, stack, { role: 'admin', subject: 'admin-he' });
    await admin.getByRole('button', { name: '立即发布公示' }).click();
    await admin
      .getByRole('dialog', { name: '发布公示' })
      .getByRole('button', { name: '立即发布公示' })
      .click();
    await admin.getByText(/已发布公示批次 GS-/).waitFor();
    await waitForStatus(id, 'IN_PUBLIC_NOTICE');
    const visitor = await publicPage(browser, stack, '#/notices');
    const item = visitor.locator(`li.item[data-application="${id}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain('¥2,500.00');
    expect(await item.textContent()).toContain(a.code);
    await screenshot(visitor, 'journey-public-notice');

    // The evaluation counts the insured enterprise and its premium.
    await admin.goto(`${stack.baseUrl}/#/admin/evaluation?year=2026`);
    const tiles = admin.getByTestId('evaluation-tiles');
    await tiles.waitFor();
    expect(await tiles.locator('[data-figure="newInsuredEnterprises"] .num').textContent()).toBe('1');
    expect(await tiles.locator('[data-figure="premium"] .num').textContent()).toBe('¥2,500.00');

    // And the applicant's timeline tells the whole story, with people and their roles.
    await applicant.reload();
    await applicant.getByTestId('application-status').getByText('公示中').waitFor();
    const timeline = applicant.locator('ol.timeline');
    expect(await timeline.textContent()).toContain('初审人员 sun-li');
    expect(await timeline.textContent()).toContain('审批人员 zhou-min');
    expect(await timeline.textContent()).toContain('进入公示');
    const events = await stack.db.auditEvent.findMany({
      where: { applicationId: id },
      orderBy: { id: 'asc' },
    });
    expect(events.filter((e) => e.action === 'DECISION').map((e) => [e.actor, e.actorRole])).toEqual([
      ['sun-li', 'reviewer'],
      ['sun-li', 'reviewer'],
      ['zhou-min', 'approver'],
    ]);
  });
});
