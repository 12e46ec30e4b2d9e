import { createHash } from 'node:crypto';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import rateLimit from 'express-rate-limit';
import multer from 'multer';
import { z } from 'zod';
import type { Caller, Role } from '../domain/roles';
import { bearerToken } from './auth';
import type { ApiDeps } from './deps';
import { forbidden, HttpError, sendError, validationError } from './errors';
import { requestLang, ZOD_ERRORS, type Lang } from './i18n';
import { requireDistrict } from './scope';
import { strictSchema } from './strict';

export interface Ctx<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The caller; null only on public routes called without a token. */
  actor: Caller | null;
  req: Request;
  deps: ApiDeps;
  /** The uploaded file of a multipart route. */
  file?: Express.Multer.File;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as is (CSV, HTML, PDF) instead of JSON. */
  raw?: { contentType: string; data: string | Buffer };
  /**
   * Sent as it is produced (a year's export). The first chunk is awaited before anything is sent, so that an
   * error until then is an ordinary error reply; a later one cuts the download off (never a wrong one).
   */
  stream?: { contentType: string; chunks: AsyncIterable<string> };
}

export type Access = readonly Role[] | 'public' | 'authenticated';

/**
 * One HTTP route: its zod schemas validate the request, give the handler its types, and feed the
 * OpenAPI document. Handlers return a reply; errors are thrown as HttpError.
 */
export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI-style path, e.g. `/api/v1/applications/{id}`. */
  path: string;
  summary: string;
  /** More for the documentation: who sees what, what an anonymous caller gets. */
  description?: string;
  tag: string;
  access: Access;
  /** District-wide figures: a caller of a street office, or of no organisation, is refused (403). */
  districtWide?: boolean;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response?: z.ZodType;
  /** Error statuses the route may answer besides 400/401/403, for the documentation. */
  errors?: number[];
  /** Accepts an `Idempotency-Key` header (POSTs that create something). */
  idempotent?: boolean;
  /**
   * A multipart/form-data route with one file in this field; `body` validates the text fields. The caller is
   * authenticated and authorised before a byte of the upload is read, then `admit` may refuse it (a quota)
   * from what is known before reading (the caller, the declared length).
   */
  upload?: { field: string; admit?(actor: Caller | null, req: Request, deps: ApiDeps): Promise<void> };
  /**
   * A body its sender signs (the payment gateway's callback): read as bytes and given to `verify`, which
   * throws (401) for anything unsigned, forged or stale, before a byte of it is parsed; then parsed as JSON
   * and validated by `body`.
   */
  signedBody?: { verify(raw: Buffer, req: Request, deps: ApiDeps): void };
  /** A public route that takes input: limited per client (PUBLIC_RATE_LIMIT_PER_MINUTE). */
  rateLimited?: boolean;
  /** A caller let in without a token (the embedded Temporal UI under `npm start`); null: a token is needed. */
  trustedCaller?(req: Request, deps: ApiDeps): Caller | null;
  handler(ctx: Ctx<P, Q, B>): Promise<Reply>;
}

export const defineRoute = <P, Q, B>(def: RouteDef<P, Q, B>): RouteDef<P, Q, B> => def;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDef<any, any, any>;

const IdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** The path of the first string holding a NUL character (PostgreSQL text cannot store one), if any. */
function nulPath(value: unknown, path: string[] = [], depth = 0): string[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    const found = nulPath(v, [...path, k], depth + 1);
    if (found) return found;
  }
  return null;
}

