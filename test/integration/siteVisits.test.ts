/**
 * Sampled site visits through the real stack: the quarter's sample drawn by an administrator (the worker's
 * quarterly run is off in the test stack), once per quarter; the visits in their street offices' lists; the
 * auditor's recomputation from the recorded seed, which stops matching when the quarter's population changes;
 * results recorded with their checklist (audited) by the office's reviewers only.
 */
import { CHECKLIST_ITEMS } from '../../domain/siteVisits';
import { applicationRow, enterpriseRow } from '../helpers/evaluationRows';
import { creditCode } from '../helpers/fixtures';
import { as, type ApiClient, type TestStack, stackPerFile } from '../helpers/stack';

let stack: TestStack, admin: ApiClient, auditor: ApiClient;
stackPerFile(async (s) => {
  stack = s;
  admin = await as(s, { role: 'admin' });
  auditor = await as(s, { role: 'auditor' });
});

const A = 'street:中关村街道';
const B = 'street:学院路街道';
const QUARTER = '2025Q3';

/** A paid application of 2025, disbursed at `disbursedAt`, routed to `office`. */
async function paid(n: number, track: 'SRDI' | 'INCLUSIVE', office: string, disbursedAt: string) {
  const code = creditCode();
  const id = `HD-2025-V${String(n).padStart(5, '0')}`;
  await enterpriseRow(stack.db, code, `走访企业${n}`, 'ARTIFICIAL_INTELLIGENCE');
  await applicationRow(stack.db, {
    id,
    creditCode: code,
    track,
    status: 'PAID',
    programYear: 2025,
    createdAt: '2025-03-01T02:00:00Z',
    premiumFen: 10_000_000,
    sumInsuredFen: 500_000_000,
    grantedFen: 3_000_000,
  });
  await stack.db.application.update({
    where: { id },
    data: { reviewOrg: office, disbursedAt: new Date(disbursedAt) },
  });
  return id;
}

const yes = Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i, { ok: true }]));

