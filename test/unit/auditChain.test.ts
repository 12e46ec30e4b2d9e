import { createHash } from 'node:crypto';
import { auditCsvRow, brokenLink, canonicalText, chainOf, type ChainedEntry } from '../../domain/auditChain';

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const first: ChainedEntry = {
  id: '41',
  key: 'APP-1:0',
  chain: 'application:APP-1',
  applicationId: 'APP-1',
  at: '2026-12-03T01:30:00.000Z',
  actor: 'reviewer-li',
  actorRole: 'reviewer',
  action: 'APPROVED',
  fromStatus: 'INITIAL_REVIEW',
  toStatus: 'EXPERT_REVIEW',
  note: '材料齐全，"同意"\n通过\\',
  data: '{"reasons": [], "amountFen": 100}',
  entity: null,
  entityId: null,
  prevHash: null,
  hash: '',
};
first.hash = sha256Hex(canonicalText(first));
const second: ChainedEntry = {
  ...first,
  id: '57',
  key: 'APP-1:1',
  note: null,
  data: null,
  prevHash: first.hash,
};
second.hash = sha256Hex(canonicalText(second));

describe('the audit chain’s canonical text', () => {
  it('is a JSON array of the fields in their documented order, strings or null, without whitespace', () => {
    expect(canonicalText(first)).toBe(
      '["41","APP-1:0","application:APP-1","APP-1","2026-12-03T01:30:00.000Z","reviewer-li","reviewer",' +
        '"APPROVED","INITIAL_REVIEW","EXPERT_REVIEW","材料齐全，\\"同意\\"\\n通过\\\\",' +
        '"{\\"reasons\\": [], \\"amountFen\\": 100}",null,null,null]',
    );
  });

  it('names the chain by the application, else the entity, else the general chain', () => {
    expect(chainOf({ applicationId: 'APP-1', entity: 'application', entityId: 'APP-1' })).toBe(
      'application:APP-1',
    );
    expect(chainOf({ applicationId: null, entity: 'staff', entityId: 'li' })).toBe('staff:li');
    expect(chainOf({ applicationId: null, entity: null, entityId: null })).toBe('general');
  });

  it('finds an intact link intact, a changed entry by its hash and a missing one by the next link', () => {
    expect(brokenLink(first, null, sha256Hex)).toBeNull();
    expect(brokenLink(second, first, sha256Hex)).toBeNull();
    expect(brokenLink({ ...second, note: 'changed' }, first, sha256Hex)).toBe('HASH_MISMATCH');
    expect(brokenLink({ ...second, actor: 'someone-else' }, first, sha256Hex)).toBe('HASH_MISMATCH');
    // The first entry removed: the second is now the first, and its link points at nothing there.
    expect(brokenLink(second, null, sha256Hex)).toBe('PREV_LINK_MISMATCH');
    expect(brokenLink(first, second, sha256Hex)).toBe('PREV_LINK_MISMATCH');
  });

  it('exports a row with the time in Beijing beside the UTC time the hash covers', () => {
    const row = auditCsvRow(first);
    expect(row.slice(4, 6)).toEqual(['2026-12-03T01:30:00.000Z', '2026-12-03 09:30:00']);
    expect(row.at(-1)).toBe(first.hash);
    expect(row.at(-2)).toBeNull();
  });
});
