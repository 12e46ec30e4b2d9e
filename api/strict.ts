import { z } from 'zod';

/**
 * Request schemas are strict in one place, so no route can forget it: every object of a route's params, query
 * and body refuses a key it does not know (zod's `unrecognized_keys`, a 400 naming `body.facts.srdi`), and
 * says so in the OpenAPI document (`additionalProperties: false`). An object that decides for itself keeps its
 * decision: `z.looseObject` (or `.catchall()`) lets unknown keys through, which a route chooses knowingly.
 * Answers from outside services are parsed elsewhere and stay tolerant.
 */
type Def = Record<string, unknown> & { type: string };
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

const made = new WeakMap<z.ZodType, z.ZodType>();

/** A copy of `s` with a new definition; its description and other metadata go with it. */
function withDef(s: z.ZodType, def: Def): z.ZodType {
  const copy = z.core.clone(s as never, def as never) as unknown as z.ZodType;
  const meta = z.globalRegistry.get(s);
  if (meta) z.globalRegistry.add(copy, meta);
  return copy;
}

/** The schema with every object in it strict; the same instance when there is no object to make strict. */
export function strictSchema<T extends z.ZodType>(schema: T): T {
  return strict(schema) as T;
}

function strict(s: z.ZodType): z.ZodType {
  const known = made.get(s);
  if (known) return known;
  const def = defOf(s);
  let changed: Def | null = null;
  const sub = (key: string) => {
    const inner = def[key] as z.ZodType | undefined;
    if (!inner) return;
    const next = strict(inner);
    if (next !== inner) changed = { ...(changed ?? def), [key]: next };
  };
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const strictShape = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, strict(v)]));
      const catchall = def.catchall as z.ZodType | undefined;
      if (catchall === undefined || Object.keys(shape).some((k) => strictShape[k] !== shape[k]))
        changed = { ...def, shape: strictShape, catchall: catchall ?? z.never() };
      break;
    }
    case 'array':
      sub('element');
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'catch':
    case 'readonly':
      sub('innerType');
      break;
    case 'pipe':
      sub('in');
      sub('out');
      break;
    case 'record':
      sub('valueType');
      break;
    case 'union': {
      const options = def.options as z.ZodType[];
      const next = options.map(strict);
      if (next.some((o, i) => o !== options[i])) changed = { ...def, options: next };
      break;
    }
    case 'intersection':
    case 'lazy':
    case 'tuple':
      // Not used by request schemas; strict halves of an intersection would refuse each other's keys.
      throw new Error(`strictSchema: ${def.type} schemas are not supported in requests`);
    default:
      break;
  }
  const result = changed ? withDef(s, changed) : s;
  made.set(s, result);
  return result;
}