describe('sampled site visits', () => {
  let reviewerA: ApiClient, reviewerB: ApiClient, seed: string;

  beforeAll(async () => {
    reviewerA = await as(stack, { role: 'reviewer', org: A });
    reviewerB = await as(stack, { role: 'reviewer', org: B });
    // 2025Q3: SRDI at A 25 (ceil 5 % = 2), SRDI at B 3 (1), INCLUSIVE at A 1 (1). The first is paid at
    // 00:00 on 1 July Beijing time (in), one at 00:30 on 1 October (out), one in June (out).
    await paid(0, 'SRDI', A, '2025-06-30T16:00:00Z');
    for (let i = 1; i < 25; i++) await paid(i, 'SRDI', A, '2025-08-01T02:00:00Z');
    for (let i = 25; i < 28; i++) await paid(i, 'SRDI', B, '2025-09-01T02:00:00Z');
    await paid(28, 'INCLUSIVE', A, '2025-07-15T02:00:00Z');
    await paid(29, 'INCLUSIVE', B, '2025-09-30T16:30:00Z');
    await paid(30, 'SRDI', B, '2025-06-30T15:59:00Z');
  });

  it('draws the quarter’s sample once, stratified by track and office, each visit in its office’s list', async () => {
    const created = await admin.post('/api/v1/site-visits/samples', { quarter: QUARTER });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ quarter: QUARTER, rate: 0.05, populationCount: 29, visits: 4 });
    expect(created.body.seed).toMatch(/^[0-9a-f]{8}$/);
    seed = created.body.seed;

    const again = await admin.post('/api/v1/site-visits/samples', { quarter: QUARTER });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ seed, visits: 4 });
    expect(await stack.db.siteVisit.count({ where: { quarter: QUARTER } })).toBe(4);
    expect(await stack.db.siteVisitSample.count()).toBe(1);

    const ofA = (await reviewerA.get('/api/v1/site-visits')).body.items;
    const ofB = (await reviewerB.get('/api/v1/site-visits')).body.items;
    expect(ofA).toHaveLength(3);
    expect(ofA.every((v: { office: string; state: string }) => v.office === A && v.state === 'OPEN')).toBe(
      true,
    );
    expect(ofA.filter((v: { track: string }) => v.track === 'INCLUSIVE')).toHaveLength(1);
    expect(ofB).toEqual([
      expect.objectContaining({ office: B, track: 'SRDI', enterpriseName: expect.any(String) }),
    ]);
    expect((await admin.get('/api/v1/site-visits')).body.items).toHaveLength(4);
    // The committee's reviewers read the district's visits (dev tokens of staff default to the committee).
    const committee = await as(stack, { role: 'reviewer', org: 'committee' });
    expect((await committee.get('/api/v1/site-visits')).body.items).toHaveLength(4);
    expect((await reviewerB.get(`/api/v1/site-visits/${ofA[0].id}`)).status).toBe(404);
    expect((await reviewerA.get(`/api/v1/site-visits/${ofA[0].id}`)).body.id).toBe(ofA[0].id);

    const audit = await admin.get(`/api/v1/audit?entity=siteVisit&entityId=${QUARTER}`);
    expect(audit.body.items).toEqual([expect.objectContaining({ action: 'SITE_VISIT_SAMPLE_CREATED' })]);
  });

  it('lets administrators and auditors see the seed and recompute the sample; nobody else', async () => {
    const list = await auditor.get('/api/v1/site-visits/samples');
    expect(list.body.items).toEqual([
      expect.objectContaining({ quarter: QUARTER, seed, populationCount: 29 }),
    ]);
    const verify = await auditor.get(`/api/v1/site-visits/samples/${QUARTER}/verify`);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ matches: true, populationMatches: true, sampleMatches: true, seed });
    expect(verify.body.recomputed.applicationIds).toEqual(verify.body.stored.applicationIds);

    const applicant = await as(stack, { role: 'applicant', creditCode: creditCode() });
    expect((await applicant.get('/api/v1/site-visits')).status).toBe(403);
    expect((await reviewerA.get('/api/v1/site-visits/samples')).status).toBe(403);
    expect((await reviewerA.get(`/api/v1/site-visits/samples/${QUARTER}/verify`)).status).toBe(403);
    expect((await auditor.post('/api/v1/site-visits/samples', { quarter: '2025Q2' })).status).toBe(403);
    expect((await auditor.get('/api/v1/site-visits/samples/2024Q1/verify')).status).toBe(404);
    const bad = await admin.post('/api/v1/site-visits/samples', { quarter: '2025Q5' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { path: 'body.quarter', message: 'must be a quarter such as 2026Q3' },
    ]);
    const extra = await admin.post('/api/v1/site-visits/samples', { quarter: '2025Q2', rate: 1 });
    expect(extra.status).toBe(400);
    expect(await stack.db.siteVisitSample.count()).toBe(1);
  });

  it('records a visit’s checklist and result once, by its office’s reviewer, audited', async () => {
    const [first, second] = (await reviewerA.get('/api/v1/site-visits')).body.items;
    const url = `/api/v1/site-visits/${first.id}/result`;

    expect((await reviewerB.post(url, { result: 'PASSED', checklist: yes })).status).toBe(403);
    expect((await admin.post(url, { result: 'PASSED', checklist: yes })).status).toBe(403);
    const committee = await as(stack, { role: 'reviewer', org: 'committee' });
    expect((await committee.post(url, { result: 'PASSED', checklist: yes })).status).toBe(403);
    const noNote = await reviewerA.request(
      'POST',
      url,
      { result: 'FAILED', checklist: { ...yes, RD_ACTIVITY: { ok: false } } },
      { 'accept-language': 'zh-CN' },
    );
    expect(noNote.status).toBe(422);
    expect(noNote.body.error).toMatchObject({
      code: 'VISIT_RESULT_INVALID',
      details: [{ path: 'body.note', message: '走访未通过或无法走访时须填写说明' }],
    });
    const unknown = await reviewerA.post(url, {
      result: 'PASSED',
      checklist: { ...yes, EXTRA: { ok: true } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([expect.objectContaining({ path: 'body.checklist.EXTRA' })]);
    expect((await stack.db.siteVisit.findUniqueOrThrow({ where: { id: first.id } })).state).toBe('OPEN');

    const passed = await reviewerA.post(url, { result: 'PASSED', checklist: yes });
    expect(passed.status).toBe(200);
    expect(passed.body).toMatchObject({ state: 'DONE', result: 'PASSED', recoveryRequested: false });
    expect(passed.body.visitedAt).not.toBeNull();
    expect((await reviewerA.post(url, { result: 'PASSED', checklist: yes })).status).toBe(409);

    const failed = await reviewerA.post(`/api/v1/site-visits/${second.id}/result`, {
      result: 'FAILED',
      checklist: { ...yes, REGISTERED_ADDRESS: { ok: false, note: '在册地址为空置办公室' } },
      note: '企业已搬离在册地址，未见研发场所',
      recoveryRequested: true,
    });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ result: 'FAILED', recoveryRequested: true });
    expect(failed.body.checklist.REGISTERED_ADDRESS).toEqual({ ok: false, note: '在册地址为空置办公室' });

    const audit = await admin.get(`/api/v1/audit?entity=siteVisit&entityId=${second.id}`);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        action: 'SITE_VISIT_RECORDED',
        actorRole: 'reviewer',
        note: '企业已搬离在册地址，未见研发场所',
      }),
    ]);
    const sample = (await auditor.get('/api/v1/site-visits/samples')).body.items[0];
    expect(sample).toMatchObject({ visits: 4, visited: 2, passed: 1, failed: 1 });
  });

  it('stops matching when the quarter’s population changes after the sample', async () => {
    await paid(40, 'SRDI', B, '2025-08-20T02:00:00Z');
    const verify = await auditor.get(`/api/v1/site-visits/samples/${QUARTER}/verify`);
    expect(verify.body).toMatchObject({ matches: false, populationMatches: false });
    expect(verify.body.recomputed.populationCount).toBe(30);
    expect(verify.body.stored.populationCount).toBe(29);
  });

  it('carries the year’s visit results by track in the evaluation report', async () => {
    const res = await admin.request('GET', '/api/v1/metrics/report?year=2025&format=html');
    expect(res.status).toBe(200);
    const html = String(res.body);
    const section = html.slice(html.indexOf('<section id="site-visits">'));
    expect(section).toContain('实地走访');
    const row = (first: string) =>
      [...section.matchAll(/<tr>(.*?)<\/tr>/g)]
        .map((m) => [...m[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => c[1]))
        .find((cells) => cells[0]!.startsWith(first));
    expect(row('合计')).toEqual(['合计 Total', '4', '2', '1', '1', '0']);
    expect(row('专精特新')?.slice(1)).toEqual(['3', '2', '1', '1', '0']);
  });
});
