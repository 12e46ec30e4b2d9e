import { FINAL_STATUSES } from '../domain/status';
import {
  isPremiumOutlier,
  normalizeEmail,
  outlierReason,
  premiumStats,
  premiumZ,
  reappliedReason,
  sharedReason,
  type OtherEnterprise,
  type PremiumStats,
} from '../domain/riskFlags';
import { accountDigest, maskedBankAccount, openBankAccount, type SecretBox } from '../platform/secretBox';
import { Prisma, type Db } from './db';
import { upsertFlags, type ComputedFlag } from './riskFlagStore';

/**
 * The anomaly flags of live applications (domain/riskFlags.ts says what each kind means). `refreshFlags` is
 * idempotent: a flag is one row per application, kind and evidence key; a re-run adds nothing, refreshes the
 * evidence of open flags, and leaves dismissed ones as they were. Run after the precheck of an application
 * (the `record` activity, for that one) and nightly by the worker over every live application.
 */

interface Target {
  id: string;
  creditCode: string;
  productCode: string;
  insurerCode: string;
  policyNumber: string;
  premiumFen: number;
  policyStartDate: Date;
  policyEndDate: Date;
  createdAt: Date;
  email: string;
  digest: string | null;
  accountMasked: string | null;
}

/** Other enterprises and applications named in a flag's evidence: at most so many. */
const MAX_OTHERS = 20;
const CHUNK = 500;

const digestOf = (bankAccount: unknown): string | null => {
  const d = (bankAccount as { accountNumberDigest?: unknown } | null)?.accountNumberDigest;
  return typeof d === 'string' ? d : null;
};

/**
 * Digests the payout account of enterprises stored before the digest existed, one account each (never all at
 * once: only the enterprises of the applications being prechecked).
 */
async function digestMissing(db: Db, box: SecretBox, creditCodes: string[]): Promise<void> {
  const rows = await db.enterprise.findMany({
    where: { creditCode: { in: creditCodes }, NOT: { bankAccount: { equals: Prisma.DbNull } } },
    select: { creditCode: true, bankAccount: true },
  });
  for (const e of rows) {
    if (digestOf(e.bankAccount)) continue;
    const account = openBankAccount(box, e.bankAccount);
    if (!account?.accountNumber) continue;
    const digest = accountDigest(box, account.accountNumber);
    await db.$executeRaw`UPDATE "Enterprise" SET "bankAccount" = "bankAccount" || jsonb_build_object('accountNumberDigest', ${digest}::text)
      WHERE "creditCode" = ${e.creditCode}`;
  }
}

async function loadTargets(db: Db, ids: string[] | undefined, after: string | null): Promise<Target[]> {
  const rows = await db.application.findMany({
    where: {
      status: { notIn: [...FINAL_STATUSES] },
      ...(ids ? { id: { in: ids } } : {}),
      ...(after ? { id: { gt: after } } : {}),
    },
    orderBy: { id: 'asc' },
    take: CHUNK,
    select: {
      id: true,
      creditCode: true,
      productCode: true,
      insurerCode: true,
      policyNumber: true,
      premiumFen: true,
      policyStartDate: true,
      policyEndDate: true,
      createdAt: true,
      enterprise: { select: { contactEmail: true, bankAccount: true } },
    },
  });
  return rows.map(({ enterprise, premiumFen, ...a }) => ({
    ...a,
    premiumFen: Number(premiumFen),
    email: normalizeEmail(enterprise.contactEmail),
    digest: digestOf(enterprise.bankAccount),
    accountMasked: maskedBankAccount(enterprise.bankAccount)?.accountNumber ?? null,
  }));
}

interface SharingRow {
  creditCode: string;
  name: string;
  value: string;
  applicationIds: string[];
}

/** The enterprises whose contact e-mail (or account digest) is one of `values`, with their latest applications. */
async function sharing(db: Db, by: 'email' | 'digest', values: string[]): Promise<Map<string, SharingRow[]>> {
  if (values.length === 0) return new Map();
  const value =
    by === 'email'
      ? Prisma.sql`lower(btrim(e."contactEmail"))`
      : Prisma.sql`(e."bankAccount" ->> 'accountNumberDigest')`;
  // The partial index of each (migration 20261203050000_risk_flags) is used when its predicate is in the query.
  const indexed = by === 'email' ? Prisma.sql`AND e."contactEmail" <> ''` : Prisma.empty;
  const rows = await db.$queryRaw<SharingRow[]>`
    SELECT e."creditCode", e."name", ${value} AS value,
           ARRAY(SELECT a."id" FROM "Application" a WHERE a."creditCode" = e."creditCode"
                 ORDER BY a."createdAt" DESC LIMIT 5) AS "applicationIds"
    FROM "Enterprise" e
    WHERE ${value} = ANY(${values}::text[]) ${indexed}
    ORDER BY e."creditCode"`;
  const byValue = new Map<string, SharingRow[]>();
  for (const r of rows) byValue.set(r.value, [...(byValue.get(r.value) ?? []), r]);
  return byValue;
}

