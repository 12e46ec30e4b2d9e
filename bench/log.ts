const started = Date.now();

/** One progress line on stderr, with the time since the bench started (stdout carries the results table). */
export function progress(message: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${s}s] ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `read` until `done` holds, printing `describe` every `everyMs`; throws after `timeoutMs`. */
export async function until<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
  opts: { timeoutMs: number; everyMs?: number; pollMs?: number; describe?: (v: T) => string; what: string },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastPrint = Date.now();
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${opts.what}: not done after ${opts.timeoutMs} ms`);
    if (opts.describe && Date.now() - lastPrint >= (opts.everyMs ?? 5000)) {
      progress(opts.describe(v));
      lastPrint = Date.now();
    }
    await sleep(opts.pollMs ?? 250);
  }
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}
