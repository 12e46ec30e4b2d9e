import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chooseChromium, launchChromium, type ChromiumChoice } from '../../services/chromium';
import type { TestStack } from './stack';

let chosen: Promise<ChromiumChoice> | undefined;

/**
 * The Chromium of the browser tests, chosen as the system chooses it (services/chromium.ts). Under jest
 * the harness has taken any system Chromium off PATH and CHROMIUM_PATH out of the environment
 * (test/helpers/globalSetup.ts), so this is the one from npm, as on a fresh machine.
 */
export function testChromium(): Promise<ChromiumChoice> {
  chosen ??= chooseChromium({ configured: process.env.CHROMIUM_PATH, searchPath: process.env.PATH }).then(
    (c) => {
      if (!c) throw new Error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} names no executable`);
      return c;
    },
  );
  return chosen;
}

export async function launchBrowser(): Promise<Browser> {
  return launchChromium(await testChromium());
}

const SHOTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'screenshots');

/** Keeps a full-page screenshot as a test artefact (never committed), once its fonts are loaded. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.evaluate('document.fonts.ready.then(() => undefined)');
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
