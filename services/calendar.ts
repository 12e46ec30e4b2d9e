import chineseDays from 'chinese-days/dist/chinese-days.json';
import { WorkingCalendar } from '../domain/calendar';

/** Years covered by the packaged data: a year appears once the State Council has announced its holidays. */
function packagedYears(holidays: Record<string, string>): number[] {
  return [...new Set(Object.keys(holidays).map((d) => Number(d.slice(0, 4))))];
}

/** The working-day calendar from the pinned `chinese-days` package data. */
export function packagedCalendar(): WorkingCalendar {
  const data = chineseDays as { holidays: Record<string, string>; workdays: Record<string, string> };
  return new WorkingCalendar({
    holidays: Object.keys(data.holidays),
    workdays: Object.keys(data.workdays),
    knownYears: packagedYears(data.holidays),
  });
}
