import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { createMoneyActivities } from '../../activities/money';
import { signedLinks, surveyLink } from '../../services/signedLinks';
import { REQUIRED_DOCUMENTS } from '../../domain/documents';
import { launchBrowser, publicPage, screenshot, signedInPage } from '../helpers/browser';
import { creditCode } from '../helpers/fixtures';
import { as, eventually, startStack, type TestStack } from '../helpers/stack';
import { PDF, PNG, newApplicant, registryFacts, submit } from '../helpers/world';

let stack: TestStack;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'applicant-e2e-'));
  for (const type of REQUIRED_DOCUMENTS.INCLUSIVE) fs.writeFileSync(path.join(dir, `${type}.pdf`), PDF);
  fs.writeFileSync(path.join(dir, 'scan.png'), PNG);
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a document');
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const STREET = 'street:中关村街道';
const file = (name: string) => path.join(dir, name);

/** Sets up the outside world through the simulators' control API (as an outside test would). */
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

/** The status badge of the application page. */
const badge = (page: Page) => page.locator('.status-card h2 .badge');

/** Reloads the application page until its status badge reads `text` (the page does not poll). */
async function reloadUntil(page: Page, text: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await badge(page).waitFor();
    const now = (await badge(page).textContent())?.trim();
    if (now === text) return;
    if (Date.now() > deadline) {
      const reasons = await page.locator('ul.reasons').allTextContents();
      throw new Error(`status stayed "${now}" (wanted "${text}"); reasons: ${reasons.join(' | ')}`);
    }
    await page.waitForTimeout(400);
    await page.reload();
  }
}

/** Reloads the page until `text` shows. */
async function reloadUntilText(page: Page, text: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await page.getByText(text).count()) === 0) {
    if (Date.now() > deadline) throw new Error(`"${text}" did not show in ${timeoutMs} ms`);
    await page.waitForTimeout(400);
    await page.reload();
    await page.locator('h1').waitFor();
  }
}

