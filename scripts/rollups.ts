/**
 * `npm run db:rollups [-- --rebuild]`: reconciles the evaluation's rollups with the rows of DATABASE_URL and
 * prints the drift (the worker does the same every EVALUATION_RECONCILE_SECONDS); with `--rebuild`, first
 * recomputes them from the rows (docs/RUNBOOK.md "Evaluation rollups drift").
 */
import { loadProcessConfig } from '../config/devSecrets';
import { createDb } from '../data/db';
import { reconcileEvaluationRollups } from '../data/evaluationReconcile';
import { rebuildEvaluationRollups } from '../data/evaluationRollupTables';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--rebuild');
if (unknown.length) {
  console.error(`unknown argument ${unknown.join(' ')}; usage: npm run db:rollups [-- --rebuild]`);
  process.exit(2);
}
const db = createDb(loadProcessConfig(process.env).database.url, { maxConnections: 2 });

async function main(): Promise<void> {
  if (args.includes('--rebuild')) {
    const t0 = Date.now();
    await rebuildEvaluationRollups(db);
    console.log(`evaluation rollups rebuilt from the rows in ${Date.now() - t0} ms`);
  }
  const r = await reconcileEvaluationRollups(db);
  console.log(`reconciled in ${r.durationMs} ms: ${r.driftCells} cell(s) differ from the rows`);
  for (const d of r.drift)
    console.log(`  ${d.kind} ${d.key}: rollup ${JSON.stringify(d.rollup)}, rows ${JSON.stringify(d.rows)}`);
  if (r.driftCells > 0) process.exitCode = 1;
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(() => void db.$disconnect());
