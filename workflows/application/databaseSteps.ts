import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { DATABASE, LOCAL_DATABASE } from '../activityOptions';

/**
 * The patch that made the application's short database steps (recording a step, a deadline, loading the
 * precheck's context and the product) local activities. Workflows whose history has no marker of it replay
 * with ordinary activities; the others, and every workflow from the point where a new worker first reaches
 * one of these steps, run them locally. docs/VERSIONING.md says when it can be deprecated.
 */
export const LOCAL_DATABASE_STEPS = 'local-database-steps';

export type DatabaseSteps = Pick<
  Activities,
  'record' | 'computeDeadline' | 'loadPrecheckContext' | 'loadProduct'
>;

const ordinary = proxyActivities<DatabaseSteps>(DATABASE);
const local = proxyLocalActivities<DatabaseSteps>(LOCAL_DATABASE);

/**
 * The database steps of this workflow: local on the patched branch, unless `throughServer` (the process
 * decides it, `ApplicationProcess.databaseStep`). A local activity runs inside the workflow task, and its
 * effect in the database is made before that task is accepted by the server; an ordinary one only once the
 * task that scheduled it was. `patched()` is asked only when a step may run locally, so a step that must go
 * through the server leaves no marker. The money steps (reserve, spend, release) stay ordinary activities:
 * they can wait on the budget's lock, and an administrator sees them pending in the Temporal UI.
 */
export function databaseSteps(throughServer: boolean): DatabaseSteps {
  if (throughServer) return ordinary;
  return patched(LOCAL_DATABASE_STEPS) ? local : ordinary;
}
