import { defineUpdate } from '@temporalio/workflow';

/** The contract of the baseline workflow (see `baselineWorkflow.ts`): what the bench harness starts and updates. */
export const BASELINE_WORKFLOW_TYPE = 'baselineWorkflow';

export type BaselineStage =
  | { kind: 'activities'; count: number; parallel?: boolean }
  | { kind: 'task'; name: string; slaMs: number }
  | { kind: 'sleep'; ms: number };

export interface BaselineInput {
  stages: BaselineStage[];
}

export interface BaselineTaskInput {
  task: string;
  subject: string;
}

export const baselineClaimUpdate = defineUpdate<string, [BaselineTaskInput]>('claim');
export const baselineDecideUpdate = defineUpdate<string, [BaselineTaskInput]>('decide');

/** The activities a plan runs: each listed one, and four per task (deadline, opening, claim, closing). */
export function baselineActivityCount(stages: BaselineStage[]): number {
  return stages.reduce((n, s) => n + (s.kind === 'activities' ? s.count : s.kind === 'task' ? 4 : 0), 0);
}
