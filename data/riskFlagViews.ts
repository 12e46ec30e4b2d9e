import { RISK_FLAG_KINDS, type RiskFlagKind } from '../domain/riskFlags';
import type { Actor } from '../domain/roles';
import { writeAudit } from './audit';
import type { Db, Prisma } from './db';

/**
 * Reading and dismissing the anomaly flags (data/riskFlags.ts computes them). Only staff read them: the
 * evidence names other enterprises. A dismissal is audited (entity `riskFlag`, not on the application's own
 * trail, which its applicant reads).
 */

export interface RiskFlagView {
  id: string;
  applicationId: string;
  kind: RiskFlagKind;
  state: 'open' | 'dismissed';
  reasonZh: string;
  reasonEn: string;
  evidence: unknown;
  createdAt: string;
  dismissedAt: string | null;
  dismissedBy: string | null;
  dismissReason: string | null;
}

type Row = Prisma.RiskFlagGetPayload<object>;

export function presentFlag(f: Row): RiskFlagView {
  return {
    id: f.id,
    applicationId: f.applicationId,
    kind: f.kind as RiskFlagKind,
    state: f.dismissedAt ? 'dismissed' : 'open',
    reasonZh: f.reasonZh,
    reasonEn: f.reasonEn,
    evidence: f.evidence,
    createdAt: f.createdAt.toISOString(),
    dismissedAt: f.dismissedAt?.toISOString() ?? null,
    dismissedBy: f.dismissedBy,
    dismissReason: f.dismissReason,
  };
}

/** The flags of some applications, open ones first, by application. */
export async function flagsOf(db: Db, applicationIds: string[]): Promise<Map<string, RiskFlagView[]>> {
  const rows = applicationIds.length
    ? await db.riskFlag.findMany({
        where: { applicationId: { in: applicationIds } },
        orderBy: [{ dismissedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'asc' }, { id: 'asc' }],
      })
    : [];
  const by = new Map<string, RiskFlagView[]>();
  for (const r of rows) by.set(r.applicationId, [...(by.get(r.applicationId) ?? []), presentFlag(r)]);
  return by;
}

export interface RiskFlagListItem extends RiskFlagView {
  enterpriseName: string;
  creditCode: string;
  status: string;
}

/** The risk list: flags newest first (at most `limit`), and the counts by kind of the same state. */
export async function listFlags(
  db: Db,
  q: { kind?: RiskFlagKind; state: 'open' | 'dismissed'; limit: number },
): Promise<{ items: RiskFlagListItem[]; counts: { kind: RiskFlagKind; count: number }[] }> {
  const state = { dismissedAt: q.state === 'open' ? null : { not: null } };
  const [rows, grouped] = await Promise.all([
    db.riskFlag.findMany({
      where: { ...state, ...(q.kind ? { kind: q.kind } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit,
      include: {
        application: { select: { creditCode: true, status: true, enterprise: { select: { name: true } } } },
      },
    }),
    db.riskFlag.groupBy({ by: ['kind'], where: state, _count: { _all: true } }),
  ]);
  const count = new Map(grouped.map((g) => [g.kind, g._count._all]));
  return {
    items: rows.map(({ application, ...f }) => ({
      ...presentFlag(f),
      enterpriseName: application.enterprise.name,
      creditCode: application.creditCode,
      status: application.status,
    })),
    counts: RISK_FLAG_KINDS.map((kind) => ({ kind, count: count.get(kind) ?? 0 })),
  };
}

export class FlagDismissRefused extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'ALREADY_DISMISSED',
    message: string,
  ) {
    super(message);
  }
}

/** Dismisses an open flag with a reason, audited in the same transaction; a later refresh leaves it dismissed. */
export async function dismissFlag(
  db: Db,
  req: { id: string; reason: string; actor: Actor },
): Promise<RiskFlagView> {
  return db.$transaction(async (tx) => {
    const before = await tx.riskFlag.findUnique({ where: { id: req.id } });
    if (!before) throw new FlagDismissRefused('NOT_FOUND', 'no such flag');
    const { count } = await tx.riskFlag.updateMany({
      where: { id: req.id, dismissedAt: null },
      data: { dismissedAt: new Date(), dismissedBy: req.actor.subject, dismissReason: req.reason },
    });
    if (count === 0) throw new FlagDismissRefused('ALREADY_DISMISSED', 'the flag was dismissed already');
    const after = await tx.riskFlag.findUniqueOrThrow({ where: { id: req.id } });
    await writeAudit(tx, {
      actor: req.actor,
      entity: 'riskFlag',
      entityId: req.id,
      action: 'RISK_FLAG_DISMISSED',
      note: req.reason,
      before: presentFlag(before),
      after: presentFlag(after),
    });
    return presentFlag(after);
  });
}
