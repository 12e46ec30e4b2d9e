import http from 'node:http';
import { as, eventually, startStack, type TestStack } from '../helpers/stack';
import { newApplicant, PDF, submit, type Applicant } from '../helpers/world';

/** Uploads: the caller is checked before the file is read; drafts are limited per enterprise and purged. */
const QUOTA_COUNT = 6;
const QUOTA_BYTES = 100_000;
const PURGE_DAYS = 2;

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    DOCUMENT_QUOTA_COUNT: String(QUOTA_COUNT),
    DOCUMENT_QUOTA_BYTES: String(QUOTA_BYTES),
    DOCUMENT_PURGE_DAYS: String(PURGE_DAYS),
  });
});
afterAll(async () => {
  await stack?.stop();
});

/** A PDF of about `bytes` bytes (recognised by its header). */
const pdfOf = (bytes: number) => Buffer.concat([PDF, Buffer.alloc(bytes - PDF.length)]);

async function upload(a: Applicant, file: Buffer = PDF, headers: Record<string, string> = {}) {
  const form = new FormData();
  form.append('type', 'SUPPLEMENT');
  form.append('file', new Blob([file]), 'scan.pdf');
  const res = await fetch(`${stack.baseUrl}/api/v1/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${a.client.token}`, ...headers },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as any };
}

/**
 * Starts an upload of `declared` bytes and sends only its beginning, never the rest: an answer can only come
 * from a server that decided before reading the file.
 */
function unfinishedUpload(token: string | undefined, declared = 5_000_000) {
  const url = new URL(`${stack.baseUrl}/api/v1/documents`);
  const boundary = 'unfinished-upload';
  return new Promise<{ status: number; body: any; connection: string | undefined }>((resolve, reject) => {
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(declared),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error('no answer while the upload was still being sent: the server waits to read it'));
    }, 5_000);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode!, body: JSON.parse(text), connection: res.headers.connection });
      });
    });
    req.on('error', () => undefined); // the server closes the connection it did not read
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\nSUPPLEMENT\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n` +
        `Content-Type: application/pdf\r\n\r\n%PDF-1.4\n`,
    );
  });
}

const drafts = (a: Applicant) =>
  stack.db.document.count({ where: { creditCode: a.code, applicationId: null } });

describe('uploads', () => {
  it('authenticates and authorises the caller before reading a byte of the file', async () => {
    const a = await newApplicant(stack);
    const reviewer = await as(stack, { role: 'reviewer', org: 'committee' });
    const anonymous = await unfinishedUpload(undefined);
    expect([anonymous.status, anonymous.body.error.code, anonymous.connection]).toEqual([
      401,
      'UNAUTHORIZED',
      'close',
    ]);
    expect((await unfinishedUpload('not-a-token')).status).toBe(401);
    const wrongRole = await unfinishedUpload(reviewer.token);
    expect([wrongRole.status, wrongRole.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect(await stack.db.document.count()).toBe(0);
    // The applicant's upload of the same shape is read (and then stored once complete).
    expect((await upload(a)).status).toBe(201);
  });

  it('limits the documents an enterprise has not attached to an application, in Chinese and in English', async () => {
    const a = await newApplicant(stack);
    // Documents attached to an application do not count.
    expect((await submit(stack, a, 'INCLUSIVE')).status).toBe(201);
    for (let i = 0; i < QUOTA_COUNT; i++) expect((await upload(a)).status).toBe(201);
    const full = await upload(a);
    expect(full.status).toBe(422);
    expect(full.body.error).toMatchObject({
      code: 'DOCUMENT_QUOTA_EXCEEDED',
      details: [{ path: 'body.file', message: expect.stringContaining('上限') }],
    });
    expect(full.body.error.message).toMatch(new RegExp(`最多 ${QUOTA_COUNT} 份.*现有 ${QUOTA_COUNT} 份`));
    expect(full.body.error.message).toContain(`${PURGE_DAYS} 天后自动删除`);
    const english = await upload(a, PDF, { 'accept-language': 'en-US,en;q=0.9' });
    expect(english.status).toBe(422);
    expect(english.body.error.message).toMatch(/are at their limit \(6 files, 0\.1 MB; now 6 files/);
    // Refused before the file is read.
    const unread = await unfinishedUpload(a.client.token);
    expect([unread.status, unread.body.error.code]).toEqual([422, 'DOCUMENT_QUOTA_EXCEEDED']);
    expect(await drafts(a)).toBe(QUOTA_COUNT);

    const listed = await a.client.get('/api/v1/documents?attached=false&pageSize=50');
    expect(listed.body).toMatchObject({
      total: QUOTA_COUNT,
      quota: { count: QUOTA_COUNT, maxCount: QUOTA_COUNT, maxBytes: QUOTA_BYTES, purgeAfterDays: PURGE_DAYS },
    });
    // Deleting a draft frees its place; an attached document stays with its application; others' are not found.
    const draft = listed.body.items[0].id as string;
    expect((await a.client.request('DELETE', `/api/v1/documents/${draft}`)).status).toBe(204);
    expect((await upload(a)).status).toBe(201);
    const attached = (await a.client.get('/api/v1/documents?attached=true')).body.items[0].id as string;
    const keep = await a.client.request('DELETE', `/api/v1/documents/${attached}`);
    expect([keep.status, keep.body.error.code]).toEqual([409, 'DOCUMENT_ATTACHED']);
    const b = await newApplicant(stack);
    expect((await b.client.request('DELETE', `/api/v1/documents/${attached}`)).status).toBe(404);
    // Another enterprise has a quota of its own.
    expect((await upload(b)).status).toBe(201);
  });

  it('counts the bytes too', async () => {
    const a = await newApplicant(stack);
    expect((await upload(a, pdfOf(60_000))).status).toBe(201);
    const over = await upload(a, pdfOf(60_000));
    expect([over.status, over.body.error.code]).toEqual([422, 'DOCUMENT_QUOTA_EXCEEDED']);
    expect((await upload(a, pdfOf(30_000))).status).toBe(201); // 90 000 bytes in all: fits
    expect(await drafts(a)).toBe(2);
  });

  it('keeps the quota under concurrent uploads', async () => {
    const a = await newApplicant(stack);
    const results = await Promise.all(Array.from({ length: QUOTA_COUNT + 4 }, () => upload(a)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(QUOTA_COUNT);
    expect(results.filter((r) => r.status === 422)).toHaveLength(4);
    expect(await drafts(a)).toBe(QUOTA_COUNT);
  });

  it('purges the documents never attached to an application after the configured days, and only those', async () => {
    const a = await newApplicant(stack);
    expect((await submit(stack, a, 'INCLUSIVE')).status).toBe(201);
    const old = (await upload(a)).body.id as string;
    const fresh = (await upload(a)).body.id as string;
    const attached = await stack.db.document.findFirstOrThrow({
      where: { creditCode: a.code, applicationId: { not: null } },
    });
    const longAgo = new Date(Date.now() - (PURGE_DAYS + 1) * 86_400_000);
    await stack.db.document.updateMany({
      where: { id: { in: [old, attached.id] } },
      data: { createdAt: longAgo },
    });
    // The workers' periodic purge (hourly; every second in the tests) takes the old draft.
    await eventually(
      () => stack.db.document.findUnique({ where: { id: old } }),
      (d) => d === null,
    );
    const left = await stack.db.document.findMany({ where: { id: { in: [fresh, attached.id] } } });
    expect(left.map((d) => d.id).sort()).toEqual([fresh, attached.id].sort());
    expect((await a.client.get(`/api/v1/documents/${old}`)).status).toBe(404);
  });
});
