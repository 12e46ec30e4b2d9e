import { randomUUID } from 'node:crypto';
import { shanghaiYear, WorkingCalendar } from '../domain/calendar';
import type { Actor } from '../domain/roles';
import { packagedCalendar, packagedYearDays } from './calendar';
import type { Db, Prisma } from './db';
import { reused } from '../platform/reuse';

/**
 * The working-day calendar with the years administrators loaded (the State Council's holiday notices that
 * came after the packaged data) laid over the packaged `chinese-days` data: a loaded year replaces that year
 * and counts as known.
 */

/** How long a process keeps the overlaid calendar before reading the loaded years again. */
export const CALENDAR_CACHE_MS = 60_000;

export interface CalendarYearDays {
  year: number;
  holidays: readonly string[];
  workdays: readonly string[];
}

/** A calendar whose loaded years replace the base calendar's days of those years. */
class OverlaidCalendar extends WorkingCalendar {
  constructor(
    private readonly base: WorkingCalendar,
    private readonly loaded: ReadonlySet<number>,
    years: readonly CalendarYearDays[],
  ) {
    super({
      holidays: years.flatMap((y) => y.holidays),
      workdays: years.flatMap((y) => y.workdays),
      knownYears: [...base.knownYears, ...loaded],
    });
  }

  override isWorkingDay(date: string): boolean {
    return this.loaded.has(Number(date.slice(0, 4)))
      ? super.isWorkingDay(date)
      : this.base.isWorkingDay(date);
  }
}

/** `base` with `years` laid over it; each loaded year's days are only its own (other dates are ignored). */
export function overlayCalendar(base: WorkingCalendar, years: readonly CalendarYearDays[]): WorkingCalendar {
  if (years.length === 0) return base;
  const own = years.map((y) => {
    const prefix = `${y.year}-`;
    return {
      year: y.year,
      holidays: y.holidays.filter((d) => d.startsWith(prefix)),
      workdays: y.workdays.filter((d) => d.startsWith(prefix)),
    };
  });
  return new OverlaidCalendar(base, new Set(own.map((y) => y.year)), own);
}

/** Bumped by every load in this process: providers of the process read the loaded years again at once. */
let generation = 0;
export function invalidateCalendars(): void {
  generation += 1;
}

/**
 * The worker's calendar: packaged data overlaid with the loaded years, read again after `ttlMs` (a load made by
 * another process takes effect within it) or at once after a load in this process.
 */
export function calendarProvider(
  db: Db,
  opts: { ttlMs?: number; base?: WorkingCalendar } = {},
): () => Promise<WorkingCalendar> {
  const ttlMs = opts.ttlMs ?? CALENDAR_CACHE_MS;
  const calendar = reused(() =>
    db.calendarYear
      .findMany({ select: { year: true, holidays: true, workdays: true } })
      .then((years) => overlayCalendar(opts.base ?? packagedCalendar(), years)),
  );
  let seen = generation;
  return () => {
    if (seen !== generation) {
      seen = generation;
      calendar.forget();
    }
    return calendar.get(ttlMs);
  };
}

export type CalendarSource = 'package' | 'loaded' | 'missing';

export interface CalendarYearView {
  year: number;
  source: CalendarSource;
  /** Whether deadlines across the year follow an official notice (packaged or loaded). */
  known: boolean;
  holidays: string[];
  workdays: string[];
  note: string | null;
  loadedBy: string | null;
  loadedAt: string | null;
}

type CalendarRow = Awaited<ReturnType<Db['calendarYear']['findFirstOrThrow']>>;

function viewOf(year: number, row: CalendarRow | null): CalendarYearView {
  if (row) {
    return {
      year,
      source: 'loaded',
      known: true,
      holidays: [...row.holidays].sort(),
      workdays: [...row.workdays].sort(),
      note: row.note,
      loadedBy: row.loadedBy,
      loadedAt: row.loadedAt.toISOString(),
    };
  }
  const inPackage = packagedCalendar().knownYears.has(year);
  return {
    year,
    source: inPackage ? 'package' : 'missing',
    known: inPackage,
    ...(inPackage ? packagedYearDays(year) : { holidays: [], workdays: [] }),
    note: null,
    loadedBy: null,
    loadedAt: null,
  };
}

