import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { limiter, ReportUnavailableError } from '../../services/report/limit';
import { findChromium, htmlToPdf } from '../../services/report/pdf';

describe('finding Chromium for PDF reports', () => {
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

  it('answers "unavailable" when the browser cannot start', async () => {
    const failure = htmlToPdf('<p>x</p>', path.join(bin, 'chromium'), { timeoutMs: 10_000 });
    await expect(failure).rejects.toBeInstanceOf(ReportUnavailableError);
    await expect(failure).rejects.toMatchObject({ code: 'PDF_RENDERER_UNAVAILABLE' });
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
