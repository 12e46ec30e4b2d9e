import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stopChild, waitForPort } from './temporalServer';

/** Runs MailDev (SMTP capture with a web inbox) as a child process; mails persist under `mailDir`. */
export async function startMailDev(opts: {
  smtpPort: number;
  webPort: number;
  mailDir: string;
  logFile?: string;
}) {
  // MailDev is an ES module without a CommonJS entry, so locate its CLI script directly.
  const bin = path.resolve(__dirname, '..', '..', 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js');
  fs.mkdirSync(opts.mailDir, { recursive: true });
  const out = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
  const child = spawn(
    process.execPath,
    [
      bin,
      '--smtp',
      String(opts.smtpPort),
      '--web',
      String(opts.webPort),
      '--ip',
      '127.0.0.1',
      '--web-ip',
      '127.0.0.1',
      '--mail-directory',
      opts.mailDir,
      '--silent',
    ],
    { stdio: ['ignore', out, out] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await waitForPort(opts.smtpPort, 30_000, exited);
  await waitForPort(opts.webPort, 30_000, exited);
  return { inboxUrl: `http://127.0.0.1:${opts.webPort}`, stop: () => stopChild(child, exited) };
}
