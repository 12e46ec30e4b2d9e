import { randomUUID } from 'node:crypto';
import { fromDbFen } from '../domain/money';
import { recoveryFor, type RecoveryRuleConfig } from '../domain/recovery';
import { SYSTEM_ACTOR, type Actor } from '../domain/roles';
import type { PolicyChange } from '../services/insurer';
import { Prisma, type Db, type Tx } from './db';

/**
 * Recovery cases (追回, domain/recovery.ts for the rule): opened once per source, each change of the case
 * audited on its application (so it enters the application's hash chain). Repayments and waivers are in
 * data/recoveryRepayments.ts; the case's workflow (workflows/recovery) only notices, reminds and escalates.
 */

export type RecoverySource = 'INSURER_CHANGE' | 'SITE_VISIT';

export interface OpenRecoveryCase {
  applicationId: string;
  source: RecoverySource;
  /** Unique per source: `<insurerCode>:<change id>` for an insurer's change, the visit's id for a site visit. */
  sourceRef: string;
  amountFen: number;
  ruleZh: string;
  ruleEn: string;
  change?: PolicyChange;
}

export const recoveryWorkflowId = (caseId: string): string => `recovery-${caseId}`;

export class RecoveryExceedsGrant extends Error {
  constructor(
    readonly applicationId: string,
    readonly openFen: number,
  ) {
    super(`application ${applicationId} has only ${openFen} fen of its grant left to recover`);
    this.name = 'RecoveryExceedsGrant';
  }
}

/** Locks the application's row: cases of one application are opened one at a time (their sum stays ≤ grant). */
async function lockApplication(tx: Tx, applicationId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Application" WHERE id = ${applicationId} FOR UPDATE`;
}

async function claimedFen(tx: Tx, applicationId: string): Promise<number> {
  const sum = await tx.recoveryCase.aggregate({ _sum: { amountFen: true }, where: { applicationId } });
  return fromDbFen(sum._sum.amountFen ?? 0n);
}

/** An audit entry of the application's trail, once per key (a retried step adds nothing). */
export async function auditRecovery(
  tx: Tx,
  e: { key: string; applicationId: string; actor: Actor; action: string; note?: string; data: unknown },
): Promise<void> {
  await tx.auditEvent.createMany({
    data: [
      {
        key: e.key,
        applicationId: e.applicationId,
        at: new Date(),
        actor: e.actor.subject,
        actorRole: e.actor.role,
        action: e.action,
        note: e.note ?? null,
        data: JSON.parse(JSON.stringify(e.data)) as Prisma.InputJsonValue,
      },
    ],
    skipDuplicates: true,
  });
}

