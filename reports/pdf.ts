import type { Browser } from 'playwright-core';
import { chooseChromium, launchChromium, type ChromiumChoice } from './chromium';
import { inlineFontFaces } from './fonts';
import { reportBrowserLaunches } from '../platform/metrics';
import { limiter, ReportUnavailableError } from './limit';

/**
 * HTML to PDF through playwright-core with one Chromium per process, started at the first PDF, started
 * again if it died, and closed with the API. Each document gets a fresh browser context (no cookies, no
 * script, no network), closed when it is printed. At most `concurrency` documents are made at once, with
 * at most `maxWaiting` requests queued behind them; more are refused (REPORT_BUSY, a 503 to retry).
 */

export interface PdfPrinterOptions {
  /** CHROMIUM_PATH: unset chooses a system Chromium, else the bundled one (reports/chromium.ts). */
  chromium?: string;
  searchPath: string;
  concurrency: number;
  maxWaiting: number;
  timeoutMs?: number;
}

export interface PdfPrinter {
  /**
   * Makes one PDF: takes a place first (or is refused at once), then builds the page with `page` and
   * prints it, so that a refused request costs nothing.
   */
  print(page: () => Promise<string>): Promise<Buffer>;
  /** The process id of the running browser, if one runs (diagnostics, and the tests that kill it). */
  browserPid(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** The page footer: "page / pages" in digits, with its own font (the page's fonts do not reach it). */
const footer = () =>
  `<div style="width:100%;font-size:8px;color:#6b7480;text-align:center;font-family:'Noto Sans SC'"><style>${inlineFontFaces('0123456789 /')}</style><span class="pageNumber"></span> / <span class="totalPages"></span></div>`;

/** The id of the browser's main process, as Chromium itself reports it (DevTools' SystemInfo domain). */
async function pidOf(browser: Browser): Promise<number | undefined> {
  const session = await browser.newBrowserCDPSession();
  try {
    const info = (await session.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number }[];
    };
    return info.processInfo.find((p) => p.type === 'browser')?.id;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

export function createPdfPrinter(opts: PdfPrinterOptions): PdfPrinter {
  const timeout = opts.timeoutMs ?? 60_000;
  const limited = limiter(opts.concurrency, opts.maxWaiting);
  let choice: Promise<ChromiumChoice | null> | undefined;
  let starting: Promise<Browser> | undefined;
  let closed = false;

  async function start(): Promise<Browser> {
    choice ??= chooseChromium({ configured: opts.chromium, searchPath: opts.searchPath });
    const chosen = await choice.catch((err: unknown) => {
      choice = undefined;
      throw err;
    });
    if (!chosen)
      throw new ReportUnavailableError(
        'PDF_RENDERER_UNAVAILABLE',
        'no Chromium to print the report with (see CHROMIUM_PATH); the HTML report is available',
      );
    const browser = await launchChromium(chosen, { timeoutMs: timeout });
    reportBrowserLaunches.inc();
    browser.once('disconnected', () => {
      if (current === browser) current = undefined;
    });
    return browser;
  }

  let current: Browser | undefined;
  /** The running browser, or a new one (one start at a time, however many requests wait for it). */
  async function browser(): Promise<Browser> {
    if (current?.isConnected()) return current;
    starting ??= start()
      .then((b) => (current = b))
      .catch((err: unknown) => {
        if (err instanceof ReportUnavailableError) throw err;
        throw new ReportUnavailableError(
          'PDF_RENDERER_UNAVAILABLE',
          `Chromium could not be started: ${(err as Error).message.split('\n')[0]}`,
        );
      })
      .finally(() => (starting = undefined));
    return starting;
  }

  async function printWith(b: Browser, html: string): Promise<Buffer> {
    const context = await b.newContext({ javaScriptEnabled: false, offline: true });
    try {
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
        footerTemplate: footer(),
        margin: { top: '14mm', bottom: '15mm', left: '13mm', right: '13mm' },
      });
    } finally {
      await context.close().catch(() => undefined);
    }
  }

  return {
    print(page) {
      if (closed)
        return Promise.reject(new ReportUnavailableError('PDF_RENDERER_UNAVAILABLE', 'shutting down'));
      return limited(async () => {
        const b = await browser(); // first: without a Chromium, the page is not even made
        const html = await page();
        try {
          return await printWith(b, html);
        } catch (err) {
          // The browser died under this document (killed, out of memory): once more with a new one.
          if (b.isConnected() || closed) throw err;
          return printWith(await browser(), html);
        }
      });
    },
    browserPid: async () => (current?.isConnected() ? pidOf(current) : undefined),
    async close() {
      closed = true;
      const b = current ?? (await starting?.catch(() => undefined));
      current = undefined;
      await b?.close().catch(() => undefined);
    },
  };
}
