import fc from 'fast-check';
import {
  addMonthsToDay,
  recoveryFor,
  repaymentProblem,
  stateAfterRepayment,
  type RecoveryInput,
} from '../../domain/recovery';

const base: RecoveryInput = {
  grantedFen: 300_000,
  paidPremiumFen: 1_000_000,
  policyStartDate: '2026-01-15',
  kind: 'REFUND',
  effectiveDate: '2026-09-01',
  paidPremiumAfterFen: 750_000,
  claimedFen: 0,
};

describe('the recovery rule', () => {
  it('recovers the whole grant for a cancellation within the first six months', () => {
    const d = recoveryFor({
      ...base,
      kind: 'CANCELLATION',
      effectiveDate: '2026-07-14',
      paidPremiumAfterFen: 500_000,
    });
    expect(d).toMatchObject({ amountFen: 300_000, basis: 'FULL_CANCELLATION' });
    expect(d.ruleZh).toContain('6 个月内');
    expect(d.ruleZh).toContain('¥3,000.00');
    expect(d.ruleEn).toContain('within 6 months');
  });

  it('recovers the subsidy share from the day the six months are over, and the months are configurable', () => {
    const late = {
      ...base,
      kind: 'CANCELLATION' as const,
      effectiveDate: '2026-07-15',
      paidPremiumAfterFen: 500_000,
    };
    expect(recoveryFor(late)).toMatchObject({ amountFen: 150_000, basis: 'SUBSIDY_SHARE' });
    expect(recoveryFor(late, { fullRecoveryMonths: 7 })).toMatchObject({ amountFen: 300_000 });
  });

  it('recovers the subsidy share of a refund, rounded down to the fen, less what earlier cases claim', () => {
    expect(recoveryFor(base)).toMatchObject({ amountFen: 75_000, basis: 'SUBSIDY_SHARE' });
    // 300000 × 1 ÷ 999999 = 0.3: nothing.
    const tiny = { ...base, paidPremiumFen: 999_999, paidPremiumAfterFen: 999_998 };
    expect(recoveryFor(tiny)).toMatchObject({ amountFen: 0, basis: 'NONE' });
    // Two refunds: the second recovers the cumulative share less the first case.
    const second = recoveryFor({ ...base, paidPremiumAfterFen: 500_000, claimedFen: 75_000 });
    expect(second.amountFen).toBe(75_000);
    expect(second.ruleZh).toContain('扣除此前已立案的 ¥750.00');
  });

  it('recovers nothing for an endorsement that raises the premium', () => {
    expect(recoveryFor({ ...base, kind: 'ENDORSEMENT', paidPremiumAfterFen: 1_200_000 }).amountFen).toBe(0);
  });

  it('adds calendar months to a day, clamped to the month end', () => {
    expect(addMonthsToDay('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonthsToDay('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonthsToDay('2026-01-15', 6)).toBe('2026-07-15');
  });

  const fen = fc.integer({ min: 0, max: 2_000_000_000 });
  const day = fc
    .date({ min: new Date('2024-01-01'), max: new Date('2028-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  const change = fc.record({
    kind: fc.constantFrom('CANCELLATION' as const, 'REFUND' as const, 'ENDORSEMENT' as const),
    effectiveDate: day,
    afterShare: fc.integer({ min: 0, max: 12_000 }),
  });

  it('never claims more than the grant over any sequence of changes, in whole fen', () => {
    fc.assert(
      fc.property(
        fen,
        fen,
        day,
        fc.array(change, { maxLength: 8 }),
        fc.integer({ min: 0, max: 24 }),
        (grant, paid, start, changes, months) => {
          let claimed = 0;
          for (const c of changes) {
            const after = Math.floor((paid * c.afterShare) / 10_000);
            const d = recoveryFor(
              {
                grantedFen: grant,
                paidPremiumFen: paid,
                policyStartDate: start,
                kind: c.kind,
                effectiveDate: c.effectiveDate,
                paidPremiumAfterFen: after,
                claimedFen: claimed,
              },
              { fullRecoveryMonths: months },
            );
            expect(Number.isSafeInteger(d.amountFen)).toBe(true);
            expect(d.amountFen).toBeGreaterThanOrEqual(0);
            expect(d.amountFen).toBeLessThanOrEqual(grant - claimed);
            claimed += d.amountFen;
          }
          expect(claimed).toBeLessThanOrEqual(grant);
        },
      ),
    );
  });

  it('claims, for refunds alone, exactly the rounded-down share of the premium refunded in all', () => {
    fc.assert(
      fc.property(
        fen,
        fc.integer({ min: 1, max: 2_000_000_000 }),
        fc.array(fc.nat(10_000), { maxLength: 6 }),
        (grant, paid, shares) => {
          let claimed = 0;
          let after = paid;
          for (const s of [...shares].sort((a, b) => b - a)) {
            after = Math.min(after, Math.floor((paid * s) / 10_000));
            claimed += recoveryFor({
              ...base,
              grantedFen: grant,
              paidPremiumFen: paid,
              paidPremiumAfterFen: after,
              claimedFen: claimed,
            }).amountFen;
          }
          expect(claimed).toBe(Number((BigInt(grant) * BigInt(paid - after)) / BigInt(paid)));
        },
      ),
    );
  });
});

describe('repayments', () => {
  const ok = { amountFen: 100, bankReference: 'BR-1', paidOn: '2026-12-03' };
  it('accepts a positive amount up to the outstanding, with a reference, not in the future', () => {
    expect(repaymentProblem(ok, 100, '2026-12-03')).toBeNull();
    expect(repaymentProblem({ ...ok, amountFen: 0 }, 100, '2026-12-03')?.field).toBe('amountFen');
    expect(repaymentProblem({ ...ok, amountFen: 101 }, 100, '2026-12-03')?.zh).toContain('超过未还金额');
    expect(repaymentProblem({ ...ok, bankReference: ' ' }, 100, '2026-12-03')?.field).toBe('bankReference');
    expect(repaymentProblem({ ...ok, paidOn: '2026-12-04' }, 100, '2026-12-03')?.field).toBe('paidOn');
  });

  it('moves the case to partly repaid, then repaid', () => {
    expect(stateAfterRepayment(100, 40, 'REMINDED')).toBe('PARTIALLY_REPAID');
    expect(stateAfterRepayment(100, 100, 'PARTIALLY_REPAID')).toBe('REPAID');
    expect(stateAfterRepayment(100, 0, 'OPEN')).toBe('OPEN');
  });
});
