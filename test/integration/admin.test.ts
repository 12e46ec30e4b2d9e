import { applicationWorkflowId } from '../../workflows/application/contract';
import { ApiClient, as, eventually, startStack, type TestStack } from '../helpers/stack';
import {
  approvedApplication as approveInclusive,
  newApplicant,
  setBehaviour,
  submit,
} from '../helpers/world';

let stack: TestStack;
let admin: ApiClient;

beforeAll(async () => {
  // Five working days of review SLA or public notice pass in about ten seconds.
  stack = await startStack({ TIME_ACCELERATION: '75000', PAYMENT_POLL_SECONDS: '30' });
  admin = await as(stack, { role: 'admin', subject: 'admin-liu' });
});
afterAll(async () => {
  await stack?.stop();
});

interface StuckItem {
  kind: string;
  applicationId: string | null;
  workflowId: string;
  status: string | null;
  reason: string;
  since: string;
  ageSeconds: number;
  temporalUrl: string;
  activity?: { type: string; attempt: number; lastFailure: string | null };
}

const statusOf = async (id: string) =>
  (await stack.db.application.findUniqueOrThrow({ where: { id } })).status;

async function stuck(query = ''): Promise<{ items: StuckItem[]; scanned: number; truncated: boolean }> {
  const res = await admin.get(`/api/v1/admin/workflows/stuck${query}`);
  expect(res.status).toBe(200);
  return res.body;
}

async function stuckItem(id: string, kind: string, query = '', timeoutMs = 60_000): Promise<StuckItem> {
  const found = await eventually(
    async () => (await stuck(query)).items.find((i) => i.applicationId === id && i.kind === kind),
    (i) => i !== undefined,
    timeoutMs,
  );
  return found!;
}

const approvedApplication = () => approveInclusive(stack);

async function publish() {
  const res = await admin.post('/api/v1/admin/notices/publish');
  expect(res.status).toBe(201);
}

const timeline = async (id: string) =>
  (await admin.get(`/api/v1/applications/${id}`)).body.timeline as {
    action: string;
    actor: string;
    actorRole: string;
    note: string | null;
  }[];

describe('the stuck list (GET /api/v1/admin/workflows/stuck)', () => {
  it('finds an application whose task is overdue, with its age and a Temporal UI link', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE');
    const id = (await submit(stack, a, 'INCLUSIVE')).body.id as string;
    const item = await stuckItem(id, 'OVERDUE_TASK');
    expect(item).toMatchObject({
      workflowId: applicationWorkflowId(id),
      status: 'INITIAL_REVIEW',
      temporalUrl: `${stack.config.temporal.uiUrl}/namespaces/default/workflows/${applicationWorkflowId(id)}`,
    });
    expect(item.reason).toMatch(/^initial-review task unclaimed, due /);
    expect(item.ageSeconds).toBeGreaterThanOrEqual(0);
    const task = await stack.db.task.findFirstOrThrow({ where: { applicationId: id } });
    expect(item.since).toBe(task.dueAt.toISOString());
    // The workflow flags itself too: NeedsAttention finds it in Temporal's visibility.
    const flagged = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const wf of stack.temporal.workflow.list({
          query: `NeedsAttention=true AND ApplicationId="${id}"`,
        }))
          ids.push(wf.workflowId);
        return ids;
      },
      (ids) => ids.length === 1,
    );
    expect(flagged).toEqual([applicationWorkflowId(id)]);
    const description = await stack.temporal.workflow.getHandle(applicationWorkflowId(id)).describe();
    expect(await description.staticSummary()).toContain(id);
  });

  it('finds an application whose payment activity keeps failing, with the attempt and the last error', async () => {
    const { id } = await approvedApplication();
    await setBehaviour(stack, 'payment', { mode: 'transient-then-succeed', failCount: 10_000 });
    try {
      await publish();
      const item = await stuckItem(id, 'ACTIVITY_RETRYING', '?minAttempts=3');
      expect(item.status).toBe('DISBURSING');
      expect(item.activity).toMatchObject({ type: 'requestPayment' });
      expect(item.activity!.attempt).toBeGreaterThanOrEqual(3);
      expect(item.activity!.lastFailure).toEqual(expect.any(String));
      expect(item.reason).toContain('requestPayment is on attempt');
      // Under the default threshold (5) the same activity is not listed yet.
      expect(
        (await stuck('?minAttempts=1000')).items.some(
          (i) => i.applicationId === id && i.kind === 'ACTIVITY_RETRYING',
        ),
      ).toBe(false);
    } finally {
      await setBehaviour(stack, 'payment', { mode: 'succeed' });
    }
    await eventually(
      () => statusOf(id),
      (s) => s === 'PAID' || s === 'TRACKING',
      90_000,
    );
  });

  it('is for administrators only and checks its query', async () => {
    const finance = await as(stack, { role: 'finance' });
    expect((await finance.get('/api/v1/admin/workflows/stuck')).status).toBe(403);
    expect((await new ApiClient(stack.baseUrl).get('/api/v1/admin/workflows/stuck')).status).toBe(401);
    const bad = await admin.get('/api/v1/admin/workflows/stuck?minAttempts=zero');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('query.minAttempts');
  });
});

