import {
  ApplicationStatusKey,
  ApplicationIdKey,
  CreditCodeKey,
  TrackKey,
  NeedsAttentionKey,
} from '../../workflows/searchAttributes';
import { searchAttributeOf } from '../helpers/evidence';
import { applicationWorkflowId } from '../../workflows/application/contract';
import { applicationBody, creditCode, enterpriseBody } from '../helpers/fixtures';
import { ApiClient, as, eventually, type TestStack, stackPerFile } from '../helpers/stack';
import { newApplicant, submit } from '../helpers/world';

let stack: TestStack;
stackPerFile((s) => (stack = s));

const STREET = 'street:中关村街道';

async function registeredApplicant() {
  const a = await newApplicant(stack);
  return { code: a.code, applicant: a.client, email: a.email, a };
}

async function openTaskOf(reviewer: ApiClient, applicationId: string) {
  const list = await eventually(
    () => reviewer.get(`/api/v1/tasks?queue=initial-review&state=open&pageSize=200`),
    (r) => r.body.items?.some((t: { applicationId: string }) => t.applicationId === applicationId),
  );
  return list.body.items.find((t: { applicationId: string }) => t.applicationId === applicationId) as {
    id: string;
    dueAt: string;
    overdue: boolean;
  };
}

describe('the first slice: submit, review, decide', () => {
  it('runs one application end to end: task, claim, approval, timeline, search attributes and e-mails', async () => {
    const { code, applicant, email, a } = await registeredApplicant();
    const submitted = await submit(stack, a, 'INCLUSIVE');
    expect(submitted.status).toBe(201);
    expect(submitted.body).toEqual({
      id: expect.stringMatching(/^HD-\d{4}-\d{6,}$/),
      status: 'SUBMITTED',
      workflowId: `application-${submitted.body.id}`,
    });
    const id: string = submitted.body.id;

    // A small firm's inclusive application goes to the street office where it is registered.
    const reviewer = await as(stack, { role: 'reviewer', subject: 'reviewer-li', org: STREET });
    const task = await openTaskOf(reviewer, id);
    expect(task.overdue).toBe(false);
    expect(Date.parse(task.dueAt)).toBeGreaterThan(Date.now() + 5 * 86_400_000);

    const inReview = await applicant.get(`/api/v1/applications/${id}`);
    expect(inReview.body.status).toBe('INITIAL_REVIEW');
    expect(inReview.body.currentTask).toMatchObject({
      queue: 'initial-review',
      state: 'open',
      dueAt: task.dueAt,
    });

    const claimed = await reviewer.post(`/api/v1/tasks/${task.id}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ id: task.id, assignee: 'reviewer-li', state: 'claimed' });
    const mine = await reviewer.get('/api/v1/tasks?assignee=me&state=claimed');
    expect(mine.body.items.map((t: { id: string }) => t.id)).toContain(task.id);

    const decided = await reviewer.post(`/api/v1/tasks/${task.id}/decision`, {
      decision: 'approve',
      comment: '材料齐全',
    });
    expect(decided.status).toBe(200);
    expect(decided.body.status).toBe('FINAL_APPROVAL');

    const approver = await as(stack, { role: 'approver', subject: 'approver-wang', org: 'committee' });
    const final = (await approver.get('/api/v1/tasks?queue=final-approval')).body.items.find(
      (t: { applicationId: string }) => t.applicationId === id,
    );
    expect((await approver.post(`/api/v1/tasks/${final.id}/claim`)).status).toBe(200);
    const approved = await approver.post(`/api/v1/tasks/${final.id}/decision`, {
      decision: 'approve',
      comment: '同意',
    });
    expect(approved.body.status).toBe('APPROVED');

    const view = await applicant.get(`/api/v1/applications/${id}`);
    expect(view.body.status).toBe('APPROVED');
    expect(view.body.currentTask).toBeNull();
    expect(
      view.body.timeline.map((e: { status: string; action: string; actor: string }) => [
        e.action,
        e.status,
        e.actor,
      ]),
    ).toEqual([
      ['SUBMITTED', 'SUBMITTED', expect.any(String)],
      ['PRECHECK_STARTED', 'PRECHECK', 'system'],
      ['PRECHECK_DONE', 'PRECHECK', 'system'],
      ['TASK_OPENED', 'INITIAL_REVIEW', 'system'],
      ['TASK_CLAIMED', 'INITIAL_REVIEW', 'reviewer-li'],
      ['DECISION', 'INITIAL_REVIEW', 'reviewer-li'],
      ['TASK_OPENED', 'FINAL_APPROVAL', 'system'],
      ['TASK_CLAIMED', 'FINAL_APPROVAL', 'approver-wang'],
      ['DECISION', 'FINAL_APPROVAL', 'approver-wang'],
      ['GRANT_RESERVED', 'APPROVED', 'system'],
    ]);
    expect(
      view.body.decisions.map((d: { queue: string; actor: string; decision: string }) => [
        d.queue,
        d.actor,
        d.decision,
      ]),
    ).toEqual([
      ['initial-review', 'reviewer-li', 'approve'],
      ['final-approval', 'approver-wang', 'approve'],
    ]);
    expect(view.body.timeline[5].note).toBe('材料齐全');
    expect(view.body.subsidy).toMatchObject({
      computedFen: 250_000,
      grantedFen: 250_000,
      rateBp: 10_000,
      payee: 'INSURER',
    });
    expect(view.body.documents).toHaveLength(5);

    await searchAttributeOf(
      stack.temporal,
      applicationWorkflowId(id),
      ApplicationStatusKey,
      (s) => s === 'APPROVED',
    );
    const sa = (await stack.temporal.workflow.getHandle(applicationWorkflowId(id)).describe())
      .typedSearchAttributes;
    expect(sa.get(ApplicationIdKey)).toBe(id);
    expect(sa.get(CreditCodeKey)).toBe(code);
    expect(sa.get(TrackKey)).toBe('INCLUSIVE');
    expect(sa.get(ApplicationStatusKey)).toBe('APPROVED');
    expect(sa.get(NeedsAttentionKey)).toBe(false);

    const mails = await stack.smtp.waitFor((all) => all.filter((m) => m.to.includes(email)).length >= 2);
    const subjects = mails.filter((m) => m.to.includes(email)).map((m) => m.subject);
    expect(subjects).toEqual([
      `已收到您的补贴申请 ${id} / Application ${id} received`,
      `补贴申请 ${id} 已获批准 / Application ${id} approved`,
    ]);
    const approvedMail = mails.find((m) => m.subject.includes('已获批准'))!;
    expect(approvedMail.text).toContain('审核意见：同意');
    expect(approvedMail.text).toContain('核定补贴金额 ¥2,500.00');
    expect(approvedMail.text).toContain(`${stack.config.http.publicBaseUrl}/#/applications/${id}`);
  });

  it('rejects with the reasons in the applicant e-mail', async () => {
    const { email, a } = await registeredApplicant();
    const { body } = await submit(stack, a, 'INCLUSIVE');
    const reviewer = await as(stack, { role: 'reviewer', org: STREET });
    const task = await openTaskOf(reviewer, body.id);
    await reviewer.post(`/api/v1/tasks/${task.id}/claim`);
    const decided = await reviewer.post(`/api/v1/tasks/${task.id}/decision`, {
      decision: 'reject',
      comment: '保单不在目录内',
      reasonCode: 'NOT_ELIGIBLE_PRODUCT',
    });
    expect(decided.body.status).toBe('REJECTED');
    const mails = await stack.smtp.waitFor((all) =>
      all.some((m) => m.to.includes(email) && m.subject.includes('未获通过')),
    );
    expect(mails.find((m) => m.subject.includes('未获通过'))!.text).toContain('保单不在目录内');
    const again = await reviewer.post(`/api/v1/tasks/${task.id}/decision`, {
      decision: 'approve',
      comment: '',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVALID_STATE');
  });

  it('refuses decisions the validator rejects and writes nothing for them', async () => {
    const { applicant, a } = await registeredApplicant();
    const { body } = await submit(stack, a, 'INCLUSIVE');
    const li = await as(stack, { role: 'reviewer', subject: 'li', org: STREET });
    const wang = await as(stack, { role: 'reviewer', subject: 'wang', org: STREET });
    const task = await openTaskOf(li, body.id);
    const auditCount = () => stack.db.auditEvent.count({ where: { applicationId: body.id } });
    const before = await auditCount();

    const unclaimed = await li.post(`/api/v1/tasks/${task.id}/decision`, {
      decision: 'approve',
      comment: '',
    });
    expect(unclaimed.status).toBe(409);
    expect(unclaimed.body.error.code).toBe('NOT_CLAIMED_BY_CALLER');

    expect((await li.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    const taken = await wang.post(`/api/v1/tasks/${task.id}/claim`);
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('ALREADY_CLAIMED');
    const notMine = await wang.post(`/api/v1/tasks/${task.id}/decision`, {
      decision: 'approve',
      comment: '',
    });
    expect(notMine.body.error.code).toBe('NOT_CLAIMED_BY_CALLER');

    const expert = await as(stack, { role: 'expert' });
    expect((await expert.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(404);
    expect((await applicant.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(403);
    const otherStreet = await as(stack, { role: 'reviewer', org: 'street:学院路街道' });
    expect((await otherStreet.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(404);
    const committee = await as(stack, { role: 'reviewer', org: 'committee' });
    expect((await committee.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(404);

    expect(await auditCount()).toBe(before + 1); // only li's claim
    const view = await applicant.get(`/api/v1/applications/${body.id}`);
    expect(view.body.status).toBe('INITIAL_REVIEW');
    expect(view.body.currentTask.assignee).toBe('li');
  });

  it('keeps each applicant to its own enterprise and applications', async () => {
    const a = await registeredApplicant();
    const b = await registeredApplicant();
    const { body } = await a.applicant.post('/api/v1/applications', applicationBody(a.code));
    expect((await b.applicant.get(`/api/v1/applications/${body.id}`)).status).toBe(404);
    expect((await b.applicant.get(`/api/v1/enterprises/${a.code}`)).status).toBe(404);
    expect((await b.applicant.put(`/api/v1/enterprises/${a.code}`, enterpriseBody())).status).toBe(403);
    expect((await b.applicant.post('/api/v1/applications', applicationBody(a.code))).status).toBe(403);
    const list = await b.applicant.get('/api/v1/applications');
    expect(list.body.items.every((i: { creditCode: string }) => i.creditCode === b.code)).toBe(true);
    const finance = await as(stack, { role: 'finance' });
    const seen = await finance.get(`/api/v1/enterprises/${a.code}`);
    expect(seen.body.bankAccount.accountNumber).toBe('6222020200012345678');
    const masked = await a.applicant.get(`/api/v1/enterprises/${a.code}`);
    expect(masked.body.bankAccount.accountNumber).toBe('***************5678');
  });

  it('replays a submission sent again with the same Idempotency-Key and refuses the key with another body', async () => {
    const { code, applicant } = await registeredApplicant();
    const body = applicationBody(code);
    const first = await applicant.post('/api/v1/applications', body, { 'Idempotency-Key': 'submit-1' });
    const again = await applicant.post('/api/v1/applications', body, { 'Idempotency-Key': 'submit-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const other = await applicant.post('/api/v1/applications', applicationBody(code), {
      'Idempotency-Key': 'submit-1',
    });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await stack.db.application.count({ where: { creditCode: code } })).toBe(1);
  });

  it('refuses a policy that is already in a live application', async () => {
    const { code, applicant } = await registeredApplicant();
    const body = applicationBody(code);
    expect((await applicant.post('/api/v1/applications', body)).status).toBe(201);
    const dup = await applicant.post('/api/v1/applications', { ...body, track: 'SRDI' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('DUPLICATE_POLICY');
  });
});

describe('bad input', () => {
  it('answers 400 with one entry per bad field, and stores nothing', async () => {
    const { code, applicant } = await registeredApplicant();
    const bad = applicationBody(code, { track: 'GOLD' }) as { policy: Record<string, unknown> };
    bad.policy.premiumFen = 12.5;
    bad.policy.startDate = '2026-02-30';
    bad.policy.paidAt = 'yesterday';
    const res = await applicant.post('/api/v1/applications', bad);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(
      ['body.policy.paidAt', 'body.policy.premiumFen', 'body.policy.startDate', 'body.track'].sort(),
    );
    expect(await stack.db.application.count({ where: { creditCode: code } })).toBe(0);
  });

  it('names an invalid credit code, refuses missing or bad tokens, unknown routes, bad JSON and huge bodies', async () => {
    const admin = await as(stack, { role: 'admin' });
    const badCode = await admin.put('/api/v1/enterprises/91350100M000100Y44', enterpriseBody());
    expect(badCode.status).toBe(400);
    expect(badCode.body.error.details[0]).toEqual({
      path: 'params.creditCode',
      message: expect.stringContaining('check character'),
    });

    const anon = new ApiClient(stack.baseUrl);
    expect((await anon.get('/api/v1/applications')).status).toBe(401);
    expect((await new ApiClient(stack.baseUrl, 'not-a-token').get('/api/v1/applications')).status).toBe(401);
    const missing = await anon.get('/api/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const json = await admin.request('POST', '/api/v1/auth/dev-token', '{"role": ', {});
    expect(json.status).toBe(400);
    expect(json.body.error.code).toBe('INVALID_JSON');
    const huge = await admin.request(
      'PUT',
      `/api/v1/enterprises/${creditCode()}`,
      JSON.stringify({ name: 'x'.repeat(2_000_000) }),
    );
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const reviewer = await as(stack, { role: 'reviewer' });
    expect((await reviewer.post('/api/v1/applications', applicationBody(creditCode()))).status).toBe(403);
  });
});

describe('operations', () => {
  it('reports health, readiness and the OpenAPI document', async () => {
    const anon = new ApiClient(stack.baseUrl);
    expect((await anon.get('/healthz')).status).toBe(200);
    const ready = await anon.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: { ok: true }, temporal: { ok: true } });
    const openapi = await anon.get('/api/v1/openapi.json');
    expect(openapi.body.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/applications',
        '/api/v1/applications/{id}',
        '/api/v1/tasks/{id}/decision',
      ]),
    );
  });
});
