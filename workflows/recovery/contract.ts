import { defineSignal } from '@temporalio/workflow';

export const RECOVERY_WORKFLOW_TYPE = 'recoveryWorkflow';
export const RECONCILIATION_WORKFLOW_TYPE = 'recoveryReconciliationWorkflow';
export const reconciliationScheduleId = (taskQueue: string): string => `recovery-reconciliation-${taskQueue}`;

/** How a recovery case runs (config.recovery, passed at its start so a case keeps the terms it began with). */
export interface RecoveryTerms {
  deadlineWorkingDays: number;
  escalationWorkingDays: number;
  timeAcceleration: number;
}

export interface RecoveryInput extends RecoveryTerms {
  caseId: string;
}

export interface ReconciliationInput extends RecoveryTerms {
  /** A scheduled run works only on working days; a direct start (tests, an administrator) runs now. */
  trigger: 'schedule' | 'direct';
  fullRecoveryMonths: number;
  pageSize?: number;
}

export interface ReconciliationResult {
  policies: number;
  opened: number;
  skipped: boolean;
}

/** The case changed in the database (a repayment recorded, a waiver): look again. */
export const recoveryChangedSignal = defineSignal('recoveryChanged');
