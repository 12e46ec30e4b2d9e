/**
 * Reproduction of issue 21's 503: `npx tsx bench/updateDuringLocalStep/run.ts [local|ordinary]`.
 *
 * A workflow with an ordinary activity running takes an update that cancels it, then runs its last step
 * and completes. When the last step is a local activity, the workflow task that carries the update also
 * completes the workflow, and the cancelled activity's completion reaches the server while that task runs:
 * the server refuses the completion (WorkflowTaskFailed, cause UNHANDLED_COMMAND: a completing workflow
 * must first see the new events) and aborts the update it had sent in that task with the non-retryable
 * `FAILED_PRECONDITION: Unable to perform workflow execution update due to unexpected workflow task
 * failure`. With an ordinary last step the update's task ends on that step's command; it succeeds.
 */
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findTemporalCli } from '../../dev/embedded/temporalCli';
import { freePort, startTemporalDevServer } from '../../dev/embedded/temporalServer';
import { endUpdate, type ReproActivities } from './workflow';

const { EventType, WorkflowTaskFailedCause } = temporal.api.enums.v1;

async function main(lastStep: 'local' | 'ordinary'): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const server = await startTemporalDevServer({
    cli: findTemporalCli(),
    port: await freePort(),
    logFile: path.join(os.tmpdir(), 'update-during-local-step.temporal.log'),
  });
  const connection = await NativeConnection.connect({ address: server.address });
  const activities: ReproActivities = { wait: (ms) => sleep(ms) };
  const taskQueue = 'update-during-local-step';
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: path.join(__dirname, 'workflow.ts'),
    activities,
  });
  const running = worker.run().catch((err) => console.error('worker stopped:', err));
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  try {
    const handle = await client.workflow.start('endDuringStep', {
      taskQueue,
      workflowId: `repro-${lastStep}-${Date.now()}`,
      args: [{ lookupMs: 300, lastStepMs: 1000, lastStep }],
    });
    await sleep(100); // the lookup is running
    const sent = Date.now();
    let refused = false;
    try {
      const answer = await handle.executeUpdate(endUpdate, { args: ['x'] });
      console.log(`update: ${answer} after ${Date.now() - sent} ms`);
    } catch (err) {
      refused = true;
      const cause = err instanceof WorkflowUpdateFailedError ? err.cause : (err as Error).cause;
      console.log(
        `update refused after ${Date.now() - sent} ms: ${(err as Error).message}: ${(cause as Error)?.message}`,
      );
    }
    // A dropped update never reaches the workflow again: its retried task goes on without it.
    if (refused) await sleep(1_000);
    else console.log(`result: ${await handle.result()}`);
    for (const e of (await handle.fetchHistory()).events ?? []) {
      const failed = e.workflowTaskFailedEventAttributes;
      console.log(
        `${String(e.eventId)} ${EventType[e.eventType!]}`,
        failed ? `${WorkflowTaskFailedCause[failed.cause!]}: ${failed.failure?.message}` : '',
      );
    }
    if (refused) await handle.terminate('reproduction done');
  } finally {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection.close();
    await server.stop();
  }
}

const lastStep = process.argv[2] === 'ordinary' ? 'ordinary' : 'local';
main(lastStep).catch((err) => {
  console.error(err);
  process.exit(1);
});
