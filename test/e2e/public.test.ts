import { SignJWT } from 'jose';
import type { Browser } from 'playwright-core';
import { createMoneyActivities } from '../../activities/money';
import { signedLinks, surveyLink } from '../../platform/signedLinks';
import { checkPage, fieldError, PHONE, publicPage, signIn, browserAndStack } from '../helpers/browser';
import { as, eventually, type TestStack } from '../helpers/stack';
import { approvedApplication, newApplicant, submit } from '../helpers/world';

let stack: TestStack;
let browser: Browser;

browserAndStack((s, b) => ([stack, browser] = [s, b]));

describe('the public pages, without sign-in', () => {
  it('shows the notice under a human number, fits a phone, and takes a named objection with a receipt number', async () => {
    const { id, a } = await approvedApplication(stack);
    const admin = await as(stack, { role: 'admin' });
    const published = await admin.post('/api/v1/admin/notices/publish');
    expect(published.body.number).toMatch(/^GS-\d{4}-\d{4}$/);
    await eventually(
      async () => (await stack.db.application.findUniqueOrThrow({ where: { id } })).status,
      (s) => s === 'IN_PUBLIC_NOTICE',
    );

    const page = await publicPage(browser, stack, '#/notices', PHONE);
    await page.getByRole('heading', { name: '补贴公示', level: 1 }).waitFor();
    await page.getByRole('heading', { name: `公示批次 ${published.body.number}` }).waitFor();
    expect(await page.locator('main').textContent()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/); // no UUID shown
    const item = page.locator(`li.item[data-application="${id}"]`);
    await item.getByText('¥2,500.00').waitFor();
    // At 390 px the amount and the objection button are on the screen, nothing scrolls sideways.
    for (const el of [item.getByText('¥2,500.00'), item.getByRole('button', { name: '提出异议' })]) {
      const box = (await el.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    await checkPage(page, 'public-notices');

    await item.getByRole('button', { name: '提出异议' }).click();
    const dialog = page.getByRole('dialog', { name: /对 .+ 的补贴提出异议/ });
    await dialog.getByLabel('异议理由').fill('短');
    await dialog.getByRole('button', { name: '提交异议' }).click();
    // Chinese reasons at the fields; no zod English, no field paths.
    await fieldError(dialog, '姓名').filter({ hasText: '必填' }).waitFor();
    await fieldError(dialog, '异议理由').filter({ hasText: '请说明异议理由（至少 5 个字）' }).waitFor();
    expect(await dialog.textContent()).not.toMatch(/Too small|expected|body\./);
    await checkPage(page, 'public-objection-form');
    await dialog.getByLabel('姓名').fill('王先生');
    await dialog.getByLabel('联系方式（电话或邮箱）').fill('13800000000');
    await dialog.getByLabel('异议理由').fill('该企业的参保人数与实际不符，请核查。');
    await dialog.getByRole('button', { name: '提交异议' }).click();
    const receipt = page.getByRole('status').filter({ hasText: '异议已受理' });
    await receipt.waitFor();
    const number = /YY-\d{4}-\d{6}/.exec((await receipt.textContent())!)![0];
    const row = await stack.db.objection.findFirstOrThrow({ where: { applicationId: id } });
    expect(row.number).toBe(number);
    expect(await receipt.textContent()).not.toContain(row.id);
    // The approver reviewing the objection sees it under the same number.
    const task = await eventually(
      () => stack.db.task.findFirst({ where: { applicationId: id, queue: 'objection-review' } }),
      (t) => t !== null,
    );
    const approver = await as(stack, { role: 'approver', org: 'committee' });
    expect((await approver.get(`/api/v1/tasks/${task!.id}`)).body.objections[0].number).toBe(number);
    expect(a.code).toBeTruthy();
    await page.context().close();
  });

  it('lists the disclosures of a year and answers the calculator without storing anything', async () => {
    const page = await publicPage(browser, stack, '#/disclosures');
    await page.getByRole('heading', { name: '补贴资金公开', level: 1 }).waitFor();
    await checkPage(page, 'public-disclosures');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '补贴测算' }).click();
    await page.getByRole('heading', { name: '补贴测算', level: 1 }).waitFor();
    await page.getByLabel('统一社会信用代码', { exact: true }).fill('91110108MA01C8HQ7J');
    await page.getByLabel('计划保费（元）').fill('2500');
    await page.getByRole('button', { name: '测算' }).click();
    // Without signing in, the registry is not asked about an enterprise: the field says why, in Chinese.
    await fieldError(page, '统一社会信用代码').filter({ hasText: '须先登录' }).waitFor();
    expect(await page.locator('.track').count()).toBe(0);
    // Staff (like the enterprise's own applicant) get the registry's answer.
    await page.goto(`${stack.baseUrl}/#/signin`);
    await signIn(page, { role: 'reviewer', subject: 'calc-reviewer', org: 'committee' });
    await page.goto(`${stack.baseUrl}/#/calculator`);
    await page.getByRole('heading', { name: '补贴测算', level: 1 }).waitFor();
    await page.getByLabel('统一社会信用代码', { exact: true }).fill('91110108MA01C8HQ7J');
    await page.getByLabel('计划保费（元）').fill('2500');
    await page.getByRole('button', { name: '测算' }).click();
    const inclusive = page.locator('.track[data-track="INCLUSIVE"]');
    await inclusive.waitFor();
    expect(await inclusive.textContent()).toContain('可申请');
    expect(await inclusive.textContent()).toContain('¥2,500.00');
    await checkPage(page, 'public-calculator');
    // A code the registry does not know is refused at the field, in Chinese.
    await page.getByLabel('统一社会信用代码', { exact: true }).fill('91350100M000100Y43');
    await page.getByRole('button', { name: '测算' }).click();
    await fieldError(page, '统一社会信用代码')
      .filter({ hasText: '企业登记系统中查无此统一社会信用代码' })
      .waitFor();
    await page.context().close();
  });

  it('takes the follow-up survey once, says so on a second answer, and explains an expired link', async () => {
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
    await checkPage(first, 'public-survey');
    await first.getByLabel('研发进展').fill('完成样机验证');
    await first.getByLabel('报案/理赔申请次数').fill('1');
    await first.getByLabel('已获赔款（元）').fill('1200');
    await first.getByLabel('获得贷款（元）').fill('5,000,000');
    await first.getByRole('button', { name: '提交问卷' }).click();
    await first.getByText('问卷已提交，感谢您的反馈。').waitFor();
    expect(
      await stack.db.survey.findUniqueOrThrow({
        where: { applicationId_round: { applicationId: id, round: 1 } },
      }),
    ).toMatchObject({
      rdProgress: '完成样机验证',
      claimsFiled: 1,
      claimsPaidFen: 120_000n,
      loansObtainedFen: 500_000_000n,
    });
    await second.getByLabel('研发进展').fill('再次提交');
    await second.getByRole('button', { name: '提交问卷' }).click();
    await second.getByRole('alert').filter({ hasText: '该问卷已经答复' }).waitFor();
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
