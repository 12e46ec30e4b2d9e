import { createHash } from 'node:crypto';
import { type ApiClient, as, eventually, startStack, type TestStack } from '../helpers/stack';
import { inInitialReview, liveTask } from '../helpers/world';

/**
 * The audit trail: every configuration change is audited with who, when, before and after; and every entry is
 * chained to the one before it (docs/API.md, "The audit chain"), so that the auditor can verify the chain, export
 * a year with it, and sees an entry changed or removed in the database as the first broken link.
 */
let stack: TestStack;
let admin: ApiClient;
let financeWang: ApiClient;
let auditor: ApiClient;

beforeAll(async () => {
  stack = await startStack();
  admin = await as(stack, { role: 'admin', subject: 'admin-liu' });
  financeWang = await as(stack, { role: 'finance', subject: 'finance-wang' });
  auditor = await as(stack, { role: 'auditor', subject: 'auditor-zhao' });
});
afterAll(async () => {
  await stack?.stop();
});

it('audits every configuration change with who, when, before and after, for the auditor to read', async () => {
  const year = 2031;
  expect(
    (
      await admin.put('/api/v1/admin/staff/li', {
        name: '李审核',
        email: 'li@example.com',
        role: 'reviewer',
        org: 'street:中关村街道',
        supervisor: false,
        active: true,
      })
    ).status,
  ).toBeLessThan(300);
  expect(
    (
      await admin.put('/api/v1/admin/staff/li', {
        name: '李审核',
        email: 'li@example.com',
        role: 'reviewer',
        org: 'street:中关村街道',
        supervisor: true,
        active: true,
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await admin.put('/api/v1/admin/banks/TESTBANK', {
        name: '测试银行',
        contactEmail: 'loans@bank.example',
        criteria: { tracks: ['SRDI'], minAmountFen: 100, maxAmountFen: 1000, maxTermMonths: 12 },
        active: true,
      })
    ).status,
  ).toBe(201);
  const program = (await admin.get(`/api/v1/programs/${year}`)).body;
  expect((await admin.put(`/api/v1/programs/${year}`, { ...program, noticeWorkingDays: 7 })).status).toBe(
    200,
  );
  expect(
    (
      await admin.post('/api/v1/catalog/products', {
        productCode: 'AUDIT-001',
        insurerCode: 'PICC',
        name: '审计测试险',
        kind: 'CATALOG',
        category: 'R_AND_D',
        exclusiveFields: [],
        activeFrom: '2031-01-01',
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await financeWang.put(`/api/v1/admin/budgets/${year}`, {
        totalFen: 1_000_000,
        tracks: { SRDI: 500_000 },
      })
    ).status,
  ).toBe(200);
  expect((await financeWang.put(`/api/v1/admin/budgets/${year}`, { totalFen: 2_000_000 })).status).toBe(200);
  expect(
    (await admin.put(`/api/v1/admin/calendar/${year}`, { holidays: ['2031-01-01'], workdays: [] })).status,
  ).toBeLessThan(300);

  const entry = async (entity: string, entityId: string) => {
    const res = await auditor.get(`/api/v1/audit?entity=${entity}&entityId=${encodeURIComponent(entityId)}`);
    expect(res.status).toBe(200);
    return res.body.items as {
      action: string;
      actor: string;
      at: string;
      data: { before: any; after: any };
    }[];
  };
  const staff = await entry('staff', 'li');
  expect(staff[0]).toMatchObject({
    action: 'STAFF_UPDATED',
    actor: 'admin-liu',
    data: { before: { supervisor: false }, after: { supervisor: true } },
  });
  expect(staff.at(-1)!.action).toBe('STAFF_CREATED');
  expect((await entry('bank', 'TESTBANK'))[0]).toMatchObject({
    action: 'BANK_CREATED',
    data: { before: null, after: { name: '测试银行' } },
  });
  const prog = (await entry('program', String(year)))[0]!;
  expect(prog).toMatchObject({ action: 'PROGRAM_UPDATED', data: { after: { noticeWorkingDays: 7 } } });
  expect(prog.data.before.noticeWorkingDays).not.toBe(7);
  expect((await entry('catalog', 'AUDIT-001'))[0]).toMatchObject({
    action: 'CATALOG_PRODUCT_CREATED',
    data: { after: { name: '审计测试险' } },
  });
  const budget = await entry('budget', String(year));
  expect(budget.map((b) => b.action)).toEqual(['BUDGET_UPDATED', 'BUDGET_CREATED']);
  expect(budget[0]).toMatchObject({
    actor: 'finance-wang',
    data: { before: { ALL: 1_000_000, SRDI: 500_000 }, after: { ALL: 2_000_000, SRDI: 500_000 } },
  });
  expect((await entry('calendar', String(year)))[0]).toMatchObject({
    action: 'CALENDAR_LOADED',
    actor: 'admin-liu',
  });
  for (const e of staff) expect(Date.parse(e.at)).toBeGreaterThan(Date.now() - 600_000);

  // Read-only, and for auditors and administrators only.
  expect((await financeWang.get('/api/v1/audit')).status).toBe(403);
  expect(
    (
      await auditor.put('/api/v1/admin/staff/x', {
        name: 'x',
        email: 'x@example.com',
        role: 'reviewer',
        org: 'committee',
        supervisor: false,
        active: true,
      })
    ).status,
  ).toBe(403);
  const page = await auditor.get('/api/v1/audit?limit=2');
  expect(page.body.items).toHaveLength(2);
  const next = await auditor.get(`/api/v1/audit?limit=2&before=${page.body.nextBefore}`);
  expect(Number(next.body.items[0].id)).toBeLessThan(Number(page.body.items[1].id));
});

describe('the audit chain', () => {
  const COMMENT = '材料齐全，"同意"\n通过 \\ 无误';
  let id: string;
  let year: number;
  let trail: Awaited<ReturnType<typeof appEntries>>;

  const appEntries = () =>
    stack.db.auditEvent.findMany({ where: { applicationId: id }, orderBy: { id: 'asc' } });
  const verify = async (query = '') => {
    const res = await auditor.get(`/api/v1/audit/verify?year=${year}${query}`);
    expect(res.status).toBe(200);
    return res.body as {
      ok: boolean;
      checked: number;
      chains: number;
      brokenChains?: number;
      firstBroken?: Record<string, unknown>;
    };
  };

  beforeAll(async () => {
    // An application through its submission and initial review, decided with a comment of awkward characters;
    // then it waits for the final approval, and its trail stands still.
    ({ id } = await inInitialReview(stack));
    const reviewer = await as(stack, { role: 'reviewer', org: 'street:中关村街道' });
    const task = await liveTask(stack, id, 'initial-review');
    expect((await reviewer.post(`/api/v1/tasks/${task.id}/claim`)).status).toBeLessThan(300);
    const decided = await reviewer.post(`/api/v1/tasks/${task.id}/decision`, {
      decision: 'approve',
      comment: COMMENT,
    });
    expect(decided.status).toBeLessThan(300);
    await liveTask(stack, id, 'final-approval');
    trail = await eventually(appEntries, (rows) =>
      rows.some((r) => r.action === 'TASK_OPENED' && r.note?.startsWith('final-approval')),
    );
    year = Number(new Date(trail[0]!.at.getTime() + 8 * 3600_000).toISOString().slice(0, 4));
  });

  it('chains every entry of an application and of a configured entity, also concurrent ones, and verifies them', async () => {
    expect(trail.length).toBeGreaterThanOrEqual(4);
    trail.forEach((r, i) => {
      expect(r.chain).toBe(`application:${id}`);
      expect(r.prevHash).toBe(i === 0 ? null : trail[i - 1]!.hash);
    });
    expect(trail.filter((r) => r.toStatus).every((r) => r.fromStatus !== null)).toBe(true);
    expect(trail.find((r) => r.note === COMMENT)).toBeDefined();

    // Administrators changing one staff member at once: their entries take turns in one chain.
    const puts = await Promise.all(
      ['甲', '乙', '丙', '丁'].map((name) =>
        admin.put('/api/v1/admin/staff/chain-wu', {
          name: `吴${name}`,
          email: 'wu@example.com',
          role: 'reviewer',
          org: 'committee',
          supervisor: false,
          active: true,
        }),
      ),
    );
    expect(puts.map((p) => p.status < 300)).toEqual([true, true, true, true]);
    const staff = await stack.db.auditEvent.findMany({
      where: { entity: 'staff', entityId: 'chain-wu' },
      orderBy: { id: 'asc' },
    });
    expect(staff).toHaveLength(4);
    staff.forEach((r, i) => {
      expect(r.chain).toBe('staff:chain-wu');
      expect(r.prevHash).toBe(i === 0 ? null : staff[i - 1]!.hash);
    });

    const all = await verify();
    expect(all).toMatchObject({ ok: true });
    expect(all.checked).toBeGreaterThanOrEqual(trail.length + staff.length);
    expect(all.chains).toBeGreaterThanOrEqual(2);
    expect(await verify(`&applicationId=${id}`)).toEqual({ ok: true, checked: trail.length, chains: 1 });
  });

  it('exports a year with the chain: a hash recomputed from the JSON matches, and the CSV opens in Excel', async () => {
    const json = await auditor.get(`/api/v1/audit/export?year=${year}&format=json`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.headers.get('content-disposition')).toBe(`attachment; filename="audit-${year}.json"`);
    expect(json.body).toMatchObject({ year, applicationId: null });
    const exported = (json.body.entries as Record<string, string | null>[]).filter(
      (e) => e.applicationId === id,
    );
    expect(exported.map((e) => e.id)).toEqual(trail.map((r) => r.id.toString()));
    expect(exported.map((e) => e.hash)).toEqual(trail.map((r) => r.hash));

    // The canonical text as docs/API.md defines it, from the export alone.
    const FIELDS = [
      'id',
      'key',
      'chain',
      'applicationId',
      'at',
      'actor',
      'actorRole',
      'action',
      'fromStatus',
      'toStatus',
      'note',
      'data',
      'entity',
      'entityId',
      'prevHash',
    ];
    const recompute = (e: Record<string, string | null>) =>
      createHash('sha256')
        .update(JSON.stringify(FIELDS.map((f) => e[f])), 'utf8')
        .digest('hex');
    const decision = exported.find((e) => e.note === COMMENT)!;
    expect(recompute(decision)).toBe(decision.hash);
    for (const e of exported) expect(recompute(e)).toBe(e.hash);
    const withData = exported.find((e) => e.data !== null)!;
    expect(JSON.parse(withData.data!)).toEqual(trail.find((r) => r.id.toString() === withData.id)!.data);

    const one = await auditor.get(`/api/v1/audit/export?year=${year}&applicationId=${id}`);
    expect((one.body.entries as { id: string }[]).map((e) => e.id)).toEqual(exported.map((e) => e.id));

    // Bytes, not text: the byte-order mark is what makes Excel read the Chinese as UTF-8.
    const res = await fetch(`${stack.baseUrl}/api/v1/audit/export?year=${year}&format=csv`, {
      headers: { authorization: `Bearer ${auditor.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="audit-${year}.csv"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toMatch(/^编号,键,链,申请编号,时间（UTC）,时间（北京时间）,.*,前一条哈希,哈希$/);
    const row = lines.find((l) => l.startsWith(`${decision.id},`))!;
    expect(row.endsWith(`,${decision.prevHash},${decision.hash}`)).toBe(true);
    expect(lines.filter((l) => l.includes(`,application:${id},`)).length).toBeLessThanOrEqual(
      exported.length,
    );
  });

  it('is for auditors and administrators only, and refuses a bad year', async () => {
    const reviewer = await as(stack, { role: 'reviewer', org: 'committee' });
    expect((await reviewer.get(`/api/v1/audit/verify?year=${year}`)).status).toBe(403);
    expect((await reviewer.get(`/api/v1/audit/export?year=${year}`)).status).toBe(403);
    expect((await financeWang.get(`/api/v1/audit/export?year=${year}&format=csv`)).status).toBe(403);
    expect((await admin.get(`/api/v1/audit/verify?year=${year}&applicationId=${id}`)).status).toBe(200);
    const bad = await auditor.get('/api/v1/audit/verify?year=19');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('year');
    expect((await auditor.get(`/api/v1/audit/export?year=${year}&format=xml`)).status).toBe(400);
    expect((await auditor.get(`/api/v1/audit/verify?year=${year}&limit=3`)).status).toBe(400);
  });

  it('reports an entry changed in the database, and then one removed, as the first broken link', async () => {
    const middle = trail[Math.floor(trail.length / 2)]!;
    const next = trail[trail.indexOf(middle) + 1]!;
    await stack.db.$executeRaw`UPDATE "AuditEvent" SET note = 'nothing to see' WHERE id = ${middle.id}`;
    const changed = await verify();
    expect(changed).toMatchObject({
      ok: false,
      brokenChains: 1,
      firstBroken: {
        id: middle.id.toString(),
        key: middle.key,
        chain: `application:${id}`,
        applicationId: id,
        reason: 'HASH_MISMATCH',
      },
    });
    // The hash is of the content: put back as it was, the chain holds again.
    await stack.db.$executeRaw`UPDATE "AuditEvent" SET note = ${middle.note} WHERE id = ${middle.id}`;
    expect(await verify()).toMatchObject({ ok: true });

    await stack.db.$executeRaw`DELETE FROM "AuditEvent" WHERE id = ${middle.id}`;
    expect(await verify(`&applicationId=${id}`)).toMatchObject({
      ok: false,
      checked: trail.length - 1,
      firstBroken: { id: next.id.toString(), applicationId: id, reason: 'PREV_LINK_MISMATCH' },
    });
  });
});
