import express, { type Express } from 'express';
import { version } from '../package.json';
import type { ApiDeps, RawBodyRequest } from './deps';
import { errorHandler, unknownRoute } from './errors';
import { buildOpenApi } from './openapi';
import { mountRoutes, type AnyRoute } from './route';
import { applicationRoutes } from './routes/applications';
import { authRoutes } from './routes/auth';
import { documentRoutes } from './routes/documents';
import { programRoutes } from './routes/programs';
import { enterpriseRoutes } from './routes/enterprises';
import { mountHealth } from './routes/health';
import { bankRoutes } from './routes/banks';
import { budgetRoutes } from './routes/budgets';
import { noticeRoutes } from './routes/notices';
import { paymentRoutes } from './routes/payments';
import { staffRoutes } from './routes/staff';
import { surveyRoutes } from './routes/surveys';
import { taskRoutes } from './routes/tasks';

export const ROUTES: AnyRoute[] = [
  ...authRoutes,
  ...enterpriseRoutes,
  ...programRoutes,
  ...documentRoutes,
  ...applicationRoutes,
  ...taskRoutes,
  ...staffRoutes,
  ...budgetRoutes,
  ...noticeRoutes,
  ...paymentRoutes,
  ...surveyRoutes,
  ...bankRoutes,
];

/** Builds the HTTP app; `api/main.ts` (or the launcher) listens. */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    express.json({
      limit: deps.config.http.bodyLimitBytes,
      strict: true,
      // Signed callbacks are verified over the exact bytes received.
      verify: (req, _res, buf) => {
        (req as RawBodyRequest).rawBody = buf;
      },
    }),
  );
  mountHealth(app, deps);
  const openapi = buildOpenApi(ROUTES, { version, serverUrl: deps.config.http.publicBaseUrl });
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  mountRoutes(app, ROUTES, deps);
  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
