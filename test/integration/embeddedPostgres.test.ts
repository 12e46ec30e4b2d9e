import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { packagedNative, startEmbeddedPostgres } from '../../dev/embedded/postgres';
import { freePort } from '../../dev/embedded/temporalServer';

/**
 * A newcomer's first start in a checkout that the postgres user cannot enter (as root, PostgreSQL runs as that
 * user): a home directory of mode 700, a fresh `mktemp -d`. It works: binaries and data go where it can reach.
 */
const asRoot = process.getuid?.() === 0;
let home: string;

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-700-'));
  fs.chmodSync(home, 0o700);
  // The package as a checkout's node_modules holds it: binaries under native/, its version beside them.
  const pkg = path.dirname(packagedNative());
  execFileSync('cp', ['-a', pkg, path.join(home, 'server')]);
});
afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

async function query(url: string, sql: string) {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

it('starts, keeps its data across a restart, and says where the data went when the postgres user cannot enter the checkout', async () => {
  const dataDir = path.join(home, '.data', 'pg');
  const logs: string[] = [];
  const password = randomBytes(8).toString('hex');
  const start = async () =>
    startEmbeddedPostgres({
      dir: dataDir,
      port: await freePort(),
      password,
      nativeDir: path.join(home, 'server', 'native'),
      onLog: (l) => logs.push(l),
    });
  let pg = await start();
  try {
    await query(pg.url('postgres'), 'CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
  } finally {
    await pg.stop();
  }
  if (asRoot) {
    // The data lives where the postgres user can reach it, linked from where it was asked to be.
    expect(fs.lstatSync(dataDir).isSymbolicLink()).toBe(true);
    const target = fs.realpathSync(dataDir);
    expect(target.startsWith(path.join(os.tmpdir(), 'haidian-postgres-data-'))).toBe(true);
    expect(logs.join('\n')).toContain(`cannot enter ${path.dirname(dataDir)}`);
  } else {
    expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
  }
  pg = await start(); // the same data again
  try {
    expect(await query(pg.url('postgres'), 'SELECT v FROM kept')).toEqual([{ v: 42 }]);
  } finally {
    await pg.stop();
  }
  const target = fs.realpathSync(dataDir);
  expect(fs.existsSync(path.join(target, 'PG_VERSION'))).toBe(true);
  fs.rmSync(target, { recursive: true, force: true });
}, 120_000);
