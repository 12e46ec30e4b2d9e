/**
 * The benchmark's smoke run, `npm run bench -- --quick`, as a user starts it: a system of its own (embedded
 * PostgreSQL, Temporal dev server, API and worker processes) with tiny sizes. Its figures mean little on a
 * machine shared with the other tests; what this checks is that every phase runs and reports its figures,
 * so that the benchmark never rots between real runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BenchResults } from '../../bench/report';
import { PHASES } from '../../bench/options';
import { spawnEntry } from '../helpers/processes';

const need = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through jest`);
  return v;
};

it('runs every phase of `npm run bench -- --quick` and reports each figure with its target', async () => {
  const dir = fs.mkdtempSync(path.join(need('TEST_TMP_DIR'), 'bench-'));
  const bench = spawnEntry({
    name: 'bench',
    entry: 'bench/run.ts',
    args: ['--quick'],
    env: { BENCH_RESULTS_DIR: dir },
    logDir: dir,
    onExit: 'SIGTERM', // it stops its own PostgreSQL and Temporal server
  });
  const exit = await bench.exited;
  const results = JSON.parse(fs.readFileSync(path.join(dir, 'latest.json'), 'utf8')) as BenchResults;
  // The bench's last lines ride along, so that a failure says why (its log directory goes with the run).
  const output = exit.code === 0 ? '' : bench.tail(40);
  expect([exit, results.errors, output]).toEqual([{ code: 0, signal: null }, {}, '']);
  expect(results.finishedAt).toEqual(expect.any(String));
  for (const phase of PHASES) {
    expect([phase, results[phase]]).toEqual([phase, expect.any(Object)]);
    expect([phase, results.phaseSeconds[phase]]).toEqual([phase, expect.any(Number)]);
  }
  expect(results.targets?.length).toBeGreaterThan(0);
  for (const t of results.targets!) expect(t.value).not.toMatch(/NaN|undefined/);
  expect(fs.readFileSync(path.join(dir, 'latest.md'), 'utf8')).toContain('|');
}, 600_000);
