/**
 * The budget queue as a model-based test: random sequences of final approvals (up to 200 at once), budget
 * and sub-budget changes, payments and every kind of release, run against the real PostgreSQL and the real
 * activities. Each application's funding loop is the workflow's (fund() in workflows/application/funding.ts),
 * step for step, driven here without Temporal: the activities' signals reach it through a Temporal client that delivers
 * them after a random delay, so that wake-ups overtake one another as they do in production.
 */
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { createMoneyActivities } from '../../activities/money';
import { createRecordActivities, type StepRecord } from '../../activities/records';
import { defaultProgram } from '../../domain/program';
import { SYSTEM_ACTOR } from '../../domain/roles';
import type { Track } from '../../domain/status';
import { changeBudget } from '../../temporal/budgetWaiters';
import { createDb, type Db } from '../../data/db';
import { applicationWorkflowId } from '../../workflows/application/contract';
import { creditCode } from '../helpers/fixtures';
import { createTestDatabase } from '../helpers/stack';

const FINANCE = { subject: 'finance-test', role: 'finance' } as const;

const TRACKS: Track[] = ['INCLUSIVE', 'SRDI', 'FRONTIER'];
const CAP_FEN = 9_000;

type SimState = 'funding' | 'waiting' | 'granted' | 'rejected' | 'ended' | 'paid';

/** One application's process, as far as the budget is concerned. */
interface Sim {
  id: string;
  code: string;
  track: Track;
  computedFen: number;
  state: SimState;
  /** Signals received (the workflow's `budgetChanges`). */
  changes: number;
  wake: () => void;
  /** The workflow knows its grant is reserved (its compensation is registered). */
  reserved: boolean;
  /** Withdrawn or cancelled: the main scope is cancelled, results of running activities are ignored. */
  ending: boolean;
  seq: number;
  /** The step being recorded. */
  stepping: Promise<void>;
  task: string | null;
  /** Resolved once the process took its first funding step (granted, rejected or waiting). */
  settled: Promise<void>;
  markSettled: () => void;
}

interface World {
  db: Db;
  year: number;
  sims: Map<string, Sim>;
  enterprises: string[];
  /** Signals and funding loops in flight: the system is quiet when none is. */
  inFlight: number;
  onQuiet: (() => void)[];
  acts: ReturnType<typeof createMoneyActivities> & ReturnType<typeof createRecordActivities>;
  temporal: Client;
  errors: unknown[];
}

