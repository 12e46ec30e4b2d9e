import { isGrpcServiceError } from '@temporalio/client';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { Prisma } from '../data/db';
import type { Logger } from '../platform/logger';
import { localize, requestLang } from './i18n';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An error with its HTTP status and the `{error: {code, message, details}}` body of API.md. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Response headers that go with it (e.g. Retry-After on a 503). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'your role may not do this') => new HttpError(403, 'FORBIDDEN', message);
export const conflict = (code: string, message: string) => new HttpError(409, code, message);
export const unprocessable = (code: string, message: string, details: ErrorDetail[] = []) =>
  new HttpError(422, code, message, details);

export function validationError(
  error: z.ZodError,
  location: 'body' | 'query' | 'params' | 'headers',
): HttpError {
  // One entry per bad field, with every reason the field failed; an unknown field is named itself.
  const byPath = new Map<string, string[]>();
  const add = (at: PropertyKey[], message: string) => {
    const path = [location, ...at.map(String)].join('.');
    const messages = byPath.get(path) ?? [];
    if (!messages.includes(message)) messages.push(message);
    byPath.set(path, messages);
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...issue.path, key], 'is not a field of this request');
    } else {
      add(issue.path, issue.message);
    }
  }
  const details = [...byPath].map(([path, messages]) => ({ path, message: messages.join('; ') }));
  return new HttpError(
    400,
    'VALIDATION_FAILED',
    `invalid ${location}: ${details.map((d) => d.path).join(', ')}`,
    details,
  );
}

/** Maps a database error a request could cause to an HTTP error; anything else stays a 500. */
function fromPrisma(err: Prisma.PrismaClientKnownRequestError): HttpError | undefined {
  switch (err.code) {
    case 'P2002':
      return conflict('CONFLICT', 'a record with these values already exists');
    case 'P2025':
      return notFound('record');
    case 'P2000':
      return new HttpError(400, 'VALIDATION_FAILED', 'a value is too long for its field');
    default:
      return undefined;
  }
}

/** Prisma's codes for a database it cannot reach, lost the connection to, or has no connection for. */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** The driver adapter's (@prisma/adapter-pg) kinds of the same, in `meta.driverAdapterError.cause`. */
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
/** SQLSTATEs of a lost connection (08xxx), a server shutting down or starting up (57P01-03), too many clients. */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;

/**
 * A database that is down, restarting or out of connections (a 503 the client may retry), however it
 * surfaces: Prisma 7 reports an unreachable server through its driver adapter as a *known* request error
 * (P1001, or P2010 for raw queries, with the adapter's cause in `meta`), not as an initialization error.
 */
function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientInitializationError) return true;
  const e = err as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } };
  } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (UNAVAILABLE_PRISMA_CODES.has(code) || code === 'ECONNREFUSED' || UNAVAILABLE_SQLSTATE.test(code))
    return true;
  const cause = e?.meta?.driverAdapterError?.cause;
  if (typeof cause?.kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(cause.kind)) return true;
  return (
    cause?.kind === 'postgres' && typeof cause.code === 'string' && UNAVAILABLE_SQLSTATE.test(cause.code)
  );
}

/**
 * gRPC codes of a Temporal service that cannot take the call now (down, restarting, overloaded, or the
 * workflow's task failing until a worker picks it up again): the client may retry, so 503, never 500.
 */
const TEMPORAL_RETRYABLE_GRPC = new Map<number, string>([
  [14 /* UNAVAILABLE */, 'Temporal is unavailable; try again'],
  [4 /* DEADLINE_EXCEEDED */, 'Temporal did not answer in time; try again'],
  [8 /* RESOURCE_EXHAUSTED */, 'Temporal is overloaded; try again'],
  [9 /* FAILED_PRECONDITION */, 'the workflow cannot take this action right now; try again'],
]);

/** The message for a Temporal error (or one it wraps) that means "try again later"; undefined otherwise. */
function temporalUnavailable(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return TEMPORAL_RETRYABLE_GRPC.get(e.code);
  }
  return undefined;
}

interface BodyParserError {
  type?: string;
  status?: number;
}

export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof z.ZodError) return validationError(err, 'body');
  const bp = err as BodyParserError;
  if (bp?.type === 'entity.too.large')
    return new HttpError(413, 'PAYLOAD_TOO_LARGE', 'request body is too large');
  if (bp?.type === 'entity.parse.failed')
    return new HttpError(400, 'INVALID_JSON', 'request body is not valid JSON');
  if (bp?.type === 'encoding.unsupported' || bp?.type === 'charset.unsupported') {
    return new HttpError(415, 'UNSUPPORTED_ENCODING', 'request body encoding is not supported');
  }
  if (bp?.status && bp.status >= 400 && bp.status < 500 && bp.type) {
    return new HttpError(bp.status, 'BAD_REQUEST', 'request body could not be read');
  }
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE')
      return new HttpError(413, 'FILE_TOO_LARGE', 'the uploaded file is too large');
    return new HttpError(400, 'VALIDATION_FAILED', `invalid upload: ${err.message}`, [
      { path: `body.${err.field ?? 'file'}`, message: err.message },
    ]);
  }
  // Before the known request errors: an unreachable database is one of them (P1001, P2010 ...).
  if (isDatabaseUnavailable(err))
    return new HttpError(503, 'UNAVAILABLE', 'the database is unavailable; try again');
  if (err instanceof Prisma.PrismaClientKnownRequestError) return fromPrisma(err);
  const temporal = temporalUnavailable(err);
  if (temporal) return new HttpError(503, 'UNAVAILABLE', temporal);
  if (err instanceof Prisma.PrismaClientValidationError) {
    return new HttpError(400, 'VALIDATION_FAILED', 'request contains a value the database cannot store');
  }
  return undefined;
}

type Req = Parameters<RequestHandler>[0];
type Res = Parameters<RequestHandler>[1];

/**
 * The error body of API.md in the caller's language (`Accept-Language`, zh-CN by default), with the
 * request id to quote when asking for help.
 */
export function sendError(req: Req, res: Res, e: HttpError) {
  const lang = requestLang(req.header('accept-language'));
  const requestId = res.getHeader('x-request-id');
  res.setHeader('Content-Language', lang === 'zh' ? 'zh-CN' : 'en');
  return res
    .status(e.status)
    .set(e.headers)
    .json({
      error: {
        code: e.code,
        message: localize(e.message, lang),
        details: e.details.map((d) => ({ path: d.path, message: localize(d.message, lang) })),
        ...(typeof requestId === 'string' ? { requestId } : {}),
      },
    });
}

/** The route a request matched, never its URL (which may carry survey tokens or ids). */
function routeTemplate(req: Parameters<ErrorRequestHandler>[1]): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : '(unmatched)';
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = toHttpError(err);
    if (known) {
      if (known.status >= 500) logger.warn({ err, route: routeTemplate(req) }, known.message);
      sendError(req, res, known);
      return;
    }
    logger.error({ err, method: req.method, route: routeTemplate(req) }, 'unhandled error');
    if (res.headersSent) return;
    sendError(req, res, new HttpError(500, 'INTERNAL', 'internal error'));
  };
}

export const unknownRoute: RequestHandler = (req, res) =>
  sendError(req, res, new HttpError(404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`));
