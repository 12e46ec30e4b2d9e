/**
 * CPU time of the system under test, by component, from /proc (Linux): the bench's own child processes, i.e.
 * the API, the worker, the Temporal dev server and PostgreSQL with its backends. On a shared machine the
 * wall clock depends on the neighbours; the CPU spent per application much less so.
 */
import fs from 'node:fs';

export type Component = 'api' | 'worker' | 'temporal' | 'postgres';
export type CpuSample = Partial<Record<Component, number>>;

const TICK_MS = 10; // USER_HZ is 100 on Linux

interface Proc {
  pid: number;
  ppid: number;
  /** Own CPU and that of its children already waited for (PostgreSQL backends that ended). */
  cpuMs: number;
  cmdline: string;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((s, i) => s + Number(f[i]), 0); // utime stime cutime cstime
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { pid, ppid: Number(f[1]), cpuMs: ticks * TICK_MS, cmdline };
  } catch {
    return undefined; // gone meanwhile
  }
}

function classify(cmdline: string): Component | undefined {
  if (cmdline.includes('bench/worker.ts')) return 'worker';
  if (cmdline.includes('api/main.ts')) return 'api';
  if (cmdline.includes('start-dev')) return 'temporal';
  if (cmdline.includes('postgres')) return 'postgres';
  return undefined;
}

/** CPU milliseconds used so far by each component (the processes this bench started, and theirs). */
export function cpuSample(): CpuSample {
  if (!fs.existsSync('/proc/self/stat')) return {};
  const procs = fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is Proc => p !== undefined);
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const total = (p: Proc): number => p.cpuMs + (children.get(p.pid) ?? []).reduce((s, c) => s + total(c), 0);
  const sample: CpuSample = {};
  for (const child of children.get(process.pid) ?? []) {
    const component = classify(child.cmdline);
    if (component) sample[component] = (sample[component] ?? 0) + total(child);
  }
  return sample;
}

/** CPU milliseconds per unit of work between two samples, by component and in all. */
export function cpuPer(before: CpuSample, after: CpuSample, units: number): CpuSample & { total: number } {
  const out: CpuSample & { total: number } = { total: 0 };
  for (const k of ['api', 'worker', 'temporal', 'postgres'] as const) {
    const used = (after[k] ?? 0) - (before[k] ?? 0);
    out[k] = used / units;
    out.total += used / units;
  }
  return out;
}
