import { SignJWT } from 'jose';
import { createMoneyActivities } from '../../activities/money';
import { signedLinks, surveyLink } from '../../platform/signedLinks';
import { createNoticeActivities } from '../../activities/notices';
import { defaultProgram } from '../../domain/program';
import { packagedCalendar } from '../../data/calendar';
import { createDb } from '../../data/db';
import { signPaymentCallback } from '../../services/paymentSignature';
import { ensureNoticeSchedule } from '../../temporal/noticeSchedule';
import { applicationWorkflowId } from '../../workflows/application/contract';
import { noticeScheduleId } from '../../workflows/notice/contract';
import { searchAttributeOf, settledHistory, signalsNamed } from '../helpers/evidence';
import { NeedsAttentionKey } from '../../workflows/searchAttributes';
import { creditCode } from '../helpers/fixtures';
import { ApiClient, as, createTestDatabase, eventually, startStack, type TestStack } from '../helpers/stack';
import { approvedApplication as approveInclusive, setBehaviour } from '../helpers/world';

let stack: TestStack;
let admin: ApiClient;
let approver: ApiClient;
let finance: ApiClient;
const anon = () => new ApiClient(stack.baseUrl);

beforeAll(async () => {
  // A notice period of five working days passes in about ten seconds.
  stack = await startStack({
    TIME_ACCELERATION: '75000',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '8',
    PAYMENT_POLL_SECONDS: '30',
  });
  admin = await as(stack, { role: 'admin' });
  approver = await as(stack, { role: 'approver', subject: 'approver-zhou', org: 'committee' });
  finance = await as(stack, { role: 'finance', subject: 'finance-qian' });
  await admin.put('/api/v1/admin/staff/finance-qian', {
    name: '钱会计',
    email: 'finance@example.gov.cn',
    role: 'finance',
  });
});
afterAll(async () => {
  await stack?.stop();
});

const statusOf = async (id: string) =>
  (await stack.db.application.findUniqueOrThrow({ where: { id } })).status;
const simPayments = async () =>
  (await (await fetch(`${stack.simulatorUrl}/sim/payment/payments`)).json()) as {
    id: string;
    idempotencyKey: string;
    status: string;
  }[];

const approvedApplication = () => approveInclusive(stack);

async function publish() {
  const res = await admin.post('/api/v1/admin/notices/publish');
  expect(res.status).toBe(201);
  return res.body as { batchId: string; count: number; endsAt: string };
}

