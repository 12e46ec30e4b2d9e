import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';

const ROOT = path.resolve(__dirname, '..');
const WEB = path.join(ROOT, 'web');
const STAMP = path.join(WEB, 'dist', '.source-hash');

/** A hash of the console's sources and of the locked dependencies that go into its build. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === 'dist' || e.name === 'node_modules') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else hash.update(path.relative(WEB, p)).update(fs.readFileSync(p));
    }
  };
  walk(WEB);
  const lock = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(lock)) hash.update(fs.readFileSync(lock));
  return hash.digest('hex');
}

/** Builds web/dist unless it is already the build of the current sources; returns whether it built. */
export async function ensureWebBuild(
  opts: { force?: boolean; log?: (line: string) => void } = {},
): Promise<boolean> {
  if (!fs.existsSync(path.join(WEB, 'index.html'))) return false; // an install without the sources (Docker's first layer)
  const wanted = sourceHash();
  if (!opts.force && fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === wanted) return false;
  const started = Date.now();
  // Vite's own CLI in a child process: the same build whether called from tsx, jest or npm.
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  await run(process.execPath, [
    vite,
    'build',
    '--config',
    path.join(WEB, 'vite.config.ts'),
    '--logLevel',
    'warn',
  ]);
  fs.writeFileSync(STAMP, wanted);
  opts.log?.(`console built in ${((Date.now() - started) / 1000).toFixed(1)} s (web/dist)`);
  return true;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) =>
      err ? reject(new Error(`vite build failed: ${stderr || err.message}`)) : resolve(),
    );
  });
}
