import fc from 'fast-check';
import { addDays, forecastBudget, MAX_PROJECTION_DAYS, weekOf } from '../../domain/budgetForecast';
import { budgetName, chineseDay, renderForecastWarning } from '../../domain/budgetForecastEmail';

const base = {
  totalFen: 10_000_000_00,
  committedFen: 4_000_000_00,
  paidFen: 1_000_000_00,
  today: '2026-12-03',
  windowCloses: '2026-12-31',
};

describe('budget forecast (calendar days, integer fen)', () => {
  it('measures the pace over the last four weeks, today included, and projects the day the money runs out', () => {
    // 28 days from 2026-11-06 to 2026-12-03; the grant of 2026-11-05 is one day too old.
    const f = forecastBudget({
      ...base,
      daily: [
        { day: '2026-11-05', fen: 9_999_999_00 },
        { day: '2026-11-06', fen: 100_000_00 },
        { day: '2026-11-20', fen: 180_000_00 },
        { day: '2026-12-03', fen: 20_000_00 },
        { day: '2026-12-04', fen: 7_777_00 }, // tomorrow: not yet
      ],
    });
    expect(f).toEqual({
      totalFen: 10_000_000_00,
      committedFen: 4_000_000_00,
      paidFen: 1_000_000_00,
      remainingFen: 6_000_000_00,
      paceFrom: '2026-11-06',
      paceDays: 28,
      paceCommittedFen: 300_000_00,
      paceFenPerDay: 1_071_428, // floor(30,000,000 / 28)
      // ceil(600,000,000 × 28 / 30,000,000) = 560 days after today
      exhaustionDay: addDays('2026-12-03', 560),
      exhausted: false,
      windowCloses: '2026-12-31',
      beforeWindowCloses: false,
    });
    expect(f.exhaustionDay).toBe('2028-06-15');
  });

  it('warns when the day falls on or before the window closes, and not after', () => {
    // 280,000 fen in 28 days: 10,000 fen a day.
    const at = (remainingFen: number) =>
      forecastBudget({
        ...base,
        totalFen: base.committedFen + remainingFen,
        daily: [{ day: '2026-12-01', fen: 280_000 }],
      });
    expect(at(280_000)).toMatchObject({ paceFenPerDay: 10_000, exhaustionDay: '2026-12-31' });
    expect(at(280_000).beforeWindowCloses).toBe(true);
    expect(at(280_001)).toMatchObject({ exhaustionDay: '2027-01-01', beforeWindowCloses: false });
    expect(at(1)).toMatchObject({ exhaustionDay: '2026-12-04', beforeWindowCloses: true });
  });

  it('names no day when nothing remains (已用尽) or nothing was committed lately', () => {
    const exhausted = forecastBudget({
      ...base,
      totalFen: base.committedFen,
      daily: [{ day: '2026-12-01', fen: 5 }],
    });
    expect(exhausted).toMatchObject({
      remainingFen: 0,
      exhausted: true,
      exhaustionDay: null,
      beforeWindowCloses: false,
    });
    const still = forecastBudget({ ...base, daily: [{ day: '2026-10-01', fen: 5_000_00 }] });
    expect(still).toMatchObject({ paceFenPerDay: 0, exhaustionDay: null, exhausted: false });
    // A pace below one fen a day still projects (the rounded pace is only what is shown).
    const slow = forecastBudget({
      ...base,
      totalFen: base.committedFen + 2,
      daily: [{ day: base.today, fen: 1 }],
    });
    expect(slow).toMatchObject({ paceFenPerDay: 0, exhaustionDay: addDays(base.today, 56) });
    // Over-committed (a budget lowered by hand below what it holds): nothing remains.
    expect(forecastBudget({ ...base, totalFen: 1, daily: [] })).toMatchObject({
      remainingFen: 0,
      exhausted: true,
    });
    const unknownWindow = forecastBudget({
      ...base,
      windowCloses: null,
      daily: [{ day: base.today, fen: 1_000_00 }],
    });
    expect(unknownWindow.beforeWindowCloses).toBe(false);
  });

  it('takes the window length in weeks', () => {
    const f = forecastBudget({
      ...base,
      weeks: 1,
      daily: [
        { day: '2026-11-26', fen: 1_000_000 },
        { day: '2026-11-27', fen: 700_000 },
      ],
    });
    expect(f).toMatchObject({
      paceFrom: '2026-11-27',
      paceDays: 7,
      paceCommittedFen: 700_000,
      paceFenPerDay: 100_000,
    });
  });

  it('refuses what is not fen or not a day', () => {
    expect(() => forecastBudget({ ...base, totalFen: 1.5, daily: [] })).toThrow(RangeError);
    expect(() => forecastBudget({ ...base, daily: [{ day: '2026-02-30', fen: 1 }] })).toThrow(RangeError);
    expect(() => forecastBudget({ ...base, today: '2026-12-3', daily: [] })).toThrow(RangeError);
    expect(() => forecastBudget({ ...base, weeks: 0, daily: [] })).toThrow(RangeError);
  });

  it('names no day past 100 years', () => {
    const f = forecastBudget({
      ...base,
      totalFen: 9_000_000_000_000_000,
      committedFen: 0,
      paidFen: 0,
      daily: [{ day: base.today, fen: 1 }],
    });
    expect(f).toMatchObject({ exhaustionDay: null, exhausted: false });
    expect(MAX_PROJECTION_DAYS).toBe(36_525);
  });

  it('gives the Monday of a week', () => {
    expect(weekOf('2026-12-03')).toBe('2026-11-30'); // a Thursday
    expect(weekOf('2026-11-30')).toBe('2026-11-30');
    expect(weekOf('2026-12-06')).toBe('2026-11-30'); // a Sunday
  });
});

