import { z } from 'zod';
import { requestSchemas, type AnyRoute } from './route';

type JsonSchema = Record<string, unknown>;
const toSchema = (s: z.ZodType, io: 'input' | 'output'): JsonSchema =>
  z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' });

const ERROR_RESPONSE = {
  description: 'Error',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              details: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { path: { type: 'string' }, message: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
  },
};

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const js = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (js.required ?? []).includes(name),
    schema: s,
  }));
}

/** The request body: JSON, or for an upload multipart/form-data with its file beside the text fields. */
function requestBody(r: AnyRoute, body: z.ZodType) {
  const schema = toSchema(body, 'input') as { properties?: object; required?: string[] };
  if (!r.upload) return { required: true, content: { 'application/json': { schema } } };
  const form = {
    ...schema,
    properties: { ...schema.properties, [r.upload.field]: { type: 'string', format: 'binary' } },
    required: [...(schema.required ?? []), r.upload.field],
  };
  return { required: true, content: { 'multipart/form-data': { schema: form } } };
}

const SIGNED_HEADERS = [
  { name: 'X-Timestamp', in: 'header', required: true, schema: { type: 'string', pattern: '^\\d{1,15}$' } },
  {
    name: 'X-Signature',
    in: 'header',
    required: true,
    schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$' },
  },
];

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests: every object strict
 * (`additionalProperties: false`); a query that is let through says so.
 */
export function buildOpenApi(routes: AnyRoute[], info: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const schemas = requestSchemas(r);
    const errors = new Set([
      400,
      ...(r.access === 'public' ? [] : [401, 403]),
      ...(r.signedBody ? [401] : []),
      ...(r.errors ?? []),
    ]);
    const query = toSchema(schemas.query, 'input') as { additionalProperties?: unknown };
    const description = [
      r.description,
      query.additionalProperties === false
        ? undefined
        : 'Query parameters other than those listed are let through and ignored.',
    ].filter(Boolean);
    const op: Record<string, unknown> = {
      summary: r.summary,
      ...(description.length ? { description: description.join(' ') } : {}),
      tags: [r.tag],
      parameters: [
        ...parameters(schemas.params, 'path'),
        ...parameters(schemas.query, 'query'),
        ...(r.signedBody ? SIGNED_HEADERS : []),
        ...(r.idempotent
          ? [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                schema: { type: 'string', maxLength: 200 },
              },
            ]
          : []),
      ],
      responses: {
        [r.method === 'post' && r.idempotent ? '201' : '200']: {
          description: 'Success',
          // Without a declared schema the body is still JSON, of a shape the document does not say.
          content: { 'application/json': { schema: r.response ? toSchema(r.response, 'output') : {} } },
        },
        ...Object.fromEntries([...errors].map((s) => [String(s), ERROR_RESPONSE])),
      },
      ...(r.access === 'public' ? { security: [] } : {}),
    };
    if (r.body && schemas.body) op.requestBody = requestBody(r, schemas.body);
    (paths[r.path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Haidian technology-insurance subsidy API', version: info.version },
    servers: [{ url: info.serverUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
