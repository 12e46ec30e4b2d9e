import {
  achievedPct,
  buildEvaluation,
  growthPct,
  leverage,
  percentOf,
  roundRatio,
  shanghaiMonth,
  shanghaiMonthStarts,
  shanghaiQuarter,
  type EvaluationInput,
  type InsuredCell,
} from '../../domain/evaluation';
import { evaluationCsv, evaluationRows } from '../../domain/evaluationCsv';
import { csvField, toCsv } from '../../domain/csv';

const cell = (over: Partial<InsuredCell>): InsuredCell => ({
  month: 1,
  track: 'INCLUSIVE',
  field: 'OTHER',
  applications: 1,
  newEnterprises: 0,
  premiumFen: 0n,
  riskCoverageFen: 0n,
  ...over,
});

const input = (over: Partial<EvaluationInput> = {}): EvaluationInput => ({
  year: 2026,
  insured: [],
  previousInsured: [],
  insuredEnterprises: 0,
  highTechInsuredEnterprises: 0,
  highTechEnterpriseTotal: 10,
  targets: { highTechCoveragePct: 8, riskCoverageFen: 350_000_000_000 },
  paid: [],
  referrals: [],
  surveys: { sent: 0, answered: 0, claimsFiled: 0, claimsPaidFen: 0n, loansObtainedFen: 0n },
  ...over,
});

describe('evaluation arithmetic', () => {
  it('reports no growth when the previous period had no premium, and rounds growth to one decimal', () => {
    expect(growthPct(500n, 0n)).toBeNull();
    expect(growthPct(0n, 0n)).toBeNull();
    expect(growthPct(150n, 100n)).toBe(50);
    expect(growthPct(100n, 300n)).toBe(-66.7);
    expect(growthPct(1001n, 1000n)).toBe(0.1);
    expect(growthPct(10_005n, 10_000n)).toBe(0.1); // 0.05 rounds away from zero
    expect(growthPct(0n, 100n)).toBe(-100);
  });

  it('rounds leverage to two decimals and has none when nothing was paid', () => {
    expect(leverage(1_000n, 0n)).toBeNull();
    expect(leverage(1_000n, 3n)).toBe(333.33);
    expect(leverage(2_000n, 3n)).toBe(666.67);
    expect(leverage(1n, 8n)).toBe(0.13); // 0.125 → 0.13
    expect(leverage(350_000_000_000n, 1_234_567n)).toBe(283500.21);
  });

  it('rounds half away from zero on exact integers, where floating point would not', () => {
    expect(roundRatio(1005n, 1000n, 2)).toBe(1.01); // 1.005 in floating point rounds to 1.00
    expect(roundRatio(-1005n, 1000n, 2)).toBe(-1.01);
    expect(roundRatio(-1n, 1000n, 2)).toBe(0);
    expect(Object.is(roundRatio(-1n, 1000n, 2), -0)).toBe(false);
    expect(() => roundRatio(1n, 0n, 2)).toThrow(RangeError);
  });

  it('computes coverage and target achievement as exact percentages', () => {
    expect(percentOf(1, 3)).toBe(33.33);
    expect(percentOf(2, 3)).toBe(66.67);
    expect(percentOf(1, 0)).toBeNull();
    // 1 of 16 enterprises = 6.25 % against a target of 8 % = 78.125 % → 78.13
    expect(achievedPct(100n, 16n, 8)).toBe(78.13);
    expect(achievedPct(100n, 16n, 12.5)).toBe(50);
    expect(achievedPct(175_000_000_000n, 1n, 350_000_000_000)).toBe(50);
    expect(achievedPct(1n, 1n, 0)).toBeNull();
  });
});

