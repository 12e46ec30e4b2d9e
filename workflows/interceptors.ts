/**
 * Not a workflow: the OpenTelemetry interceptors of every workflow, bundled with them
 * (WORKFLOW_INTERCEPTOR_MODULES in worker/worker.ts). Their spans leave the sandbox through the worker's
 * `exporter` sink (platform/tracing.ts).
 */
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { WorkflowInterceptors } from '@temporalio/workflow';

/** The header the client interceptors carry the trace context in (TRACE_HEADER of the package). */
const TRACE_HEADER = '_tracer-data';

type Method = (input: unknown, next: (input: unknown) => unknown) => unknown;

/** Does what an instance of `Interceptor` does while `traced()`, else passes every call on untouched. */
function whileTraced<T extends object>(Interceptor: new () => T, traced: () => boolean): T {
  let inner: Record<string, Method> | undefined;
  const methods = Object.getOwnPropertyNames(Interceptor.prototype).filter((m) => m !== 'constructor');
  const entries = methods.map((name): [string, Method] => [
    name,
    (input, next) => {
      if (!traced()) return next(input);
      inner ??= new Interceptor() as unknown as Record<string, Method>;
      return inner[name]!(input, next);
    },
  ]);
  return Object.fromEntries(entries) as T;
}

/**
 * A workflow is traced when a client with tracing on started it (its start carries a trace context);
 * otherwise the interceptors record nothing, so tracing off costs nothing here either. Decided from the
 * start's headers, which are in the history: a replay decides the same. Either way the workflow's commands
 * are the same (the interceptors add spans and headers, not commands).
 */
export const interceptors = (): WorkflowInterceptors => {
  let traced = false;
  const isTraced = () => traced;
  const inbound = whileTraced(OpenTelemetryInboundInterceptor, isTraced);
  return {
    inbound: [
      {
        ...inbound,
        execute(input, next) {
          traced = TRACE_HEADER in input.headers;
          return inbound.execute(input, next);
        },
      },
    ],
    outbound: [whileTraced(OpenTelemetryOutboundInterceptor, isTraced)],
    internals: [whileTraced(OpenTelemetryInternalsInterceptor, isTraced)],
  };
};
