import { applyRate, formatFen, fromDbFen } from '../../domain/money';

describe('money', () => {
  it('floors base × rate to the fen, exactly, even where floating point would round', () => {
    expect(applyRate(250_000, 10_000)).toBe(250_000);
    expect(applyRate(333, 5000)).toBe(166);
    expect(applyRate(9_007_199_254_740_991, 5000)).toBe(4_503_599_627_370_495);
    expect(() => applyRate(12.5, 5000)).toThrow(RangeError);
    expect(() => applyRate(-1, 5000)).toThrow(RangeError);
  });

  it('formats fen as yuan for people', () => {
    expect(formatFen(123_456_789)).toBe('¥1,234,567.89');
    expect(formatFen(5)).toBe('¥0.05');
  });

  it('refuses database amounts that would lose precision', () => {
    expect(fromDbFen(42n)).toBe(42);
    expect(() => fromDbFen(2n ** 60n)).toThrow(RangeError);
  });
});
