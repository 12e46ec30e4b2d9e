import { defineUpdate } from '@temporalio/workflow';

export const NOTICE_WORKFLOW_TYPE = 'noticeBatchWorkflow';
export const noticeScheduleId = (taskQueue: string): string => `notice-publication-${taskQueue}`;

export interface NoticeBatchInput {
  /** A scheduled run publishes only on working days; an administrator's publishes now. */
  trigger: 'schedule' | 'admin';
  timeAcceleration: number;
}

export interface Publication {
  batchId: string | null;
  count: number;
  endsAt: string | null;
}

/** The notice workflow's signature, for clients that start it by type name. */
export type NoticeBatchWorkflow = (input: NoticeBatchInput) => Promise<Publication>;

/** Answers once the batch is published (or there was nothing to publish). */
export const publicationUpdate = defineUpdate<Publication>('publication');