export async function calendarYearView(db: Db, year: number): Promise<CalendarYearView> {
  return viewOf(year, await db.calendarYear.findUnique({ where: { year } }));
}

export interface CalendarReadiness {
  currentYear: number;
  /** The current and next Asia/Shanghai years that have no official calendar, neither packaged nor loaded. */
  missingYears: number[];
  warning: string | null;
}

/** Whether the current and the next year have an official calendar (a warning, never a failure). */
export async function calendarReadiness(db: Db, now: Date = new Date()): Promise<CalendarReadiness> {
  const currentYear = shanghaiYear(now);
  const years = [currentYear, currentYear + 1];
  const loaded = await db.calendarYear.findMany({ where: { year: { in: years } }, select: { year: true } });
  const known = new Set([...packagedCalendar().knownYears, ...loaded.map((r) => r.year)]);
  const missingYears = years.filter((y) => !known.has(y));
  return {
    currentYear,
    missingYears,
    warning: missingYears.length
      ? `no official holiday calendar for ${missingYears.join(', ')}: deadlines there count weekdays only; ` +
        `load the State Council's notice with PUT /api/v1/admin/calendar/{year}`
      : null,
  };
}

/** Every year the calendar knows, with the current and the next year, newest first. */
export async function calendarOverview(db: Db, now: Date = new Date()) {
  const [rows, readiness] = await Promise.all([db.calendarYear.findMany(), calendarReadiness(db, now)]);
  const byYear = new Map(rows.map((r) => [r.year, r]));
  const years = [
    ...new Set([
      ...packagedCalendar().knownYears,
      ...byYear.keys(),
      readiness.currentYear,
      readiness.currentYear + 1,
    ]),
  ].sort((a, b) => b - a);
  return {
    ...readiness,
    items: years.map((year) => {
      const { holidays, workdays, ...rest } = viewOf(year, byYear.get(year) ?? null);
      return { ...rest, holidayCount: holidays.length, workdayCount: workdays.length };
    }),
  };
}

export interface CalendarLoad {
  holidays: string[];
  workdays: string[];
  note: string | null;
}

/**
 * Stores a year's holidays and make-up working days (replacing what was loaded before), with an audit event
 * naming who loaded what and what it replaced, in one transaction; this process's calendars take it at once.
 */
export async function saveCalendarYear(
  db: Db,
  year: number,
  load: CalendarLoad,
  actor: Actor,
): Promise<{ created: boolean; view: CalendarYearView }> {
  const at = new Date();
  const data = {
    holidays: [...load.holidays].sort(),
    workdays: [...load.workdays].sort(),
    note: load.note,
    loadedBy: actor.subject,
    loadedAt: at,
  };
  const { previous, row } = await db.$transaction(async (tx) => {
    const before = await tx.calendarYear.findUnique({ where: { year } });
    const saved = await tx.calendarYear.upsert({
      where: { year },
      create: { year, ...data },
      update: data,
    });
    const replaced = viewOf(year, before);
    await tx.auditEvent.create({
      data: {
        key: `calendar:${year}:${randomUUID()}`,
        at,
        actor: actor.subject,
        actorRole: actor.role,
        action: 'CALENDAR_LOADED',
        entity: 'calendar',
        entityId: String(year),
        note:
          `working-day calendar ${year}: ${data.holidays.length} holidays, ` +
          `${data.workdays.length} make-up working days` +
          (load.note ? `; ${load.note}` : ''),
        data: {
          year,
          holidays: data.holidays,
          workdays: data.workdays,
          replaced: {
            source: replaced.source,
            holidays: replaced.holidays,
            workdays: replaced.workdays,
          },
        } satisfies Prisma.InputJsonObject,
      },
    });
    return { previous: before, row: saved };
  });
  invalidateCalendars();
  return { created: previous === null, view: viewOf(year, row) };
}
