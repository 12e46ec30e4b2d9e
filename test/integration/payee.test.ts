import { type ApiClient, as, eventually, startStack, type TestStack } from '../helpers/stack';
import { approveReviews, newApplicant, setBehaviour, submit, type Applicant } from '../helpers/world';

/**
 * Money cannot be redirected: the payee is fixed at final approval, a later change of the profile pays
 * nobody else, and a change of payee takes effect only when finance approves it (never its requester).
 */
let stack: TestStack;
let admin: ApiClient;
let financeWang: ApiClient;
let auditor: ApiClient;

const ACCOUNT_A = {
  bankName: '中国工商银行',
  accountName: '北京海淀测试科技有限公司',
  accountNumber: '6222020200012345678',
};
const ACCOUNT_B = {
  bankName: '中国建设银行',
  accountName: '北京海淀测试科技有限公司',
  accountNumber: '6217000010009876543',
};
const ACCOUNT_C = { bankName: '招商银行', accountName: '某某空壳公司', accountNumber: '6214830000111122' };

beforeAll(async () => {
  // Five working days of public notice pass in a few seconds.
  stack = await startStack({ TIME_ACCELERATION: '75000', PAYMENT_POLL_SECONDS: '30' });
  admin = await as(stack, { role: 'admin', subject: 'admin-liu' });
  financeWang = await as(stack, { role: 'finance', subject: 'finance-wang' });
  auditor = await as(stack, { role: 'auditor', subject: 'auditor-zhao' });
});
afterAll(async () => {
  await stack?.stop();
});

const statusOf = async (id: string) =>
  (await stack.db.application.findUniqueOrThrow({ where: { id } })).status;

async function paidAccounts(id: string): Promise<string[]> {
  const rows = (await (await fetch(`${stack.simulatorUrl}/sim/payment/payments`)).json()) as {
    payee: { accountNumber?: string };
    reference: string;
  }[];
  return rows.filter((r) => r.reference === id).map((r) => r.payee.accountNumber ?? '');
}

/** An SRDI application (paid to the enterprise) approved with account A, its payment failing definitively. */
async function approvedWithFailedPayment(): Promise<{ id: string; a: Applicant }> {
  const a = await newApplicant(stack, 'SRDI');
  const id = (await submit(stack, a, 'SRDI')).body.id as string;
  await setBehaviour(stack, 'payment', { mode: 'fail-definitive', failureReason: 'ACCOUNT_CLOSED' });
  try {
    await approveReviews(stack, id, 'committee');
    await eventually(
      () => statusOf(id),
      (s) => s === 'APPROVED',
    );
    expect((await admin.post('/api/v1/admin/notices/publish')).status).toBe(201);
    await eventually(
      () => statusOf(id),
      (s) => s === 'PAYMENT_FAILED',
      90_000,
    );
  } finally {
    await setBehaviour(stack, 'payment', { mode: 'fail-definitive', failureReason: 'ACCOUNT_CLOSED' });
  }
  return { id, a };
}

