import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { renderEmail } from '../domain/emails';
import { fromDbFen } from '../domain/money';
import {
  countOutcomes,
  INVITATION_AUDIENCE,
  INVITATION_VALID_DAYS,
  judgeProspect,
  prospectOutcome,
  trackOffer,
  UNSUBSCRIBE_AUDIENCE,
  UNSUBSCRIBE_VALID_DAYS,
  type CampaignStatus,
} from '../domain/outreach';
import type { PriorApplication } from '../domain/rules';
import type { Db } from '../data/db';
import { campaignProgress } from '../data/outreach';
import type { RegistryClient, RegistryPage } from '../services/registry';
import { signedLinks } from '../platform/signedLinks';
import {
  OutreachFailures,
  type CampaignRules,
  type PageRequest,
  type PageResult,
} from '../workflows/outreach/contract';
import { callService } from './serviceCall';

export interface OutreachDeps {
  db: Db;
  registry: RegistryClient;
  publicBaseUrl: string;
  linkSecret: string;
  onEmailQueued?: () => void;
}

/** The signed links of an invitation e-mail. */
export const invitationPath = (token: string) => `/api/v1/campaigns/invitations/${token}`;
export const unsubscribePath = (token: string) => `/api/v1/campaigns/unsubscribe/${token}`;

/** Another attempt of the same page committed first: its result stands. */
class PageAlreadyRecorded extends Error {}

async function listing(deps: OutreachDeps, cursor: string | null, limit: number): Promise<RegistryPage> {
  return callService('registry', () => deps.registry.listEnterprises({ cursor, limit }));
}

