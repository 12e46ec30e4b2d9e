import { z } from 'zod';
import { FIELDS } from '../../domain/fields';
import { DEFAULT_EVALUATION_TARGETS } from '../../domain/program';
import { MAX_REIMBURSEMENT_RATE_BP } from '../../domain/rules';
import { TRACKS } from '../../domain/status';
import { programFor, saveProgram, toCatalogProduct } from '../../data/programs';
import { conflict } from '../errors';
import { audited } from '../../data/audit';
import { defineRoute } from '../route';
import { yearViewRoute } from '../yearViewRoute';
import { CatalogList } from '../responses';
import { Fen, IsoDate, Text } from '../schemas';

const YearParam = z.object({ year: z.coerce.number().int().min(2020).max(2100) });
const Bp = z.number().int('must be an integer number of basis points').min(0);
const SrdiRate = Bp.max(MAX_REIMBURSEMENT_RATE_BP, 'an SRDI rate may not exceed 5000 bp (50 %)');
const WorkingDays = z.number().int().min(1).max(250);
const Fields = z
  .array(z.enum(FIELDS))
  .max(FIELDS.length)
  .refine((a) => new Set(a).size === a.length, 'must not repeat a field');

/** The body of `PUT /programs/{year}`: every figure of a programme year, checked for consistency. */
export const ProgramBody = z
  .object({
    year: z.number().int().optional(),
    opensAt: z.iso.datetime({ offset: true }),
    closesAt: z.iso.datetime({ offset: true }),
    keyFields: Fields,
    frontierFields: Fields.min(1),
    inclusiveStaffMax: z.number().int().min(1).max(100_000),
    inclusiveRevenueMaxFen: Fen.positive(),
    inclusivePremiumCapFen: Fen,
    inclusiveMaxYears: z.number().int().min(1).max(20),
    srdiRatesBp: z.object({
      NATIONAL: z.object({ R_AND_D: SrdiRate, TRANSFER: SrdiRate, OTHER: SrdiRate }),
      MUNICIPAL: z.object({ R_AND_D: SrdiRate, TRANSFER: SrdiRate, OTHER: SrdiRate }),
    }),
    frontierRateBp: Bp.max(MAX_REIMBURSEMENT_RATE_BP, 'the frontier rate may not exceed 5000 bp (50 %)'),
    srdiAnnualCapFen: Fen,
    frontierAnnualCapFen: Fen,
    reviewSlaWorkingDays: z.object({ initial: WorkingDays, expert: WorkingDays, final: WorkingDays }),
    noticeWorkingDays: WorkingDays,
    infoDeadlineWorkingDays: WorkingDays,
    bankMatchingTracks: z
      .array(z.enum(TRACKS))
      .refine((a) => new Set(a).size === a.length, 'must not repeat a track'),
    highTechEnterpriseTotal: z.number().int().min(1),
    followUpMonths: z
      .array(z.number().int().min(1).max(60))
      .min(1)
      .max(6)
      .refine((a) => a.every((m, i) => i === 0 || m > a[i - 1]!), 'must be increasing')
      .default([6, 12]),
    renewalReminderDays: z.number().int().min(1).max(180).default(30),
    bankResponseWorkingDays: z.number().int().min(1).max(250).default(10),
    evaluationTargets: z
      .object({
        highTechCoveragePct: z
          .number()
          .gt(0, 'must be above 0')
          .max(100, 'is a percentage: at most 100')
          .multipleOf(0.01, 'at most two decimals'),
        riskCoverageFen: Fen.positive(),
      })
      .default(() => ({ ...DEFAULT_EVALUATION_TARGETS })),
  })
  .superRefine((p, ctx) => {
    if (Date.parse(p.closesAt) <= Date.parse(p.opensAt)) {
      ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'must be after opensAt' });
    }
  });

const ProductBody = z
  .object({
    productCode: z.string().regex(/^[A-Za-z0-9_-]{2,64}$/, 'must be 2-64 letters, digits, _ or -'),
    insurerCode: z.string().regex(/^[A-Za-z0-9_-]{2,32}$/, 'must be 2-32 letters, digits, _ or -'),
    name: Text(200),
    kind: z.enum(['GROUP_INCLUSIVE', 'CATALOG']),
    category: z.enum(['R_AND_D', 'TRANSFER', 'OTHER']),
    exclusiveFields: Fields.default([]),
    activeFrom: IsoDate,
    activeTo: IsoDate.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.activeTo && p.activeTo < p.activeFrom) {
      ctx.addIssue({ code: 'custom', path: ['activeTo'], message: 'must not be before activeFrom' });
    }
    if (p.kind === 'GROUP_INCLUSIVE' && p.exclusiveFields.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['exclusiveFields'],
        message: 'the group product is not exclusive to a field',
      });
    }
  });

const toDate = (d: string) => new Date(`${d}T00:00:00Z`);

export const programRoutes = [
  yearViewRoute({
    path: '/api/v1/programs/{year}',
    summary: 'The configuration of a programme year (defaults until an administrator changes them)',
    tag: 'programs',
    response: ProgramBody,
    access: 'public',
    params: YearParam,
    read: programFor,
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/programs/{year}',
    summary: 'Set the configuration of a programme year (running applications keep their snapshot)',
    tag: 'programs',
    response: ProgramBody,
    access: ['admin'],
    params: YearParam,
    body: ProgramBody,
    async handler({ params, body, actor, deps }) {
      if (body.year !== undefined && body.year !== params.year) {
        throw conflict('YEAR_MISMATCH', `body year ${body.year} does not match the path year ${params.year}`);
      }
      const config = { ...body, year: params.year };
      const { created } = await saveProgram(deps.db, config, actor!);
      return { status: created ? 201 : 200, body: config };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/catalog',
    summary: 'The technology-insurance product catalog (科技保险产品目录)',
    tag: 'programs',
    response: CatalogList,
    access: 'public',
    async handler({ deps }) {
      const rows = await deps.db.catalogProduct.findMany({ orderBy: { productCode: 'asc' } });
      return { body: { items: rows.map(toCatalogProduct) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/catalog/products',
    summary: 'Add a product to the catalog',
    tag: 'programs',
    response: CatalogList.shape.items.element,
    access: ['admin'],
    body: ProductBody,
    idempotent: true,
    errors: [409],
    async handler({ body, actor, deps }) {
      const exists = await deps.db.catalogProduct.findUnique({ where: { productCode: body.productCode } });
      if (exists) throw conflict('PRODUCT_EXISTS', `product ${body.productCode} is already in the catalog`);
      const row = await audited(deps.db, {
        actor: actor!,
        entity: 'catalog',
        entityId: body.productCode,
        action: 'CATALOG_PRODUCT_CREATED',
        async write(tx) {
          const created = await tx.catalogProduct.create({
            data: {
              ...body,
              activeFrom: toDate(body.activeFrom),
              activeTo: body.activeTo ? toDate(body.activeTo) : null,
            },
          });
          return { before: null, after: toCatalogProduct(created), result: created };
        },
      });
      return { status: 201, body: toCatalogProduct(row) };
    },
  }),
];