async function inReview(track: 'INCLUSIVE' = 'INCLUSIVE') {
  const a = await newApplicant(stack, track);
  const res = await submit(stack, a, track);
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

describe('the applicant in the browser', () => {
  it('registers the enterprise, applies with the documents, sees the server refuse a bad policy, and answers an information request', async () => {
    // The registry and the insurer know the enterprise and its policy (the precheck asks them).
    const code = creditCode();
    await sim(`/sim/registry/enterprises/${code}`, registryFacts(code, 'INCLUSIVE'));
    const policyNumber = `PB${Date.now()}`;
    await sim(`/sim/insurer/policies/PICC/${policyNumber}`, {
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

    const page = await signedInPage(browser, stack, {
      role: 'applicant',
      subject: 'zhang-san',
      creditCode: code,
    });
    await page.getByRole('heading', { name: '我的申请', level: 1 }).waitFor();
    await page.getByText('尚未登记企业信息').waitFor();
    await page.getByRole('link', { name: '登记企业' }).click();

    // The enterprise.
    await page.getByRole('heading', { name: '企业信息登记' }).waitFor();
    await page.getByLabel('企业名称').fill('北京海淀测试科技有限公司');
    expect(await page.getByLabel('注册地所在区').inputValue()).toBe('海淀区');
    await page.getByLabel('企业规模').selectOption('SMALL');
    await page.getByLabel('成立日期').fill('2019-06-01');
    await page.getByLabel('主营领域').selectOption({ label: '人工智能' });
    await page.getByLabel('联系邮箱').fill(`owner-${code.toLowerCase()}@example.com`);
    await page.getByLabel('科技型中小企业资格有效期至').fill('2028-12-31');
    expect(await page.getByLabel('高新技术企业证书发证日期').inputValue()).toBe('');
    expect(await page.getByLabel('高新技术企业证书有效期至').inputValue()).toBe('');
    await page.getByLabel('开户银行').fill('中国工商银行');
    await page.getByLabel('账户名称').fill('北京海淀测试科技有限公司');
    await page.getByLabel('银行账号').fill('6222020200012345678');
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

    // The application form: the track's documents, with the file type checked in the browser.
    await page.getByRole('link', { name: '申请补贴' }).click();
    await page.getByRole('heading', { name: '申请科技保险补贴' }).waitFor();
    expect(await page.getByLabel('普惠型综合科技保险').isChecked()).toBe(true);
    for (const name of ['申请表', '营业执照', '信用报告', '上年度财务报表', '社保缴纳证明']) {
      await page.getByLabel(name).waitFor();
    }
    await page.getByLabel('专精特新（产品目录）').check();
    await page.getByLabel('资质证书').waitFor(); // SRDI asks for other documents
    await page.getByLabel('普惠型综合科技保险').check();
    await page.getByLabel('保险产品').selectOption('HD-GROUP-2026');
    expect(await page.getByLabel('保险公司代码').inputValue()).toBe('PICC');
    await page.getByLabel('保单号').fill(policyNumber);
    await page.getByLabel('保险起期').fill('2026-03-01');
    await page.getByLabel('保险止期').fill('2027-02-28');
    await page.getByLabel(/^保费（元）/).fill('2,500');
    await page.getByLabel('实际支付保费（元）').fill('3000');
    await page.getByLabel('保费支付日期').fill('2026-02-20');
    await page.getByLabel('保险金额（风险保额，元）').fill('5000000');
    await page.getByLabel('营业执照').setInputFiles(file('notes.txt'));
    await page.getByText('只接受 PDF、JPEG 或 PNG 文件').waitFor();
    expect(await page.getByLabel('营业执照').getAttribute('aria-invalid')).toBe('true');
    for (const type of REQUIRED_DOCUMENTS.INCLUSIVE) {
      const label = {
        APPLICATION_FORM: '申请表',
        BUSINESS_LICENCE: '营业执照',
        CREDIT_REPORT: '信用报告',
        FINANCIAL_STATEMENTS: '上年度财务报表',
        SOCIAL_INSURANCE_PROOF: '社保缴纳证明',
      }[type as string]!;
      await page.getByLabel(label).setInputFiles(file(`${type}.pdf`));
    }
    expect(await page.getByLabel('营业执照').getAttribute('aria-invalid')).toBeNull();
    await screenshot(page, 'applicant-apply-form');

    // Paid premium above the premium: the server refuses it, and says which field.
    await page.getByRole('button', { name: '提交申请' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('body.policy.paidPremiumFen');
    expect(await alert.textContent()).toContain('cannot exceed premiumFen');
    expect(await page.getByLabel('实际支付保费（元）').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'applicant-apply-refused');
    expect(await stack.db.application.count({ where: { creditCode: code } })).toBe(0);

    await page.getByLabel('实际支付保费（元）').fill('2500');
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.waitForURL(/#\/applications\/HD-/);
    const id = decodeURIComponent(new URL(page.url()).hash.replace('#/applications/', ''));
    await page.getByText(`申请 ${id} 已提交`).waitFor();
    // The documents uploaded for the refused attempt are reused, not uploaded again.
    expect(await stack.db.document.count({ where: { creditCode: code } })).toBe(5);
    expect(await stack.db.document.count({ where: { applicationId: id } })).toBe(5);

    await reloadUntil(page, '初审中');
    await page.getByText('审核人员正在进行形式审查').waitFor();
    await page.getByText('当前环节').waitFor();
    expect(await page.locator('.status-card').textContent()).toContain('初审');
    expect(await page.locator('section', { hasText: '补贴测算' }).textContent()).toContain('¥2,500.00');
    // The day entered and the insurer's instant of that day agree: the precheck notes no mismatch.
    const judged = await stack.db.application.findUniqueOrThrow({ where: { id } });
    expect(judged.reasons).toEqual([]);
    await screenshot(page, 'applicant-application');

    // My applications lists it with its status.
    await page.getByRole('link', { name: '我的申请' }).click();
    const row = page.getByRole('row', { name: new RegExp(id) });
    await row.waitFor();
    expect(await row.textContent()).toContain('初审中');
    expect(await row.textContent()).toContain('普惠型综合科技保险');
    await screenshot(page, 'applicant-my-applications');

    // A reviewer asks for more: the page shows the request and its deadline.
    const asked = await decide(
      id,
      'initial-review',
      { role: 'reviewer', subject: 'li', org: STREET },
      { decision: 'request_info', comment: '', infoRequest: { message: '请补充近三个月社保缴纳证明' } },
    );
    expect(asked.status).toBe('NEEDS_INFO');
    await row.getByRole('link', { name: id }).click();
    await reloadUntil(page, '待补充材料');
    const info = page.locator('section.info-request');
    await info.getByText('请补充近三个月社保缴纳证明').waitFor();
    expect(await info.textContent()).toMatch(/请于 \d{4}-\d{2}-\d{2} (24:00|\d{2}:\d{2})（北京时间）前补充/);
    await screenshot(page, 'applicant-application-needs-info');

    // … and the applicant answers with a document: back to the reviewer.
    await info.getByLabel('补充说明').fill('已上传近三个月社保缴纳证明');
    await info.getByLabel('材料类型').selectOption('SOCIAL_INSURANCE_PROOF');
    await info.getByLabel('补充材料文件').setInputFiles(file('scan.png'));
    await info.getByRole('button', { name: '提交补充材料' }).click();
    await page.getByText('补充材料已提交，申请已回到审核环节。').waitFor();
    expect((await badge(page).textContent())?.trim()).toBe('初审中');
    expect(await page.locator('section.info-request').count()).toBe(0);
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
    await page.getByRole('cell', { name: 'scan.png', exact: true }).waitFor();
    await page.getByRole('button', { name: '查看 社保缴纳证明 scan.png' }).click();
    await page.locator('img.doc-view[alt="社保缴纳证明 · scan.png"]').waitFor();

    // On a phone, the application page fits the screen.
    const phone = await signedInPage(
      browser,
      stack,
      { role: 'applicant', subject: 'zhang-san', creditCode: code },
      { width: 390, height: 844 },
    );
    await phone.goto(`${stack.baseUrl}/#/applications/${encodeURIComponent(id)}`);
    await badge(phone).waitFor();
    const widths = await phone.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    );
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await screenshot(phone, 'applicant-application-phone');
    await phone.context().close();
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
    await reloadUntil(page, '初审中');
    await page.getByRole('button', { name: '撤回申请…' }).click();
    await page.getByText('撤回后本申请终止').waitFor();
    await page.getByRole('button', { name: '取消' }).click();
    await page.getByRole('button', { name: '撤回申请…' }).click();
    await page.getByLabel('撤回原因').fill('企业已获其他补贴');
    await page.getByRole('button', { name: '确认撤回' }).click();
    await page.getByText('申请已撤回。').waitFor();
    expect((await badge(page).textContent())?.trim()).toBe('已撤回');
    expect(await page.getByRole('button', { name: '撤回申请…' }).count()).toBe(0);
    expect(await statusOf(id)).toBe('WITHDRAWN');
    await page.getByText('企业已获其他补贴').waitFor(); // the reason, in the timeline
    await page.context().close();
  });

  it('opts into bank matching on the application page, and the partner bank answers the referral', async () => {
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
    await page.getByText('贷款需求已更新。').waitFor();
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
    await reloadUntilText(page, '已推荐给合作银行，贷款需求不能再修改。');
    expect(await page.locator('form.loan-form').count()).toBe(0);

    const bank = await signedInPage(browser, stack, { role: 'bank', subject: 'bob-credit', bankCode: 'BOB' });
    await bank.getByRole('heading', { name: '授信推荐' }).waitFor();
    const card = bank.locator(`section.referral[data-application="${id}"]`);
    await card.getByText('¥2,000,000.00，12 个月').waitFor();
    expect(await card.textContent()).toContain('待答复');
    expect(await card.textContent()).not.toContain('6222020200012345678');
    await card.getByLabel('同意授信').check();
    await card.getByLabel('授信额度（元）').fill('1,500,000');
    await card.getByLabel('年利率（%）').fill('3.2');
    await card.getByLabel('期限（月）').fill('12');
    await card.getByLabel('备注（选填）').fill('科技信用贷');
    await screenshot(bank, 'bank-referrals');
    await card.getByRole('button', { name: '提交意见' }).click();
    await bank.getByText('已提交对 北京海淀测试科技有限公司 的授信意见。').waitFor();
    const answered = bank.locator(`section.referral[data-application="${id}"]`);
    await answered.getByText('已授信').waitFor();
    await answered.getByText('授信额度 ¥1,500,000.00，年利率 3.20%，期限 12 个月').waitFor();
    expect(await answered.locator('form').count()).toBe(0);
    const row = await stack.db.bankReferral.findFirstOrThrow({
      where: { applicationId: id, bankCode: 'BOB' },
    });
    expect(row).toMatchObject({
      status: 'GRANTED',
      creditLineFen: 150_000_000n,
      annualRateBp: 320,
      termMonths: 12,
    });
    await bank.context().close();
    await page.context().close();
  });
});

describe('the follow-up survey from the e-mailed link', () => {
  it('takes the answers once, says so on a second answer, and explains an expired link', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE');
    const id = (await submit(stack, a, 'INCLUSIVE')).body.id as string;
    const money = createMoneyActivities({
      db: stack.db,
      temporal: stack.temporal,
      payments: {
        createPayment: () => Promise.reject(new Error('unused')),
        getPayment: () => Promise.reject(new Error('unused')),
      },
      publicBaseUrl: stack.baseUrl,
      linkSecret: stack.config.linkSecret,
      dataKey: stack.config.dataKey,
    });
    await money.surveyLink({ applicationId: id, round: 1, validDays: 90 });
    // The link as the survey e-mail renders it.
    const link = await surveyLink(signedLinks(stack.config.linkSecret), stack.baseUrl, id, 1, 90);
    expect(link.startsWith(`${stack.baseUrl}/#/surveys/`)).toBe(true);

    const first = await publicPage(browser, stack, link.slice(stack.baseUrl.length + 1));
    const second = await publicPage(browser, stack, link.slice(stack.baseUrl.length + 1));
    for (const p of [first, second]) await p.getByRole('heading', { name: '科技保险补贴跟踪问卷' }).waitFor();
    await first.getByText(`申请 ${id}`).waitFor();
    await first.getByLabel('研发进展').fill('完成样机验证');
    await first.getByLabel('报案/理赔申请次数').fill('1');
    await first.getByLabel('已获赔款（元）').fill('1200');
    await first.getByLabel('获得贷款（元）').fill('5,000,000');
    await first.getByRole('button', { name: '提交问卷' }).click();
    await first.getByText('问卷已提交，感谢您的反馈。').waitFor();
    const stored = await stack.db.survey.findUniqueOrThrow({
      where: { applicationId_round: { applicationId: id, round: 1 } },
    });
    expect(stored).toMatchObject({
      rdProgress: '完成样机验证',
      claimsFiled: 1,
      claimsPaidFen: 120_000n,
      loansObtainedFen: 500_000_000n,
    });

    // A second answer (the form was open in another tab) is refused by the server.
    await second.getByLabel('研发进展').fill('再次提交');
    await second.getByRole('button', { name: '提交问卷' }).click();
    const refused = second.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('ALREADY_ANSWERED');
    expect(await refused.textContent()).toContain('该问卷已经答复');
    // Opened again, the link says it has been answered.
    await first.reload();
    await first.getByText('该问卷已经答复，感谢您的反馈。').waitFor();
    expect(await first.getByRole('button', { name: '提交问卷' }).count()).toBe(0);

    const expired = await new SignJWT({ round: 1 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(id)
      .setAudience('survey')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 200 * 86_400)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 86_400)
      .sign(new TextEncoder().encode(stack.config.linkSecret));
    const old = await publicPage(browser, stack, `#/surveys/${expired}`);
    await old.getByText('该问卷链接已过期').waitFor();
    const forged = await publicPage(browser, stack, `#/surveys/${expired.slice(0, -3)}abc`);
    await forged.getByText('该问卷链接无效').waitFor();
    for (const p of [first, second, old, forged]) await p.context().close();
  });
});
