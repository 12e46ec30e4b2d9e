/**
 * Anomaly flags through the real stack: computed as the precheck is recorded, shown to staff on the task and
 * the application, listed for administrators with counts by kind, dismissed with a reason (audited), and left
 * dismissed by the nightly run (refreshFlags over every live application, called here, not waited for).
 */
import { refreshFlags } from '../../data/riskFlags';
import { secretBoxFor } from '../../platform/secretBox';
import { applicationRow, enterpriseRow } from '../helpers/evaluationRows';
import { creditCode } from '../helpers/fixtures';
import { as, eventually, type ApiClient, type TestStack, stackPerFile } from '../helpers/stack';
import { liveTask, newApplicant, submit } from '../helpers/world';

let stack: TestStack, admin: ApiClient;
stackPerFile(async (s) => {
  stack = s;
  admin = await as(s, { role: 'admin' });
});

const STREET = 'street:中关村街道';

async function inReview(client: ApiClient, id: string) {
  return (
    await eventually(
      () => client.get(`/api/v1/applications/${id}`),
      (r) => r.body.currentTask?.queue === 'initial-review',
    )
  ).body;
}

const kinds = (flags: { kind: string }[]) => flags.map((f) => f.kind);

describe('anomaly flags for reviewers', () => {
  let first: string, second: string, sharedEmail: string;

  it('flags two enterprises with the same contact e-mail at precheck, and the reviewer sees it on the task', async () => {
    sharedEmail = `shared-${Date.now()}@example.com`;
    const a = await newApplicant(stack, 'INCLUSIVE', {}, { contactEmail: sharedEmail });
    const b = await newApplicant(stack, 'INCLUSIVE', {}, { contactEmail: sharedEmail.toUpperCase() });
    first = (await submit(stack, a, 'INCLUSIVE')).body.id;
    second = (await submit(stack, b, 'INCLUSIVE')).body.id;
    await inReview(a.client, first);
    await inReview(b.client, second);

    const detail = (await admin.get(`/api/v1/applications/${first}`)).body;
    const flag = detail.riskFlags.find((f: { kind: string }) => f.kind === 'SHARED_CONTACT_EMAIL');
    expect(flag).toMatchObject({ state: 'open', evidence: { contactEmail: sharedEmail } });
    expect(flag.evidence.others).toEqual([
      expect.objectContaining({ creditCode: b.code, applicationIds: [second] }),
    ]);
    expect(flag.reasonZh).toContain('联系邮箱与其他 1 家企业相同');
    expect(flag.reasonEn).toContain('contact e-mail');

    const reviewer = await as(stack, { role: 'reviewer', org: STREET });
    const task = await liveTask(stack, second, 'initial-review');
    const list = await reviewer.get(`/api/v1/tasks?queue=initial-review&applicationId=${second}`);
    expect(list.status).toBe(200);
    expect(kinds(list.body.items[0].riskFlags)).toContain('SHARED_CONTACT_EMAIL');
    const view = await reviewer.get(`/api/v1/tasks/${task.id}`);
    expect(kinds(view.body.riskFlags)).toContain('SHARED_CONTACT_EMAIL');
    expect(view.body.riskFlags[0].evidence.others[0].creditCode).toBe(a.code);

    // The applicant never sees them: the evidence names other enterprises.
    expect((await a.client.get(`/api/v1/applications/${first}`)).body.riskFlags).toBeNull();
    // Both enterprises' accounts are the fixtures' one account: flagged too, by its digest, never its number.
    const account = detail.riskFlags.find((f: { kind: string }) => f.kind === 'SHARED_BANK_ACCOUNT');
    expect(account.evidence.accountNumber).toBe('***************5678');
    expect(JSON.stringify(detail.riskFlags)).not.toContain('6222020200012345678');
  });

  it('flags a premium far outside the product’s history, and not a usual one', async () => {
    // The product's history: ten earlier applications of other enterprises at about 100,000 元.
    for (let i = 0; i < 10; i++) {
      const code = creditCode();
      await enterpriseRow(stack.db, code, `历史企业${i}`, 'ARTIFICIAL_INTELLIGENCE');
      await applicationRow(stack.db, {
        id: `HD-2025-H${code}`,
        creditCode: code,
        track: 'SRDI',
        status: 'CLOSED',
        programYear: 2025,
        createdAt: '2025-04-01T02:00:00Z',
        premiumFen: 9_500_000 + i * 100_000,
        sumInsuredFen: 500_000_000,
      });
    }
    const a = await newApplicant(stack, 'SRDI');
    const outlier = (
      await submit(stack, a, 'SRDI', { policy: { premiumFen: 250_000_000, paidPremiumFen: 250_000_000 } })
    ).body.id;
    const b = await newApplicant(stack, 'SRDI');
    const usual = (await submit(stack, b, 'SRDI')).body.id;
    for (const [client, id] of [
      [a.client, outlier],
      [b.client, usual],
    ] as const)
      await eventually(
        () => client.get(`/api/v1/applications/${id}`),
        (r) => r.body.currentTask !== null,
      );
    const flags = (await admin.get(`/api/v1/applications/${outlier}`)).body.riskFlags;
    const flag = flags.find((f: { kind: string }) => f.kind === 'PREMIUM_OUTLIER');
    expect(flag.evidence).toMatchObject({ productCode: 'PICC-RD-001', premiumFen: 250_000_000, sample: 12 });
    expect(flag.evidence.medianFen).toBeGreaterThan(9_000_000);
    expect(flag.evidence.medianFen).toBeLessThan(10_500_000);
    expect(flag.reasonZh).toContain('2,500,000.00 元');
    expect(kinds((await admin.get(`/api/v1/applications/${usual}`)).body.riskFlags)).not.toContain(
      'PREMIUM_OUTLIER',
    );
  });

  it('flags a new application for a policy whose earlier application the enterprise withdrew', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE', {}, { contactEmail: `own-${Date.now()}@example.com` });
    const policyNumber = `P-RE-${Date.now()}`;
    const earlier = (await submit(stack, a, 'INCLUSIVE', { policy: { policyNumber } })).body.id;
    await inReview(a.client, earlier);
    const w = await a.client.post(`/api/v1/applications/${earlier}/withdraw`, { reason: '信息填写有误' });
    expect(w.status).toBe(200);
    const again = (await submit(stack, a, 'INCLUSIVE', { policy: { policyNumber } })).body.id;
    await inReview(a.client, again);
    const flag = (await admin.get(`/api/v1/applications/${again}`)).body.riskFlags.find(
      (f: { kind: string }) => f.kind === 'POLICY_REAPPLIED',
    );
    expect(flag.evidence).toMatchObject({ id: earlier, status: 'WITHDRAWN', policyNumber, samePolicy: true });
    expect(flag.reasonZh).toContain(`申请 ${earlier} 已撤回`);
  });

  it('lists the flags for administrators with counts by kind; reviewers and applicants may not', async () => {
    const list = await admin.get('/api/v1/risk/flags?kind=SHARED_CONTACT_EMAIL');
    expect(list.status).toBe(200);
    expect(list.body.items.map((f: { applicationId: string }) => f.applicationId)).toEqual(
      expect.arrayContaining([first, second]),
    );
    expect(list.body.items.every((f: { kind: string }) => f.kind === 'SHARED_CONTACT_EMAIL')).toBe(true);
    const counts = Object.fromEntries(
      list.body.counts.map((c: { kind: string; count: number }) => [c.kind, c.count]),
    );
    expect(counts).toMatchObject({ SHARED_CONTACT_EMAIL: 2, PREMIUM_OUTLIER: 1, POLICY_REAPPLIED: 1 });
    expect(counts.SHARED_BANK_ACCOUNT).toBeGreaterThanOrEqual(2);

    const auditor = await as(stack, { role: 'auditor' });
    expect((await auditor.get('/api/v1/risk/flags?state=dismissed')).status).toBe(200);
    const reviewer = await as(stack, { role: 'reviewer', org: STREET });
    const applicant = await as(stack, { role: 'applicant', creditCode: creditCode() });
    expect((await reviewer.get('/api/v1/risk/flags')).status).toBe(403);
    expect((await applicant.get('/api/v1/risk/flags')).status).toBe(403);
    const bad = await admin.get('/api/v1/risk/flags?kind=PHONE&foo=1');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('query.kind');
  });

  it('dismisses a flag with a reason, audited, and a re-run leaves it dismissed and adds nothing', async () => {
    const flag = (await admin.get(`/api/v1/applications/${first}`)).body.riskFlags.find(
      (f: { kind: string }) => f.kind === 'SHARED_CONTACT_EMAIL',
    );
    const url = `/api/v1/risk/flags/${flag.id}/dismiss`;
    const noReason = await admin.post(url, { reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body.error.details)).toContain('body.reason');
    expect((await admin.post(url, { reason: 'x', extra: 1 })).status).toBe(400);
    expect((await (await as(stack, { role: 'auditor' })).post(url, { reason: '核实' })).status).toBe(403);

    const res = await admin.post(url, { reason: '两家企业为同一集团，财务共用邮箱，已电话核实' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'dismissed',
      dismissReason: '两家企业为同一集团，财务共用邮箱，已电话核实',
    });
    expect((await admin.post(url, { reason: '再次' })).status).toBe(409);
    expect((await admin.post('/api/v1/risk/flags/nope/dismiss', { reason: '核实' })).status).toBe(404);

    const audit = await admin.get(`/api/v1/audit?entity=riskFlag&entityId=${flag.id}`);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        action: 'RISK_FLAG_DISMISSED',
        actorRole: 'admin',
        note: '两家企业为同一集团，财务共用邮箱，已电话核实',
      }),
    ]);

    const before = await stack.db.riskFlag.count();
    const run = await refreshFlags(stack.db, secretBoxFor(stack.config.dataKey));
    expect(run.created).toBe(0);
    const again = await refreshFlags(stack.db, secretBoxFor(stack.config.dataKey));
    expect(again).toMatchObject({ created: 0, updated: 0 });
    expect(await stack.db.riskFlag.count()).toBe(before);
    const after = (await admin.get(`/api/v1/applications/${first}`)).body.riskFlags.find(
      (f: { id: string }) => f.id === flag.id,
    );
    expect(after).toMatchObject({ state: 'dismissed', dismissedBy: expect.any(String) });
    const open = await admin.get('/api/v1/risk/flags?kind=SHARED_CONTACT_EMAIL');
    expect(open.body.items.map((f: { id: string }) => f.id)).not.toContain(flag.id);
  });
});
