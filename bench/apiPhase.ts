/**
 * API latency with autocannon, against the API process as production runs it (`api/main.ts`, JSON access
 * log at info): a trivial endpoint of the same server (`/healthz`) is the yardstick of every other figure.
 */
import autocannon from 'autocannon';
import { policyBody, policyNumber, prepareApplicants } from './applicants';
import { cpuSample } from './cpu';
import { progress, until } from './log';
import type { Stack } from './stack';
import { insertTasks } from './synthetic';

export interface EndpointResult {
  name: string;
  method: string;
  path: string;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU of the API process per answered request, in milliseconds. */
  apiCpuMsPerRequest: number;
  /** p99 divided by the p99 of /healthz of the same run. */
  p99VsHealthz: number;
  p50VsHealthz: number;
}

export interface ApiResult {
  tasksInDatabase: number;
  visibleToCaller: number;
  connections: number;
  secondsPerEndpoint: number;
  endpoints: EndpointResult[];
}

interface Target {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  token?: string;
  body?: () => string;
}

async function load(stack: Stack, t: Target, seconds: number, connections: number) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (t.token) headers.authorization = `Bearer ${t.token}`;
  const body = t.body;
  return autocannon({
    url: stack.apiUrl,
    connections,
    duration: seconds,
    requests: [
      {
        method: t.method,
        path: t.path,
        headers,
        ...(body ? { setupRequest: (req) => ({ ...req, body: body() }) } : {}),
      },
    ],
  });
}

export async function apiPhase(
  stack: Stack,
  opts: { tasks: number; apiSeconds: number; connections: number },
): Promise<ApiResult> {
  progress(`api: inserting ${opts.tasks} tasks`);
  await insertTasks(stack, opts.tasks);
  const [{ n: tasksInDatabase }] = (await stack.sql<{ n: number }>(
    'SELECT count(*)::int AS n FROM "Task"',
  )) as [{ n: number }];
  const org = 'street:中关村街道';
  const [{ n: visible }] = (await stack.sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Task" WHERE queue = 'initial-review' AND state IN ('OPEN', 'CLAIMED')
     AND (org IS NULL OR org = $1)`,
    [org],
  )) as [{ n: number }];
  const reviewer = await stack.tokens.sign({ subject: 'bench-reviewer', role: 'reviewer', org });

  // A paid application of the workflow phase (its full timeline) when there is one, else a synthetic one.
  const [paid] = await stack.sql<{ id: string; creditCode: string }>(
    `SELECT id, "creditCode" FROM "Application" WHERE status IN ('PAID', 'TRACKING') AND id NOT LIKE 'HD-SYN-%'
     ORDER BY id LIMIT 1`,
  );
  const viewer = paid
    ? await stack.tokens.sign({ subject: 'bench-viewer', role: 'applicant', creditCode: paid.creditCode })
    : await stack.tokens.sign({ subject: 'bench-admin', role: 'admin' });
  const appId = paid?.id ?? 'HD-SYN-T0000001';
  const [applicant] = await prepareApplicants(stack, 1);
  const submission = () =>
    JSON.stringify({ creditCode: applicant!.code, track: 'INCLUSIVE', policy: policyBody(policyNumber()) });

  const targets: Target[] = [
    { name: 'healthz', method: 'GET', path: '/healthz' },
    { name: 'list tasks', method: 'GET', path: '/api/v1/tasks', token: reviewer },
    { name: 'read application', method: 'GET', path: `/api/v1/applications/${appId}`, token: viewer },
    {
      name: 'submit application',
      method: 'POST',
      path: '/api/v1/applications',
      token: applicant!.token,
      body: submission,
    },
  ];
  const endpoints: EndpointResult[] = [];
  for (const t of targets) {
    progress(
      `api: ${t.method} ${t.path} (${opts.apiSeconds} s, ${opts.connections} connections, after a warm-up)`,
    );
    await load(stack, t, opts.apiSeconds > 5 ? 2 : 0.5, opts.connections);
    const cpu = cpuSample().api ?? 0;
    const r = await load(stack, t, opts.apiSeconds, opts.connections);
    const apiCpuMs = (cpuSample().api ?? 0) - cpu;
    const healthz = endpoints[0];
    endpoints.push({
      name: t.name,
      method: t.method,
      path: t.path.replace(appId, '{id}'),
      requests: r.requests.total,
      perSecond: r.requests.average,
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      maxMs: r.latency.max,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      apiCpuMsPerRequest: apiCpuMs / Math.max(1, r.requests.total),
      p99VsHealthz: healthz ? r.latency.p99 / Math.max(healthz.p99Ms, 1) : 1,
      p50VsHealthz: healthz ? r.latency.p50 / Math.max(healthz.p50Ms, 1) : 1,
    });
    const e = endpoints.at(-1)!;
    progress(
      `  p50 ${e.p50Ms} ms · p99 ${e.p99Ms} ms · ${e.perSecond.toFixed(0)} req/s · non-2xx ${e.non2xx} · ` +
        `API CPU ${e.apiCpuMsPerRequest.toFixed(1)} ms/request`,
    );
  }
  // The submissions' workflows run on: let the worker finish them before the next phase measures anything.
  await until(
    async () =>
      (
        await stack.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM "Application" WHERE status IN ('SUBMITTED', 'PRECHECK')`,
        )
      )[0]!.n,
    (n) => n === 0,
    {
      what: 'prechecking the submissions of the load test',
      timeoutMs: 1_800_000,
      describe: (n) => `api: the worker prechecks the submitted applications, ${n} to go`,
    },
  );
  return {
    tasksInDatabase,
    visibleToCaller: visible,
    connections: opts.connections,
    secondsPerEndpoint: opts.apiSeconds,
    endpoints,
  };
}
