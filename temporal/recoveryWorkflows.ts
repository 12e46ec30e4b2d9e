import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { openRecoveryCase, recoveryWorkflowId, type OpenRecoveryCase } from '../data/recovery';
import type { Db } from '../data/db';
import {
  RECOVERY_WORKFLOW_TYPE,
  recoveryChangedSignal,
  type RecoveryTerms,
} from '../workflows/recovery/contract';
import type { recoveryWorkflow } from '../workflows/recovery/workflow';

/** Starts a case's workflow; its id comes from the case, so a second start is harmless. */
export async function startRecoveryWorkflow(
  temporal: Client,
  taskQueue: string,
  caseId: string,
  terms: RecoveryTerms,
): Promise<void> {
  try {
    await temporal.workflow.start(RECOVERY_WORKFLOW_TYPE, {
      workflowId: recoveryWorkflowId(caseId),
      taskQueue,
      args: [{ caseId, ...terms }] as Parameters<typeof recoveryWorkflow>,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/**
 * Opens a recovery case (or finds the one of its source) and starts its workflow: how another part of the
 * system (a failed site visit) recovers a grant. Safe to call again with the same source.
 */
export async function openRecovery(
  db: Db,
  temporal: Client,
  taskQueue: string,
  input: OpenRecoveryCase,
  terms: RecoveryTerms,
): Promise<{ id: string; created: boolean }> {
  const c = await openRecoveryCase(db, input);
  await startRecoveryWorkflow(temporal, taskQueue, c.id, terms);
  return { id: c.id, created: c.created };
}

/** Tells the case's workflow to look again (after a repayment or a waiver); a case without one is left be. */
export async function signalRecovery(temporal: Client, caseId: string): Promise<void> {
  try {
    await temporal.workflow.getHandle(recoveryWorkflowId(caseId)).signal(recoveryChangedSignal);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}
