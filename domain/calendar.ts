/**
 * The mainland-China working-day calendar: weekends are rest days except make-up working days (调休),
 * weekdays are working days except public holidays. Dates are Asia/Shanghai calendar days (UTC+8, no DST).
 */
export const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

export interface CalendarData {
  holidays: Iterable<string>;
  workdays: Iterable<string>;
  /** Years whose official holiday notice is part of the data. */
  knownYears: Iterable<number>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** An instant in ISO-8601 with its offset (`Z` or `±hh:mm`): without one its day would depend on the machine. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** A `YYYY-MM-DD` that names a day that exists (no 2026-02-30). */
export function isCalendarDay(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/**
 * The Beijing (Asia/Shanghai) calendar day, `YYYY-MM-DD`, of a day or an instant: the one helper for
 * everything the policy states as a day (payment date, policy dates, certificate validity), whatever form it
 * came in. A day is itself (`2026-02-20`); an instant is the day it falls on in Beijing, so
 * `2026-02-20T01:30:00+08:00` (17:30 UTC the day before) is `2026-02-20`; a `Date` is an instant (a database
 * DATE column reads as 00:00 UTC of its day, which is that same day in Beijing). Anything else is a RangeError.
 */
export function shanghaiDate(at: Date | string): string {
  let ms: number;
  if (typeof at === 'string') {
    if (DAY.test(at)) {
      const day = new Date(`${at}T00:00:00Z`);
      if (!Number.isNaN(day.getTime()) && day.toISOString().startsWith(at)) return at;
      throw new RangeError(`not a calendar day: ${at}`);
    }
    ms = INSTANT.test(at) ? Date.parse(at) : NaN;
  } else {
    ms = at.getTime();
  }
  if (Number.isNaN(ms)) throw new RangeError(`not a day or an instant with its offset: ${String(at)}`);
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whether two days or instants fall on the same Beijing calendar day (see `shanghaiDate`). */
export function sameShanghaiDay(a: Date | string, b: Date | string): boolean {
  return shanghaiDate(a) === shanghaiDate(b);
}

/** The Asia/Shanghai calendar year of a day or an instant. */
export function shanghaiYear(at: Date | string): number {
  return Number(shanghaiDate(at).slice(0, 4));
}

/** The instant a Shanghai calendar day starts (00:00 +08:00). */
export function startOfShanghaiDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - SHANGHAI_OFFSET_MS);
}

function nextDay(date: string, delta = 1): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + delta * DAY_MS).toISOString().slice(0, 10);
}

export class WorkingCalendar {
  private readonly holidays: Set<string>;
  private readonly workdays: Set<string>;
  readonly knownYears: ReadonlySet<number>;

  constructor(data: CalendarData) {
    this.holidays = new Set(data.holidays);
    this.workdays = new Set(data.workdays);
    this.knownYears = new Set(data.knownYears);
  }

  isWorkingDay(date: string): boolean {
    if (this.workdays.has(date)) return true;
    if (this.holidays.has(date)) return false;
    const dow = new Date(`${date}T00:00:00.000Z`).getUTCDay();
    return dow !== 0 && dow !== 6;
  }

  /**
   * The deadline `days` working days after `from`: the end (24:00 Shanghai) of the `days`-th working day
   * that follows the day of `from`. Also reports calendar years crossed that have no official data.
   */
  deadline(from: Date, days: number): { at: Date; lastDay: string; unknownYears: number[] } {
    if (!Number.isInteger(days) || days < 0)
      throw new RangeError('working days must be a non-negative integer');
    let day = shanghaiDate(from);
    const unknown = new Set<number>();
    let counted = 0;
    while (counted < days) {
      day = nextDay(day);
      const year = Number(day.slice(0, 4));
      if (!this.knownYears.has(year)) unknown.add(year);
      if (this.isWorkingDay(day)) counted++;
    }
    return { at: startOfShanghaiDay(nextDay(day)), lastDay: day, unknownYears: [...unknown].sort() };
  }
}

/** The same moment `months` calendar months later (the day is clamped to the month's end: 31 Aug + 6 → 28/29 Feb). */
export function addMonths(at: Date, months: number): Date {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const shifted = new Date(local.getTime());
  shifted.setUTCFullYear(y, m, Math.min(local.getUTCDate(), lastDay));
  return new Date(shifted.getTime() - SHANGHAI_OFFSET_MS);
}
