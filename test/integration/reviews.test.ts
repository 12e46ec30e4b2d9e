import type { Track } from '../../domain/status';
import { packagedCalendar } from '../../data/calendar';
import { applicationWorkflowId } from '../../workflows/application/contract';
import { NeedsAttentionKey } from '../../workflows/searchAttributes';
import { searchAttributeOf, sentMail, settledHistory } from '../helpers/evidence';
import { ApiClient, as, startStack, type TestStack, stackPerFile } from '../helpers/stack';
import { inInitialReview, liveTask, newApplicant, submit, uploadDocument } from '../helpers/world';

let stack: TestStack;
stackPerFile((s) => (stack = s));

const STREET = 'street:中关村街道';

const inReview = async (track: Track = 'INCLUSIVE') => inInitialReview(stack, track);
const taskOf = (id: string, queue: string) => liveTask(stack, id, queue);

describe('who may do what (role × endpoint)', () => {
  it('answers each role as the rules say: 401 without a token, 403 for the wrong role, 404 for others’ resources', async () => {
    const { a, id } = await inReview();
    const task = await taskOf(id, 'initial-review');
    const draft = (await uploadDocument(a.client, 'SUPPLEMENT')).body.id as string;
    const doc = (await a.client.get(`/api/v1/applications/${id}`)).body.documents[0].id as string;
    const other = await newApplicant(stack);
    const year = new Date().getFullYear();
    const clients: Record<string, ApiClient> = {
      anonymous: new ApiClient(stack.baseUrl),
      owner: a.client,
      otherApplicant: other.client,
      streetReviewer: await as(stack, { role: 'reviewer', org: STREET }),
      otherStreetReviewer: await as(stack, { role: 'reviewer', org: 'street:学院路街道' }),
      committeeReviewer: await as(stack, { role: 'reviewer', org: 'committee' }),
      expert: await as(stack, { role: 'expert' }),
      approver: await as(stack, { role: 'approver' }),
      finance: await as(stack, { role: 'finance' }),
      bank: await as(stack, { role: 'bank', bankCode: 'ICBC' }),
      admin: await as(stack, { role: 'admin' }),
    };
    type Row = [string, string, string, unknown, Record<string, number>];
    const table: Row[] = [
      [
        'GET',
        `/api/v1/applications/${id}`,
        'read the application',
        undefined,
        {
          anonymous: 401,
          owner: 200,
          otherApplicant: 404,
          streetReviewer: 200,
          otherStreetReviewer: 404,
          committeeReviewer: 200,
          expert: 200,
          approver: 200,
          finance: 200,
          bank: 403,
          admin: 200,
        },
      ],
      [
        'GET',
        '/api/v1/applications',
        'list applications',
        undefined,
        {
          anonymous: 401,
          owner: 200,
          otherApplicant: 200,
          streetReviewer: 200,
          expert: 200,
          bank: 403,
          admin: 200,
        },
      ],
      [
        'GET',
        '/api/v1/tasks',
        'list tasks',
        undefined,
        {
          anonymous: 401,
          owner: 403,
          streetReviewer: 200,
          expert: 200,
          approver: 200,
          finance: 200,
          bank: 403,
          admin: 200,
        },
      ],
      [
        'GET',
        '/api/v1/tasks?queue=final-approval',
        'list another role’s queue',
        undefined,
        { streetReviewer: 403, approver: 200, expert: 403 },
      ],
      [
        'POST',
        `/api/v1/tasks/${task.id}/claim`,
        'claim another organisation’s task',
        {},
        {
          anonymous: 401,
          owner: 403,
          otherStreetReviewer: 404,
          committeeReviewer: 404,
          expert: 404,
          approver: 404,
          finance: 404,
          bank: 403,
          admin: 403,
        },
      ],
      [
        'POST',
        `/api/v1/applications/${id}/withdraw`,
        'withdraw someone else’s application',
        { reason: 'x' },
        { anonymous: 401, otherApplicant: 404, streetReviewer: 403, admin: 403 },
      ],
      [
        'POST',
        `/api/v1/applications/${id}/supplements`,
        'supplement when nothing was asked',
        { message: 'x' },
        { otherApplicant: 404, owner: 409, streetReviewer: 403 },
      ],
      [
        'GET',
        `/api/v1/documents/${doc}`,
        'read a document',
        undefined,
        {
          anonymous: 401,
          owner: 200,
          otherApplicant: 404,
          streetReviewer: 200,
          otherStreetReviewer: 404,
          bank: 403,
        },
      ],
      [
        'GET',
        `/api/v1/documents/${draft}`,
        'read a document not attached yet',
        undefined,
        { anonymous: 401, owner: 200, otherApplicant: 404, streetReviewer: 404, admin: 404, bank: 403 },
      ],
      [
        'GET',
        `/api/v1/enterprises/${a.code}`,
        'read an enterprise',
        undefined,
        {
          anonymous: 401,
          owner: 200,
          otherApplicant: 404,
          streetReviewer: 200,
          otherStreetReviewer: 404,
          finance: 200,
          bank: 403,
        },
      ],
      [
        'PUT',
        `/api/v1/programs/${year + 5}`,
        'change the programme',
        {},
        { anonymous: 401, owner: 403, streetReviewer: 403, approver: 403, finance: 403, bank: 403 },
      ],
      [
        'GET',
        '/api/v1/admin/staff',
        'read the staff directory',
        undefined,
        { anonymous: 401, owner: 403, streetReviewer: 403, finance: 403, admin: 200 },
      ],
    ];
    const seen: string[] = [];
    for (const [method, path, what, body, expected] of table) {
      for (const [who, status] of Object.entries(expected)) {
        const res = await clients[who]!.request(method, path, body);
        seen.push(`${who} ${what}: ${res.status}`);
        expect(`${who} ${what}: ${res.status}`).toBe(`${who} ${what}: ${status}`);
        if (status >= 400) expect(res.body.error.code).toEqual(expect.any(String));
      }
    }
    expect(seen.length).toBeGreaterThan(60);
    // Nobody's attempt changed the application.
    expect((await a.client.get(`/api/v1/applications/${id}`)).body.status).toBe('INITIAL_REVIEW');
  });
});

