import { DEAD_STATUSES } from '../domain/status';
import type { DocumentType } from '../domain/documents';
import {
  type CatalogProduct,
  type EnterpriseFacts,
  type PolicyFacts,
  type PriorApplication,
} from '../domain/rules';
import type { Db } from '../data/db';
import type { InsurerClient } from '../services/insurer';
import {
  catalogProduct,
  declaredEnterpriseFacts,
  declaredPolicyFacts,
  priorApplications,
} from '../data/eligibility';
import type { RegistryClient } from '../services/registry';
import { callService } from './serviceCall';

export interface PrecheckDeps {
  db: Db;
  registry: RegistryClient;
  insurer: InsurerClient;
}

/** Everything the rules need from our own records, read in one go. */
export interface PrecheckContext {
  submittedAt: string;
  declaredEnterprise: EnterpriseFacts;
  declaredPolicy: PolicyFacts;
  documents: DocumentType[];
  history: PriorApplication[];
  policyInOtherLiveApplication: boolean;
}

export function createPrecheckActivities(deps: PrecheckDeps) {
  const { db } = deps;
  return {
    /** The registry's facts of an enterprise; null when the registry does not know it. */
    lookupEnterprise(creditCode: string): Promise<EnterpriseFacts | null> {
      return callService('registry', () => deps.registry.getEnterprise(creditCode));
    },

    /** The insurer's record of a policy; null when the insurer has no such policy. */
    lookupPolicy(insurerCode: string, policyNumber: string): Promise<PolicyFacts | null> {
      return callService('insurer', () => deps.insurer.getPolicy(insurerCode, policyNumber));
    },

    loadProduct(productCode: string): Promise<CatalogProduct | null> {
      return catalogProduct(db, productCode);
    },

    async loadPrecheckContext(applicationId: string): Promise<PrecheckContext> {
      const app = await db.application.findUniqueOrThrow({
        where: { id: applicationId },
        include: { enterprise: true, documents: { select: { type: true } } },
      });
      const [history, otherLive] = await Promise.all([
        priorApplications(db, app.creditCode, app.id),
        db.application.count({
          where: {
            id: { not: app.id },
            insurerCode: app.insurerCode,
            policyNumber: app.policyNumber,
            status: { notIn: [...DEAD_STATUSES] },
          },
        }),
      ]);
      return {
        submittedAt: app.createdAt.toISOString(),
        declaredEnterprise: declaredEnterpriseFacts(app.enterprise),
        declaredPolicy: declaredPolicyFacts(app),
        documents: [...new Set(app.documents.map((d) => d.type as DocumentType))],
        history,
        policyInOtherLiveApplication: otherLive > 0,
      };
    },
  };
}
