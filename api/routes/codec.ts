import type { Payload } from '@temporalio/common';
import type { Express, Request } from 'express';
import { z } from 'zod';
import type { Config } from '../../config';
import type { Caller } from '../../domain/roles';
import { AesGcmPayloadCodec } from '../../platform/payloadCodec';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { defineRoute } from '../route';

/**
 * The codec server of the Temporal UI and CLI (Temporal's codec server protocol): `{payloads: [...]}` in
 * protobuf JSON (metadata values and data in base64) in and out, decrypted (`/decode`) or encrypted
 * (`/encode`) with PAYLOAD_KEYS. Administrators only: the UI sends the signed-in operator's token when it
 * is set up with the identity provider (TEMPORAL_CODEC_PASS_ACCESS_TOKEN), the CLI sends `--codec-auth`.
 * The UI's own origin (TEMPORAL_UI_URL) may call it from the browser (CORS).
 */
const CODEC_PATH = '/api/v1/codec';
const MAX_PAYLOADS = 1000;

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const JsonPayload = z.object({
  metadata: z.record(z.string().min(1).max(256), Base64).nullish(),
  data: Base64.nullish(),
  /** Payloads kept in external storage (passed through as they are). */
  externalPayloads: z
    .array(z.object({ sizeBytes: z.union([z.string().regex(/^\d+$/), z.number().int().min(0)]).optional() }))
    .nullish(),
});
type JsonPayload = z.infer<typeof JsonPayload>;
/** An empty list is `{}` in protobuf JSON (the CLI sends that for events without payloads). */
const Payloads = z.object({ payloads: z.array(JsonPayload).max(MAX_PAYLOADS).default([]) });
/** The UI adds `?preserveStorageRefs=true` (external storage, which this system does not use). */
const CodecQuery = z.object({ preserveStorageRefs: z.enum(['true', 'false']).optional() });

function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
    ),
    data: Buffer.from(p.data ?? '', 'base64'),
  };
}

function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

const codecs = new WeakMap<Config, AesGcmPayloadCodec>();
function codecOf(config: Config): AesGcmPayloadCodec {
  let codec = codecs.get(config);
  if (!codec) codecs.set(config, (codec = new AesGcmPayloadCodec(config.payloadKeys)));
  return codec;
}

const originOf = (url: string) => new URL(url).origin;

/**
 * Under `npm start` (AUTH_MODE=dev, the embedded Temporal dev server) the dev server's UI has no sign-in and
 * sends no token; it is let in by its origin. Dev mode gives anyone a token already (and NODE_ENV=production
 * refuses it), so this opens nothing that is closed; with AUTH_MODE=jwt only a token is accepted.
 */
export function embeddedUiCaller(req: Request, deps: ApiDeps): Caller | null {
  const { config } = deps;
  if (config.auth.mode !== 'dev' || !config.temporal.embedded) return null;
  return req.header('origin') === originOf(config.temporal.uiUrl)
    ? { subject: 'temporal-ui', role: 'admin' }
    : null;
}

/**
 * CORS for the codec endpoints: the Temporal UI's origin may POST with a token (`Authorization`) and the
 * UI's headers, also with cross-origin credentials. Other origins get no CORS headers (the browser blocks).
 */
export function mountCodecCors(app: Express, config: Config): void {
  const allowed = originOf(config.temporal.uiUrl);
  app.use(CODEC_PATH, (req, res, next) => {
    res.vary('Origin');
    const fromUi = req.header('origin') === allowed;
    if (fromUi) {
      res.setHeader('Access-Control-Allow-Origin', allowed);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method !== 'OPTIONS') return next();
    if (!fromUi) {
      res.status(403).json({
        error: { code: 'FORBIDDEN', message: 'this origin may not call the codec server', details: [] },
      });
      return;
    }
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.setHeader(
      'Access-Control-Allow-Headers',
      'authorization, authorization-extras, content-type, x-namespace',
    );
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  });
}

const undecodable = (index: number, err: unknown) =>
  new HttpError(
    422,
    'PAYLOAD_NOT_DECODABLE',
    `payload ${index} cannot be decrypted: ${err instanceof Error ? err.message : String(err)}`,
    [{ path: `body.payloads.${index}`, message: 'cannot be decrypted with PAYLOAD_KEYS' }],
  );

/** What both codec routes share: administrators (or the embedded UI), Temporal's payloads in and out. */
const CODEC_ROUTE = {
  tag: 'admin',
  access: ['admin'],
  trustedCaller: embeddedUiCaller,
  query: CodecQuery,
  body: Payloads,
  response: Payloads,
} as const;

export const codecRoutes = [
  defineRoute({
    method: 'post',
    path: `${CODEC_PATH}/decode`,
    summary:
      'Codec server: decrypts Temporal payloads for the Temporal UI and CLI (unencrypted ones come back as they are)',
    ...CODEC_ROUTE,
    errors: [422],
    async handler({ body, deps }) {
      const codec = codecOf(deps.config);
      const payloads = await Promise.all(
        body.payloads.map(async (raw, i) => {
          const payload = fromJson(raw);
          const [decoded] = await codec.decode([payload]).catch((err: unknown) => {
            throw undecodable(i, err);
          });
          // Not encrypted: handed back exactly as it came (external storage references included).
          return decoded === payload ? raw : toJson(decoded!);
        }),
      );
      return { body: { payloads } };
    },
  }),
  defineRoute({
    method: 'post',
    path: `${CODEC_PATH}/encode`,
    summary:
      'Codec server: encrypts Temporal payloads (input that the Temporal UI or CLI sends to workflows)',
    ...CODEC_ROUTE,
    async handler({ body, deps }) {
      const encoded = await codecOf(deps.config).encode(body.payloads.map(fromJson));
      return { body: { payloads: encoded.map(toJson) } };
    },
  }),
];
