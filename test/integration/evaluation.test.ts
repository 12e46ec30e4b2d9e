import { defaultProgram } from '../../domain/program';
import { evaluationFromRows, evaluationReport } from '../../data/evaluation';
import { EVALUATION_2031 } from '../helpers/evaluationFigures';
import {
  applicationRow,
  enterpriseRow,
  highTechFacts as highTech,
  paymentRow,
  referralRow,
  surveyRow,
  type ApplicationRow,
  type PaymentRow,
} from '../helpers/evaluationRows';
import { creditCode } from '../helpers/fixtures';
import { ApiClient, as, stackPerFile, type TestStack } from '../helpers/stack';

/**
 * A known data set written straight into the database, and every figure of the evaluation checked against
 * numbers worked out by hand (see the comments next to each row). Year under evaluation: 2031 (Asia/Shanghai);
 * 2030 is the year before.
 */
let stack: TestStack;
let admin: ApiClient;
const anon = () => new ApiClient(stack.baseUrl);

const E1 = creditCode(); // AI, insured in 2030 already: not new in 2031
const E2 = creditCode(); // integrated circuit, national high-tech enterprise (certificate valid in 2031)
const E3 = creditCode(); // biomedicine
const E4 = creditCode(); // AI, two insured applications in 2031
const E5 = creditCode(); // only a rejected and a withdrawn application
const E6 = creditCode(); // only an application still in final approval
const E7 = creditCode(); // new energy, high-tech certificate expired in 2030

