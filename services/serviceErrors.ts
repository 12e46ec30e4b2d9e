import type { z } from 'zod';

interface ServiceErrorOptions {
  status?: number;
  cause?: unknown;
}

/** A transient failure of an outside service (timeout, unreachable, HTTP 5xx or 429): try again later. */
export class RetryableServiceError extends Error {
  override readonly name = 'RetryableServiceError';
  readonly service: string;
  readonly status?: number;

  constructor(service: string, message: string, options: ServiceErrorOptions = {}) {
    super(`${service}: ${message}`, { cause: options.cause });
    this.service = service;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** A definitive failure of an outside service (a 4xx other than 404, a malformed answer): retrying won't help. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly service: string;
  readonly status?: number;

  constructor(service: string, message: string, options: ServiceErrorOptions = {}) {
    super(`${service}: ${message}`, { cause: options.cause });
    this.service = service;
    if (options.status !== undefined) this.status = options.status;
  }
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
  // One signal covers both the headers and the body: a service that stalls mid-body also times out.
  const signal = AbortSignal.timeout(timeoutMs);
  let text: string;
  let status: number;
  try {
    const res = await fetch(url, { headers: { accept: 'application/json' }, signal });
    status = res.status;
    if (!res.ok) {
      // Consume the body so undici can reuse the connection.
      await res.body?.cancel().catch(() => undefined);
      if (status === 404) return null;
      if (status === 429 || status >= 500) {
        throw new RetryableServiceError(service, `answered HTTP ${status}`, { status });
      }
      throw new ServiceError(service, `answered HTTP ${status}`, { status });
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
  return parsed.data;
}
