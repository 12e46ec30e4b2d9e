import { ref } from 'vue';
import { api, ok } from '@/api/client';
import type { paths } from '@/api/schema';
import { locale } from '@/i18n';

export type Meta = paths['/api/v1/meta']['get']['responses']['200']['content']['application/json'];
export type Kind = Exclude<keyof Meta, 'ruleReasons' | 'fourEyesQueues'>;

/** The domain's lists from GET /api/v1/meta (loaded once, before the first page). */
export const meta = ref<Meta | null>(null);

export async function loadMeta(): Promise<void> {
  meta.value ??= await ok(api.GET('/api/v1/meta'));
}

/** The name of a code in the console's language (the code itself when unknown). */
export function label(kind: Kind, code: string | null | undefined): string {
  if (!code) return '—';
  const entry = (meta.value?.[kind] as { code: string; zh: string; en: string }[] | undefined)?.find(
    (e) => e.code === code,
  );
  return entry ? entry[locale.value] : code;
}

/** `[{value, label}]` of a list, for selects and radio groups. */
export function options(kind: Kind): { value: string; label: string }[] {
  return ((meta.value?.[kind] ?? []) as { code: string; zh: string; en: string }[]).map((e) => ({
    value: e.code,
    label: e[locale.value],
  }));
}
