import { z } from 'zod';
import { calendarOverview, calendarYearView, saveCalendarYear } from '../../data/calendarStore';
import { HttpError, type ErrorDetail } from '../errors';
import { defineRoute } from '../route';
import { yearViewRoute } from '../yearViewRoute';
import { CalendarOverview, CalendarYear } from '../responses';
import { IsoDate, Text } from '../schemas';

const YearParam = z.object({ year: z.coerce.number().int().min(2000).max(2100) });

const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

const Dates = z
  .array(IsoDate)
  .max(366)
  .refine((a) => new Set(a).size === a.length, 'must not repeat a date');

/** A year's official calendar: its public holidays and make-up working days (调休). */
const CalendarBody = z
  .object({
    /** Public holidays (放假日); weekend days of a holiday period may be listed too. */
    holidays: Dates,
    /** Make-up working days (调休上班): Saturdays or Sundays worked. */
    workdays: Dates.default([]),
    /** Where the data comes from, e.g. the notice's number (国办发明电〔2026〕…号). */
    note: Text(500).optional(),
  })
  .superRefine((b, ctx) => {
    const holidays = new Set(b.holidays);
    b.workdays.forEach((d, i) => {
      if (!isWeekend(d)) {
        ctx.addIssue({
          code: 'custom',
          path: ['workdays', i],
          message: `${d} is a weekday: a make-up working day must be a Saturday or Sunday`,
        });
      } else if (holidays.has(d)) {
        ctx.addIssue({
          code: 'custom',
          path: ['workdays', i],
          message: `${d} is also listed as a holiday`,
        });
      }
    });
  });

/** Dates of the body outside the path's year: a 400 naming each one, like any validation error. */
function outsideYear(year: number, body: { holidays: string[]; workdays: string[] }): HttpError | null {
  const details: ErrorDetail[] = [];
  for (const list of ['holidays', 'workdays'] as const) {
    body[list].forEach((d, i) => {
      if (!d.startsWith(`${year}-`))
        details.push({ path: `body.${list}.${i}`, message: `is not in ${year}` });
    });
  }
  return details.length
    ? new HttpError(
        400,
        'VALIDATION_FAILED',
        `invalid body: ${details.map((d) => d.path).join(', ')}`,
        details,
      )
    : null;
}

/** Upkeep of the working-day calendar once the State Council announces a year's holidays. */
export const calendarRoutes = [
  defineRoute({
    method: 'put',
    path: '/api/v1/admin/calendar/{year}',
    summary:
      'Load a year’s public holidays and make-up working days (replaces the packaged or loaded data of that year; audited)',
    tag: 'administration',
    access: ['admin'],
    params: YearParam,
    body: CalendarBody,
    response: CalendarYear,
    async handler({ params, body, actor, deps }) {
      const bad = outsideYear(params.year, body);
      if (bad) throw bad;
      const { created, view } = await saveCalendarYear(
        deps.db,
        params.year,
        { holidays: body.holidays, workdays: body.workdays, note: body.note ?? null },
        actor!,
      );
      deps.logger.info(
        {
          year: params.year,
          holidays: view.holidays.length,
          workdays: view.workdays.length,
          actor: actor!.subject,
        },
        'working-day calendar loaded',
      );
      return { status: created ? 201 : 200, body: view };
    },
  }),
  yearViewRoute({
    path: '/api/v1/admin/calendar/{year}',
    summary: 'A year of the working-day calendar: holidays, make-up working days and their source',
    tag: 'administration',
    response: CalendarYear,
    access: ['admin'],
    params: YearParam,
    read: calendarYearView,
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/calendar',
    summary:
      'The years of the working-day calendar and their source, with a warning when the current or next year has none',
    tag: 'administration',
    response: CalendarOverview,
    access: ['admin'],
    async handler({ deps }) {
      return { body: await calendarOverview(deps.db) };
    },
  }),
];
