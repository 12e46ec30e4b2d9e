import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DOCUMENT_TYPE_CODES, sniffFormat } from '../../domain/documents';
import type { Caller } from '../../domain/roles';
import type { Document, Prisma } from '../../prisma/generated/client';
import { HttpError, notFound } from '../errors';
import { defineRoute } from '../route';
import { DocumentView } from '../responses';

const DocumentIdParam = z.object({ id: z.uuid('must be a document id') });
const UploadFields = z.object({ type: z.enum(DOCUMENT_TYPE_CODES) });

export function presentDocument(d: Omit<Document, 'content'>) {
  return {
    id: d.id,
    type: d.type,
    filename: d.filename,
    contentType: d.contentType,
    size: d.size,
    sha256: d.sha256,
    applicationId: d.applicationId,
    createdAt: d.createdAt.toISOString(),
  };
}

/** Applicants see their own enterprise's documents; staff see every document (banks and the public none). */
function visible(actor: Caller): Prisma.DocumentWhereInput {
  return actor.role === 'applicant' ? { creditCode: actor.creditCode ?? '-' } : {};
}

const STAFF_AND_APPLICANTS = ['applicant', 'reviewer', 'expert', 'approver', 'finance', 'admin'] as const;

/** Safe for a Content-Disposition header: the name without quotes or control characters. */
const headerFilename = (name: string) => encodeURIComponent(name.replace(/[\r\n"]/g, ''));

export const documentRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/documents',
    summary: 'Upload a document (PDF, JPEG or PNG, recognised by content) to attach to an application',
    tag: 'documents',
    response: DocumentView,
    access: ['applicant'],
    upload: { field: 'file' },
    body: UploadFields,
    errors: [413, 415],
    async handler({ body, file, actor, deps }) {
      if (!file) {
        throw new HttpError(400, 'VALIDATION_FAILED', 'a file is required', [
          { path: 'body.file', message: 'required' },
        ]);
      }
      const bytes = new Uint8Array(file.buffer);
      const format = sniffFormat(bytes);
      if (!format) {
        throw new HttpError(
          415,
          'UNSUPPORTED_DOCUMENT',
          'only PDF, JPEG and PNG documents are accepted (checked by content)',
          [{ path: 'body.file', message: 'not a PDF, JPEG or PNG file' }],
        );
      }
      const doc = await deps.db.document.create({
        data: {
          id: randomUUID(),
          creditCode: actor!.creditCode!,
          type: body.type,
          filename: (file.originalname || 'document').slice(0, 200),
          contentType: format,
          size: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          content: bytes,
          uploadedBy: actor!.subject,
        },
        omit: { content: true },
      });
      return { status: 201, body: presentDocument(doc) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/documents/{id}',
    summary: "A document's metadata",
    tag: 'documents',
    access: STAFF_AND_APPLICANTS,
    params: DocumentIdParam,
    errors: [404],
    async handler({ params, actor, deps }) {
      const doc = await deps.db.document.findFirst({
        where: { id: params.id, ...visible(actor!) },
        omit: { content: true },
      });
      if (!doc) throw notFound('document');
      return { body: presentDocument(doc) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/documents/{id}/content',
    summary: 'The document itself, for viewing inline',
    tag: 'documents',
    access: STAFF_AND_APPLICANTS,
    params: DocumentIdParam,
    errors: [404],
    async handler({ params, actor, deps }) {
      const doc = await deps.db.document.findFirst({ where: { id: params.id, ...visible(actor!) } });
      if (!doc) throw notFound('document');
      return {
        headers: {
          'Content-Disposition': `inline; filename*=UTF-8''${headerFilename(doc.filename)}`,
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'private, max-age=3600',
        },
        raw: { contentType: doc.contentType, data: Buffer.from(doc.content) },
      };
    },
  }),
];
