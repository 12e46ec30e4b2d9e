import { percentOf, type OutreachTotals } from '../domain/evaluation';
import { emptyCounts, type CampaignStatus, type ProspectCounts } from '../domain/outreach';
import type { Track } from '../domain/status';
import { Prisma, type Db } from './db';

/**
 * The database side of outreach campaigns (主动匹配): progress is the sum of the pages a campaign has
 * processed; opens are counted on the recipients; resulting applications are found by a join at query time.
 *
 * An application results from a campaign when the campaign e-mailed its enterprise for the application's track
 * and programme year before it was submitted. Should several campaigns have e-mailed it, the latest e-mail
 * before the submission gets it (last touch), so the campaigns' applications add up.
 */

export type CampaignRow = Awaited<ReturnType<Db['campaign']['findUniqueOrThrow']>>;

export interface CampaignProgress extends ProspectCounts {
  pagesDone: number;
}

export interface CampaignEngagement {
  /** Recipients that opened their invitation at least once. */
  opened: number;
  /** Every opening of an invitation link. */
  opens: number;
  /** Applications resulting from the campaign (see above). */
  applications: number;
}

/** A campaign as the API shows it (API.md's `status, scanned, eligible, emailed, applications` among them). */
export interface CampaignView extends CampaignProgress, CampaignEngagement {
  id: string;
  track: Track;
  year: number;
  note: string | null;
  status: CampaignStatus;
  workflowId: string;
  pageSize: number;
  asOf: string;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  /** applications / emailed × 100, 2 decimals; null before anything was e-mailed. */
  conversionPct: number | null;
}

interface ProgressRow extends ProspectCounts {
  campaignId: string;
  pagesDone: number;
}

/** The sum of each campaign's pages. */
export async function campaignProgress(db: Db, ids: string[]): Promise<Map<string, CampaignProgress>> {
  const out = new Map<string, CampaignProgress>(ids.map((id) => [id, { ...emptyCounts(), pagesDone: 0 }]));
  if (ids.length === 0) return out;
  const rows = await db.$queryRaw<ProgressRow[]>`
    SELECT "campaignId", count(*)::int AS "pagesDone", sum(scanned)::int AS scanned,
           sum("alreadyApplied")::int AS "alreadyApplied", sum(ineligible)::int AS ineligible,
           sum(eligible)::int AS eligible, sum(unsubscribed)::int AS unsubscribed,
           sum("noContact")::int AS "noContact", sum(emailed)::int AS emailed
    FROM "CampaignPage" WHERE "campaignId" IN (${Prisma.join(ids)})
    GROUP BY 1`;
  for (const { campaignId, ...progress } of rows) out.set(campaignId, progress);
  return out;
}

/** Applications of a programme year attributed to a campaign, by last touch (the module comment). */
const touches = (where: Prisma.Sql) => Prisma.sql`
  SELECT DISTINCT ON (a.id) a.id AS "applicationId", r."campaignId", c.year
  FROM "Application" a
  JOIN "CampaignRecipient" r ON r."creditCode" = a."creditCode" AND r."createdAt" <= a."createdAt"
  JOIN "Campaign" c ON c.id = r."campaignId" AND c.track = a.track AND c.year = a."programYear"
  WHERE ${where}
  ORDER BY a.id, r."createdAt" DESC, r."campaignId"`;

export async function campaignEngagement(db: Db, ids: string[]): Promise<Map<string, CampaignEngagement>> {
  const out = new Map<string, CampaignEngagement>(
    ids.map((id) => [id, { opened: 0, opens: 0, applications: 0 }]),
  );
  if (ids.length === 0) return out;
  const list = Prisma.join(ids);
  const [opens, applications] = await Promise.all([
    db.$queryRaw<{ campaignId: string; opened: number; opens: number }[]>`
      SELECT "campaignId", (count(*) FILTER (WHERE "firstOpenedAt" IS NOT NULL))::int AS opened,
             coalesce(sum("openCount"), 0)::int AS opens
      FROM "CampaignRecipient" WHERE "campaignId" IN (${list})
      GROUP BY 1`,
    db.$queryRaw<{ campaignId: string; applications: number }[]>`
      WITH touch AS (${touches(
        Prisma.sql`a."creditCode" IN (SELECT "creditCode" FROM "CampaignRecipient" WHERE "campaignId" IN (${list}))`,
      )})
      SELECT "campaignId", count(*)::int AS applications FROM touch
      WHERE "campaignId" IN (${list}) GROUP BY 1`,
  ]);
  for (const r of opens) out.get(r.campaignId)!.opened = r.opened;
  for (const r of opens) out.get(r.campaignId)!.opens = r.opens;
  for (const r of applications) out.get(r.campaignId)!.applications = r.applications;
  return out;
}

export function presentCampaign(
  c: CampaignRow,
  progress: CampaignProgress,
  engagement: CampaignEngagement,
): CampaignView {
  return {
    id: c.id,
    track: c.track,
    year: c.year,
    note: c.note,
    status: c.status,
    workflowId: c.workflowId,
    pageSize: c.pageSize,
    asOf: c.asOf.toISOString(),
    createdBy: c.createdBy,
    createdAt: c.createdAt.toISOString(),
    finishedAt: c.finishedAt?.toISOString() ?? null,
    error: c.error,
    ...progress,
    ...engagement,
    conversionPct: percentOf(engagement.applications, progress.emailed),
  };
}

/** Campaigns with their figures, newest first. */
export async function campaignViews(db: Db, rows: CampaignRow[]): Promise<CampaignView[]> {
  const ids = rows.map((r) => r.id);
  const [progress, engagement] = await Promise.all([campaignProgress(db, ids), campaignEngagement(db, ids)]);
  return rows.map((r) => presentCampaign(r, progress.get(r.id)!, engagement.get(r.id)!));
}

/** What the outreach campaigns of a programme year did, for its evaluation (domain/evaluation.ts). */
export async function outreachTotals(db: Db, year: number): Promise<OutreachTotals> {
  const [[sent], [applied]] = await Promise.all([
    db.$queryRaw<{ campaigns: number; emailed: number; reached: number; opened: number }[]>`
      SELECT (SELECT count(*) FROM "Campaign" WHERE year = ${year})::int AS campaigns,
             count(r."creditCode")::int AS emailed,
             count(DISTINCT r."creditCode")::int AS reached,
             (count(DISTINCT r."creditCode") FILTER (WHERE r."firstOpenedAt" IS NOT NULL))::int AS opened
      FROM "CampaignRecipient" r JOIN "Campaign" c ON c.id = r."campaignId"
      WHERE c.year = ${year}`,
    db.$queryRaw<{ applications: number }[]>`
      WITH touch AS (${touches(Prisma.sql`a."programYear" = ${year}`)})
      SELECT count(*)::int AS applications FROM touch`,
  ]);
  return {
    campaigns: sent?.campaigns ?? 0,
    emailed: sent?.emailed ?? 0,
    enterprisesReached: sent?.reached ?? 0,
    opened: sent?.opened ?? 0,
    applications: applied?.applications ?? 0,
  };
}

/** Counts an opening of a recipient's invitation; false when the campaign never e-mailed that enterprise. */
export async function recordOpen(db: Db, campaignId: string, creditCode: string, at = new Date()) {
  const where = { campaignId, creditCode };
  const { count } = await db.campaignRecipient.updateMany({
    where,
    data: { openCount: { increment: 1 }, lastOpenedAt: at },
  });
  if (count === 0) return false;
  await db.campaignRecipient.updateMany({
    where: { ...where, firstOpenedAt: null },
    data: { firstOpenedAt: at },
  });
  return true;
}
