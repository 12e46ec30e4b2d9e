import { createHash } from 'node:crypto';

/**
 * PAYLOAD_KEYS of the tests. Not a secret of any deployment: derived from a public phrase, so that the
 * histories recorded by the tests (test/histories/, sealed with it) open in the replay test.
 */
export const TEST_PAYLOAD_KEYS = `test-histories:${createHash('sha256')
  .update('haidian-kjbx test payload key, public on purpose')
  .digest('base64')}`;
