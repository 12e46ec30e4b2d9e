import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chooseChromium, chromiumArgs, findChromium } from '../../reports/chromium';
import { limiter, ReportUnavailableError } from '../../reports/limit';
import { createPdfPrinter } from '../../reports/pdf';
import { pathWithoutChromium } from '../helpers/hermetic';

describe('finding Chromium for PDF reports and the browser tests', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'chromium'), '#!/bin/sh\n', { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'not-executable'), '', { mode: 0o644 });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes a configured path as it is, when it is an executable file', () => {
    expect(findChromium(path.join(bin, 'chromium'), '')).toBe(path.join(bin, 'chromium'));
    expect(findChromium(path.join(bin, 'missing'), bin)).toBeNull();
    expect(findChromium(path.join(bin, 'not-executable'), bin)).toBeNull();
    expect(findChromium(bin, '')).toBeNull(); // a directory
  });

  it('looks a command name up on the search path, in order', () => {
    expect(findChromium('chromium', ['/nonexistent', bin].join(path.delimiter))).toBe(
      path.join(bin, 'chromium'),
    );
    expect(findChromium('chromium', '')).toBeNull();
    expect(findChromium('not-executable', bin)).toBeNull();
  });

  it('takes CHROMIUM_PATH when set, and then nothing else: a wrong setting is not replaced', async () => {
    const other = path.join(dir, 'other');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'my-chrome'), '#!/bin/sh\n', { mode: 0o755 });
    expect(await chooseChromium({ configured: 'my-chrome', searchPath: other })).toEqual({
      executablePath: path.join(other, 'my-chrome'),
      source: 'configured',
    });
    expect(await chooseChromium({ configured: path.join(bin, 'missing'), searchPath: bin })).toBeNull();
  });

  it('takes a system chromium on PATH, and else the one from npm', async () => {
    expect(await chooseChromium({ searchPath: ['/nonexistent', bin].join(path.delimiter) })).toEqual({
      executablePath: path.join(bin, 'chromium'),
      source: 'system',
    });
    const bundled = await chooseChromium({ searchPath: '/nonexistent' });
    expect(bundled).toMatchObject({ source: 'bundled' });
    expect(fs.statSync(bundled!.executablePath).size).toBeGreaterThan(100_000_000);
    expect(fs.existsSync(path.join(bundled!.libraryDir!, 'libnss3.so'))).toBe(true);
    expect(fs.readdirSync(path.join(bundled!.fontDir!), { recursive: true })).toContain(
      path.join('Open_Sans', 'OpenSans-Regular.ttf'),
    );
  });

  it('starts Chromium without anything that reaches the network by itself', () => {
    const args = chromiumArgs();
    for (const flag of [
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ])
      expect(args).toContain(flag);
    expect(args.includes('--no-sandbox')).toBe(process.getuid?.() === 0);
  });

  it('takes a system Chromium off a search path, keeping every other command of its directory', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'path-'));
    fs.writeFileSync(path.join(bin, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    const stripped = pathWithoutChromium(['/nonexistent', bin].join(path.delimiter), work);
    expect(findChromium('chromium', stripped)).toBeNull();
    expect(fs.realpathSync(findChromium('tool', stripped)!)).toBe(fs.realpathSync(path.join(bin, 'tool')));
    expect(stripped.split(path.delimiter)[0]).toBe('/nonexistent');
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('answers "unavailable" when the browser cannot start or there is none, before making the page', async () => {
    let pages = 0;
    const page = async () => {
      pages++;
      return '<p>x</p>';
    };
    const common = { searchPath: '', concurrency: 1, maxWaiting: 0, timeoutMs: 10_000 };
    for (const chromium of [path.join(bin, 'chromium'), path.join(bin, 'missing')]) {
      const printer = createPdfPrinter({ ...common, chromium });
      const failure = printer.print(page);
      await expect(failure).rejects.toBeInstanceOf(ReportUnavailableError);
      await expect(failure).rejects.toMatchObject({ code: 'PDF_RENDERER_UNAVAILABLE' });
      await printer.close();
    }
    expect(pages).toBe(0);
  });
});

describe('the limit on reports made at once', () => {
  it('runs two at once, queues the next ones in order and refuses beyond the queue', async () => {
    const run = limiter(2, 1);
    const started: number[] = [];
    const release: (() => void)[] = [];
    const job = (n: number) =>
      run(
        () =>
          new Promise<number>((resolve) => {
            started.push(n);
            release[n] = () => resolve(n);
          }),
      );
    const first = job(0);
    const second = job(1);
    const third = job(2);
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    await expect(job(3)).rejects.toMatchObject({ code: 'REPORT_BUSY' });
    release[0]!();
    expect(await first).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    release[1]!();
    release[2]!();
    expect(await Promise.all([second, third])).toEqual([1, 2]);
    // Everything finished: two run at once again.
    const again = [job(4), job(5)];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2, 4, 5]);
    release[4]!();
    release[5]!();
    expect(await Promise.all(again)).toEqual([4, 5]);
  });

  it('frees its place when a job fails', async () => {
    const run = limiter(1, 0);
    await expect(run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await run(() => Promise.resolve('ok'))).toBe('ok');
  });
});
