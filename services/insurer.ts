import { z } from 'zod';
import type { PolicyFacts } from '../domain/rules/facts';
import { CalendarDate, Fen } from './registry';
import { getJson, getNamedJson, ServiceError } from './serviceErrors';

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

export const POLICY_CHANGE_KINDS = ['CANCELLATION', 'REFUND', 'ENDORSEMENT'] as const;
export type PolicyChangeKind = (typeof POLICY_CHANGE_KINDS)[number];

/** A signed amount of fen (an endorsement may raise or lower the premium). */
const SignedFen = z
  .number()
  .int('must be an integer number of fen')
  .min(-Number.MAX_SAFE_INTEGER)
  .max(Number.MAX_SAFE_INTEGER);

/**
 * A change of a policy the insurer recorded after it was issued: a cancellation (退保), a partial premium refund
 * or an endorsement (批改) that changes the premium. `premiumDeltaFen` is the change of the paid premium (negative
 * when money went back to the enterprise), `paidPremiumAfterFen` the paid premium once it applied.
 */
export const PolicyChangeSchema = z.object({
  /** The insurer's own id of the change, unique at that insurer. */
  id: z.string().min(1).max(64),
  kind: z.enum(POLICY_CHANGE_KINDS),
  /** The Beijing day the change takes effect (a cancellation's date). */
  effectiveDate: CalendarDate,
  premiumDeltaFen: SignedFen,
  paidPremiumAfterFen: Fen,
  recordedAt: z.iso.datetime({ offset: true }),
});
export type PolicyChange = z.infer<typeof PolicyChangeSchema>;

const PolicyChangesSchema = z.object({
  insurerCode: z.string().min(1).max(32),
  policyNumber: z.string().min(1).max(64),
  changes: z.array(PolicyChangeSchema).max(1000),
});

/** The insurers' policy-verification gateway. */
export interface InsurerClient {
  /** The policy as its insurer knows it; null when the insurer does not know the policy. */
  getPolicy(insurerCode: string, policyNumber: string): Promise<PolicyFacts | null>;
  /** The changes recorded for the policy, oldest first; null when the insurer does not know the policy. */
  getPolicyChanges(insurerCode: string, policyNumber: string): Promise<PolicyChange[] | null>;
}

const policyPath = (insurerCode: string, policyNumber: string): string =>
  // Policy numbers may contain `/`: each segment is encoded whole so it stays one path segment.
  `/policies/${encodeURIComponent(insurerCode)}/${encodeURIComponent(policyNumber)}`;

/** An HTTP client of the insurer gateway at `baseUrl`; errors are RetryableServiceError or ServiceError. */
export function createInsurerClient(opts: { baseUrl: string; timeoutMs?: number }): InsurerClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 5000;
  return {
    async getPolicy(insurerCode, policyNumber) {
      const url = baseUrl + policyPath(insurerCode, policyNumber);
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
    async getPolicyChanges(insurerCode, policyNumber) {
      const url = `${baseUrl}${policyPath(insurerCode, policyNumber)}/changes`;
      const answer = await getNamedJson(SERVICE, url, PolicyChangesSchema, timeoutMs, {
        asked: `${insurerCode}/${policyNumber}`,
        named: (a) => `${a.insurerCode}/${a.policyNumber}`,
      });
      if (!answer) return null;
      return [...answer.changes].sort((a, b) => Date.parse(a.recordedAt) - Date.parse(b.recordedAt));
    },
  };
}
