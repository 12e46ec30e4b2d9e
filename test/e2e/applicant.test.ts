import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { REQUIRED_DOCUMENTS } from '../../domain/documents';
import {
  checkPage,
  choose,
  fieldError,
  launchBrowser,
  pickDate,
  signIn,
  signedInPage,
} from '../helpers/browser';
import { creditCode } from '../helpers/fixtures';
import { as, eventually, startStack, type TestStack } from '../helpers/stack';
import { PDF, PNG, newApplicant, registryFacts, submit } from '../helpers/world';

let stack: TestStack;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'applicant-e2e-'));
  for (const type of [...REQUIRED_DOCUMENTS.INCLUSIVE, ...REQUIRED_DOCUMENTS.SRDI])
    fs.writeFileSync(path.join(dir, `${type}.pdf`), PDF);
  fs.writeFileSync(path.join(dir, 'scan.png'), PNG);
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a document');
  fs.writeFileSync(path.join(dir, 'fake.pdf'), 'not a PDF at all, whatever the name says');
  fs.writeFileSync(
    path.join(dir, 'huge.pdf'),
    Buffer.concat([PDF, Buffer.alloc(stack.config.http.documentMaxBytes)]),
  );
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const STREET = 'street:中关村街道';
const file = (name: string) => path.join(dir, name);
const DOC_LABELS: Record<string, string> = {
  APPLICATION_FORM: '申请表',
  BUSINESS_LICENCE: '营业执照',
  CREDIT_REPORT: '信用报告',
  FINANCIAL_STATEMENTS: '上年度财务报表',
  SOCIAL_INSURANCE_PROOF: '社保缴纳证明',
};

