import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DOCUMENT_TYPE_CODES, sniffFormat } from '../../domain/documents';
import type { Caller } from '../../domain/roles';
import type { Document, Prisma } from '../../prisma/generated/client';
import type { ApiDeps } from '../deps';
import { HttpError, notFound } from '../errors';
import { defineRoute } from '../route';
import { Page } from '../schemas';
import { documentScope } from '../scope';

const DocumentIdParam = z.object({ id: z.uuid('must be a document id') });
const UploadFields = z.object({ type: z.enum(DOCUMENT_TYPE_CODES) });
const ListQuery = Page.extend({
  applicationId: z.string().min(1).max(100).optional(),
  attached: z.enum(['true', 'false']).optional(),
});

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

const STAFF_AND_APPLICANTS = ['applicant', 'reviewer', 'expert', 'approver', 'finance', 'admin'] as const;
const WHO_SEES =
  'An applicant sees its enterprise’s documents; reviewers, experts, approvers, finance and administrators ' +
  'those of the applications they may see (a street office’s reviewer: its office’s; none without an ' +
  'organisation); a document not attached to an application yet is its applicant’s alone. Others: 404.';

/** Safe for a Content-Disposition header: the name without quotes or control characters. */
const headerFilename = (name: string) => encodeURIComponent(name.replace(/[\r\n"]/g, ''));

/** The caller's document, or 404 (no existence leak). */
async function visibleDocument(deps: ApiDeps, id: string, actor: Caller) {
  const doc = await deps.db.document.findFirst({
    where: { AND: [{ id }, documentScope(actor)] },
    omit: { content: true },
  });
  if (!doc) throw notFound('document');
  return doc;
}

export const documentRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/documents',
    summary: 'Upload a document (PDF, JPEG or PNG, recognised by content) to attach to an application',
    tag: 'documents',
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
    path: '/api/v1/documents',
    summary:
      'List the documents you may see, newest first (attached=false: not attached to an application yet)',
    description: WHO_SEES,
    tag: 'documents',
    access: STAFF_AND_APPLICANTS,
    query: ListQuery,
    async handler({ query, actor, deps }) {
      const where: Prisma.DocumentWhereInput = {
        AND: [
          query.applicationId ? { applicationId: query.applicationId } : {},
          query.attached ? { applicationId: query.attached === 'true' ? { not: null } : null } : {},
          documentScope(actor!),
        ],
      };
      const [rows, total] = await Promise.all([
        deps.db.document.findMany({
          where,
          omit: { content: true },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          skip: (query.page - 1) * query.pageSize,
          take: query.pageSize,
        }),
        deps.db.document.count({ where }),
      ]);
      return {
        body: {
          items: rows.map(presentDocument),
          total,
          page: query.page,
          pageSize: query.pageSize,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/documents/{id}',
    summary: "A document's metadata",
    description: WHO_SEES,
    tag: 'documents',
    access: STAFF_AND_APPLICANTS,
    params: DocumentIdParam,
    errors: [404],
    async handler({ params, actor, deps }) {
      return { body: presentDocument(await visibleDocument(deps, params.id, actor!)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/documents/{id}/content',
    summary: 'The document itself, for viewing inline',
    description: WHO_SEES,
    tag: 'documents',
    access: STAFF_AND_APPLICANTS,
    params: DocumentIdParam,
    errors: [404],
    async handler({ params, actor, deps }) {
      const doc = await deps.db.document.findFirst({
        where: { AND: [{ id: params.id }, documentScope(actor!)] },
      });
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
