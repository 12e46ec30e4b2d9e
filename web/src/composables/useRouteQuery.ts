import { useRoute, useRouter } from 'vue-router';
import { beijingYear } from '@/format';

/**
 * A page whose filters live in its address: `q`, the query it was opened with; `texts(...keys)`, those
 * fields as text ('' when absent); `router`, to write them back.
 */
export function useRouteQuery() {
  const router = useRouter();
  const q = useRoute().query as Record<string, string | undefined>;
  const texts = <K extends string>(...keys: K[]) =>
    Object.fromEntries(keys.map((k) => [k, q[k] ?? ''])) as Record<K, string>;
  return { q, router, texts };
}

/** The fields of `f` named by `keys` that hold some text, trimmed. */
export function filled<K extends string>(f: Record<K, string>, keys: readonly K[]): Record<string, string> {
  const p: Record<string, string> = {};
  for (const k of keys) if (f[k].trim()) p[k] = f[k].trim();
  return p;
}

/** The programme year a page shows (`?year=`, else this Beijing year), and `show` to show another. */
export function useYearQuery() {
  const { q, router } = useRouteQuery();
  const year = Number(q.year ?? beijingYear());
  const show = (y: number) => router.replace({ query: { year: y } });
  return { year, show };
}