async function sim(p: string, body: unknown) {
  const res = await fetch(`${stack.simulatorUrl}${p}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`simulator PUT ${p}: ${res.status} ${await res.text()}`);
}

const statusOf = async (id: string) =>
  (await stack.db.application.findUniqueOrThrow({ where: { id } })).status;
const badge = (page: Page) => page.getByTestId('application-status');

/**
 * Waits until the application has `status` in the database the page reads, then shows it: the page does
 * not poll, so it is reloaded unless it shows `text` already.
 */
async function reloadUntil(page: Page, id: string, status: string, text: string) {
  await eventually(
    () => statusOf(id),
    (s) => s === status,
    60_000,
  );
  await badge(page).waitFor();
  if ((await badge(page).textContent())?.trim() !== text) {
    await page.reload();
    await badge(page).waitFor();
  }
  expect((await badge(page).textContent())?.trim()).toBe(text);
}

async function inReview() {
  const a = await newApplicant(stack, 'INCLUSIVE');
  const res = await submit(stack, a, 'INCLUSIVE');
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  await eventually(
    () => statusOf(id),
    (s) => s === 'INITIAL_REVIEW',
  );
  return { a, id };
}

async function decide(id: string, queue: string, who: Parameters<typeof as>[1], decision: object) {
  const client = await as(stack, who);
  const task = await eventually(
    () => stack.db.task.findFirst({ where: { applicationId: id, queue, state: 'OPEN' } }),
    (t) => t !== null,
  );
  expect((await client.post(`/api/v1/tasks/${task!.id}/claim`)).status).toBe(200);
  const res = await client.post(`/api/v1/tasks/${task!.id}/decision`, decision);
  expect(res.status).toBe(200);
  return res.body;
}

async function policy(code: string, number: string) {
  await sim(`/sim/insurer/policies/PICC/${number}`, {
    creditCode: code,
    productCode: 'HD-GROUP-2026',
    startDate: '2026-03-01',
    endDate: '2027-02-28',
    premiumFen: 250_000,
    paidPremiumFen: 250_000,
    // The insurer records the instant of payment; the applicant enters the day (2026-02-20, as in Beijing).
    paidAt: '2026-02-20T01:30:00+08:00',
    sumInsuredFen: 500_000_000,
  });
}

async function fillPolicy(page: Page, number: string, paid = '2500') {
  await choose(page, '保险产品', /HD-GROUP-2026/);
  expect(await page.getByLabel('保险公司代码').inputValue()).toBe('PICC');
  await page.getByLabel('保单号').fill(number);
  await pickDate(page, '保险起期', '2026-03-01');
  await pickDate(page, '保险止期', '2027-02-28');
  await page.getByLabel('保费（元）', { exact: true }).fill('2,500');
  await page.getByLabel('实际支付保费（元）').fill(paid);
  await pickDate(page, '保费支付日期', '2026-02-20');
  await page.getByLabel('保险金额（风险保额，元）').fill('5000000');
}

describe('the applicant in the browser', () => {
  it('registers the enterprise, applies with the documents, sees refusals at the fields, answers an information request', async () => {
    const code = creditCode();
    await sim(`/sim/registry/enterprises/${code}`, registryFacts(code, 'INCLUSIVE'));
    const number = `PB${Date.now()}`;
    await policy(code, number);

    const page = await signedInPage(browser, stack, {
      role: 'applicant',
      subject: 'zhang-san',
      creditCode: code,
    });
    await page.getByRole('heading', { name: '我的申请', level: 1 }).waitFor();
    await page.getByText('尚未登记企业信息').waitFor();
    await checkPage(page, 'applicant-my-empty');
    await page.getByRole('link', { name: '登记企业' }).click();

    // The enterprise: an e-mail address that is none is refused at its field, before anything is sent.
    await page.getByRole('heading', { name: '企业信息登记' }).waitFor();
    await page.getByLabel('企业名称').fill('北京海淀测试科技有限公司');
    expect(await page.getByLabel('注册地所在区').inputValue()).toBe('海淀区');
    await choose(page, '企业规模', '小型');
    await pickDate(page, '成立日期', '2019-06-01');
    await choose(page, '主营领域', '人工智能');
    await page.getByLabel('联系邮箱').fill('not-an-email');
    await pickDate(page, '科技型中小企业资格有效期至', '2028-12-31');
    expect(await page.getByLabel('高新技术企业证书发证日期').inputValue()).toBe('');
    expect(await page.getByLabel('高新技术企业证书有效期至').inputValue()).toBe('');
    await page.getByLabel('开户银行').fill('中国工商银行');
    await page.getByLabel('账户名称').fill('北京海淀测试科技有限公司');
    await page.getByLabel('银行账号').fill('6222020200012345678');
    await page.getByRole('button', { name: '保存' }).click();
    await fieldError(page, '联系邮箱').filter({ hasText: '不是有效的电子邮箱地址' }).waitFor();
    expect(await stack.db.enterprise.count({ where: { creditCode: code } })).toBe(0);
    await page.getByLabel('联系邮箱').fill(`owner-${code.toLowerCase()}@example.com`);
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('企业信息已保存。').waitFor();
    await page.getByText(/中国工商银行 \*+5678/).waitFor(); // masked by the server
    const stored = await stack.db.enterprise.findUniqueOrThrow({ where: { creditCode: code } });
    expect(stored).toMatchObject({
      name: '北京海淀测试科技有限公司',
      size: 'SMALL',
      mainField: 'ARTIFICIAL_INTELLIGENCE',
      techSmeValidUntil: new Date('2028-12-31T00:00:00Z'),
      highTechCertifiedOn: null,
      highTechValidUntil: null,
    });
    // The date picker's day is the day stored: no shift through a time zone.
    expect(stored.foundedOn.toISOString().slice(0, 10)).toBe('2019-06-01');
    await checkPage(page, 'applicant-enterprise');

    // The application form: the track's documents; wrong type, fake content and oversize refused at the file.
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '申请补贴' }).click();
    await page.getByRole('heading', { name: '申请科技保险补贴' }).waitFor();
    expect(await page.getByRole('radio', { name: '普惠型综合科技保险' }).isChecked()).toBe(true);
    for (const name of Object.values(DOC_LABELS)) await page.getByLabel(name, { exact: true }).waitFor();
    await page.getByText('专精特新（产品目录）').click();
    await page.getByLabel('资质证书').waitFor();
    await page.getByText('普惠型综合科技保险', { exact: true }).click();
    await fillPolicy(page, number, '3000');
    const licence = page.getByLabel('营业执照', { exact: true });
    const stateOf = (type: string) => page.locator(`.upload[data-type="${type}"] .state`);
    await licence.setInputFiles(file('notes.txt'));
    await stateOf('BUSINESS_LICENCE').getByText('只接受 PDF、JPEG 或 PNG 文件').waitFor();
    expect(await licence.getAttribute('aria-invalid')).toBe('true');
    await licence.setInputFiles(file('huge.pdf'));
    await stateOf('BUSINESS_LICENCE')
      .getByText(/文件超过 \d+ MB/)
      .waitFor();
    await licence.setInputFiles(file('fake.pdf'));
    await stateOf('BUSINESS_LICENCE').getByText('不是 PDF、JPEG 或 PNG 文件').waitFor();
    for (const [type, name] of Object.entries(DOC_LABELS)) {
      await page.getByLabel(name, { exact: true }).setInputFiles(file(`${type}.pdf`));
      await stateOf(type).getByText(`已上传：${type}.pdf`).waitFor();
    }
    expect(await licence.getAttribute('aria-invalid')).toBeNull();
    await checkPage(page, 'applicant-apply');

    // Paid premium above the premium: the server refuses it, in Chinese, at that field.
    await page.getByRole('button', { name: '提交申请' }).click();
    await fieldError(page, '实际支付保费（元）').filter({ hasText: '不能超过保费' }).waitFor();
    expect(await page.locator('main').textContent()).not.toMatch(/body\.|paidPremiumFen|cannot exceed/);
    expect(await stack.db.application.count({ where: { creditCode: code } })).toBe(0);

    await page.getByLabel('实际支付保费（元）').fill('2500');
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.waitForURL(/#\/applications\/HD-/);
    const id = decodeURIComponent(new URL(page.url()).hash.replace(/^#\/applications\//, '').split('?')[0]!);
    await page.getByText(`申请 ${id} 已提交`).waitFor();
    // The documents uploaded for the refused attempt are reused, not uploaded again (rejects stay unattached).
    expect(await stack.db.document.count({ where: { applicationId: id } })).toBe(5);
    expect(await stack.db.document.count({ where: { creditCode: code } })).toBe(5);

    await reloadUntil(page, id, 'INITIAL_REVIEW', '初审中');
    await page.getByText('审核人员正在进行形式审查').waitFor();
    expect(await page.locator('.subsidy').textContent()).toContain('¥2,500.00');
    // The timeline: Chinese steps, people by role, Beijing time; no machine notes, no UTC instants.
    const timeline = page.locator('ol.timeline');
    await timeline.getByText('提交申请').waitFor();
    await timeline.getByText('系统自动处理').first().waitFor();
    expect(await timeline.textContent()).toContain('申请企业 zhang-san');
    expect(await timeline.textContent()).toContain('初审');
    expect(await timeline.textContent()).not.toMatch(
      /system|eligible|initial-review|assigned to|T\d\d:\d\d|Z\b/,
    );
    expect(await timeline.locator('time').first().textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    await checkPage(page, 'applicant-application');
    // The day entered and the insurer's instant of that day agree: the precheck notes no mismatch.
    expect((await stack.db.application.findUniqueOrThrow({ where: { id } })).reasons).toEqual([]);

    // My applications lists it, its number on one line.
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的申请' }).click();
    const row = page.getByRole('row', { name: new RegExp(id) });
    await row.waitFor();
    expect(await row.textContent()).toContain('初审中');
    expect(await row.textContent()).toContain('普惠型综合科技保险');
    await checkPage(page, 'applicant-my-applications');

    // A reviewer asks for the social-insurance proof: the page shows the request with that type chosen.
    const asked = await decide(
      id,
      'initial-review',
      { role: 'reviewer', subject: 'li', org: STREET },
      {
        decision: 'request_info',
        comment: '',
        infoRequest: { message: '请补充近三个月社保缴纳证明' },
      },
    );
    expect(asked.status).toBe('NEEDS_INFO');
    await row.getByRole('link', { name: id }).click();
    await reloadUntil(page, id, 'NEEDS_INFO', '待补充材料');
    const info = page.locator('.info-request');
    await info.getByText('请补充近三个月社保缴纳证明').waitFor();
    expect(await info.textContent()).toMatch(/请于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）前补充/);
    expect(await info.locator('.el-select').textContent()).toContain('社保缴纳证明');
    await info.getByLabel('社保缴纳证明', { exact: true }).waitFor();
    await checkPage(page, 'applicant-application-needs-info');
    await info.getByLabel('补充说明').fill('已上传近三个月社保缴纳证明');
    await info.getByLabel('社保缴纳证明', { exact: true }).setInputFiles(file('scan.png'));
    await info.getByText('已上传：scan.png').waitFor();
    await info.getByRole('button', { name: '提交补充材料' }).click();
    await page.getByText('补充材料已提交，申请已回到审核环节。').waitFor();
    expect(await statusOf(id)).toBe('INITIAL_REVIEW');
    const docs = await stack.db.document.findMany({
      where: { applicationId: id },
      orderBy: { createdAt: 'asc' },
    });
    expect(docs).toHaveLength(6);
    expect(docs.at(-1)).toMatchObject({
      type: 'SOCIAL_INSURANCE_PROOF',
      contentType: 'image/png',
      filename: 'scan.png',
    });
    await page.getByText('已上传近三个月社保缴纳证明').waitFor(); // in the timeline
    await page.getByRole('button', { name: '查看 社保缴纳证明 scan.png' }).click();
    await page.locator('img.doc-view[alt="社保缴纳证明 · scan.png"]').waitFor();
    await page.context().close();
  });

  it('forgets the uploads at sign-out: the next user and the next application start empty', async () => {
    const first = await newApplicant(stack, 'INCLUSIVE');
    const page = await signedInPage(browser, stack, {
      role: 'applicant',
      subject: 'a1',
      creditCode: first.code,
    });
    await page.goto(`${stack.baseUrl}/#/apply`);
    await page.getByLabel('申请表', { exact: true }).setInputFiles(file('APPLICATION_FORM.pdf'));
    await page.getByText('已上传：APPLICATION_FORM.pdf').waitFor();
    await page.getByRole('button', { name: '退出' }).click();
    await page.getByRole('link', { name: '登录' }).click();
    await page.getByRole('heading', { name: '登录', level: 1 }).waitFor();
    const second = await newApplicant(stack, 'INCLUSIVE');
    await signIn(page, { role: 'applicant', subject: 'a2', creditCode: second.code });
    await page.goto(`${stack.baseUrl}/#/apply`);
    await page.getByRole('heading', { name: '申请科技保险补贴' }).waitFor();
    expect(await page.getByText('已上传：').count()).toBe(0);
    // Submitting without documents is refused in the page, not with another enterprise's document ids.
    const number = `PS${Date.now()}`;
    await policy(second.code, number);
    await fillPolicy(page, number);
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.locator('.upload[data-type="APPLICATION_FORM"]').getByText('请上传此项材料').waitFor();
    for (const [type, name] of Object.entries(DOC_LABELS))
      await page.getByLabel(name, { exact: true }).setInputFiles(file(`${type}.pdf`));
    for (const type of Object.keys(DOC_LABELS))
      await page.locator(`.upload[data-type="${type}"]`).getByText('已上传').waitFor();
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.waitForURL(/#\/applications\/HD-/);
    // A second application of the same user starts with an empty form too.
    await page.goto(`${stack.baseUrl}/#/apply`);
    await page.getByRole('heading', { name: '申请科技保险补贴' }).waitFor();
    expect(await page.getByText('已上传：').count()).toBe(0);
    await page.context().close();
  });

  it('withdraws an application after a confirmation with a reason', async () => {
    const { a, id } = await inReview();
    const page = await signedInPage(browser, stack, {
      role: 'applicant',
      subject: 'wang',
      creditCode: a.code,
    });
    await page.goto(`${stack.baseUrl}/#/applications/${encodeURIComponent(id)}`);
    await reloadUntil(page, id, 'INITIAL_REVIEW', '初审中');
    await page.getByRole('button', { name: '撤回申请…' }).click();
    const dialog = page.getByRole('dialog', { name: '撤回申请' });
    await dialog.getByText('撤回后本申请终止').waitFor();
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await statusOf(id)).toBe('INITIAL_REVIEW');
    await page.getByRole('button', { name: '撤回申请…' }).click();
    await dialog.getByLabel('撤回原因').fill('企业已获其他补贴');
    await dialog.getByRole('button', { name: '确认撤回' }).click();
    await page.getByRole('status').getByText('申请已撤回。').waitFor();
    await reloadUntil(page, id, 'WITHDRAWN', '已撤回');
    expect(await page.getByRole('button', { name: '撤回申请…' }).count()).toBe(0);
    expect(await statusOf(id)).toBe('WITHDRAWN');
    await page.getByText('企业已获其他补贴').waitFor();
    await page.context().close();
  });

  it('shows no subsidy estimate on a rejected application', async () => {
    const { a, id } = await inReview();
    await decide(
      id,
      'initial-review',
      { role: 'reviewer', org: STREET },
      {
        decision: 'reject',
        reasonCode: 'MISSING_DOCUMENT',
        comment: '缺少营业执照',
      },
    );
    const page = await signedInPage(browser, stack, {
      role: 'applicant',
      subject: 'zhou',
      creditCode: a.code,
    });
    await page.goto(`${stack.baseUrl}/#/applications/${encodeURIComponent(id)}`);
    await reloadUntil(page, id, 'REJECTED', '未通过');
    await page.locator('.subsidy').getByText('本申请未获补贴。').waitFor();
    expect(await page.locator('.subsidy').textContent()).not.toContain('¥');
    expect(await page.locator('ol.timeline').textContent()).toContain('申报材料缺失');
    await checkPage(page, 'applicant-application-rejected');
    await page.context().close();
  });

  it('opts into bank matching, and the partner bank answers the referral', async () => {
    const { a, id } = await inReview();
    const page = await signedInPage(browser, stack, {
      role: 'applicant',
      subject: 'zhao',
      creditCode: a.code,
    });
    await page.goto(`${stack.baseUrl}/#/applications/${encodeURIComponent(id)}`);
    await badge(page).waitFor();
    const loan = page.locator('form.loan-form');
    await loan.getByLabel('拟贷款金额（元）').fill('2000000');
    await loan.getByLabel('贷款期限（月）').fill('12');
    await loan.getByLabel('贷款用途').fill('研发投入周转');
    await loan.getByRole('button', { name: '保存贷款需求' }).click();
    await page.getByText('¥2,000,000.00，12 个月，用途：研发投入周转').waitFor();
    expect((await stack.db.application.findUniqueOrThrow({ where: { id } })).loanInterest).toEqual({
      amountFen: 200_000_000,
      termMonths: 12,
      purpose: '研发投入周转',
    });
    await decide(
      id,
      'initial-review',
      { role: 'reviewer', org: STREET },
      { decision: 'approve', comment: '' },
    );
    await decide(
      id,
      'final-approval',
      { role: 'approver', org: 'committee' },
      { decision: 'approve', comment: '' },
    );
    await eventually(
      () => stack.db.bankReferral.findFirst({ where: { applicationId: id, bankCode: 'BOB' } }),
      (r) => r !== null,
    );
    // Referred (the row above): the page, reloaded, shows the request locked.
    await page.reload();
    await page.getByText('已推荐给合作银行，贷款需求不能再修改。').waitFor();
    expect(await page.locator('form.loan-form').count()).toBe(0);

    const bank = await signedInPage(browser, stack, { role: 'bank', subject: 'bob-credit', bankCode: 'BOB' });
    await bank.getByRole('heading', { name: '授信推荐' }).waitFor();
    const card = bank.locator(`section.referral[data-application="${id}"]`);
    await card.getByText('¥2,000,000.00，12 个月').waitFor();
    expect(await card.textContent()).toContain('待答复');
    expect(await card.textContent()).not.toContain('6222020200012345678');
    await checkPage(bank, 'bank-referrals');
    await card.getByText('同意授信').click();
    await card.getByLabel('授信额度（元）').fill('1,500,000');
    await card.getByLabel('年利率（%）').fill('3.2');
    await card.getByLabel('期限（月）').fill('12');
    await card.getByLabel('备注（选填）').fill('科技信用贷');
    await card.getByRole('button', { name: '提交意见' }).click();
    await bank.getByText('已提交对 北京海淀测试科技有限公司 的授信意见。').waitFor();
    const answered = bank.locator(`section.referral[data-application="${id}"]`);
    await answered.getByText('已授信').waitFor();
    await answered.getByText('授信额度 ¥1,500,000.00，年利率 3.20%，期限 12 个月').waitFor();
    expect(await answered.locator('form').count()).toBe(0);
    const ref = await stack.db.bankReferral.findFirstOrThrow({
      where: { applicationId: id, bankCode: 'BOB' },
    });
    expect(ref).toMatchObject({
      status: 'GRANTED',
      creditLineFen: 150_000_000n,
      annualRateBp: 320,
      termMonths: 12,
    });
    await bank.context().close();
    await page.context().close();
  });
});
