import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

/** Retries until the server answers for the namespace (a dev server opens its port before it is ready). */
async function untilReady<T>(what: string, attempt: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what} not reachable: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** The process's one Temporal client. */
export async function connectClient(address: string, namespace: string, timeoutMs = 60_000): Promise<Client> {
  return untilReady(
    `Temporal at ${address}`,
    async () => {
      const connection = await Connection.connect({ address });
      try {
        await connection.workflowService.describeNamespace({ namespace });
      } catch (err) {
        await connection.close();
        throw err;
      }
      return new Client({ connection, namespace });
    },
    timeoutMs,
  );
}

/** The worker's connection. */
export async function connectWorker(address: string, timeoutMs = 60_000): Promise<NativeConnection> {
  return untilReady(`Temporal at ${address}`, () => NativeConnection.connect({ address }), timeoutMs);
}
