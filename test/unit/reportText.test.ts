import type { EvaluationReport } from '../../domain/evaluation';
import {
  cnyEn,
  cnyZh,
  dateEn,
  dateZh,
  formatNumber,
  reportSummary,
  summaryDate,
} from '../../domain/reportText';
import { EVALUATION_2031, NO_CAMPAIGNS } from '../helpers/evaluationFigures';

/** The figures of 2031 in test/integration/evaluation.test.ts. */
const report = (overrides: Partial<EvaluationReport> = {}): EvaluationReport => ({
  ...EVALUATION_2031,
  ...overrides,
});

const AFTER_2031 = new Date('2032-03-01T00:00:00Z');

describe('the written summary of the evaluation report', () => {
  it('states every figure of a finished year, Chinese first, then the same in English', () => {
    const summary = reportSummary(report(), AFTER_2031);
    expect(summary.asOf).toBe('2031-12-31');
    expect(summary.complete).toBe(true);
    expect(summary.zh).toEqual([
      '截至2031年12月31日，2031年度共有5家企业的7件投保申请获批，其中新增投保企业4家；保费合计3.15万元，较上年增长950%。',
      '高新技术企业覆盖率6.25%（1/16家），目标12.5%，完成50%。',
      '风险保额1,030.00万元，目标2,000.00万元，完成51.5%。',
      '已拨付补贴8,000.00元（3件申请），财政资金杠杆1,287.5倍（风险保额÷已拨付补贴）；按支持方向：普惠型综合科技保险1,000.00元，专精特新科技保险2,000.00元，集成电路/商业航天专属保险5,000.00元。',
      '保贷联动：推荐银行5次，获得授信2次、授信额度350.00万元；银行拒绝1次，逾期未答复1次，待答复1次。',
      '跟踪问卷：发送3份，回复2份；企业报告理赔申请3次、理赔金额1.00万元，获得贷款25.00万元。',
    ]);
    expect(summary.en).toEqual([
      'As of 31 December 2031, 7 insured applications of 5 enterprises had been approved for 2031, 4 of these enterprises insured for the first time; premiums total CNY 31,500.00, up 950% on the year before.',
      'High-tech enterprise coverage is 6.25% (1 of 16), against a target of 12.5%: 50% achieved.',
      'Risk coverage is CNY 10.30 million, against a target of CNY 20.00 million: 51.5% achieved.',
      'Subsidies paid in the year: CNY 8,000.00 for 3 applications; leverage 1,287.5× (risk coverage ÷ subsidies paid); by track: Inclusive tech insurance CNY 1,000.00; SRDI catalog insurance CNY 2,000.00; Frontier (IC / aerospace) insurance CNY 5,000.00.',
      'Bank matching: 5 referrals, 2 granted with credit lines of CNY 3.50 million; 1 declined, 1 expired, 1 awaiting an answer.',
      'Follow-up surveys: 3 sent, 2 answered; enterprises reported 3 claims filed, CNY 10,000.00 in claims paid and CNY 250,000.00 in loans obtained.',
    ]);
  });

  it('states a year in progress as of today in Beijing, whatever the time zone of the server', () => {
    // 30 June 16:30 UTC is already 1 July in Beijing.
    const summary = reportSummary(report(), new Date('2031-06-30T16:30:00Z'));
    expect(summary).toMatchObject({ asOf: '2031-07-01', complete: false });
    expect(summary.zh[0]).toMatch(/^截至2031年7月1日，2031年度/);
    expect(summary.en[0]).toMatch(/^As of 1 July 2031, /);
  });

  it('says what cannot be computed instead of printing empty figures', () => {
    const summary = reportSummary(
      report({
        premiumGrowthPct: null,
        leverage: null,
        subsidiesPaidFen: 0,
        applicationsPaid: 0,
        highTechCoveragePct: null,
        highTechEnterpriseTotal: 0,
        progress: {
          highTechCoveragePct: { actual: null, target: 8, achievedPct: null },
          riskCoverageFen: { actual: 0, target: 350_000_000_000, achievedPct: 0 },
        },
        bankMatching: { referrals: 0, granted: 0, creditLineFen: 0, declined: 0, expired: 0, pending: 0 },
        surveys: { sent: 0, answered: 0, claimsFiled: 0, claimsPaidFen: 0, loansObtainedFen: 0 },
        campaigns: NO_CAMPAIGNS,
      }),
      AFTER_2031,
    );
    expect(summary.zh).toEqual([
      '截至2031年12月31日，2031年度共有5家企业的7件投保申请获批，其中新增投保企业4家；保费合计3.15万元，上年无保费，不计算同比增长。',
      '高新技术企业覆盖率无法计算（未配置全区高新技术企业总数），目标8%。',
      '风险保额0.00元，目标35.00亿元，完成0%。',
      '已拨付补贴0.00元（0件申请），尚无拨付，不计算财政资金杠杆。',
      '保贷联动：本年度尚无银行推荐。',
      '跟踪问卷：本年度尚未发送问卷。',
    ]);
    expect(summary.en).toEqual([
      'As of 31 December 2031, 7 insured applications of 5 enterprises had been approved for 2031, 4 of these enterprises insured for the first time; premiums total CNY 31,500.00, there was no premium the year before to compare with.',
      "High-tech enterprise coverage cannot be computed (the district's high-tech enterprise count is not configured); the target is 8%.",
      'Risk coverage is CNY 0.00, against a target of CNY 3.50 billion: 0% achieved.',
      'Subsidies paid in the year: CNY 0.00 for 0 applications; with nothing paid yet, no leverage is computed.',
      'Bank matching: no enterprise was referred to a bank this year.',
      'Follow-up surveys: none was sent this year.',
    ]);
  });

  it('words a fall, no change, singular counts and a target without an achievement rate', () => {
    const fall = reportSummary(
      report({
        premiumGrowthPct: -73.3,
        insuredApplications: 1,
        insuredEnterprises: 1,
        progress: {
          highTechCoveragePct: { actual: 6.25, target: 12.5, achievedPct: null },
          riskCoverageFen: { actual: 1_030_000_000, target: 2_000_000_000, achievedPct: null },
        },
        bankMatching: { referrals: 1, granted: 1, creditLineFen: 0, declined: 0, expired: 0, pending: 0 },
      }),
      AFTER_2031,
    );
    expect(fall.zh[0]).toContain('较上年下降73.3%。');
    expect(fall.en[0]).toBe(
      'As of 31 December 2031, 1 insured application of 1 enterprise had been approved for 2031, 4 of these enterprises insured for the first time; premiums total CNY 31,500.00, down 73.3% on the year before.',
    );
    expect(fall.zh[1]).toBe('高新技术企业覆盖率6.25%（1/16家），目标12.5%。');
    expect(fall.en[2]).toBe('Risk coverage is CNY 10.30 million, against a target of CNY 20.00 million.');
    expect(fall.en[4]).toMatch(/^Bank matching: 1 referral, 1 granted/);
    const flat = reportSummary(report({ premiumGrowthPct: 0 }), AFTER_2031);
    expect(flat.zh[0]).toContain('保费合计3.15万元，与上年持平。');
    expect(flat.en[0]).toContain('unchanged from the year before.');
  });

  it('reports the outreach campaigns of a year that had any, and says nothing of them otherwise', () => {
    expect(reportSummary(report(), AFTER_2031).zh).toHaveLength(6);
    const { zh, en } = reportSummary(
      report({
        campaigns: {
          campaigns: 2,
          emailed: 640,
          enterprisesReached: 619,
          opened: 88,
          applications: 31,
          conversionPct: 5.01,
        },
      }),
      AFTER_2031,
    );
    expect(zh[6]).toBe(
      '主动匹配：开展2次，向619家符合条件的企业发出邀请640份，88家打开邀请，产生申请31件，转化率5.01%。',
    );
    expect(en[6]).toBe(
      'Outreach: 2 campaigns invited 619 eligible enterprises (640 e-mails); 88 opened the invitation and 31 applications followed (a conversion of 5.01%).',
    );
  });

  it('is the same text for the same figures and day', () => {
    const a = reportSummary(report(), new Date('2031-05-05T01:00:00Z'));
    const b = reportSummary(report(), new Date('2031-05-05T15:59:59Z'));
    expect(b).toEqual(a);
  });
});

