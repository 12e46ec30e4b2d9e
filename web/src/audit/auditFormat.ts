import type { paths } from '@/api/schema';
import { beijingTime, bp, fen } from '@/format';
import { i18n } from '@/i18n';
import { label } from '@/meta';
import messages from '@/i18n/zh-CN/audit';

/**
 * An audit entry's before and after, for people: nested records flattened to one row per field (bankAccount ·
 * accountNumber), names from the audit messages or the domain's lists, values in words, 元 and Beijing time.
 */
export type Entry =
  paths['/api/v1/audit']['get']['responses']['200']['content']['application/json']['items'][number];

export interface DiffRow {
  path: string;
  name: string;
  before: string;
  after: string;
  changed: boolean;
}

const t = (key: string) => i18n.global.t(key);
const te = (key: string) => i18n.global.te(key);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** Values that are codes of one of /meta's lists, by the field holding them. */
const LISTS = {
  role: 'roles',
  tracks: 'tracks',
  track: 'tracks',
  mainField: 'fields',
  exclusiveFields: 'fields',
  size: 'sizes',
  srdiLevel: 'srdiLevels',
  category: 'productCategories',
  kind: 'productKinds',
  queue: 'queues',
  fromStatus: 'statuses',
  toStatus: 'statuses',
} as const;

function flatten(value: unknown, prefix: string, out: Map<string, unknown>, depth: number): void {
  if (value && typeof value === 'object' && !Array.isArray(value) && depth < 4) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out.set(prefix, null);
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
  } else if (prefix) {
    out.set(prefix, value);
  }
}

/** One segment of a field's path in words: the audit messages' field names, else a code of a list. */
function segment(s: string, entity: string | null): string {
  if (entity === 'budget') return s === 'ALL' ? t('audit.allTracks') : label('tracks', s);
  if (te(`audit.fields.${s}`)) return t(`audit.fields.${s}`);
  for (const kind of ['tracks', 'srdiLevels', 'productCategories', 'fields'] as const) {
    const named = label(kind, s);
    if (named !== s) return named;
  }
  return s;
}
export const fieldName = (path: string, entity: string | null): string =>
  path
    .split('.')
    .map((s) => segment(s, entity))
    .join(' · ');

export function formatValue(path: string, value: unknown, entity: string | null): string {
  const key = path.split('.').at(-1) ?? path;
  if (value === null || value === undefined || value === '') return t('audit.empty');
  if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
  if (typeof value === 'number') {
    if (entity === 'budget' || key.endsWith('Fen')) return fen(value);
    if (key.endsWith('Bp')) return bp(value);
    return String(value);
  }
  if (Array.isArray(value))
    return value.length ? value.map((v) => formatValue(key, v, entity)).join('、') : t('audit.empty');
  if (typeof value === 'string') {
    const list = LISTS[key as keyof typeof LISTS];
    if (list) return label(list, value);
    if (key === 'source' && te(`admin.cal.source.${value}`)) return t(`admin.cal.source.${value}`);
    return INSTANT.test(value) ? beijingTime(value) : value;
  }
  return JSON.stringify(value);
}

/** Fields in the order of the audit messages' names (ids first, times last); unknown ones after them. */
const ORDER = Object.keys(messages.fields);
const rank = (path: string) =>
  path.split('.').map((s) => {
    const i = ORDER.indexOf(s);
    return i < 0 ? ORDER.length : i;
  });
function byName(x: string, y: string): number {
  const [a, b] = [rank(x), rank(y)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

/** Every field of either side, marked when it changed. */
export function diffRows(before: unknown, after: unknown, entity: string | null): DiffRow[] {
  const b = new Map<string, unknown>();
  const a = new Map<string, unknown>();
  flatten(before, '', b, 0);
  flatten(after, '', a, 0);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort(byName);
  return paths.map((path) => ({
    path,
    name: fieldName(path, entity),
    before:
      before === null || before === undefined ? t('audit.empty') : formatValue(path, b.get(path), entity),
    after: after === null || after === undefined ? t('audit.empty') : formatValue(path, a.get(path), entity),
    changed: JSON.stringify(b.get(path) ?? null) !== JSON.stringify(a.get(path) ?? null),
  }));
}

/**
 * The two sides an entry compares: a change's `before`/`after`, a change of payee's `from`/`to` account;
 * null for the steps that record other details.
 */
export function sidesOf(
  data: unknown,
): { before: unknown; after: unknown; rest: Record<string, unknown> } | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  if ('before' in d || 'after' in d) {
    const { before, after, ...rest } = d;
    return { before: before ?? null, after: after ?? null, rest };
  }
  if ('from' in d && 'to' in d) {
    const { from, to, ...rest } = d;
    return { before: { bankAccount: from }, after: { bankAccount: to }, rest };
  }
  if ('replaced' in d && d.replaced && typeof d.replaced === 'object') {
    // A holiday calendar loaded: the days it replaced, and the source they came from.
    const { replaced, holidays, workdays, ...rest } = d;
    const { source, ...days } = replaced as Record<string, unknown>;
    return { before: days, after: { holidays, workdays }, rest: { ...rest, source } };
  }
  return null;
}

/** Ids that link records for programs, not for people. */
const INTERNAL = new Set(['changeId']);

/** The other details of an entry as rows of name and value. */
export function detailRows(data: unknown, entity: string | null): { name: string; value: string }[] {
  const flat = new Map<string, unknown>();
  flatten(data, '', flat, 0);
  return [...flat]
    .filter(([path]) => !INTERNAL.has(path))
    .map(([path, v]) => ({ name: fieldName(path, entity), value: formatValue(path, v, entity) }));
}
