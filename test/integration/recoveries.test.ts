import {
  RECONCILIATION_WORKFLOW_TYPE,
  type ReconciliationInput,
  type ReconciliationResult,
} from '../../workflows/recovery/contract';
import { RecoveryExceedsGrant, recoveryWorkflowId } from '../../data/recovery';
import { openRecovery } from '../../temporal/recoveryWorkflows';
import { formatFen } from '../../domain/money';
import { sentMail } from '../helpers/evidence';
import { type ApiClient, as, eventually, startStack, type TestStack } from '../helpers/stack';
import { approvedApplication, type Applicant } from '../helpers/world';

/**
 * Recovery (追回) on the real stack: paid grants, the insurer's changes in its simulator, the reconciliation
 * workflow started directly (its schedule is off in tests), the case's workflow and the API.
 */
let stack: TestStack;
let admin: ApiClient;
let finance: ApiClient;
let approver: ApiClient;
const paid: { id: string; a: Applicant; grantFen: number; insurerCode: string; policyNumber: string }[] = [];

beforeAll(async () => {
  stack = await startStack({ TIME_ACCELERATION: '75000' });
  admin = await as(stack, { role: 'admin' });
  finance = await as(stack, { role: 'finance', subject: 'finance-recovery' });
  approver = await as(stack, { role: 'approver', subject: 'approver-recovery', org: 'committee' });
  const approved = [await approvedApplication(stack), await approvedApplication(stack)];
  expect((await admin.post('/api/v1/admin/notices/publish')).status).toBe(201);
  for (const { id, a } of approved) {
    const app = await eventually(
      () => stack.db.application.findUniqueOrThrow({ where: { id } }),
      (r) => r.disbursedAt !== null,
      60_000,
    );
    paid.push({
      id,
      a,
      grantFen: Number(app.grantedFen),
      insurerCode: app.insurerCode,
      policyNumber: app.policyNumber,
    });
  }
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const terms = { deadlineWorkingDays: 250, escalationWorkingDays: 250, timeAcceleration: 75000 };

function reconcile(overrides: Partial<ReconciliationInput> = {}): Promise<ReconciliationResult> {
  return stack.temporal.workflow.execute(RECONCILIATION_WORKFLOW_TYPE, {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId: `reconcile-${Date.now()}-${Math.random()}`,
    args: [{ trigger: 'direct', fullRecoveryMonths: 6, pageSize: 1, ...terms, ...overrides }],
  });
}

async function change(p: (typeof paid)[number], body: Record<string, unknown>) {
  const res = await fetch(
    `${stack.simulatorUrl}/sim/insurer/policies/${p.insurerCode}/${encodeURIComponent(p.policyNumber)}/changes`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
}

const casesOf = (applicationId: string) =>
  stack.db.recoveryCase.findMany({ where: { applicationId }, orderBy: { createdAt: 'asc' } });
const spent = async (year: number) =>
  Number(
    (await stack.db.budget.findUniqueOrThrow({ where: { year_track: { year, track: 'ALL' } } })).spentFen,
  );

describe('recovery of paid grants', () => {
  it('recovers the whole grant of a policy cancelled within six months, once, repaid in two parts', async () => {
    const p = paid[0]!;
    await change(p, {
      id: `CXL-${p.id}`,
      kind: 'CANCELLATION',
      effectiveDate: '2026-05-01',
      premiumDeltaFen: -100_000,
    });
    const first = await reconcile();
    expect(first).toMatchObject({ opened: 1, skipped: false });
    expect(first.policies).toBeGreaterThanOrEqual(2);
    expect(await reconcile()).toMatchObject({ opened: 0 });
    const [c, ...more] = await casesOf(p.id);
    expect(more).toEqual([]);
    expect(Number(c!.amountFen)).toBe(p.grantFen);
    expect(c!.ruleZh).toContain('6 个月内');

    // The enterprise is told by e-mail, with the deadline; the case is in the lists.
    const [mail] = await sentMail(stack.db, { applicationId: p.id, template: 'recovery_notice' }, 1);
    expect(mail!.subject).toContain('补贴追回');
    const listed = await finance.get(`/api/v1/recoveries?state=OPEN`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((i: { id: string }) => i.id)).toContain(c!.id);
    const own = await p.a.client.get(`/api/v1/applications/${p.id}/recoveries`);
    expect(own.body.items[0]).toMatchObject({ id: c!.id, amountFen: p.grantFen, ruleZh: c!.ruleZh });
    expect(own.body.items[0].deadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const year = c!.budgetYear;
    const spentBefore = await spent(year);
    const part = Math.floor(p.grantFen / 3);
    const url = `/api/v1/recoveries/${c!.id}/repayments`;
    const repay = { amountFen: part, bankReference: 'BR-0001', paidOn: '2026-12-01' };
    const r1 = await finance.post(url, repay);
    expect(r1.status).toBe(201);
    expect(r1.body).toMatchObject({
      state: 'PARTIALLY_REPAID',
      repaidFen: part,
      outstandingFen: p.grantFen - part,
    });
    // The same bank reference again records nothing more.
    const again = await finance.post(url, repay);
    expect(again.status).toBe(200);
    expect(again.body.repaidFen).toBe(part);

    // Bad input changes nothing: an unknown field, more than outstanding, a day in the future, another role.
    const unknown = await finance.post(url, { ...repay, bankReference: 'BR-x', note: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.note']);
    const above = await finance.post(url, { ...repay, bankReference: 'BR-0002', amountFen: p.grantFen });
    expect(above.status).toBe(400);
    expect(above.body.error.details).toEqual([
      { path: 'body.amountFen', message: expect.stringContaining('exceeds the outstanding') },
    ]);
    const future = await finance.post(url, { ...repay, bankReference: 'BR-0003', paidOn: '2099-01-01' });
    expect(future.body.error.details[0].path).toBe('body.paidOn');
    expect((await p.a.client.post(url, { ...repay, bankReference: 'BR-0004' })).status).toBe(403);
    expect((await approver.post(url, { ...repay, bankReference: 'BR-0005' })).status).toBe(403);
    expect(
      (await (await as(stack, { role: 'reviewer', org: 'committee' })).get('/api/v1/recoveries')).status,
    ).toBe(403);

    const r2 = await finance.post(url, {
      amountFen: p.grantFen - part,
      bankReference: 'BR-0006',
      paidOn: '2026-12-02',
    });
    expect(r2.body).toMatchObject({ state: 'REPAID', outstandingFen: 0 });
    expect(r2.body.repayments.map((r: { bankReference: string }) => r.bankReference)).toEqual([
      'BR-0001',
      'BR-0006',
    ]);
    expect(await spent(year)).toBe(spentBefore - p.grantFen);
    expect((await finance.post(url, { ...repay, bankReference: 'BR-0007', amountFen: 1 })).status).toBe(409);

    // The case's workflow ends; every step is in the application's audit trail.
    expect(await stack.temporal.workflow.getHandle(recoveryWorkflowId(c!.id)).result()).toBe('closed');
    const actions = (
      await stack.db.auditEvent.findMany({ where: { applicationId: p.id }, orderBy: { id: 'asc' } })
    )
      .map((e) => e.action)
      .filter((a) => a.startsWith('RECOVERY_'));
    expect(actions).toEqual(['RECOVERY_OPENED', 'RECOVERY_NOTICED', 'RECOVERY_REPAID', 'RECOVERY_REPAID']);
    // The applicant's timeline shows them.
    const timeline = (await p.a.client.get(`/api/v1/applications/${p.id}`)).body.timeline as {
      action: string;
      summary: { en: string } | null;
    }[];
    const repaid = timeline.filter((t) => t.action === 'RECOVERY_REPAID').map((t) => t.summary?.en);
    expect(repaid.at(-1)).toBe(
      `${formatFen(p.grantFen - part)} repaid (reference BR-0006), ¥0.00 outstanding`,
    );
  });

  it('recovers the subsidy share of a partial refund, reminds, escalates, and an approver waives the rest', async () => {
    const p = paid[1]!;
    const app = await stack.db.application.findUniqueOrThrow({ where: { id: p.id } });
    const premium = Number(app.paidPremiumFen);
    await change(p, {
      kind: 'REFUND',
      effectiveDate: '2026-10-01',
      premiumDeltaFen: -Math.floor(premium / 4),
    });
    expect(await reconcile({ deadlineWorkingDays: 1, escalationWorkingDays: 1 })).toMatchObject({
      opened: 1,
    });
    const [c] = await casesOf(p.id);
    const share = Number((BigInt(p.grantFen) * BigInt(Math.floor(premium / 4))) / BigInt(premium));
    expect(Number(c!.amountFen)).toBe(share);
    expect(c!.ruleEn).toContain('subsidy share');

    // A repayment by someone who is also an approver bars that person from waiving (four-eyes).
    const both = await as(stack, { role: 'finance', subject: 'zhang-both' });
    const bothApprover = await as(stack, { role: 'approver', subject: 'zhang-both', org: 'committee' });
    const url = `/api/v1/recoveries/${c!.id}`;
    expect(
      (await both.post(`${url}/repayments`, { amountFen: 1, bankReference: 'BR-1', paidOn: '2026-12-01' }))
        .status,
    ).toBe(201);
    await eventually(
      () => stack.db.recoveryCase.findUniqueOrThrow({ where: { id: c!.id } }),
      (r) => r.escalatedAt !== null,
      30_000,
    );
    await sentMail(stack.db, { applicationId: p.id, template: 'recovery_reminder' }, 1);
    const refused = await bothApprover.post(`${url}/waive`, { reason: '企业已注销' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FOUR_EYES');
    expect((await approver.post(`${url}/waive`, { reason: '' })).status).toBe(400);
    expect((await finance.post(`${url}/waive`, { reason: '企业已注销' })).status).toBe(403);
    const waived = await approver.post(`${url}/waive`, { reason: '企业已注销，无可追回' });
    expect(waived.status).toBe(200);
    expect(waived.body).toMatchObject({
      state: 'WAIVED',
      waivedBy: 'approver-recovery',
      outstandingFen: 0,
      repaidFen: 1,
    });
    expect(await stack.temporal.workflow.getHandle(recoveryWorkflowId(c!.id)).result()).toBe('closed');
    const audit = await stack.db.auditEvent.findFirst({
      where: { applicationId: p.id, action: 'RECOVERY_WAIVED' },
    });
    expect(audit?.note).toBe('企业已注销，无可追回');
  });

  it('opens a case for another source once, and records each repayment once across a worker stop', async () => {
    const p = paid[1]!;
    const visit = {
      applicationId: p.id,
      source: 'SITE_VISIT' as const,
      sourceRef: `visit-${p.id}`,
      amountFen: 100,
      ruleZh: '现场核查未通过：追回 ¥1.00',
      ruleEn: 'Site visit failed: ¥1.00 recovered',
    };
    const queue = stack.config.temporal.taskQueue;
    const opened = await openRecovery(stack.db, stack.temporal, queue, visit, terms);
    expect(opened.created).toBe(true);
    expect(await openRecovery(stack.db, stack.temporal, queue, visit, terms)).toEqual({
      ...opened,
      created: false,
    });
    await expect(
      openRecovery(
        stack.db,
        stack.temporal,
        queue,
        { ...visit, sourceRef: 'other', amountFen: p.grantFen },
        terms,
      ),
    ).rejects.toBeInstanceOf(RecoveryExceedsGrant);
    await sentMail(
      stack.db,
      { applicationId: p.id, template: 'recovery_notice', key: { contains: opened.id } },
      1,
    );

    const c = await stack.db.recoveryCase.findUniqueOrThrow({ where: { id: opened.id } });
    const before = await spent(c.budgetYear);
    const url = `/api/v1/recoveries/${opened.id}/repayments`;
    await stack.stopWorker();
    try {
      const first = { amountFen: 60, bankReference: 'BR-K1', paidOn: '2026-12-01' };
      expect((await finance.post(url, first)).status).toBe(201);
      expect((await finance.post(url, first)).status).toBe(200);
    } finally {
      await stack.startWorker();
    }
    expect(
      (await finance.post(url, { amountFen: 40, bankReference: 'BR-K2', paidOn: '2026-12-02' })).body.state,
    ).toBe('REPAID');
    expect(await stack.temporal.workflow.getHandle(recoveryWorkflowId(opened.id)).result()).toBe('closed');
    expect(await stack.db.recoveryRepayment.count({ where: { caseId: opened.id } })).toBe(2);
    expect(await spent(c.budgetYear)).toBe(before - 100);
    const repaidSteps = await stack.db.auditEvent.count({
      where: {
        applicationId: p.id,
        action: 'RECOVERY_REPAID',
        data: { path: ['caseId'], equals: opened.id },
      },
    });
    expect(repaidSteps).toBe(2);
  });
});