describe('numbers, money and dates in the summary', () => {
  it('scales fen to 元, 万元 and 亿元 with two decimals, rounding half away from zero exactly', () => {
    for (const [fen, text] of [
      [5, '0.05元'],
      [999_999, '9,999.99元'],
      [1_000_000, '1.00万元'],
      [1_005_000, '1.01万元'], // 1.005 万元: a float would print 1.00
      [1_234_567_890, '1,234.57万元'],
      [9_999_999_999, '10,000.00万元'],
      [10_000_000_000, '1.00亿元'],
      [350_000_000_000, '35.00亿元'],
    ] as const)
      expect(cnyZh(fen)).toBe(text);
  });

  it('scales fen to CNY, million and billion in English', () => {
    for (const [fen, text] of [
      [5, 'CNY 0.05'],
      [12_345_678, 'CNY 123,456.78'],
      [100_000_000, 'CNY 1.00 million'],
      [1_234_567_890, 'CNY 12.35 million'],
      [350_000_000_000, 'CNY 3.50 billion'],
    ] as const)
      expect(cnyEn(fen)).toBe(text);
  });

  it('groups thousands and keeps the decimals the evaluation rounded to', () => {
    for (const [n, text] of [
      [0, '0'],
      [1287.5, '1,287.5'],
      [-73.3, '-73.3'],
      [1234567, '1,234,567'],
      [6.25, '6.25'],
    ] as const)
      expect(formatNumber(n)).toBe(text);
  });

  it('dates the figures on the last day of a past year, or today in Beijing', () => {
    expect(summaryDate(2030, new Date('2031-01-01T00:00:00+08:00'))).toEqual({
      asOf: '2030-12-31',
      complete: true,
    });
    expect(summaryDate(2030, new Date('2030-12-31T23:59:00+08:00'))).toEqual({
      asOf: '2030-12-31',
      complete: false,
    });
    expect(summaryDate(2032, new Date('2031-03-05T12:00:00+08:00'))).toEqual({
      asOf: '2031-03-05',
      complete: false,
    });
    expect(dateZh('2031-03-05')).toBe('2031年3月5日');
    expect(dateEn('2031-03-05')).toBe('5 March 2031');
  });
});
