import { shanghaiDate, shanghaiYear } from '../domain/calendar';
import { fromDbFen } from '../domain/money';
import { defaultProgram, withProgramDefaults, type ProgramConfig } from '../domain/program';
import {
  declaredFacts,
  evaluate,
  type CatalogProduct,
  type DeclaredEnterprise,
  type EnterpriseFacts,
  type PolicyFacts,
  type PriorApplication,
  type Reason,
  type RulesResult,
  type SrdiLevel,
} from '../domain/rules';
import type { Field } from '../domain/fields';
import type { Application, Enterprise } from '../prisma/generated/client';
import { TRACKS, type Track } from '../domain/status';
import type { Db } from './db';
import { toCatalogProduct } from './programs';
import type { RegistryClient } from '../services/registry';

/**
 * The facts the rules judge, gathered one way for the precheck (activities/precheck.ts) and the eligibility
 * calculator, and the calculator itself: `evaluate()` of domain/rules on an application that would be
 * submitted now.
 */

/** The enterprise's applications (all but `exceptId`) as the rules count them: annual caps, inclusive years. */
export async function priorApplications(
  db: Db,
  creditCode: string,
  exceptId?: string,
): Promise<PriorApplication[]> {
  const rows = await db.application.findMany({
    where: { creditCode, ...(exceptId === undefined ? {} : { id: { not: exceptId } }) },
    select: { id: true, track: true, status: true, subsidyYear: true, grantedFen: true },
  });
  return rows.map((h) => ({
    id: h.id,
    track: h.track,
    status: h.status,
    subsidyYear: h.subsidyYear,
    grantedFen: fromDbFen(h.grantedFen),
  }));
}

const dayOrNull = (d: Date | null): string | null => (d ? shanghaiDate(d) : null);

/** The facts an enterprise declared (its profile row), in the registry's shape. */
export function declaredEnterpriseFacts(e: Enterprise): EnterpriseFacts {
  return declaredFacts({
    creditCode: e.creditCode,
    name: e.name,
    district: e.district,
    size: e.size,
    foundedOn: shanghaiDate(e.foundedOn),
    mainField: e.mainField as Field,
    techSmeValidUntil: dayOrNull(e.techSmeValidUntil),
    highTechCertifiedOn: dayOrNull(e.highTechCertifiedOn),
    highTechValidUntil: dayOrNull(e.highTechValidUntil),
    srdiLevel: e.srdiLevel as SrdiLevel | null,
    srdiValidUntil: dayOrNull(e.srdiValidUntil),
  });
}

/** The policy an application declares, in the insurer's shape; the payment date is the day it was paid. */
export function declaredPolicyFacts(app: Application): PolicyFacts {
  return {
    insurerCode: app.insurerCode,
    policyNumber: app.policyNumber,
    creditCode: app.creditCode,
    productCode: app.productCode,
    startDate: shanghaiDate(app.policyStartDate),
    endDate: shanghaiDate(app.policyEndDate),
    premiumFen: fromDbFen(app.premiumFen),
    paidPremiumFen: fromDbFen(app.paidPremiumFen),
    paidAt: shanghaiDate(app.paidAt),
    sumInsuredFen: fromDbFen(app.sumInsuredFen),
  };
}

/** A product of the catalog as the rules judge it; null when the catalog has none. */
export async function catalogProduct(db: Db, productCode: string): Promise<CatalogProduct | null> {
  const row = await db.catalogProduct.findUnique({ where: { productCode } });
  return row && toCatalogProduct(row);
}

/** The registry does not know the credit code. */
export class EnterpriseNotFound extends Error {
  constructor(readonly creditCode: string) {
    super(`the enterprise registry does not know ${creditCode}`);
  }
}

export interface CalculatorRequest {
  /** The enterprise: its facts come from the registry, unless `declared` is given. */
  creditCode: string | null;
  /** Facts the enterprise declares (the shape of `PUT /enterprises`), judged instead of the registry's. */
  declared: Omit<DeclaredEnterprise, 'creditCode'> | null;
  plannedPremiumFen: number;
  /** The product to be bought; unset: the catalog product that gives the most on each track. */
  productCode: string | null;
  /** Planned start of the policy; unset: today (Asia/Shanghai). */
  policyStartDate: string | null;
}

export interface TrackEstimate {
  track: Track;
  eligible: boolean;
  /** The product judged (the one asked for, or the best of the catalog); null when there is none. */
  productCode: string | null;
  reasons: Reason[];
  subsidyYear: number;
  baseFen: number;
  rateBp: number;
  computedFen: number;
  /** What would be granted now: the computed amount within the remaining annual cap; 0 when not eligible. */
  estimatedFen: number;
  annualCapFen: number;
  usedCapFen: number;
  remainingCapFen: number;
}

