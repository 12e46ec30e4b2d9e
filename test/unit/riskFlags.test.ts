import fc from 'fast-check';
import {
  isPremiumOutlier,
  median,
  medianAndMad,
  normalizeAccountNumber,
  normalizeEmail,
  outlierReason,
  PREMIUM_MIN_SAMPLE,
  premiumStats,
  premiumZ,
  sharedReason,
} from '../../domain/riskFlags';

describe('the premium outlier’s robust statistics', () => {
  it('takes the median and the median absolute deviation', () => {
    expect(median([1, 2, 3])).toBe(2);
    expect(median([1, 2, 3, 10])).toBe(2.5);
    expect(medianAndMad([1, 1, 2, 2, 4, 6, 9])).toEqual({ median: 2, mad: 1 });
  });

  it('judges nothing below the minimum sample', () => {
    expect(premiumStats(Array(PREMIUM_MIN_SAMPLE - 1).fill(100_000))).toBeNull();
    expect(premiumStats([...Array(PREMIUM_MIN_SAMPLE - 1).fill(100_000), 0])).toBeNull();
    expect(premiumStats(Array(PREMIUM_MIN_SAMPLE).fill(100_000))).not.toBeNull();
  });

  it('flags a premium ten times the product’s usual one, not one a little above', () => {
    const history = [90_000, 95_000, 100_000, 100_000, 105_000, 110_000, 98_000, 102_000, 120_000, 85_000];
    const stats = premiumStats(history)!;
    expect(stats.medianFen).toBe(100_000);
    expect(isPremiumOutlier(stats, 1_000_000)).toBe(true);
    expect(isPremiumOutlier(stats, 10_000)).toBe(true);
    expect(isPremiumOutlier(stats, 125_000)).toBe(false);
    expect(stats.lowFen).toBeLessThan(85_000);
    expect(stats.highFen).toBeGreaterThan(120_000);
  });

  it('with premiums all alike (MAD 0) flags only what is more than 1.5 times off the median', () => {
    const stats = premiumStats(Array(12).fill(250_000))!;
    expect(isPremiumOutlier(stats, 250_001)).toBe(false);
    expect(isPremiumOutlier(stats, 370_000)).toBe(false);
    expect(isPremiumOutlier(stats, 380_000)).toBe(true);
    expect(isPremiumOutlier(stats, 160_000)).toBe(true);
  });

  it('a premium is usual exactly when it lies within the range the evidence shows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1e10 }), { minLength: PREMIUM_MIN_SAMPLE, maxLength: 60 }),
        fc.integer({ min: 1, max: 1e11 }),
        (history, premium) => {
          const stats = premiumStats(history)!;
          const inRange = premium >= stats.lowFen && premium <= stats.highFen;
          // Rounding to whole fen at the range's ends: only a premium at an end may disagree.
          if (premium === stats.lowFen - 1 || premium === stats.highFen + 1) return;
          expect(isPremiumOutlier(stats, premium)).toBe(!inRange);
        },
      ),
    );
  });

  it('does not move when the history is reordered or scaled (the z-score of a scaled premium stays)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 100, max: 1e8 }), { minLength: PREMIUM_MIN_SAMPLE, maxLength: 40 }),
        fc.integer({ min: 100, max: 1e9 }),
        (history, premium) => {
          const a = premiumStats(history)!;
          const b = premiumStats([...history].reverse())!;
          expect(b).toEqual(a);
          const scaled = premiumStats(history.map((p) => p * 10))!;
          expect(premiumZ(scaled, premium * 10)).toBeCloseTo(premiumZ(a, premium), 6);
        },
      ),
    );
  });

  it('says why in Chinese and English, in 元 with two decimals', () => {
    const stats = premiumStats(Array(10).fill(100_000))!;
    const r = outlierReason(stats, 1_234_567);
    expect(r.zh).toContain('12,345.67 元');
    expect(r.zh).toContain('中位数 1,000.00 元');
    expect(r.en).toContain('CNY 12,345.67');
  });
});

describe('what is compared', () => {
  it('compares e-mails trimmed and in lower case', () => {
    expect(normalizeEmail('  Finance@Example.COM ')).toBe('finance@example.com');
  });

  it('compares account numbers without the spaces and dashes people type', () => {
    expect(normalizeAccountNumber('6222 0202-0001 2345 678')).toBe('6222020200012345678');
    expect(normalizeAccountNumber('６２２２')).toBe('6222');
  });

  it('names at most three other enterprises in a reason', () => {
    const others = ['甲', '乙', '丙', '丁'].map((name, i) => ({
      creditCode: String(i),
      name: `${name}公司`,
      applicationIds: [],
    }));
    const r = sharedReason('SHARED_CONTACT_EMAIL', others);
    expect(r.zh).toBe('该企业的联系邮箱与其他 4 家企业相同：甲公司、乙公司、丙公司 等。');
    expect(r.en).toContain('4 other enterprise(s)');
  });
});
