import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { DATABASE } from '../activityOptions';
import {
  recoveryChangedSignal,
  type ReconciliationInput,
  type ReconciliationResult,
  type RecoveryInput,
} from './contract';

const {
  noticeRecovery,
  remindRecovery,
  escalateRecovery,
  recoveryClosed,
  isWorkingDayNow,
  reconcileRecoveryPage,
} = proxyActivities<Activities>(DATABASE);

/**
 * One recovery case (追回): the notice (e-mail, deadline in working days), a reminder at the deadline, an
 * approver's attention some working days later, and then waiting until finance records the last repayment or
 * an approver waives the rest. The database holds the case (data/recovery*.ts); the API's writes signal the
 * workflow to look again, so a repayment is recorded once whatever the workflow or its worker do.
 */
export async function recoveryWorkflow(input: RecoveryInput): Promise<string> {
  let changed = false;
  setHandler(recoveryChangedSignal, () => {
    changed = true;
  });
  const terms = { timeAcceleration: input.timeAcceleration };

  /** True once the case is closed; false when `until` came first (never, without `until`). */
  const closedBy = async (until?: string): Promise<boolean> => {
    for (;;) {
      changed = false;
      if (await recoveryClosed(input.caseId)) return true;
      if (until === undefined) {
        await condition(() => changed);
        continue;
      }
      const ms = Date.parse(until) - Date.now();
      if (ms <= 0) return false;
      await condition(() => changed, ms);
    }
  };

  const notice = await noticeRecovery({
    caseId: input.caseId,
    workingDays: input.deadlineWorkingDays,
    ...terms,
  });
  if (await closedBy(notice.dueAt)) return 'closed';
  const reminder = await remindRecovery({
    caseId: input.caseId,
    workingDays: input.escalationWorkingDays,
    ...terms,
  });
  if (await closedBy(reminder.dueAt)) return 'closed';
  await escalateRecovery(input.caseId);
  await closedBy();
  return 'closed';
}

/**
 * The daily reconciliation with the insurers: asks about every policy subsidised in the current and the
 * previous programme year, a page per activity, and opens (and starts) the cases their changes call for.
 */
export async function recoveryReconciliationWorkflow(
  input: ReconciliationInput,
): Promise<ReconciliationResult> {
  if (input.trigger === 'schedule' && !(await isWorkingDayNow()))
    return { policies: 0, opened: 0, skipped: true };
  let afterId: string | null = null;
  let policies = 0;
  let opened = 0;
  const at = new Date().toISOString();
  do {
    const page: { policies: number; opened: number; nextAfterId: string | null } =
      await reconcileRecoveryPage({ ...input, at, afterId, pageSize: input.pageSize ?? 100 });
    policies += page.policies;
    opened += page.opened;
    afterId = page.nextAfterId;
  } while (afterId !== null);
  return { policies, opened, skipped: false };
}
