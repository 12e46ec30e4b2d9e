import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  METADATA_ENCODING_KEY,
  ValueError,
  type DataConverter,
  type Payload,
  type PayloadCodec,
} from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { parseKeyBytes } from './secretBox';

/**
 * Encryption of every Temporal payload (workflow and activity inputs and results, updates, signals, queries,
 * memos, the summary and details the UI shows): AES-256-GCM with a fresh nonce per payload, the whole payload
 * (its metadata included) sealed inside a new one whose metadata names the key. Several keys may be
 * configured (PAYLOAD_KEYS): new payloads are sealed with the first, every listed key opens what it sealed,
 * and payloads that are not encrypted (histories recorded before the codec) pass through unchanged.
 * Search attributes are not payloads of the codec: they stay readable for the UI's filters.
 */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

export interface PayloadKey {
  id: string;
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Reads PAYLOAD_KEYS: `id:key[,id:key...]`, each key 32 bytes as base64 or 64 hex digits, the first the
 * current one. Throws a message saying what is wrong (never the key itself).
 */
export function parsePayloadKeys(text: string): PayloadKey[] {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('must list at least one key as id:key');
  const keys: PayloadKey[] = [];
  for (const [i, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    if (!KEY_ID.test(id))
      throw new Error(`entry ${i + 1} must be id:key with an id of 1-64 letters, digits, ".", "_" or "-"`);
    if (keys.some((k) => k.id === id)) throw new Error(`key id "${id}" is listed twice`);
    const key = parseKeyBytes(entry.slice(colon + 1));
    if (!key) throw new Error(`key "${id}" must be 32 bytes, as base64 or 64 hex digits`);
    keys.push({ id, key });
  }
  return keys;
}

/** A fresh key for PAYLOAD_KEYS (the development secrets, tests). */
export function newPayloadKey(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;
  private readonly current: PayloadKey;

  constructor(keys: readonly PayloadKey[]) {
    if (keys.length === 0) throw new Error('the payload codec needs at least one key');
    this.current = keys[0]!;
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The id of the key new payloads are sealed with. */
  get currentKeyId(): string {
    return this.current.id;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- the interface is asynchronous; AES is not
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.seal(p));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- a failure must reject, not throw
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.open(p));
  }

  private seal(payload: Payload): Payload {
    const { id, key } = this.current;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    // The key id is authenticated with the payload: a payload cannot be relabelled to another key.
    cipher.setAAD(encoder.encode(id));
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: encoder.encode(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: encoder.encode(id),
      },
      data: Buffer.concat([nonce, sealed, cipher.getAuthTag()]),
    };
  }

  private open(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    if (!encoding || decoder.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!idBytes) throw new ValueError('an encrypted payload without a key id');
    const id = decoder.decode(idBytes);
    const key = this.keys.get(id);
    if (!key) throw new ValueError(`a payload encrypted with key "${id}", which PAYLOAD_KEYS does not list`);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < NONCE_BYTES + TAG_BYTES) throw new ValueError('an encrypted payload too short');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES));
    decipher.setAAD(idBytes);
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new ValueError(`an encrypted payload that key "${id}" does not open (altered, or another key)`);
    }
    return temporal.api.common.v1.Payload.decode(plain);
  }
}

/** The data converter of every Temporal client and worker of the system: the default one, then encryption. */
export function payloadDataConverter(keys: readonly PayloadKey[]): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(keys)] };
}
