import { createTokenService } from '../../api/auth';
import type { Caller } from '../../domain/roles';
import { ApiClient, as, type TestStack, stackPerFile } from '../helpers/stack';
import { inInitialReview, newApplicant, uploadDocument, type Applicant } from '../helpers/world';

/**
 * Least privilege on reads (docs/ACCESS.md): documents and enterprise profiles follow the applications a caller
 * may see, and a reviewer or approver whose token names no organisation sees nothing.
 */
let stack: TestStack;
stackPerFile((s) => (stack = s));

const ZHONGGUANCUN = 'street:中关村街道';
const XUEYUANLU = 'street:学院路街道';

/** An application in initial review at the office the registry places the enterprise in. */
async function inReviewAt(office: string): Promise<{ a: Applicant; id: string; docId: string }> {
  const { a, id, view } = await inInitialReview(stack, 'INCLUSIVE', { facts: { streetOffice: office } });
  expect(view.body.reviewOrg).toBe(`street:${office}`);
  return { a, id, docId: view.body.documents[0].id as string };
}

/** A token the identity provider could issue: here without an organisation (dev tokens always carry one). */
async function signed(caller: Omit<Caller, 'subject'>): Promise<ApiClient> {
  const token = await createTokenService(stack.config.auth).sign({ subject: `${caller.role}-x`, ...caller });
  return new ApiClient(stack.baseUrl, token);
}

let here: Awaited<ReturnType<typeof inReviewAt>>;
let there: Awaited<ReturnType<typeof inReviewAt>>;
let draftId: string;
let unapplied: Applicant;
let clients: Record<string, ApiClient>;

beforeAll(async () => {
  here = await inReviewAt('中关村街道');
  there = await inReviewAt('学院路街道');
  draftId = (await uploadDocument(here.a.client, 'SUPPLEMENT')).body.id as string;
  unapplied = await newApplicant(stack); // registered, never applied
  clients = {
    anonymous: new ApiClient(stack.baseUrl),
    owner: here.a.client,
    otherApplicant: there.a.client,
    streetReviewer: await as(stack, { role: 'reviewer', org: ZHONGGUANCUN }),
    otherStreetReviewer: await as(stack, { role: 'reviewer', org: XUEYUANLU }),
    committeeReviewer: await as(stack, { role: 'reviewer', org: 'committee' }),
    reviewerWithoutOrg: await signed({ role: 'reviewer' }),
    approver: await as(stack, { role: 'approver', org: 'committee' }),
    approverWithoutOrg: await signed({ role: 'approver' }),
    expert: await as(stack, { role: 'expert' }),
    expertWithoutOrg: await signed({ role: 'expert' }),
    finance: await as(stack, { role: 'finance' }),
    admin: await as(stack, { role: 'admin' }),
    bank: await as(stack, { role: 'bank', bankCode: 'ICBC' }),
  };
});

/** Each caller's status for one request, as one object (a failure shows the whole row). */
async function statuses(path: string, who = Object.keys(clients)): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of who) out[name] = (await clients[name]!.get(path)).status;
  return out;
}

/** Who sees the Zhongguancun application (and its enterprise and documents). */
const SEES_HERE = {
  anonymous: 401,
  owner: 200,
  otherApplicant: 404,
  streetReviewer: 200,
  otherStreetReviewer: 404,
  committeeReviewer: 200,
  reviewerWithoutOrg: 404,
  approver: 200,
  approverWithoutOrg: 404,
  expert: 200,
  expertWithoutOrg: 200,
  finance: 200,
  admin: 200,
};

