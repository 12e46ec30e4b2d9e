import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type * as Playwright from 'playwright-core';
import type { Browser } from 'playwright-core';
import { extract } from 'tar-fs';

/**
 * Which Chromium the system drives (the PDF report, the browser tests, screenshots), and how it is started.
 * In order: `CHROMIUM_PATH` when it is set (a path, or a command looked up on PATH; if it names nothing,
 * there is no Chromium: a wrong setting is reported, not replaced); else a system `chromium` on PATH; else
 * the headless Chromium of the npm package `@sparticuz/chromium`, which brings the few libraries it needs
 * (NSS, expat) and so runs on a bare Debian or Node image.
 */

export type ChromiumSource = 'configured' | 'system' | 'bundled';

export interface ChromiumChoice {
  executablePath: string;
  source: ChromiumSource;
  /** Directory of the libraries the bundled Chromium brings (put first on its LD_LIBRARY_PATH). */
  libraryDir?: string;
  /** Directory of the bundled Chromium's last-resort font, added to the machine's font configuration. */
  fontDir?: string;
}

/** Commands of a system Chromium (Debian's `chromium`, Ubuntu's older `chromium-browser`). */
export const SYSTEM_CHROMIUM_COMMANDS = ['chromium', 'chromium-browser'];

const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/**
 * The Chromium executable: `configured` as a path, or a command name looked up in the directories of
 * `searchPath` (PATH) like a shell does. Null when there is none.
 */
