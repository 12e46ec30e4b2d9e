import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ENCRYPTED_ENCODING } from '../../platform/payloadCodec';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');

type HistoryEvents = { events?: unknown[] | null };

/** Whether the history's payloads are encrypted by the payload codec (its start event's input tells). */
export function isEncrypted(history: HistoryEvents): boolean {
  const start = (history.events?.[0] ?? {}) as Record<string, any>;
  const encoding = start.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.metadata?.encoding;
  return !!encoding && Buffer.from(encoding as Uint8Array).toString('utf8') === ENCRYPTED_ENCODING;
}

/**
 * The path a workflow took, as the replay test cares about it: its type, the statuses it went through,
 * the updates and signals it took, and how it ended (or that it still runs).
 */
function pathOf(type: string, status: string, history: HistoryEvents): string[] {
  // An encrypted history is a path of its own: the replay test then covers histories before and after the codec.
  const steps: string[] = isEncrypted(history) ? [type, 'encrypted'] : [type];
  for (const e of (history.events ?? []) as Record<string, any>[]) {
    const step =
      e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ??
      e.workflowExecutionSignaledEventAttributes?.signalName ??
      e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name ??
      patchOf(e.markerRecordedEventAttributes) ??
      (e.upsertWorkflowSearchAttributesEventAttributes
        ? statusOf(e.upsertWorkflowSearchAttributesEventAttributes)
        : undefined);
    if (step && steps.at(-1) !== step) steps.push(step);
  }
  steps.push(status);
  return steps;
}

/** A `patched()` marker as a step (`patch:<id>`): a history on a patch's new branch is a path of its own. */
function patchOf(attrs: Record<string, any> | undefined): string | undefined {
  if (attrs?.markerName !== 'core_patch') return undefined;
  // The SDK's own record of the patch, unencrypted: `{"id": "<patch id>", "deprecated": false}`.
  const data = attrs.details?.['patch-data']?.payloads?.[0]?.data as Uint8Array | undefined;
  return data ? `patch:${(JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id}` : 'patch';
}

function statusOf(attrs: Record<string, any>): string | undefined {
  const payload = attrs.searchAttributes?.indexedFields?.ApplicationStatus;
  if (!payload?.data) return undefined;
  return JSON.parse(Buffer.from(payload.data as Uint8Array).toString('utf8')) as string;
}

/**
 * Keeps one recorded history per distinct path of the workflows of a task queue in test/histories/ (when the
 * tests run with RECORD_HISTORIES=1): the replay test then proves that code changes keep them deterministic.
 */
export async function recordHistories(client: Client, taskQueue: string): Promise<number> {
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  const known = new Set(
    fs
      .readdirSync(HISTORIES_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) =>
        f
          .replace(/\.json$/, '')
          .split('.')
          .at(-1),
      ),
  );
  let written = 0;
  for await (const wf of client.workflow.list({ query: `TaskQueue="${taskQueue}"` })) {
    const handle = client.workflow.getHandle(wf.workflowId, wf.runId);
    const history = await handle.fetchHistory();
    const steps = pathOf(wf.type, wf.status.name, history);
    const hash = createHash('sha256').update(steps.join('>')).digest('hex').slice(0, 10);
    if (known.has(hash)) continue;
    known.add(hash);
    const sealed = isEncrypted(history) ? '.encrypted' : '';
    const name = `${wf.type}.${steps.at(-2) ?? 'start'}.${wf.status.name}${sealed}.${hash}`.replace(
      /[^\w.-]/g,
      '_',
    );
    // Stored as the protobuf bytes of the history (what `temporal workflow show` exports, without a converter).
    const bytes = temporal.api.history.v1.History.encode(history).finish();
    fs.writeFileSync(
      path.join(HISTORIES_DIR, `${name}.json`),
      `${JSON.stringify({ workflowId: wf.workflowId, path: steps, history: Buffer.from(bytes).toString('base64') }, null, 1)}\n`,
    );
    written++;
  }
  return written;
}
