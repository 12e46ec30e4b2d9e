import { addDays, forecastBudget, weekOf, type Forecast } from '../domain/budgetForecast';
import { FORECAST_WARNING_TEMPLATE, renderForecastWarning } from '../domain/budgetForecastEmail';
import { shanghaiDate, shanghaiYear, startOfShanghaiDay } from '../domain/calendar';
import { fromDbFen } from '../domain/money';
import { ALL_TRACKS } from './budgetQueue';
import { sqlTimestamp, type Db, type Prisma } from './db';
import { programFor } from './programs';

/** One budget's forecast (the year's total, `ALL`, or a track's sub-budget) with its grants per day. */
export type BudgetForecast = Forecast & {
  track: string;
  /** Fen granted per Beijing day within the pace's window (days without grants left out), oldest first. */
  daily: { day: string; fen: number }[];
};

export interface BudgetForecastView {
  year: number;
  today: string;
  weeks: number;
  windowCloses: string;
  /** The year's total first, then the sub-budgets by track; empty while no budget is set. */
  budgets: BudgetForecast[];
}

/**
 * The forecast of a year's budgets (domain/budgetForecast.ts): what each holds (its `Budget` row), and what
 * grants still held (RESERVED, SPENT) were made on each day of the last `weeks` weeks, by `grantedAt`.
 */
export async function budgetForecast(
  db: Db,
  year: number,
  opts: { weeks: number; now?: Date },
): Promise<BudgetForecastView> {
  const today = shanghaiDate(opts.now ?? new Date());
  const paceFrom = addDays(today, 1 - opts.weeks * 7);
  const program = await programFor(db, year);
  const windowCloses = shanghaiDate(program.closesAt);
  const rows = await db.budget.findMany({ where: { year }, orderBy: { track: 'asc' } });
  const granted = await db.$queryRaw<{ track: string; day: string; fen: bigint }[]>`
    SELECT track::text AS track, to_char("grantedAt" + interval '8 hours', 'YYYY-MM-DD') AS day,
      sum("amountFen")::bigint AS fen
    FROM "Reservation"
    WHERE "budgetYear" = ${year} AND state IN ('RESERVED', 'SPENT')
      AND "grantedAt" >= ${sqlTimestamp(startOfShanghaiDay(paceFrom))}
      AND "grantedAt" < ${sqlTimestamp(startOfShanghaiDay(addDays(today, 1)))}
    GROUP BY 1, 2 ORDER BY 2`;
  const all = rows.find((r) => r.track === ALL_TRACKS);
  const ordered = all ? [all, ...rows.filter((r) => r.track !== ALL_TRACKS)] : [];
  const budgets = ordered.map((r) => {
    const byDay = new Map<string, number>();
    for (const g of granted)
      if (r.track === ALL_TRACKS || g.track === r.track)
        byDay.set(g.day, (byDay.get(g.day) ?? 0) + fromDbFen(g.fen));
    const daily = [...byDay].map(([day, fen]) => ({ day, fen }));
    const f = forecastBudget({
      totalFen: fromDbFen(r.totalFen),
      committedFen: fromDbFen(r.reservedFen + r.spentFen),
      paidFen: fromDbFen(r.spentFen),
      daily,
      today,
      windowCloses,
      weeks: opts.weeks,
    });
    return { track: r.track, ...f, daily };
  });
  return { year, today, weeks: opts.weeks, windowCloses, budgets };
}

/** The outbox key of a budget's warning: one per budget and Beijing week (its Monday). */
export const forecastWarningKey = (year: number, track: string, today: string) =>
  `budget-forecast:${year}:${track}:${weekOf(today)}`;

export interface ForecastWarningRun {
  /** Budgets projected to run out before their window closes, as `year:track`. */
  warned: string[];
  /** Outbox rows written now (a week's warning already queued is not queued again). */
  queued: number;
}

/**
 * The daily check: for every budget of this Beijing year and later whose money is projected to run out
 * before the application window closes, one e-mail to the active finance staff, at most once per budget and
 * week (idempotent through the outbox key; run as often and by as many workers as you like).
 */
export async function queueForecastWarnings(
  db: Db,
  opts: { weeks: number; publicBaseUrl: string; now?: Date },
): Promise<ForecastWarningRun> {
  const now = opts.now ?? new Date();
  const years = await db.budget.findMany({
    where: { year: { gte: shanghaiYear(now) }, track: ALL_TRACKS },
    select: { year: true },
    orderBy: { year: 'asc' },
  });
  const staff = await db.staffMember.findMany({
    where: { role: 'finance', active: true },
    orderBy: { subject: 'asc' },
    select: { email: true },
  });
  const to = [...new Set(staff.map((s) => s.email))].join(', ');
  const warned: string[] = [];
  const rows: Prisma.EmailOutboxCreateManyInput[] = [];
  for (const { year } of years) {
    const view = await budgetForecast(db, year, { weeks: opts.weeks, now });
    for (const b of view.budgets) {
      if (!b.beforeWindowCloses || !b.exhaustionDay || !b.windowCloses) continue;
      warned.push(`${year}:${b.track}`);
      const link = `${opts.publicBaseUrl}/#/finance/budgets?year=${year}`;
      const rendered = renderForecastWarning(
        year,
        b.track,
        { ...b, exhaustionDay: b.exhaustionDay, windowCloses: b.windowCloses },
        link,
      );
      rows.push({
        key: forecastWarningKey(year, b.track, view.today),
        template: FORECAST_WARNING_TEMPLATE,
        to,
        ...rendered,
      });
    }
  }
  // Nobody in finance on record: nothing to send (the forecast is on the budget page all the same).
  if (!to || rows.length === 0) return { warned, queued: 0 };
  const { count } = await db.emailOutbox.createMany({ data: rows, skipDuplicates: true });
  return { warned, queued: count };
}