describe('public notice, objections and disbursement on the real stack', () => {
  it('publishes, takes a named objection to an approver, upholds it, and pays the other grant once', async () => {
    const kept = await approvedApplication();
    const objected = await approvedApplication();
    // The gateway answers 503 twice before it takes the payment: retried, and still paid once.
    await setBehaviour(stack, 'payment', { mode: 'transient-then-succeed', failCount: 2 });
    const batch = await publish();
    expect(batch.count).toBeGreaterThanOrEqual(2);
    await eventually(
      () => statusOf(objected.id),
      (s) => s === 'IN_PUBLIC_NOTICE',
    );

    const notices = await anon().get('/api/v1/notices?status=OPEN');
    const published = notices.body.items.find((b: { id: string }) => b.id === batch.batchId);
    const item = published.items.find((i: { applicationId: string }) => i.applicationId === kept.id);
    expect(Object.keys(item).sort()).toEqual([
      'applicationId',
      'creditCode',
      'enterpriseName',
      'grantedFen',
      'track',
    ]);
    expect(item).toMatchObject({ creditCode: kept.a.code, track: 'INCLUSIVE', grantedFen: 250_000 });

    const anonymous = await anon().post(`/api/v1/notices/${batch.batchId}/objections`, {
      applicationId: objected.id,
      name: '',
      contact: '',
      reason: '不符合条件',
    });
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'body.contact',
      'body.name',
    ]);
    const filed = await anon().post(`/api/v1/notices/${batch.batchId}/objections`, {
      applicationId: objected.id,
      name: '王某',
      contact: '13800000000',
      reason: '该企业实际经营地不在海淀区',
    });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ id: expect.any(String), status: 'RECEIVED' });

    const task = await eventually(
      () =>
        stack.db.task.findFirst({
          where: { applicationId: objected.id, queue: 'objection-review', state: 'OPEN' },
        }),
      (t) => t !== null,
    );
    await approver.post(`/api/v1/tasks/${task!.id}/claim`);
    const upheld = await approver.post(`/api/v1/tasks/${task!.id}/decision`, {
      decision: 'reject',
      comment: '异议属实',
    });
    expect(upheld.body.status).toBe('REJECTED');
    expect(
      (await stack.db.reservation.findUniqueOrThrow({ where: { applicationId: objected.id } })).state,
    ).toBe('RELEASED');
    expect((await stack.db.objection.findUniqueOrThrow({ where: { id: filed.body.id } })).outcome).toBe(
      'UPHELD',
    );
    const after = await anon().get('/api/v1/notices');
    const ids = after.body.items
      .find((b: { id: string }) => b.id === batch.batchId)
      .items.map((i: { applicationId: string }) => i.applicationId);
    expect(ids).toContain(kept.id);
    expect(ids).not.toContain(objected.id);
    const view = (await objected.a.client.get(`/api/v1/applications/${objected.id}`)).body;
    expect(JSON.stringify(view.timeline)).not.toContain('王某'); // the objector is never shown
    await stack.smtp.waitFor((all) =>
      all.some((m) => m.to.includes(objected.a.email) && m.subject.includes('异议成立')),
    );

    // The other grant is paid when the notice ends, exactly once.
    await eventually(
      () => statusOf(kept.id),
      (s) => s === 'TRACKING',
      60_000,
    );
    const payments = (await simPayments()).filter((p) => p.idempotencyKey.startsWith(`${kept.id}-pay-`));
    expect(payments.map((p) => [p.idempotencyKey, p.status])).toEqual([[`${kept.id}-pay-1`, 'SUCCEEDED']]);
    const gateway = (await (await fetch(`${stack.simulatorUrl}/sim/payment/behaviour`)).json()) as {
      calls: number;
      failCount: number;
    };
    expect(gateway.failCount).toBe(0); // both transient failures were met and retried
    await setBehaviour(stack, 'payment', { mode: 'succeed' });
    expect((await stack.db.reservation.findUniqueOrThrow({ where: { applicationId: kept.id } })).state).toBe(
      'SPENT',
    );
    await stack.smtp.waitFor((all) =>
      all.some((m) => m.to.includes(kept.a.email) && m.subject.includes('已拨付')),
    );
    const late = await anon().post(`/api/v1/notices/${batch.batchId}/objections`, {
      applicationId: kept.id,
      name: '李某',
      contact: 'li@example.com',
      reason: '迟到的异议',
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('NOTICE_CLOSED');
  });

  it('turns a definitive payment failure into a finance task; a retry pays once and a stale callback changes nothing', async () => {
    await setBehaviour(stack, 'payment', { mode: 'fail-definitive', failureReason: 'ACCOUNT_CLOSED' });
    const { id, a } = await approvedApplication();
    await publish();
    try {
      await eventually(
        () => statusOf(id),
        (s) => s === 'PAYMENT_FAILED',
        60_000,
      );
    } finally {
      await setBehaviour(stack, 'payment', { mode: 'succeed' });
    }
    await searchAttributeOf(stack.temporal, applicationWorkflowId(id), NeedsAttentionKey, (v) => v === true);
    await stack.smtp.waitFor((all) =>
      all.some((m) => m.to.includes('finance@example.gov.cn') && m.text.includes(id)),
    );
    const task = (await finance.get('/api/v1/tasks?queue=payment-exception')).body.items.find(
      (t: { applicationId: string }) => t.applicationId === id,
    );
    await finance.post(`/api/v1/tasks/${task.id}/claim`);
    await finance.post(`/api/v1/tasks/${task.id}/decision`, {
      decision: 'approve',
      comment: '账户已更正，重新拨付',
    });
    await eventually(
      () => statusOf(id),
      (s) => s === 'TRACKING',
      30_000,
    );

    const mine = (await simPayments()).filter((p) => p.idempotencyKey.startsWith(`${id}-pay-`));
    expect(mine.map((p) => [p.idempotencyKey.slice(id.length), p.status]).sort()).toEqual([
      ['-pay-1', 'FAILED'],
      ['-pay-2', 'SUCCEEDED'],
    ]);
    // The first attempt's FAILED callback arrives again, late and out of order: nothing changes.
    const workflowId = applicationWorkflowId(id);
    const callbacksBefore = signalsNamed(await settledHistory(stack.temporal, workflowId), 'paymentResult');
    const first = mine.find((p) => p.idempotencyKey.endsWith('-pay-1'))!;
    expect(
      (await fetch(`${stack.simulatorUrl}/sim/payment/payments/${first.id}/callback`, { method: 'POST' }))
        .status,
    ).toBe(200);
    const second = mine.find((p) => p.idempotencyKey.endsWith('-pay-2'))!;
    expect(
      (await fetch(`${stack.simulatorUrl}/sim/payment/payments/${second.id}/callback`, { method: 'POST' }))
        .status,
    ).toBe(200);
    // Each callback is answered once its signal is in the history; settled, the workflow has handled both.
    await settledHistory(
      stack.temporal,
      workflowId,
      (events) => signalsNamed(events, 'paymentResult').length >= callbacksBefore.length + 2,
    );
    expect(await statusOf(id)).toBe('TRACKING');
    expect(await stack.db.auditEvent.count({ where: { applicationId: id, action: 'PAID' } })).toBe(1);
    expect(
      (await stack.db.payment.findMany({ where: { applicationId: id }, orderBy: { attempt: 'asc' } })).map(
        (p) => p.status,
      ),
    ).toEqual(['FAILED', 'SUCCEEDED']);
    expect(a.email).toBeTruthy();
  });

  it('pays exactly once when the worker dies between the payment request and the callback', async () => {
    await setBehaviour(stack, 'payment', { mode: 'succeed', delayMs: 5000 });
    const { id } = await approvedApplication();
    await publish();
    await eventually(
      () => stack.db.payment.findFirst({ where: { applicationId: id, status: 'PENDING' } }),
      (p) => p !== null,
      60_000,
    );
    await stack.stopWorker(); // the gateway settles and calls back while no worker runs
    await eventually(
      async () => (await simPayments()).find((p) => p.idempotencyKey === `${id}-pay-1`)?.status,
      (s) => s === 'SUCCEEDED',
      20_000,
    );
    // The gateway's callback reached the API, which signalled the workflow: the signal waits in its history.
    await eventually(
      async () =>
        signalsNamed(
          (await stack.temporal.workflow.getHandle(applicationWorkflowId(id)).fetchHistory()).events ?? [],
          'paymentResult',
        ).length,
      (n) => n >= 1,
    );
    await stack.startWorker();
    await setBehaviour(stack, 'payment', { mode: 'succeed' });
    await eventually(
      () => statusOf(id),
      (s) => s === 'TRACKING',
      30_000,
    );
    expect((await simPayments()).filter((p) => p.idempotencyKey.startsWith(`${id}-pay-`))).toHaveLength(1);
    expect(await stack.db.auditEvent.count({ where: { applicationId: id, action: 'PAID' } })).toBe(1);
  });

  it('refuses unsigned, forged and stale callbacks, changing nothing', async () => {
    const body = JSON.stringify({
      paymentId: 'PAY-x',
      idempotencyKey: 'HD-1-pay-1',
      status: 'SUCCEEDED',
      failureReason: null,
      amountFen: 1,
      settledAt: new Date().toISOString(),
    });
    const post = (headers: Record<string, string>) =>
      anon().request('POST', '/api/v1/payments/callback', body, {
        'content-type': 'application/json',
        ...headers,
      });
    const now = Math.floor(Date.now() / 1000);
    expect((await post({})).status).toBe(401);
    expect(
      (
        await post({
          'x-timestamp': String(now),
          'x-signature': signPaymentCallback('not-the-secret-at-all-0123456789', now, body),
        })
      ).status,
    ).toBe(401);
    const stale = now - 3600;
    expect(
      (
        await post({
          'x-timestamp': String(stale),
          'x-signature': signPaymentCallback(stack.config.services.paymentCallbackSecret, stale, body),
        })
      ).status,
    ).toBe(401);
    const valid = await post({
      'x-timestamp': String(now),
      'x-signature': signPaymentCallback(stack.config.services.paymentCallbackSecret, now, body),
    });
    expect(valid.status).toBe(404); // signed, but for no payment of ours
  });

  it('authenticates a callback before it reads it: nothing unsigned, forged or stale learns the body’s shape', async () => {
    const secret = stack.config.services.paymentCallbackSecret;
    const now = Math.floor(Date.now() / 1000);
    const call = (raw: string, headers: Record<string, string> = {}) =>
      anon().request('POST', '/api/v1/payments/callback', raw, {
        'content-type': 'application/json',
        ...headers,
      });
    const signed = (raw: string, at = now, key = secret) => ({
      'x-timestamp': String(at),
      'x-signature': signPaymentCallback(key, at, raw),
    });
    const refusedUnread = (res: { status: number; body: any }) => {
      expect(res.status).toBe(401);
      expect(res.body.error).toEqual({
        code: 'UNAUTHORIZED',
        message: 'the callback signature is missing, wrong or stale',
        details: [],
        requestId: expect.any(String), // every error carries it (API.md)
      });
    };
    const malformed = '{"paymentId": 7, "status": "PAID?", ';
    const wrongShape = JSON.stringify({ paymentId: 7, status: 'PAID?', extra: true });
    for (const raw of [malformed, wrongShape, '', 'not json at all']) {
      refusedUnread(await call(raw)); // unsigned
      refusedUnread(await call(raw, signed(raw, now, 'not-the-secret-at-all-0123456789'))); // forged
      refusedUnread(await call(raw, signed(raw, now - 3600))); // stale
      refusedUnread(await call(raw, { ...signed(`${raw} `), 'x-timestamp': String(now) })); // other bytes
    }
    // Once the signature holds, the body is read: malformed JSON and a wrong shape are 400s naming why.
    const notJson = await call(malformed, signed(malformed));
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('INVALID_JSON');
    const shape = await call(wrongShape, signed(wrongShape));
    expect(shape.status).toBe(400);
    expect(shape.body.error.code).toBe('VALIDATION_FAILED');
    expect(shape.body.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['body.paymentId', 'body.status', 'body.extra']),
    );
  });

  it('limits objections per client', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) {
      codes.push(
        (
          await anon().post('/api/v1/notices/00000000-0000-4000-8000-000000000000/objections', {
            applicationId: 'x',
            name: 'n',
            contact: 'c',
            reason: 'r',
          })
        ).status,
      );
    }
    expect(codes.at(-1)).toBe(429);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
  });
});

