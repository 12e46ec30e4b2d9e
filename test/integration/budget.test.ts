import { defaultProgram } from '../../domain/program';
import { applicationWorkflowId } from '../../workflows/application/contract';
import {
  budgetView,
  releaseGrant,
  reserveGrant,
  setBudget,
  spendGrant,
  type ReservationOutcome,
} from '../../data/budget';
import { createDb, type Db } from '../../data/db';
import { queueForecastWarnings } from '../../data/budgetForecast';
import { addDays } from '../../domain/budgetForecast';
import { chineseDay } from '../../domain/budgetForecastEmail';
import { shanghaiDate } from '../../domain/calendar';
import { formatFen } from '../../domain/money';
import { creditCode } from '../helpers/fixtures';
import type { CapturedMail } from '../helpers/smtp';
import {
  as,
  createTestDatabase,
  eventually,
  startStack,
  type ApiClient,
  type TestStack,
} from '../helpers/stack';
import { newApplicant, submit } from '../helpers/world';

const FINANCE = { subject: 'finance-test', role: 'finance' } as const;

describe('atomic reservation of budget and annual cap (real PostgreSQL, concurrent transactions)', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Db;
  const YEAR = 2030;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb(database.url, { maxConnections: 40 });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  async function applications(n: number, code?: string) {
    const ids: { id: string; code: string }[] = [];
    for (let i = 0; i < n; i++) {
      const c = code ?? creditCode();
      await db.enterprise.upsert({
        where: { creditCode: c },
        create: {
          creditCode: c,
          name: `企业${i}`,
          district: '海淀区',
          size: 'SMALL',
          foundedOn: new Date('2019-01-01'),
          mainField: 'OTHER',
          contactEmail: `e${i}@example.com`,
        },
        update: {},
      });
      const id = `HD-${YEAR}-T${Math.random().toString(36).slice(2, 10)}`;
      await db.application.create({
        data: {
          id,
          creditCode: c,
          track: 'SRDI',
          status: 'FINAL_APPROVAL',
          programYear: YEAR,
          insurerCode: 'PICC',
          policyNumber: `P-${id}`,
          productCode: 'PICC-RD-001',
          policyStartDate: new Date('2030-03-01'),
          policyEndDate: new Date('2031-02-28'),
          premiumFen: 1n,
          paidPremiumFen: 1n,
          paidAt: new Date('2030-02-01T02:00:00Z'),
          sumInsuredFen: 1n,
          submittedBy: 'x',
          workflowId: applicationWorkflowId(id),
          programSnapshot: { ...defaultProgram(YEAR) },
        },
      });
      ids.push({ id, code: c });
    }
    return ids;
  }

  const reserve = (a: { id: string; code: string }, computedFen: number, annualCapFen = 50_000_000) =>
    reserveGrant(db, {
      applicationId: a.id,
      budgetYear: YEAR,
      track: 'SRDI',
      creditCode: a.code,
      subsidyYear: YEAR,
      computedFen,
      annualCapFen,
    });

  it('lets 200 approvals race for a budget that covers 150: exactly 150 reserve, the other 50 queue, nothing is overspent', async () => {
    const grant = 1_000_000;
    await setBudget(db, YEAR, { totalFen: 150 * grant }, FINANCE);
    const apps = await applications(200);
    const outcomes = await Promise.all(apps.map((a) => reserve(a, grant)));
    const kinds = outcomes.reduce<Record<string, number>>(
      (acc, o) => ({ ...acc, [o.kind]: (acc[o.kind] ?? 0) + 1 }),
      {},
    );
    // The first without money starts the queue; everyone after it queues behind it.
    expect(kinds).toEqual({ RESERVED: 150, INSUFFICIENT_BUDGET: 1, QUEUED: 49 });
    expect(await db.reservation.count({ where: { budgetYear: YEAR, state: 'WAITING' } })).toBe(50);
    const view = await budgetView(db, YEAR);
    expect(view).toMatchObject({
      totalFen: 150 * grant,
      reservedFen: 150 * grant,
      spentFen: 0,
      availableFen: 0,
    });
    const sum = await db.reservation.aggregate({
      _sum: { amountFen: true },
      where: { budgetYear: YEAR, state: 'RESERVED' },
    });
    expect(Number(sum._sum.amountFen)).toBe(150 * grant);

    // Paying and releasing keep the books: released money goes to the first in line at once, spent money
    // stays spent.
    const reserved = apps.filter((_, i) => outcomes[i]!.kind === 'RESERVED');
    const first = apps[outcomes.findIndex((o) => o.kind === 'INSUFFICIENT_BUDGET')]!;
    expect(await spendGrant(db, reserved[0]!.id)).toBe(grant);
    expect(await spendGrant(db, reserved[0]!.id)).toBe(0); // idempotent
    expect(await releaseGrant(db, reserved[1]!.id)).toBe(grant);
    expect(await releaseGrant(db, reserved[1]!.id)).toBe(0);
    expect(await budgetView(db, YEAR)).toMatchObject({
      reservedFen: 149 * grant,
      spentFen: grant,
      availableFen: 0,
    });
    expect(await db.reservation.findUniqueOrThrow({ where: { applicationId: first.id } })).toMatchObject({
      state: 'RESERVED',
      wakePending: true,
    });
    expect(await reserve(first, grant)).toMatchObject({ kind: 'RESERVED', grantFen: grant });
    expect(await db.reservation.count({ where: { budgetYear: YEAR, state: 'WAITING' } })).toBe(49);
  });

  it('lets 20 applications of one enterprise race against its annual cap: the sum never exceeds it', async () => {
    await setBudget(db, YEAR, { totalFen: 10_000_000_000 }, FINANCE);
    const code = creditCode();
    const apps = await applications(20, code);
    const cap = 50_000_000;
    const outcomes: ReservationOutcome[] = await Promise.all(apps.map((a) => reserve(a, 7_000_000, cap)));
    const reserved = outcomes.filter(
      (o): o is Extract<ReservationOutcome, { kind: 'RESERVED' }> => o.kind === 'RESERVED',
    );
    expect(reserved.reduce((s, o) => s + o.grantFen, 0)).toBe(cap);
    expect(reserved.filter((o) => !o.capped).map((o) => o.grantFen)).toEqual(Array(7).fill(7_000_000));
    expect(reserved.filter((o) => o.capped).map((o) => o.grantFen)).toEqual([1_000_000]); // the partial grant (CAPPED)
    expect(outcomes.filter((o) => o.kind === 'CAP_REACHED')).toHaveLength(12);
    const rows = await db.reservation.aggregate({
      _sum: { amountFen: true },
      where: { creditCode: code, state: { in: ['RESERVED', 'SPENT'] } },
    });
    expect(Number(rows._sum.amountFen)).toBe(cap);
  });

  it('is idempotent: reserving the same application twice holds one reservation', async () => {
    await setBudget(db, YEAR, { totalFen: 10_000_000_000 }, FINANCE);
    const [a] = await applications(1);
    const first = await reserve(a!, 5_000);
    const again = await Promise.all([reserve(a!, 5_000), reserve(a!, 5_000)]);
    expect([first, ...again].every((o) => o.kind === 'RESERVED' && o.grantFen === 5_000)).toBe(true);
    expect(await db.reservation.count({ where: { applicationId: a!.id } })).toBe(1);
  });

  it('refuses to set a budget below what is reserved and spent, and a sub-budget limits its track', async () => {
    const year = 2031;
    await setBudget(db, year, { totalFen: 1_000_000, tracks: { SRDI: 300_000 } }, FINANCE);
    const apps = await applications(2);
    const r = (a: { id: string; code: string }, fen: number) =>
      reserveGrant(db, {
        applicationId: a.id,
        budgetYear: year,
        track: 'SRDI',
        creditCode: a.code,
        subsidyYear: year,
        computedFen: fen,
        annualCapFen: 50_000_000,
      });
    expect((await r(apps[0]!, 200_000)).kind).toBe('RESERVED');
    expect(await r(apps[1]!, 200_000)).toEqual({
      kind: 'INSUFFICIENT_BUDGET',
      availableFen: 100_000,
      neededFen: 200_000,
    });
    await expect(setBudget(db, year, { totalFen: 100_000 }, FINANCE)).rejects.toThrow(
      /below what is already reserved/,
    );
    await expect(
      db.$executeRaw`UPDATE "Budget" SET "reservedFen" = "totalFen" + 1 WHERE year = ${year} AND track = 'ALL'`,
    ).rejects.toThrow(/Budget_within_total/);
  });
});

