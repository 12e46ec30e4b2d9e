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

/**
 * The body that sets a behaviour: its mode, the wait before each answer, how many calls fail (in the mode that
 * counts them), and the simulator's own fields.
 */
export const behaviourBody = <M extends string, E extends z.ZodRawShape>(
  modes: readonly [M, ...M[]],
  own: E,
) =>
  z.object({
    mode: z.enum(modes),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    failCount: z.number().int().min(1).max(10_000).optional(),
    ...own,
  });

/** Refuses a field of a behaviour body given for a mode other than the one it applies to. */
export function onlyInMode<B extends { mode: string }>(
  body: B,
  ctx: z.RefinementCtx,
  field: keyof B & string,
  mode: B['mode'],
): void {
  if (body[field] !== undefined && body.mode !== mode) {
    ctx.addIssue({ code: 'custom', path: [field], message: `applies only to mode "${mode}"` });
  }
}
