import type { Browser } from 'playwright-core';
import { launchBrowser, publicPage, screenshot, signedInPage } from '../helpers/browser';
import { startStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the web console shell', () => {
  it('serves the page uncached and its assets cached for a year under a content hash', async () => {
    const res = await fetch(`${stack.baseUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    const src = /src="(\/assets\/[0-9a-f]{12}\/app\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${stack.baseUrl}${src}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${stack.baseUrl}/assets/000000000000/app.js`)).status).toBe(404);
  });

  it('is Chinese first, switches to English, and signs staff in with the dev role picker', async () => {
    const anon = await publicPage(browser, stack);
    await anon.getByRole('heading', { name: '补贴公示' }).waitFor();
    expect(await anon.locator('html').getAttribute('lang')).toBe('zh-CN');
    await anon.getByRole('button', { name: 'English' }).click();
    await anon.getByRole('heading', { name: 'Public notice of subsidies' }).waitFor();
    expect(await anon.locator('html').getAttribute('lang')).toBe('en');
    await anon.getByRole('button', { name: '中文' }).click();
    await anon.getByRole('heading', { name: '补贴公示' }).waitFor();

    // A protected page asks for sign-in and comes back to it afterwards.
    await anon.goto(`${stack.baseUrl}/#/disclosures`);
    await anon.getByRole('heading', { name: '补贴资金公开' }).waitFor();
    await screenshot(anon, 'public-disclosures');

    const admin = await signedInPage(browser, stack, { role: 'admin', subject: 'admin-wu' });
    await admin.getByText('系统管理员 · admin-wu').waitFor();
    await admin.getByRole('button', { name: '退出' }).click();
    await admin.getByRole('link', { name: '登录' }).waitFor();
  });

  it("shows the server's reasons when sign-in input is refused", async () => {
    const page = await publicPage(browser, stack, '#/signin');
    const form = page.getByTestId('dev-signin');
    await form.getByLabel('角色').selectOption('applicant');
    await form.getByLabel('统一社会信用代码').fill('91350100M000100Y44');
    await form.getByRole('button', { name: '登录' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('body.creditCode');
    expect(await form.getByLabel('统一社会信用代码').getAttribute('aria-invalid')).toBe('true');
  });
});
