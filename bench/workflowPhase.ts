/**
 * Workflow overhead: applications per second through the whole automated path (submission through the API,
 * precheck against the simulators, initial review and final approval claimed and decided by workflow
 * updates, the public notice published by the administrators' endpoint and passed with TIME_ACCELERATION,
 * payment through the payment simulator and its signed callback), against the baseline workflow with the same
 * activities (no-ops), updates and waits, on the same worker, in the same run.
 */
import {
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Actor } from '../domain/roles';
import { packagedCalendar } from '../data/calendar';
import { applicationWorkflowId, claimUpdate, decideUpdate } from '../workflows/application/contract';
import { prepareApplicants, submit } from './applicants';
import { cpuPer, cpuSample, type CpuSample } from './cpu';
import {
  BASELINE_WORKFLOW_TYPE,
  baselineActivityCount,
  baselineClaimUpdate,
  baselineDecideUpdate,
  type BaselineStage,
} from './baselineContract';
import { pool, progress, sleep, until } from './log';
import { TASK_QUEUE, type Stack } from './stack';

export interface Throughput {
  applications: number;
  seconds: number;
  perSecond: number;
  latencyP50Seconds: number;
  latencyMaxSeconds: number;
  errors: number;
  /** Update calls repeated because their RPC ran out of time while the workflow task queued. */
  updateTimeouts: number;
  /** CPU milliseconds per application of each component of the system under test, and in all. */
  cpuMsPerApplication: CpuSample & { total: number };
}

export interface HistoryShape {
  activities: number;
  updates: number;
  signals: number;
  timers: number;
  workflowTasks: number;
  events: number;
}

export interface WorkflowResult {
  n: number;
  timeAcceleration: number;
  noticeSeconds: number;
  baseline: Throughput[];
  real: Throughput;
  ratio: number;
  /** CPU per application of the real path divided by the baseline's (how many times the work). */
  cpuRatio: number;
  plannedBaselineActivities: number;
  shape: { real: HistoryShape; baseline: HistoryShape };
}

const REVIEWER: Actor = { subject: 'bench-reviewer', role: 'reviewer', org: 'street:中关村街道' };
const APPROVER: Actor = { subject: 'bench-approver', role: 'approver', org: 'committee' };
const DONE = ['PAID', 'TRACKING', 'CLOSED'];
const FAILED = ['REJECTED', 'WITHDRAWN', 'PAYMENT_FAILED', 'AWAITING_BUDGET'];
const SUBMIT_CONCURRENCY = 16;

/** Business durations of the bench year divided by the acceleration, in milliseconds of real time. */
function acceleratedMs(workingDays: number, acceleration: number): number {
  const now = new Date();
  return Math.round(
    (packagedCalendar().deadline(now, workingDays).at.getTime() - now.getTime()) / acceleration,
  );
}

/** The acceleration at which the programme's notice period lasts about `seconds`. */
export function accelerationFor(stack: Stack, seconds: number): number {
  return Math.ceil(acceleratedMs(stack.program.noticeWorkingDays, 1) / (seconds * 1000));
}

/** The baseline's plan: the real path's activities in the same order and grouping (see workflow.ts, money.ts). */
function baselinePlan(stack: Stack, acceleration: number): BaselineStage[] {
  const slaMs = acceleratedMs(stack.program.reviewSlaWorkingDays.initial, acceleration);
  return [
    { kind: 'activities', count: 1 }, // SUBMITTED
    { kind: 'activities', count: 2 }, // PRECHECK_STARTED, loadPrecheckContext
    { kind: 'activities', count: 2, parallel: true }, // registry and insurer look-ups
    { kind: 'activities', count: 2 }, // loadProduct, PRECHECK_DONE
    { kind: 'task', name: 'initial-review', slaMs }, // deadline, TASK_OPENED, claim, DECISION
    { kind: 'task', name: 'final-approval', slaMs },
    { kind: 'activities', count: 2 }, // reserveGrant, GRANT_RESERVED
    { kind: 'activities', count: 1 }, // PUBLISHED
    { kind: 'sleep', ms: acceleratedMs(stack.program.noticeWorkingDays, acceleration) },
    { kind: 'activities', count: 4 }, // DISBURSING, requestPayment, spendGrant, PAID
    { kind: 'activities', count: 1 }, // TRACKING
  ];
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : 0;
};

