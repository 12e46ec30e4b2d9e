import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { limiter, ReportUnavailableError } from './limit';

/**
 * HTML to PDF with Debian's Chromium (the one the browser tests drive), through playwright-core: one browser
 * per document, closed when it is printed, so nothing lingers between requests; two browsers at most at
 * once, and a short queue behind them.
 */

const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/**
 * The Chromium executable: `configured` as a path (CHROMIUM_PATH), or a command name looked up in the
 * directories of `searchPath` (PATH) like a shell does. Null when there is none.
 */
export function findChromium(configured: string, searchPath: string | undefined): string | null {
  if (configured.includes('/')) return isExecutable(configured) ? configured : null;
  for (const dir of (searchPath ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, configured);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

/** Browsers at once, and requests that may wait for one. */
const limited = limiter(2, 8);

/**
 * Prints a self-contained page to an A4 PDF. The page runs no script and may fetch nothing (every request
 * is refused), which is also why Chromium's sandbox, unavailable to root in containers, is not needed.
 */
export async function htmlToPdf(
  html: string,
  executablePath: string,
  opts: { timeoutMs?: number } = {},
): Promise<Buffer> {
  const timeout = opts.timeoutMs ?? 60_000;
  return limited(async () => {
    let browser;
    try {
      browser = await chromium.launch({
        executablePath,
        headless: true,
        timeout,
        args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
      });
    } catch (err) {
      throw new ReportUnavailableError(
        'PDF_RENDERER_UNAVAILABLE',
        `Chromium could not be started: ${(err as Error).message.split('\n')[0]}`,
      );
    }
    try {
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      const page = await context.newPage();
      page.setDefaultTimeout(timeout);
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({
        format: 'A4',
        printBackground: true,
        preferCSSPageSize: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate:
          '<div style="width:100%;font-size:8px;color:#6b7480;text-align:center;"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
        margin: { top: '14mm', bottom: '15mm', left: '13mm', right: '13mm' },
      });
    } finally {
      await browser.close();
    }
  });
}
