import {
  CancellationScope,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { DATABASE, OUTREACH_PAGE } from '../activityOptions';
import { emptyCounts, type CampaignStatus } from '../../domain/outreach';
import {
  campaignStateQuery,
  PAGES_PER_RUN,
  type CampaignState,
  type CampaignTotals,
  type CampaignWorkflowInput,
} from './contract';

const pages = proxyActivities<Activities>(OUTREACH_PAGE);
const records = proxyActivities<Activities>(DATABASE);

/** The innermost message of a failure (an activity's own error, not "activity task failed"). */
function rootMessage(err: unknown): string {
  let e = err as { message?: unknown; cause?: unknown } | undefined;
  while (e?.cause) e = e.cause;
  return typeof e?.message === 'string' ? e.message.slice(0, 1000) : String(err);
}

/**
 * An outreach campaign (主动匹配): walks the registry page by page, one activity a page (judge, skip, record
 * the recipients and queue their e-mails in one transaction, at most once per page), and continues as new
 * every PAGES_PER_RUN pages. Everything it has done is in the database, so a worker killed at any point
 * resumes from the last page recorded and nobody is e-mailed twice. Cancelling ends it after the current page.
 */
export async function outreachCampaignWorkflow(input: CampaignWorkflowInput): Promise<CampaignState> {
  const { campaignId } = input;
  const perRun = input.pagesPerRun ?? PAGES_PER_RUN;
  let cursor = input.cursor;
  let totals: CampaignTotals = input.totals ?? { pagesDone: input.pagesDone, ...emptyCounts() };
  let status: CampaignStatus = 'RUNNING';
  const state = (): CampaignState => ({ ...totals, status, cursor });
  setHandler(campaignStateQuery, state);
  const show = () =>
    setCurrentDetails(
      [
        `**${status}** · ${input.track} · programme year ${input.year}`,
        `Pages done: ${totals.pagesDone} · enterprises scanned: ${totals.scanned}`,
        `Eligible: ${totals.eligible} · e-mailed: ${totals.emailed} · unsubscribed: ${totals.unsubscribed} · no contact: ${totals.noContact}`,
        `Already applied: ${totals.alreadyApplied} · not eligible: ${totals.ineligible}`,
        `Figures and conversion: \`GET /api/v1/admin/campaigns/${campaignId}\``,
      ].join('\n\n'),
    );
  show();

  let more = true;
  try {
    for (let run = 0; more && run < perRun; run++) {
      const result = await pages.processCampaignPage({ campaignId, page: totals.pagesDone + 1, cursor });
      totals = result.totals;
      cursor = result.nextCursor;
      more = cursor !== null;
      show();
    }
  } catch (err) {
    const ended = isCancellation(err) ? 'CANCELLED' : 'FAILED';
    const error = ended === 'FAILED' ? rootMessage(err) : null;
    status = ended;
    await CancellationScope.nonCancellable(() =>
      records.finishCampaign({ campaignId, status: ended, error }),
    );
    show();
    throw err;
  }
  if (more) {
    return continueAsNew<typeof outreachCampaignWorkflow>({
      ...input,
      cursor,
      pagesDone: totals.pagesDone,
      totals,
    });
  }
  status = 'COMPLETED';
  await CancellationScope.nonCancellable(() =>
    records.finishCampaign({ campaignId, status: 'COMPLETED', error: null }),
  );
  show();
  return state();
}