function throughput(
  n: number,
  ms: number,
  latenciesMs: number[],
  errors: number,
  cpu: [CpuSample, CpuSample],
  timeoutsBefore: number,
): Throughput {
  return {
    updateTimeouts: updateTimeouts - timeoutsBefore,
    cpuMsPerApplication: cpuPer(cpu[0], cpu[1], n),
    applications: n,
    seconds: ms / 1000,
    perSecond: n / (ms / 1000),
    latencyP50Seconds: percentile(latenciesMs, 0.5) / 1000,
    latencyMaxSeconds: Math.max(0, ...latenciesMs) / 1000,
    errors,
  };
}

async function historyShape(temporal: Client, workflowId: string): Promise<HistoryShape> {
  const events = (await temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const count = (key: string) => events.filter((e) => (e as Record<string, unknown>)[key]).length;
  return {
    activities: count('activityTaskScheduledEventAttributes'),
    updates: count('workflowExecutionUpdateAcceptedEventAttributes'),
    signals: count('workflowExecutionSignaledEventAttributes'),
    timers: count('timerStartedEventAttributes'),
    workflowTasks: count('workflowTaskCompletedEventAttributes'),
    events: events.length,
  };
}

let baselineRun = 0;
/** Update calls whose RPC ran out of time before the workflow took the update (retried with the same id). */
let updateTimeouts = 0;

/**
 * Sends an update and waits for its result. Under saturation a workflow task may wait in the queue longer
 * than the update RPC's deadline: the call is then repeated with the same update id, which the server
 * deduplicates (as the API's callers would retry after its 503).
 */
async function update<Ret, Args extends [unknown, ...unknown[]]>(
  handle: WorkflowHandle,
  def: UpdateDefinition<Ret, Args>,
  args: Args,
  updateId: string,
): Promise<Ret> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle.executeUpdate(def, { args, updateId });
    } catch (err) {
      if (!(err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) || attempt >= 30) throw err;
      updateTimeouts++;
    }
  }
}

const rate = (t: Throughput) =>
  `${t.perSecond.toFixed(2)}/s in ${t.seconds.toFixed(1)} s; CPU per application ${t.cpuMsPerApplication.total.toFixed(0)} ms ` +
  `(${(['api', 'worker', 'temporal', 'postgres'] as const).map((k) => `${k} ${(t.cpuMsPerApplication[k] ?? 0).toFixed(0)}`).join(', ')})` +
  `; ${t.errors} error(s), ${t.updateTimeouts} update call(s) repeated after an RPC timeout`;

/** Starts `n` baseline workflows and drives their two tasks; resolves when all have completed. */
async function runBaseline(stack: Stack, n: number, stages: BaselineStage[]): Promise<Throughput> {
  const run = ++baselineRun;
  const cpu = cpuSample();
  const timeouts = updateTimeouts;
  const started = Date.now();
  const latencies: number[] = [];
  let errors = 0;
  let finished = 0;
  const ticker = setInterval(() => progress(`  baseline ${run}: ${finished}/${n} done`), 5000);
  const drives: Promise<void>[] = [];
  await pool(
    Array.from({ length: n }, (_, i) => i),
    SUBMIT_CONCURRENCY,
    async (i) => {
      const t0 = Date.now();
      const handle = await stack.temporal.workflow.start(BASELINE_WORKFLOW_TYPE, {
        workflowId: `baseline-${run}-${i}`,
        taskQueue: TASK_QUEUE,
        args: [{ stages }],
      });
      drives.push(
        (async () => {
          for (const s of stages) {
            if (s.kind !== 'task') continue;
            const subject = s.name === 'initial-review' ? REVIEWER.subject : APPROVER.subject;
            const args: [{ task: string; subject: string }] = [{ task: s.name, subject }];
            await update(handle, baselineClaimUpdate, args, `claim-${s.name}`);
            await update(handle, baselineDecideUpdate, args, `decide-${s.name}`);
          }
          await handle.result();
          latencies.push(Date.now() - t0);
          finished++;
        })().catch((err: unknown) => {
          errors++;
          progress(`  baseline workflow ${i} failed: ${String(err)}`);
        }),
      );
    },
  );
  await Promise.all(drives);
  clearInterval(ticker);
  const elapsed = Date.now() - started;
  return throughput(n, elapsed, latencies, errors, [cpu, cpuSample()], timeouts);
}

