import { Writable } from 'node:stream';
import { createDb } from '../../data/db';
import { createLogger } from '../../platform/logger';
import { observeDatabase } from '../../platform/metrics';
import { applicationWorkflowId } from '../../workflows/application/contract';
import { ApiClient, as, eventually, startStack, type TestStack } from '../helpers/stack';
import { newApplicant, setBehaviour, submit } from '../helpers/world';

/** Every JSON line the API and the worker logged, and the raw text (to look for leaked secrets). */
const lines: Record<string, any>[] = [];
let raw = '';
const sink = new Writable({
  write(chunk: Buffer | string, _encoding, done) {
    const text = String(chunk);
    raw += text;
    for (const line of text.split('\n')) if (line.trim()) lines.push(JSON.parse(line));
    done();
  },
});

const logger = createLogger('info', 'observability-test', sink);

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({}, { logger });
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(async () => {
  await setBehaviour(stack, 'registry', { mode: 'normal' });
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the Prometheus text format: every line is a comment or `name{labels} value`, and
 * every sample belongs to a family declared by an earlier `# TYPE`.
 */
function parsePrometheus(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sampleLine = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
  const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(?:,|$)/;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
      if (type) types.set(type[1]!, type[2]!);
      else if (!new RegExp(`^# HELP ${NAME} `).test(line)) throw new Error(`bad comment line: ${line}`);
      continue;
    }
    const m = sampleLine.exec(line);
    if (!m) throw new Error(`bad sample line: ${line}`);
    const [, name, labelText = '', valueText] = m;
    const value = Number(valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : valueText);
    if (Number.isNaN(value) && valueText !== 'NaN') throw new Error(`bad value: ${line}`);
    const labels: Record<string, string> = {};
    for (let rest = labelText; rest.length > 0;) {
      const l = label.exec(rest);
      if (!l) throw new Error(`bad labels: ${line}`);
      labels[l[1]!] = l[2]!;
      rest = rest.slice(l[0].length);
    }
    const family = [name!, name!.replace(/_(bucket|sum|count)$/, '')].find((n) => types.has(n));
    if (!family) throw new Error(`sample without a preceding # TYPE: ${line}`);
    samples.push({ name: name!, labels, value });
  }
  return samples;
}

/** The API process's metrics listener (API_METRICS_PORT), apart from its public port. */
const metricsUrl = () => `${stack.api.metricsUrl!}/metrics`;

async function scrape(): Promise<{ res: Response; samples: Sample[] }> {
  const res = await fetch(metricsUrl());
  return { res, samples: parsePrometheus(await res.text()) };
}

async function submitted(): Promise<{ id: string; client: ApiClient }> {
  const a = await newApplicant(stack, 'INCLUSIVE');
  const res = await submit(stack, a, 'INCLUSIVE');
  expect(res.status).toBe(201);
  return { id: res.body.id, client: a.client };
}

const logLine = (requestId: string) =>
  eventually(
    () => Promise.resolve(lines.find((l) => l.requestId === requestId && l.msg === 'request completed')),
    (l) => l !== undefined,
    10_000,
  );