async function openIn(
  tx: Tx,
  input: OpenRecoveryCase,
): Promise<{ id: string; workflowId: string; created: boolean }> {
  const known = await tx.recoveryCase.findUnique({
    where: { source_sourceRef: { source: input.source, sourceRef: input.sourceRef } },
  });
  if (known) return { id: known.id, workflowId: known.workflowId, created: false };
  const app = await tx.application.findUniqueOrThrow({
    where: { id: input.applicationId },
    select: { grantedFen: true, programYear: true },
  });
  const reservation = await tx.reservation.findUnique({ where: { applicationId: input.applicationId } });
  const openFen = fromDbFen(app.grantedFen ?? 0n) - (await claimedFen(tx, input.applicationId));
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0 || input.amountFen > openFen) {
    throw new RecoveryExceedsGrant(input.applicationId, openFen);
  }
  const id = `rc_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  await tx.recoveryCase.create({
    data: {
      id,
      applicationId: input.applicationId,
      source: input.source,
      sourceRef: input.sourceRef,
      budgetYear: reservation?.budgetYear ?? app.programYear,
      amountFen: BigInt(input.amountFen),
      ruleZh: input.ruleZh,
      ruleEn: input.ruleEn,
      change: input.change ? (input.change as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
      workflowId: recoveryWorkflowId(id),
    },
  });
  await auditRecovery(tx, {
    key: `recovery:${id}:opened`,
    applicationId: input.applicationId,
    actor: SYSTEM_ACTOR,
    action: 'RECOVERY_OPENED',
    note: input.ruleZh,
    data: { caseId: id, source: input.source, sourceRef: input.sourceRef, amountFen: input.amountFen },
  });
  return { id, workflowId: recoveryWorkflowId(id), created: true };
}

/**
 * Opens a recovery case, or answers the one already opened for its source (`created: false`). Refuses, with
 * RecoveryExceedsGrant, an amount that would take the application's cases past its grant.
 */
export async function openRecoveryCase(
  db: Db,
  input: OpenRecoveryCase,
): Promise<{ id: string; workflowId: string; created: boolean }> {
  return db.$transaction(async (tx) => {
    await lockApplication(tx, input.applicationId);
    return openIn(tx, input);
  });
}

export interface SubsidisedPolicy {
  applicationId: string;
  insurerCode: string;
  policyNumber: string;
}

/** One page of the paid applications of `years` (their policies), ordered by id, after `afterId`. */
export async function subsidisedPolicies(
  db: Db,
  years: readonly number[],
  afterId: string | null,
  take: number,
): Promise<SubsidisedPolicy[]> {
  return db.application
    .findMany({
      where: {
        programYear: { in: [...years] },
        disbursedAt: { not: null },
        grantedFen: { gt: 0 },
        ...(afterId ? { id: { gt: afterId } } : {}),
      },
      orderBy: { id: 'asc' },
      take,
      select: { id: true, insurerCode: true, policyNumber: true },
    })
    .then((rows) =>
      rows.map((r) => ({ applicationId: r.id, insurerCode: r.insurerCode, policyNumber: r.policyNumber })),
    );
}

const day = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * Opens the cases the policy's changes call for, oldest change first; a change with a case already, or that
 * recovers nothing, opens none. Answers the cases opened now (to start their workflows).
 */
export async function reconcilePolicyChanges(
  db: Db,
  applicationId: string,
  changes: readonly PolicyChange[],
  rule: RecoveryRuleConfig,
): Promise<{ id: string; workflowId: string }[]> {
  if (changes.length === 0) return [];
  return db.$transaction(async (tx) => {
    await lockApplication(tx, applicationId);
    const app = await tx.application.findUniqueOrThrow({ where: { id: applicationId } });
    const opened: { id: string; workflowId: string }[] = [];
    for (const change of changes) {
      const sourceRef = `${app.insurerCode}:${change.id}`;
      const known = await tx.recoveryCase.findUnique({
        where: { source_sourceRef: { source: 'INSURER_CHANGE', sourceRef } },
      });
      if (known) continue;
      const decision = recoveryFor(
        {
          grantedFen: fromDbFen(app.grantedFen ?? 0n),
          paidPremiumFen: fromDbFen(app.paidPremiumFen),
          policyStartDate: day(app.policyStartDate),
          kind: change.kind,
          effectiveDate: change.effectiveDate,
          paidPremiumAfterFen: change.paidPremiumAfterFen,
          claimedFen: await claimedFen(tx, applicationId),
        },
        rule,
      );
      if (decision.amountFen === 0) continue;
      const c = await openIn(tx, {
        applicationId,
        source: 'INSURER_CHANGE',
        sourceRef,
        amountFen: decision.amountFen,
        ruleZh: decision.ruleZh,
        ruleEn: decision.ruleEn,
        change,
      });
      opened.push({ id: c.id, workflowId: c.workflowId });
    }
    return opened;
  });
}

/** The cases not closed whose workflow may not have been started (reconciliation starts them again: harmless). */
export async function openCases(db: Db): Promise<{ id: string; workflowId: string }[]> {
  return db.recoveryCase.findMany({
    where: { state: { notIn: ['REPAID', 'WAIVED'] } },
    select: { id: true, workflowId: true },
  });
}
