import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The project's custom search attributes; registered on the dev server at start and in docker-compose. */
export const ApplicationIdKey = defineSearchAttributeKey('ApplicationId', SearchAttributeType.KEYWORD);
export const CreditCodeKey = defineSearchAttributeKey('CreditCode', SearchAttributeType.KEYWORD);
export const TrackKey = defineSearchAttributeKey('Track', SearchAttributeType.KEYWORD);
export const ApplicationStatusKey = defineSearchAttributeKey(
  'ApplicationStatus',
  SearchAttributeType.KEYWORD,
);
export const NeedsAttentionKey = defineSearchAttributeKey('NeedsAttention', SearchAttributeType.BOOL);

export const SEARCH_ATTRIBUTES = [
  { name: ApplicationIdKey.name, type: 'Keyword' },
  { name: CreditCodeKey.name, type: 'Keyword' },
  { name: TrackKey.name, type: 'Keyword' },
  { name: ApplicationStatusKey.name, type: 'Keyword' },
  { name: NeedsAttentionKey.name, type: 'Bool' },
] as const;
