import { Client as PgClient } from 'pg';
import { applicationWorkflowId } from '../../workflows/application/contract';
import { as, eventually, stackPerFile, type TestStack } from '../helpers/stack';
import { newApplicant, setBehaviour, submit } from '../helpers/world';

/**
 * An administrator cancels an application in precheck while the registry lookup is still running: the
 * update cancels the lookup (the workflow does not wait for it) and the workflow ends with the cancellation
 * step. The lookup's answer reaches the server while that step runs. Were the step a local activity, it
 * would run inside the workflow task that took the update and also completes the workflow; the server
 * refuses such a completion while new events wait (UNHANDLED_COMMAND) and drops the update with it (the API's
 * 503). The step is held on a row lock here until the lookup has answered, so the race is certain.
 */
let started: TestStack;
const stack = () => started;
stackPerFile((s) => {
  started = s;
});

afterEach(async () => {
  await setBehaviour(stack(), 'registry', { mode: 'normal' });
});

async function registryCalls(): Promise<number> {
  const res = await fetch(`${stack().simulatorUrl}/sim/registry/behaviour`);
  return ((await res.json()) as { calls: number }).calls;
}

describe('an update during the short database steps', () => {
  it("answers an administrator's cancel in precheck, with the lookup answering during the last step", async () => {
    await setBehaviour(stack(), 'registry', { mode: 'normal', delayMs: 1_500 });
    const a = await newApplicant(stack(), 'INCLUSIVE');
    const submitted = await submit(stack(), a, 'INCLUSIVE');
    expect(submitted.status).toBe(201);
    const id: string = submitted.body.id;
    await eventually(registryCalls, (calls) => calls >= 1); // the lookup is running

    // The cancellation's step waits on this lock until the lookup has answered.
    const lock = new PgClient({ connectionString: stack().config.database.url });
    await lock.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('SELECT 1 FROM "Application" WHERE id = $1 FOR UPDATE', [id]);
      const admin = await as(stack(), { role: 'admin' });
      const cancel = admin.post(`/api/v1/admin/applications/${id}/cancel`, { reason: '重复申请' });
      await eventually(
        async () =>
          (
            await lock.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            )
          ).rows[0].n as number,
        (n) => n >= 1,
        90_000, // a step's wait on the lock, which a loaded machine's worker reaches late
      );
      const handle = stack().temporal.workflow.getHandle(applicationWorkflowId(id));
      await eventually(
        async () => (await handle.describe()).raw.pendingActivities ?? [],
        (pending) => !pending.some((p) => p.activityType?.name === 'lookupEnterprise'),
        90_000,
      );
      await lock.query('COMMIT');

      const res = await cancel;
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('REJECTED');
    } finally {
      await lock.end();
    }
    expect((await stack().db.application.findUniqueOrThrow({ where: { id } })).status).toBe('REJECTED');
  }, 240_000);
});
