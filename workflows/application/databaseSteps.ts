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

type DatabaseSteps = Pick<Activities, 'record' | 'computeDeadline' | 'loadPrecheckContext' | 'loadProduct'>;

const ordinary = proxyActivities<DatabaseSteps>(DATABASE);
const local = proxyLocalActivities<DatabaseSteps>(LOCAL_DATABASE);

/**
 * The database steps of this workflow. The money steps (reserve, spend, release) stay ordinary activities:
 * they can wait on the budget's lock, and an administrator sees them pending in the Temporal UI.
 */
export function databaseSteps(): DatabaseSteps {
  return patched(LOCAL_DATABASE_STEPS) ? local : ordinary;
}
