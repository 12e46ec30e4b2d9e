import type { z } from 'zod';
import type { Db } from '../data/db';
import { defineRoute, type RouteDef } from './route';

type Year = { year: number };

/** `GET` of one year's view (a programme, a budget, a calendar year), read as it is now. */
export function yearViewRoute(
  def: Omit<RouteDef<Year>, 'method' | 'params' | 'handler'> & {
    params: z.ZodType<Year>;
    read: (db: Db, year: number) => Promise<unknown>;
  },
) {
  const { read, ...route } = def;
  return defineRoute<Year, unknown, unknown>({
    ...route,
    method: 'get',
    async handler({ params, deps }) {
      return { body: await read(deps.db, params.year) };
    },
  });
}