export function findChromium(configured: string, searchPath: string | undefined): string | null {
  if (configured.includes('/')) return isExecutable(configured) ? configured : null;
  for (const dir of (searchPath ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, configured);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

/** The package's root (its exports list no package.json): its entry point is build/cjs/index.cjs. */
const BUNDLE_DIR = path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '..', '..');
const BUNDLE_VERSION = (
  JSON.parse(fs.readFileSync(path.join(BUNDLE_DIR, 'package.json'), 'utf8')) as { version: string }
).version;

/**
 * Unpacks the package's Brotli-compressed Chromium and its libraries into a directory of this version
 * (the package's own `executablePath()` writes `/tmp/chromium` in place, whatever its version, and another
 * process may find it half written). Each process unpacks into a private directory and renames it into
 * place: the first one there wins, the others use it.
 */
type Bundled = Required<Omit<ChromiumChoice, 'source'>>;

const untar = (archive: string, dir: string) =>
  pipeline(fs.createReadStream(archive), zlib.createBrotliDecompress(), extract(dir));

async function unpackBundled(cacheDir: string): Promise<Bundled> {
  const dir = path.join(cacheDir, `haidian-chromium-${BUNDLE_VERSION}`);
  const found = () => ({
    executablePath: path.join(dir, 'chromium'),
    libraryDir: path.join(dir, 'lib'),
    fontDir: path.join(dir, 'fonts'),
  });
  if (isExecutable(found().executablePath)) return found();
  const staging = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.mkdirSync(staging, { recursive: true });
  try {
    const bin = path.join(BUNDLE_DIR, 'bin');
    await Promise.all([
      pipeline(
        fs.createReadStream(path.join(bin, 'chromium.br')),
        zlib.createBrotliDecompress(),
        fs.createWriteStream(path.join(staging, 'chromium'), { mode: 0o755 }),
      ),
      // lib/: libnss3, libnspr4, libexpat ... built for Amazon Linux 2023 (glibc 2.34), fine on Debian 12.
      untar(path.join(bin, 'al2023.tar.br'), staging),
      // fonts/: Open Sans, the last-resort font of a machine without any (Chromium draws nothing without one).
      untar(path.join(bin, 'fonts.tar.br'), staging),
    ]);
    try {
      fs.renameSync(staging, dir);
    } catch (err) {
      // Another process put its copy in place first.
      if (!isExecutable(found().executablePath)) throw err;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return found();
}

let unpacking: Promise<Bundled> | undefined;

/** The bundled Chromium, unpacked once per machine (under the temporary directory) and per process. */
export function bundledChromium(cacheDir = os.tmpdir()): Promise<Bundled> {
  unpacking ??= unpackBundled(cacheDir).catch((err: unknown) => {
    unpacking = undefined;
    throw err;
  });
  return unpacking;
}

/** Chooses the Chromium (see above); null when CHROMIUM_PATH is set and names nothing. */
export async function chooseChromium(opts: {
  configured?: string;
  searchPath: string | undefined;
}): Promise<ChromiumChoice | null> {
  if (opts.configured) {
    const executablePath = findChromium(opts.configured, opts.searchPath);
    return executablePath ? { executablePath, source: 'configured' } : null;
  }
  for (const command of SYSTEM_CHROMIUM_COMMANDS) {
    const executablePath = findChromium(command, opts.searchPath);
    if (executablePath) return { executablePath, source: 'system' };
  }
  return { ...(await bundledChromium()), source: 'bundled' };
}

/**
 * The command line: headless, without the sandbox when running as root (Chromium refuses it there; the
 * pages are the system's own), and without anything that would reach the network by itself (updates,
 * sync, metrics, QUIC probes): the machines that run this may have no way out.
 */
export function chromiumArgs(): string[] {
  return [
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    '--disable-dev-shm-usage', // /dev/shm is small in containers
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ];
}

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A font configuration of the machine's own (FONTCONFIG_FILE, or fontconfig's default file) plus the
 * bundled fonts, written next to them once per distinct content. Pages bring their own fonts (Noto Sans SC
 * through @font-face); this only gives Chromium the last-resort font it cannot do without.
 */
export function bundledFontConfig(fontDir: string, machineConfig: string | undefined): string {
  const machine = path.resolve(machineConfig || '/etc/fonts/fonts.conf');
  const xml = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    `  <include ignore_missing="yes">${xmlText(machine)}</include>`,
    `  <dir>${xmlText(fontDir)}</dir>`,
    `  <cachedir>${xmlText(path.join(fontDir, '.cache'))}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
  const name = `fonts-${createHash('sha256').update(xml).digest('hex').slice(0, 12)}.conf`;
  const write = (file: string) => {
    if (fs.existsSync(file)) return file;
    const staging = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(staging, xml);
    fs.renameSync(staging, file);
    return file;
  };
  try {
    return write(path.join(path.dirname(fontDir), name));
  } catch {
    // Unpacked by another user: a file of this user's own.
    return write(path.join(os.tmpdir(), `haidian-chromium-${process.getuid?.() ?? 'user'}-${name}`));
  }
}

/** Starts the chosen Chromium headless with playwright-core. */
export function launchChromium(choice: ChromiumChoice, opts: { timeoutMs?: number } = {}): Promise<Browser> {
  const env = { ...process.env };
  if (choice.libraryDir)
    env.LD_LIBRARY_PATH = [choice.libraryDir, env.LD_LIBRARY_PATH].filter(Boolean).join(path.delimiter);
  if (choice.fontDir) env.FONTCONFIG_FILE = bundledFontConfig(choice.fontDir, env.FONTCONFIG_FILE);
  // Loaded at the first launch: most processes (an API serving no PDF, a worker) never need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof Playwright;
  const launch = (args: string[]) =>
    chromium.launch({
      executablePath: choice.executablePath,
      headless: true,
      timeout: opts.timeoutMs ?? 60_000,
      args,
      env,
    });
  const args = chromiumArgs();
  if (args.includes('--no-sandbox')) return launch(args);
  // Not root, but where the sandbox cannot be set up (a container that forbids user namespaces, as
  // Docker's default seccomp profile does): without it, as for root. The pages are the system's own.
  return launch(args).catch((err: unknown) => {
    if (!/sandbox/i.test(String(err))) throw err;
    return launch([...args, '--no-sandbox']);
  });
}
