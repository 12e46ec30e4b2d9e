import fs from 'node:fs';
import type { EmbeddedPg } from '../../dev/embedded/postgres';
import type { TemporalDevServer } from '../../dev/embedded/temporalServer';

export default async function globalTeardown(): Promise<void> {
  const services = (globalThis as Record<string, unknown>).__testServices as
    { pg: EmbeddedPg; temporal: TemporalDevServer; dir: string } | undefined;
  if (!services) return;
  await Promise.allSettled([services.temporal.stop(), services.pg.stop()]);
  if (!process.env.KEEP_TEST_DATA) fs.rmSync(services.dir, { recursive: true, force: true });
}
