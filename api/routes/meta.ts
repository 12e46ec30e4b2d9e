import { z } from 'zod';
import { buildMeta } from '../../domain/labels';
import { defineRoute } from '../route';

const Labelled = z.object({ code: z.string(), zh: z.string(), en: z.string() });

const MetaResponse = z.object({
  statuses: z.array(
    Labelled.extend({
      final: z.boolean(),
      withdrawable: z.boolean(),
      cancellable: z.boolean(),
      grantHolding: z.boolean(),
      payeeChangeable: z.boolean(),
    }),
  ),
  tracks: z.array(Labelled.extend({ documents: z.array(z.string()) })),
  fields: z.array(Labelled),
  documentTypes: z.array(Labelled),
  queues: z.array(
    Labelled.extend({
      role: z.string(),
      decisions: z.array(z.string()),
      rejectReasons: z.array(z.string()),
      fourEyes: z.boolean(),
      /** The queues whose deciders may not work this one (four-eyes). */
      fourEyesBarredBy: z.array(z.string()),
    }),
  ),
  roles: z.array(Labelled),
  sizes: z.array(Labelled),
  srdiLevels: z.array(Labelled),
  productCategories: z.array(Labelled),
  productKinds: z.array(Labelled),
  steps: z.array(Labelled),
  auditActions: z.array(Labelled),
  auditEntities: z.array(Labelled),
  payeeChangeStates: z.array(Labelled),
  decisionReasons: z.array(Labelled),
  ruleReasons: z.array(z.object({ code: z.string(), blocking: z.boolean() })),
  fourEyesQueues: z.array(z.string()),
  campaignStatuses: z.array(Labelled),
  stuckKinds: z.array(Labelled),
  paymentFailures: z.array(Labelled),
  riskFlagKinds: z.array(Labelled),
  limits: z.object({ documentMaxBytes: z.number().int() }),
});

const META = buildMeta();

export const metaRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/meta',
    summary:
      'The lists of the domain with their Chinese and English names: statuses, tracks, fields, documents per track, queues, reasons',
    tag: 'meta',
    access: 'public',
    response: MetaResponse,
    handler({ deps }) {
      const limits = { documentMaxBytes: deps.config.http.documentMaxBytes };
      return Promise.resolve({
        body: { ...META, limits },
        headers: { 'Cache-Control': 'public, max-age=300' },
      });
    },
  }),
];
