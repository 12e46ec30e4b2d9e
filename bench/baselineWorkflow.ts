import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import { DATABASE } from '../workflows/activityOptions';
import type { BaselineActivities } from './baselineActivities';
import {
  baselineClaimUpdate,
  baselineDecideUpdate,
  type BaselineInput,
  type BaselineTaskInput,
} from './baselineContract';

// The options of the real path's own activities, so the yardstick differs from it only in what they do.
const { noop } = proxyActivities<BaselineActivities>(DATABASE);

/**
 * The yardstick of the workflow benchmark: the shape of one application's automated path (activities in the
 * same order and number, two human tasks each claimed and decided by an update with a validator, waits on
 * people that race a timer, the public-notice wait) with no-op activities: no projection, e-mail, simulator or
 * database work. Bundled for the bench worker only, never part of `workflows/index.ts`.
 */
export async function baselineWorkflow(input: BaselineInput): Promise<number> {
  const tasks = new Set(input.stages.flatMap((s) => (s.kind === 'task' ? [s.name] : [])));
  const known = ({ task }: BaselineTaskInput) => {
    if (!tasks.has(task)) throw ApplicationFailure.nonRetryable(`no task ${task}`, 'TASK_NOT_CURRENT');
  };
  let open: string | null = null;
  let claimed = false;
  let decided = false;
  setHandler(
    baselineClaimUpdate,
    async ({ task }) => {
      await condition(() => open === task);
      await noop('claim'); // the real claim records a step
      claimed = true;
      return task;
    },
    { validator: known },
  );
  setHandler(
    baselineDecideUpdate,
    async ({ task }) => {
      await condition(() => open === task && claimed);
      decided = true;
      await condition(() => open !== task); // answered once the decision is recorded, as the real one
      return task;
    },
    { validator: known },
  );

  let activities = 0;
  for (const stage of input.stages) {
    if (stage.kind === 'activities') {
      if (stage.parallel) await Promise.all(Array.from({ length: stage.count }, () => noop('parallel')));
      else for (let i = 0; i < stage.count; i++) await noop('step');
      activities += stage.count;
    } else if (stage.kind === 'sleep') {
      await sleep(stage.ms);
    } else {
      await noop('deadline');
      await noop('open');
      claimed = decided = false;
      open = stage.name;
      if (!(await condition(() => decided, stage.slaMs))) await condition(() => decided);
      await noop('close');
      open = null;
      activities += 4;
    }
  }
  await condition(allHandlersFinished);
  return activities;
}