describe('budget over the API: waiting applications resume in approval order', () => {
  let stack: TestStack;
  let finance: ApiClient;
  const year = new Date().getFullYear();
  beforeAll(async () => {
    stack = await startStack();
    finance = await as(stack, { role: 'finance' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function throughFinalApproval() {
    const { id, a, approve } = await untilFinalApproval();
    await approve();
    return { id, a };
  }
  const statusOf = async (id: string) =>
    (await stack.db.application.findUniqueOrThrow({ where: { id } })).status;
  const reservationOf = async (id: string) =>
    (await stack.db.reservation.findUnique({ where: { applicationId: id } }))?.state ?? null;

  it('sets and reads the budget (finance and admin only), refusing to go below what is committed', async () => {
    const put = await finance.put(`/api/v1/admin/budgets/${year}`, { totalFen: 5_000_000 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      year,
      totalFen: 5_000_000,
      reservedFen: 0,
      spentFen: 0,
      availableFen: 5_000_000,
    });
    const reviewer = await as(stack, { role: 'reviewer' });
    expect((await reviewer.put(`/api/v1/admin/budgets/${year}`, { totalFen: 1 })).status).toBe(403);
    expect((await finance.put(`/api/v1/admin/budgets/${year}`, { totalFen: -1 })).status).toBe(400);
    const over = await finance.put(`/api/v1/admin/budgets/${year}`, {
      totalFen: 1_000,
      tracks: { SRDI: 2_000 },
    });
    expect(over.status).toBe(400);
    expect(over.body.error.details[0].path).toBe('body.tracks.SRDI');
  });

  it('reserves at final approval, makes the next wait with a task for finance, and resumes first come first served', async () => {
    const grant = 5_000_000; // SRDI: half of the 10,000,000 fen premium
    await finance.put(`/api/v1/admin/budgets/${year}`, { totalFen: grant });
    const first = await throughFinalApproval();
    await eventually(
      () => statusOf(first.id),
      (s) => s === 'APPROVED',
    );
    const second = await throughFinalApproval();
    await eventually(
      () => statusOf(second.id),
      (s) => s === 'AWAITING_BUDGET',
    );
    const third = await throughFinalApproval();
    await eventually(
      () => statusOf(third.id),
      (s) => s === 'AWAITING_BUDGET',
    );
    const budgetTasks = (await finance.get('/api/v1/tasks?queue=budget')).body.items.map(
      (t: { applicationId: string }) => t.applicationId,
    );
    expect(budgetTasks).toEqual(expect.arrayContaining([second.id, third.id]));
    expect((await finance.get(`/api/v1/admin/budgets/${year}`)).body).toMatchObject({
      reservedFen: grant,
      availableFen: 0,
    });

    // Room for one more: the one that waited longest gets it, in the transaction that raised the budget.
    await finance.put(`/api/v1/admin/budgets/${year}`, { totalFen: 2 * grant });
    expect(await reservationOf(second.id)).toBe('RESERVED');
    expect(await reservationOf(third.id)).toBe('WAITING');
    await eventually(
      () => statusOf(second.id),
      (s) => s === 'APPROVED',
    );
    expect(await statusOf(third.id)).toBe('AWAITING_BUDGET');
    await finance.put(`/api/v1/admin/budgets/${year}`, { totalFen: 3 * grant });
    await eventually(
      () => statusOf(third.id),
      (s) => s === 'APPROVED',
    );
    const view = (await finance.get(`/api/v1/admin/budgets/${year}`)).body;
    expect(view).toMatchObject({ totalFen: 3 * grant, reservedFen: 3 * grant, availableFen: 0 });
    const approvedOrder = await stack.db.application.findMany({
      where: { id: { in: [first.id, second.id, third.id] } },
      orderBy: { approvedAt: 'asc' },
      select: { id: true },
    });
    expect(approvedOrder.map((a) => a.id)).toEqual([first.id, second.id, third.id]);
    expect(
      await stack.db.task.count({
        where: {
          applicationId: { in: [second.id, third.id] },
          queue: 'budget',
          state: 'DONE',
          outcome: 'funded',
        },
      }),
    ).toBe(2);
    await stack.smtp.waitFor((all) =>
      all.some((m) => m.to.includes(third.a.email) && m.subject.includes('已获批准')),
    );
  });

  it('gives the reservation back when the applicant withdraws an approved application', async () => {
    await finance.put(`/api/v1/admin/budgets/${year}`, { totalFen: 100_000_000 });
    const before = (await finance.get(`/api/v1/admin/budgets/${year}`)).body.reservedFen as number;
    const { id, a } = await throughFinalApproval();
    await eventually(
      () => statusOf(id),
      (s) => s === 'APPROVED',
    );
    expect((await finance.get(`/api/v1/admin/budgets/${year}`)).body.reservedFen).toBe(before + 5_000_000);
    expect(
      (await a.client.post(`/api/v1/applications/${id}/withdraw`, { reason: '放弃补贴' })).body.status,
    ).toBe('WITHDRAWN');
    await eventually(
      async () => (await finance.get(`/api/v1/admin/budgets/${year}`)).body.reservedFen,
      (fen) => fen === before,
    );
    expect((await stack.db.reservation.findUniqueOrThrow({ where: { applicationId: id } })).state).toBe(
      'RELEASED',
    );
  });

  it('grants six applications approved together with room for two, and all six once the budget is raised', async () => {
    const grant = 5_000_000;
    const before = (await finance.get(`/api/v1/admin/budgets/${year}`)).body;
    await finance.put(`/api/v1/admin/budgets/${year}`, {
      totalFen: before.reservedFen + before.spentFen + 2 * grant,
    });
    const six = await Promise.all(Array.from({ length: 6 }, () => untilFinalApproval()));
    // The six final approvals land close together.
    await Promise.all(six.map((s) => s.approve()));
    const settled = await eventually(
      () => Promise.all(six.map((s) => statusOf(s.id))),
      (all) => all.every((st) => st === 'APPROVED' || st === 'AWAITING_BUDGET'),
    );
    expect(settled.filter((st) => st === 'APPROVED')).toHaveLength(2);
    expect(settled.filter((st) => st === 'AWAITING_BUDGET')).toHaveLength(4);
    const view = (await finance.get(`/api/v1/admin/budgets/${year}`)).body;
    expect(view.availableFen).toBe(0);

    // Far more than the four need: every one of them leaves AWAITING_BUDGET within seconds.
    const raised = Date.now();
    await finance.put(`/api/v1/admin/budgets/${year}`, { totalFen: view.totalFen + 100 * grant });
    await eventually(
      () => Promise.all(six.map((s) => statusOf(s.id))),
      (all) => all.every((st) => st === 'APPROVED'),
      10_000,
    );
    expect(Date.now() - raised).toBeLessThan(10_000);
    // Granted in the order they came to wait.
    const waited = await stack.db.reservation.findMany({
      where: { applicationId: { in: six.map((s) => s.id) }, queuedSeq: { not: null } },
      orderBy: { queuedSeq: 'asc' },
    });
    expect(waited).toHaveLength(4);
    const grantedOrder = [...waited].sort((a, b) => Number(a.grantedSeq! - b.grantedSeq!));
    expect(grantedOrder.map((r) => r.applicationId)).toEqual(waited.map((r) => r.applicationId));
  });

  it('lists a first in line whose money has come without the queue noticing, and the administrator wakes it', async () => {
    const admin = await as(stack, { role: 'admin' });
    const grant = 5_000_000;
    const before = (await finance.get(`/api/v1/admin/budgets/${year}`)).body;
    await finance.put(`/api/v1/admin/budgets/${year}`, { totalFen: before.reservedFen + before.spentFen });
    const waiting = await untilFinalApproval();
    await waiting.approve();
    await eventually(
      () => statusOf(waiting.id),
      (s) => s === 'AWAITING_BUDGET',
    );
    // Money that arrives behind the queue's back (a direct edit of the budget row).
    await stack.db
      .$executeRaw`UPDATE "Budget" SET "totalFen" = "totalFen" + ${10 * grant} WHERE year = ${year} AND track = 'ALL'`;
    const stuck = await admin.get('/api/v1/admin/workflows/stuck?kind=BUDGET_QUEUE');
    expect(stuck.status).toBe(200);
    const listed = stuck.body.items.find((i: { applicationId: string }) => i.applicationId === waiting.id);
    expect(listed).toMatchObject({ kind: 'BUDGET_QUEUE', status: 'AWAITING_BUDGET' });
    expect(listed.reasonZh).toContain('可用资金');
    expect(listed.reason).toContain('wake it');
    expect(listed.temporalUrl).toContain(encodeURIComponent(`application-${waiting.id}`));

    const woken = await admin.post(`/api/v1/admin/applications/${waiting.id}/wake`);
    expect(woken.status).toBe(200);
    expect(woken.body).toMatchObject({ id: waiting.id, outcome: 'WOKEN', reservation: 'RESERVED' });
    await eventually(
      () => statusOf(waiting.id),
      (s) => s === 'APPROVED',
    );
    const after = await admin.get('/api/v1/admin/workflows/stuck?kind=BUDGET_QUEUE');
    expect(after.body.items.map((i: { applicationId: string }) => i.applicationId)).not.toContain(waiting.id);
    expect((await admin.post('/api/v1/admin/applications/HD-1999-000000/wake')).status).toBe(404);
  });

  it('forecasts from the pace of the last four weeks when each budget runs out, and warns finance once a week', async () => {
    const grant = 5_000_000;
    const admin = await as(stack, { role: 'admin' });
    const auditor = await as(stack, { role: 'auditor' });
    const financeEmail = 'caiwu-yujing@example.gov.cn';
    const staff = { name: '王会计', email: financeEmail, role: 'finance' };
    expect((await admin.put('/api/v1/admin/staff/finance-forecast', staff)).status).toBeLessThan(300);
    expect(await stack.db.reservation.count({ where: { state: 'WAITING' } })).toBe(0);
    // Every grant of this database so far was made today (Beijing); two more through the real flow.
    const today = shanghaiDate(new Date());
    const before = (await finance.get(`/api/v1/admin/budgets/${year}`)).body;
    const c0 = before.reservedFen + before.spentFen;
    await finance.put(`/api/v1/admin/budgets/${year}`, { totalFen: c0 + 10 * grant });
    const one = await throughFinalApproval();
    const two = await throughFinalApproval();
    for (const { id } of [one, two])
      await eventually(
        () => statusOf(id),
        (s) => s === 'APPROVED',
      );
    // One granted ten days ago, the other forty (outside the four weeks).
    await stack.db.$executeRaw`UPDATE "Reservation" SET "grantedAt" = "grantedAt" - interval '10 days'
      WHERE "applicationId" = ${one.id}`;
    await stack.db.$executeRaw`UPDATE "Reservation" SET "grantedAt" = "grantedAt" - interval '40 days'
      WHERE "applicationId" = ${two.id}`;
    const committed = c0 + 2 * grant;
    const pace = c0 + grant; // granted within the four weeks
    // The total leaves two windows' worth (56 days), the SRDI sub-budget one (28 days); the window closes in 28.
    await finance.put(`/api/v1/admin/budgets/${year}`, {
      totalFen: committed + 2 * pace,
      tracks: { SRDI: committed + pace },
    });
    const program = (await admin.get(`/api/v1/programs/${year}`)).body;
    const closes = addDays(today, 28);
    const put = await admin.put(`/api/v1/programs/${year}`, {
      ...program,
      closesAt: `${closes}T23:59:59+08:00`,
    });
    expect(put.status).toBe(200);

    const res = await finance.get(`/api/v1/budgets/forecast?year=${year}`);
    expect(res.status).toBe(200);
    const figures = {
      committedFen: committed,
      paidFen: before.spentFen,
      paceFrom: addDays(today, -27),
      paceDays: 28,
      paceCommittedFen: pace,
      paceFenPerDay: Math.floor(pace / 28),
      exhausted: false,
      windowCloses: closes,
      daily: [{ day: addDays(today, -10), fen: grant }, ...(c0 ? [{ day: today, fen: c0 }] : [])],
    };
    expect(res.body).toEqual({
      year,
      today,
      weeks: 4,
      windowCloses: closes,
      budgets: [
        {
          track: 'ALL',
          ...figures,
          totalFen: committed + 2 * pace,
          remainingFen: 2 * pace,
          exhaustionDay: addDays(today, 56),
          beforeWindowCloses: false,
        },
        {
          track: 'SRDI',
          ...figures,
          totalFen: committed + pace,
          remainingFen: pace,
          exhaustionDay: addDays(today, 28), // the day the window closes: still before it closes
          beforeWindowCloses: true,
        },
      ],
    });
    // Over one week the grant of ten days ago drops out of the pace.
    const week = (await auditor.get(`/api/v1/budgets/forecast?year=${year}&weeks=1`)).body.budgets[0];
    expect(week).toMatchObject({ paceDays: 7, paceCommittedFen: c0, paceFenPerDay: Math.floor(c0 / 7) });
    expect((await finance.get(`/api/v1/budgets/forecast?year=${year}&weeks=0`)).status).toBe(400);
    expect((await finance.get(`/api/v1/budgets/forecast?year=${year}&foo=1`)).status).toBe(400);
    const approver = await as(stack, { role: 'approver', org: 'committee' });
    expect((await approver.get(`/api/v1/budgets/forecast?year=${year}`)).status).toBe(403);

    // The daily check: one warning, for the sub-budget that runs out before the window closes, once a week.
    const check = () =>
      queueForecastWarnings(stack.db, { weeks: 4, publicBaseUrl: stack.config.http.publicBaseUrl });
    expect(await check()).toEqual({ warned: [`${year}:SRDI`], queued: 1 });
    stack.worker.outbox.kick();
    const subject = (m: CapturedMail) => m.to.includes(financeEmail) && m.subject.includes('【预算预警】');
    const [mail] = (await stack.smtp.waitFor((all) => all.some(subject))).filter(subject);
    expect(mail!.subject).toContain(
      `${year}年度专精特新科技保险子预算预计于 ${chineseDay(addDays(today, 28))} 用尽`,
    );
    expect(mail!.text).toContain(`剩余 ${formatFen(pace)}`);
    expect(mail!.text).toContain(`/#/finance/budgets?year=${year}`);
    expect(await check()).toEqual({ warned: [`${year}:SRDI`], queued: 0 });
    await stack.worker.outbox.drain();
    expect(stack.smtp.messages.filter(subject)).toHaveLength(1);
  });

  /** An application at its final-approval task; `approve()` gives the final approval. */
  async function untilFinalApproval() {
    const a = await newApplicant(stack, 'SRDI');
    const id = (await submit(stack, a, 'SRDI')).body.id as string;
    const reviewer = await as(stack, { role: 'reviewer', org: 'committee' });
    const approver = await as(stack, { role: 'approver', org: 'committee' });
    const decide = async (who: ApiClient, queue: string) => {
      const task = await eventually(
        () => stack.db.task.findFirst({ where: { applicationId: id, queue, state: 'OPEN' } }),
        (t) => t !== null,
      );
      await who.post(`/api/v1/tasks/${task!.id}/claim`);
      await who.post(`/api/v1/tasks/${task!.id}/decision`, { decision: 'approve', comment: '' });
    };
    await decide(reviewer, 'initial-review');
    await eventually(
      () => stack.db.task.findFirst({ where: { applicationId: id, queue: 'final-approval', state: 'OPEN' } }),
      (t) => t !== null,
    );
    return { id, a, approve: () => decide(approver, 'final-approval') };
  }
});
