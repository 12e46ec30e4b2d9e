import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page, Request } from 'playwright-core';
import { chooseChromium, launchChromium, type ChromiumChoice } from '../../reports/chromium';
import { startStack, type TestStack } from './stack';

let chosen: Promise<ChromiumChoice> | undefined;

/**
 * The Chromium of the browser tests, chosen as the system chooses it (reports/chromium.ts). Under jest
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

/** The requests of each test context still under way (blob: and data: URLs aside: a document the console
 * shows in a frame from a blob is no request to the server, and, handed over as a download, may never finish). */
const inFlight = new WeakMap<BrowserContext, Set<Request>>();

function trackRequests(context: BrowserContext): void {
  const pending = new Set<Request>();
  context.on('request', (r) => {
    if (!/^(blob|data):/.test(r.url())) pending.add(r);
  });
  context.on('requestfinished', (r) => pending.delete(r));
  context.on('requestfailed', (r) => pending.delete(r));
  inFlight.set(context, pending);
}

/**
 * Waits until no request of the page's context has been under way for half a second (playwright's
 * `networkidle`, but naming what is still loading when it gives up).
 */
export async function networkSettled(page: Page, timeoutMs = 60_000): Promise<void> {
  const pending = inFlight.get(page.context());
  if (!pending) return page.waitForLoadState('networkidle', { timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  let quietSince = Date.now();
  for (;;) {
    if (pending.size > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 500) return;
    if (Date.now() > deadline)
      throw new Error(
        `the page still loads after ${timeoutMs} ms: ${[...pending].map((r) => `${r.method()} ${r.url()}`).join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

const SHOTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'screenshots');

/** Keeps a full-page screenshot as a test artefact (never committed), once its fonts are loaded. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.evaluate('document.fonts.ready.then(() => undefined)');
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

/**
 * The page as it is now, at 1280 and 390 px (`<name>-1280.png`, `<name>-390.png`), checked with axe-core:
 * no serious or critical violation, and nothing wider than a phone's screen.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  await networkSettled(page);
  const size = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(DESKTOP);
  await screenshot(page, `${name}-1280`);
  await expectAccessible(page, name);
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(50); // one frame for the layout
  await screenshot(page, `${name}-390`);
  const widths = await page.evaluate<{ scroll: number; client: number }>(
    '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
  );
  if (widths.scroll > widths.client)
    throw new Error(`${name} is ${widths.scroll} px wide at ${widths.client} px: it scrolls sideways`);
  await page.setViewportSize(size);
}

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on the page: fails on any serious or critical violation, naming each. */
export async function expectAccessible(page: Page, name = page.url()): Promise<void> {
  // Through the DevTools protocol: the console's CSP rightly refuses inline scripts.
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE);
  // Colours are judged at rest: a transition half-way (a tag fading in) is not what the reader sees.
  await page.evaluate(
    'Promise.all(document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity)' +
      '.map((a) => a.finished.catch(() => null)))',
  );
  const result = await page.evaluate<{
    violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
  }>('window.axe.run(document, { resultTypes: ["violations"] })');
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length)
    throw new Error(
      `${name}: ${bad
        .map(
          (v) =>
            `${v.impact} ${v.id} (${v.help}): ${v.nodes
              .map((n) => n.target.join(' '))
              .slice(0, 5)
              .join(', ')}`,
        )
        .join('\n')}`,
    );
}

/** Picks an option of an Element Plus select (found by its label) by the option's text. */
export async function choose(
  scope: Page | Locator,
  label: string | RegExp,
  option: string | RegExp,
): Promise<void> {
  const page = 'page' in scope ? scope.page() : scope;
  const wanted = page
    .getByRole('option', { name: option, exact: typeof option === 'string' })
    .filter({ visible: true }) // the dropdown now open (closed ones stay in the page, hidden)
    .first();
  // A busy machine may still be loading the options when the dropdown opens: open it again then.
  for (let attempt = 1; ; attempt++) {
    // The select's own box (its input sits under a placeholder): a real click, never a forced one that
    // could land on a popper above it.
    await scope
      .locator('.el-form-item')
      .filter({ has: page.getByLabel(label, { exact: typeof label === 'string' }) })
      .locator('.el-select__wrapper')
      .click();
    try {
      await wanted.click({ timeout: attempt < 3 ? 5_000 : 30_000 });
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
}

/** Types a day into an Element Plus date picker (found by its label) and confirms it. */
export async function pickDate(scope: Page | Locator, label: string | RegExp, day: string): Promise<void> {
  const page = 'page' in scope ? scope.page() : scope;
  const input = scope.getByLabel(label, { exact: typeof label === 'string' });
  await input.click();
  await input.fill(day);
  await input.press('Enter');
  // The panel closes, so that it covers nothing the next step clicks.
  const open = page.locator('.el-picker__popper:visible');
  if (await open.count()) await input.press('Escape');
  await open
    .first()
    .waitFor({ state: 'hidden' })
    .catch(() => undefined);
  const value = await input.inputValue();
  if (value !== day) throw new Error(`the date picker ${String(label)} shows ${value}, not ${day}`);
}

/** The console's main navigation (by its Chinese name). */
export const mainNav = (page: Page): Locator => page.getByRole('navigation', { name: '主导航' });

/** Opens an entry of the main navigation that sits in a group, as a person does: over the group, then the entry. */
export async function fromMenu(page: Page, group: string, entry: string): Promise<void> {
  await mainNav(page).getByRole('menuitem', { name: group, exact: true }).hover();
  const link = mainNav(page).getByRole('link', { name: entry });
  await link.click();
  // The menu closes once an entry is chosen and the pointer has left it (over it, a slow machine's late
  // hover opens it again), as a person's pointer goes on to the page.
  const viewport = page.viewportSize();
  await page.mouse.move(1, (viewport?.height ?? 600) - 1);
  await link.waitFor({ state: 'hidden' });
}

/** The error shown at a form field (Element Plus puts it under the field), found by the field's label. */
export function fieldError(scope: Page | Locator, label: string | RegExp): Locator {
  const page = 'page' in scope ? scope.page() : scope;
  return scope
    .locator('.el-form-item')
    .filter({ has: page.getByLabel(label, { exact: typeof label === 'string' }) })
    .locator('.el-form-item__error');
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
  viewport = DESKTOP,
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  trackRequests(context);
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}/#/signin`);
  await signIn(page, who);
  return page;
}

const ROLE_NAMES: Record<string, string> = {
  applicant: '申请企业',
  reviewer: '初审人员',
  expert: '鉴定评估专家',
  approver: '审批人员',
  finance: '区财政局',
  bank: '合作银行',
  admin: '系统管理员',
  auditor: '审计人员',
};

/** Fills the dev sign-in form of the page (at #/signin) and waits to leave it. */
export async function signIn(page: Page, who: Parameters<typeof signedInPage>[2]): Promise<void> {
  const form = page.getByTestId('dev-signin');
  await choose(form, '角色', ROLE_NAMES[who.role] ?? who.role);
  await form.getByLabel('用户名').fill(who.subject);
  if (who.org) await form.getByLabel('所属机构').fill(who.org);
  if (who.creditCode) await form.getByLabel('统一社会信用代码').fill(who.creditCode);
  if (who.bankCode) await form.getByLabel('银行代码').fill(who.bankCode);
  if (who.supervisor) await form.getByText('队列主管').click();
  await form.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => !url.hash.startsWith('#/signin'));
}

/** A page for someone not signed in (the public). */
export async function publicPage(
  browser: Browser,
  stack: TestStack,
  hash = '#/notices',
  viewport = DESKTOP,
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  trackRequests(context);
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}/${hash}`);
  return page;
}

/**
 * The whole system (test/helpers/stack.ts, with `env`) and Chromium for the browser tests of one file: both
 * started before its tests and stopped after them. `use` receives them once they run.
 */
export function browserAndStack(
  use: (stack: TestStack, browser: Browser) => unknown,
  env: Record<string, string> = {},
): void {
  let started: [TestStack, Browser] | undefined;
  beforeAll(async () => {
    const [stack, browser] = await Promise.all([startStack(env), launchBrowser()]);
    started = [stack, browser];
    await use(stack, browser);
  });
  afterAll(async () => {
    await started?.[1].close();
    await started?.[0].stop();
  });
}