const APPLICATIONS: ApplicationRow[] = [
  // --- 2030 (the year before): E1 twice; premium 300 000 (Nov 200 000, Dec 100 000)
  {
    id: 'HD-2030-T0001',
    creditCode: E1,
    track: 'INCLUSIVE',
    status: 'CLOSED',
    programYear: 2030,
    createdAt: '2030-11-10T02:00:00Z',
    approvedAt: '2030-11-20T02:00:00Z',
    premiumFen: 200_000,
    sumInsuredFen: 50_000_000,
    grantedFen: 200_000,
  },
  {
    id: 'HD-2030-T0002',
    creditCode: E1,
    track: 'INCLUSIVE',
    status: 'PAID',
    programYear: 2030,
    createdAt: '2030-12-05T02:00:00Z',
    approvedAt: '2030-12-10T02:00:00Z',
    premiumFen: 100_000,
    sumInsuredFen: 30_000_000,
    grantedFen: 100_000,
  },
  // --- 2031
  // Submitted 2031-01-01 00:30 in Shanghai (still 2030 in UTC): January 2031. New; high-tech.
  {
    id: 'HD-2031-T0101',
    creditCode: E2,
    track: 'FRONTIER',
    status: 'PAID',
    programYear: 2031,
    createdAt: '2030-12-31T16:30:00Z',
    approvedAt: '2031-01-20T02:00:00Z',
    premiumFen: 1_000_000,
    sumInsuredFen: 300_000_000,
    grantedFen: 500_000,
    verifiedFacts: highTech('2029-11-01', '2032-10-31'),
  },
  // Submitted 2031-04-01 00:30 in Shanghai: April (Q2). New. Paid on the second attempt (below).
  {
    id: 'HD-2031-T0102',
    creditCode: E3,
    track: 'SRDI',
    status: 'TRACKING',
    programYear: 2031,
    createdAt: '2031-03-31T16:30:00Z',
    approvedAt: '2031-04-15T02:00:00Z',
    premiumFen: 400_000,
    sumInsuredFen: 100_000_000,
    grantedFen: 200_000,
    verifiedFacts: { enterprise: { highTech: null }, enterpriseVerified: true },
  },
  // March. E1 is not new. Paid 2032-01-01 00:30 Shanghai: not in 2031's payments.
  {
    id: 'HD-2031-T0103',
    creditCode: E1,
    track: 'INCLUSIVE',
    status: 'PAID',
    programYear: 2031,
    createdAt: '2031-03-10T02:00:00Z',
    approvedAt: '2031-03-20T02:00:00Z',
    premiumFen: 250_000,
    sumInsuredFen: 80_000_000,
    grantedFen: 250_000,
  },
  // March. New (E4's first approval). In the public notice, nothing paid.
  {
    id: 'HD-2031-T0104',
    creditCode: E4,
    track: 'INCLUSIVE',
    status: 'IN_PUBLIC_NOTICE',
    programYear: 2031,
    createdAt: '2031-03-15T02:00:00Z',
    approvedAt: '2031-03-25T02:00:00Z',
    premiumFen: 250_000,
    sumInsuredFen: 60_000_000,
    grantedFen: 250_000,
  },
  // July. E4 again: not new.
  {
    id: 'HD-2031-T0105',
    creditCode: E4,
    track: 'INCLUSIVE',
    status: 'APPROVED',
    programYear: 2031,
    createdAt: '2031-07-01T02:00:00Z',
    approvedAt: '2031-07-10T02:00:00Z',
    premiumFen: 150_000,
    sumInsuredFen: 40_000_000,
    grantedFen: 150_000,
  },
  // Not insured: rejected (never approved), withdrawn during the notice, still in final approval.
  {
    id: 'HD-2031-T0106',
    creditCode: E5,
    track: 'SRDI',
    status: 'REJECTED',
    programYear: 2031,
    createdAt: '2031-05-01T02:00:00Z',
    premiumFen: 999_999,
    sumInsuredFen: 999_999_999,
  },
  {
    id: 'HD-2031-T0107',
    creditCode: E5,
    track: 'INCLUSIVE',
    status: 'WITHDRAWN',
    programYear: 2031,
    createdAt: '2031-05-02T02:00:00Z',
    approvedAt: '2031-05-10T02:00:00Z',
    premiumFen: 888_888,
    sumInsuredFen: 888_888_888,
    grantedFen: 100_000,
  },
  {
    id: 'HD-2031-T0108',
    creditCode: E6,
    track: 'FRONTIER',
    status: 'FINAL_APPROVAL',
    programYear: 2031,
    createdAt: '2031-06-01T02:00:00Z',
    premiumFen: 777_777,
    sumInsuredFen: 777_777_777,
  },
  // October. New; its high-tech certificate ran out in 2030. Payment failed.
  {
    id: 'HD-2031-T0109',
    creditCode: E7,
    track: 'SRDI',
    status: 'PAYMENT_FAILED',
    programYear: 2031,
    createdAt: '2031-10-08T02:00:00Z',
    approvedAt: '2031-10-20T02:00:00Z',
    premiumFen: 500_000,
    sumInsuredFen: 200_000_000,
    grantedFen: 250_000,
    verifiedFacts: highTech('2027-06-30', '2030-06-29'),
  },
  // October. E2 again: not new, high-tech counted once. Payment in flight.
  {
    id: 'HD-2031-T0110',
    creditCode: E2,
    track: 'FRONTIER',
    status: 'DISBURSING',
    programYear: 2031,
    createdAt: '2031-10-09T02:00:00Z',
    approvedAt: '2031-11-01T02:00:00Z',
    premiumFen: 600_000,
    sumInsuredFen: 250_000_000,
    grantedFen: 300_000,
    verifiedFacts: highTech('2029-11-01', '2032-10-31'),
  },
];

const PAYMENTS: PaymentRow[] = [
  ['HD-2030-T0001', 1, 'SUCCEEDED', 200_000, '2030-12-01T02:00:00Z'],
  // Paid in 2031: counts in 2031's subsidies paid (cash basis), settled at the same instant as T0101's.
  ['HD-2030-T0002', 1, 'SUCCEEDED', 100_000, '2031-02-10T03:00:00Z'],
  ['HD-2031-T0101', 1, 'SUCCEEDED', 500_000, '2031-02-10T03:00:00Z'],
  // T0102 paid on the second attempt, 1 May 01:00 Shanghai.
  ['HD-2031-T0102', 1, 'FAILED', 200_000, '2031-04-28T02:00:00Z'],
  ['HD-2031-T0102', 2, 'SUCCEEDED', 200_000, '2031-04-30T17:00:00Z'],
  ['HD-2031-T0103', 1, 'SUCCEEDED', 250_000, '2031-12-31T16:30:00Z'],
  ['HD-2031-T0109', 1, 'FAILED', 250_000, '2031-10-30T02:00:00Z'],
  ['HD-2031-T0110', 1, 'PENDING', 300_000],
];

