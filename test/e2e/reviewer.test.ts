import fs from 'node:fs';
import type { Browser, Download, Page } from 'playwright-core';
import type { Track } from '../../domain/status';
import { launchBrowser, screenshot, signedInPage } from '../helpers/browser';
import { as, eventually, startStack, type TestStack } from '../helpers/stack';
import { newApplicant, submit, type Applicant } from '../helpers/world';

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Inclusive small firms of the test world are registered at 中关村街道: that office does their first review. */
const STREET = 'street:中关村街道';

async function inReview(
  track: Track = 'INCLUSIVE',
  opts: Parameters<typeof submit>[3] = {},
): Promise<{ a: Applicant; id: string }> {
  const a = await newApplicant(stack, track);
  const res = await submit(stack, a, track, opts);
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  await eventually(
    () => a.client.get(`/api/v1/applications/${id}`),
    (r) => r.body.currentTask?.queue === 'initial-review',
  );
  return { a, id };
}

async function taskOf(id: string, queue: string) {
  const task = await eventually(
    () =>
      stack.db.task.findFirst({ where: { applicationId: id, queue, state: { in: ['OPEN', 'CLAIMED'] } } }),
    (t) => t !== null,
  );
  return task!;
}

const statusOf = async (id: string) =>
  (await stack.db.application.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;

async function openTask(page: Page, taskId: string, applicationId: string) {
  await page.goto(`${stack.baseUrl}/#/tasks/${taskId}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(applicationId) }).waitFor();
}

async function claim(page: Page) {
  await page.getByRole('button', { name: '领取任务' }).click();
  await page.getByText('您已领取此任务。').waitFor();
}

describe('the reviewer pages', () => {
  it('shows the queue, the task with its subsidy and a document inline; claims and asks for information', async () => {
    // The applicant declares a sum insured that the insurer's record does not confirm.
    const { id } = await inReview('INCLUSIVE', { declared: { sumInsuredFen: 600_000_000 } });
    const task = await taskOf(id, 'initial-review');
    expect(task.org).toBe(STREET);

    const page = await signedInPage(browser, stack, { role: 'reviewer', subject: 'li-na', org: STREET });
    // Home of a reviewer: my queues, with the count of the initial-review queue.
    await page.getByRole('heading', { level: 1, name: '我的任务' }).waitFor();
    const tile = page.locator('a.rv-tile[data-queue="initial-review"]');
    await tile.waitFor();
    expect(await tile.locator('.num').textContent()).toBe('1');
    expect(await tile.textContent()).toContain('待领取 1');
    await screenshot(page, 'reviewer-queues');

    // The tile leads to the list of that queue; the row to the task.
    await tile.click();
    await page.getByRole('heading', { level: 1, name: '任务列表' }).waitFor();
    expect(page.url()).toContain('queue=initial-review');
    expect(await page.getByLabel('队列').inputValue()).toBe('initial-review');
    const row = page.locator(`tr[data-task="${task.id}"]`);
    expect(await row.textContent()).toContain('北京海淀测试科技有限公司');
    expect(await row.textContent()).toContain('待领取');
    await row.getByRole('link', { name: id }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(id) }).waitFor();

    // Everything needed to decide: base × rate = computed, the facts, the documents.
    expect(await page.getByTestId('formula').textContent()).toBe('¥2,500.00 × 100.00% = ¥2,500.00');
    await page.getByRole('heading', { name: '申报信息与核验结果' }).waitFor();
    const premium = page.locator('tr[data-fact="premiumFen"]');
    expect(await premium.textContent()).toContain('✓ 一致');
    expect(await premium.locator('td.diff').count()).toBe(0);
    const sumInsured = page.locator('tr[data-fact="sumInsuredFen"]');
    expect(await sumInsured.textContent()).toContain('≠ 不一致');
    expect(await sumInsured.locator('td.diff').allTextContents()).toEqual(['¥6,000,000.00', '¥5,000,000.00']);
    const reason = page.locator('.rv-reasons li[data-code="POLICY_DETAILS_MISMATCH"]');
    expect(await reason.textContent()).toContain('申报的保险金额与保险公司记录不一致');
    expect(await page.locator('tr[data-fact="staff"]').textContent()).toContain('40');
    // A headless Chromium without a PDF viewer (the one from npm) hands a PDF frame over as a download.
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await page.getByRole('button', { name: /查看 申请表/ }).click();
    const viewer = page.locator('iframe.doc-view');
    await viewer.waitFor();
    const src = (await viewer.getAttribute('src'))!;
    expect(src).toMatch(/^blob:/);
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
    expect(await viewer.getAttribute('title')).toContain('申请表');

    await claim(page);
    expect((await stack.db.task.findUniqueOrThrow({ where: { id: task.id } })).assignee).toBe('li-na');
    await screenshot(page, 'reviewer-task');

    await page.getByLabel('要求补充材料').check();
    await page.getByLabel('需要企业补充的内容').fill('请补充 2025 年度社保缴纳证明（盖章版）。');
    await page.getByRole('button', { name: '提交决定' }).click();
    const done = page.locator('.rv-done');
    await done.waitFor();
    expect(await done.getAttribute('data-status')).toBe('NEEDS_INFO');
    expect(await done.textContent()).toContain('待补充材料');
    expect(await page.getByTestId('application-status').textContent()).toBe('待补充材料');
    await page.getByRole('link', { name: '返回任务列表' }).first().waitFor();
    expect(await statusOf(id)).toBe('NEEDS_INFO');
    const app = await stack.db.application.findUniqueOrThrow({ where: { id } });
    expect((app.infoRequest as { message: string }).message).toContain('社保缴纳证明');
  });

  it('refuses the final approval to the person who did the initial review and says why (four-eyes)', async () => {
    const { id } = await inReview('SRDI'); // SRDI applications are first reviewed by the committee
    const initial = await taskOf(id, 'initial-review');
    const reviewer = await signedInPage(browser, stack, {
      role: 'reviewer',
      subject: 'zhao-lei',
      org: 'committee',
    });
    await openTask(reviewer, initial.id, id);
    await claim(reviewer);
    await reviewer.getByLabel('通过初审').check();
    await reviewer.getByLabel('审核意见').fill('材料齐全，核验一致。');
    await reviewer.getByRole('button', { name: '提交决定' }).click();
    await reviewer.locator('.rv-done[data-status="FINAL_APPROVAL"]').waitFor();

    const final = await taskOf(id, 'final-approval');
    const approver = await signedInPage(browser, stack, {
      role: 'approver',
      subject: 'zhao-lei',
      org: 'committee',
    });
    await openTask(approver, final.id, id);
    // The earlier decision is on the page, and the console warns before anyone tries.
    expect(await approver.locator('.rv-actions').textContent()).toContain('按四眼原则');
    const decisions = approver.getByRole('region', { name: '审核记录' });
    expect(await decisions.textContent()).toContain('zhao-lei');
    expect(await decisions.textContent()).toContain('材料齐全，核验一致。');

    const before = await stack.db.auditEvent.count({ where: { applicationId: id } });
    await approver.getByRole('button', { name: '领取任务' }).click();
    const explanation = approver.locator('.rv-explain[data-code="FOUR_EYES"]');
    await explanation.waitFor();
    expect(await explanation.textContent()).toContain('四眼原则：您已参与本申请的初审或专家评估');
    expect(await approver.getByRole('alert').filter({ hasText: 'FOUR_EYES' }).textContent()).toContain(
      'may not give the final approval',
    );
    await screenshot(approver, 'reviewer-four-eyes');
    const still = await stack.db.task.findUniqueOrThrow({ where: { id: final.id } });
    expect(still.state).toBe('OPEN');
    expect(still.assignee).toBeNull();
    expect(await stack.db.auditEvent.count({ where: { applicationId: id } })).toBe(before);
    expect(await statusOf(id)).toBe('FINAL_APPROVAL');
  });

  it('rejects with a reason code, and asks for a reason or a comment first', async () => {
    const { id } = await inReview('INCLUSIVE');
    const task = await taskOf(id, 'initial-review');
    const page = await signedInPage(browser, stack, { role: 'reviewer', subject: 'wang-fang', org: STREET });
    await openTask(page, task.id, id);
    await claim(page);

    await page.getByLabel('初审不予通过').check();
    await page.getByRole('button', { name: '提交决定' }).click();
    const refused = page.getByRole('alert').filter({ hasText: '不予通过时，请选择原因或填写审核意见' });
    await refused.waitFor();
    expect(await page.getByLabel('不予通过的原因').getAttribute('aria-invalid')).toBe('true');
    expect(await statusOf(id)).toBe('INITIAL_REVIEW');

    await page.getByLabel('不予通过的原因').selectOption('MISSING_DOCUMENT');
    await page.getByLabel('审核意见').fill('营业执照复印件不清晰，无法核对。');
    await page.getByRole('button', { name: '提交决定' }).click();
    await page.locator('.rv-done[data-status="REJECTED"]').waitFor();
    expect(await page.locator('.rv-done').textContent()).toContain('未通过');
    expect(await statusOf(id)).toBe('REJECTED');
    const decision = await stack.db.auditEvent.findFirstOrThrow({
      where: { applicationId: id, action: 'DECISION', actor: 'wang-fang' },
    });
    expect(decision.data).toMatchObject({
      queue: 'initial-review',
      decision: 'reject',
      reasonCode: 'MISSING_DOCUMENT',
    });
    expect(decision.note).toBe('营业执照复印件不清晰，无法核对。');

    // The finished task still opens, says it is done and shows the decision, also in English.
    await page.reload();
    await page.getByText(/此任务已办结（初审不予通过/).waitFor();
    expect(await page.getByRole('region', { name: '审核记录' }).textContent()).toContain('申报材料缺失');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Subsidy and the rules applied' }).waitFor();
    expect(await page.getByRole('region', { name: 'Earlier decisions' }).textContent()).toContain(
      'Missing document',
    );
    await page.getByRole('button', { name: '中文' }).click();
  });

  it('keeps the task list usable on a phone', async () => {
    const { id } = await inReview('INCLUSIVE');
    const task = await taskOf(id, 'initial-review');
    const page = await signedInPage(
      browser,
      stack,
      { role: 'reviewer', subject: 'chen-jie', org: STREET },
      { width: 390, height: 844 },
    );
    await page.goto(`${stack.baseUrl}/#/tasks?sort=-dueAt`);
    await page.getByRole('heading', { level: 1, name: '任务列表' }).waitFor();
    expect(await page.getByLabel('排序').inputValue()).toBe('-dueAt');
    const link = page.getByRole('link', { name: id });
    await link.waitFor();
    const box = (await link.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.height).toBeGreaterThanOrEqual(20);
    // Nothing is wider than the screen: no sideways scrolling.
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    const row = page.locator(`tr[data-task="${task.id}"]`);
    const due = (await row.locator('time').boundingBox())!;
    expect(due.x + due.width).toBeLessThanOrEqual(390);
    await screenshot(page, 'reviewer-tasks-phone');

    // Filters are labelled controls; "only mine" finds nothing before the claim.
    await page.getByLabel('只看我领取的').check();
    await page.getByRole('button', { name: '筛选' }).click();
    await page.getByText('没有符合条件的任务。').waitFor();
    expect(page.url()).toContain('assignee=me');

    await page.goto(`${stack.baseUrl}/#/tasks`);
    await page.getByRole('link', { name: id }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(id) }).waitFor();
    await page.getByRole('button', { name: '领取任务' }).waitFor();
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await screenshot(page, 'reviewer-task-phone');
  });

  it('reads one task by id for its own organisation only, and lists tasks with the enterprise', async () => {
    const { id } = await inReview('INCLUSIVE');
    const task = await taskOf(id, 'initial-review');
    const mine = await as(stack, { role: 'reviewer', org: STREET });
    const other = await as(stack, { role: 'reviewer', org: 'street:学院路街道' });
    const res = await mine.get(`/api/v1/tasks/${task.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: task.id,
      applicationId: id,
      queue: 'initial-review',
      state: 'open',
    });
    expect((await other.get(`/api/v1/tasks/${task.id}`)).status).toBe(404);
    expect((await (await as(stack, { role: 'approver' })).get(`/api/v1/tasks/${task.id}`)).status).toBe(404);

    const asc = await mine.get('/api/v1/tasks?queue=initial-review');
    const desc = await mine.get('/api/v1/tasks?queue=initial-review&sort=-dueAt');
    expect(asc.body.items.find((t: any) => t.id === task.id)).toMatchObject({
      enterpriseName: '北京海淀测试科技有限公司',
      track: 'INCLUSIVE',
    });
    const dues = (r: any) => r.body.items.map((t: any) => t.dueAt as string);
    expect(dues(desc)).toEqual([...dues(asc)].sort().reverse());
  });
});
