import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing } from '../../platform/telemetry';
import { applicationWorkflowId } from '../../workflows/application/contract';
import { eventually, startStack, type TestStack } from '../helpers/stack';
import { instrumentJestRegistry } from '../helpers/tracing';
import { newApplicant, submit } from '../helpers/world';

/**
 * One application's trace, with the API and the worker in this process and the spans kept in memory: the
 * HTTP request that submits it, the client's start of its workflow, the workflow, its activities and their SQL.
 */
const exporter = new InMemorySpanExporter();
let stack: TestStack;

beforeAll(async () => {
  const tracing = startTracing({ serviceName: 'subsidy-test', exporter })!;
  instrumentJestRegistry(tracing.instrumentations);
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
  // The OpenTelemetry API keeps its globals on globalThis, shared with the next file of this jest worker:
  // stopping takes its registrations out; the record of its version it leaves behind goes too.
  await stopTracing();
  delete (globalThis as Record<symbol, unknown>)[Symbol.for('opentelemetry.js.api.1')];
});

const spans = () => exporter.getFinishedSpans();
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** The span's ancestors in its trace, nearest first (as far as the spans ended so far reach). */
function ancestors(span: ReadableSpan, all: ReadableSpan[]): ReadableSpan[] {
  const byId = new Map(
    all
      .filter((s) => s.spanContext().traceId === span.spanContext().traceId)
      .map((s) => [s.spanContext().spanId, s]),
  );
  const chain: ReadableSpan[] = [];
  for (let p = byId.get(parentOf(span) ?? ''); p; p = byId.get(parentOf(p) ?? '')) chain.push(p);
  return chain;
}

describe('tracing', () => {
  it('follows one submitted application from its HTTP request down to the SQL of an activity', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE');
    const res = await submit(stack, a, 'INCLUSIVE');
    expect(res.status).toBe(201);
    const id: string = res.body.id;
    const workflowId = applicationWorkflowId(id);
    const requestId = res.headers.get('x-request-id')!;

    // The workflow span ends with the workflow: the applicant withdraws once the precheck has run.
    const ranActivity = (all: ReadableSpan[]) =>
      all.some((s) => s.name.startsWith('RunActivity:') && s.attributes.temporalWorkflowId === workflowId);
    await eventually(async () => ranActivity(spans()), Boolean);
    const withdrawn = await a.client.post(`/api/v1/applications/${id}/withdraw`, { reason: '放弃补贴' });
    expect(withdrawn.status).toBe(200);
    await eventually(
      async () =>
        spans().some(
          (s) => s.name === 'RunWorkflow:applicationWorkflow' && s.attributes.workflowId === workflowId,
        ),
      Boolean,
    );
    const all = spans();

    const server = all.find(
      (s) =>
        s.kind === SpanKind.SERVER &&
        s.attributes['http.request.method'] === 'POST' &&
        s.attributes['http.route'] === '/api/v1/applications' &&
        s.attributes['request.id'] === requestId,
    );
    expect(server?.name).toBe('POST /api/v1/applications');
    expect(server!.attributes['url.path']).toBe('/api/v1/applications');
    const traceId = server!.spanContext().traceId;
    const inTrace = all.filter((s) => s.spanContext().traceId === traceId);

    const start = inTrace.find((s) => s.name === 'StartWorkflow:applicationWorkflow');
    expect(start?.attributes.temporalWorkflowId).toBe(workflowId);
    expect(ancestors(start!, all)).toContain(server);

    const workflow = inTrace.find((s) => s.name === 'RunWorkflow:applicationWorkflow');
    expect(workflow).toBeDefined();
    expect(parentOf(workflow!)).toBe(start!.spanContext().spanId);
    expect(workflow!.resource.attributes['service.name']).toBe('subsidy-test');

    const activities = inTrace.filter((s) => s.name.startsWith('RunActivity:'));
    expect(activities.length).toBeGreaterThan(0);
    for (const activity of activities) {
      expect(activity.attributes.temporalWorkflowId).toBe(workflowId);
      expect(ancestors(activity, all)).toEqual(expect.arrayContaining([workflow, start, server]));
    }

    const sql = inTrace.filter(
      (s) => s.kind === SpanKind.CLIENT && s.attributes['db.system.name'] === 'postgresql',
    );
    const underActivity = sql.filter((s) => ancestors(s, all).some((p) => activities.includes(p)));
    expect(underActivity.length).toBeGreaterThan(0);
    // Statements only: their parameters (personal data) are never recorded.
    for (const s of sql) expect(Object.keys(s.attributes).some((k) => k.includes('parameters'))).toBe(false);
  });
});