describe('administrator actions', () => {
  it('retries a failed payment as a new attempt, on the record, and refuses other roles', async () => {
    const { id } = await approvedApplication();
    await setBehaviour(stack, 'payment', { mode: 'fail-definitive', failureReason: 'ACCOUNT_CLOSED' });
    try {
      await publish();
      const item = await stuckItem(id, 'PAYMENT_FAILED');
      expect(item.reason).toBe('payment attempt 1 failed: ACCOUNT_CLOSED; retry or cancel');
    } finally {
      await setBehaviour(stack, 'payment', { mode: 'succeed' });
    }
    const finance = await as(stack, { role: 'finance' });
    const refused = await finance.post(`/api/v1/admin/applications/${id}/retry-payment`, {
      reason: '账户已更正',
    });
    expect(refused.status).toBe(403);
    const noReason = await admin.post(`/api/v1/admin/applications/${id}/retry-payment`, { reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].path).toBe('body.reason');
    expect(await statusOf(id)).toBe('PAYMENT_FAILED');

    const retried = await admin.post(`/api/v1/admin/applications/${id}/retry-payment`, {
      reason: '企业已更正收款账户',
    });
    expect(retried.status).toBe(200);
    await eventually(
      () => statusOf(id),
      (s) => s === 'PAID' || s === 'TRACKING',
    );
    const payments = await stack.db.payment.findMany({
      where: { applicationId: id },
      orderBy: { attempt: 'asc' },
    });
    expect(payments.map((p) => [p.attempt, p.status])).toEqual([
      [1, 'FAILED'],
      [2, 'SUCCEEDED'],
    ]);
    expect(await timeline(id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'DECISION',
          actor: 'admin-liu',
          actorRole: 'admin',
          note: '企业已更正收款账户',
        }),
      ]),
    );
    expect((await stuck()).items.some((i) => i.applicationId === id)).toBe(false);
    const again = await admin.post(`/api/v1/admin/applications/${id}/retry-payment`, { reason: '再试' });
    expect(again.status).toBe(409);
  });

  it('cancels an application in public notice: reservation released, notice entry removed, applicant told', async () => {
    const { id, a } = await approvedApplication();
    await publish();
    await eventually(
      () => statusOf(id),
      (s) => s === 'IN_PUBLIC_NOTICE',
    );
    const reservation = await stack.db.reservation.findUniqueOrThrow({ where: { applicationId: id } });
    expect(reservation.state).toBe('RESERVED');
    const reviewer = await as(stack, { role: 'reviewer', org: 'street:中关村街道' });
    expect(
      (await reviewer.post(`/api/v1/admin/applications/${id}/cancel`, { reason: '重复申请' })).status,
    ).toBe(403);
    expect(await statusOf(id)).toBe('IN_PUBLIC_NOTICE');

    const res = await admin.post(`/api/v1/admin/applications/${id}/cancel`, {
      reason: '经核查该保单已在其他区获得补贴',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, status: 'REJECTED' });
    expect((await stack.db.reservation.findUniqueOrThrow({ where: { applicationId: id } })).state).toBe(
      'RELEASED',
    );
    expect((await stack.db.noticeItem.findUniqueOrThrow({ where: { applicationId: id } })).removed).toBe(
      'CANCELLED',
    );
    const events = await timeline(id);
    expect(events.at(-1)).toMatchObject({
      action: 'CANCELLED',
      actor: 'admin-liu',
      actorRole: 'admin',
      note: '经核查该保单已在其他区获得补贴',
    });
    const mail = await stack.smtp.waitFor((all) =>
      all.some((m) => m.to.includes(a.email) && m.subject.includes('已被管理部门撤销')),
    );
    expect(mail.find((m) => m.subject.includes('已被管理部门撤销'))!.text).toContain(
      '经核查该保单已在其他区获得补贴',
    );
    const again = await admin.post(`/api/v1/admin/applications/${id}/cancel`, { reason: '再次' });
    expect(again.status).toBe(409);
    const missing = await admin.post('/api/v1/admin/applications/HD-2026-999999/cancel', { reason: 'x' });
    expect(missing.status).toBe(404);
  });

  it('cancels a case under review and cancels its task; a paid one can no longer be cancelled', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE');
    const id = (await submit(stack, a, 'INCLUSIVE')).body.id as string;
    await eventually(
      () => statusOf(id),
      (s) => s === 'INITIAL_REVIEW',
    );
    const res = await admin.post(`/api/v1/admin/applications/${id}/cancel`, { reason: '企业已注销' });
    expect(res.body).toEqual({ id, status: 'REJECTED' });
    const tasks = await stack.db.task.findMany({ where: { applicationId: id } });
    expect(tasks.map((t) => t.state)).toEqual(['CANCELLED']);
    const app = await stack.db.application.findUniqueOrThrow({ where: { id } });
    expect(app.needsAttention).toBe(false);

    const paid = await stack.db.application.findFirst({ where: { status: { in: ['PAID', 'TRACKING'] } } });
    expect(paid).not.toBeNull();
    const refused = await admin.post(`/api/v1/admin/applications/${paid!.id}/cancel`, { reason: '误操作' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/can no longer be cancelled/);
  });
});
