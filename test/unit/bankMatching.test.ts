import { matchBanks, mismatch, type PartnerBank } from '../../domain/bankMatching';

const bank = (overrides: Partial<PartnerBank> = {}): PartnerBank => ({
  bankCode: 'BOB',
  name: '北京银行',
  contactEmail: 'kjd@bob.example',
  tracks: ['INCLUSIVE'],
  minAmountFen: 100_000_00,
  maxAmountFen: 5_000_000_00,
  maxTermMonths: 24,
  active: true,
  ...overrides,
});
const loan = { amountFen: 2_000_000_00, termMonths: 12, purpose: '研发' };

describe('which partner banks an enterprise is referred to', () => {
  it.each([
    ['a bank for its track, amount and term', bank(), 'INCLUSIVE', loan, null],
    ['an inactive bank', bank({ active: false }), 'INCLUSIVE', loan, 'inactive'],
    ['a bank of other tracks', bank({ tracks: ['SRDI', 'FRONTIER'] }), 'INCLUSIVE', loan, 'track'],
    [
      'an amount below the minimum',
      bank(),
      'INCLUSIVE',
      { ...loan, amountFen: 99_999_99 },
      'amount below minimum',
    ],
    ['an amount at the minimum', bank(), 'INCLUSIVE', { ...loan, amountFen: 100_000_00 }, null],
    ['an amount at the maximum', bank(), 'INCLUSIVE', { ...loan, amountFen: 5_000_000_00 }, null],
    [
      'an amount one fen above the maximum',
      bank(),
      'INCLUSIVE',
      { ...loan, amountFen: 5_000_000_01 },
      'amount above maximum',
    ],
    ['a term at the maximum', bank(), 'INCLUSIVE', { ...loan, termMonths: 24 }, null],
    ['a term one month too long', bank(), 'INCLUSIVE', { ...loan, termMonths: 25 }, 'term too long'],
    [
      'a frontier firm at a bank that lends to frontier',
      bank({ tracks: ['FRONTIER'] }),
      'FRONTIER',
      loan,
      null,
    ],
  ] as const)('%s', (_why, b, track, l, expected) => {
    expect(mismatch(b, track, l)).toBe(expected);
  });

  it('lists every matching bank, in bank-code order, and no other', () => {
    const banks = [
      bank({ bankCode: 'ICBC' }),
      bank({ bankCode: 'BOB' }),
      bank({ bankCode: 'CMB', maxTermMonths: 6 }),
      bank({ bankCode: 'ABC', active: false }),
    ];
    expect(matchBanks(banks, 'INCLUSIVE', loan).map((b) => b.bankCode)).toEqual(['BOB', 'ICBC']);
    expect(matchBanks(banks, 'SRDI', loan)).toEqual([]);
  });
});
