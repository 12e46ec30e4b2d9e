import type { Express } from 'express';
import { calendarReadiness } from '../../data/calendarStore';
import { observeDatabase } from '../../platform/metrics';
import type { ApiDeps } from '../deps';

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/healthz`: the process is up. `/readyz`: the database and Temporal answer (with warnings that do not make it
 * unready: a missing working-day calendar). `/metrics` is not on this port: the API process serves it on its
 * internal metrics listener (platform/metricsServer.ts), with the business figures of this database.
 */
export function mountHealth(app: Express, deps: ApiDeps): void {
  observeDatabase(deps.db, deps.logger);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const check = async (fn: () => Promise<unknown>) => {
      try {
        await withTimeout(fn(), 3000);
        return { ok: true as const };
      } catch (err) {
        return { ok: false as const, error: err instanceof Error ? err.message : String(err) };
      }
    };
    const [database, temporal, calendar] = await Promise.all([
      check(() => deps.db.$queryRaw`SELECT 1`),
      check(() =>
        deps.temporal.workflowService.describeNamespace({ namespace: deps.config.temporal.namespace }),
      ),
      // Details only: a year without an official calendar is a warning, never unreadiness.
      withTimeout(calendarReadiness(deps.db), 3000).catch(() => null),
    ]);
    const ready = database.ok && temporal.ok;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      checks: { database, temporal },
      warnings: calendar?.warning ? [calendar.warning] : [],
      details: { calendar },
    });
  });
}
