import chineseDays from 'chinese-days/dist/chinese-days.json';
import { WorkingCalendar } from '../domain/calendar';

const data = chineseDays as { holidays: Record<string, string>; workdays: Record<string, string> };

/** Years covered by the packaged data: a year appears once the State Council has announced its holidays. */
function packagedYears(holidays: Record<string, string>): number[] {
  return [...new Set(Object.keys(holidays).map((d) => Number(d.slice(0, 4))))];
}

let packaged: WorkingCalendar | undefined;

/** The working-day calendar from the pinned `chinese-days` package data (built once: it never changes). */
export function packagedCalendar(): WorkingCalendar {
  packaged ??= new WorkingCalendar({
    holidays: Object.keys(data.holidays),
    workdays: Object.keys(data.workdays),
    knownYears: packagedYears(data.holidays),
  });
  return packaged;
}

/** One year's holidays and make-up working days in the packaged data, sorted. */
export function packagedYearDays(year: number): { holidays: string[]; workdays: string[] } {
  const ofYear = (days: Record<string, string>) =>
    Object.keys(days)
      .filter((d) => d.startsWith(`${year}-`))
      .sort();
  return { holidays: ofYear(data.holidays), workdays: ofYear(data.workdays) };
}