/**
 * The scripted reviewers: every 200 ms they look for open initial-review and final-approval tasks of these
 * applications and claim and approve each with workflow updates (a reviewer of the street office first, then
 * an approver of the committee: four eyes). The administrators publish the approved backlog every second.
 */
function startPeople(stack: Stack, ids: () => string[]) {
  const handled = new Set<string>();
  let errors = 0;
  let stopped = false;
  const admin = stack.tokens.sign({ subject: 'bench-admin', role: 'admin' });
  const decide = async (task: { id: string; applicationId: string; queue: string; org: string | null }) => {
    const actor = task.queue === 'initial-review' ? { ...REVIEWER, org: task.org ?? undefined } : APPROVER;
    const handle = stack.temporal.workflow.getHandle(applicationWorkflowId(task.applicationId));
    try {
      await update(handle, claimUpdate, [{ taskId: task.id, actor }], `claim-${task.id}`);
      const d = { taskId: task.id, actor, decision: 'approve' as const, comment: 'bench' };
      await update(handle, decideUpdate, [d], `decide-${task.id}`);
    } catch (err) {
      errors++;
      handled.delete(task.id);
      progress(`  decision on ${task.applicationId} failed (will retry): ${String(err)}`);
    }
  };
  const reviewing = (async () => {
    while (!stopped) {
      const open = await stack.sql<{ id: string; applicationId: string; queue: string; org: string | null }>(
        `SELECT id, "applicationId", queue, org FROM "Task"
         WHERE state = 'OPEN' AND queue IN ('initial-review', 'final-approval') AND "applicationId" = ANY($1)`,
        [ids()],
      );
      for (const t of open) {
        if (handled.has(t.id)) continue;
        handled.add(t.id);
        void decide(t);
      }
      await sleep(200);
    }
  })();
  const publishing = (async () => {
    while (!stopped) {
      const [row] = await stack.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM "Application" a WHERE a.id = ANY($1) AND a.status = 'APPROVED'
         AND NOT EXISTS (SELECT 1 FROM "NoticeItem" i WHERE i."applicationId" = a.id)`,
        [ids()],
      );
      if (row!.n > 0) {
        const res = await fetch(`${stack.apiUrl}/api/v1/admin/notices/publish`, {
          method: 'POST',
          headers: { authorization: `Bearer ${await admin}` },
        });
        if (!res.ok) progress(`  publication failed: ${res.status} ${await res.text()}`);
      }
      await sleep(1000);
    }
  })();
  return {
    errors: () => errors,
    async stop() {
      stopped = true;
      await Promise.all([reviewing, publishing]);
    },
  };
}

/** Submits `n` applications and waits until every one is paid. */
async function runReal(stack: Stack, n: number): Promise<{ result: Throughput; ids: string[] }> {
  const applicants = await prepareApplicants(stack, n);
  const ids: string[] = [];
  const people = startPeople(stack, () => ids);
  const cpu = cpuSample();
  const timeouts = updateTimeouts;
  const started = Date.now();
  let submitErrors = 0;
  const submitting = pool(applicants, SUBMIT_CONCURRENCY, async (a) => {
    try {
      ids.push(await submit(stack, a));
    } catch (err) {
      submitErrors++;
      progress(`  ${String(err)}`);
    }
  });
  const byStatus = async () =>
    new Map(
      (
        await stack.sql<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM "Application" WHERE id = ANY($1) GROUP BY status`,
          [ids],
        )
      ).map((r) => [r.status, r.n]),
    );
  const sum = (m: Map<string, number>, of: string[]) => of.reduce((s, k) => s + (m.get(k) ?? 0), 0);
  await until(byStatus, (m) => sum(m, DONE) + sum(m, FAILED) + submitErrors >= n, {
    what: 'paying every application',
    timeoutMs: Math.max(300_000, n * 6_000),
    describe: (m) => `  real: ${sum(m, DONE)}/${n} paid · ${[...m].map(([s, c]) => `${s} ${c}`).join(', ')}`,
  });
  const elapsed = Date.now() - started;
  const cpuAfter = cpuSample();
  await submitting;
  await people.stop();
  const final = await byStatus();
  const failed = sum(final, FAILED) + submitErrors;
  if (failed) progress(`  real: ${failed} application(s) did not reach payment`);
  const latencies = await stack.sql<{ ms: number }>(
    `SELECT (extract(epoch FROM p.at - s.at) * 1000)::float8 AS ms
     FROM "AuditEvent" s JOIN "AuditEvent" p ON p."applicationId" = s."applicationId" AND p.action = 'PAID'
     WHERE s.action = 'SUBMITTED' AND s."applicationId" = ANY($1)`,
    [ids],
  );
  const result = throughput(
    n,
    elapsed,
    latencies.map((l) => l.ms),
    failed + people.errors(),
    [cpu, cpuAfter],
    timeouts,
  );
  return { result, ids };
}

