import { z } from 'zod';
import { isCalendarDay } from '../domain/calendar';
import { FIELDS } from '../domain/fields';
import type { EnterpriseFacts } from '../domain/rules/facts';
import { getJson, getNamedJson, ServiceError } from './serviceErrors';

const SERVICE = 'registry';

/** A calendar day `YYYY-MM-DD` that exists (no 2026-02-30). */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDay, 'is not a calendar date');

/** An amount of money in fen: a non-negative integer. */
export const Fen = z
  .number()
  .int('must be an integer number of fen')
  .nonnegative()
  .max(Number.MAX_SAFE_INTEGER);

/** An enterprise as the registry answers it; parsing yields exactly `EnterpriseFacts`. */
export const EnterpriseFactsSchema = z.object({
  creditCode: z.string().min(1),
  name: z.string().min(1).max(200),
  district: z.string().min(1).max(50),
  streetOffice: z.string().min(1).max(50).nullable(),
  size: z.enum(['MICRO', 'SMALL', 'MEDIUM', 'LARGE']),
  staff: z.number().int().nonnegative().max(10_000_000).nullable(),
  revenueFen: Fen.nullable(),
  foundedOn: CalendarDate,
  mainField: z.enum(FIELDS),
  highTech: z.object({ certifiedOn: CalendarDate, validUntil: CalendarDate }).nullable(),
  techSme: z.object({ validUntil: CalendarDate }).nullable(),
  srdi: z.object({ level: z.enum(['NATIONAL', 'MUNICIPAL']), validUntil: CalendarDate }).nullable(),
  creditClean: z.boolean().nullable(),
}) satisfies z.ZodType<EnterpriseFacts>;

/** An enterprise of the registry's listing: its facts and the contact e-mail of its annual report, if any. */
export type RegistryEntry = EnterpriseFacts & { contactEmail: string | null };

/** One page of the registry's listing (ordered by credit code); `nextCursor` is null on the last page. */
export const RegistryPageSchema = z.object({
  items: z.array(EnterpriseFactsSchema.extend({ contactEmail: z.email().max(254).nullable().default(null) })),
  nextCursor: z.string().min(1).max(100).nullable(),
}) satisfies z.ZodType<{ items: RegistryEntry[]; nextCursor: string | null }>;
export type RegistryPage = z.infer<typeof RegistryPageSchema>;

/** The market-regulation registry (市场监管 enterprise registry). */
export interface RegistryClient {
  /** The enterprise's verified facts; null when the registry does not know the code. */
  getEnterprise(creditCode: string): Promise<EnterpriseFacts | null>;
  /** The enterprises after `cursor` (from the start when null), at most `limit` of them, in credit-code order. */
  listEnterprises(page: { cursor: string | null; limit: number }): Promise<RegistryPage>;
}

/** An HTTP client of the registry at `baseUrl`; errors are RetryableServiceError or ServiceError. */
export function createRegistryClient(opts: { baseUrl: string; timeoutMs?: number }): RegistryClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 5000;
  return {
    async getEnterprise(creditCode) {
      const url = `${baseUrl}/enterprises/${encodeURIComponent(creditCode)}`;
      // Facts about another enterprise would be judged as this one's: refused outright.
      return getNamedJson(SERVICE, url, EnterpriseFactsSchema, timeoutMs, {
        asked: creditCode,
        named: (f) => f.creditCode,
      });
    },
    async listEnterprises({ cursor, limit }) {
      const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
      const page = await getJson(
        SERVICE,
        `${baseUrl}/enterprises?${query.toString()}`,
        RegistryPageSchema,
        timeoutMs,
      );
      if (!page) throw new ServiceError(SERVICE, 'has no enterprise listing (HTTP 404)', { status: 404 });
      if (cursor && page.items.some((e) => e.creditCode <= cursor)) {
        throw new ServiceError(SERVICE, `listed enterprises at or before the cursor ${cursor}`, {
          status: 200,
        });
      }
      return page;
    },
  };
}
