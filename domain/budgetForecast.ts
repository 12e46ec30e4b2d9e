import { assertFen } from './money';

/**
 * When does the money run out? A budget's forecast from what it holds and the pace of its recent grants.
 *
 * - The pace is measured over the last `weeks` × 7 **calendar** days, today (Beijing) included: whole weeks,
 *   so every weekday counts as often as every other and weekends average out. Everything below counts in
 *   calendar days, the pace and the projection alike.
 * - `paceFenPerDay` = floor(committed in those days / their number). The projection uses the exact ratio,
 *   not the rounded pace: the money runs out `ceil(remaining × days / committed in those days)` days after
 *   today (at least 1: what today committed is already counted); beyond 100 years, no day is projected.
 * - Nothing remaining: no exhaustion day, `exhausted` (已用尽). No grant in those days: no exhaustion day
 *   either (nothing to project from).
 * - `beforeWindowCloses`: the projected day is on or before the day the programme's application window
 *   closes (applications still come while there is no money for them).
 */
export const DEFAULT_FORECAST_WEEKS = 4;

export interface ForecastInput {
  totalFen: number;
  /** Reserved + spent. */
  committedFen: number;
  /** Spent (paid out). */
  paidFen: number;
  /** Fen newly committed per Beijing day; days outside the pace's window are ignored. */
  daily: readonly { day: string; fen: number }[];
  /** Today's Beijing day, `YYYY-MM-DD`. */
  today: string;
  /** The Beijing day the programme's application window closes; null if unknown. */
  windowCloses: string | null;
  weeks?: number;
}

export interface Forecast {
  totalFen: number;
  committedFen: number;
  paidFen: number;
  remainingFen: number;
  /** First day of the pace's window (today is its last). */
  paceFrom: string;
  paceDays: number;
  /** What was committed in the pace's window. */
  paceCommittedFen: number;
  paceFenPerDay: number;
  /** The day the remaining money is projected to be committed; null when exhausted or without pace. */
  exhaustionDay: string | null;
  exhausted: boolean;
  windowCloses: string | null;
  beforeWindowCloses: boolean;
}

const DAY_MS = 86_400_000;
/** Projections further out than this (a pace of a few fen a day) name no day. */
export const MAX_PROJECTION_DAYS = 36_525;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar day `delta` days after `day` (both `YYYY-MM-DD`). */
export function addDays(day: string, delta: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + delta * DAY_MS).toISOString().slice(0, 10);
}

function assertDay(day: string, what: string): string {
  if (!DAY.test(day) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day)
    throw new RangeError(`${what} must be a calendar day YYYY-MM-DD`);
  return day;
}

export function forecastBudget(input: ForecastInput): Forecast {
  const weeks = input.weeks ?? DEFAULT_FORECAST_WEEKS;
  if (!Number.isInteger(weeks) || weeks < 1) throw new RangeError('weeks must be a positive integer');
  const today = assertDay(input.today, 'today');
  const windowCloses = input.windowCloses === null ? null : assertDay(input.windowCloses, 'windowCloses');
  const totalFen = assertFen(input.totalFen, 'total');
  const committedFen = assertFen(input.committedFen, 'committed');
  const paidFen = assertFen(input.paidFen, 'paid');

  const paceDays = weeks * 7;
  const paceFrom = addDays(today, 1 - paceDays);
  let paceCommittedFen = 0;
  for (const d of input.daily) {
    assertFen(d.fen, `committed on ${d.day}`);
    if (assertDay(d.day, 'a day of the series') >= paceFrom && d.day <= today) paceCommittedFen += d.fen;
  }
  const remainingFen = Math.max(0, totalFen - committedFen);
  const exhausted = remainingFen === 0;
  let exhaustionDay: string | null = null;
  if (!exhausted && paceCommittedFen > 0) {
    const r = BigInt(remainingFen) * BigInt(paceDays);
    const s = BigInt(paceCommittedFen);
    const days = (r + s - 1n) / s;
    if (days <= BigInt(MAX_PROJECTION_DAYS)) exhaustionDay = addDays(today, Number(days));
  }
  return {
    totalFen,
    committedFen,
    paidFen,
    remainingFen,
    paceFrom,
    paceDays,
    paceCommittedFen,
    paceFenPerDay: Math.floor(paceCommittedFen / paceDays),
    exhaustionDay,
    exhausted,
    windowCloses,
    beforeWindowCloses: exhaustionDay !== null && windowCloses !== null && exhaustionDay <= windowCloses,
  };
}

/** The Monday (a Beijing day) of the week `day` falls in: the period of one forecast warning. */
export function weekOf(day: string): string {
  const dow = new Date(`${assertDay(day, 'day')}T00:00:00Z`).getUTCDay();
  return addDays(day, -((dow + 6) % 7));
}
