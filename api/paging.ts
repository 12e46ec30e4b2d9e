/**
 * One page of a list (`?page=&pageSize=`, from 1) as the API answers it, `{ items, total, page, pageSize }`:
 * `rows` reads the page's window (Prisma's `skip` and `take`) while `count` counts all the rows, and `present`
 * makes the page's items of its rows as they are at `now`, once they have been read.
 */
export async function pageOf<R, T>(
  query: { page: number; pageSize: number },
  rows: (window: { skip: number; take: number }) => Promise<R[]>,
  count: () => Promise<number>,
  present: (rows: R[], now: number) => T[] | Promise<T[]>,
): Promise<{ items: T[]; total: number; page: number; pageSize: number }> {
  const [found, total] = await Promise.all([
    rows({ skip: (query.page - 1) * query.pageSize, take: query.pageSize }),
    count(),
  ]);
  return { items: await present(found, Date.now()), total, page: query.page, pageSize: query.pageSize };
}
