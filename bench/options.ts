import type { WorkerTuning } from './workerProtocol';

export const PHASES = ['workflow', 'api', 'memory', 'window', 'database', 'search'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchOptions {
  quick: boolean;
  phases: Phase[];
  /** Applications through the full path (and baseline workflows), after `warmup` of each. */
  n: number;
  warmup: number;
  /** How long the public notice lasts, in seconds of real time (sets TIME_ACCELERATION). */
  noticeSeconds: number;
  /** Tasks in the database for GET /tasks. */
  tasks: number;
  /** Seconds of load per endpoint, and the concurrent connections. */
  apiSeconds: number;
  connections: number;
  /** Applications waiting in review for the memory measurement, and the small cache it also tries. */
  open: number;
  smallCache: number;
  /** Submissions of the application window (timed through their prechecks, with one worker and with two). */
  window: number;
  /** Synthetic applications for the evaluation endpoint. */
  evaluationRows: number;
  /** Worker options for every phase (the memory phase also runs its own two). */
  tuning: WorkerTuning;
}

const USAGE = `npm run bench -- [--quick] [--n=500] [--only=workflow,api,memory,database,search]
  [--warmup=10] [--notice-seconds=5] [--tasks=10000] [--api-seconds=15] [--connections=10]
  [--open=2000] [--small-cache=200] [--window=10000] [--evaluation-rows=100000]
  [--tuning=maxCachedWorkflows=500,maxConcurrentWorkflowTaskExecutions=40,maxConcurrentActivityTaskExecutions=100,reuseV8Context=true]`;

function parseTuning(spec: string): WorkerTuning {
  const tuning: WorkerTuning = {};
  for (const pair of spec.split(',').filter(Boolean)) {
    const [key, value] = pair.split('=');
    if (key === 'reuseV8Context') tuning.reuseV8Context = value === 'true';
    else if (
      key === 'maxCachedWorkflows' ||
      key === 'maxConcurrentWorkflowTaskExecutions' ||
      key === 'maxConcurrentActivityTaskExecutions'
    )
      tuning[key] = positive(key, value);
    else throw new Error(`unknown worker option ${key}\n${USAGE}`);
  }
  return tuning;
}

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number\n${USAGE}`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    flags.set(m[1]!, m[2] ?? 'true');
  }
  if (flags.has('help')) throw new Error(USAGE);
  const quick = flags.get('quick') === 'true';
  const defaults = quick
    ? {
        n: 5,
        warmup: 0,
        notice: 1,
        tasks: 500,
        apiSeconds: 2,
        open: 20,
        smallCache: 10,
        window: 10,
        rows: 5_000,
      }
    : {
        n: 500,
        warmup: 10,
        notice: 5,
        tasks: 10_000,
        apiSeconds: 15,
        open: 2_000,
        smallCache: 200,
        window: 10_000,
        rows: 100_000,
      };
  const num = (name: string, fallback: number) =>
    flags.has(name) ? positive(name, flags.get(name)) : fallback;
  const only = flags.get('only')?.split(',') ?? [...PHASES];
  for (const p of only)
    if (!(PHASES as readonly string[]).includes(p)) throw new Error(`unknown phase ${p}\n${USAGE}`);
  const known = ['quick', 'only', 'n', 'warmup', 'notice-seconds', 'tasks', 'api-seconds', 'connections'];
  known.push('open', 'small-cache', 'window', 'evaluation-rows', 'tuning');
  for (const k of flags.keys()) if (!known.includes(k)) throw new Error(`unknown option --${k}\n${USAGE}`);
  return {
    quick,
    phases: PHASES.filter((p) => only.includes(p)),
    n: Math.max(1, num('n', defaults.n)),
    warmup: num('warmup', defaults.warmup),
    noticeSeconds: Math.max(1, num('notice-seconds', defaults.notice)),
    tasks: num('tasks', defaults.tasks),
    apiSeconds: Math.max(1, num('api-seconds', defaults.apiSeconds)),
    connections: Math.max(1, num('connections', 10)),
    open: Math.max(1, num('open', defaults.open)),
    smallCache: Math.max(2, num('small-cache', defaults.smallCache)),
    window: Math.max(1, num('window', defaults.window)),
    evaluationRows: num('evaluation-rows', defaults.rows),
    tuning: parseTuning(flags.get('tuning') ?? ''),
  };
}
