import { randomUUID } from 'node:crypto';
import type { RiskFlagKind } from '../domain/riskFlags';
import type { Db, Prisma } from './db';

/** A flag as refreshFlags (data/riskFlags.ts) computes it, before it is stored. */
export interface ComputedFlag {
  applicationId: string;
  kind: RiskFlagKind;
  evidenceKey: string;
  reason: { zh: string; en: string };
  evidence: Prisma.InputJsonObject;
}

/** JSON with its keys sorted (PostgreSQL's jsonb keeps its own key order). */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );

/** Writes the flags: new ones created, open ones whose reason or evidence changed updated, dismissed ones left. */
export async function upsertFlags(db: Db, applicationIds: string[], flags: ComputedFlag[]) {
  const existing = await db.riskFlag.findMany({ where: { applicationId: { in: applicationIds } } });
  const byKey = new Map(existing.map((f) => [`${f.applicationId}|${f.kind}|${f.evidenceKey}`, f]));
  const fresh = flags.filter((f) => !byKey.has(`${f.applicationId}|${f.kind}|${f.evidenceKey}`));
  const { count: created } = await db.riskFlag.createMany({
    data: fresh.map((f) => ({
      id: randomUUID(),
      applicationId: f.applicationId,
      kind: f.kind,
      evidenceKey: f.evidenceKey,
      reasonZh: f.reason.zh,
      reasonEn: f.reason.en,
      evidence: f.evidence,
    })),
    skipDuplicates: true,
  });
  let updated = 0;
  for (const f of flags) {
    const row = byKey.get(`${f.applicationId}|${f.kind}|${f.evidenceKey}`);
    if (!row || row.dismissedAt) continue;
    if (row.reasonZh === f.reason.zh && canonical(row.evidence) === canonical(f.evidence)) continue;
    await db.riskFlag.updateMany({
      where: { id: row.id, dismissedAt: null },
      data: { reasonZh: f.reason.zh, reasonEn: f.reason.en, evidence: f.evidence },
    });
    updated++;
  }
  return { created, updated };
}
