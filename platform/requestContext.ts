import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written while one HTTP request is served carries. */
export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` (and everything it starts) as part of the request `context`. */
export function runInRequest<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export const currentRequest = (): RequestContext | undefined => storage.getStore();

type SpanIds = () => { traceId: string; spanId: string } | undefined;
let activeSpanIds: SpanIds = () => undefined;

/** Tracing, once started, tells the logger the ids of the active span (without it nothing is loaded). */
export function useActiveSpanIds(ids: SpanIds): void {
  activeSpanIds = ids;
}

/** The fields the logger adds to a line: the request's id, the active span's trace and span ids. */
export function logContext(): { requestId?: string; traceId?: string; spanId?: string } {
  const request = storage.getStore();
  const span = activeSpanIds();
  if (!request && !span) return {};
  return { ...(request ? { requestId: request.requestId } : {}), ...span };
}
