import fs from 'node:fs';
import path from 'node:path';

/**
 * The production image (Dockerfile) leaves out dev/, test/ and bench/: no file a production process loads may
 * import them. Follows every relative import from the entry points of docker-compose.yml.
 */
const root = path.resolve(__dirname, '../..');
const ENTRIES = ['api/main.ts', 'worker/main.ts', 'scripts/migrate.ts'];
const IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function resolve(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.mjs`, `${base}.js`, path.join(base, 'index.ts')])
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  return null;
}

function closure(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = entries.map((e) => path.join(root, e));
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!/\.(ts|mjs|js)$/.test(file)) continue;
    for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(file, spec!);
      if (target) todo.push(target);
    }
  }
  return new Set([...seen].map((f) => path.relative(root, f)));
}

describe('the production image', () => {
  const loaded = closure(ENTRIES);

  it('follows the imports of every production entry point', () => {
    expect(loaded.size).toBeGreaterThan(100);
    for (const f of [
      'api/route.ts',
      'data/db.ts',
      'temporal/client.ts',
      'activities/index.ts',
      'reports/pdf.ts',
    ])
      expect(loaded).toContain(f);
  });

  it('loads nothing from dev/, test/ or bench/, which the Dockerfile removes', () => {
    expect([...loaded].filter((f) => /^(dev|test|bench)\//.test(f))).toEqual([]);
    expect(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(/rm -rf dev test bench/);
  });
});
