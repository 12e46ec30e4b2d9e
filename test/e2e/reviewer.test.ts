import fs from 'node:fs';
import type { Browser, Download, Page } from 'playwright-core';
import type { Track } from '../../domain/status';
import { checkPage, choose, fieldError, PHONE, signedInPage, browserAndStack } from '../helpers/browser';
import { as, eventually, type TestStack } from '../helpers/stack';
import { applicationRow, enterpriseRow } from '../helpers/evaluationRows';
import { creditCode } from '../helpers/fixtures';
import { inInitialReview, liveTask } from '../helpers/world';

let stack: TestStack;
let browser: Browser;

browserAndStack((s, b) => ([stack, browser] = [s, b]));

/** Inclusive small firms of the test world are registered at 中关村街道: that office does their first review. */
const STREET = 'street:中关村街道';

const inReview = (track: Track = 'INCLUSIVE', opts: Parameters<typeof inInitialReview>[2] = {}) =>
  inInitialReview(stack, track, opts);
const taskOf = (id: string, queue: string) => liveTask(stack, id, queue);

const statusOf = async (id: string) =>
  (await stack.db.application.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;

async function openTask(page: Page, taskId: string, applicationId: string) {
  await page.goto(`${stack.baseUrl}/#/tasks/${taskId}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(applicationId) }).waitFor();
}

async function claim(page: Page) {
  await page.getByRole('button', { name: '领取任务' }).click();
  await page.getByText('您已领取此任务。').waitFor();
  // Nothing on the page still calls the task unclaimed.
  expect(await page.locator('.task-state').textContent()).not.toContain('待领取');
}

async function decide(page: Page, decision: string, comment: string) {
  await page.getByRole('radio', { name: decision }).check({ force: true });
  await page.getByLabel('审核意见').fill(comment);
  await page.getByRole('button', { name: '提交决定' }).click();
  await page.locator('.decided').waitFor();
}

describe('the reviewer pages', () => {
  it('shows the queue counts in words, the list, the task with its subsidy, facts and a document; claims and asks for information', async () => {
    const { id } = await inReview('INCLUSIVE', { declared: { sumInsuredFen: 600_000_000 } });
    const task = await taskOf(id, 'initial-review');
    const page = await signedInPage(browser, stack, { role: 'reviewer', subject: 'li-na', org: STREET });
    await page.getByRole('heading', { level: 1, name: '我的任务' }).waitFor();
    const tile = page.locator('a.queue-tile[data-queue="initial-review"]');
    await tile.waitFor();
    expect(await tile.locator('.num').textContent()).toBe('1');
    expect(await tile.textContent()).toContain('待领取 1 件');
    expect(await tile.textContent()).toContain('超期 0 件');
    await checkPage(page, 'review-queues');

    await tile.click();
    await page.getByRole('heading', { level: 1, name: '任务列表' }).waitFor();
    expect(page.url()).toContain('queue=initial-review');
    const row = page.getByRole('row', { name: new RegExp(id) });
    expect(await row.textContent()).toContain('北京海淀测试科技有限公司');
    expect(await row.textContent()).toContain('待领取');
    await checkPage(page, 'review-tasks');
    await row.getByRole('link', { name: id }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(id) }).waitFor();

    expect(await page.getByTestId('formula').textContent()).toBe('¥2,500.00 × 100.00% = ¥2,500.00');
    await page.getByRole('heading', { name: '申报信息与核验结果' }).waitFor();
    const premium = page.locator('tr[data-fact="premiumFen"]');
    expect(await premium.textContent()).toContain('✓ 一致');
    const sumInsured = page.locator('tr[data-fact="sumInsuredFen"]');
    expect(await sumInsured.textContent()).toContain('≠ 不一致');
    expect(await sumInsured.locator('td.diff').allTextContents()).toEqual(['¥6,000,000.00', '¥5,000,000.00']);
    expect(await page.locator('li[data-code="POLICY_DETAILS_MISMATCH"]').textContent()).toContain(
      '申报的保险金额与保险公司记录不一致（申报 ¥6,000,000.00，记录 ¥5,000,000.00）',
    );
    expect(await page.locator('tr[data-fact="staff"]').textContent()).toContain('40');
    // A headless Chromium without a PDF viewer (the one from npm) hands a PDF frame over as a download.
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await page.getByRole('button', { name: /查看 申请表/ }).click();
    const viewer = page.locator('iframe.doc-view');
    await viewer.waitFor();
    const src = (await viewer.getAttribute('src'))!;
    expect(src).toMatch(/^blob:/);
    expect(await viewer.getAttribute('title')).toContain('申请表');
    // The frame really gets the document (the console's CSP allows blob: frames), not an error page: it
    // shows it, or, without a PDF viewer, the browser takes the document itself from the frame.
    const frame = await (await viewer.elementHandle()).contentFrame();
    const shown = await eventually(
      async () => (frame?.url() === src ? 'shown' : downloads.find((d) => d.url() === src)),
      (outcome) => outcome !== undefined,
    );
    if (shown !== 'shown')
      expect(
        fs
          .readFileSync(await shown!.path())
          .subarray(0, 5)
          .toString('latin1'),
      ).toBe('%PDF-');

    expect(await page.locator('.task-state').textContent()).toContain('待领取');
    await claim(page);
    expect((await stack.db.task.findUniqueOrThrow({ where: { id: task.id } })).assignee).toBe('li-na');
    await checkPage(page, 'review-task');
    await page.getByRole('radio', { name: '要求补充材料' }).check({ force: true });
    await page.getByLabel('需要企业补充的内容').fill('请补充 2025 年度社保缴纳证明（盖章版）。');
    await page.getByRole('button', { name: '提交决定' }).click();
    const done = page.locator('.decided');
    await done.waitFor();
    expect(await done.getAttribute('data-status')).toBe('NEEDS_INFO');
    expect(await done.textContent()).toContain('待补充材料');
    expect(await statusOf(id)).toBe('NEEDS_INFO');
    await page.context().close();
  });

  it('refuses a second claim of a task someone else claimed, and shows who has it', async () => {
    const { id } = await inReview();
    const task = await taskOf(id, 'initial-review');
    const first = await signedInPage(browser, stack, { role: 'reviewer', subject: 'wu-one', org: STREET });
    const second = await signedInPage(browser, stack, { role: 'reviewer', subject: 'wu-two', org: STREET });
    await openTask(first, task.id, id);
    await openTask(second, task.id, id);
    await claim(first);
    await second.getByRole('button', { name: '领取任务' }).click();
    await second.getByRole('alert').filter({ hasText: '该任务已被他人领取' }).waitFor();
    await second.getByText('已由 wu-one 领取').waitFor();
    expect(await second.getByRole('button', { name: '领取任务' }).count()).toBe(0);
    expect((await stack.db.task.findUniqueOrThrow({ where: { id: task.id } })).assignee).toBe('wu-one');
    await first.context().close();
    await second.context().close();
  });

  it('lets a supervisor assign a task to a colleague', async () => {
    const { id } = await inReview();
    const task = await taskOf(id, 'initial-review');
    const chief = await signedInPage(browser, stack, {
      role: 'reviewer',
      subject: 'chief-ma',
      org: STREET,
      supervisor: true,
    });
    await openTask(chief, task.id, id);
    await chief.getByLabel('指派给（用户名）').fill('zhang-wei');
    await chief.getByRole('button', { name: '指派', exact: true }).click();
    await chief.getByRole('status').filter({ hasText: '已指派给 zhang-wei。' }).waitFor();
    await chief.getByText('已由 zhang-wei 领取').waitFor();
    expect((await stack.db.task.findUniqueOrThrow({ where: { id: task.id } })).assignee).toBe('zhang-wei');
    await chief.context().close();
  });

  it('warns about four-eyes before the final approval by the initial reviewer, and the server refuses it', async () => {
    const { id } = await inReview('SRDI'); // SRDI applications are first reviewed by the committee
    const initial = await taskOf(id, 'initial-review');
    const reviewer = await signedInPage(browser, stack, {
      role: 'reviewer',
      subject: 'zhao-lei',
      org: 'committee',
    });
    await openTask(reviewer, initial.id, id);
    await claim(reviewer);
    await decide(reviewer, '通过初审', '材料齐全，核验一致。');
    await eventually(
      () => statusOf(id),
      (s) => s === 'FINAL_APPROVAL',
    );

    const final = await taskOf(id, 'final-approval');
    const approver = await signedInPage(browser, stack, {
      role: 'approver',
      subject: 'zhao-lei',
      org: 'committee',
    });
    await openTask(approver, final.id, id);
    await approver.locator('.four-eyes').getByText('按四眼原则').waitFor();
    const decisions = approver.getByRole('region', { name: '审核记录' });
    expect(await decisions.textContent()).toContain('zhao-lei');
    expect(await decisions.textContent()).toContain('材料齐全，核验一致。');
    await checkPage(approver, 'review-four-eyes');
    const before = await stack.db.auditEvent.count({ where: { applicationId: id } });
    await approver.getByRole('button', { name: '领取任务' }).click();
    await approver
      .getByRole('alert')
      .filter({ hasText: '四眼原则：您已参与本申请的初审或专家评估' })
      .waitFor();
    const still = await stack.db.task.findUniqueOrThrow({ where: { id: final.id } });
    expect([still.state, still.assignee]).toEqual(['OPEN', null]);
    expect(await stack.db.auditEvent.count({ where: { applicationId: id } })).toBe(before);
  });

  it('rejects with a reason code, asking for a reason or a comment first; the finished task reads in English too', async () => {
    const { id } = await inReview();
    const task = await taskOf(id, 'initial-review');
    const page = await signedInPage(browser, stack, { role: 'reviewer', subject: 'wang-fang', org: STREET });
    await openTask(page, task.id, id);
    await claim(page);
    await page.getByRole('radio', { name: '初审不予通过' }).check({ force: true });
    await page.getByRole('button', { name: '提交决定' }).click();
    await fieldError(page, '不予通过的原因')
      .filter({ hasText: '不予通过时，请选择原因或填写审核意见' })
      .waitFor();
    expect(await statusOf(id)).toBe('INITIAL_REVIEW');
    await choose(page, '不予通过的原因', '申报材料缺失');
    await page.getByLabel('审核意见').fill('营业执照复印件不清晰，无法核对。');
    await page.getByRole('button', { name: '提交决定' }).click();
    await page.locator('.decided[data-status="REJECTED"]').waitFor();
    expect(await statusOf(id)).toBe('REJECTED');
    const decision = await stack.db.auditEvent.findFirstOrThrow({
      where: { applicationId: id, action: 'DECISION', actor: 'wang-fang' },
    });
    expect(decision.data).toMatchObject({
      queue: 'initial-review',
      decision: 'reject',
      reasonCode: 'MISSING_DOCUMENT',
    });

    await page.reload();
    await page.getByText(/此任务已办结（初审不予通过）/).waitFor();
    expect(await page.getByRole('region', { name: '审核记录' }).textContent()).toContain('申报材料缺失');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Subsidy and the rules applied' }).waitFor();
    expect(await page.getByRole('region', { name: 'Earlier decisions' }).textContent()).toContain(
      'Missing document',
    );
    await page.getByRole('button', { name: '中文' }).click();
  });

  it('takes an expert appraisal with its grade on the frontier track', async () => {
    const { id } = await inReview('FRONTIER');
    const initial = await taskOf(id, 'initial-review');
    const reviewer = await as(stack, { role: 'reviewer', org: 'committee' });
    await reviewer.post(`/api/v1/tasks/${initial.id}/claim`);
    expect(
      (await reviewer.post(`/api/v1/tasks/${initial.id}/decision`, { decision: 'approve', comment: '' }))
        .status,
    ).toBe(200);
    const task = await taskOf(id, 'expert-review');
    const expert = await signedInPage(browser, stack, {
      role: 'expert',
      subject: 'expert-sun',
      org: 'committee',
    });
    await openTask(expert, task.id, id);
    await claim(expert);
    await expert.getByRole('radio', { name: '评估通过' }).check({ force: true });
    await expert.getByRole('radio', { name: 'B' }).check({ force: true });
    await expert.getByLabel('评估意见').fill('技术风险可控，建议按 B 级承保。');
    await expert.getByRole('button', { name: '提交决定' }).click();
    await expert.locator('.decided[data-status="FINAL_APPROVAL"]').waitFor();
    const decision = await stack.db.auditEvent.findFirstOrThrow({
      where: { applicationId: id, action: 'DECISION', actor: 'expert-sun' },
    });
    expect(decision.data).toMatchObject({
      queue: 'expert-review',
      appraisal: { grade: 'B', opinion: '技术风险可控，建议按 B 级承保。' },
    });
    await expert.context().close();
  });

  it('keeps the task list usable on a phone, with filters that are labelled controls', async () => {
    const { id } = await inReview();
    const page = await signedInPage(
      browser,
      stack,
      { role: 'reviewer', subject: 'chen-jie', org: STREET },
      PHONE,
    );
    await page.goto(`${stack.baseUrl}/#/tasks?sort=-dueAt`);
    await page.getByRole('heading', { level: 1, name: '任务列表' }).waitFor();
    const link = page.getByRole('link', { name: id });
    await link.waitFor();
    const box = (await link.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    // The application number stays on one line.
    expect(box.height).toBeLessThan(30);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await page.getByText('只看我领取的').click();
    await page.getByRole('button', { name: '筛选' }).click();
    await page.getByText('没有符合条件的任务。').waitFor();
    expect(page.url()).toContain('assignee=me');
    await page.context().close();
  });
});

