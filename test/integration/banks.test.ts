import { applicationWorkflowId } from '../../workflows/application/contract';
import { bankMatchingWorkflowId } from '../../workflows/bankMatching/contract';
import { settledHistory } from '../helpers/evidence';
import { type ApiClient, as, eventually, type TestStack, stackPerFile } from '../helpers/stack';
import { approveReviews, newApplicant, submit, type Applicant } from '../helpers/world';

let stack: TestStack, admin: ApiClient;
stackPerFile(async (s) => {
  stack = s;
  admin = await as(s, { role: 'admin' });
});

const statusOf = async (id: string) =>
  (await stack.db.application.findUniqueOrThrow({ where: { id } })).status;
const loan = { amountFen: 200_000_000, termMonths: 12, purpose: '研发投入周转' };

const approve = (id: string) => approveReviews(stack, id);

async function optedIn(): Promise<{ a: Applicant; id: string }> {
  const a = await newApplicant(stack, 'INCLUSIVE');
  const res = await submit(stack, a, 'INCLUSIVE');
  const id = res.body.id as string;
  await eventually(
    () => statusOf(id),
    (s) => s === 'INITIAL_REVIEW',
  );
  const set = await a.client.put(`/api/v1/applications/${id}/loan-interest`, { loanInterest: loan });
  expect(set.status).toBe(200);
  return { a, id };
}

