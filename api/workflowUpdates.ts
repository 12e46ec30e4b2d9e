import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import {
  applicationWorkflowId,
  WorkflowErrors,
  type WorkflowErrorType,
} from '../workflows/application/contract';
import { BankMatchingErrors, type BankMatchingErrorType } from '../workflows/bankMatching/contract';
import { HttpError } from './errors';

/** The HTTP status of each failure type the workflows' update validators raise (named by their contracts). */
const STATUS_OF: Record<WorkflowErrorType | BankMatchingErrorType, number> = {
  [BankMatchingErrors.ALREADY_ANSWERED]: 409,
  [WorkflowErrors.TASK_NOT_CURRENT]: 409,
  [WorkflowErrors.ALREADY_CLAIMED]: 409,
  [WorkflowErrors.NOT_CLAIMED_BY_CALLER]: 409,
  [WorkflowErrors.INVALID_STATE]: 409,
  [WorkflowErrors.WRONG_ROLE]: 403,
  [WorkflowErrors.NOT_SUPERVISOR]: 403,
  [WorkflowErrors.NOT_YOURS]: 404,
  [WorkflowErrors.FOUR_EYES]: 403,
  [WorkflowErrors.INVALID_DECISION]: 422,
};

/**
 * Sends an update to an application's workflow and maps a refusal by its validator to the HTTP error the
 * contract names (nothing was written to history in that case).
 */
export function updateApplication<Ret, Args extends [unknown, ...unknown[]]>(
  temporal: Client,
  applicationId: string,
  def: UpdateDefinition<Ret, Args>,
  args: Args,
  updateId?: string,
): Promise<Ret> {
  return updateWorkflow(temporal, applicationWorkflowId(applicationId), def, args, updateId);
}

/** Sends an update to any of our workflows, mapping validator refusals and a closed workflow to HTTP errors. */
export async function updateWorkflow<Ret, Args extends [unknown, ...unknown[]]>(
  temporal: Client,
  workflowId: string,
  def: UpdateDefinition<Ret, Args>,
  args: Args,
  updateId?: string,
  closed = 'the application is no longer open for this action',
): Promise<Ret> {
  const handle = temporal.workflow.getHandle(workflowId);
  try {
    return await handle.executeUpdate(def, { args, ...(updateId ? { updateId } : {}) });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const type = err.cause.type as keyof typeof STATUS_OF | undefined;
      if (type && type in STATUS_OF) throw new HttpError(STATUS_OF[type], type, err.cause.message);
    }
    if (err instanceof WorkflowNotFoundError) {
      throw new HttpError(409, 'INVALID_STATE', closed);
    }
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
      throw new HttpError(503, 'UNAVAILABLE', 'the workflow did not answer in time; try again');
    }
    throw err;
  }
}