describe('follow-up surveys from signed links', () => {
  it('shows the survey, takes the answers once, and refuses forged or expired links', async () => {
    const { id } = await approvedApplication();
    const money = createMoneyActivities({
      db: stack.db,
      temporal: stack.temporal,
      payments: {
        createPayment: () => Promise.reject(new Error('unused')),
        getPayment: () => Promise.reject(new Error('unused')),
      },
      publicBaseUrl: stack.baseUrl,
      linkSecret: stack.config.linkSecret,
      dataKey: stack.config.dataKey,
    });
    await money.surveyLink({ applicationId: id, round: 1, validDays: 90 });
    // The link as the survey e-mail renders it.
    const link = await surveyLink(signedLinks(stack.config.linkSecret), stack.baseUrl, id, 1, 90);
    // The e-mailed link opens the console's survey page, which reads the survey from the API by its token.
    expect(link.startsWith(`${stack.baseUrl}/#/surveys/`)).toBe(true);
    const path = `/api/v1/surveys/${link.slice(`${stack.baseUrl}/#/surveys/`.length)}`;
    const shown = await anon().get(path);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ applicationId: id, round: 1, answered: false });
    const answers = {
      rdProgress: '完成流片验证',
      claimsFiled: 1,
      claimsPaidFen: 120_000,
      loansObtainedFen: 5_000_000_00,
      comment: '',
    };
    expect((await anon().post(path, answers)).status).toBe(201);
    expect((await anon().post(path, answers)).status).toBe(409);
    const stored = await stack.db.survey.findUniqueOrThrow({
      where: { applicationId_round: { applicationId: id, round: 1 } },
    });
    expect(stored).toMatchObject({
      rdProgress: '完成流片验证',
      claimsFiled: 1,
      claimsPaidFen: 120_000n,
      loansObtainedFen: 500_000_000n,
    });
    expect((await anon().get(`${path.slice(0, -3)}abc`)).body.error.code).toBe('LINK_INVALID');
    const expired = await new SignJWT({ round: 1 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(id)
      .setAudience('survey')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 200 * 86_400)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 86_400)
      .sign(new TextEncoder().encode(stack.config.linkSecret));
    const old = await anon().get(`/api/v1/surveys/${expired}`);
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('LINK_EXPIRED');
  });
});

