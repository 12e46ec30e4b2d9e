import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import type { Activities } from '../../activities';
import {
  campaignStateQuery,
  campaignWorkflowId,
  OUTREACH_WORKFLOW_TYPE,
  type CampaignTotals,
  type CampaignWorkflowInput,
  type PageRequest,
  type PageResult,
} from '../../workflows/outreach/contract';
import { eventually } from '../helpers/eventually';
import { testWorker, timeSkippingEnvPerFile } from '../helpers/workflowEnv';

let env: TestWorkflowEnvironment;
timeSkippingEnvPerFile((e) => (env = e));

/** A registry of `pages` pages of 10 enterprises, 3 of each page invited; records what the workflow asked. */
class FakeCampaign {
  requests: PageRequest[] = [];
  finished: { status: string; error: string | null }[] = [];
  /** Page numbers to fail once (retryable), or for good. */
  flaky = new Set<number>();
  broken = new Set<number>();
  /** Pages from this one on wait until `release()` (to hold the campaign mid-page). */
  holdFrom = Infinity;
  private released!: () => void;
  private held = new Promise<void>((resolve) => (this.released = resolve));
  release = () => this.released();
  done = new Map<number, PageResult>();

  constructor(readonly pages: number) {}

  private totals(pagesDone: number): CampaignTotals {
    return {
      pagesDone,
      scanned: pagesDone * 10,
      alreadyApplied: pagesDone,
      ineligible: pagesDone * 5,
      eligible: pagesDone * 4,
      unsubscribed: 0,
      noContact: pagesDone,
      emailed: pagesDone * 3,
    };
  }

  build(): Partial<Activities> {
    return {
      processCampaignPage: async (req) => {
        this.requests.push(req);
        if (req.page >= this.holdFrom) await this.held;
        if (this.broken.has(req.page))
          throw ApplicationFailure.nonRetryable('registry: answered HTTP 400', 'ServiceError');
        if (this.flaky.delete(req.page))
          throw ApplicationFailure.retryable('registry: unreachable', 'ServiceUnavailable');
        const expectedCursor = req.page === 1 ? null : `C${req.page - 1}`;
        if (req.cursor !== expectedCursor) throw new Error(`page ${req.page} asked after ${req.cursor}`);
        const result = {
          page: req.page,
          nextCursor: req.page < this.pages ? `C${req.page}` : null,
          totals: this.totals(req.page),
        };
        this.done.set(req.page, result);
        return result;
      },
      finishCampaign: async ({ status, error }) => {
        this.finished.push({ status, error });
      },
    };
  }
}

async function withCampaign(
  fake: FakeCampaign,
  input: Partial<CampaignWorkflowInput>,
  fn: (handle: Awaited<ReturnType<TestWorkflowEnvironment['client']['workflow']['start']>>) => Promise<void>,
) {
  const { worker, taskQueue } = await testWorker(env, fake);
  const campaignId = `OC-2026-${randomBytes(3).toString('hex')}`;
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(OUTREACH_WORKFLOW_TYPE, {
      workflowId: campaignWorkflowId(campaignId),
      taskQueue,
      args: [{ campaignId, track: 'INCLUSIVE', year: 2026, cursor: null, pagesDone: 0, ...input }],
    });
    try {
      await fn(handle);
    } finally {
      await handle.terminate('test over').catch(() => undefined);
    }
  });
}

/** The statuses of a workflow's runs, first to last, following each continue-as-new. */
async function runs(workflowId: string, firstRunId: string): Promise<string[]> {
  const out: string[] = [];
  for (let runId: string | undefined = firstRunId; runId;) {
    const handle: WorkflowHandle = env.client.workflow.getHandle(workflowId, runId);
    out.push((await handle.describe()).status.name);
    const { events } = await handle.fetchHistory();
    runId = events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return out;
}

describe('the outreach campaign workflow', () => {
  it('walks the registry page by page, continuing as new to bound its history, and records the end', async () => {
    const fake = new FakeCampaign(7);
    fake.flaky.add(2);
    await withCampaign(fake, { pagesPerRun: 3 }, async (handle) => {
      const state = await handle.result();
      expect(state).toMatchObject({
        status: 'COMPLETED',
        pagesDone: 7,
        scanned: 70,
        emailed: 21,
        cursor: null,
      });
      // Page 2 was tried twice (the retry), every other page once, in order.
      expect(fake.requests.map((r) => r.page)).toEqual([1, 2, 2, 3, 4, 5, 6, 7]);
      expect(fake.finished).toEqual([{ status: 'COMPLETED', error: null }]);
      expect(await runs(handle.workflowId, handle.firstExecutionRunId)).toEqual([
        'CONTINUED_AS_NEW',
        'CONTINUED_AS_NEW',
        'COMPLETED',
      ]);
      expect(await handle.query(campaignStateQuery)).toMatchObject({ status: 'COMPLETED', pagesDone: 7 });
    });
  });

  it('ends as cancelled after the page in progress when the administrator cancels it', async () => {
    const fake = new FakeCampaign(50);
    fake.holdFrom = 3;
    await withCampaign(fake, {}, async (handle) => {
      await eventually(
        async () => fake.requests.length,
        (n) => n >= 3,
        5000,
        25,
      );
      await handle.cancel();
      // The page in progress finishes only once the workflow has taken in the cancellation (a workflow task
      // completed after the request in its history).
      await eventually(
        async () => (await handle.fetchHistory()).events ?? [],
        (events) => {
          const asked = events.findIndex((e) => e.workflowExecutionCancelRequestedEventAttributes);
          return asked >= 0 && events.slice(asked).some((e) => e.workflowTaskCompletedEventAttributes);
        },
        5000,
        25,
      );
      fake.release();
      // Real time, not the test server's skipped time, while the page in progress finishes.
      await eventually(
        async () => fake.finished.length,
        (n) => n > 0,
        10_000,
        25,
      );
      await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      // The page in progress finished (its e-mails are queued); no page after it was asked for.
      expect(fake.done.has(3)).toBe(true);
      expect(fake.requests.map((r) => r.page)).toEqual([1, 2, 3]);
      expect(fake.finished).toEqual([{ status: 'CANCELLED', error: null }]);
    });
  });

  it('fails with the registry’s error when a page cannot be read at all', async () => {
    const fake = new FakeCampaign(5);
    fake.broken.add(2);
    await withCampaign(fake, {}, async (handle) => {
      await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
      expect(fake.finished).toEqual([{ status: 'FAILED', error: 'registry: answered HTTP 400' }]);
      expect(await handle.query(campaignStateQuery)).toMatchObject({ status: 'FAILED', pagesDone: 1 });
    });
  });

  it('resumes a continued run from its cursor and figures', async () => {
    const fake = new FakeCampaign(4);
    const totals: CampaignTotals = {
      pagesDone: 2,
      scanned: 20,
      alreadyApplied: 2,
      ineligible: 10,
      eligible: 8,
      unsubscribed: 0,
      noContact: 2,
      emailed: 6,
    };
    await withCampaign(fake, { cursor: 'C2', pagesDone: 2, totals }, async (handle) => {
      expect(await handle.result()).toMatchObject({ status: 'COMPLETED', pagesDone: 4, emailed: 12 });
      expect(fake.requests.map((r) => r.page)).toEqual([3, 4]);
    });
  });
});
