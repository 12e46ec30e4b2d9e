import fs from 'node:fs';
import path from 'node:path';
import { buildMeta } from '../../domain/labels';

/**
 * Every action the code writes to the audit trail has a Chinese and an English name in GET /api/v1/meta
 * (the console's audit page and timeline show them): the actions are read from the sources, so a new one
 * without a name fails here.
 */
const ROOT = path.resolve(__dirname, '..', '..');

function files(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? files(path.join(dir, e.name))
        : e.name.endsWith('.ts')
          ? [path.join(ROOT, dir, e.name)]
          : [],
    );
}

/** `action: 'X'`, `action: cond ? 'X' : 'Y'`, and the payee's `audit(tx, id, actor, 'X' …)`. */
const ACTION = /action: (?:[^,\n'?]*\? )?'([A-Z][A-Z_]+)'(?: : '([A-Z][A-Z_]+)')?/g;
const CHANGE = /'((?:[A-Z]+_)+(?:CREATED|UPDATED|LOADED|REQUESTED|CHANGED|REJECTED))'/g;

const written = new Set<string>();
for (const f of ['workflows', 'activities', 'services', 'data', 'temporal', 'api'].flatMap(files)) {
  const text = fs.readFileSync(f, 'utf8');
  for (const m of [...text.matchAll(ACTION), ...text.matchAll(CHANGE)])
    for (const code of [m[1], m[2]].filter(Boolean) as string[]) {
      written.add(code);
      // data/audit.ts's `audited` records `_CREATED` when there was nothing before.
      if (code.endsWith('_UPDATED')) written.add(code.replace(/_UPDATED$/, '_CREATED'));
    }
}

describe('the audit trail’s actions have names', () => {
  const named = new Map(buildMeta().auditActions.map((a) => [a.code, a]));

  it('finds the actions the code writes', () => {
    expect(written.size).toBeGreaterThan(40);
    for (const code of ['STAFF_CREATED', 'BANK_UPDATED', 'PAYEE_CHANGED', 'TASK_CLAIMED', 'CANCELLED'])
      expect(written).toContain(code);
  });

  it.each([...written].sort())('names %s in Chinese and English', (code) => {
    const label = named.get(code);
    expect(label).toBeDefined();
    expect(label!.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(label!.en).toMatch(/^[A-Z]/);
  });

  it('names every audited entity', () => {
    expect(buildMeta().auditEntities.map((e) => e.code)).toEqual([
      'enterprise',
      'staff',
      'bank',
      'program',
      'catalog',
      'budget',
      'calendar',
      'application',
      'riskFlag',
      'siteVisit',
    ]);
  });
});
