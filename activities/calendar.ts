import type { WorkingCalendar } from '../domain/calendar';

export interface DeadlineRequest {
  from: string;
  workingDays: number;
  timeAcceleration: number;
}

export interface Deadline {
  /** When the workflow's timer fires and the task counts as overdue (business time ÷ acceleration). */
  dueAt: string;
  /** The last working day counted, Asia/Shanghai. */
  lastDay: string;
  /** Years crossed that the calendar has no official holiday notice for (counted as weekdays only). */
  unknownYears: number[];
}

/** Deadlines in working days; an activity because the calendar can change (an administrator loads a year). */
export function createCalendarActivities(deps: { calendar: () => Promise<WorkingCalendar> }) {
  return {
    async computeDeadline(req: DeadlineRequest): Promise<Deadline> {
      const from = new Date(req.from);
      const d = (await deps.calendar()).deadline(from, req.workingDays);
      const businessMs = d.at.getTime() - from.getTime();
      const dueAt = new Date(from.getTime() + Math.round(businessMs / req.timeAcceleration));
      return { dueAt: dueAt.toISOString(), lastDay: d.lastDay, unknownYears: d.unknownYears };
    },
  };
}
