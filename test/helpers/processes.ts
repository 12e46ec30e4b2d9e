/**
 * Real API and worker processes for the reliability tests: spawned the way `npm run api` / `npm run worker`
 * run them (tsx as a loader, so the pid is the node process itself and SIGKILL really kills it), with their
 * output in log files, and every child killed when the test process ends, whatever happens.
 */
import type { Client as TemporalClient } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnvSchema } from '../../config';
import { waitForPort } from '../../dev/embedded/temporalServer';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** A TypeScript entry point, relative to the project root (e.g. `api/main.ts`, `worker/main.ts`). */
export type Entry = string;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface NodeProcess {
  readonly name: string;
  readonly pid: number;
  readonly startedAt: number;
  readonly logFile: string;
  readonly exited: Promise<Exit>;
  alive(): boolean;
  /** Sends a signal (SIGKILL by default) without waiting. */
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<Exit>;
  /** The last lines of the process's output (for failure messages). */
  tail(lines?: number): string;
}

/** Running children, with the signal each gets if this process exits before stopping it. */
const children = new Map<ChildProcess, NodeJS.Signals>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A failed or interrupted test must not leave workers polling a task queue or APIs holding ports.
  process.once('exit', () => {
    for (const [child, signal] of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    }
  });
}

/** The environment of a child: this process's, without any configuration variable, plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(EnvSchema.shape)) delete base[key];
  // Jest's own variables mean nothing to the system; NODE_OPTIONS could carry a debugger or a loader.
  delete base.NODE_OPTIONS;
  return { ...base, ...env };
}

/** Spawns `node --import tsx <entry>` in the project root (what `tsx <entry>` of package.json runs). */
export function spawnEntry(opts: {
  name: string;
  entry: Entry;
  /** Arguments after the entry (e.g. `--quick`). */
  args?: string[];
  env: Record<string, string>;
  logDir: string;
  /** What the child gets if the test process exits first: SIGKILL, or SIGTERM for one that must clean up. */
  onExit?: 'SIGKILL' | 'SIGTERM';
}): NodeProcess {
  installExitHook();
  fs.mkdirSync(opts.logDir, { recursive: true });
  const logFile = path.join(opts.logDir, `${opts.name}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', opts.entry, ...(opts.args ?? [])], {
    cwd: PROJECT_ROOT,
    env: childEnv(opts.env),
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not spawn ${opts.entry}`);
  children.set(child, opts.onExit ?? 'SIGKILL');
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    name: opts.name,
    pid: child.pid,
    startedAt: Date.now(),
    logFile,
    exited,
    alive,
    kill(signal = 'SIGKILL') {
      if (alive()) child.kill(signal);
    },
    async stop(graceMs = 10_000) {
      if (alive()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const exit = await exited;
        clearTimeout(timer);
        return exit;
      }
      return exited;
    },
    tail(lines = 30) {
      try {
        return fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
}

/** Resolves once the API process answers `GET /healthz`; fails if it exits first. */
export async function waitForApi(proc: NodeProcess, port: number, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  try {
    await waitForPort(port, timeoutMs, proc.exited);
  } catch (err) {
    throw new Error(`${proc.name} did not start: ${String(err)}\n${proc.tail()}`);
  }
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (!proc.alive()) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${proc.name} does not answer /healthz\n${proc.tail()}`);
}

/** The Temporal identity of a worker process (the SDK's default: pid@hostname). */
export const workerIdentity = (pid: number) => `${pid}@${os.hostname()}`;

/** Identities of the workers that polled the task queue's workflow tasks recently. */
export async function pollingWorkers(temporal: TemporalClient, taskQueue: string): Promise<Set<string>> {
  const res = await temporal.workflowService.describeTaskQueue({
    namespace: temporal.options.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
  });
  return new Set((res.pollers ?? []).map((p) => p.identity ?? ''));
}

/** Resolves once the worker process polls the task queue; fails if it exits first. */
export async function waitForWorker(
  proc: NodeProcess,
  temporal: TemporalClient,
  taskQueue: string,
  timeoutMs = 120_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const identity = workerIdentity(proc.pid);
  while (Date.now() < deadline) {
    if (!proc.alive()) throw new Error(`${proc.name} exited during start-up\n${proc.tail()}`);
    if ((await pollingWorkers(temporal, taskQueue).catch(() => new Set<string>())).has(identity))
      return Date.now() - proc.startedAt;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${proc.name} does not poll ${taskQueue} after ${timeoutMs} ms\n${proc.tail()}`);
}
