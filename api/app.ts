import { randomUUID } from 'node:crypto';
import helmet from 'helmet';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import { version } from '../package.json';
import type { Logger } from '../platform/logger';
import { runInRequest } from '../platform/requestContext';
import { httpRequestDuration, UNMATCHED_ROUTE } from '../platform/metrics';
import { applicationWorkflowId } from '../workflows/application/contract';
import type { ApiDeps } from './deps';
import { renderDocsPage } from './docsPage';
import { mountWeb } from './web';
import { errorHandler, unknownRoute } from './errors';
import { buildOpenApi } from './openapi';
import { mountRoutes, type AnyRoute } from './route';
import { applicationRoutes } from './routes/applications';
import { authRoutes } from './routes/auth';
import { documentRoutes } from './routes/documents';
import { programRoutes } from './routes/programs';
import { enterpriseRoutes } from './routes/enterprises';
import { evaluationRoutes } from './routes/evaluation';
import { metaRoutes } from './routes/meta';
import { searchRoutes } from './routes/search';
import { mountHealth } from './routes/health';
import { adminRoutes } from './routes/admin';
import { auditRoutes } from './routes/audit';
import { bankRoutes } from './routes/banks';
import { budgetRoutes } from './routes/budgets';
import { calculatorRoutes } from './routes/calculator';
import { calendarRoutes } from './routes/calendar';
import { codecRoutes, mountCodecCors } from './routes/codec';
import { campaignLinkRoutes } from './routes/campaignLinks';
import { campaignRoutes } from './routes/campaigns';
import { noticeRoutes } from './routes/notices';
import { paymentRoutes } from './routes/payments';
import { payeeRoutes } from './routes/payees';
import { recoveryRoutes } from './routes/recoveries';
import { riskRoutes } from './routes/risk';
import { siteVisitRoutes } from './routes/siteVisits';
import { reportRoutes } from './routes/report';
import { staffRoutes } from './routes/staff';
import { surveyRoutes } from './routes/surveys';
import { taskRoutes } from './routes/tasks';

export const ROUTES: AnyRoute[] = [
  ...metaRoutes,
  ...authRoutes,
  ...enterpriseRoutes,
  ...programRoutes,
  ...documentRoutes,
  ...applicationRoutes,
  ...taskRoutes,
  ...staffRoutes,
  ...budgetRoutes,
  ...payeeRoutes,
  ...recoveryRoutes,
  ...riskRoutes,
  ...siteVisitRoutes,
  ...auditRoutes,
  ...noticeRoutes,
  ...evaluationRoutes,
  ...reportRoutes,
  ...paymentRoutes,
  ...surveyRoutes,
  ...bankRoutes,
  ...adminRoutes,
  ...calculatorRoutes,
  ...calendarRoutes,
  ...campaignRoutes,
  ...campaignLinkRoutes,
  ...searchRoutes,
  ...codecRoutes,
];

/** The route template of a request (`/api/v1/applications/{id}`), never its raw URL (ids, tokens). */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}`.replace(/:(\w+)/g, '{$1}') : UNMATCHED_ROUTE;
}

/** The application a request is about, once known: every line logged while serving it carries it. */
const requestContext = new WeakMap<Request, { applicationId: string; workflowId: string }>();

function bindApplication(req: Request, applicationId: string): void {
  const context = { applicationId, workflowId: applicationWorkflowId(applicationId) };
  requestContext.set(req, context);
  req.log = req.log.child(context);
}

/** Probes are frequent and say nothing: no access-log line for them (scrapes go to the metrics port). */
const QUIET_PATHS = new Set(['/healthz', '/readyz']);
const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** One JSON line per request (id, method, route, status, latency); never headers or bodies. */
function accessLog(logger: Logger) {
  const line = (req: Request, res: Response, val: { responseTime?: number }) => ({
    method: req.method,
    route: routeOf(req),
    status: res.statusCode,
    durationMs: val.responseTime,
  });
  return pinoHttp<Request, Response>({
    logger,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    // pino-http binds the whole request to a logger it keeps; make that the id only, never the headers.
    serializers: { req: (req: { id?: unknown }) => ({ id: req.id }) },
    genReqId: (req, res) => {
      const incoming = req.header('x-request-id');
      const id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    autoLogging: { ignore: (req) => QUIET_PATHS.has(req.path) },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customProps: (req) => requestContext.get(req) ?? {},
    customSuccessObject: (req, res, val: { responseTime?: number }) => line(req, res, val),
    customErrorObject: (req, res, _err, val: { responseTime?: number }) => line(req, res, val),
  });
}

/** Who may call each route, for the documentation page. */
function accessOf(routes: AnyRoute[]) {
  const byOperation = new Map(
    routes.map((r) => [
      `${r.method} ${r.path}`,
      r.access === 'public'
        ? 'public'
        : r.access === 'authenticated'
          ? 'any signed-in caller'
          : `roles: ${r.access.join(', ')}`,
    ]),
  );
  return (method: string, path: string) => byOperation.get(`${method} ${path}`);
}

/** Builds the HTTP app; `api/main.ts` (or the launcher) listens. */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Security headers on every answer. The JSON API needs no content at all; the console and the API page
  // set their own, narrower-than-default policies.
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.set('trust proxy', 'loopback');
  app.use((req, res, next) => {
    const end = httpRequestDuration.startTimer();
    res.once('finish', () =>
      end({ method: req.method, route: routeOf(req), status_code: String(res.statusCode) }),
    );
    next();
  });
  app.use(accessLog(deps.logger));
  // Every line logged while serving the request carries its id, through deps.logger too (platform/logger.ts).
  app.use((req, _res, next) => runInRequest({ requestId: req.id as string }, next));
  // Routes about one application (and tasks, which belong to one) put it on the request's logger.
  app.param('id', (req, _res, next, id: string) => {
    const route = routeOf(req);
    if (route.startsWith('/api/v1/applications/{id}')) {
      bindApplication(req, id);
      next();
    } else if (route.startsWith('/api/v1/tasks/{id}')) {
      void deps.db.task
        .findUnique({ where: { id }, select: { applicationId: true } })
        .then((task) => task && bindApplication(req, task.applicationId))
        .catch(() => undefined) // the handler answers for a missing task or an unavailable database
        .finally(() => next());
    } else {
      next();
    }
  });
  // Each route reads its own body (JSON, multipart, or signed bytes): see mountRoutes.
  mountHealth(app, deps);
  const openapi = buildOpenApi(ROUTES, { version, serverUrl: deps.config.http.publicBaseUrl });
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  const docs = renderDocsPage(openapi, accessOf(ROUTES));
  app.get('/api/v1/docs', (_req, res) => {
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.type('html').send(docs);
  });
  mountCodecCors(app, deps.config);
  mountRoutes(app, ROUTES, deps);
  mountWeb(app);
  app.use(unknownRoute);
  const handleError: ErrorRequestHandler = (err, req, res, next) =>
    errorHandler(req.log ?? deps.logger)(err, req, res, next);
  app.use(handleError);
  return app;
}