stackPerFile(async (s) => {
  stack = s;
  admin = await as(stack, { role: 'admin' });

  // 2031: a small denominator for the coverage and targets of our own.
  const put = await admin.put('/api/v1/programs/2031', {
    ...defaultProgram(2031),
    highTechEnterpriseTotal: 16,
    evaluationTargets: { highTechCoveragePct: 12.5, riskCoverageFen: 2_000_000_000 },
  });
  expect(put.status).toBe(201);
  // 2030: stored before the targets existed (and before the follow-up settings): defaults apply.
  const { evaluationTargets: _t, followUpMonths: _f, ...older } = defaultProgram(2030);
  await stack.db.program.create({ data: { year: 2030, config: older, updatedBy: 'migration' } });

  for (const [code, name, field] of [
    [E1, '北京甲智能科技有限公司', 'ARTIFICIAL_INTELLIGENCE'],
    [E2, '北京乙芯片有限公司', 'INTEGRATED_CIRCUIT'],
    [E3, '北京丙生物医药有限公司', 'BIOMEDICINE'],
    [E4, '北京丁智能有限公司', 'ARTIFICIAL_INTELLIGENCE'],
    [E5, '北京戊有限公司', 'OTHER'],
    [E6, '北京己有限公司', 'OTHER'],
    [E7, '北京庚新能源有限公司', 'NEW_ENERGY'],
  ] as const)
    await enterpriseRow(stack.db, code, name, field);
  for (const a of APPLICATIONS) await applicationRow(stack.db, a);
  for (const p of PAYMENTS) await paymentRow(stack.db, p);

  // Bank referrals: five created in 2031 (two granted: 300 000 000 + 50 000 000), one before, one after.
  for (const [id, applicationId, bankCode, status, createdAt, creditLineFen] of [
    ['R1', 'HD-2031-T0101', 'BOB', 'GRANTED', '2031-02-01T02:00:00Z', 300_000_000],
    ['R2', 'HD-2031-T0101', 'ICBC-HD', 'DECLINED', '2031-02-01T02:00:00Z'],
    ['R3', 'HD-2031-T0104', 'BOB', 'GRANTED', '2031-04-01T02:00:00Z', 50_000_000],
    ['R4', 'HD-2031-T0104', 'ICBC-HD', 'EXPIRED', '2031-04-01T02:00:00Z'],
    ['R5', 'HD-2031-T0105', 'BOB', 'SENT', '2031-07-15T02:00:00Z'],
    ['R6', 'HD-2030-T0001', 'BOB', 'GRANTED', '2030-12-01T02:00:00Z', 999_000_000],
    ['R7', 'HD-2031-T0110', 'BOB', 'GRANTED', '2031-12-31T16:30:00Z', 888_000_000],
  ] as const)
    await referralRow(stack.db, { id, applicationId, bankCode, status, createdAt, creditLineFen });

  // Surveys sent in 2031: three, two answered; the fourth is sent on 2032-01-01 in Shanghai.
  const answered = (claimsFiled: number, claimsPaidFen: number, loansObtainedFen: number) => ({
    claimsFiled,
    claimsPaidFen,
    loansObtainedFen,
  });
  for (const [applicationId, round, sentAt, answer] of [
    ['HD-2030-T0001', 1, '2031-05-20T02:00:00Z', answered(2, 1_000_000, 5_000_000)],
    ['HD-2031-T0101', 1, '2031-08-10T02:00:00Z', answered(1, 0, 20_000_000)],
    ['HD-2031-T0102', 1, '2031-11-01T02:00:00Z'],
    ['HD-2030-T0001', 2, '2031-12-31T16:10:00Z', answered(9, 9, 9)],
  ] as const)
    await surveyRow(stack.db, { applicationId, round, sentAt, answer });
});

