import type { WorkingCalendar } from '../domain/calendar';
import { refreshFlags } from '../data/riskFlags';
import { secretBoxFor } from '../platform/secretBox';
import { createBankActivities } from './banks';
import { createCalendarActivities } from './calendar';
import { createMoneyActivities, type MoneyDeps } from './money';
import { createNoticeActivities } from './notices';
import { createOutreachActivities } from './outreach';
import { createPrecheckActivities, type PrecheckDeps } from './precheck';
import { createRecordActivities, type RecordDeps } from './records';
import { createRecoveryActivities } from './recovery';

export type ActivityDeps = RecordDeps &
  PrecheckDeps &
  MoneyDeps & { calendar: () => Promise<WorkingCalendar> };

/** Builds every activity from its clients; the worker passes real ones, tests may pass fakes. */
export function createActivities(deps: ActivityDeps) {
  const money = createMoneyActivities(deps);
  return {
    // An application that ends holds no money and no place in the budget queue.
    // The anomaly flags of an application are computed as its precheck is recorded (no workflow command more).
    ...createRecordActivities({
      ...deps,
      onEnded: (id) => money.releaseGrant(id),
      onPrechecked: (id) => refreshFlags(deps.db, secretBoxFor(deps.dataKey), { applicationIds: [id] }),
    }),
    ...createPrecheckActivities(deps),
    ...createCalendarActivities(deps),
    ...createNoticeActivities(deps),
    ...money,
    ...createBankActivities(deps),
    ...createOutreachActivities(deps),
    ...createRecoveryActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
