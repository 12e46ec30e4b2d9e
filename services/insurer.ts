import { z } from 'zod';
import type { PolicyFacts } from '../domain/rules/facts';
import { CalendarDate, Fen } from './registry';
import { getJson, ServiceError } from './serviceErrors';

const SERVICE = 'insurer';

/** A policy as the insurer answers it; parsing yields exactly `PolicyFacts`. */
export const PolicyFactsSchema = z.object({
  insurerCode: z.string().min(1).max(32),
  policyNumber: z.string().min(1).max(64),
  creditCode: z.string().min(1),
  productCode: z.string().min(1).max(64),
  startDate: CalendarDate,
  endDate: CalendarDate,
  premiumFen: Fen,
  paidPremiumFen: Fen,
  paidAt: z.iso.datetime({ offset: true }),
  sumInsuredFen: Fen,
}) satisfies z.ZodType<PolicyFacts>;

/** The insurers' policy-verification gateway. */
export interface InsurerClient {
  /** The policy as its insurer knows it; null when the insurer does not know the policy. */
  getPolicy(insurerCode: string, policyNumber: string): Promise<PolicyFacts | null>;
}

/** An HTTP client of the insurer gateway at `baseUrl`; errors are RetryableServiceError or ServiceError. */
export function createInsurerClient(opts: { baseUrl: string; timeoutMs?: number }): InsurerClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 5000;
  return {
    async getPolicy(insurerCode, policyNumber) {
      // Policy numbers may contain `/`: each segment is encoded whole so it stays one path segment.
      const url = `${baseUrl}/policies/${encodeURIComponent(insurerCode)}/${encodeURIComponent(policyNumber)}`;
      const policy = await getJson(SERVICE, url, PolicyFactsSchema, timeoutMs);
      if (policy && (policy.insurerCode !== insurerCode || policy.policyNumber !== policyNumber)) {
        throw new ServiceError(
          SERVICE,
          `answered for ${policy.insurerCode}/${policy.policyNumber} when asked for ${insurerCode}/${policyNumber}`,
          { status: 200 },
        );
      }
      return policy;
    },
  };
}