describe('partner banks (administration)', () => {
  it('keeps partner banks and their criteria, for administrators only', async () => {
    const bad = await admin.put('/api/v1/admin/banks/TESTBANK', {
      name: '测试银行',
      contactEmail: 'credit@testbank.example',
      criteria: { tracks: ['INCLUSIVE'], minAmountFen: 500, maxAmountFen: 100, maxTermMonths: 12 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('body.criteria.maxAmountFen');
    const ok = await admin.put('/api/v1/admin/banks/TESTBANK', {
      name: '测试银行',
      contactEmail: 'credit@testbank.example',
      criteria: { tracks: ['INCLUSIVE'], minAmountFen: 0, maxAmountFen: 100_000_000, maxTermMonths: 12 },
    });
    expect(ok.status).toBe(201);
    const list = await admin.get('/api/v1/admin/banks');
    expect(list.body.items.map((b: { bankCode: string }) => b.bankCode)).toEqual(
      expect.arrayContaining(['BOB', 'ICBC-HD', 'TESTBANK']),
    );
    const bank = await as(stack, { role: 'bank', bankCode: 'BOB' });
    expect((await bank.get('/api/v1/admin/banks')).status).toBe(403);
  });
});

describe('the loan hand-off of an approved, opted-in enterprise (保贷联动)', () => {
  it('refers it to the matching banks without holding up the subsidy, and e-mails it the offers', async () => {
    const { a, id } = await optedIn();
    await approve(id);
    await eventually(
      () => statusOf(id),
      (s) => s === 'APPROVED',
    );

    // The consent is fixed once the hand-off has started.
    const late = await a.client.put(`/api/v1/applications/${id}/loan-interest`, { loanInterest: null });
    expect(late.status).toBe(409);
    const row = await stack.db.application.findUniqueOrThrow({ where: { id } });
    expect(row.loanConsentAt).not.toBeNull();
    expect(row.loanInterest).toEqual(loan);

    const bob = await as(stack, { role: 'bank', bankCode: 'BOB' });
    const icbc = await as(stack, { role: 'bank', bankCode: 'ICBC-HD' });
    const testbank = await as(stack, { role: 'bank', bankCode: 'TESTBANK' });
    const referralOf = async (client: ApiClient) =>
      (await client.get('/api/v1/bank/referrals')).body.items.find(
        (r: { applicationId: string }) => r.applicationId === id,
      );
    const bobReferral = await eventually(
      () => referralOf(bob),
      (r) => r !== undefined,
    );
    expect(bobReferral.profile).toMatchObject({
      creditCode: a.code,
      contactEmail: a.email,
      loanRequest: loan,
      grantedFen: 250_000,
    });
    expect(JSON.stringify(bobReferral.profile)).not.toContain('6222020200012345678'); // no bank account numbers
    expect(await referralOf(testbank)).toBeUndefined(); // 2 M CNY is above what this bank lends
    const icbcReferral = await referralOf(icbc);
    expect(icbcReferral.status).toBe('SENT');
    await stack.smtp.waitFor((all) =>
      all.some((m) => m.to.includes('kjjr@bob.example') && m.subject.includes('保贷联动')),
    );

    // The subsidy goes on while the banks think it over.
    const published = await admin.post('/api/v1/admin/notices/publish');
    expect(published.status).toBe(201);
    await eventually(
      () => statusOf(id),
      (s) => s === 'IN_PUBLIC_NOTICE',
    );

    // A bank sees and answers only its own referrals, once.
    expect(
      (await icbc.post(`/api/v1/bank/referrals/${bobReferral.id}/response`, { decision: 'declined' })).status,
    ).toBe(404);
    const incomplete = await bob.post(`/api/v1/bank/referrals/${bobReferral.id}/response`, {
      decision: 'granted',
    });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'body.annualRateBp',
      'body.creditLineFen',
      'body.termMonths',
    ]);
    const granted = await bob.post(`/api/v1/bank/referrals/${bobReferral.id}/response`, {
      decision: 'granted',
      creditLineFen: 150_000_000,
      annualRateBp: 320,
      termMonths: 12,
      note: '科技信用贷',
    });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ status: 'GRANTED', late: false });
    const twice = await bob.post(`/api/v1/bank/referrals/${bobReferral.id}/response`, {
      decision: 'declined',
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('ALREADY_ANSWERED');
    await icbc.post(`/api/v1/bank/referrals/${icbcReferral.id}/response`, {
      decision: 'declined',
      note: '额度已满',
    });

    const [offer] = (
      await stack.smtp.waitFor((all) =>
        all.some((m) => m.to.includes(a.email) && m.subject.includes('授信意向')),
      )
    ).filter((m) => m.to.includes(a.email) && m.subject.includes('授信意向'));
    expect(offer!.text).toContain('北京银行中关村分行：授信额度 ¥1,500,000.00，年利率 3.20%，期限 12 个月');
    expect(offer!.text).not.toContain('工商银行');
    const handle = stack.temporal.workflow.getHandle(bankMatchingWorkflowId(id));
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const stored = await stack.db.bankReferral.findMany({
      where: { applicationId: id },
      orderBy: { bankCode: 'asc' },
    });
    expect(stored.map((r) => [r.bankCode, r.status, r.creditLineFen])).toEqual([
      ['BOB', 'GRANTED', 150_000_000n],
      ['ICBC-HD', 'DECLINED', null],
    ]);
    expect(
      (await bob.post(`/api/v1/bank/referrals/${bobReferral.id}/response`, { decision: 'declined' })).status,
    ).toBe(409);
    const timeline = (await a.client.get(`/api/v1/applications/${id}`)).body.timeline.map(
      (e: { action: string }) => e.action,
    );
    expect(timeline).toEqual(
      expect.arrayContaining([
        'BANK_MATCHING_STARTED',
        'BANK_REFERRALS_SENT',
        'BANK_RESPONSE',
        'BANK_OFFERS_SENT',
      ]),
    );
  });

  it('lets administrators find open hand-offs by application in the Temporal UI', async () => {
    const { id } = await optedIn();
    await approve(id);
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const w of stack.temporal.workflow.list({
          query: `WorkflowType = 'bankMatchingWorkflow' AND ApplicationId = '${id}' AND ExecutionStatus = 'Running'`,
        })) {
          ids.push(w.workflowId);
        }
        return ids;
      },
      (ids) => ids.length === 1,
    );
    expect(found).toEqual([bankMatchingWorkflowId(id)]);
  });

  it('hands nobody over who did not opt in', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE');
    const id = (await submit(stack, a, 'INCLUSIVE')).body.id as string;
    await approve(id);
    await eventually(
      () => statusOf(id),
      (s) => s === 'APPROVED',
    );
    // Past the hand-off, the workflow waits for the public notice: it started no child, referred nobody.
    const events = await settledHistory(stack.temporal, applicationWorkflowId(id));
    expect(events.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toEqual([]);
    expect(await stack.db.bankReferral.count({ where: { applicationId: id } })).toBe(0);
  });
});