/** Ends the applications' workflows that wait in tracking (their surveys would fire during later phases). */
async function endTracking(stack: Stack, ids: string[]): Promise<void> {
  await pool(ids, 16, async (id) => {
    await stack.temporal.workflow
      .getHandle(applicationWorkflowId(id))
      .terminate('benchmark over')
      .catch(() => undefined);
  });
}

export async function workflowPhase(
  stack: Stack,
  opts: { n: number; warmup: number; noticeSeconds: number; acceleration: number },
): Promise<WorkflowResult> {
  const stages = baselinePlan(stack, opts.acceleration);
  if (opts.warmup > 0) {
    progress(`workflow: warming up with ${opts.warmup} application(s) and baseline workflows`);
    const warm = await runReal(stack, opts.warmup);
    await runBaseline(stack, opts.warmup, stages);
    await endTracking(stack, warm.ids);
  }

  progress(`workflow: baseline, ${opts.n} workflows`);
  const before = await runBaseline(stack, opts.n, stages);
  progress(`  baseline: ${rate(before)}`);
  progress(`workflow: real path, ${opts.n} applications`);
  const real = await runReal(stack, opts.n);
  progress(`  real: ${rate(real.result)}`);
  const sample = real.ids[0]!;
  const shapeReal = await historyShape(stack.temporal, applicationWorkflowId(sample));
  await endTracking(stack, real.ids);
  progress(`workflow: baseline again, ${opts.n} workflows (the machine is shared: bracket the real run)`);
  const after = await runBaseline(stack, opts.n, stages);
  progress(`  baseline: ${rate(after)}`);
  const shapeBaseline = await historyShape(stack.temporal, `baseline-${baselineRun}-0`);
  const baselineRate = (before.perSecond + after.perSecond) / 2;
  const baselineCpu = (before.cpuMsPerApplication.total + after.cpuMsPerApplication.total) / 2;
  return {
    n: opts.n,
    timeAcceleration: opts.acceleration,
    noticeSeconds: acceleratedMs(stack.program.noticeWorkingDays, opts.acceleration) / 1000,
    baseline: [before, after],
    real: real.result,
    ratio: real.result.perSecond / baselineRate,
    cpuRatio: real.result.cpuMsPerApplication.total / baselineCpu,
    plannedBaselineActivities: baselineActivityCount(stages),
    shape: { real: shapeReal, baseline: shapeBaseline },
  };
}
