import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestStack } from './stack';

/** Debian's Chromium (`apt-get install chromium`), or CHROMIUM_PATH. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p) => p && fs.existsSync(p));
  if (!found) throw new Error('Chromium not found: install the "chromium" package or set CHROMIUM_PATH');
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in CI containers cannot use Chromium's sandbox; /dev/shm is small there.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

const SHOTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'screenshots');

/** Keeps a full-page screenshot as a test artefact (never committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * A fresh browser page signed in through the console's own dev sign-in form (AUTH_MODE=dev), Chinese by
 * default. `who` is what the role picker asks for.
 */
export async function signedInPage(
  browser: Browser,
  stack: TestStack,
  who: {
    role: string;
    subject: string;
    org?: string;
    creditCode?: string;
    bankCode?: string;
    supervisor?: boolean;
  },
  viewport = { width: 1280, height: 900 },
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}/#/signin`);
  const form = page.getByTestId('dev-signin');
  await form.getByLabel('角色').selectOption(who.role);
  await form.getByLabel('用户名').fill(who.subject);
  if (who.org) await form.getByLabel('所属机构').fill(who.org);
  if (who.creditCode) await form.getByLabel('统一社会信用代码').fill(who.creditCode);
  if (who.bankCode) await form.getByLabel('银行代码').fill(who.bankCode);
  if (who.supervisor) await form.getByLabel('队列主管').check();
  await form.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => !url.hash.startsWith('#/signin'));
  return page;
}

/** A page for someone not signed in (the public). */
export async function publicPage(browser: Browser, stack: TestStack, hash = '#/notices'): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}/${hash}`);
  return page;
}
