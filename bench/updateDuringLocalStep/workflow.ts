import {
  CancellationScope,
  condition,
  defineUpdate,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';

/** The activities of the reproduction: one that waits, as an ordinary and as a local activity. */
export interface ReproActivities {
  wait(ms: number): Promise<void>;
}

export const endUpdate = defineUpdate<string, [string]>('end');

const ordinary = proxyActivities<ReproActivities>({ startToCloseTimeout: '1 minute' });
const local = proxyLocalActivities<ReproActivities>({ startToCloseTimeout: '1 minute' });

/**
 * The shape of an administrator's cancel in precheck: an ordinary activity (the lookup) is running in the
 * main scope; the update (with a validator) cancels that scope; the workflow records its last step and
 * completes. `lastStep` says whether that step is a local activity (in the same workflow task as the
 * update) or an ordinary one (the workflow task ends on its command).
 */
export async function endDuringStep(p: {
  lookupMs: number;
  lastStepMs: number;
  lastStep: 'local' | 'ordinary';
}): Promise<string> {
  const main = new CancellationScope();
  let ended: string | undefined;
  setHandler(
    endUpdate,
    async (reason) => {
      main.cancel();
      await condition(() => ended !== undefined);
      return `${ended} (${reason})`;
    },
    {
      validator: (reason) => {
        if (!reason) throw new Error('a reason is required');
      },
    },
  );
  try {
    await main.run(async () => {
      await ordinary.wait(p.lookupMs);
      await condition(() => false);
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() =>
      (p.lastStep === 'local' ? local : ordinary).wait(p.lastStepMs),
    );
    ended = 'ended';
  }
  return ended ?? 'never';
}
