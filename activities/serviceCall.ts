import { ApplicationFailure } from '@temporalio/activity';
import { RetryableServiceError } from '../services/serviceErrors';
import { ServiceFailures } from '../workflows/contract';

/**
 * An outside service's call from an activity: a transient failure is retried by Temporal
 * (`ServiceUnavailable`), a definitive one ends the retries (`ServiceError`, non-retryable).
 */
export async function callService<T>(service: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const message = err instanceof Error ? err.message : `${service}: ${String(err)}`;
    if (err instanceof RetryableServiceError)
      throw ApplicationFailure.retryable(message, ServiceFailures.SERVICE_UNAVAILABLE);
    throw ApplicationFailure.nonRetryable(message, ServiceFailures.SERVICE_ERROR);
  }
}
