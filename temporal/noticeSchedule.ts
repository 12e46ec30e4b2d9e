import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { NOTICE_WORKFLOW_TYPE, noticeScheduleId } from '../workflows/notice/contract';
import type { noticeBatchWorkflow } from '../workflows/notice/workflow';

/**
 * The daily publication of the approved backlog: a Temporal schedule at 09:00 Asia/Shanghai, Monday to
 * Friday (the workflow itself skips public holidays). Creating it twice is harmless.
 */
export async function ensureNoticeSchedule(
  temporal: Client,
  taskQueue: string,
  timeAcceleration: number,
): Promise<void> {
  try {
    await temporal.schedule.create({
      scheduleId: noticeScheduleId(taskQueue),
      spec: {
        calendars: [{ hour: 9, minute: 0, dayOfWeek: { start: 'MONDAY', end: 'FRIDAY' } }],
        timezone: 'Asia/Shanghai',
      },
      action: {
        type: 'startWorkflow',
        workflowType: NOTICE_WORKFLOW_TYPE,
        workflowId: `notice-scheduled-${taskQueue}`,
        taskQueue,
        args: [{ trigger: 'schedule', timeAcceleration }] as Parameters<typeof noticeBatchWorkflow>,
      },
      policies: { overlap: 'ALLOW_ALL', catchupWindow: '1 hour' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