describe('programme evaluation (实施效果评估)', () => {
  it('reports every figure of the year from the applications, payments, referrals and surveys', async () => {
    const finance = await as(stack, { role: 'finance' });
    const res = await finance.get('/api/v1/metrics/evaluation?year=2031');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(EVALUATION_2031);
  });

  it('answers from the rollups, equal to the computation over every row, and shows a change at once', async () => {
    expect(await evaluationReport(stack.db, 2031)).toEqual(await evaluationFromRows(stack.db, 2031));
    const stored = await stack.db.program.findUniqueOrThrow({ where: { year: 2031 } });
    const config = stored.config as { evaluationTargets: { highTechCoveragePct: number } };
    try {
      await stack.db.program.update({
        where: { year: 2031 },
        data: {
          config: { ...config, evaluationTargets: { ...config.evaluationTargets, highTechCoveragePct: 20 } },
        },
      });
      expect((await evaluationReport(stack.db, 2031)).targets.highTechCoveragePct).toBe(20);
    } finally {
      await stack.db.program.update({ where: { year: 2031 }, data: { config: stored.config as object } });
    }
  });

  it('falls back to the default targets for a programme stored before they existed', async () => {
    const approver = await as(stack, { role: 'approver' });
    const res = await approver.get('/api/v1/metrics/evaluation?year=2030');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      newInsuredEnterprises: 1,
      premiumFen: 300_000,
      premiumGrowthPct: null, // nothing in 2029
      riskCoverageFen: 80_000_000,
      subsidiesPaidFen: 200_000,
      leverage: 400,
      highTechCoveragePct: 0, // 0 of the default 10 000
      targets: { highTechCoveragePct: 8, riskCoverageFen: 350_000_000_000 },
      bankMatching: {
        referrals: 1,
        granted: 1,
        creditLineFen: 999_000_000,
        declined: 0,
        expired: 0,
        pending: 0,
      },
      surveys: { sent: 0, answered: 0, claimsFiled: 0, claimsPaidFen: 0, loansObtainedFen: 0 },
    });
    expect(res.body.byMonth[10]).toEqual({
      month: '2030-11',
      newInsuredEnterprises: 1,
      premiumFen: 200_000,
      growthPct: null,
    });
    expect(res.body.byMonth[11]).toEqual({
      month: '2030-12',
      newInsuredEnterprises: 0,
      premiumFen: 100_000,
      growthPct: -50,
    });
    const program = await anon().get('/api/v1/programs/2030');
    expect(program.body.evaluationTargets).toEqual({
      highTechCoveragePct: 8,
      riskCoverageFen: 350_000_000_000,
    });
    expect(program.body.followUpMonths).toEqual([6, 12]);
  });

  it('exports the figures as a CSV spreadsheet with a byte-order mark', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/metrics/evaluation?year=2031&format=csv`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="evaluation-2031.csv"');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('section,key,metric,label_zh,value,unit');
    expect(lines).toContain('summary,,premium,总体 / 保费（元）,31500.00,元');
    expect(lines).toContain('summary,,leverage,总体 / 财政资金杠杆倍数,1287.5,');
    expect(lines).toContain('targets,,riskCoverage,目标 / 风险保额（元）,20000000.00,元');
    expect(lines).toContain(
      'progress,riskCoverage,achievedPct,目标进度 / 风险保额（元） / 目标完成率（%）,51.5,%',
    );
    expect(lines).toContain(
      'byTrack,SRDI,newInsuredEnterprises,按支持方向 / 专精特新科技保险 / 新增投保企业数,2,',
    );
    expect(lines).toContain('byField,NEW_ENERGY,riskCoverage,按领域 / 新能源 / 风险保额（元）,2000000.00,元');
    expect(lines).toContain('byMonth,2031-04,premium,按月 / 2031年4月 / 保费（元）,4000.00,元');
    expect(lines).toContain('byMonth,2031-03,growthPct,按月 / 2031年3月 / 环比增长率（%）,,%');
    expect(lines).toContain('byQuarter,2031-Q2,growthPct,按季度 / 2031年第2季度 / 环比增长率（%）,-73.3,%');
    expect(lines).toContain('bankMatching,,pending,保贷联动 / 待答复,1,');
    expect(lines).toContain('surveys,,loansObtained,跟踪问卷 / 获得贷款（元）,250000.00,元');
    expect(lines.at(-1)).toBe('');
  });

  it('is for administrators, finance and approvers only', async () => {
    const applicant = await as(stack, { role: 'applicant', creditCode: E1 });
    expect((await applicant.get('/api/v1/metrics/evaluation?year=2031')).status).toBe(403);
    const reviewer = await as(stack, { role: 'reviewer' });
    expect((await reviewer.get('/api/v1/metrics/evaluation?year=2031')).status).toBe(403);
    const res = await anon().get('/api/v1/metrics/evaluation?year=2031');
    expect(res.status).toBe(401);
  });

  it('refuses a missing or impossible year, naming the field', async () => {
    for (const q of ['year=abc', 'year=1999', 'year=2031.5', '']) {
      const res = await admin.get(`/api/v1/metrics/evaluation?${q}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([{ path: 'query.year', message: expect.any(String) }]);
    }
    const format = await admin.get('/api/v1/metrics/evaluation?year=2031&format=xlsx');
    expect(format.status).toBe(400);
    expect(format.body.error.details[0].path).toBe('query.format');
  });

  it('validates the targets of a programme', async () => {
    const res = await admin.put('/api/v1/programs/2032', {
      ...defaultProgram(2032),
      evaluationTargets: { highTechCoveragePct: 120, riskCoverageFen: -1 },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'body.evaluationTargets.highTechCoveragePct',
      'body.evaluationTargets.riskCoverageFen',
    ]);
  });
});

