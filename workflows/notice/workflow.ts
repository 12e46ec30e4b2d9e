import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  sleep,
  uuid4,
  type SignalDefinition,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { DATABASE } from '../activityOptions';
import { applicationWorkflowId, noticeEndedSignal, noticePublishedSignal } from '../application/contract';
import { publicationUpdate, type NoticeBatchInput, type Publication } from './contract';

const { isWorkingDayNow, publishNoticeBatch, closeNoticeBatch } = proxyActivities<Activities>(DATABASE);

async function tell<T extends unknown[]>(
  applicationIds: string[],
  signal: SignalDefinition<T>,
  ...args: T
): Promise<void> {
  for (const id of applicationIds) {
    try {
      await getExternalWorkflowHandle(applicationWorkflowId(id)).signal(signal, ...args);
    } catch {
      // The application ended meanwhile (withdrawn): it no longer needs the news.
    }
  }
}

/**
 * One publication (公示) of approved grants: publishes the approved backlog, tells each application,
 * keeps the notice open for the configured working days, then closes it and tells them again.
 */
export async function noticeBatchWorkflow(input: NoticeBatchInput): Promise<Publication> {
  const answer: { published?: Publication } = {};
  setHandler(publicationUpdate, async () => {
    await condition(() => answer.published !== undefined);
    return answer.published!;
  });

  const publishToday = input.trigger === 'admin' || (await isWorkingDayNow());
  const batch = publishToday
    ? await publishNoticeBatch({
        batchId: uuid4(),
        at: new Date().toISOString(),
        timeAcceleration: input.timeAcceleration,
      })
    : null;
  const published: Publication = {
    batchId: batch?.batchId ?? null,
    count: batch?.applicationIds.length ?? 0,
    endsAt: batch?.endsAt ?? null,
  };
  answer.published = published;
  if (batch) {
    await tell(batch.applicationIds, noticePublishedSignal, { batchId: batch.batchId, endsAt: batch.endsAt });
    await sleep(Math.max(0, Date.parse(batch.endsAt) - Date.now()));
    await closeNoticeBatch(batch.batchId);
    await tell(batch.applicationIds, noticeEndedSignal, { batchId: batch.batchId });
  }
  await condition(allHandlersFinished);
  return published;
}
