import type * as TracingModule from './tracing';
import type { Tracing, TracingOptions } from './tracing';

export type { Tracing };

let active: Tracing | undefined;

/** The process's tracing, once started; undefined when it is off. */
export const activeTracing = (): Tracing | undefined => active;

/**
 * Starts tracing when an OTLP endpoint is configured (or a test gives an exporter of its own); otherwise
 * nothing of OpenTelemetry is loaded. Call it before loading the code that uses express, pg or http: the
 * instrumentations patch those modules as they load.
 */
export function startTracing(options: TracingOptions): Tracing | undefined {
  if (!options.endpoint && !options.exporter) return undefined;
  if (active) throw new Error('tracing is already started in this process');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded here only: with tracing off, never
  const { createTracing } = require('./tracing') as typeof TracingModule;
  active = createTracing(options);
  return active;
}

/** Exports the spans still buffered and takes tracing out of the process (its global registrations too). */
export async function stopTracing(): Promise<void> {
  const tracing = active;
  active = undefined;
  await tracing?.shutdown();
}