describe('anomaly flags on the reviewer’s task', () => {
  it('tags the task in the list and shows each flag’s reason on the task', async () => {
    const contactEmail = `same-${Date.now()}@example.com`;
    const first = await inReview('INCLUSIVE', { profile: { contactEmail } });
    const second = await inReview('INCLUSIVE', { profile: { contactEmail } });
    const task = await taskOf(second.id, 'initial-review');
    const page = await signedInPage(browser, stack, { role: 'reviewer', subject: 'zhou-min', org: STREET });
    await page.goto(`${stack.baseUrl}/#/tasks?queue=initial-review`);
    const row = page.getByRole('row', { name: new RegExp(second.id) });
    await row.locator('.risk-tag[data-kind="SHARED_CONTACT_EMAIL"]').waitFor();
    expect(await row.locator('.risk-tag[data-kind="SHARED_CONTACT_EMAIL"]').textContent()).toBe(
      '联系邮箱与其他企业相同',
    );

    await openTask(page, task.id, second.id);
    const flag = page.locator('.risk li[data-kind="SHARED_CONTACT_EMAIL"]');
    await flag.waitFor();
    expect(await flag.textContent()).toContain('该企业的联系邮箱与其他 1 家企业相同');
    expect(await page.locator('.risk').textContent()).toContain('不影响审批');
    await checkPage(page, 'review-task-flags');
    expect(first.id).not.toBe(second.id);
    await page.context().close();
  });
});