describe('the notice period follows the working-day calendar', () => {
  it('ends five working days after publication, across the National Day holiday and its make-up Saturday', async () => {
    const database = await createTestDatabase();
    const db = createDb(database.url, { maxConnections: 2 });
    try {
      const code = creditCode();
      await db.enterprise.create({
        data: {
          creditCode: code,
          name: '节前企业',
          district: '海淀区',
          size: 'SMALL',
          foundedOn: new Date('2019-01-01'),
          mainField: 'OTHER',
          contactEmail: 'x@example.com',
        },
      });
      await db.application.create({
        data: {
          id: 'HD-2026-HOLIDAY',
          creditCode: code,
          track: 'INCLUSIVE',
          status: 'APPROVED',
          programYear: 2026,
          insurerCode: 'PICC',
          policyNumber: 'P-HOLIDAY',
          productCode: 'HD-GROUP-2026',
          policyStartDate: new Date('2026-03-01'),
          policyEndDate: new Date('2027-02-28'),
          premiumFen: 250_000n,
          paidPremiumFen: 250_000n,
          paidAt: new Date('2026-02-20T02:00:00Z'),
          sumInsuredFen: 1n,
          grantedFen: 250_000n,
          submittedBy: 'x',
          workflowId: applicationWorkflowId('HD-2026-HOLIDAY'),
          programSnapshot: { ...defaultProgram(2026) },
        },
      });
      const calendar = packagedCalendar();
      const notices = createNoticeActivities({ db, calendar: () => Promise.resolve(calendar) });
      // Published Wednesday 30 September 2026, 09:00 Beijing time; 1–7 October are holidays, Saturday 10 October is worked.
      const batch = await notices.publishNoticeBatch({
        batchId: '3f9d9c7e-5a70-4b1e-9f0e-1d2c3b4a5968',
        at: '2026-09-30T01:00:00Z',
        timeAcceleration: 1,
      });
      expect(batch).toEqual({
        batchId: '3f9d9c7e-5a70-4b1e-9f0e-1d2c3b4a5968',
        endsAt: '2026-10-13T16:00:00.000Z',
        applicationIds: ['HD-2026-HOLIDAY'],
      });
      // Publishing again finds the same batch; a second batch finds nothing left to publish.
      expect(
        await notices.publishNoticeBatch({
          batchId: '3f9d9c7e-5a70-4b1e-9f0e-1d2c3b4a5968',
          at: '2026-09-30T01:00:00Z',
          timeAcceleration: 1,
        }),
      ).toEqual(batch);
      expect(
        await notices.publishNoticeBatch({
          batchId: '11111111-2222-4333-8444-555555555555',
          at: '2026-09-30T02:00:00Z',
          timeAcceleration: 1,
        }),
      ).toBeNull();
    } finally {
      await db.$disconnect();
      await database.drop();
    }
  });
});

