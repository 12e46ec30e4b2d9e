/** Response schemas of the site visits (实地走访, api/routes/siteVisits.ts), for the OpenAPI document. */
import { z } from 'zod';
import { CHECKLIST_ITEMS, VISIT_RESULTS } from '../domain/siteVisits';
import { Instant } from './responses';

const SiteVisitCounts = {
  visits: z.number().int(),
  visited: z.number().int(),
  passed: z.number().int(),
  failed: z.number().int(),
};
export const SiteVisitSample = z.object({
  quarter: z.string(),
  seed: z.string().describe('8 hex digits: the 32-bit seed of the mulberry32 stream'),
  rate: z.number(),
  populationCount: z.number().int(),
  populationHash: z.string().describe('SHA-256 (hex) of the population’s ids in code-unit order, one a line'),
  createdAt: Instant,
  createdBy: z.string(),
  ...SiteVisitCounts,
});
export const SiteVisitSampleList = z.object({ items: z.array(SiteVisitSample) });
const SampleFacts = z.object({
  populationCount: z.number().int(),
  populationHash: z.string(),
  applicationIds: z.array(z.string()),
});
export const SiteVisitVerification = z.object({
  quarter: z.string(),
  seed: z.string(),
  rate: z.number(),
  matches: z.boolean(),
  populationMatches: z.boolean(),
  sampleMatches: z.boolean(),
  stored: SampleFacts,
  recomputed: SampleFacts,
});
export const SiteVisit = z.object({
  id: z.string(),
  quarter: z.string(),
  applicationId: z.string(),
  creditCode: z.string(),
  enterpriseName: z.string(),
  track: z.string(),
  office: z.string().nullable(),
  state: z.enum(['OPEN', 'DONE']),
  checklist: z
    .partialRecord(z.enum(CHECKLIST_ITEMS), z.object({ ok: z.boolean(), note: z.string().optional() }))
    .nullable(),
  result: z.enum(VISIT_RESULTS).nullable(),
  note: z.string().nullable(),
  recoveryRequested: z.boolean(),
  visitedAt: Instant.nullable(),
  visitor: z.string().nullable(),
  createdAt: Instant,
});
export const SiteVisitList = z.object({ items: z.array(SiteVisit) });
