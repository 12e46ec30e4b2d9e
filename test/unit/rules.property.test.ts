import fc from 'fast-check';
import { evaluate, type PriorApplication } from '../../domain/rules';
import type { Track } from '../../domain/status';
import { input, PRODUCTS, withEnterprise, withPolicy } from '../helpers/rulesFixtures';

const fen = fc.integer({ min: 0, max: 2_000_000_000 });
const level = fc.constantFrom('NATIONAL' as const, 'MUNICIPAL' as const);
const product = fc.constantFrom('rd' as const, 'transfer' as const, 'other' as const);
const reimbursement = fc.constantFrom<Track>('SRDI', 'FRONTIER');

function reimbursementInput(
  track: Track,
  paidFen: number,
  lvl: 'NATIONAL' | 'MUNICIPAL',
  prod: keyof typeof PRODUCTS,
  history: PriorApplication[] = [],
) {
  let i = input(track, { history });
  if (track === 'SRDI') {
    const p = PRODUCTS[prod]!;
    i = withEnterprise({ ...i, product: p }, { srdi: { level: lvl, validUntil: '2028-06-30' } });
    i = withPolicy(i, { insurerCode: p.insurerCode, productCode: p.productCode });
  }
  return withPolicy(i, { premiumFen: Math.max(paidFen, 1), paidPremiumFen: paidFen });
}

describe('grant properties (fast-check)', () => {
  it('never exceeds half the premium paid (SRDI, FRONTIER), never the remaining cap, never negative', () => {
    fc.assert(
      fc.property(reimbursement, fen, level, product, fen, (track, paidFen, lvl, prod, usedFen) => {
        const history =
          usedFen > 0
            ? [{ id: 'h', track, status: 'PAID' as const, subsidyYear: 2026, grantedFen: usedFen }]
            : [];
        const r = evaluate(reimbursementInput(track, paidFen, lvl, prod, history));
        expect(r.grantFen).toBeGreaterThanOrEqual(0);
        expect(Number.isSafeInteger(r.grantFen)).toBe(true);
        expect(BigInt(r.grantFen) * 2n).toBeLessThanOrEqual(BigInt(paidFen));
        expect(r.grantFen).toBeLessThanOrEqual(Math.max(0, r.annualCapFen - usedFen));
        expect(BigInt(r.computedFen)).toBe((BigInt(r.baseFen) * BigInt(r.rateBp)) / 10_000n);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every enterprise within its caps over any sequence of applications', () => {
    const application = fc.record({
      track: fc.constantFrom<Track>('INCLUSIVE', 'SRDI', 'FRONTIER'),
      paidFen: fc.integer({ min: 1, max: 400_000_000 }),
      year: fc.constantFrom(2025, 2026),
    });
    fc.assert(
      fc.property(fc.array(application, { maxLength: 30 }), (apps) => {
        const history: PriorApplication[] = [];
        for (const [n, a] of apps.entries()) {
          let i = reimbursementInput(
            a.track === 'INCLUSIVE' ? 'SRDI' : a.track,
            a.paidFen,
            'NATIONAL',
            'rd',
            history,
          );
          if (a.track === 'INCLUSIVE')
            i = withPolicy(input('INCLUSIVE', { history }), {
              premiumFen: a.paidFen,
              paidPremiumFen: a.paidFen,
            });
          i = withPolicy(i, { paidAt: `${a.year}-06-01T10:00:00+08:00` });
          const r = evaluate(i);
          if (r.eligible)
            history.push({
              id: String(n),
              track: a.track,
              status: 'PAID',
              subsidyYear: r.subsidyYear,
              grantedFen: r.grantFen,
            });
        }
        const program = input('SRDI').program;
        const caps: Record<Track, number> = {
          INCLUSIVE: program.inclusivePremiumCapFen,
          SRDI: program.srdiAnnualCapFen,
          FRONTIER: program.frontierAnnualCapFen,
        };
        for (const track of ['INCLUSIVE', 'SRDI', 'FRONTIER'] as const) {
          for (const year of [2025, 2026]) {
            const sum = history
              .filter((h) => h.track === track && h.subsidyYear === year)
              .reduce((s, h) => s + h.grantedFen!, 0);
            expect(sum).toBeLessThanOrEqual(caps[track]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
