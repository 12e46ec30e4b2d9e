import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { Caller } from '../domain/roles';
import { defineRoute, type Ctx } from './route';
import { IdParam } from './schemas';
import { visibleApplication } from './scope';
import { updateApplication } from './workflowUpdates';

type Params = z.infer<typeof IdParam>;

/**
 * A route by which an applicant changes its own application (`{id}`) through an update of its workflow:
 * another's application is a 404, the update's refusals answer as their contract names them (409).
 */
export function applicantUpdateRoute<B, In, Ret>(def: {
  method: 'post' | 'put';
  path: string;
  summary: string;
  tag: string;
  response?: z.ZodType;
  body: z.ZodType<B>;
  errors: number[];
  update: UpdateDefinition<Ret, [In]>;
  input: (body: B, actor: Caller) => In;
  /** What must hold before the update is sent (thrown as an HttpError otherwise). */
  check?: (app: { id: string; creditCode: string }, ctx: Ctx<Params, unknown, B>) => Promise<void>;
  reply: (applicationId: string, result: Ret) => unknown;
}) {
  const { update, input, check, reply, ...route } = def;
  return defineRoute<Params, unknown, B>({
    ...route,
    access: ['applicant'],
    params: IdParam,
    async handler(ctx) {
      const app = await visibleApplication(ctx.deps.db, ctx.params.id, ctx.actor!);
      await check?.(app, ctx);
      const result = await updateApplication(ctx.deps.temporal, app.id, update, [
        input(ctx.body, ctx.actor!),
      ]);
      return { body: reply(app.id, result) };
    },
  });
}
