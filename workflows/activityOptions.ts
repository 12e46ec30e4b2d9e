import {
  ActivityCancellationType,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import { ServiceFailures } from './contract';

/**
 * How the workflows call their activities, by what the activities do. Every activity is idempotent (by its
 * key), so each may be retried; what differs is how long a try may take and when to stop.
 */

/** Retries with back-off, without end: what fails is expected to recover. */
const BACK_OFF = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

/** Our own database, calendar and outbox: quick, and retried until they succeed. */
export const DATABASE: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: BACK_OFF,
};

/**
 * The same steps run as local activities (in the worker that runs the workflow task, recorded as one marker:
 * no activity task through the server). A try longer than the workflow task's timeout keeps the task alive;
 * retries past `localRetryThreshold` wait on a durable timer instead of in the worker's memory.
 */
export const LOCAL_DATABASE: LocalActivityOptions = {
  startToCloseTimeout: '1 minute',
  localRetryThreshold: '10 seconds',
  retry: BACK_OFF,
};

/** The payment gateway may be down for a while: keep asking (the idempotency key makes every retry safe). */
export const PAYMENT_GATEWAY: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: [ServiceFailures.SERVICE_ERROR],
  },
};

/** The registry and the insurer: transient failures retry with back-off, `maximumAttempts` times at most. */
export function outsideLookups(maximumAttempts: number): ActivityOptions {
  return {
    startToCloseTimeout: '30 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '5 minutes',
      maximumAttempts,
      nonRetryableErrorTypes: [ServiceFailures.SERVICE_ERROR],
    },
  };
}

/** One page of an outreach campaign (a registry page and its e-mails). */
export const OUTREACH_PAGE: ActivityOptions = {
  // A page takes seconds; a worker that dies on one is noticed by its missing heartbeat.
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '15 seconds',
  retry: BACK_OFF,
  // A cancelled campaign waits for the page in progress, so its figures include every e-mail queued.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};
