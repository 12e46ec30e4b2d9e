import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { newPayloadKey, parsePayloadKeys, payloadDataConverter } from '../../platform/payloadCodec';
import { HISTORIES_DIR, isEncrypted } from '../helpers/histories';
import { TEST_PAYLOAD_KEYS } from '../helpers/payloadKeys';

/**
 * Determinism guard: every recorded history (one per path each workflow type has taken in the tests, kept in
 * test/histories/) must replay on the current workflow code. A change that alters the order of commands of
 * a running workflow fails here; see docs/VERSIONING.md for patched() and worker versioning.
 *
 * The worker replays with the payload codec in place, as production runs: histories recorded before it
 * (plain payloads) pass through it, those recorded after are decrypted with the tests' key.
 */
const files = fs.readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));
const read = (file: string) => {
  const recorded = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as {
    workflowId: string;
    history: string;
  };
  return {
    workflowId: recorded.workflowId,
    history: temporal.api.history.v1.History.decode(Buffer.from(recorded.history, 'base64')),
  };
};
const dataConverter = payloadDataConverter(parsePayloadKeys(TEST_PAYLOAD_KEYS));
const bundle = () => ({ codePath: process.env.TEST_WORKFLOW_BUNDLE! });

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

  it('has histories from before the payload codec (plain) and after it (encrypted)', () => {
    const encrypted = files.filter((f) => isEncrypted(read(f).history));
    expect(encrypted.length).toBeGreaterThan(0);
    expect(files.length - encrypted.length).toBeGreaterThan(0);
    // Both kinds of the workflows that carry personal data (objections, the applicant's records).
    const types = (list: string[]) => new Set(list.map((f) => f.split('.')[0]));
    expect([...types(encrypted)]).toEqual(
      expect.arrayContaining(['applicationWorkflow', 'noticeBatchWorkflow']),
    );
  });

  it.each(files)('%s', async (file) => {
    const { workflowId, history } = read(file);
    await Worker.runReplayHistory({ workflowBundle: bundle(), dataConverter }, history, workflowId);
  });

  it('cannot replay an encrypted history without its key', async () => {
    const file = files.find((f) => isEncrypted(read(f).history))!;
    const { workflowId, history } = read(file);
    const otherKey = payloadDataConverter(parsePayloadKeys(newPayloadKey('other')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: bundle(), dataConverter: otherKey }, history, workflowId),
    ).rejects.toThrow(/a payload encrypted with key \\"test-histories\\", which PAYLOAD_KEYS does not list/);
  });
});
