import { sameShanghaiDay, shanghaiDate, shanghaiYear, WorkingCalendar } from '../../domain/calendar';
import { packagedCalendar } from '../../data/calendar';

describe('working-day calendar', () => {
  const cal = packagedCalendar();

  it('knows holidays and make-up working days (调休) of the packaged years', () => {
    expect(cal.isWorkingDay('2026-10-01')).toBe(false); // National Day
    expect(cal.isWorkingDay('2026-10-08')).toBe(true);
    expect(cal.isWorkingDay('2026-02-17')).toBe(false); // Spring Festival
    expect(cal.isWorkingDay('2026-02-14')).toBe(true); // a Saturday worked in lieu
    expect(cal.isWorkingDay('2026-11-28')).toBe(false); // an ordinary Saturday
  });

  it('ends a deadline at 24:00 Beijing time of the n-th following working day', () => {
    // Friday 2026-09-25 10:00 +08:00, mid-autumn (25-27 Sep) and National Day (1-7 Oct) ahead.
    const from = new Date('2026-09-25T10:00:00+08:00');
    const d = cal.deadline(from, 5);
    // Working days after 25 Sep: 28, 29, 30 Sep, then 8, 9 Oct; Saturday 10 Oct 2026 is a make-up working day.
    expect(d.lastDay).toBe('2026-10-09');
    expect(d.at.toISOString()).toBe('2026-10-09T16:00:00.000Z');
    expect(d.unknownYears).toEqual([]);
    expect(cal.deadline(from, 6).lastDay).toBe('2026-10-10');
    expect(cal.deadline(from, 7).lastDay).toBe('2026-10-12');
  });

  it('treats an unannounced year as weekdays only, and says so', () => {
    const c = new WorkingCalendar({ holidays: [], workdays: [], knownYears: [2026] });
    const d = c.deadline(new Date('2026-12-30T12:00:00+08:00'), 3);
    expect(d.lastDay).toBe('2027-01-04');
    expect(d.unknownYears).toEqual([2027]);
  });

  it('uses the Asia/Shanghai calendar for dates and years', () => {
    const lateNewYearsEve = new Date('2026-12-31T23:30:00+08:00');
    expect(shanghaiDate(lateNewYearsEve)).toBe('2026-12-31');
    expect(shanghaiYear(new Date('2026-12-31T16:30:00Z'))).toBe(2027);
  });

  it('reads a day as itself and an instant as its Beijing day, whatever the offset it was written with', () => {
    expect(shanghaiDate('2026-02-20')).toBe('2026-02-20');
    expect(shanghaiDate('2026-02-20T01:30:00+08:00')).toBe('2026-02-20'); // 2026-02-19 in UTC
    expect(shanghaiDate('2026-02-19T17:30:00Z')).toBe('2026-02-20');
    expect(shanghaiDate('2026-02-19T23:30:00+08:00')).toBe('2026-02-19');
    expect(shanghaiDate('2026-02-19T16:00:00.000Z')).toBe('2026-02-20'); // midnight Beijing, as stored
    expect(shanghaiDate(new Date('2026-02-20T00:00:00Z'))).toBe('2026-02-20'); // a DATE column's value
    expect(shanghaiYear('2026-12-31T16:30:00Z')).toBe(2027);
    expect(shanghaiYear('2026-12-31')).toBe(2026);
  });

  it('refuses what is neither a calendar day nor an instant with its offset', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-02-20T10:00:00', '20 Feb 2026', '', 'yesterday'])
      expect(() => shanghaiDate(bad)).toThrow(RangeError);
    expect(() => shanghaiDate(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('compares a declared day with an instant by the Beijing day the instant falls on', () => {
    expect(sameShanghaiDay('2026-02-20T01:30:00+08:00', '2026-02-20')).toBe(true);
    expect(sameShanghaiDay('2026-02-19T23:30:00+08:00', '2026-02-20')).toBe(false);
    expect(sameShanghaiDay('2026-02-20T10:00:00+08:00', '2026-02-19T16:00:00.000Z')).toBe(true);
    expect(sameShanghaiDay(new Date('2026-02-20T00:00:00Z'), '2026-02-20T23:59:59+08:00')).toBe(true);
  });
});