describe('requests for information, supplements and withdrawal over the API', () => {
  it('asks the applicant, takes the supplement with a document back to the same reviewer, and records it all', async () => {
    const { a, id } = await inReview();
    const li = await as(stack, { role: 'reviewer', subject: 'li', org: STREET });
    const task = await taskOf(id, 'initial-review');
    await li.post(`/api/v1/tasks/${task.id}/claim`);
    const askedAt = new Date();
    const asked = await li.post(`/api/v1/tasks/${task.id}/decision`, {
      decision: 'request_info',
      comment: '',
      infoRequest: { message: '请补充近三个月社保缴纳证明' },
    });
    expect(asked.body.status).toBe('NEEDS_INFO');
    const view = (await a.client.get(`/api/v1/applications/${id}`)).body;
    expect(view.infoRequest).toEqual({ message: '请补充近三个月社保缴纳证明', deadline: expect.any(String) });
    // 10 working days on the mainland calendar, ending at 24:00 Beijing time (from just before or after the request).
    const calendar = packagedCalendar();
    expect([
      calendar.deadline(askedAt, 10).at.toISOString(),
      calendar.deadline(new Date(), 10).at.toISOString(),
    ]).toContain(view.infoRequest.deadline);
    const [mail] = (
      await stack.smtp.waitFor((all) =>
        all.some((m) => m.to.includes(a.email) && m.subject.includes('需要补充材料')),
      )
    ).filter((m) => m.to.includes(a.email) && m.subject.includes('需要补充材料'));
    expect(mail!.text).toContain('请补充近三个月社保缴纳证明');
    expect(mail!.text).toMatch(/请于 \d{4}-\d{2}-\d{2} 24:00（北京时间）前/);

    const doc = (await uploadDocument(a.client, 'SOCIAL_INSURANCE_PROOF')).body.id as string;
    const back = await a.client.post(`/api/v1/applications/${id}/supplements`, {
      message: '已上传',
      documents: [doc],
    });
    expect(back.status).toBe(200);
    expect(back.body.status).toBe('INITIAL_REVIEW');
    const after = (await a.client.get(`/api/v1/applications/${id}`)).body;
    expect(after.infoRequest).toBeNull();
    expect(after.currentTask).toMatchObject({ queue: 'initial-review', assignee: 'li', state: 'claimed' });
    expect(after.documents.map((d: { id: string }) => d.id)).toContain(doc);
    expect(after.timeline.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['DECISION', 'SUPPLEMENT_RECEIVED', 'TASK_OPENED']),
    );
    expect(after.timeline.find((e: { action: string }) => e.action === 'SUPPLEMENT_RECEIVED')).toMatchObject({
      actor: expect.any(String),
      actorRole: 'applicant',
      note: '已上传',
      status: 'NEEDS_INFO',
    });
    await stack.smtp.waitFor((all) =>
      all.some((m) => m.to.includes(a.email) && m.subject.includes('已收到申请')),
    );
  });

  it('withdraws on the applicant’s request, cancels the task, tells the applicant, and refuses it twice', async () => {
    const { a, id } = await inReview();
    const res = await a.client.post(`/api/v1/applications/${id}/withdraw`, { reason: '企业已获其他补贴' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('WITHDRAWN');
    expect((await stack.db.task.findFirst({ where: { applicationId: id } }))!.state).toBe('CANCELLED');
    await stack.smtp.waitFor((all) =>
      all.some((m) => m.to.includes(a.email) && m.subject.includes('已撤回')),
    );
    const again = await a.client.post(`/api/v1/applications/${id}/withdraw`, { reason: 'again' });
    expect(again.status).toBe(409);
    expect((await a.client.post(`/api/v1/applications/${id}/withdraw`, {})).status).toBe(400);
  });
});

describe('a mixed backlog worked by three reviewers, one expert and one approver', () => {
  it('gives every task to exactly one person and brings every application to its decision', async () => {
    const reviewers = await Promise.all(
      ['r1', 'r2', 'r3'].map((subject) => as(stack, { role: 'reviewer', subject, org: 'committee' })),
    );
    const expert = await as(stack, { role: 'expert', subject: 'e1' });
    const approver = await as(stack, { role: 'approver', subject: 'a1', org: 'committee' });
    const apps = await Promise.all(
      (['SRDI', 'FRONTIER', 'SRDI', 'FRONTIER', 'SRDI', 'SRDI'] as Track[]).map(async (track) => ({
        track,
        ...(await inReview(track)),
      })),
    );

    // All three reviewers race for every initial-review task: each task goes to exactly one of them.
    const claims = await Promise.all(
      apps.flatMap(({ id }) =>
        reviewers.map(async (r, i) => ({
          id,
          i,
          res: await r.post(`/api/v1/tasks/${(await taskOf(id, 'initial-review')).id}/claim`),
        })),
      ),
    );
    for (const { id } of apps) {
      const mine = claims.filter((c) => c.id === id);
      expect(mine.filter((c) => c.res.status === 200)).toHaveLength(1);
      expect(mine.filter((c) => c.res.status === 409).map((c) => c.res.body.error.code)).toEqual([
        'ALREADY_CLAIMED',
        'ALREADY_CLAIMED',
      ]);
    }
    // Each decides the tasks it won.
    await Promise.all(
      claims
        .filter((c) => c.res.status === 200)
        .map(async (c) => {
          const task = await taskOf(c.id, 'initial-review');
          const res = await reviewers[c.i]!.post(`/api/v1/tasks/${task.id}/decision`, {
            decision: 'approve',
            comment: 'ok',
          });
          expect(res.status).toBe(200);
        }),
    );
    const summary = (await expert.get('/api/v1/tasks/summary')).body.queues;
    expect(summary).toEqual([
      { queue: 'expert-review', open: expect.any(Number), claimed: 0, mine: 0, overdue: 0 },
    ]);
    for (const { id, track } of apps) {
      if (track === 'FRONTIER') {
        const task = await taskOf(id, 'expert-review');
        await expert.post(`/api/v1/tasks/${task.id}/claim`);
        const res = await expert.post(`/api/v1/tasks/${task.id}/decision`, {
          decision: 'approve',
          comment: '',
          appraisal: { grade: 'A', opinion: '风险可控' },
        });
        expect(res.body.status).toBe('FINAL_APPROVAL');
      }
      const final = await taskOf(id, 'final-approval');
      expect((await approver.post(`/api/v1/tasks/${final.id}/claim`)).status).toBe(200);
      expect(
        (await approver.post(`/api/v1/tasks/${final.id}/decision`, { decision: 'approve', comment: '同意' }))
          .body.status,
      ).toBe('APPROVED');
    }
    const decisions = await stack.db.auditEvent.findMany({
      where: { applicationId: { in: apps.map((x) => x.id) }, action: 'DECISION' },
    });
    expect(decisions).toHaveLength(apps.length * 2 + 2); // initial + final for each, expert for the two frontier ones
    const tasks = await stack.db.task.findMany({ where: { applicationId: { in: apps.map((x) => x.id) } } });
    expect(tasks.every((t) => t.state === 'DONE')).toBe(true);
  });

  it('refuses the final approval to the initial reviewer over the API (403 FOUR_EYES), writing nothing', async () => {
    const { id } = await inReview('SRDI');
    const both = await as(stack, { role: 'reviewer', subject: 'zhao', org: 'committee' });
    const task = await taskOf(id, 'initial-review');
    await both.post(`/api/v1/tasks/${task.id}/claim`);
    await both.post(`/api/v1/tasks/${task.id}/decision`, { decision: 'approve', comment: '' });
    const sameAsApprover = await as(stack, { role: 'approver', subject: 'zhao', org: 'committee' });
    const final = await taskOf(id, 'final-approval');
    const before = await stack.db.auditEvent.count({ where: { applicationId: id } });
    const res = await sameAsApprover.post(`/api/v1/tasks/${final.id}/claim`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FOUR_EYES');
    expect(await stack.db.auditEvent.count({ where: { applicationId: id } })).toBe(before);
  });
});

describe('escalation of overdue tasks (time accelerated)', () => {
  let fast: TestStack;
  beforeAll(async () => {
    // 5 working days (about a week) pass in about five seconds.
    fast = await startStack({ TIME_ACCELERATION: '120000' });
  });
  afterAll(async () => {
    await fast?.stop();
  });

  it('e-mails the queue’s supervisors once, flags the case, and leaves it with the people', async () => {
    const admin = await as(fast, { role: 'admin' });
    await admin.put('/api/v1/admin/staff/sup-zgc', {
      name: '王主任',
      email: 'sup-zgc@example.gov.cn',
      role: 'reviewer',
      org: STREET,
      supervisor: true,
    });
    await admin.put('/api/v1/admin/staff/sup-other', {
      name: '李主任',
      email: 'sup-other@example.gov.cn',
      role: 'reviewer',
      org: 'street:学院路街道',
      supervisor: true,
    });
    const a = await newApplicant(fast);
    const id = (await submit(fast, a, 'INCLUSIVE')).body.id as string;
    const mails = await fast.smtp.waitFor(
      (all) => all.some((m) => m.to.includes('sup-zgc@example.gov.cn')),
      60_000,
    );
    const escalation = mails.find((m) => m.to.includes('sup-zgc@example.gov.cn'))!;
    expect(escalation.subject).toContain('超期提醒');
    expect(escalation.text).toContain(id);
    expect(mails.some((m) => m.to.includes('sup-other@example.gov.cn'))).toBe(false);

    const view = (await a.client.get(`/api/v1/applications/${id}`)).body;
    expect(view.status).toBe('INITIAL_REVIEW');
    expect(view.needsAttention).toBe(true);
    expect(view.currentTask.overdue).toBe(true);
    const handle = fast.temporal.workflow.getHandle(applicationWorkflowId(id));
    await searchAttributeOf(fast.temporal, handle.workflowId, NeedsAttentionKey, (v) => v === true);
    const reviewer = await as(fast, { role: 'reviewer', org: STREET });
    const overdue = (await reviewer.get('/api/v1/tasks?overdue=true')).body.items;
    expect(overdue.map((t: { applicationId: string }) => t.applicationId)).toContain(id);
    expect(overdue[0].escalatedAt).toEqual(expect.any(String));

    // One escalation row, SENT (so no copy of it can still arrive), and one mail captured.
    const task = await fast.db.task.findFirstOrThrow({
      where: { applicationId: id, queue: 'initial-review' },
    });
    const escalations = { key: `${id}:escalation:${task.id}` };
    expect(await sentMail(fast.db, escalations, 1)).toHaveLength(1);
    expect(fast.smtp.messages.filter((m) => m.to.includes('sup-zgc@example.gov.cn'))).toHaveLength(1);

    await reviewer.post(`/api/v1/tasks/${task.id}/claim`);
    await reviewer.post(`/api/v1/tasks/${task.id}/decision`, {
      decision: 'approve',
      comment: 'late but fine',
    });
    expect((await a.client.get(`/api/v1/applications/${id}`)).body.needsAttention).toBe(false);
    expect((await handle.describe()).typedSearchAttributes.get(NeedsAttentionKey)).toBe(false);
    // Until the decision closed the task, nothing escalated it again (the final approval's task, open since,
    // may be overdue in its turn: that is another task).
    await settledHistory(fast.temporal, applicationWorkflowId(id));
    const escalated = { applicationId: id, action: 'TASK_OVERDUE', note: { startsWith: 'initial-review ' } };
    expect(await fast.db.auditEvent.count({ where: escalated })).toBe(1);
    expect(fast.smtp.messages.filter((m) => m.to.includes('sup-zgc@example.gov.cn'))).toHaveLength(1);
  });
});
