import type { z } from 'zod';

interface ServiceErrorOptions {
  status?: number;
  /** The service's own error code, when its error answer names one. */
  code?: string;
  cause?: unknown;
}

/** A failed call to an outside service: which service, its HTTP status and its own error code if any. */
abstract class OutsideServiceError extends Error {
  readonly service: string;
  readonly status?: number;
  /** The `error.code` of the service's answer, e.g. `IDEMPOTENCY_CONFLICT`. */
  readonly code?: string;

  constructor(service: string, message: string, options: ServiceErrorOptions = {}) {
    super(`${service}: ${message}`, { cause: options.cause });
    this.service = service;
    if (options.status !== undefined) this.status = options.status;
    if (options.code !== undefined) this.code = options.code;
  }
}

/** A transient failure of an outside service (timeout, unreachable, HTTP 5xx or 429): try again later. */
export class RetryableServiceError extends OutsideServiceError {
  override readonly name = 'RetryableServiceError';
}

/** A definitive failure of an outside service (a 4xx other than 404, a malformed answer): retrying won't help. */
export class ServiceError extends OutsideServiceError {
  override readonly name = 'ServiceError';
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

// Duck-typed, not instanceof: fetch's errors may come from another realm (undici, test sandboxes).
const asErrorLike = (value: unknown): ErrorLike => (typeof value === 'object' && value !== null ? value : {});

function transportFailure(service: string, err: unknown, timeoutMs: number): RetryableServiceError {
  const error = asErrorLike(err);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') {
    return new RetryableServiceError(service, `no answer within ${timeoutMs} ms`, { cause: err });
  }
  // undici reports refused/reset connections as `TypeError: fetch failed` with the socket error as cause.
  const cause = asErrorLike(error.cause);
  const reason = [cause.code, cause.message, error.message].find((r) => typeof r === 'string') ?? String(err);
  return new RetryableServiceError(service, `unreachable (${String(reason)})`, { cause: err });
}

function describeIssues(error: z.ZodError): string {
  const shown = error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  const more = error.issues.length > shown.length ? ` (+${error.issues.length - shown.length} more)` : '';
  return shown.join('; ') + more;
}

/** `{error: {code, message}}`, the error shape of the services, read loosely from an error answer. */
function errorBodyOf(text: string): { code?: string; message?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return {
    code: typeof error?.code === 'string' ? error.code : undefined,
    message: typeof error?.message === 'string' ? error.message.slice(0, 300) : undefined,
  };
}

/** A non-2xx answer as an error: RetryableServiceError for 5xx and 429, ServiceError for the rest. */
async function httpFailure(service: string, res: Response): Promise<RetryableServiceError | ServiceError> {
  const { status } = res;
  // Read to the end (undici reuses the connection then); a body that cannot be read names no code.
  const { code, message } = errorBodyOf(await res.text().catch(() => ''));
  const text = `answered HTTP ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  if (status === 429 || status >= 500) return new RetryableServiceError(service, text, { status, code });
  return new ServiceError(service, text, { status, code });
}

/** One JSON exchange with an outside service; `undefined` stands for a 404 the caller accepts. */
async function exchange<T>(
  service: string,
  url: string,
  init: { method: 'GET' | 'POST'; body?: unknown },
  schema: z.ZodType<T>,
  timeoutMs: number,
  acceptNotFound: boolean,
): Promise<{ data: T } | undefined> {
  // One signal covers both the headers and the body: a service that stalls mid-body also times out.
  const signal = AbortSignal.timeout(timeoutMs);
  let text: string;
  let status: number;
  try {
    const res = await fetch(url, {
      method: init.method,
      headers:
        init.body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal,
    });
    status = res.status;
    if (!res.ok) {
      if (status === 404 && acceptNotFound) {
        await res.body?.cancel().catch(() => undefined);
        return undefined;
      }
      throw await httpFailure(service, res);
    }
    text = await res.text();
  } catch (err) {
    if (err instanceof RetryableServiceError || err instanceof ServiceError) throw err;
    throw transportFailure(service, err, timeoutMs);
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ServiceError(service, 'answered with a body that is not JSON', { status, cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ServiceError(service, `answered with a malformed body: ${describeIssues(parsed.error)}`, {
      status,
      cause: parsed.error,
    });
  }
  return { data: parsed.data };
}

/**
 * GETs one resource of an outside service and classifies every way that can fail: null for 404,
 * RetryableServiceError for what may pass (network, timeout, 5xx, 429), ServiceError for the rest.
 */
export async function getJson<T>(
  service: string,
  url: string,
  schema: z.ZodType<T>,
  timeoutMs: number,
): Promise<T | null> {
  const answer = await exchange(service, url, { method: 'GET' }, schema, timeoutMs, true);
  return answer ? answer.data : null;
}

/**
 * GETs the resource `asked` names (getJson's classes of failure) and refuses, as a ServiceError, an answer that
 * names another: it would be recorded as the one asked for. `noun` words the refusal ("answered payment …").
 */
export async function getNamedJson<T>(
  service: string,
  url: string,
  schema: z.ZodType<T>,
  timeoutMs: number,
  check: { asked: string; named(answer: T): string; noun?: string },
): Promise<T | null> {
  const answer = await getJson(service, url, schema, timeoutMs);
  if (answer !== null && check.named(answer) !== check.asked) {
    throw new ServiceError(
      service,
      `answered ${check.noun ?? 'for'} ${check.named(answer)} when asked for ${check.asked}`,
      { status: 200 },
    );
  }
  return answer;
}

/**
 * POSTs `body` as JSON and parses the answer with `schema`, classifying failures like getJson except
 * that a 404 is a ServiceError too. Only for requests that are safe to repeat (idempotent by a key):
 * a timeout leaves it unknown whether the service acted.
 */
export async function postJson<T>(
  service: string,
  url: string,
  body: unknown,
  schema: z.ZodType<T>,
  timeoutMs: number,
): Promise<T> {
  const answer = await exchange(service, url, { method: 'POST', body }, schema, timeoutMs, false);
  // exchange answers undefined only for an accepted 404, which POST never accepts.
  if (!answer) throw new ServiceError(service, 'answered HTTP 404', { status: 404 });
  return answer.data;
}
