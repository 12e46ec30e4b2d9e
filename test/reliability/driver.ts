/**
 * The scripted client of the reliability tests: an applicant, a reviewer and an approver acting through one
 * or more API base URLs, each step retried the way a careful client retries (same Idempotency-Key for a
 * submission or a decision, a claim checked before it is repeated), with every non-2xx answer counted.
 */
import type { Client as TemporalClient } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { REQUIRED_DOCUMENTS } from '../../domain/documents';
import { enterpriseBody } from '../helpers/fixtures';
import { PDF, policyFacts, registryFacts, type Applicant } from '../helpers/world';
import { ApiClient, type HttpResult } from '../helpers/stack';
import type { Db } from '../../services/db';
import { applicationWorkflowId } from '../../workflows/application/contract';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What an answer handler returns to have the request sent again. */
export const RETRY = Symbol('retry');

/** What the client saw besides success: answers by status (and transport errors), and retries. */
export class Observed {
  readonly statuses = new Map<string, number>();
  retries = 0;
  note(what: string): void {
    this.statuses.set(what, (this.statuses.get(what) ?? 0) + 1);
  }
  summary(): string {
    return [...this.statuses]
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  }
}

export interface Caller {
  role: string;
  subject: string;
  org?: string;
  creditCode?: string;
}

export interface DriverOptions {
  /** API base URLs; a step's `api` index is taken modulo their number. */
  apis: string[];
  simulatorUrl: string;
  /** Give up on one step after this long (default 120 s). */
  stepTimeoutMs?: number;
  /** Timeout of one HTTP request (default 30 s). */
  requestTimeoutMs?: number;
  /** An absolute time (ms since the epoch) after which no step is retried or waited for any more. */
  deadline?: number;
}

/**
 * One HTTP request with a timeout; a transport error becomes a pseudo status (`ECONNREFUSED`, `TIMEOUT`...)
 * so that the caller can decide to retry.
 */