describe('the warning e-mail to finance', () => {
  it('says in Chinese first which budget runs out when, before the window closes, with its figures', () => {
    const f = forecastBudget({
      ...base,
      totalFen: 10_000_000_00,
      committedFen: 9_000_000_00,
      paidFen: 2_000_000_00,
      daily: [{ day: '2026-11-20', fen: 2_800_000_00 }],
    });
    expect(f).toMatchObject({ exhaustionDay: '2026-12-13', beforeWindowCloses: true });
    const mail = renderForecastWarning(
      2026,
      'SRDI',
      { ...f, exhaustionDay: f.exhaustionDay!, windowCloses: f.windowCloses! },
      'https://kjbx.example/#/finance/budgets?year=2026',
    );
    expect(mail.subject).toBe(
      '【预算预警】2026年度专精特新科技保险子预算预计于 2026年12月13日 用尽 / Budget warning: the 2026 sub-budget of SRDI catalog insurance runs out on 2026-12-13',
    );
    const [zh, en] = mail.text.split('----');
    expect(zh).toContain('日均新增占用 ¥100,000.00');
    expect(zh).toContain('早于申报窗口关闭日（2026年12月31日）');
    expect(zh).toContain(
      '预算总额 ¥10,000,000.00，已占用 ¥9,000,000.00（其中已拨付 ¥2,000,000.00），剩余 ¥1,000,000.00。',
    );
    expect(zh).toContain('https://kjbx.example/#/finance/budgets?year=2026');
    expect(en).toContain('runs out on 2026-12-13, before the application window closes (2026-12-31)');
    expect(budgetName(2027, 'ALL').zh).toBe('2027年度补贴预算（总额）');
    expect(chineseDay('2027-01-05')).toBe('2027年1月5日');
  });
});

describe('budget forecast properties (fast-check)', () => {
  const fen = fc.integer({ min: 0, max: 1_000_000_000_000 });
  const offset = fc.integer({ min: 0, max: 60 });
  const series = fc.array(fc.record({ back: offset, fen: fc.integer({ min: 0, max: 10_000_000_000 }) }), {
    maxLength: 30,
  });
  const today = '2026-06-15';

  it('projects the first day on which the window’s pace has committed the remaining money', () => {
    fc.assert(
      fc.property(fen, fen, series, fc.integer({ min: 1, max: 8 }), (total, committed, s, weeks) => {
        const daily = s.map((x) => ({ day: addDays(today, -x.back), fen: x.fen }));
        const f = forecastBudget({
          totalFen: total,
          committedFen: committed,
          paidFen: 0,
          daily,
          today,
          windowCloses: null,
          weeks,
        });
        const inWindow = s.filter((x) => x.back < weeks * 7).reduce((a, x) => a + x.fen, 0);
        expect(f.paceCommittedFen).toBe(inWindow);
        expect(f.remainingFen).toBe(Math.max(0, total - committed));
        expect(Number.isSafeInteger(f.paceFenPerDay)).toBe(true);
        expect(f.paceFenPerDay * f.paceDays).toBeLessThanOrEqual(inWindow);
        if (f.remainingFen === 0 || inWindow === 0) return expect(f.exhaustionDay).toBeNull();
        const need = BigInt(f.remainingFen) * BigInt(f.paceDays);
        if (f.exhaustionDay === null)
          return expect(BigInt(MAX_PROJECTION_DAYS) * BigInt(inWindow)).toBeLessThan(need);
        const n = (Date.parse(f.exhaustionDay) - Date.parse(today)) / 86_400_000;
        expect(n).toBeGreaterThanOrEqual(1);
        // n days at the window's rate cover what remains; n - 1 do not.
        expect(BigInt(n) * BigInt(inWindow)).toBeGreaterThanOrEqual(need);
        expect(BigInt(n - 1) * BigInt(inWindow)).toBeLessThan(need);
      }),
    );
  });

  it('never projects an earlier day for more money left or a slower pace', () => {
    fc.assert(
      fc.property(
        fen,
        fen,
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fen,
        (committed, left, pace, more) => {
          // Used up is the earliest of all; a day too far ahead to name, the latest.
          const f = (remaining: number, fenToday: number) => {
            const r = forecastBudget({
              totalFen: committed + remaining,
              committedFen: committed,
              paidFen: 0,
              daily: [{ day: today, fen: fenToday }],
              today,
              windowCloses: '2026-12-31',
            });
            return r.exhausted ? '0000-00-00' : (r.exhaustionDay ?? '9999-12-31');
          };
          expect(f(left + more, pace) >= f(left, pace)).toBe(true);
          expect(f(left, pace) >= f(left, pace + more)).toBe(true);
        },
      ),
    );
  });
});
