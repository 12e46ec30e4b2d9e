import { z } from 'zod';
import { isCalendarDay } from '../domain/calendar';
import { CREDIT_CODE_MESSAGES, creditCodeProblem } from '../domain/creditCode';
import { FIELDS } from '../domain/fields';

/** Shared request fields. */
let creditCodeAllowList: ReadonlySet<string> = new Set();
/** Legal early codes that fail the GB 32100 check (configuration, set once at start). */
export function setCreditCodeAllowList(codes: Iterable<string>): void {
  creditCodeAllowList = new Set(codes);
}

export const CreditCode = z.string().superRefine((value, ctx) => {
  const problem = creditCodeProblem(value, creditCodeAllowList);
  if (problem)
    ctx.addIssue({ code: 'custom', message: `unified social credit code ${CREDIT_CODE_MESSAGES[problem]}` });
});

export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDay, 'is not a calendar date');

/** An instant with an explicit offset (or a date, taken as 00:00 Asia/Shanghai). */
export const IsoDateTime = z.union([
  z.iso.datetime({ offset: true }),
  IsoDate.transform((d) => `${d}T00:00:00+08:00`),
]);

/** A programme (calendar) year. */
export const Year = z.coerce
  .number({ error: 'must be a year YYYY' })
  .int('must be a year YYYY')
  .min(2020, 'must be 2020 or later')
  .max(2100, 'must be 2100 or earlier');

export const Fen = z
  .number()
  .int('must be an integer number of fen')
  .nonnegative()
  .max(Number.MAX_SAFE_INTEGER);
export const Field = z.enum(FIELDS);
export const Email = z.email().max(254);
export const Text = (max: number) => z.string().trim().min(1).max(max);

export const Page = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

export const IdParam = z.object({ id: z.string().min(1).max(100) });

/** The facts an enterprise declares about itself (`PUT /enterprises/{creditCode}`, the calculator). */
export const DeclaredFactsFields = {
  name: Text(200),
  district: Text(50),
  size: z.enum(['MICRO', 'SMALL', 'MEDIUM', 'LARGE']),
  foundedOn: IsoDate,
  mainField: Field,
  techSmeValidUntil: IsoDate.optional().meta({
    description: '科技型中小企业: the last day the registration is valid',
  }),
  highTechCertifiedOn: IsoDate.optional().meta({
    description:
      '高新技术企业: the date of the certificate (its issue or latest renewal); with highTechValidUntil',
  }),
  highTechValidUntil: IsoDate.optional().meta({
    description: '高新技术企业: the last day the certificate is valid; with highTechCertifiedOn',
  }),
  srdiLevel: z.enum(['NATIONAL', 'MUNICIPAL']).optional(),
  srdiValidUntil: IsoDate.optional(),
  techCertifiedUntil: IsoDate.optional().meta({
    deprecated: true,
    description:
      'Deprecated, accepted for one more version: the former single "科技型中小企业/高新技术企业资格有效期至", ' +
      'taken as techSmeValidUntil (the rules always judged it as the 科技型中小企业 registration). Send ' +
      'techSmeValidUntil, or highTechCertifiedOn and highTechValidUntil for a high-tech certificate; responses ' +
      'carry those fields only.',
  }),
};

type DeclaredQualifications = {
  techSmeValidUntil?: string;
  highTechCertifiedOn?: string;
  highTechValidUntil?: string;
  srdiLevel?: string;
  srdiValidUntil?: string;
  techCertifiedUntil?: string;
};

/**
 * Each qualification comes whole: an SRDI level with its validity, a high-tech certificate with its date and
 * validity (after the date); the deprecated `techCertifiedUntil` never contradicts `techSmeValidUntil`.
 */
export function qualificationsTogether(b: DeclaredQualifications, ctx: z.RefinementCtx): void {
  if (Boolean(b.srdiLevel) !== Boolean(b.srdiValidUntil)) {
    ctx.addIssue({
      code: 'custom',
      path: ['srdiValidUntil'],
      message: 'srdiLevel and srdiValidUntil go together',
    });
  }
  if (Boolean(b.highTechCertifiedOn) !== Boolean(b.highTechValidUntil)) {
    ctx.addIssue({
      code: 'custom',
      path: [b.highTechCertifiedOn ? 'highTechValidUntil' : 'highTechCertifiedOn'],
      message: 'highTechCertifiedOn and highTechValidUntil go together',
    });
  } else if (b.highTechCertifiedOn && b.highTechValidUntil && b.highTechValidUntil <= b.highTechCertifiedOn) {
    ctx.addIssue({
      code: 'custom',
      path: ['highTechValidUntil'],
      message: 'must be after highTechCertifiedOn',
    });
  }
  if (b.techCertifiedUntil && b.techSmeValidUntil && b.techCertifiedUntil !== b.techSmeValidUntil) {
    ctx.addIssue({
      code: 'custom',
      path: ['techCertifiedUntil'],
      message: 'is the deprecated name of techSmeValidUntil and differs from it; send techSmeValidUntil only',
    });
  }
}

/** The declared qualifications as stored and judged, the deprecated field read as techSmeValidUntil. */
export function declaredQualifications(b: DeclaredQualifications) {
  return {
    techSmeValidUntil: b.techSmeValidUntil ?? b.techCertifiedUntil ?? null,
    highTechCertifiedOn: b.highTechCertifiedOn ?? null,
    highTechValidUntil: b.highTechValidUntil ?? null,
    srdiLevel: (b.srdiLevel ?? null) as 'NATIONAL' | 'MUNICIPAL' | null,
    srdiValidUntil: b.srdiValidUntil ?? null,
  };
}