describe('Asia/Shanghai periods', () => {
  it('puts an instant after 16:00 UTC into the next Shanghai day, month, quarter and year', () => {
    const lateMarch = new Date('2026-03-31T16:30:00Z'); // 2026-04-01 00:30 in Shanghai
    expect(shanghaiMonth(lateMarch)).toEqual({ year: 2026, month: 4 });
    expect(shanghaiQuarter(lateMarch)).toEqual({ year: 2026, quarter: 2 });
    expect(shanghaiQuarter(new Date('2026-03-31T15:59:59.999Z'))).toEqual({ year: 2026, quarter: 1 });
    expect(shanghaiQuarter(new Date('2025-12-31T16:00:00Z'))).toEqual({ year: 2026, quarter: 1 });
    expect(shanghaiQuarter(new Date('2025-12-31T15:59:59Z'))).toEqual({ year: 2025, quarter: 4 });
  });

  it('starts each month at 00:00 +08:00, with the next New Year as the last boundary', () => {
    const starts = shanghaiMonthStarts(2026);
    expect(starts).toHaveLength(13);
    expect(starts[0]!.toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(starts[3]!.toISOString()).toBe('2026-03-31T16:00:00.000Z');
    expect(starts[12]!.toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });
});

describe('the evaluation report', () => {
  it('compares January with December and Q1 with Q4 of the previous year', () => {
    const report = buildEvaluation(
      input({
        insured: [
          cell({ month: 1, premiumFen: 300n, newEnterprises: 1 }),
          cell({ month: 2, premiumFen: 600n }),
          cell({ month: 4, premiumFen: 100n, newEnterprises: 2 }),
        ],
        previousInsured: [cell({ month: 11, premiumFen: 1_000n }), cell({ month: 12, premiumFen: 200n })],
      }),
    );
    expect(report.byMonth.slice(0, 5)).toEqual([
      { month: '2026-01', newInsuredEnterprises: 1, premiumFen: 300, growthPct: 50 },
      { month: '2026-02', newInsuredEnterprises: 0, premiumFen: 600, growthPct: 100 },
      { month: '2026-03', newInsuredEnterprises: 0, premiumFen: 0, growthPct: -100 },
      { month: '2026-04', newInsuredEnterprises: 2, premiumFen: 100, growthPct: null },
      { month: '2026-05', newInsuredEnterprises: 0, premiumFen: 0, growthPct: -100 },
    ]);
    expect(report.byQuarter).toEqual([
      { quarter: '2026-Q1', newInsuredEnterprises: 1, premiumFen: 900, growthPct: -25 },
      { quarter: '2026-Q2', newInsuredEnterprises: 2, premiumFen: 100, growthPct: -88.9 },
      { quarter: '2026-Q3', newInsuredEnterprises: 0, premiumFen: 0, growthPct: -100 },
      { quarter: '2026-Q4', newInsuredEnterprises: 0, premiumFen: 0, growthPct: null },
    ]);
    expect(report.premiumGrowthPct).toBe(-16.7); // 1000 against 1200
    expect(report.byMonth).toHaveLength(12);
  });
});

describe('CSV', () => {
  it('quotes commas, quotes and line breaks as RFC 4180 says, and leaves plain values alone', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rlf')).toBe('"cr\rlf"');
  });

  it('starts with a byte-order mark and ends every record with CRLF', () => {
    expect(
      toCsv([
        ['a', 'b,c'],
        [1, null],
      ]),
    ).toBe('\uFEFFa,"b,c"\r\n1,\r\n');
  });

  it('has one row per figure of the report, with a Chinese label', () => {
    const report = buildEvaluation(
      input({ referrals: [{ status: 'GRANTED', count: 2, creditLineFen: 7n }] }),
    );
    const rows = evaluationRows(report);
    const leaves = (v: unknown): number =>
      v === null || typeof v !== 'object'
        ? 1
        : Array.isArray(v)
          ? v.reduce((n: number, row: object) => n + Object.keys(row).length - 1, 0)
          : Object.values(v).reduce((n: number, w) => n + leaves(w), 0);
    expect(rows).toHaveLength(leaves(report));
    expect(rows).toContainEqual([
      'summary',
      '',
      'highTechCoveragePct',
      '总体 / 高新技术企业覆盖率（%）',
      0,
      '%',
    ]);
    expect(rows).toContainEqual([
      'bankMatching',
      '',
      'creditLine',
      '保贷联动 / 授信额度（元）',
      '0.07',
      '元',
    ]);
    expect(rows).toContainEqual([
      'byTrack',
      'SRDI',
      'premium',
      '按支持方向 / 专精特新科技保险 / 保费（元）',
      '0.00',
      '元',
    ]);
    expect(rows).toContainEqual([
      'byQuarter',
      '2026-Q2',
      'growthPct',
      '按季度 / 2026年第2季度 / 环比增长率（%）',
      null,
      '%',
    ]);
    const csv = evaluationCsv(report);
    expect(csv.startsWith('\uFEFFsection,key,metric,label_zh,value,unit\r\n')).toBe(true);
    expect(csv).toContain('\r\nsummary,,premiumGrowthPct,总体 / 保费同比增长率（%）,,%\r\n');
  });
});
