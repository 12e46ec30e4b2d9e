import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Actor } from '../domain/roles';
import {
  drawSample,
  quarterBounds,
  type ChecklistAnswers,
  type Member,
  type VisitResultInput,
} from '../domain/siteVisits';
import { writeAudit } from './audit';
import type { Db, Prisma } from './db';

/**
 * The quarter's site-visit sample (domain/siteVisits.ts draws it) and its visits: created once per quarter
 * (a second run creates nothing), recomputed for an auditor from the recorded seed and today's population,
 * and the visits' results recorded by the street office (audited).
 */

/** The applications disbursed in the quarter (Beijing days), sorted by id. */
export async function paidPopulation(db: Db, quarter: string): Promise<Member[]> {
  const { from, to } = quarterBounds(quarter);
  const rows = await db.application.findMany({
    where: { disbursedAt: { gte: from, lt: to } },
    select: { id: true, track: true, reviewOrg: true },
    orderBy: { id: 'asc' },
  });
  return rows.map((r) => ({ id: r.id, track: r.track, office: r.reviewOrg }));
}

/** SHA-256 (hex) of the population's ids in code-unit order, one a line. */
export function populationHash(population: readonly Pick<Member, 'id'>[]): string {
  const ids = population.map((m) => m.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(ids.join('\n')).digest('hex');
}

const sampleView = (
  s: Prisma.SiteVisitSampleGetPayload<object>,
  visits: { state: string; result: string | null }[],
) => ({
  quarter: s.quarter,
  seed: s.seed,
  rate: s.rate,
  populationCount: s.populationCount,
  populationHash: s.populationHash,
  createdAt: s.createdAt.toISOString(),
  createdBy: s.createdBy,
  visits: visits.length,
  visited: visits.filter((v) => v.state === 'DONE').length,
  passed: visits.filter((v) => v.result === 'PASSED').length,
  failed: visits.filter((v) => v.result === 'FAILED').length,
});
export type SampleView = ReturnType<typeof sampleView>;

/**
 * Draws and stores the quarter's sample and its visits, or returns the one stored (`created: false`): one per
 * quarter, whoever runs it and however often (the table's key is the quarter).
 */
export async function createSample(
  db: Db,
  input: { quarter: string; rate: number; actor: Actor; seed?: string },
): Promise<{ created: boolean; sample: SampleView }> {
  const existing = await getSample(db, input.quarter);
  if (existing) return { created: false, sample: existing };
  const population = await paidPopulation(db, input.quarter);
  const seed = input.seed ?? randomBytes(4).toString('hex');
  const picked = drawSample(population, seed, input.rate);
  try {
    await db.$transaction(async (tx) => {
      const sample = await tx.siteVisitSample.create({
        data: {
          quarter: input.quarter,
          seed,
          rate: input.rate,
          populationCount: population.length,
          populationHash: populationHash(population),
          createdBy: input.actor.subject,
        },
      });
      await tx.siteVisit.createMany({
        data: picked.map((m) => ({
          id: randomUUID(),
          quarter: input.quarter,
          applicationId: m.id,
          track: m.track,
          office: m.office,
        })),
      });
      await writeAudit(tx, {
        actor: input.actor,
        entity: 'siteVisit',
        entityId: input.quarter,
        action: 'SITE_VISIT_SAMPLE_CREATED',
        before: null,
        after: { ...sample, applicationIds: picked.map((m) => m.id) },
      });
    });
  } catch (err) {
    // Another run stored the quarter's sample first: that one stands.
    if ((err as { code?: string }).code !== 'P2002') throw err;
    return { created: false, sample: (await getSample(db, input.quarter))! };
  }
  return { created: true, sample: (await getSample(db, input.quarter))! };
}

export async function getSample(db: Db, quarter: string): Promise<SampleView | null> {
  const s = await db.siteVisitSample.findUnique({
    where: { quarter },
    include: { visits: { select: { state: true, result: true } } },
  });
  return s ? sampleView(s, s.visits) : null;
}

export async function listSamples(db: Db): Promise<SampleView[]> {
  const rows = await db.siteVisitSample.findMany({
    orderBy: { quarter: 'desc' },
    include: { visits: { select: { state: true, result: true } } },
  });
  return rows.map((s) => sampleView(s, s.visits));
}

/**
 * Recomputes a stored sample from its seed and rate over the quarter's population as it is now: `matches` when
 * the population (count and hash) and the drawn applications are the ones stored.
 */
export async function verifySample(db: Db, quarter: string) {
  const sample = await db.siteVisitSample.findUnique({
    where: { quarter },
    include: { visits: { select: { applicationId: true } } },
  });
  if (!sample) return null;
  const population = await paidPopulation(db, quarter);
  const recomputed = drawSample(population, sample.seed, sample.rate).map((m) => m.id);
  const stored = sample.visits.map((v) => v.applicationId).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = populationHash(population);
  const populationMatches = hash === sample.populationHash && population.length === sample.populationCount;
  const sampleMatches = recomputed.length === stored.length && recomputed.every((id, i) => id === stored[i]);
  return {
    quarter,
    seed: sample.seed,
    rate: sample.rate,
    matches: populationMatches && sampleMatches,
    populationMatches,
    sampleMatches,
    stored: {
      populationCount: sample.populationCount,
      populationHash: sample.populationHash,
      applicationIds: stored,
    },
    recomputed: { populationCount: population.length, populationHash: hash, applicationIds: recomputed },
  };
}

const visitInclude = {
  application: { select: { enterprise: { select: { name: true } }, creditCode: true } },
} as const;
type VisitRow = Prisma.SiteVisitGetPayload<{ include: typeof visitInclude }>;

const visitView = (v: VisitRow) => ({
  id: v.id,
  quarter: v.quarter,
  applicationId: v.applicationId,
  creditCode: v.application.creditCode,
  enterpriseName: v.application.enterprise.name,
  track: v.track,
  office: v.office,
  state: v.state as 'OPEN' | 'DONE',
  checklist: (v.checklist ?? null) as ChecklistAnswers | null,
  result: v.result as VisitResultInput['result'] | null,
  note: v.note,
  recoveryRequested: v.recoveryRequested,
  visitedAt: v.visitedAt?.toISOString() ?? null,
  visitor: v.visitor,
  createdAt: v.createdAt.toISOString(),
});
export type VisitView = ReturnType<typeof visitView>;

/** Visits, open first then by quarter (newest) and application; `office` limits them to a street office. */
export async function listVisits(
  db: Db,
  filter: { office?: string; quarter?: string; state?: 'OPEN' | 'DONE'; limit: number },
): Promise<VisitView[]> {
  const rows = await db.siteVisit.findMany({
    where: {
      ...(filter.office !== undefined ? { office: filter.office } : {}),
      ...(filter.quarter ? { quarter: filter.quarter } : {}),
      ...(filter.state ? { state: filter.state } : {}),
    },
    include: visitInclude,
    orderBy: [{ state: 'desc' }, { quarter: 'desc' }, { applicationId: 'asc' }],
    take: filter.limit,
  });
  return rows.map(visitView);
}

export async function getVisit(db: Db, id: string): Promise<VisitView | null> {
  const v = await db.siteVisit.findUnique({ where: { id }, include: visitInclude });
  return v ? visitView(v) : null;
}

export class VisitResultRefused extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'NOT_YOURS' | 'ALREADY_RECORDED',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Records a visit's result (once), by a reviewer of the visit's office, audited in the same transaction.
 * The rules of the result itself (domain `visitResultIssues`) are checked by the caller.
 */
export async function recordVisitResult(
  db: Db,
  input: VisitResultInput & { id: string; actor: Actor },
): Promise<VisitView> {
  await db.$transaction(async (tx) => {
    const before = await tx.siteVisit.findUnique({ where: { id: input.id } });
    if (!before) throw new VisitResultRefused('NOT_FOUND', 'site visit not found');
    if (input.actor.role !== 'reviewer' || !before.office || input.actor.org !== before.office)
      throw new VisitResultRefused('NOT_YOURS', 'this site visit belongs to another office');
    const done = await tx.siteVisit.updateMany({
      where: { id: input.id, state: 'OPEN' },
      data: {
        state: 'DONE',
        checklist: input.checklist,
        result: input.result,
        note: input.note ?? null,
        recoveryRequested: input.recoveryRequested,
        visitedAt: new Date(),
        visitor: input.actor.subject,
      },
    });
    if (done.count === 0)
      throw new VisitResultRefused('ALREADY_RECORDED', 'this site visit’s result is already recorded');
    const after = await tx.siteVisit.findUniqueOrThrow({ where: { id: input.id } });
    await writeAudit(tx, {
      actor: input.actor,
      entity: 'siteVisit',
      entityId: input.id,
      action: 'SITE_VISIT_RECORDED',
      note: input.note,
      before,
      after,
    });
  });
  return (await getVisit(db, input.id))!;
}

/** The visits of a year's four quarters by track (a track with none sampled is left out). */
export async function visitResultsOfYear(db: Db, year: number) {
  const rows = await db.siteVisit.groupBy({
    by: ['track', 'state', 'result'],
    where: { quarter: { in: [1, 2, 3, 4].map((q) => `${year}Q${q}`) } },
    _count: { _all: true },
  });
  const byTrack = new Map<
    string,
    {
      track: (typeof rows)[number]['track'];
      sampled: number;
      visited: number;
      passed: number;
      failed: number;
      notReachable: number;
    }
  >();
  for (const r of rows) {
    const t = byTrack.get(r.track) ?? {
      track: r.track,
      sampled: 0,
      visited: 0,
      passed: 0,
      failed: 0,
      notReachable: 0,
    };
    const n = r._count._all;
    t.sampled += n;
    if (r.state === 'DONE') t.visited += n;
    if (r.result === 'PASSED') t.passed += n;
    if (r.result === 'FAILED') t.failed += n;
    if (r.result === 'NOT_REACHABLE') t.notReachable += n;
    byTrack.set(r.track, t);
  }
  return [...byTrack.values()];
}
export type VisitResultsOfYear = Awaited<ReturnType<typeof visitResultsOfYear>>;
