import fc from 'fast-check';
import { localize } from '../../api/i18n';
import { mulberry32 } from '../../domain/random';
import { siteVisitsSection } from '../../reports/siteVisitsSection';
import {
  CHECKLIST_ITEMS,
  drawSample,
  previousQuarter,
  quarterBounds,
  quarterDue,
  quarterOf,
  stratumKey,
  stratumSampleSize,
  visitResultIssues,
  type ChecklistAnswers,
  type Member,
} from '../../domain/siteVisits';

const TRACKS = ['INCLUSIVE', 'SRDI', 'FRONTIER'] as const;
const OFFICES = ['street:中关村街道', 'street:学院路街道', 'street:海淀街道', null];

const member = fc.record({
  id: fc.stringMatching(/^HD-2026-[0-9]{6}$/),
  track: fc.constantFrom(...TRACKS),
  office: fc.constantFrom(...OFFICES),
});
const population = fc.uniqueArray(member, { selector: (m) => m.id, maxLength: 200 });
const seed = fc.integer({ min: 0, max: 0xffffffff }).map((n) => n.toString(16).padStart(8, '0'));
const rate = fc.double({ min: 0.001, max: 1, noNaN: true });

const countBy = (ms: readonly Member[], key: (m: Member) => string) => {
  const counts = new Map<string, number>();
  for (const m of ms) counts.set(key(m), (counts.get(key(m)) ?? 0) + 1);
  return counts;
};

describe('the site-visit sample', () => {
  it('is the same for the same seed and population, in whatever order the population comes', () => {
    fc.assert(
      fc.property(population, seed, rate, (pop, s, r) => {
        const reversed = [...pop].reverse();
        expect(drawSample(reversed, s, r)).toEqual(drawSample(pop, s, r));
      }),
    );
  });

  it('is drawn from the population, each stratum ceil(rate × size) of it, so every track present is in it', () => {
    fc.assert(
      fc.property(population, seed, rate, (pop, s, r) => {
        const sample = drawSample(pop, s, r);
        const ids = new Set(pop.map((m) => m.id));
        expect(sample.every((m) => ids.has(m.id))).toBe(true);
        expect(new Set(sample.map((m) => m.id)).size).toBe(sample.length);
        const sizes = countBy(pop, stratumKey);
        const drawn = countBy(sample, stratumKey);
        for (const [key, size] of sizes) expect(drawn.get(key)).toBe(stratumSampleSize(size, r));
        expect(new Set(sample.map((m) => m.track))).toEqual(new Set(pop.map((m) => m.track)));
      }),
    );
  });

  it('rounds each stratum up, at least one, never more than the stratum', () => {
    expect(stratumSampleSize(0, 0.05)).toBe(0);
    expect(stratumSampleSize(1, 0.05)).toBe(1);
    expect(stratumSampleSize(20, 0.05)).toBe(1);
    expect(stratumSampleSize(21, 0.05)).toBe(2);
    expect(stratumSampleSize(60, 0.05)).toBe(3);
    expect(stratumSampleSize(7, 1)).toBe(7);
  });

  it('depends on the seed (a fixed example an auditor can recompute by hand)', () => {
    const pop: Member[] = Array.from({ length: 40 }, (_, i) => ({
      id: `HD-2026-${String(i).padStart(6, '0')}`,
      track: 'SRDI',
      office: 'street:中关村街道',
    }));
    expect(drawSample(pop, '0000002a', 0.05).map((m) => m.id)).toEqual(
      drawSample(pop, '0000002a', 0.05).map((m) => m.id),
    );
    const bySeed = new Set(
      ['00000001', '00000002', '00000003', 'deadbeef', 'ffffffff'].map((s) =>
        drawSample(pop, s, 0.05)
          .map((m) => m.id)
          .join(),
      ),
    );
    expect(bySeed.size).toBeGreaterThan(1);
    // mulberry32's first output for seed 0 (the published reference value).
    expect(Math.round(mulberry32(0)() * 4294967296)).toBe(1144304738);
  });

  it('refuses a malformed seed or rate', () => {
    expect(() => drawSample([], 'xyz', 0.05)).toThrow(RangeError);
    expect(() => drawSample([], '00000001', 0)).toThrow(RangeError);
  });
});