async function request(
  baseUrl: string,
  token: string | undefined,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<HttpResult | { status: string }> {
  try {
    const isForm = body instanceof FormData;
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    if (e.name === 'TimeoutError') return { status: 'TIMEOUT' };
    return { status: e.cause?.code ?? e.name ?? 'ERROR' };
  }
}

const transient = (status: number | string) =>
  typeof status === 'string' || status === 500 || status === 502 || status === 503 || status === 504;

export class Driver {
  readonly observed = new Observed();
  private readonly tokens = new Map<string, string>();
  constructor(readonly opts: DriverOptions) {}

  private base(api: number): string {
    return this.opts.apis[api % this.opts.apis.length]!;
  }

  /**
   * Sends until `done` accepts the answer (it may also throw to fail at once, or return RETRY); transport
   * errors and 5xx are retried (the same request, so the same Idempotency-Key). A `body` that is a function
   * is called for each attempt (a multipart body cannot be sent twice).
   */
  async send<T>(
    what: string,
    api: number,
    token: string | undefined,
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    done: (r: HttpResult) => T | typeof RETRY | Promise<T | typeof RETRY>,
  ): Promise<T> {
    const deadline = Math.min(
      Date.now() + (this.opts.stepTimeoutMs ?? 120_000),
      this.opts.deadline ?? Infinity,
    );
    let last = '';
    for (let attempt = 0; ; attempt++) {
      const r = await request(
        this.base(api + attempt), // a retry may go to the other API, as behind a load balancer
        token,
        method,
        path,
        typeof body === 'function' ? (body as () => unknown)() : body,
        headers,
        this.opts.requestTimeoutMs ?? 30_000,
      );
      if (!(typeof r.status === 'number' && r.status < 300)) this.observed.note(`${what}:${r.status}`);
      if (!transient(r.status)) {
        const outcome = await done(r as HttpResult);
        if (outcome !== RETRY) return outcome;
      }
      last = `${r.status} ${JSON.stringify((r as HttpResult).body ?? '').slice(0, 300)}`;
      if (Date.now() > deadline)
        throw new Error(`${what}: gave up after ${attempt + 1} attempts; last ${last}`);
      this.observed.retries += 1;
      await sleep(Math.min(250 * 2 ** Math.min(attempt, 4), 3000));
    }
  }

  /** A bearer token for the caller, from the dev-token endpoint (cached). */
  async token(caller: Caller, api = 0): Promise<string> {
    const key = JSON.stringify(caller);
    const cached = this.tokens.get(key);
    if (cached) return cached;
    const token = await this.send(
      'dev-token',
      api,
      undefined,
      'POST',
      '/api/v1/auth/dev-token',
      caller,
      {},
      (r) => (r.status === 200 ? (r.body as { token: string }).token : fail('dev-token', r)),
    );
    this.tokens.set(key, token);
    return token;
  }

  private async simulator(method: 'PUT', path: string, body: unknown): Promise<void> {
    const res = await fetch(`${this.opts.simulatorUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${await res.text()}`);
  }

  /** An inclusive-track enterprise known to the registry, registered by its applicant. */
  async newApplicant(code: string, api: number): Promise<Applicant & { token: string }> {
    const registry = registryFacts(code, 'INCLUSIVE');
    await this.simulator('PUT', `/sim/registry/enterprises/${code}`, registry);
    const token = await this.token({ role: 'applicant', subject: `owner-${code}`, creditCode: code }, api);
    const email = `owner-${code.toLowerCase()}@example.com`;
    const body = enterpriseBody({
      contactEmail: email,
      size: registry.size,
      mainField: registry.mainField,
      techSmeValidUntil: registry.techSme?.validUntil,
    });
    await this.send('register enterprise', api, token, 'PUT', `/api/v1/enterprises/${code}`, body, {}, (r) =>
      r.status === 200 || r.status === 201 ? undefined : fail('register enterprise', r),
    );
    return { code, email, token, client: new ApiClient(this.base(api), token) };
  }

  /**
   * Records the policy at the insurer, uploads the documents and submits with an Idempotency-Key (a
   * retried submission never creates a second application). Returns the application id.
   */
  async submit(a: Applicant & { token: string }, api: number): Promise<string> {
    const policy = policyFacts(a, 'INCLUSIVE');
    const { insurerCode, policyNumber, creditCode: holder, ...rest } = policy;
    await this.simulator('PUT', `/sim/insurer/policies/${insurerCode}/${encodeURIComponent(policyNumber)}`, {
      creditCode: holder,
      ...rest,
    });
    const ids: string[] = [];
    for (const type of REQUIRED_DOCUMENTS.INCLUSIVE) {
      const form = () => {
        const f = new FormData();
        f.append('type', type);
        f.append('file', new Blob([PDF]), `${type}.pdf`);
        return f;
      };
      ids.push(
        await this.send('upload', api, a.token, 'POST', '/api/v1/documents', form, {}, (r) =>
          r.status === 201 ? (r.body as { id: string }).id : fail('upload', r),
        ),
      );
    }
    const { creditCode: _holder, ...declared } = policy;
    const key = `submit-${randomBytes(8).toString('hex')}`;
    return this.send(
      'submit',
      api,
      a.token,
      'POST',
      '/api/v1/applications',
      { creditCode: a.code, track: 'INCLUSIVE', policy: declared, documents: ids },
      { 'idempotency-key': key },
      (r) => {
        if (r.status === 201) return (r.body as { id: string }).id;
        if (r.status === 409 && (r.body as ErrorBody)?.error?.code === 'IDEMPOTENCY_IN_PROGRESS')
          return RETRY;
        return fail('submit', r);
      },
    );
  }

  /**
   * Waits for the application's open task of `queue`, claims it and approves it as `caller`. A claim whose
   * answer was lost is recognised (the task is then ours); the decision carries an Idempotency-Key, so a
   * repeated one is the same workflow update. Returns the status the decision led to.
   */
  async approveTask(
    applicationId: string,
    queue: 'initial-review' | 'final-approval',
    caller: Caller,
    api: number,
    waitMs = this.opts.stepTimeoutMs ?? 120_000,
  ): Promise<string> {
    const token = await this.token(caller, api);
    const deadline = Math.min(Date.now() + waitMs, this.opts.deadline ?? Infinity);
    let task: { id: string; state: string; assignee: string | null } | undefined;
    for (;;) {
      task = await this.send(
        'list tasks',
        api,
        token,
        'GET',
        `/api/v1/tasks?queue=${queue}&applicationId=${encodeURIComponent(applicationId)}`,
        undefined,
        {},
        (r) =>
          r.status === 200
            ? (r.body as { items: { id: string; state: string; assignee: string | null }[] }).items[0]
            : fail('list tasks', r),
      );
      if (task) break;
      if (Date.now() > deadline) throw new Error(`no ${queue} task for ${applicationId} within ${waitMs} ms`);
      await sleep(750);
    }
    const taskId = task.id;
    if (task.assignee !== caller.subject) {
      await this.send('claim', api, token, 'POST', `/api/v1/tasks/${taskId}/claim`, {}, {}, (r) => {
        if (r.status === 200) return undefined;
        if (r.status === 409) return this.claimedBy(taskId, token, api, caller.subject);
        return fail('claim', r);
      });
    }
    const key = `decide-${randomBytes(8).toString('hex')}`;
    return this.send(
      'decision',
      api,
      token,
      'POST',
      `/api/v1/tasks/${taskId}/decision`,
      { decision: 'approve', comment: 'reliability run' },
      { 'idempotency-key': key },
      (r) => {
        if (r.status === 200) return (r.body as { status: string }).status;
        return fail('decision', r);
      },
    );
  }

  /** After a 409 on claim: fine if the task is ours (an earlier attempt claimed it), else try again. */
  private async claimedBy(taskId: string, token: string, api: number, subject: string) {
    const view = await this.send(
      'read task',
      api,
      token,
      'GET',
      `/api/v1/tasks/${taskId}`,
      undefined,
      {},
      (r) =>
        r.status === 200 ? (r.body as { assignee: string | null; state: string }) : fail('read task', r),
    );
    if (view.assignee === subject) return undefined;
    if (view.state === 'open') return RETRY; // a projection a step behind the workflow
    throw new Error(`task ${taskId} is ${view.state}, claimed by ${view.assignee}`);
  }

  /** Publishes the approved backlog for public notice; returns how many grants the batch holds. */
  async publish(admin: Caller, api: number): Promise<number> {
    const token = await this.token(admin, api);
    return this.send('publish', api, token, 'POST', '/api/v1/admin/notices/publish', {}, {}, (r) =>
      r.status === 201 || r.status === 200 ? ((r.body as { count?: number }).count ?? 0) : fail('publish', r),
    );
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

function fail(what: string, r: HttpResult): never {
  throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
}

/**
 * Where each of the given applications' workflows stands (for the failure message of a run that did not
 * finish): its status, pending workflow task and activities, and the last events of its history.
 */
export async function explain(temporal: TemporalClient, ids: string[], limit = 5): Promise<string> {
  const lines: string[] = [];
  for (const id of ids.slice(0, limit)) {
    try {
      const handle = temporal.workflow.getHandle(applicationWorkflowId(id));
      const d = await handle.describe();
      const wft = d.raw.pendingWorkflowTask;
      const acts = (d.raw.pendingActivities ?? []).map(
        (a) => `${a.activityType?.name} attempt ${a.attempt} ${a.lastFailure?.message ?? ''}`,
      );
      const history = await handle.fetchHistory();
      const events = history.events ?? [];
      const wftTimeouts = events.filter((e) => e.workflowTaskTimedOutEventAttributes).length;
      const wftFailures = events.filter((e) => e.workflowTaskFailedEventAttributes).length;
      const last = events.slice(-12).map((e) => {
        const attrs = Object.keys(e).find((k) => k.endsWith('EventAttributes') && e[k as keyof typeof e]);
        const at = e.eventTime?.seconds
          ? new Date(Number(e.eventTime.seconds) * 1000).toISOString().slice(11, 19)
          : '';
        const detail =
          e.workflowTaskStartedEventAttributes?.identity ??
          e.workflowTaskTimedOutEventAttributes?.timeoutType ??
          e.workflowTaskFailedEventAttributes?.failure?.message ??
          e.activityTaskScheduledEventAttributes?.activityType?.name ??
          e.workflowExecutionSignaledEventAttributes?.signalName ??
          '';
        return `${String(e.eventId)}@${at}:${(attrs ?? '?').replace(/EventAttributes$/, '')}${detail ? `(${String(detail)})` : ''}`;
      });
      lines.push(
        `${id}: ${d.status.name}; workflow task ${wft ? `pending attempt ${wft.attempt}` : 'none'}; ` +
          `activities [${acts.join('; ')}]; workflow task timeouts ${wftTimeouts}, failures ${wftFailures}; ` +
          `last events ${last.join(' ')}`,
      );
    } catch (err) {
      lines.push(`${id}: ${String(err)}`);
    }
  }
  return lines.join('\n');
}

/** Workflow-task timeouts and failures in the applications' histories (a killed worker leaves timeouts). */
export async function historyFigures(
  temporal: TemporalClient,
  ids: string[],
): Promise<{ wftTimeouts: number; wftFailures: number; longestTimeoutRun: number; worst: string }> {
  const figures = { wftTimeouts: 0, wftFailures: 0, longestTimeoutRun: 0, worst: '' };
  for (let i = 0; i < ids.length; i += 10) {
    await Promise.all(
      ids.slice(i, i + 10).map(async (id) => {
        const history = await temporal.workflow.getHandle(applicationWorkflowId(id)).fetchHistory();
        let run = 0;
        for (const e of history.events ?? []) {
          if (e.workflowTaskFailedEventAttributes) figures.wftFailures += 1;
          if (e.workflowTaskTimedOutEventAttributes) {
            figures.wftTimeouts += 1;
            run += 1;
            if (run > figures.longestTimeoutRun)
              Object.assign(figures, { longestTimeoutRun: run, worst: id });
          } else if (e.workflowTaskCompletedEventAttributes) run = 0;
        }
      }),
    );
  }
  return figures;
}

/**
 * How many of the applications are approved and in no notice batch yet: what a publication would take (a
 * publication with nothing to publish would only start one more notice workflow).
 */
export async function awaitingPublication(db: Db, ids: string[]): Promise<number> {
  const approved = await db.application.findMany({
    where: { id: { in: ids }, status: 'APPROVED' },
    select: { id: true },
  });
  if (approved.length === 0) return 0;
  const noticed = await db.noticeItem.count({ where: { applicationId: { in: approved.map((a) => a.id) } } });
  return approved.length - noticed;
}
