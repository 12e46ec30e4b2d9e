import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import {
  RECONCILIATION_WORKFLOW_TYPE,
  reconciliationScheduleId,
  type ReconciliationInput,
} from '../workflows/recovery/contract';

/**
 * The daily reconciliation with the insurers: a Temporal schedule at 08:00 Asia/Shanghai, Monday to Friday
 * (the workflow itself skips public holidays). Creating it twice is harmless.
 */
export async function ensureRecoverySchedule(
  temporal: Client,
  taskQueue: string,
  input: Omit<ReconciliationInput, 'trigger'>,
): Promise<void> {
  try {
    await temporal.schedule.create({
      scheduleId: reconciliationScheduleId(taskQueue),
      spec: {
        calendars: [{ hour: 8, minute: 0, dayOfWeek: { start: 'MONDAY', end: 'FRIDAY' } }],
        timezone: 'Asia/Shanghai',
      },
      action: {
        type: 'startWorkflow',
        workflowType: RECONCILIATION_WORKFLOW_TYPE,
        workflowId: `recovery-reconciliation-scheduled-${taskQueue}`,
        taskQueue,
        args: [{ ...input, trigger: 'schedule' }] satisfies [ReconciliationInput],
      },
      policies: { overlap: 'SKIP', catchupWindow: '1 hour' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
