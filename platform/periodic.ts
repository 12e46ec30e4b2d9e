/**
 * A job run every `ms` (and once at once with `atStart`), never twice at a time: a run due while the last one
 * is still going is skipped. The job handles its own errors (it logs them). `stop()` ends the timer and waits
 * for the run in progress.
 */
export function periodic(
  ms: number,
  job: () => Promise<unknown>,
  opts: { atStart?: boolean } = {},
): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const run = () => {
    running ??= job().finally(() => (running = undefined));
  };
  if (opts.atStart) run();
  const timer = setInterval(run, ms);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