it('pays the account fixed at final approval after the profile changes, until finance approves a change of payee', async () => {
  const { id, a } = await approvedWithFailedPayment();
  expect(await paidAccounts(id)).toEqual([ACCOUNT_A.accountNumber]);

  // An administrator changes the profile's account and contact address, then retries the payment.
  const profile = (await admin.get(`/api/v1/enterprises/${a.code}`)).body;
  const newEmail = `new-${a.email}`;
  const put = await admin.put(`/api/v1/enterprises/${a.code}`, {
    name: profile.name,
    district: profile.district,
    size: profile.size,
    foundedOn: profile.foundedOn,
    mainField: profile.mainField,
    contactEmail: newEmail,
    bankAccount: ACCOUNT_C,
  });
  expect(put.status).toBe(200);
  expect(
    (await admin.post(`/api/v1/admin/applications/${id}/retry-payment`, { reason: '账户已更正' })).status,
  ).toBe(200);
  await eventually(
    () => paidAccounts(id),
    (p) => p.length === 2,
  );
  // The money still goes to the approved account.
  expect(await paidAccounts(id)).toEqual([ACCOUNT_A.accountNumber, ACCOUNT_A.accountNumber]);
  await eventually(
    () => statusOf(id),
    (s) => s === 'PAYMENT_FAILED',
  );

  // The profile change is on the audit trail, with who and before/after (masked).
  const trail = await auditor.get(`/api/v1/audit?entity=enterprise&entityId=${a.code}`);
  expect(trail.status).toBe(200);
  const change = trail.body.items.find((e: { action: string }) => e.action === 'ENTERPRISE_UPDATED');
  expect(change).toMatchObject({
    actor: 'admin-liu',
    actorRole: 'admin',
    entity: 'enterprise',
    entityId: a.code,
  });
  expect(change.data.before.bankAccount.accountNumber).toBe('***************5678');
  expect(change.data.after.bankAccount.accountNumber).toBe('************1122');
  expect(change.data.after.contactEmail).toBe(newEmail);
  expect(JSON.stringify(trail.body)).not.toContain(ACCOUNT_C.accountNumber);

  // A change of payee: asked by the administrator, refused to the same person, approved by finance.
  const asked = await admin.post(`/api/v1/applications/${id}/payee-changes`, {
    bankAccount: ACCOUNT_B,
    reason: '企业更换基本户',
  });
  expect(asked.status).toBe(201);
  expect(asked.body).toMatchObject({
    state: 'PENDING',
    from: { accountNumber: '***************5678' },
    to: { accountNumber: '***************6543' },
  });
  expect(
    (await admin.post(`/api/v1/applications/${id}/payee-changes`, { bankAccount: ACCOUNT_B, reason: '再次' }))
      .status,
  ).toBe(409);
  // Both the address at approval and the new one hear of it at once.
  await stack.smtp.waitFor((all) =>
    [a.email, newEmail].every((to) =>
      all.some((m) => m.to.includes(to) && m.subject.includes('收款账户变更申请')),
    ),
  );
  expect(
    (
      await admin.post(`/api/v1/payee-changes/${asked.body.id}/decision`, {
        decision: 'approve',
        comment: '同意',
      })
    ).status,
  ).toBe(403);

  // Still the approved account until finance decides.
  expect(
    (await admin.post(`/api/v1/admin/applications/${id}/retry-payment`, { reason: '再试' })).status,
  ).toBe(200);
  await eventually(
    () => paidAccounts(id),
    (p) => p.length === 3,
  );
  expect((await paidAccounts(id))[2]).toBe(ACCOUNT_A.accountNumber);
  await eventually(
    () => statusOf(id),
    (s) => s === 'PAYMENT_FAILED',
  );

  const pending = await financeWang.get('/api/v1/payee-changes?state=PENDING');
  expect(pending.body.items.map((c: { id: string }) => c.id)).toContain(asked.body.id);
  const approved = await financeWang.post(`/api/v1/payee-changes/${asked.body.id}/decision`, {
    decision: 'approve',
    comment: '已核对开户许可证',
  });
  expect(approved.status).toBe(200);
  expect(approved.body).toMatchObject({ state: 'APPROVED', decidedBy: 'finance-wang' });
  await stack.smtp.waitFor((all) =>
    [a.email, newEmail].every((to) =>
      all.some((m) => m.to.includes(to) && m.subject.includes('收款账户变更已生效')),
    ),
  );

  await setBehaviour(stack, 'payment', { mode: 'succeed' });
  expect(
    (await admin.post(`/api/v1/admin/applications/${id}/retry-payment`, { reason: '新账户' })).status,
  ).toBe(200);
  await eventually(
    () => statusOf(id),
    (s) => s === 'PAID' || s === 'TRACKING',
    60_000,
  );
  expect((await paidAccounts(id)).at(-1)).toBe(ACCOUNT_B.accountNumber);
  expect(await paidAccounts(id)).not.toContain(ACCOUNT_C.accountNumber);

  // On the application's audit trail: who asked, who approved, old and new (masked).
  const appTrail = (await auditor.get(`/api/v1/audit?applicationId=${id}`)).body.items as {
    action: string;
    actor: string;
    data: { from?: { accountNumber: string }; to?: { accountNumber: string } } | null;
  }[];
  expect(appTrail.find((e) => e.action === 'PAYEE_CHANGE_REQUESTED')).toMatchObject({ actor: 'admin-liu' });
  expect(appTrail.find((e) => e.action === 'PAYEE_CHANGED')).toMatchObject({
    actor: 'finance-wang',
    data: { from: { accountNumber: '***************5678' }, to: { accountNumber: '***************6543' } },
  });
  // A paid grant can no longer be redirected.
  expect(
    (await admin.post(`/api/v1/applications/${id}/payee-changes`, { bankAccount: ACCOUNT_C, reason: 'x' }))
      .status,
  ).toBe(409);
});

it('bars finance from approving its own request, lets the applicant ask for its own grant only, and refuses the insurer-paid track', async () => {
  const { id, a } = await approvedWithFailedPayment();
  const other = await newApplicant(stack, 'SRDI');
  expect(
    (
      await other.client.post(`/api/v1/applications/${id}/payee-changes`, {
        bankAccount: ACCOUNT_C,
        reason: '冒领',
      })
    ).status,
  ).toBe(404);
  const own = await a.client.post(`/api/v1/applications/${id}/payee-changes`, {
    bankAccount: ACCOUNT_B,
    reason: '更换账户',
  });
  expect(own.status).toBe(201);
  expect(
    (
      await financeWang.post(`/api/v1/payee-changes/${own.body.id}/decision`, {
        decision: 'reject',
        comment: '材料不全',
      })
    ).body,
  ).toMatchObject({ state: 'REJECTED' });
  // Finance asking (as an administrator would) cannot approve its own request either.
  const financeAdmin = await as(stack, { role: 'admin', subject: 'finance-wang' });
  const mine = await financeAdmin.post(`/api/v1/applications/${id}/payee-changes`, {
    bankAccount: ACCOUNT_B,
    reason: '更换账户',
  });
  expect(mine.status).toBe(201);
  const self = await financeWang.post(`/api/v1/payee-changes/${mine.body.id}/decision`, {
    decision: 'approve',
    comment: '同意',
  });
  expect(self.status).toBe(403);
  expect(self.body.error.code).toBe('FOUR_EYES');
  expect(
    (
      await auditor.post(`/api/v1/payee-changes/${mine.body.id}/decision`, {
        decision: 'approve',
        comment: '同意',
      })
    ).status,
  ).toBe(403);

  const inclusive = await newApplicant(stack, 'INCLUSIVE');
  const inclusiveId = (await submit(stack, inclusive, 'INCLUSIVE')).body.id as string;
  await approveReviews(stack, inclusiveId);
  await eventually(
    () => statusOf(inclusiveId),
    (s) => s === 'APPROVED',
  );
  const insurer = await inclusive.client.post(`/api/v1/applications/${inclusiveId}/payee-changes`, {
    bankAccount: ACCOUNT_B,
    reason: 'x',
  });
  expect(insurer.status).toBe(409);
});
