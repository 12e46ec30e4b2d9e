import { onMounted, shallowReactive } from 'vue';
import { useForm } from './useForm';

/** One page of a list from the API, as `PagedTable` shows it. */
export interface ListPage {
  items: unknown[];
  total: number;
  pageSize: number;
  /** The count stopped at its cap: `total` is the cap, and there are more. */
  totalCapped?: boolean;
}
/** What `PagedTable :paged` shows: the page read (null until then), its number, and how to read another. */
export interface PagedList<L extends ListPage> {
  list: L | null;
  page: number;
  go(page: number): Promise<void>;
}

/**
 * A list from the API read a page at a time, the first when the page opens: `paged` (for `PagedTable`,
 * which reads the page chosen), `load` to read the same page again, and the page's form state (a refusal
 * lands in its alert).
 */
export function usePagedList<L extends ListPage>(fetch: (page: number) => Promise<L>) {
  const state = useForm();
  const paged: PagedList<L> = shallowReactive({ list: null, page: 1, go });
  async function load() {
    await state.run(async () => {
      paged.list = await fetch(paged.page);
    });
  }
  function go(page: number) {
    paged.page = page;
    return load();
  }
  onMounted(load);
  return { paged, state, load };
}
