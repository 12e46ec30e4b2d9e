import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import { DOCUMENT_TYPE_CODES, sniffFormat } from '../../domain/documents';
import type { Caller } from '../../domain/roles';
import type { Document, Prisma } from '../../prisma/generated/client';
import {
  checkQuota,
  DocumentQuotaExceeded,
  draftUsage,
  storeDraft,
  type DocumentLimits,
} from '../../data/documentStore';
import type { ApiDeps } from '../deps';
import { conflict, HttpError, notFound } from '../errors';
import { pageOf } from '../paging';
import { defineRoute, type RouteDef } from '../route';
import { DocumentList, DocumentView } from '../responses';
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

const mib = (bytes: number) => (bytes / 1_048_576).toFixed(1);

/** Room for the multipart framing and the `type` field around the file in a request's declared length. */
const MULTIPART_SLACK_BYTES = 16 * 1024;

/** The quota's refusal (its Chinese in api/i18n.ts), naming the file. */
function quotaError(err: DocumentQuotaExceeded): HttpError {
  const { usage, limits } = err;
  const message =
    `the enterprise's documents not attached to an application are at their limit ` +
    `(${limits.quotaCount} files, ${mib(limits.quotaBytes)} MB; now ${usage.count} files, ${mib(usage.bytes)} MB): ` +
    `attach them to an application or delete those not needed; they are deleted after ${limits.purgeAfterDays} days`;
  return new HttpError(422, 'DOCUMENT_QUOTA_EXCEEDED', message, [{ path: 'body.file', message }]);
}

/**
 * Before the upload is read: a full quota, or a declared length that cannot fit, is refused at once (the
 * exact check is made again with the stored bytes, under the enterprise's lock).
 */
async function admit(actor: Caller | null, req: Request, deps: ApiDeps): Promise<void> {
  const limits: DocumentLimits = deps.config.http.documents;
  const usage = await draftUsage(deps.db, actor!.creditCode ?? '-');
  const declared = Number(req.header('content-length') ?? 0);
  try {
    checkQuota(
      usage,
      limits,
      Math.max(0, (Number.isFinite(declared) ? declared : 0) - MULTIPART_SLACK_BYTES),
    );
  } catch (err) {
    if (err instanceof DocumentQuotaExceeded) throw quotaError(err);
    throw err;
  }
}

/** The caller's document, or 404 (no existence leak). */
async function visibleDocument(deps: ApiDeps, id: string, actor: Caller) {
  const doc = await deps.db.document.findFirst({
    where: { AND: [{ id }, documentScope(actor)] },
    omit: { content: true },
  });
  if (!doc) throw notFound('document');
  return doc;
}

/** Reading one document: whoever may see it (docs/ACCESS.md); anyone else gets 404. */
const READ_ONE = {
  description: WHO_SEES,
  tag: 'documents',
  access: STAFF_AND_APPLICANTS,
  params: DocumentIdParam,
  errors: [404],
} satisfies Partial<RouteDef<{ id: string }>>;

export const documentRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/documents',
    summary: 'Upload a document (PDF, JPEG or PNG, recognised by content) to attach to an application',
    description:
      'The token is checked before the file is read. Documents not attached to an application count against ' +
      'the enterprise’s quota (DOCUMENT_QUOTA_COUNT files and DOCUMENT_QUOTA_BYTES bytes; 422 ' +
      'DOCUMENT_QUOTA_EXCEEDED, in Chinese or, with Accept-Language: en, English) and are deleted after ' +
      'DOCUMENT_PURGE_DAYS days.',
    tag: 'documents',
    response: DocumentView,
    access: ['applicant'],
    upload: { field: 'file', admit },
    body: UploadFields,
    errors: [413, 415, 422],
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
      try {
        const doc = await storeDraft(deps.db, deps.config.http.documents, {
          id: randomUUID(),
          creditCode: actor!.creditCode!,
          type: body.type,
          filename: (file.originalname || 'document').slice(0, 200),
          contentType: format,
          size: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          content: bytes,
          uploadedBy: actor!.subject,
        });
        return { status: 201, body: presentDocument(doc) };
      } catch (err) {
        if (err instanceof DocumentQuotaExceeded) throw quotaError(err);
        throw err;
      }
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/documents',
    summary:
      'List the documents you may see, newest first (attached=false: not attached to an application yet)',
    description: `${WHO_SEES} An applicant also gets its quota of unattached documents.`,
    tag: 'documents',
    response: DocumentList,
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
      const page = await pageOf(
        query,
        (window) =>
          deps.db.document.findMany({
            where,
            omit: { content: true },
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
            ...window,
          }),
        () => deps.db.document.count({ where }),
        (rows) => rows.map(presentDocument),
      );
      const limits = deps.config.http.documents;
      const quota =
        actor!.role === 'applicant'
          ? {
              quota: {
                ...(await draftUsage(deps.db, actor!.creditCode ?? '-')),
                maxCount: limits.quotaCount,
                maxBytes: limits.quotaBytes,
                purgeAfterDays: limits.purgeAfterDays,
              },
            }
          : {};
      return { body: { ...page, ...quota } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/documents/{id}',
    summary: "A document's metadata",
    ...READ_ONE,
    async handler({ params, actor, deps }) {
      return { body: presentDocument(await visibleDocument(deps, params.id, actor!)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/documents/{id}/content',
    summary: 'The document itself, for viewing inline',
    ...READ_ONE,
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
  defineRoute({
    method: 'delete',
    path: '/api/v1/documents/{id}',
    summary: 'Delete a document of yours not attached to an application (frees its place in the quota)',
    tag: 'documents',
    access: ['applicant'],
    params: DocumentIdParam,
    errors: [404, 409],
    async handler({ params, actor, deps }) {
      const doc = await visibleDocument(deps, params.id, actor!);
      const { count } = await deps.db.document.deleteMany({ where: { id: doc.id, applicationId: null } });
      if (count === 0)
        throw conflict('DOCUMENT_ATTACHED', 'the document is attached to an application and stays with it');
      return { status: 204 };
    },
  }),
];