describe('the daily publication schedule', () => {
  it('runs at 09:00 Beijing time on weekdays, and a scheduled run publishes only on working days', async () => {
    await ensureNoticeSchedule(stack.temporal, stack.config.temporal.taskQueue, 1);
    await ensureNoticeSchedule(stack.temporal, stack.config.temporal.taskQueue, 1); // twice is harmless
    const schedule = stack.temporal.schedule.getHandle(noticeScheduleId(stack.config.temporal.taskQueue));
    try {
      const description = await schedule.describe();
      expect(description.spec.timezone).toBe('Asia/Shanghai');
      expect(description.spec.calendars?.[0]).toMatchObject({
        hour: [{ start: 9, end: 9, step: 1 }],
        minute: [{ start: 0, end: 0, step: 1 }],
        dayOfWeek: [{ start: 'MONDAY', end: 'FRIDAY', step: 1 }],
      });
      const { id } = await approvedApplication();
      await schedule.trigger();
      const workingDay = packagedCalendar().isWorkingDay(
        new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10),
      );
      const scheduledRuns = async () => {
        const runs: { workflowId: string; status: string }[] = [];
        for await (const w of stack.temporal.workflow.list({
          query: `WorkflowType = 'noticeBatchWorkflow'`,
        })) {
          if (w.workflowId.startsWith(`notice-scheduled-${stack.config.temporal.taskQueue}`))
            runs.push({ workflowId: w.workflowId, status: w.status.name });
        }
        return runs;
      };
      if (workingDay) {
        await eventually(
          () => statusOf(id),
          (s) => s === 'IN_PUBLIC_NOTICE',
          30_000,
        );
      } else {
        await eventually(scheduledRuns, (runs) => runs.some((r) => r.status === 'COMPLETED'), 30_000);
        expect(await statusOf(id)).toBe('APPROVED'); // nothing is published on a rest day
      }
    } finally {
      await schedule.delete();
    }
  });
});
