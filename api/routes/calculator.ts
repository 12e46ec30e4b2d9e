import { z } from 'zod';
import type { Config } from '../../config';
import type { Caller } from '../../domain/roles';
import { TRACKS } from '../../domain/status';
import { calculate, EnterpriseNotFound } from '../../data/eligibility';
import { createRegistryClient, type RegistryClient } from '../../services/registry';
import { RetryableServiceError, ServiceError } from '../../services/serviceErrors';
import { HttpError, unprocessable } from '../errors';
import { defineRoute } from '../route';
import { Fen as FenAnswer } from '../responses';
import { readScope } from '../scope';
import {
  CreditCode,
  DeclaredFactsFields,
  declaredQualifications,
  Fen,
  IsoDate,
  qualificationsTogether,
} from '../schemas';

/** What an enterprise declares about itself: the facts of `PUT /enterprises/{creditCode}` the rules judge. */
const DeclaredFacts = z.object(DeclaredFactsFields).superRefine(qualificationsTogether);

const CalculatorBody = z
  .object({
    /**
     * The enterprise; without `facts` its facts come from the registry, with them its grants of the year are
     * counted. Only for the applicant bound to this code, or staff: anonymous callers get 401.
     */
    creditCode: CreditCode.optional().meta({
      description:
        'Only with a token: the applicant bound to this code, or staff (reviewer, expert, approver, finance, ' +
        'admin). Without a token: 401 naming body.creditCode; another applicant or a bank: 403. Declared ' +
        'facts alone need no token.',
    }),
    /** Declared facts, judged instead of the registry's (the precheck verifies them later). */
    facts: DeclaredFacts.optional(),
    plannedPremiumFen: Fen.positive(),
    /** The catalog product to be bought; unset: the product that gives the most on each track. */
    productCode: z
      .string()
      .regex(/^[A-Za-z0-9_-]{2,64}$/, 'must be 2-64 letters, digits, _ or -')
      .optional(),
    /** Planned start of the policy; unset: today (Asia/Shanghai). */
    policyStartDate: IsoDate.optional(),
  })
  .superRefine((b, ctx) => {
    if (!b.creditCode && !b.facts) {
      ctx.addIssue({
        code: 'custom',
        path: ['creditCode'],
        message: 'give the credit code (facts from the registry) or the declared facts',
      });
    }
  });

const Reason = z.object({
  code: z.string(),
  blocking: z.boolean(),
  zh: z.string(),
  en: z.string(),
  detail: z.record(z.string(), z.union([z.string(), z.number()])),
});

const CalculatorAnswer = z.object({
  creditCode: z.string().nullable(),
  enterpriseName: z.string(),
  factsSource: z.enum(['registry', 'declared']),
  programYear: z.number().int(),
  evaluatedAt: z.string(),
  policyStartDate: z.string(),
  plannedPremiumFen: FenAnswer,
  tracks: z.array(
    z.object({
      track: z.enum(TRACKS),
      eligible: z.boolean(),
      productCode: z.string().nullable(),
      reasons: z.array(Reason),
      subsidyYear: z.number().int(),
      baseFen: FenAnswer,
      rateBp: z.number().int(),
      computedFen: FenAnswer,
      estimatedFen: FenAnswer,
      annualCapFen: FenAnswer,
      usedCapFen: FenAnswer,
      remainingCapFen: FenAnswer,
    }),
  ),
});

/** The registry client of a configuration: the precheck's client, created once per process. */
const registries = new WeakMap<Config, RegistryClient>();
function registryOf(config: Config): RegistryClient {
  let client = registries.get(config);
  if (!client) {
    client = createRegistryClient({
      baseUrl: config.services.registryUrl,
      timeoutMs: config.services.timeoutMs,
    });
    registries.set(config, client);
  }
  return client;
}

const REGISTRY_RULE =
  'the registry and the enterprise’s grants are consulted only for the applicant bound to this code or for ' +
  'staff; declare the facts (facts) without a credit code instead';

/**
 * Who may name an enterprise by its credit code (its registry facts: credit record, qualifications, subsidy
 * already used): its own applicant, and staff who may see applications at all. Anyone may ask for declared facts.
 */
function mayNameEnterprise(actor: Caller | null, creditCode: string): void {
  const refuse = (status: 401 | 403, message: string) =>
    new HttpError(status, status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message, [
      { path: 'body.creditCode', message },
    ]);
  if (!actor) throw refuse(401, `sign in to use creditCode: ${REGISTRY_RULE}`);
  const staff = actor.role !== 'applicant' && actor.role !== 'bank';
  if (
    actor.role === 'applicant'
      ? actor.creditCode === creditCode
      : staff && readScope(actor).kind !== 'nothing'
  )
    return;
  throw refuse(403, `you may not use this creditCode: ${REGISTRY_RULE}`);
}

/** 政策计算器: what each track would give, by the precheck's own rules, before anyone applies. */
export const calculatorRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/calculator',
    summary:
      'Eligibility calculator: for each track, eligibility with the precheck’s reasons, the estimated subsidy and the remaining annual cap (writes nothing)',
    description:
      'Public for declared facts (facts, without creditCode). With creditCode it reads the registry (or, with ' +
      'facts, counts the enterprise’s grants of the year) only for the applicant bound to that code or for ' +
      'staff: an anonymous caller gets 401 UNAUTHORIZED and another applicant or a bank 403 FORBIDDEN, both ' +
      'naming body.creditCode, before anything is looked up.',
    tag: 'calculator',
    access: 'public',
    rateLimited: true,
    body: CalculatorBody,
    response: CalculatorAnswer,
    errors: [401, 403, 422, 429, 503],
    async handler({ body, actor, deps }) {
      if (body.creditCode) mayNameEnterprise(actor, body.creditCode);
      try {
        const answer = await calculate(
          { db: deps.db, registry: registryOf(deps.config) },
          {
            creditCode: body.creditCode ?? null,
            declared: body.facts
              ? {
                  name: body.facts.name,
                  district: body.facts.district,
                  size: body.facts.size,
                  foundedOn: body.facts.foundedOn,
                  mainField: body.facts.mainField,
                  ...declaredQualifications(body.facts),
                }
              : null,
            plannedPremiumFen: body.plannedPremiumFen,
            productCode: body.productCode ?? null,
            policyStartDate: body.policyStartDate ?? null,
          },
        );
        return { body: answer };
      } catch (err) {
        if (err instanceof EnterpriseNotFound) {
          throw unprocessable('ENTERPRISE_NOT_FOUND', err.message, [
            { path: 'body.creditCode', message: 'the enterprise registry does not know this credit code' },
          ]);
        }
        if (err instanceof RetryableServiceError || err instanceof ServiceError) {
          deps.logger.warn({ err }, 'calculator: registry unavailable');
          throw new HttpError(
            503,
            'REGISTRY_UNAVAILABLE',
            'the enterprise registry is unavailable; try again later, or declare the facts',
          );
        }
        throw err;
      }
    },
  }),
];