/** Outreach campaigns: one registry page at a time, and the campaign's end. */
export function createOutreachActivities(deps: OutreachDeps) {
  const { db } = deps;
  const links = signedLinks(deps.linkSecret);

  async function result(campaignId: string, page: number, nextCursor: string | null): Promise<PageResult> {
    const totals = (await campaignProgress(db, [campaignId])).get(campaignId)!;
    return { page, nextCursor, totals };
  }

  return {
    /**
     * Fetches one page of the registry, judges each enterprise (domain/outreach.ts), and records the page,
     * its recipients and their e-mails in one transaction. Idempotent per (campaign, page): a retried or
     * concurrent attempt finds the page recorded and answers what was recorded, so nobody is e-mailed twice
     * (the recipients' key, campaign and credit code, would refuse a second one anyway).
     */
    async processCampaignPage(req: PageRequest): Promise<PageResult> {
      const { campaignId, page, cursor } = req;
      const key = { campaignId_page: { campaignId, page } };
      const recorded = await db.campaignPage.findUnique({ where: key });
      if (recorded) return result(campaignId, page, recorded.nextCursor);
      const campaign = await db.campaign.findUnique({ where: { id: campaignId } });
      if (!campaign)
        throw ApplicationFailure.nonRetryable(
          `no campaign ${campaignId}`,
          OutreachFailures.CAMPAIGN_NOT_FOUND,
        );
      const rules = campaign.rules as unknown as CampaignRules;
      const ctx = Context.current();
      ctx.heartbeat(page);

      const { items, nextCursor } = await listing(deps, cursor, campaign.pageSize);
      ctx.heartbeat(page);
      const codes = items.map((e) => e.creditCode);
      const [applications, unsubscribed, registered] = await Promise.all([
        db.application.findMany({
          where: { creditCode: { in: codes } },
          select: {
            id: true,
            creditCode: true,
            track: true,
            status: true,
            subsidyYear: true,
            grantedFen: true,
            programYear: true,
          },
        }),
        db.outreachUnsubscribe.findMany({
          where: { creditCode: { in: codes } },
          select: { creditCode: true },
        }),
        db.enterprise.findMany({
          where: { creditCode: { in: codes } },
          select: { creditCode: true, contactEmail: true },
        }),
      ]);
      const history = new Map<string, PriorApplication[]>();
      const applied = new Set<string>();
      for (const a of applications) {
        if (a.programYear === campaign.year) applied.add(a.creditCode);
        const prior = { ...a, grantedFen: fromDbFen(a.grantedFen) };
        history.set(a.creditCode, [...(history.get(a.creditCode) ?? []), prior]);
      }
      const optedOut = new Set(unsubscribed.map((u) => u.creditCode));
      const ownEmail = new Map(registered.map((e) => [e.creditCode, e.contactEmail]));

      const asOf = campaign.asOf.toISOString();
      const judged = items.map((facts) => {
        // Our records' address (the applicant keeps it) before the registry's annual-report one.
        const email = ownEmail.get(facts.creditCode) ?? facts.contactEmail;
        const outcome = prospectOutcome({
          appliedThisYear: applied.has(facts.creditCode),
          eligible: () =>
            judgeProspect({
              track: campaign.track,
              program: rules.program,
              asOf,
              products: rules.products,
              facts,
              history: history.get(facts.creditCode) ?? [],
            }).eligible,
          unsubscribed: optedOut.has(facts.creditCode),
          email,
        });
        return { facts, email, outcome };
      });
      const counts = countOutcomes(judged.map((j) => j.outcome));

      const offer = trackOffer(campaign.track, rules.program);
      const invitations = await Promise.all(
        judged
          .filter((j) => j.outcome === 'EMAILED')
          .map(async ({ facts, email }) => {
            const claims = { cmp: campaignId };
            const [invite, unsubscribe] = await Promise.all([
              links.sign(INVITATION_AUDIENCE, facts.creditCode, claims, INVITATION_VALID_DAYS),
              links.sign(UNSUBSCRIBE_AUDIENCE, facts.creditCode, claims, UNSUBSCRIBE_VALID_DAYS),
            ]);
            const rendered = renderEmail('outreach_invitation', {
              applicationId: '',
              enterpriseName: facts.name,
              track: campaign.track,
              link: `${deps.publicBaseUrl}${invitationPath(invite)}`,
              extra: {
                year: campaign.year,
                offerZh: offer.zh,
                offerEn: offer.en,
                unsubscribeLink: `${deps.publicBaseUrl}${unsubscribePath(unsubscribe)}`,
              },
            });
            const { contactEmail: _email, ...judgedFacts } = facts;
            return {
              recipient: {
                campaignId,
                creditCode: facts.creditCode,
                enterpriseName: facts.name,
                email: email!,
                page,
                facts: judgedFacts,
              },
              email: {
                key: `campaign:${campaignId}:${facts.creditCode}`,
                template: 'outreach_invitation',
                to: email!,
                ...rendered,
              },
            };
          }),
      );

      if (ctx.cancellationSignal.aborted) throw new CancelledFailure('the campaign was cancelled');
      try {
        await db.$transaction(async (tx) => {
          const { count } = await tx.campaignPage.createMany({
            data: [{ campaignId, page, cursor, nextCursor, ...counts }],
            skipDuplicates: true,
          });
          if (count === 0) throw new PageAlreadyRecorded();
          const fresh = await tx.campaignRecipient.createManyAndReturn({
            data: invitations.map((i) => i.recipient),
            skipDuplicates: true,
            select: { creditCode: true },
          });
          const added = new Set(fresh.map((r) => r.creditCode));
          await tx.emailOutbox.createMany({
            data: invitations.filter((i) => added.has(i.recipient.creditCode)).map((i) => i.email),
            skipDuplicates: true,
          });
          // Only if the registry listed an enterprise twice (cursors only move forward, so it should not).
          if (added.size !== counts.emailed) {
            await tx.campaignPage.update({ where: key, data: { emailed: added.size } });
          }
        });
      } catch (err) {
        if (!(err instanceof PageAlreadyRecorded)) throw err;
        const first = await db.campaignPage.findUniqueOrThrow({ where: key });
        return result(campaignId, page, first.nextCursor);
      }
      if (invitations.length) deps.onEmailQueued?.();
      return result(campaignId, page, nextCursor);
    },

    /** Records how the campaign ended (once: a finished campaign stays as it ended). */
    async finishCampaign(req: {
      campaignId: string;
      status: Exclude<CampaignStatus, 'RUNNING'>;
      error: string | null;
    }): Promise<void> {
      await db.campaign.updateMany({
        where: { id: req.campaignId, status: 'RUNNING' },
        data: { status: req.status, finishedAt: new Date(), error: req.error },
      });
    },
  };
}
