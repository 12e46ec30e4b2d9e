import type { Browser } from 'playwright-core';
import { checkPage, fieldError, publicPage, signIn, signedInPage, browserAndStack } from '../helpers/browser';
import { type TestStack } from '../helpers/stack';

let stack: TestStack;
let browser: Browser;

browserAndStack((s, b) => ([stack, browser] = [s, b]));

describe('the web console shell', () => {
  it('serves the page uncached and its hashed assets cached for a year', async () => {
    const res = await fetch(`${stack.baseUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    const src = /src="(\/assets\/index-[\w-]{8}\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${stack.baseUrl}${src}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${stack.baseUrl}/assets/index-00000000.js`)).status).toBe(404);
    // The embedded Chinese font ships with the console.
    const css = /href="(\/assets\/index-[\w-]{8}\.css)"/.exec(html)![1]!;
    expect(await (await fetch(`${stack.baseUrl}${css}`)).text()).toContain('Noto Sans SC');
  });

  it('is Chinese first, switches to English, and signs staff in and out with the dev role picker', async () => {
    const anon = await publicPage(browser, stack, '#/signin');
    await anon.getByRole('heading', { name: '登录', level: 1 }).waitFor();
    expect(await anon.locator('html').getAttribute('lang')).toBe('zh-CN');
    await checkPage(anon, 'public-signin');
    await anon.getByRole('button', { name: 'English' }).click();
    await anon.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    expect(await anon.locator('html').getAttribute('lang')).toBe('en');
    await anon.getByRole('button', { name: '中文' }).click();
    await anon.getByRole('heading', { name: '登录', level: 1 }).waitFor();

    // A protected page asks for sign-in and comes back to it afterwards.
    await anon.goto(`${stack.baseUrl}/#/admin/staff`);
    await anon.waitForURL(/#\/signin\?next=/);
    await signIn(anon, { role: 'admin', subject: 'admin-wu' });
    await anon.waitForURL(/#\/admin\/staff$/);
    await anon.getByText('系统管理员 · admin-wu').waitFor();
    await anon.getByRole('button', { name: '退出' }).click();
    await anon.getByRole('link', { name: '登录' }).waitFor();
    expect(await anon.evaluate('sessionStorage.getItem("session")')).toBeNull();
  });

  it("shows the server's reason at the refused field, in Chinese, with no field path", async () => {
    const page = await publicPage(browser, stack, '#/signin');
    const form = page.getByTestId('dev-signin');
    await form.getByLabel('统一社会信用代码').fill('91350100M000100Y44');
    await form.getByRole('button', { name: '登录' }).click();
    await fieldError(form, '统一社会信用代码').filter({ hasText: '统一社会信用代码校验位错误' }).waitFor();
    await page.getByRole('alert').filter({ hasText: '提交的内容有误' }).waitFor();
    expect(await page.locator('main').textContent()).not.toMatch(/body\.|creditCode|check character/);
    await page.context().close();
  });

  it('signs an applicant in', async () => {
    const page = await signedInPage(browser, stack, {
      role: 'applicant',
      subject: 'zhang',
      creditCode: '91110108MA01C8HQ7J',
    });
    expect(page.url()).toContain('#/my');
    await page.context().close();
  });
});