function parse<T>(
  schema: z.ZodType<T> | undefined,
  value: unknown,
  where: 'body' | 'query' | 'params',
  lang: Lang,
): T {
  if (!schema) return undefined as T;
  const nul = nulPath(value);
  if (nul) {
    const path = [where, ...nul].join('.');
    throw new HttpError(400, 'VALIDATION_FAILED', `invalid ${where}: ${path}`, [
      { path, message: 'must not contain NUL characters' },
    ]);
  }
  const result = schema.safeParse(value, { error: ZOD_ERRORS[lang] });
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

async function authenticate(req: Request, deps: ApiDeps, def: AnyRoute): Promise<Caller | null> {
  const { access } = def;
  const token = bearerToken(req.header('authorization'));
  if (!token) {
    if (access === 'public') return null;
    const trusted = def.trustedCaller?.(req, deps);
    if (trusted) return trusted;
    throw new HttpError(401, 'UNAUTHORIZED', 'a bearer token is required');
  }
  const actor = await deps.tokens.verify(token);
  if (access !== 'public' && access !== 'authenticated' && !access.includes(actor.role)) throw forbidden();
  return actor;
}

/** Until the client has taken what was written, or has gone. */
const drained = (res: Response) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

async function sendStream(res: Response, reply: Reply & { stream: NonNullable<Reply['stream']> }) {
  const chunks = reply.stream.chunks[Symbol.asyncIterator]();
  try {
    let next = await chunks.next();
    for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
    res.status(reply.status ?? 200).type(reply.stream.contentType);
    while (!next.done) {
      if (res.destroyed) return;
      if (!res.write(next.value)) await drained(res);
      next = await chunks.next();
    }
    res.end();
  } catch (err) {
    if (!res.headersSent) throw err;
    res.destroy(err instanceof Error ? err : new Error(String(err)));
  } finally {
    await chunks.return?.();
  }
}

async function send(res: Response, reply: Reply): Promise<void> {
  if (reply.stream) return sendStream(res, { ...reply, stream: reply.stream });
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
  res.status(reply.status ?? 200);
  if (reply.raw) {
    res.type(reply.raw.contentType).send(reply.raw.data);
  } else if (reply.body === undefined) {
    res.end();
  } else {
    res.json(reply.body);
  }
}

/** Runs the handler at most once per key: the same key and body replay the stored reply. */
async function withIdempotency(
  deps: ApiDeps,
  scope: string,
  key: string,
  body: unknown,
  run: () => Promise<Reply>,
): Promise<Reply> {
  const requestHash = createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('hex');
  const { count } = await deps.db.idempotencyRecord.createMany({
    data: [{ scope, key, requestHash }],
    skipDuplicates: true,
  });
  if (count === 0) {
    const existing = await deps.db.idempotencyRecord.findUniqueOrThrow({
      where: { scope_key: { scope, key } },
    });
    if (existing.requestHash !== requestHash) {
      throw new HttpError(
        409,
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used with a different request body',
      );
    }
    if (existing.responseStatus === null) {
      throw new HttpError(
        409,
        'IDEMPOTENCY_IN_PROGRESS',
        'a request with this Idempotency-Key is still being processed',
      );
    }
    return {
      status: existing.responseStatus,
      body: existing.responseBody,
      headers: { 'Idempotent-Replayed': 'true' },
    };
  }
  try {
    const reply = await run();
    await deps.db.idempotencyRecord.update({
      where: { scope_key: { scope, key } },
      data: { responseStatus: reply.status ?? 200, responseBody: (reply.body ?? null) as object },
    });
    return reply;
  } catch (err) {
    // The request had no effect (or a repeatable one): let the client try again with the same key.
    await deps.db.idempotencyRecord.delete({ where: { scope_key: { scope, key } } }).catch(() => undefined);
    throw err;
  }
}

export const expressPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/** What a route declares no query (or, not a GET, no body) for accepts: nothing, an empty body aside. */
const NO_FIELDS = z.object({});
const NO_BODY = NO_FIELDS.optional();

export interface RequestSchemas {
  params?: z.ZodType;
  query: z.ZodType;
  body?: z.ZodType;
}

const schemasOf = new WeakMap<AnyRoute, RequestSchemas>();

/**
 * The schemas a route's request is validated with (and documented by), every object in them strict: an
 * unknown field is a 400 naming it. A route without a query takes no query parameters, one that is not a GET
 * and has no body takes no fields; a route lets a query through only by declaring it loose (`z.looseObject`).
 */
export function requestSchemas(def: AnyRoute): RequestSchemas {
  let schemas = schemasOf.get(def);
  if (!schemas) {
    schemas = {
      params: def.params && strictSchema(def.params),
      query: strictSchema(def.query ?? NO_FIELDS),
      body: def.body ? strictSchema(def.body) : def.method === 'get' ? undefined : strictSchema(NO_BODY),
    };
    schemasOf.set(def, schemas);
  }
  return schemas;
}

/** The JSON of a signed body, once its signature holds. */
function signedJson(def: AnyRoute, req: Request, deps: ApiDeps): unknown {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  def.signedBody!.verify(raw, req, deps);
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'INVALID_JSON', 'request body is not valid JSON');
  }
}

/** The caller of an upload, authenticated before its body was read. */
const admitted = new WeakMap<Request, Caller | null>();

/**
 * Authenticates and authorises the caller of an upload, and asks the route whether to take it, before multer
 * reads the body into memory: a refused upload is answered at once and its connection closed, unread.
 */
function admitUpload(def: AnyRoute, deps: ApiDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const actor = await authenticate(req, deps, def);
      await def.upload!.admit?.(actor, req, deps);
      admitted.set(req, actor);
      next();
    } catch (err) {
      res.setHeader('Connection', 'close');
      next(err);
    }
  };
}

export function mountRoutes(app: Express, routes: AnyRoute[], deps: ApiDeps): void {
  const uploads = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: deps.config.http.documentMaxBytes, files: 1, fields: 20, fieldSize: 64 * 1024 },
  });
  // One counter per route and client: a flood of objections does not lock a client out of surveys.
  const limiter = () =>
    rateLimit({
      windowMs: 60_000,
      limit: deps.config.http.publicRateLimitPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (req, res) =>
        sendError(req, res, new HttpError(429, 'RATE_LIMITED', 'too many requests; try again in a minute')),
    });
  const limit = deps.config.http.bodyLimitBytes;
  const json = express.json({ limit, strict: true });
  // Any content type: a signed body is checked as the bytes received, whatever it claims to be.
  const raw = express.raw({ limit, type: () => true });
  for (const def of routes) {
    const schemas = requestSchemas(def);
    const middleware: RequestHandler[] = [
      ...(def.rateLimited ? [limiter()] : []),
      ...(def.upload
        ? [admitUpload(def, deps), uploads.single(def.upload.field)]
        : [def.signedBody ? raw : json]),
    ];
    app[def.method](expressPath(def.path), ...middleware, async (req: Request, res: Response) => {
      const actor = def.upload ? (admitted.get(req) ?? null) : await authenticate(req, deps, def);
      const lang = requestLang(req.header('accept-language'));
      const received: unknown = def.signedBody ? signedJson(def, req, deps) : req.body;
      const params: unknown = parse(schemas.params, req.params, 'params', lang);
      const query: unknown = parse(schemas.query, req.query as unknown, 'query', lang);
      const body: unknown = parse(schemas.body, received, 'body', lang);
      if (def.districtWide) requireDistrict(actor!);
      const ctx = { params, query, body, actor, req, deps, file: req.file };
      const header = req.header('idempotency-key');
      if (def.idempotent && header !== undefined) {
        const key = IdempotencyKey.safeParse(header);
        if (!key.success) throw validationError(key.error, 'headers');
        const scope = `${actor?.subject ?? 'public'} ${def.method.toUpperCase()} ${req.path}`;
        await send(res, await withIdempotency(deps, scope, key.data, received, () => def.handler(ctx)));
        return;
      }
      await send(res, await def.handler(ctx));
    });
  }
}
