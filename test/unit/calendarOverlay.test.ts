import { WorkingCalendar } from '../../domain/calendar';
import { packagedCalendar } from '../../data/calendar';
import {
  calendarProvider,
  invalidateCalendars,
  overlayCalendar,
  type CalendarYearDays,
} from '../../data/calendarStore';
import type { Db } from '../../data/db';

describe('a loaded calendar year laid over the packaged data', () => {
  const packaged = packagedCalendar();

  it('replaces the packaged days of that year and leaves the other years alone', () => {
    const cal = overlayCalendar(packaged, [
      { year: 2026, holidays: ['2026-10-08'], workdays: ['2026-10-11'] },
    ]);
    expect(cal.isWorkingDay('2026-10-01')).toBe(true); // National Day is no longer in the loaded 2026
    expect(cal.isWorkingDay('2026-10-08')).toBe(false);
    expect(cal.isWorkingDay('2026-10-10')).toBe(false); // the package's make-up Saturday, gone too
    expect(cal.isWorkingDay('2026-10-11')).toBe(true); // the loaded make-up Sunday
    expect(cal.isWorkingDay('2025-10-01')).toBe(false); // 2025 still the package's
    expect(cal.isWorkingDay('2025-09-28')).toBe(true); // a packaged make-up Sunday of 2025
  });

  it('makes an unannounced year known: its holidays move deadlines and the deadline no longer warns', () => {
    const from = new Date('2026-12-30T10:00:00+08:00');
    // Before: 31 Dec, then 1 and 4 January 2027 counted as plain weekdays.
    const before = packaged.deadline(from, 3);
    expect(before).toMatchObject({ lastDay: '2027-01-04', unknownYears: [2027] });
    const cal = overlayCalendar(packaged, [
      { year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] },
    ]);
    const after = cal.deadline(from, 3);
    expect(after).toMatchObject({ lastDay: '2027-01-05', unknownYears: [] });
    expect(after.at.toISOString()).toBe('2027-01-05T16:00:00.000Z');
    expect([...cal.knownYears]).toEqual(expect.arrayContaining([2026, 2027]));
  });

  it('counts make-up working days of a loaded year, and ignores dates of other years in its lists', () => {
    const cal = overlayCalendar(new WorkingCalendar({ holidays: [], workdays: [], knownYears: [] }), [
      { year: 2031, holidays: ['2031-01-02', '2032-01-05'], workdays: ['2031-01-04', '2030-12-28'] },
    ]);
    expect(cal.isWorkingDay('2031-01-02')).toBe(false);
    expect(cal.isWorkingDay('2031-01-04')).toBe(true); // a Saturday worked
    expect(cal.isWorkingDay('2032-01-05')).toBe(true); // listed under 2031: ignored
    expect(cal.isWorkingDay('2030-12-28')).toBe(false); // a Saturday of 2030, listed under 2031: ignored
    expect([...cal.knownYears]).toEqual([2031]);
  });

  it('is the base calendar itself when nothing is loaded', () => {
    expect(overlayCalendar(packaged, [])).toBe(packaged);
  });
});

describe('the worker’s calendar provider', () => {
  /** A database with only the calendar table, counting its reads. */
  function fakeDb(years: CalendarYearDays[]) {
    const reads = { count: 0, fail: false };
    const db = {
      calendarYear: {
        findMany: () => {
          reads.count += 1;
          return reads.fail ? Promise.reject(new Error('database down')) : Promise.resolve(years);
        },
      },
    } as unknown as Db;
    return { db, reads };
  }
  const base = new WorkingCalendar({ holidays: [], workdays: [], knownYears: [2026] });

  it('reads the loaded years once per interval and at once after a load in this process', async () => {
    const years: CalendarYearDays[] = [];
    const { db, reads } = fakeDb(years);
    const calendar = calendarProvider(db, { base, ttlMs: 60_000 });
    expect((await calendar()).knownYears.has(2027)).toBe(false);
    await calendar();
    expect(reads.count).toBe(1);
    years.push({ year: 2027, holidays: ['2027-01-01'], workdays: [] });
    invalidateCalendars();
    const loaded = await calendar();
    expect(reads.count).toBe(2);
    expect(loaded.knownYears.has(2027)).toBe(true);
    expect(loaded.isWorkingDay('2027-01-01')).toBe(false);
  });

  it('reads again once the interval has passed', async () => {
    const { db, reads } = fakeDb([]);
    const calendar = calendarProvider(db, { base, ttlMs: 0 });
    await calendar();
    await calendar();
    expect(reads.count).toBe(2);
  });

  it('does not keep a failed read: the next call reads again', async () => {
    const { db, reads } = fakeDb([]);
    const calendar = calendarProvider(db, { base, ttlMs: 60_000 });
    reads.fail = true;
    await expect(calendar()).rejects.toThrow('database down');
    reads.fail = false;
    await expect(calendar()).resolves.toBeInstanceOf(WorkingCalendar);
    expect(reads.count).toBe(2);
  });
});
