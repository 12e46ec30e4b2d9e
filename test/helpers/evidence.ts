/**
 * What proves that nothing more is coming, or that nothing changed, without waiting a fixed time for it:
 * - a workflow whose history has settled: its last workflow task is done and it started nothing that is
 *   still to complete (no activity, child or signal in flight; a timer may run), so the signals it has
 *   received are handled and every step it could take by itself is taken;
 * - e-mails whose outbox rows are all SENT: a row is marked SENT after the SMTP server accepted the mail,
 *   and only a PENDING row (or a SENDING one after its claim lease, OUTBOX_CLAIM_SECONDS) is ever sent, so no copy of
 *   them can still arrive.
 */
import type { Client as TemporalClient } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import type { temporal as proto } from '@temporalio/proto';
import type { Db } from '../../data/db';
import { eventually } from './eventually';

type HistoryEvent = proto.api.history.v1.IHistoryEvent;
/**
 * Commands that complete at once or wait for time only (and an update's acceptance and answer): after them,
 * the workflow waits on nothing.
 */
const atRestAfterTask = (e: HistoryEvent) =>
  !!(
    e.timerStartedEventAttributes ||
    e.upsertWorkflowSearchAttributesEventAttributes ||
    e.workflowPropertiesModifiedEventAttributes ||
    e.markerRecordedEventAttributes ||
    e.workflowExecutionUpdateAcceptedEventAttributes ||
    e.workflowExecutionUpdateCompletedEventAttributes
  );

function atRest(events: HistoryEvent[]): boolean {
  let last = -1;
  events.forEach((e, i) => {
    if (e.workflowTaskCompletedEventAttributes) last = i;
  });
  // Every update accepted has been answered: no handler is still at work.
  const count = (has: (e: HistoryEvent) => unknown) => events.filter(has).length;
  return (
    last >= 0 &&
    events.slice(last + 1).every(atRestAfterTask) &&
    count((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ===
      count((e) => e.workflowExecutionUpdateCompletedEventAttributes)
  );
}

/**
 * Waits until the workflow's history has settled (see above) and `also(events)` holds (e.g. the signals
 * sent are in it); returns its events.
 */
export async function settledHistory(
  temporal: TemporalClient,
  workflowId: string,
  also: (events: HistoryEvent[]) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<HistoryEvent[]> {
  const handle = temporal.workflow.getHandle(workflowId);
  let last: HistoryEvent[] = [];
  return eventually(
    async () => (last = (await handle.fetchHistory()).events ?? []),
    (events) => atRest(events) && also(events),
    timeoutMs,
  ).catch(() => {
    const tail = last.slice(-8).map((e) => String(e.eventType));
    throw new Error(
      `the history of ${workflowId} did not settle in ${timeoutMs} ms; it ends ${tail.join(', ')}`,
    );
  });
}

/** The signals of that name in a history. */
export const signalsNamed = (events: HistoryEvent[], name: string) =>
  events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === name);

/** Waits until at least `count` outbox rows match `where` and all of them are SENT; returns them. */
export async function sentMail(
  db: Db,
  where: NonNullable<Parameters<Db['emailOutbox']['findMany']>[0]>['where'],
  count: number,
  timeoutMs = 30_000,
) {
  return eventually(
    () => db.emailOutbox.findMany({ where, orderBy: { id: 'asc' } }),
    (rows) => rows.length >= count && rows.every((r) => r.status === 'SENT'),
    timeoutMs,
  );
}

/**
 * A workflow's search attribute once it has the value `ok` wants. A step is recorded in the database by an
 * activity of the workflow task that then sets its attributes: a test that saw the record waits for that task.
 */
export async function searchAttributeOf(
  client: TemporalClient,
  workflowId: string,
  key: Parameters<TypedSearchAttributes['get']>[0],
  ok: (value: unknown) => boolean,
  timeoutMs = 30_000,
): Promise<unknown> {
  return eventually(
    async () => (await client.workflow.getHandle(workflowId).describe()).typedSearchAttributes.get(key),
    ok,
    timeoutMs,
  );
}

/** Every row of every table of the database, as text: equal before and after means nothing changed. */
export async function databaseFingerprint(db: Db): Promise<string> {
  const tables = await db.$queryRaw<{ t: string }[]>`
    SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`;
  const parts: string[] = [];
  for (const { t } of tables) {
    const [row] = await db.$queryRawUnsafe<{ h: string | null }[]>(
      `SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS h FROM "${t.replace(/"/g, '')}" x`,
    );
    parts.push(`${t}:${row?.h ?? ''}`);
  }
  return parts.join('\n');
}