describe('least privilege on reads', () => {
  it('gives a document, and its content, to those who may see its application, role by role', async () => {
    const doc = `/api/v1/documents/${here.docId}`;
    expect(await statuses(doc)).toEqual({ ...SEES_HERE, bank: 403 });
    expect(await statuses(`${doc}/content`)).toEqual({ ...SEES_HERE, bank: 403 });
    const content = await fetch(`${stack.baseUrl}${doc}/content`, {
      headers: { authorization: `Bearer ${clients.streetReviewer!.token}` },
    });
    expect(content.headers.get('content-type')).toBe('application/pdf');
    // The other office's reviewer sees its own office's document.
    expect((await clients.otherStreetReviewer!.get(`/api/v1/documents/${there.docId}/content`)).status).toBe(
      200,
    );
  });

  it('keeps a document not attached to an application with its applicant alone', async () => {
    const expected = Object.fromEntries(
      Object.keys(SEES_HERE).map((who) => [who, who === 'anonymous' ? 401 : who === 'owner' ? 200 : 404]),
    );
    expect(await statuses(`/api/v1/documents/${draftId}`)).toEqual({ ...expected, bank: 403 });
    expect(await statuses(`/api/v1/documents/${draftId}/content`)).toEqual({ ...expected, bank: 403 });
  });

  it('lists only the documents each caller may see', async () => {
    const ids = async (who: string, query = '') => {
      const res = await clients[who]!.get(`/api/v1/documents?pageSize=200${query}`);
      expect(res.status).toBe(200);
      return new Set((res.body.items as { id: string }[]).map((d) => d.id));
    };
    const mine = await ids('owner');
    expect(mine.has(here.docId) && mine.has(draftId) && !mine.has(there.docId)).toBe(true);
    expect((await ids('owner', '&attached=false')).has(here.docId)).toBe(false);
    const street = await ids('streetReviewer');
    expect([street.has(here.docId), street.has(there.docId), street.has(draftId)]).toEqual([
      true,
      false,
      false,
    ]);
    const other = await ids('otherStreetReviewer', `&applicationId=${here.id}`);
    expect(other.size).toBe(0);
    const district = await ids('finance');
    expect([district.has(here.docId), district.has(there.docId), district.has(draftId)]).toEqual([
      true,
      true,
      false,
    ]);
    expect((await ids('reviewerWithoutOrg')).size).toBe(0);
    expect((await ids('approverWithoutOrg')).size).toBe(0);
    expect((await clients.bank!.get('/api/v1/documents')).status).toBe(403);
    expect((await clients.anonymous!.get('/api/v1/documents')).status).toBe(401);
  });

  it('gives an enterprise’s profile to its applicant and to staff who may see one of its applications', async () => {
    expect(await statuses(`/api/v1/enterprises/${here.a.code}`)).toEqual({ ...SEES_HERE, bank: 403 });
    // Registered, never applied: district-wide staff read it, a street office does not.
    expect(await statuses(`/api/v1/enterprises/${unapplied.code}`)).toEqual({
      anonymous: 401,
      owner: 404,
      otherApplicant: 404,
      streetReviewer: 404,
      otherStreetReviewer: 404,
      committeeReviewer: 200,
      reviewerWithoutOrg: 404,
      approver: 200,
      approverWithoutOrg: 404,
      expert: 200,
      expertWithoutOrg: 200,
      finance: 200,
      admin: 200,
      bank: 403,
    });
  });

  it('lists an office’s tasks to its own reviewers only, oldest due first, and counts them up to the cap', async () => {
    // 1,005 more open tasks at 中关村 (TASK_COUNT_CAP is 1,000), due one minute apart from a day ago.
    const from = Date.now() - 86_400_000;
    const extra = Array.from({ length: 1_005 }, (_, i) => ({
      id: `cap-${i}-${here.id}`,
      applicationId: here.id,
      queue: 'initial-review',
      org: ZHONGGUANCUN,
      dueAt: new Date(from + i * 60_000),
    }));
    await stack.db.task.createMany({ data: extra });
    try {
      const page = await clients.streetReviewer!.get('/api/v1/tasks?queue=initial-review&pageSize=20');
      expect([page.status, page.body.total, page.body.totalCapped]).toEqual([200, 1_000, true]);
      expect(page.body.items.map((t: { id: string }) => t.id)).toEqual(extra.slice(0, 20).map((t) => t.id));
      expect(page.body.items[0]).toMatchObject({
        applicationId: here.id,
        enterpriseName: expect.any(String),
        track: 'INCLUSIVE',
        state: 'open',
        overdue: true,
      });
      const newest = await clients.streetReviewer!.get('/api/v1/tasks?sort=-dueAt&overdue=true&pageSize=1');
      expect(newest.body.items.map((t: { id: string }) => t.id)).toEqual([extra.at(-1)!.id]);
      // Past the last page: no items, and still the count.
      const beyond = await clients.streetReviewer!.get('/api/v1/tasks?page=99&pageSize=20');
      expect([beyond.status, beyond.body.items, beyond.body.total]).toEqual([200, [], 1_000]);
      // Another office's reviewer sees its own task only, counted exactly.
      const other = await clients.otherStreetReviewer!.get('/api/v1/tasks?queue=initial-review');
      expect([other.body.total, other.body.totalCapped]).toEqual([1, false]);
      expect(other.body.items.map((t: { applicationId: string }) => t.applicationId)).toEqual([there.id]);
    } finally {
      await stack.db.task.deleteMany({ where: { id: { in: extra.map((t) => t.id) } } });
    }
  });

  it('shows a reviewer or approver without an organisation nothing until its token names one', async () => {
    const task = await stack.db.task.findFirstOrThrow({
      where: { applicationId: here.id, queue: 'initial-review' },
    });
    for (const who of ['reviewerWithoutOrg', 'approverWithoutOrg']) {
      const c = clients[who]!;
      const list = await c.get('/api/v1/applications?pageSize=200');
      expect([who, list.status, list.body.total, list.body.items]).toEqual([who, 200, 0, []]);
      expect([who, (await c.get(`/api/v1/applications/${here.id}`)).status]).toEqual([who, 404]);
      const tasks = await c.get('/api/v1/tasks?pageSize=200');
      expect([who, tasks.status, tasks.body.total]).toEqual([who, 200, 0]);
      const summary = await c.get('/api/v1/tasks/summary');
      expect(
        summary.body.queues.every((q: { open: number; claimed: number }) => q.open + q.claimed === 0),
      ).toBe(true);
      expect([who, (await c.get(`/api/v1/tasks/${task.id}`)).status]).toEqual([who, 404]);
      expect([who, (await c.post(`/api/v1/tasks/${task.id}/claim`)).status]).toEqual([who, 404]);
    }
    // District-wide figures need a district-wide caller.
    const year = new Date().getFullYear();
    for (const path of [`/api/v1/metrics/evaluation?year=${year}`, `/api/v1/admin/budgets/${year}`]) {
      expect(await statuses(path, ['approver', 'approverWithoutOrg', 'finance'])).toEqual({
        approver: 200,
        approverWithoutOrg: 403,
        finance: 200,
      });
    }
    // The same person with an organisation sees the office's work; nothing was changed meanwhile.
    const withOrg = await as(stack, { role: 'reviewer', subject: 'reviewer-x', org: ZHONGGUANCUN });
    expect((await withOrg.get(`/api/v1/applications/${here.id}`)).status).toBe(200);
    expect((await withOrg.get('/api/v1/tasks')).body.items.map((t: { id: string }) => t.id)).toContain(
      task.id,
    );
    expect((await stack.db.task.findUniqueOrThrow({ where: { id: task.id } })).state).toBe('OPEN');
  });

  it('lets an auditor read any application of the district, one at a time, and nothing it has no route to', async () => {
    const auditor = await as(stack, { role: 'auditor' });
    for (const id of [here.id, there.id]) {
      expect((await auditor.get(`/api/v1/applications/${id}`)).status).toBe(200);
      expect((await auditor.get(`/api/v1/applications/${id}/payee-changes`)).status).toBe(200);
    }
    expect((await auditor.get(`/api/v1/documents/${here.docId}`)).status).toBe(403);
    expect((await auditor.get(`/api/v1/enterprises/${here.a.code}`)).status).toBe(403);
    // The payee changes of an application follow the same scope: not another enterprise's.
    expect((await clients.otherApplicant!.get(`/api/v1/applications/${here.id}/payee-changes`)).status).toBe(
      404,
    );
  });

  it('writes each rule down in the OpenAPI document', async () => {
    const doc = (await clients.anonymous!.get('/api/v1/openapi.json')).body;
    const description = (path: string, method = 'get') => doc.paths[path][method].description as string;
    expect(description('/api/v1/documents/{id}/content')).toMatch(/not attached to an application yet/);
    expect(description('/api/v1/enterprises/{creditCode}')).toMatch(/street office’s reviewer/);
    expect(description('/api/v1/applications')).toMatch(/names no organisation none/);
    expect(description('/api/v1/tasks')).toMatch(/without an organisation none/);
  });
});