describe('sampled site visits in the console', () => {
  it('records a site visit’s checklist in the 实地走访 page: a failure needs a note, and may ask for recovery', async () => {
    const code = creditCode();
    const id = 'HD-2024-V00001';
    await enterpriseRow(stack.db, code, '走访测试科技有限公司', 'ARTIFICIAL_INTELLIGENCE');
    await applicationRow(stack.db, {
      id,
      creditCode: code,
      track: 'SRDI',
      status: 'PAID',
      programYear: 2024,
      createdAt: '2024-03-01T02:00:00Z',
      premiumFen: 10_000_000,
      sumInsuredFen: 500_000_000,
      grantedFen: 3_000_000,
    });
    await stack.db.application.update({
      where: { id },
      data: { reviewOrg: STREET, disbursedAt: new Date('2024-11-01T02:00:00Z') },
    });
    const admin = await as(stack, { role: 'admin' });
    expect((await admin.post('/api/v1/site-visits/samples', { quarter: '2024Q4' })).status).toBe(201);

    const page = await signedInPage(browser, stack, { role: 'reviewer', subject: 'zhao-lei', org: STREET });
    await page.goto(`${stack.baseUrl}/#/site-visits`);
    await page.getByRole('heading', { level: 1, name: '实地走访' }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(id) });
    expect(await row.textContent()).toContain('待走访');
    await row.getByRole('button', { name: '记录结果' }).click();
    const dialog = page.getByRole('dialog', { name: new RegExp(id) });
    await dialog.getByRole('radiogroup', { name: '研发活动真实' }).getByText('否').click();
    await dialog.getByText('未通过', { exact: true }).click();
    await dialog.getByRole('button', { name: '提交结果' }).click();
    await dialog.getByText('走访未通过或无法走访时须填写说明').waitFor();
    await dialog.getByLabel('走访说明').fill('未见研发人员及设备');
    await dialog.getByText('建议追回').click();
    await dialog.getByRole('button', { name: '提交结果' }).click();
    await page.getByText(`已记录 ${id} 的走访结果：未通过。`).waitFor();
    await row.getByText('已建议追回').waitFor();
    await checkPage(page, 'site-visits');
    const visit = await stack.db.siteVisit.findFirstOrThrow({ where: { applicationId: id } });
    expect(visit).toMatchObject({
      state: 'DONE',
      result: 'FAILED',
      recoveryRequested: true,
      visitor: 'zhao-lei',
    });
    expect(visit.checklist).toMatchObject({ RD_ACTIVITY: { ok: false }, REGISTERED_ADDRESS: { ok: true } });
    await page.context().close();
  });
});