describe('public disclosure of paid subsidies (资金公示)', () => {
  const paid = (enterpriseName: string, code: string, track: string, grantedFen: number, paidAt: string) => ({
    enterpriseName,
    creditCode: code,
    track,
    grantedFen,
    paidAt,
  });

  it('lists the subsidies paid in the year, by payment time then application, and nothing else about them', async () => {
    const res = await anon().get('/api/v1/disclosures?year=2031');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        paid('北京甲智能科技有限公司', E1, 'INCLUSIVE', 100_000, '2031-02-10T03:00:00.000Z'), // HD-2030-T0002
        paid('北京乙芯片有限公司', E2, 'FRONTIER', 500_000, '2031-02-10T03:00:00.000Z'), // HD-2031-T0101
        paid('北京丙生物医药有限公司', E3, 'SRDI', 200_000, '2031-04-30T17:00:00.000Z'),
      ],
      total: 3,
      page: 1,
      pageSize: 50,
    });
    // Paid at 00:30 on 1 January 2032 in Shanghai.
    const next = await anon().get('/api/v1/disclosures?year=2032');
    expect(next.body.items).toEqual([
      paid('北京甲智能科技有限公司', E1, 'INCLUSIVE', 250_000, '2031-12-31T16:30:00.000Z'),
    ]);
  });

  it('pages', async () => {
    const res = await anon().get('/api/v1/disclosures?year=2031&page=2&pageSize=2');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [paid('北京丙生物医药有限公司', E3, 'SRDI', 200_000, '2031-04-30T17:00:00.000Z')],
      total: 3,
      page: 2,
      pageSize: 2,
    });
    const beyond = await anon().get('/api/v1/disclosures?year=2031&page=5&pageSize=2');
    expect(beyond.body).toEqual({ items: [], total: 3, page: 5, pageSize: 2 });
  });

  it('refuses bad paging and years, naming the field', async () => {
    for (const [q, path] of [
      ['year=2031&pageSize=201', 'query.pageSize'],
      ['year=2031&pageSize=0', 'query.pageSize'],
      ['year=2031&page=0', 'query.page'],
      ['year=2031&page=x', 'query.page'],
      ['page=1', 'query.year'],
      ['year=20311', 'query.year'],
    ]) {
      const res = await anon().get(`/api/v1/disclosures?${q}`);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ path, message: expect.any(String) }]);
    }
  });
});
