import express, { type Router } from 'express';
import { z } from 'zod';

/**
 * `GET` and `PUT /behaviour` of a simulated service: the current failure switch, and a new one made from the
 * body by `from` (the body is parsed as `body`, so issue paths read `body.mode`).
 */
export function behaviourRoutes<S extends object, B>(
  behaviour: S,
  schema: z.ZodType<B>,
  from: (body: B) => S,
): Router {
  const router = express.Router();
  router.get('/behaviour', (_req, res) => {
    res.json(behaviour);
  });
  router.put('/behaviour', (req, res) => {
    const { body } = z.object({ body: schema }).parse({ body: req.body as unknown });
    Object.assign(behaviour, from(body));
    res.json(behaviour);
  });
  return router;
}
