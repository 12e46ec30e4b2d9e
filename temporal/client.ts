import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { activeTracing } from '../platform/telemetry';

const GRPC_NOT_FOUND = 5;

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

/**
 * A fresh server answers the frontend before its history shards are owned ("shard status unknown"):
 * looking up a workflow that does not exist must say NOT_FOUND before the server takes work.
 */
async function historyAnswers(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.describeWorkflowExecution({
      namespace,
      execution: { workflowId: `readiness-probe-${Date.now()}` },
    });
  } catch (err) {
    if ((err as { code?: number }).code === GRPC_NOT_FOUND) return;
    throw err;
  }
}

/**
 * The process's one Temporal client, with the system's data converter (payloadDataConverter: payloads are
 * encrypted on the way to the server and decrypted on the way back), and with tracing on, its interceptors:
 * a workflow started, signalled or updated carries the caller's trace context.
 */
export async function connectClient(
  address: string,
  namespace: string,
  dataConverter: DataConverter,
  timeoutMs = 60_000,
): Promise<Client> {
  return untilReady(
    `Temporal at ${address}`,
    async () => {
      const connection = await Connection.connect({ address });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        await historyAnswers(connection, namespace);
      } catch (err) {
        await connection.close();
        throw err;
      }
      return new Client({
        connection,
        namespace,
        dataConverter,
        interceptors: activeTracing()?.clientInterceptors,
      });
    },
    timeoutMs,
  );
}

/** The worker's connection. */
export async function connectWorker(address: string, timeoutMs = 60_000): Promise<NativeConnection> {
  return untilReady(`Temporal at ${address}`, () => NativeConnection.connect({ address }), timeoutMs);
}