describe('the budget queue (model-based, real PostgreSQL and activities)', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Db;
  let nextYear = 2040;
  const stats = { runs: 0, commands: 0, maxConcurrent: 0, waited: 0, grantedFromQueue: 0, retried: 0 };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb(database.url, { maxConnections: 10 });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
    console.log(`budget queue model: ${JSON.stringify(stats)}`);
  });

  /** Every application of every run, by workflow id: like Temporal, one namespace for all of them. */
  const registry = new Map<string, { sim: Sim; world: World }>();
  // Signals arrive after a random delay, in any order, as from the client a real worker gives the activities.
  const temporal = {
    workflow: {
      getHandle: (workflowId: string) => ({
        signal: async () => {
          const found = registry.get(workflowId);
          if (!found || ['granted', 'rejected', 'ended', 'paid'].includes(found.sim.state)) return;
          const { sim, world } = found;
          busy(world, +1);
          setTimeout(
            () => {
              sim.changes++;
              sim.wake();
              busy(world, -1);
            },
            Math.floor(Math.random() * 8),
          );
        },
      }),
    },
  } as unknown as Client;

  function newWorld(): World {
    const world = {
      db,
      year: nextYear++,
      sims: new Map(),
      enterprises: [],
      inFlight: 0,
      onQuiet: [],
      errors: [],
    } as unknown as World;
    world.temporal = temporal;
    // Wired as createActivities() wires them; run as the worker runs them: at most 20 at once, on a pool of
    // 10 connections (worker/run.ts), retried when they fail.
    const money = createMoneyActivities({
      db,
      temporal: world.temporal,
      payments: null as never,
      publicBaseUrl: 'http://test',
      linkSecret: 'x'.repeat(32),
      dataKey: 'k'.repeat(64),
    });
    world.acts = asWorker(
      20,
      {
        ...money,
        ...createRecordActivities({
          db,
          publicBaseUrl: 'http://test',
          linkSecret: 'x'.repeat(32),
          onEnded: (id) => money.releaseGrant(id),
        }),
      },
      () => stats.retried++,
    );
    return world;
  }

  /** A step is never cancelled halfway (ApplicationProcess.step): an ending waits for the one in flight. */
  const step = (w: World, sim: Sim, s: Omit<StepRecord, 'key' | 'applicationId' | 'at' | 'actor'>) => {
    const done = sim.stepping.then(() =>
      w.acts.record({
        ...s,
        key: `${sim.id}:${++sim.seq}`,
        applicationId: sim.id,
        at: new Date().toISOString(),
        actor: SYSTEM_ACTOR,
      }),
    );
    sim.stepping = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  };

  /** The workflow's funding step (fund() in workflows/application/funding.ts), step for step. */
  async function fund(w: World, sim: Sim): Promise<void> {
    let waiting = false;
    for (;;) {
      const seen = sim.changes;
      const outcome = await w.acts
        .reserveGrant({
          applicationId: sim.id,
          budgetYear: w.year,
          track: sim.track,
          creditCode: sim.code,
          subsidyYear: w.year,
          computedFen: sim.computedFen,
          annualCapFen: CAP_FEN,
          wasWaiting: waiting,
        })
        .catch((err) => {
          if (sim.ending) return null;
          throw err;
        });
      if (sim.ending || !outcome) return; // the main scope was cancelled: the workflow never sees this result
      if (outcome.kind === 'RESERVED') {
        sim.reserved = true;
        const application = { grantedFen: outcome.grantFen, approved: true, awaitingBudget: false };
        await step(w, sim, {
          action: waiting ? 'TASK_DONE' : 'GRANT_RESERVED',
          toStatus: 'APPROVED',
          application,
          ...(waiting ? { task: { op: 'complete' as const, id: sim.task!, outcome: 'funded' } } : {}),
        });
        if (waiting) sim.task = null;
        if (!sim.ending) sim.state = 'granted';
        if (waiting) stats.grantedFromQueue++;
        sim.markSettled();
        return;
      }
      if (outcome.kind === 'CAP_REACHED') {
        await step(w, sim, {
          action: 'DECISION',
          toStatus: 'REJECTED',
          application: { awaitingBudget: false },
          ...(waiting ? { task: { op: 'complete' as const, id: sim.task!, outcome: 'cap reached' } } : {}),
        });
        sim.task = null;
        if (!sim.ending) sim.state = 'rejected';
        sim.markSettled();
        return;
      }
      if (!waiting) {
        waiting = true;
        stats.waited++;
        sim.task = randomUUID();
        await step(w, sim, {
          action: 'TASK_OPENED',
          toStatus: 'AWAITING_BUDGET',
          task: { op: 'open', id: sim.task, queue: 'budget', org: null, dueAt: '2099-01-01T00:00:00Z' },
          application: { awaitingBudget: true },
        });
        if (sim.ending) return;
        sim.state = 'waiting';
        sim.markSettled();
      }
      // Waiting for a signal is not work in flight: the system may be quiet while processes wait. Waking up
      // is, from the moment of the signal (so that nobody sees the system quiet in between).
      busy(w, -1);
      await new Promise<void>((resolve) => {
        const go = () => {
          sim.wake = () => undefined;
          busy(w, +1);
          resolve();
        };
        if (sim.changes > seen || sim.ending) return go();
        sim.wake = () => {
          if (sim.changes > seen || sim.ending) go();
        };
      });
      if (sim.ending) return;
    }
  }

  async function approve(
    w: World,
    count: number,
    fen: (i: number) => number,
    track: (i: number) => Track,
    opts: { settle?: boolean; startAfterMs?: number } = {},
  ) {
    stats.maxConcurrent = Math.max(stats.maxConcurrent, count);
    const created: Sim[] = [];
    const enterprises = [];
    const applications = [];
    for (let i = 0; i < count; i++) {
      // A few enterprises apply many times: their annual caps come into play.
      if (w.enterprises.length < 12 || i % 3 === 0) {
        const code = creditCode();
        enterprises.push({
          creditCode: code,
          name: `企业${code.slice(-4)}`,
          district: '海淀区',
          size: 'SMALL' as const,
          foundedOn: new Date('2019-01-01'),
          mainField: 'OTHER',
          contactEmail: `${code}@example.com`,
        });
        w.enterprises.push(code);
      }
      const code = w.enterprises[(i * 7) % w.enterprises.length]!;
      const id = `HD-${w.year}-${randomUUID().slice(0, 8)}`;
      applications.push({
        id,
        creditCode: code,
        track: track(i),
        status: 'FINAL_APPROVAL' as const,
        programYear: w.year,
        insurerCode: 'PICC',
        policyNumber: `P-${id}`,
        productCode: 'PICC-RD-001',
        policyStartDate: new Date(`${w.year}-03-01`),
        policyEndDate: new Date(`${w.year + 1}-02-28`),
        premiumFen: 1n,
        paidPremiumFen: 1n,
        paidAt: new Date(`${w.year}-02-01T02:00:00Z`),
        sumInsuredFen: 1n,
        submittedBy: 'x',
        workflowId: applicationWorkflowId(id),
        programSnapshot: { ...defaultProgram(w.year) },
      });
      let markSettled = () => undefined as void;
      const settled = new Promise<void>((r) => (markSettled = r));
      const sim: Sim = {
        id,
        code,
        track: track(i),
        computedFen: fen(i),
        state: 'funding',
        changes: 0,
        wake: () => undefined,
        reserved: false,
        ending: false,
        seq: 0,
        stepping: Promise.resolve(),
        task: null,
        settled,
        markSettled,
      };
      w.sims.set(id, sim);
      registry.set(applicationWorkflowId(id), { sim, world: w });
      created.push(sim);
    }
    await db.enterprise.createMany({ data: enterprises });
    // In the enterprises' order: each row's foreign key takes a share lock on its enterprise, and the funding
    // steps already in flight lock enterprises in that order (data/budgetQueue.ts lockEnterprises); rows in
    // another order could deadlock with them. (A submission inserts one row: it takes one lock.)
    applications.sort((a, b) => (a.creditCode < b.creditCode ? -1 : a.creditCode > b.creditCode ? 1 : 0));
    await db.application.createMany({ data: applications });
    // All final approvals of the command land at once.
    const start = (sim: Sim) => background(w, fund(w, sim).finally(sim.markSettled));
    for (const sim of created) {
      if (!opts.startAfterMs) start(sim);
      else {
        busy(w, +1); // a start that is due counts as work in flight
        setTimeout(() => {
          start(sim);
          busy(w, -1);
        }, opts.startAfterMs);
      }
    }
    // Approvals return once each process took its first funding step.
    if (opts.settle ?? true) await Promise.all(created.map((s) => s.settled));
  }

  /** Counts a background promise as in flight, and keeps its failure for the invariant check. */
  function background(w: World, p: Promise<void>): void {
    busy(w, +1);
    void p
      .catch((err) => {
        w.errors.push(err);
      })
      .finally(() => busy(w, -1));
  }

  function busy(w: World, delta: number): void {
    w.inFlight += delta;
    if (w.inFlight === 0) for (const f of w.onQuiet.splice(0)) f();
  }

  /** Withdrawal or an administrator's cancellation (ended() in workflows/application/process.ts). */
  async function end(w: World, sim: Sim): Promise<void> {
    sim.ending = true;
    sim.wake();
    await step(w, sim, {
      action: 'WITHDRAWN',
      toStatus: 'WITHDRAWN',
      ...(sim.task ? { task: { op: 'cancel' as const, id: sim.task } } : {}),
      application: { infoRequest: null, awaitingBudget: false },
    });
    sim.task = null;
    sim.state = 'ended';
    if (sim.reserved) await w.acts.releaseGrant(sim.id);
  }

  /** An upheld objection, a cancelled or definitively failed payment: REJECTED, then the grant goes back. */
  async function release(w: World, sim: Sim): Promise<void> {
    sim.state = 'ended';
    await step(w, sim, { action: 'DECISION', toStatus: 'REJECTED' });
    await w.acts.releaseGrant(sim.id);
  }

  async function pay(w: World, sim: Sim): Promise<void> {
    await w.acts.spendGrant(sim.id);
    await step(w, sim, { action: 'PAID', toStatus: 'PAID' });
    sim.state = 'paid';
  }

  const pick = (w: World, state: SimState, n: number) => {
    const all = [...w.sims.values()].filter((s) => s.state === state && !s.ending);
    return all.length ? all[n % all.length] : undefined;
  };

  async function quiet(w: World): Promise<void> {
    while (w.inFlight > 0) await new Promise<void>((resolve) => w.onQuiet.push(resolve));
  }

  // ---- invariants -----------------------------------------------------------------------------------

  interface Row {
    applicationId: string;
    track: string;
    state: string;
    amountFen: bigint;
    queuedSeq: bigint | null;
    grantedSeq: bigint | null;
    wakePending: boolean;
  }

  async function snapshot(w: World) {
    const [budgets, rows] = await Promise.all([
      db.budget.findMany({ where: { year: w.year } }),
      db.$queryRaw<Row[]>`SELECT "applicationId", track::text AS track, state::text AS state, "amountFen",
        "queuedSeq", "grantedSeq", "wakePending" FROM "Reservation" WHERE "budgetYear" = ${w.year}`,
    ]);
    return { budgets, rows };
  }

  /** What an application in the queue would be granted now: its computed subsidy within the annual cap. */
  function needOf(w: World, rows: Row[], sim: Sim): number {
    const used = rows
      .filter(
        (r) => ['RESERVED', 'SPENT'].includes(r.state) && w.sims.get(r.applicationId)?.code === sim.code,
      )
      .filter((r) => w.sims.get(r.applicationId)!.track === sim.track)
      .reduce((s, r) => s + Number(r.amountFen), 0);
    return Math.min(sim.computedFen, Math.max(0, CAP_FEN - used));
  }

  async function checkSafety(w: World): Promise<void> {
    if (w.errors.length) throw w.errors[0];
    const { budgets, rows } = await snapshot(w);
    const committed = (track: string | null) =>
      rows
        .filter((r) => ['RESERVED', 'SPENT'].includes(r.state) && (track === null || r.track === track))
        .reduce((s, r) => s + r.amountFen, 0n);
    for (const b of budgets) {
      const c = committed(b.track === 'ALL' ? null : b.track);
      // Nothing overspent, and the budget's own counters agree with the reservations.
      expect(c).toBeLessThanOrEqual(b.totalFen);
      expect(b.reservedFen + b.spentFen).toBe(c);
    }
    if (!budgets.some((b) => b.track === 'ALL')) expect(committed(null)).toBe(0n);
    // The annual cap of every enterprise and track.
    const perCap = new Map<string, number>();
    for (const r of rows.filter((r) => ['RESERVED', 'SPENT'].includes(r.state))) {
      const key = `${w.sims.get(r.applicationId)!.code}/${r.track}`;
      perCap.set(key, (perCap.get(key) ?? 0) + Number(r.amountFen));
    }
    for (const used of perCap.values()) expect(used).toBeLessThanOrEqual(CAP_FEN);
    // An application that ended holds no money and waits for nothing: released, or refused (its turn came
    // with its cap used up while its withdrawal was on the way: either may commit first).
    for (const r of rows) {
      const sim = w.sims.get(r.applicationId)!;
      if (sim.state === 'ended')
        expect({ id: r.applicationId, state: r.state, fen: r.amountFen }).toEqual({
          id: r.applicationId,
          state: r.state === 'REFUSED' ? 'REFUSED' : 'RELEASED',
          fen: r.state === 'REFUSED' ? 0n : r.amountFen,
        });
    }
    // First come, first served: nobody who came after a waiting application was granted.
    const waiting = rows.filter((r) => r.state === 'WAITING');
    const firstWaiting = waiting.reduce<bigint | null>(
      (m, r) => (m === null || r.queuedSeq! < m ? r.queuedSeq! : m),
      null,
    );
    if (firstWaiting !== null) {
      // A grant's place in line is where it queued, or its grant when it never had to wait.
      for (const r of rows) {
        if (r.grantedSeq !== null) expect(r.queuedSeq ?? r.grantedSeq).toBeLessThan(firstWaiting);
      }
      // And the money does not cover the first in line (otherwise it would have been granted).
      const head = waiting.find((r) => r.queuedSeq === firstWaiting)!;
      const sim = w.sims.get(head.applicationId)!;
      const need = needOf(w, rows, sim);
      expect(need).toBeGreaterThan(0);
      const free = budgets
        .filter((b) => b.track === 'ALL' || b.track === sim.track)
        .map((b) => Number(b.totalFen - b.reservedFen - b.spentFen));
      const available = budgets.some((b) => b.track === 'ALL') ? Math.min(...free) : 0;
      expect({ head: head.applicationId, need, available, fits: need <= available }).toMatchObject({
        fits: false,
      });
    }
  }

  /** When all is quiet: every process that can go on did, and nobody waits for a wake-up that never comes. */
  async function checkQuiet(w: World): Promise<void> {
    await quiet(w);
    await checkSafety(w);
    const { rows } = await snapshot(w);
    const byId = new Map(rows.map((r) => [r.applicationId, r]));
    for (const sim of w.sims.values()) {
      if (sim.ending) continue;
      const row = byId.get(sim.id);
      if (sim.state === 'waiting')
        expect({ id: sim.id, state: row?.state }).toEqual({ id: sim.id, state: 'WAITING' });
      if (sim.state === 'granted') expect(['RESERVED', 'SPENT']).toContain(row?.state);
    }
    expect(rows.filter((r) => r.wakePending)).toEqual([]);
  }

  // ---- commands -------------------------------------------------------------------------------------

  type Cmd = fc.AsyncCommand<object, World>;
  const cmd = (name: string, run: (w: World) => Promise<void>): Cmd => ({
    check: () => true,
    async run(_m, w) {
      stats.commands++;
      await run(w);
      await checkSafety(w);
    },
    toString: () => name,
  });

  const trackArb = fc.constantFrom<Track>(...TRACKS);
  const burst = cmd('approve(200 at once)', (w) =>
    approve(
      w,
      200,
      (i) => 400 + ((i * 97) % 3_000),
      (i) => TRACKS[i % 3]!,
    ),
  );
  const budget = (total: number, sub?: { track: Track; fen: number }) =>
    cmd(`budget(${total}${sub ? `, ${sub.track} ${sub.fen}` : ''})`, async (w) => {
      const tracks = sub && sub.fen <= total ? { [sub.track]: sub.fen } : undefined;
      await changeBudget(db, w.temporal, w.year, { totalFen: total, tracks }, FINANCE).catch((err) => {
        if (err?.name !== 'BudgetBelowCommitted') throw err;
      });
    });
  const commands = [
    fc
      .record({
        n: fc.integer({ min: 1, max: 8 }),
        fen: fc.integer({ min: 500, max: 6_000 }),
        track: trackArb,
      })
      .map(({ n, fen, track }) =>
        cmd(`approve(${n} × ${fen} ${track})`, (w) =>
          approve(
            w,
            n,
            (i) => fen + i * 37,
            (i) => (i % 2 ? track : TRACKS[i % 3]!),
          ),
        ),
      ),
    fc.oneof(
      { weight: 9, arbitrary: fc.constant(cmd('quiet', checkQuiet)) },
      { weight: 1, arbitrary: fc.constant(burst) },
    ),
    fc
      .record({
        total: fc.integer({ min: 0, max: 120_000 }),
        sub: fc.option(fc.record({ track: trackArb, fen: fc.integer({ min: 0, max: 60_000 }) }), {
          nil: undefined,
        }),
      })
      .map(({ total, sub }) => budget(total, sub)),
    fc.nat().map((n) =>
      cmd(`withdraw-waiting(${n})`, async (w) => {
        const s = pick(w, 'waiting', n);
        if (s) await end(w, s);
      }),
    ),
    fc.nat().map((n) =>
      cmd(`withdraw-while-funding(${n})`, async (w) => {
        // A withdrawal that races with the reservation at final approval: either may commit first.
        // Which one starts first, and by how much, varies from run to run.
        const [reserveAfter, endAfter] = n % 2 ? [n % 10, 0] : [0, n % 10];
        await approve(
          w,
          1,
          () => 800 + (n % 900),
          () => TRACKS[n % 3]!,
          { settle: false, startAfterMs: reserveAfter },
        );
        await new Promise((r) => setTimeout(r, endAfter));
        await end(w, [...w.sims.values()].at(-1)!);
      }),
    ),
    fc.nat().map((n) =>
      cmd(`withdraw-granted(${n})`, async (w) => {
        const s = pick(w, 'granted', n);
        if (s) await end(w, s);
      }),
    ),
    fc.nat().map((n) =>
      cmd(`objection-upheld-or-payment-cancelled(${n})`, async (w) => {
        const s = pick(w, 'granted', n);
        if (s) await release(w, s);
      }),
    ),
    fc.nat().map((n) =>
      cmd(`pay(${n})`, async (w) => {
        const s = pick(w, 'granted', n);
        if (s) await pay(w, s);
      }),
    ),
  ];

  it('never overspends, grants waiters strictly in approval order, and leaves nobody waiting when the money covers the first in line', async () => {
    // CI runs 12 generated sequences (about 170 commands) besides the fixed one below; a run on one's own
    // machine 25 (BUDGET_MODEL_RUNS sets it).
    const runs = Number(process.env.BUDGET_MODEL_RUNS ?? (process.env.CI ? 12 : 25));
    const started = Date.now();
    // Always tried first, whatever the generated ones hold: 200 final approvals at once against too little
    // money, waking the queue while the waiters' signals overtake one another, then more money and a burst
    // against a sub-budget.
    const fixed = [
      budget(60_000),
      burst,
      cmd('quiet', checkQuiet),
      budget(90_000, { track: 'SRDI', fen: 20_000 }),
      burst,
      budget(120_000, { track: 'INCLUSIVE', fen: 60_000 }),
      cmd('quiet', checkQuiet),
    ];
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30, size: 'max' }), async (cmds) => {
        stats.runs++;
        const w = newWorld();
        await fc.asyncModelRun(() => ({ model: {}, real: w }), cmds);
        await checkQuiet(w);
        // Finally raise the budget above everything: every waiter must be granted.
        const plenty = 100_000_000;
        const tracks = { INCLUSIVE: plenty, SRDI: plenty, FRONTIER: plenty };
        await changeBudget(db, w.temporal, w.year, { totalFen: plenty, tracks }, FINANCE);
        await checkQuiet(w);
        expect([...w.sims.values()].filter((s) => s.state === 'waiting' && !s.ending)).toEqual([]);
      }),
      {
        numRuns: runs,
        endOnFailure: true,
        examples: [[fixed]],
        // A failure's seed and path run it again: BUDGET_MODEL_SEED=… BUDGET_MODEL_PATH=… (timing aside).
        ...(process.env.BUDGET_MODEL_SEED
          ? { seed: Number(process.env.BUDGET_MODEL_SEED), path: process.env.BUDGET_MODEL_PATH }
          : {}),
      },
    );
    console.log(`budget queue model: ${runs} runs in ${Math.round((Date.now() - started) / 1000)} s`);
  }, 600_000);
});

/**
 * The same functions as the worker runs them: at most `n` at a time (its activity slots), and a failed call
 * retried with back-off as the workflows' retry policy does, unless it failed for good (non-retryable).
 */
function asWorker<T extends Record<string, (...args: never[]) => Promise<unknown>>>(
  n: number,
  fns: T,
  onRetry: () => void,
): T {
  let running = 0;
  const queue: (() => void)[] = [];
  const slot = async () => {
    if (running >= n) await new Promise<void>((r) => queue.push(r));
    running++;
  };
  const free = () => {
    running--;
    queue.shift()?.();
  };
  const once = async (fn: (...args: never[]) => Promise<unknown>, args: never[]) => {
    await slot();
    try {
      return await fn(...args);
    } finally {
      free();
    }
  };
  return Object.fromEntries(
    Object.entries(fns).map(([name, fn]) => [
      name,
      async (...args: never[]) => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await once(fn, args);
          } catch (err) {
            if (err instanceof ApplicationFailure && err.nonRetryable) throw err;
            if (attempt >= 20) throw err;
            onRetry();
            await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
          }
        }
      },
    ]),
  ) as T;
}
