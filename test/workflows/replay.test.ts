import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from '../helpers/histories';

/**
 * Determinism guard: every recorded history (one per path each workflow type has taken in the tests, kept in
 * test/histories/) must replay on the current workflow code. A change that alters the order of commands of
 * a running workflow fails here; see docs/VERSIONING.md for patched() and worker versioning.
 */
const files = fs.readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));

describe('recorded workflow histories replay on the current code', () => {
  it('has histories of every workflow type', () => {
    const types = new Set(files.map((f) => f.split('.')[0]));
    expect([...types].sort()).toEqual([
      'applicationWorkflow',
      'bankMatchingWorkflow',
      'noticeBatchWorkflow',
      'outreachCampaignWorkflow',
    ]);
  });

  it.each(files)('%s', async (file) => {
    const recorded = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as {
      workflowId: string;
      history: string;
    };
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! } },
      temporal.api.history.v1.History.decode(Buffer.from(recorded.history, 'base64')),
      recorded.workflowId,
    );
  });
});