describe('quarters', () => {
  it('are bounded by Beijing days', () => {
    expect(quarterBounds('2026Q3')).toEqual({
      from: new Date('2026-06-30T16:00:00Z'),
      to: new Date('2026-09-30T16:00:00Z'),
    });
    expect(quarterBounds('2026Q4').to).toEqual(new Date('2026-12-31T16:00:00Z'));
    expect(quarterOf('2026-07-01')).toBe('2026Q3');
    expect(previousQuarter('2026Q1')).toBe('2025Q4');
  });

  it('are sampled by the quarterly run from the hour of the new quarter’s first day on', () => {
    // 2026-10-01 08:59 and 09:00 Beijing.
    expect(quarterDue(new Date('2026-10-01T00:59:00Z'), 9)).toBeNull();
    expect(quarterDue(new Date('2026-10-01T01:00:00Z'), 9)).toBe('2026Q3');
    expect(quarterDue(new Date('2026-11-15T00:00:00Z'), 9)).toBe('2026Q3');
    expect(quarterDue(new Date('2027-01-01T01:00:00Z'), 9)).toBe('2026Q4');
  });
});

describe('a visit’s result', () => {
  const all = (ok: boolean): ChecklistAnswers => Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i, { ok }]));

  it('passes with every item yes, fails with a note, and only a failure asks for recovery', () => {
    expect(visitResultIssues({ result: 'PASSED', checklist: all(true), recoveryRequested: false })).toEqual(
      [],
    );
    expect(
      visitResultIssues({
        result: 'FAILED',
        checklist: all(false),
        note: '地址无人',
        recoveryRequested: true,
      }),
    ).toEqual([]);
    expect(
      visitResultIssues({
        result: 'NOT_REACHABLE',
        checklist: {},
        note: '三次未联系上',
        recoveryRequested: false,
      }),
    ).toEqual([]);
    expect(visitResultIssues({ result: 'FAILED', checklist: all(false), recoveryRequested: false })).toEqual([
      ['note', 'a failed or unreachable visit needs a note'],
    ]);
    const passedWithNo = visitResultIssues({
      result: 'PASSED',
      checklist: { ...all(true), RD_ACTIVITY: { ok: false } },
      recoveryRequested: true,
    });
    expect(passedWithNo.map(([field]) => field)).toEqual(['checklist.RD_ACTIVITY', 'recoveryRequested']);
    expect(visitResultIssues({ result: 'PASSED', checklist: {}, recoveryRequested: false })).toHaveLength(5);
  });

  it('names its rules in Chinese', () => {
    const reasons = [
      ...visitResultIssues({
        result: 'PASSED',
        checklist: { RD_ACTIVITY: { ok: false } },
        recoveryRequested: true,
      }),
    ].map(([, reason]) => reason);
    for (const reason of new Set(reasons)) expect(localize(reason, 'zh')).not.toBe(reason);
  });
});

describe('the evaluation report’s site-visit section', () => {
  const table = (caption: string, _cols: unknown[], rows: string[][], foot?: string[]) =>
    JSON.stringify({ caption, rows, foot });

  it('lists the tracks in their order with a total, and says so when the year has no sample', () => {
    const html = siteVisitsSection(
      2026,
      [
        { track: 'SRDI', sampled: 3, visited: 2, passed: 1, failed: 1, notReachable: 0 },
        { track: 'INCLUSIVE', sampled: 1, visited: 1, passed: 0, failed: 0, notReachable: 1 },
      ],
      table,
    );
    const { rows, foot } = JSON.parse(html.slice(html.indexOf('{'), html.lastIndexOf('}') + 1));
    expect(rows.map((r: string[]) => r[0])).toEqual([
      '普惠型综合科技保险 Inclusive group insurance',
      '专精特新（产品目录） SRDI (catalog products)',
    ]);
    expect(foot).toEqual(['合计 Total', '4', '3', '1', '1', '1']);
    expect(siteVisitsSection(2026, [], table)).toContain('2026 年尚无抽样走访');
  });
});