function sharedFlags(
  targets: Target[],
  kind: 'SHARED_CONTACT_EMAIL' | 'SHARED_BANK_ACCOUNT',
  byValue: Map<string, SharingRow[]>,
): ComputedFlag[] {
  const flags: ComputedFlag[] = [];
  for (const t of targets) {
    const value = kind === 'SHARED_CONTACT_EMAIL' ? t.email : t.digest;
    if (!value) continue;
    const others: OtherEnterprise[] = (byValue.get(value) ?? [])
      .filter((r) => r.creditCode !== t.creditCode)
      .slice(0, MAX_OTHERS)
      .map((r) => ({ creditCode: r.creditCode, name: r.name, applicationIds: r.applicationIds }));
    if (others.length === 0) continue;
    flags.push({
      applicationId: t.id,
      kind,
      // The account is named by its digest's first 16 hex digits: never its number.
      evidenceKey: kind === 'SHARED_CONTACT_EMAIL' ? `email:${value}` : `account:${value.slice(0, 16)}`,
      reason: sharedReason(kind, others),
      evidence: {
        ...(kind === 'SHARED_CONTACT_EMAIL' ? { contactEmail: value } : { accountNumber: t.accountMasked }),
        others: others as unknown as Prisma.InputJsonArray,
      },
    });
  }
  return flags;
}

async function outlierFlags(db: Db, targets: Target[]): Promise<ComputedFlag[]> {
  const products = [...new Set(targets.map((t) => t.productCode))];
  if (products.length === 0) return [];
  // The catalog's history: the premium of every application of the product, whatever became of it.
  const rows = await db.$queryRaw<{ productCode: string; premiums: bigint[] }[]>`
    SELECT "productCode", array_agg("premiumFen") AS premiums FROM "Application"
    WHERE "productCode" = ANY(${products}::text[]) GROUP BY "productCode"`;
  const stats = new Map<string, PremiumStats | null>(
    rows.map((r) => [r.productCode, premiumStats(r.premiums.map(Number))]),
  );
  const flags: ComputedFlag[] = [];
  for (const t of targets) {
    const s = stats.get(t.productCode);
    if (!s || !isPremiumOutlier(s, t.premiumFen)) continue;
    flags.push({
      applicationId: t.id,
      kind: 'PREMIUM_OUTLIER',
      evidenceKey: `product:${t.productCode}`,
      reason: outlierReason(s, t.premiumFen),
      evidence: {
        productCode: t.productCode,
        premiumFen: t.premiumFen,
        sample: s.sample,
        medianFen: s.medianFen,
        lowFen: s.lowFen,
        highFen: s.highFen,
        z: Math.round(premiumZ(s, t.premiumFen) * 100) / 100,
      },
    });
  }
  return flags;
}

async function reappliedFlags(db: Db, targets: Target[]): Promise<ComputedFlag[]> {
  const codes = [...new Set(targets.map((t) => t.creditCode))];
  if (codes.length === 0) return [];
  const ended = await db.application.findMany({
    where: { creditCode: { in: codes }, status: { in: ['REJECTED', 'WITHDRAWN'] } },
    select: {
      id: true,
      creditCode: true,
      status: true,
      productCode: true,
      insurerCode: true,
      policyNumber: true,
      policyStartDate: true,
      policyEndDate: true,
      createdAt: true,
    },
  });
  const flags: ComputedFlag[] = [];
  for (const t of targets) {
    for (const o of ended) {
      if (o.creditCode !== t.creditCode || o.id === t.id || o.productCode !== t.productCode) continue;
      if (o.createdAt >= t.createdAt) continue;
      if (o.policyStartDate > t.policyEndDate || t.policyStartDate > o.policyEndDate) continue;
      const samePolicy = o.insurerCode === t.insurerCode && o.policyNumber === t.policyNumber;
      const other = {
        id: o.id,
        status: o.status as 'REJECTED' | 'WITHDRAWN',
        policyNumber: o.policyNumber,
        samePolicy,
      };
      flags.push({
        applicationId: t.id,
        kind: 'POLICY_REAPPLIED',
        evidenceKey: `application:${o.id}`,
        reason: reappliedReason(other),
        evidence: { ...other, insurerCode: o.insurerCode },
      });
    }
  }
  return flags;
}

export interface RefreshResult {
  checked: number;
  created: number;
  updated: number;
}

/**
 * Computes the flags of live applications (`applicationIds`, or every live one) and stores them. With
 * `applicationIds` the enterprises' payout accounts stored before the digest existed are digested first.
 */
export async function refreshFlags(
  db: Db,
  box: SecretBox,
  opts: { applicationIds?: string[] } = {},
): Promise<RefreshResult> {
  const total: RefreshResult = { checked: 0, created: 0, updated: 0 };
  let after: string | null = null;
  for (;;) {
    let targets = await loadTargets(db, opts.applicationIds, after);
    if (targets.length === 0) break;
    if (opts.applicationIds && targets.some((t) => !t.digest)) {
      await digestMissing(db, box, [...new Set(targets.filter((t) => !t.digest).map((t) => t.creditCode))]);
      targets = await loadTargets(db, opts.applicationIds, after);
    }
    const [emails, accounts] = await Promise.all([
      sharing(db, 'email', [...new Set(targets.map((t) => t.email).filter(Boolean))]),
      sharing(db, 'digest', [...new Set(targets.map((t) => t.digest).filter((d): d is string => !!d))]),
    ]);
    const flags = [
      ...sharedFlags(targets, 'SHARED_BANK_ACCOUNT', accounts),
      ...sharedFlags(targets, 'SHARED_CONTACT_EMAIL', emails),
      ...(await outlierFlags(db, targets)),
      ...(await reappliedFlags(db, targets)),
    ];
    const r = await upsertFlags(
      db,
      targets.map((t) => t.id),
      flags,
    );
    total.checked += targets.length;
    total.created += r.created;
    total.updated += r.updated;
    if (targets.length < CHUNK) break;
    after = targets[targets.length - 1]!.id;
  }
  return total;
}