describe('observability for administrators', () => {
  it('logs each request on an application with its id, workflow id and request id, never the token', async () => {
    const { id, client } = await submitted();
    const res = await client.request('GET', `/api/v1/applications/${id}`, undefined, {
      'x-request-id': 'obs-read-1',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('obs-read-1');
    expect(await logLine('obs-read-1')).toMatchObject({
      applicationId: id,
      workflowId: applicationWorkflowId(id),
      method: 'GET',
      route: '/api/v1/applications/{id}',
      status: 200,
      durationMs: expect.any(Number),
    });

    // A task belongs to one application: its lines carry that application too.
    const reviewer = await as(stack, { role: 'reviewer', org: 'street:中关村街道' });
    const list = await eventually(
      () => reviewer.get(`/api/v1/tasks?queue=initial-review&applicationId=${id}`),
      (r) => r.body.items?.length === 1,
    );
    const claim = await reviewer.post(
      `/api/v1/tasks/${list.body.items[0].id}/claim`,
      {},
      {
        'x-request-id': 'obs-claim-1',
      },
    );
    expect(claim.status).toBe(200);
    expect(await logLine('obs-claim-1')).toMatchObject({
      applicationId: id,
      workflowId: applicationWorkflowId(id),
      route: '/api/v1/tasks/{id}/claim',
    });

    // A request without an id of its own gets a generated one, echoed in the response.
    const anon = await fetch(`${stack.baseUrl}/api/v1/applications/${id}`);
    expect(anon.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    expect(raw).not.toContain(client.token!);
    expect(raw).not.toContain(reviewer.token!);
    expect(raw.toLowerCase()).not.toContain('authorization');
  });

  it("puts the request id on every line logged while serving the request, the handler's own too", async () => {
    const { id } = await submitted();
    const admin = await as(stack, { role: 'admin' });
    const linesOf = (requestId: string) => lines.filter((l) => l.requestId === requestId);
    // A handler that logs through deps.logger, after its JSON body was read.
    const cancel = await admin.post(
      `/api/v1/admin/applications/${id}/cancel`,
      { reason: '重复申请' },
      { 'x-request-id': 'obs-admin-1' },
    );
    expect(cancel.status).toBe(200);
    expect(cancel.headers.get('x-request-id')).toBe('obs-admin-1');
    await logLine('obs-admin-1');
    expect(linesOf('obs-admin-1')).toContainEqual(
      expect.objectContaining({ msg: 'administrator action', applicationId: id, action: 'cancel' }),
    );
    expect(lines.filter((l) => l.msg === 'administrator action' && l.requestId === undefined)).toEqual([]);

    // An error answer: the same id in the header, the error body and the access line.
    const missing = await admin.post(
      '/api/v1/admin/applications/HD-2026-999999/cancel',
      { reason: 'x' },
      { 'x-request-id': 'obs-admin-2' },
    );
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toBe('obs-admin-2');
    expect(missing.body.error.requestId).toBe('obs-admin-2');
    expect(await logLine('obs-admin-2')).toMatchObject({ status: 404 });

    // A generated id is the same everywhere too.
    const anon = await new ApiClient(stack.baseUrl).post(`/api/v1/admin/applications/${id}/cancel`, {
      reason: 'x',
    });
    expect(anon.status).toBe(401);
    const generated = anon.headers.get('x-request-id')!;
    expect(anon.body.error.requestId).toBe(generated);
    expect(await logLine(generated)).toMatchObject({ status: 401 });

    // Each line names its request once (the access line's logger is bound to it already).
    for (const requestId of ['obs-admin-1', 'obs-admin-2', generated]) {
      const rawLines = raw.split('\n').filter((l) => l.includes(`"${requestId}"`));
      expect(rawLines.length).toBeGreaterThan(0);
      for (const l of rawLines) expect(l.split('"requestId"')).toHaveLength(2);
    }
  });

  it('logs an activity failure with the application, workflow, activity and attempt', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE');
    await setBehaviour(stack, 'registry', { mode: 'unavailable' });
    const res = await submit(stack, a, 'INCLUSIVE');
    expect(res.status).toBe(201);
    const id: string = res.body.id;
    const failure = await eventually(
      () => Promise.resolve(lines.find((l) => l.msg === 'Activity failed' && l.applicationId === id)),
      (l) => l !== undefined,
    );
    expect(failure).toMatchObject({
      level: 40,
      workflowId: applicationWorkflowId(id),
      activityType: 'lookupEnterprise',
      attempt: 1,
      err: { message: expect.stringMatching(/.+/) },
    });
    expect(failure).not.toHaveProperty('taskToken');
    // Every line an activity logged carries the same context.
    for (const line of lines.filter((l) => l.activityId !== undefined)) {
      expect(line).toMatchObject({
        workflowId: expect.any(String),
        applicationId: expect.any(String),
        activityType: expect.any(String),
        attempt: expect.any(Number),
      });
    }
  });

  it('serves Prometheus metrics with route templates and the figures of the database', async () => {
    const { id, client } = await submitted();
    expect((await client.get(`/api/v1/applications/${id}`)).status).toBe(200);

    const { res, samples } = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);

    const latency = samples.filter((s) => s.name === 'http_request_duration_seconds_count');
    expect(latency).toContainEqual({
      name: 'http_request_duration_seconds_count',
      labels: { method: 'GET', route: '/api/v1/applications/{id}', status_code: '200' },
      value: expect.any(Number),
    });
    expect(latency.every((s) => !s.labels.route!.includes(id))).toBe(true);

    const inclusive = samples.filter(
      (s) => s.name === 'subsidy_applications' && s.labels.track === 'INCLUSIVE',
    );
    expect(inclusive.reduce((sum, s) => sum + s.value, 0)).toBeGreaterThanOrEqual(1);
    await eventually(
      async () => (await scrape()).samples,
      (all) => all.some((s) => s.name === 'subsidy_tasks_open' && s.labels.queue === 'initial-review'),
    );
    const text = await (await fetch(metricsUrl())).text();
    expect(text).toContain('# TYPE subsidy_tasks_overdue gauge');
    expect(text).toContain('# TYPE subsidy_payments gauge');
    expect(text).toContain('# TYPE subsidy_email_failures_total counter');
    expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(samples).toContainEqual({
      name: 'temporal_worker_activity_slots_max',
      labels: { task_queue: stack.config.temporal.taskQueue },
      value: expect.any(Number),
    });
    const sent = samples.filter((s) => s.name === 'subsidy_emails_sent_total');
    expect(sent.every((s) => s.labels.template !== undefined)).toBe(true);
  });

  it('serves /metrics only on the internal metrics port, never on the public one', async () => {
    expect(new URL(stack.api.metricsUrl!).port).not.toBe(String(stack.config.http.port));
    expect(new URL(stack.api.metricsUrl!).hostname).toBe('127.0.0.1');
    const publicScrape = await fetch(`${stack.baseUrl}/metrics`);
    expect(publicScrape.status).toBe(404);
    expect(await publicScrape.text()).not.toContain('# TYPE');
    expect((await fetch(metricsUrl())).status).toBe(200);
    // Nothing else of the API is on the metrics port.
    expect((await fetch(`${stack.api.metricsUrl!}/api/v1/applications`)).status).toBe(404);
  });

  it('keeps serving the other metrics when the database does not answer', async () => {
    const unreachable = createDb('postgresql://nobody:nothing@127.0.0.1:1/none');
    const restore = observeDatabase(unreachable, logger, 1000);
    try {
      const { res, samples } = await scrape();
      expect(res.status).toBe(200);
      expect(samples.some((s) => s.name === 'subsidy_applications')).toBe(false);
      expect(samples.some((s) => s.name === 'http_request_duration_seconds_count')).toBe(true);
      expect(lines).toContainEqual(
        expect.objectContaining({ level: 40, msg: 'metrics: database figures skipped in this scrape' }),
      );
    } finally {
      restore();
      await unreachable.$disconnect();
    }
    const { samples } = await scrape();
    expect(samples.some((s) => s.name === 'subsidy_applications')).toBe(true);
  });

  it('renders a self-contained HTML reference of the API', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const path of ['/api/v1/applications/{id}', '/api/v1/tasks/{id}/decision', '/api/v1/documents']) {
      expect(html).toContain(`<code>${path}</code>`);
    }
    expect(html).toMatch(/<h2 id="tag-applications">applications<\/h2>/);
    expect(html).toContain('Access: roles: ');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/i);
  });
});
