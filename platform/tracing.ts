/**
 * OpenTelemetry for one process, loaded only when tracing is on (platform/telemetry.ts): the tracer provider
 * with its OTLP exporter, the instrumentations of http, express and pg, and Temporal's interceptors (client,
 * activities, and the sink the workflow interceptors of workflows/interceptors.ts export through).
 */
import { context, isSpanContextValid, propagation, trace, type SpanContext } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations, type InstrumentationBase } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ClientInterceptors } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import { useActiveSpanIds } from './requestContext';

export interface TracingOptions {
  /** The process's service name (OTEL_SERVICE_NAME, else subsidy-api or subsidy-worker). */
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: spans go in batches to `<endpoint>/v1/traces` (OTLP/HTTP, protobuf). */
  endpoint?: string;
  /** Instead of OTLP (the tests' in-memory exporter): every span is handed to it as it ends. */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** For the Temporal clients (temporal/client.ts): starts, signals, updates and queries carry the context. */
  clientInterceptors: ClientInterceptors;
  /** For the worker: activity spans, children of the workflow's span that scheduled them. */
  activityInterceptors: ActivityInterceptorsFactory[];
  /** For the worker: the sink the workflow interceptors (in the sandbox) hand their spans to. */
  workflowSinks: InjectedSinks<OpenTelemetrySinks>;
  /** The instrumentations in place (a test patches the modules of its own module registry with them). */
  instrumentations: InstrumentationBase[];
  shutdown(): Promise<void>;
}

/** Requests not worth a trace: probes and scrapes. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const UNMATCHED = '(unmatched)';

/** The route an express request matched (`/api/v1/applications/{id}`), once it has. */
function routeTemplate(request: object): string {
  const { baseUrl, route } = request as { baseUrl?: string; route?: { path?: unknown } };
  return typeof route?.path === 'string'
    ? `${baseUrl ?? ''}${route.path}`.replace(/:(\w+)/g, '{$1}')
    : UNMATCHED;
}

/** A span as the workflow interceptors make it: OpenTelemetry 1.x, in the workflow sandbox. */
type SandboxSpan = Omit<ReadableSpan, 'parentSpanContext' | 'instrumentationScope'> & {
  parentSpanId?: string;
  instrumentationLibrary: ReadableSpan['instrumentationScope'];
};

/**
 * The workflow interceptors build their spans with OpenTelemetry 1.x, which names the parent and the scope
 * otherwise than this SDK (2.x): without this, every workflow span would reach the exporter without a parent.
 */
function sandboxSpans(processor: SpanProcessor, resource: Resource) {
  return {
    onStart: () => undefined,
    onEnd(span: SandboxSpan) {
      const { parentSpanId, instrumentationLibrary, ...rest } = span;
      const own: SpanContext = span.spanContext();
      processor.onEnd({
        ...rest,
        spanContext: () => own,
        resource,
        instrumentationScope: instrumentationLibrary,
        parentSpanContext: parentSpanId
          ? { traceId: own.traceId, spanId: parentSpanId, traceFlags: own.traceFlags }
          : undefined,
      });
    },
    forceFlush: () => processor.forceFlush(),
    shutdown: () => Promise.resolve(),
  };
}

export function createTracing(options: TracingOptions): Tracing {
  const resource = defaultResource().merge(resourceFromAttributes({ 'service.name': options.serviceName }));
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(
        new OTLPTraceExporter({ url: `${options.endpoint!.replace(/\/+$/, '')}/v1/traces` }),
      );
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register(); // the global tracer, the async context manager and the W3C propagator
  const instrumentations: InstrumentationBase[] = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]!),
      // A URL may carry tokens (invitation and survey links), ids and searched names: a span keeps the
      // route template only, as the access log does, and no query.
      startIncomingSpanHook: () => ({ 'url.path': UNMATCHED, 'url.query': undefined }),
      applyCustomAttributesOnSpan(span, request, response) {
        if (!('getHeader' in response)) return; // a request of this process's own
        span.setAttribute('url.path', routeTemplate(request));
        // The request id (given or generated: X-Request-Id) is how a request is found in the trace store.
        const requestId = response.getHeader('x-request-id');
        if (typeof requestId === 'string') span.setAttribute('request.id', requestId);
      },
    }),
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
    // Statements only, never their parameters (personal data); no spans for the pollers' own queries.
    new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
  ];
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations });
  useActiveSpanIds(() => {
    const span = trace.getActiveSpan()?.spanContext();
    return span && isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : undefined;
  });
  const workflowExporter = sandboxSpans(processor, resource) as unknown as Parameters<
    typeof makeWorkflowExporter
  >[0];
  return {
    clientInterceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    activityInterceptors: [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
    workflowSinks: {
      exporter: makeWorkflowExporter(workflowExporter, resource),
    },
    instrumentations,
    async shutdown() {
      useActiveSpanIds(() => undefined);
      unregister();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
