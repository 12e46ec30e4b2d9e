import { shanghaiDate, shanghaiYear, WorkingCalendar } from '../../domain/calendar';
import { packagedCalendar } from '../../services/calendar';

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
});