export interface CalculatorAnswer {
  creditCode: string | null;
  enterpriseName: string;
  factsSource: 'registry' | 'declared';
  programYear: number;
  evaluatedAt: string;
  policyStartDate: string;
  plannedPremiumFen: number;
  tracks: TrackEstimate[];
}

/** A year's programme as `programFor` answers it, without storing the defaults: an estimate writes nothing. */
async function programForEstimate(db: Db, year: number): Promise<ProgramConfig> {
  const stored = await db.program.findUnique({ where: { year } });
  return stored
    ? withProgramDefaults(year, stored.config as unknown as Partial<ProgramConfig>)
    : defaultProgram(year);
}

/** The day before the same day a year later: the usual one-year policy. */
function oneYearFrom(start: string): string {
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Eligible first, then the larger grant, then fewer blocking reasons; else the earlier candidate. */
function better(a: RulesResult, b: RulesResult): boolean {
  if (a.eligible !== b.eligible) return a.eligible;
  if (a.grantFen !== b.grantFen) return a.grantFen > b.grantFen;
  const blocking = (r: RulesResult) => r.reasons.filter((x) => x.blocking).length;
  return blocking(a) < blocking(b);
}

async function enterpriseFacts(
  registry: RegistryClient,
  req: CalculatorRequest,
): Promise<{ facts: EnterpriseFacts; source: CalculatorAnswer['factsSource'] }> {
  if (req.declared) {
    return {
      facts: declaredFacts({ ...req.declared, creditCode: req.creditCode ?? '' }),
      source: 'declared',
    };
  }
  const facts = await registry.getEnterprise(req.creditCode!);
  if (!facts) throw new EnterpriseNotFound(req.creditCode!);
  return { facts, source: 'registry' };
}

/**
 * What each track would give an application submitted now for a policy of `plannedPremiumFen`, paid now:
 * the precheck's rules on the registry's (or the declared) facts, the catalog and the enterprise's grants.
 * Reads only. Registry failures are thrown as they come (RetryableServiceError, ServiceError).
 */
export async function calculate(
  deps: { db: Db; registry: RegistryClient },
  req: CalculatorRequest,
  now: Date = new Date(),
): Promise<CalculatorAnswer> {
  const { db } = deps;
  const { facts, source } = await enterpriseFacts(deps.registry, req);
  const creditCode = req.creditCode ?? '';
  const programYear = shanghaiYear(now);
  const [program, history, products] = await Promise.all([
    programForEstimate(db, programYear),
    creditCode ? priorApplications(db, creditCode) : Promise.resolve([]),
    req.productCode
      ? catalogProduct(db, req.productCode).then((p) => [p])
      : db.catalogProduct
          .findMany({ orderBy: { productCode: 'asc' } })
          .then((rows) => (rows.length ? rows.map(toCatalogProduct) : [null])),
  ]);
  const startDate = req.policyStartDate ?? shanghaiDate(now);
  const submittedAt = now.toISOString();
  const policyFor = (product: CatalogProduct | null): PolicyFacts => ({
    insurerCode: product?.insurerCode ?? '',
    policyNumber: '(planned)',
    creditCode,
    productCode: product?.productCode ?? req.productCode ?? '',
    startDate,
    endDate: oneYearFrom(startDate),
    premiumFen: req.plannedPremiumFen,
    paidPremiumFen: req.plannedPremiumFen,
    paidAt: submittedAt,
    sumInsuredFen: 0,
  });

  const tracks = TRACKS.map((track): TrackEstimate => {
    let best: { product: CatalogProduct | null; result: RulesResult } | null = null;
    for (const product of products) {
      const policy = policyFor(product);
      const result = evaluate({
        track,
        creditCode,
        submittedAt,
        program,
        enterprise: { registry: facts, declared: facts },
        policy: { insurer: policy, declared: policy },
        product,
        documents: null,
        history,
        policyInOtherLiveApplication: false,
      });
      if (!best || better(result, best.result)) best = { product, result };
    }
    const { product, result: r } = best!;
    return {
      track,
      eligible: r.eligible,
      productCode: product?.productCode ?? null,
      reasons: r.reasons,
      subsidyYear: r.subsidyYear,
      baseFen: r.baseFen,
      rateBp: r.rateBp,
      computedFen: r.computedFen,
      estimatedFen: r.grantFen,
      annualCapFen: r.annualCapFen,
      usedCapFen: r.usedCapFen,
      remainingCapFen: r.remainingCapFen,
    };
  });

  return {
    creditCode: req.creditCode,
    enterpriseName: facts.name,
    factsSource: source,
    programYear,
    evaluatedAt: submittedAt,
    policyStartDate: startDate,
    plannedPremiumFen: req.plannedPremiumFen,
    tracks,
  };
}
