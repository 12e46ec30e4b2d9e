import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  newPayloadKey,
  parsePayloadKeys,
} from '../../platform/payloadCodec';

const A = parsePayloadKeys(newPayloadKey('2026-06'))[0]!;
const B = parsePayloadKeys(newPayloadKey('2026-12'))[0]!;
const objection = { name: '王某某', contact: '13912345678', reason: '该企业实际经营地不在海淀区' };
const plain = (): Payload => defaultPayloadConverter.toPayload(objection);
const text = (p: Payload) => Buffer.from(p.data!).toString('utf8');
const meta = (p: Payload, key: string) => Buffer.from(p.metadata![key]!).toString('utf8');

describe('the payload codec (AES-256-GCM)', () => {
  it('seals a payload, metadata and all, under the current key id, with a fresh nonce each time', async () => {
    const codec = new AesGcmPayloadCodec([A]);
    const [sealed, again] = await codec.encode([plain(), plain()]);
    expect(Object.keys(sealed!.metadata!).sort()).toEqual(['encoding', KEY_ID_METADATA]);
    expect(meta(sealed!, 'encoding')).toBe(ENCRYPTED_ENCODING);
    expect(meta(sealed!, KEY_ID_METADATA)).toBe('2026-06');
    for (const secret of ['王某某', '13912345678', 'json/plain'])
      expect(Buffer.from(sealed!.data!).includes(Buffer.from(secret))).toBe(false);
    expect(Buffer.from(sealed!.data!).equals(Buffer.from(again!.data!))).toBe(false);

    const [opened] = await codec.decode([sealed!]);
    expect(meta(opened!, 'encoding')).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(objection);
  });

  it('lets payloads that are not encrypted (histories from before the codec) through unchanged', async () => {
    const codec = new AesGcmPayloadCodec([A]);
    const old = plain();
    const empty: Payload = { metadata: {}, data: new Uint8Array() };
    const [same, none] = await codec.decode([old, empty]);
    expect(same).toBe(old);
    expect(none).toBe(empty);
  });

  it('rotates: new payloads take the new key, old ones open with theirs, a key dropped too early fails', async () => {
    const before = new AesGcmPayloadCodec([A]);
    const [sealedByA] = await before.encode([plain()]);
    // Rotation, step 1: B is added behind A everywhere (A still seals); step 2: B goes first.
    const rotated = new AesGcmPayloadCodec([B, A]);
    expect(rotated.currentKeyId).toBe('2026-12');
    const [sealedByB] = await rotated.encode([plain()]);
    expect(meta(sealedByB!, KEY_ID_METADATA)).toBe('2026-12');
    const opened = await rotated.decode([sealedByA!, sealedByB!]);
    expect(opened.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([objection, objection]);

    // A process that never got B cannot open B's payloads, and one that dropped A cannot open A's.
    await expect(before.decode([sealedByB!])).rejects.toThrow(
      'a payload encrypted with key "2026-12", which PAYLOAD_KEYS does not list',
    );
    await expect(new AesGcmPayloadCodec([B]).decode([sealedByA!])).rejects.toThrow(/key "2026-06"/);
  });

  it('refuses a payload that was altered, relabelled to another key, or sealed by a different key', async () => {
    const codec = new AesGcmPayloadCodec([A, B]);
    const [sealed] = await codec.encode([plain()]);
    const altered = Buffer.from(sealed!.data!);
    altered[20]! ^= 1;
    await expect(codec.decode([{ ...sealed!, data: altered }])).rejects.toThrow(/does not open/);
    const relabelled = {
      ...sealed!,
      metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: Buffer.from('2026-12') },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow(/key "2026-12" does not open/);
    const impostor = new AesGcmPayloadCodec([{ id: '2026-06', key: randomBytes(32) }]);
    await expect(impostor.decode([sealed!])).rejects.toThrow(/does not open/);
    await expect(
      codec.decode([{ metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING) }, data: sealed!.data }]),
    ).rejects.toThrow(/without a key id/);
  });

  it.each([
    ['', 'at least one key'],
    ['nokey', 'entry 1 must be id:key'],
    [`a b:${'0'.repeat(64)}`, 'entry 1 must be id:key'],
    [`a:${'0'.repeat(62)}`, 'key "a" must be 32 bytes'],
    [`a:${'0'.repeat(64)},a:${'1'.repeat(64)}`, 'key id "a" is listed twice'],
  ])('reads PAYLOAD_KEYS %j only when well formed', (value, message) => {
    expect(() => parsePayloadKeys(value)).toThrow(message);
  });

  it('takes keys as hex, base64 and base64url, the first one current', () => {
    const keys = parsePayloadKeys(
      `h:${'ab'.repeat(32)}, b:${Buffer.alloc(32, 250).toString('base64')},u:${Buffer.alloc(32, 250).toString('base64url')}`,
    );
    expect(keys.map((k) => k.id)).toEqual(['h', 'b', 'u']);
    expect(keys[1]!.key.equals(keys[2]!.key)).toBe(true);
    expect(text(plain())).toContain('王某某'); // what the default converter would have stored
  });
});
