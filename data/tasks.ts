import { Prisma, sqlTimestamp, type Db } from './db';

/**
 * The review task list (`GET /api/v1/tasks`) in one statement: the page with its applications and
 * enterprises, and a count that stops at `TASK_COUNT_CAP` (a queue's work, not the table's size, sets its
 * cost). Four Prisma statements did it before (docs/performance.md, "Task list").
 */
export const TASK_COUNT_CAP = 1_000;

/** Which tasks the caller may see: the queues (null: every queue) and, besides tasks of no organisation, its own. */
export interface TaskVisibility {
  queues: readonly string[] | null;
  /** Tasks bound to an organisation are seen by its staff only; null when the caller sees every organisation's. */
  org: string | null;
  /** Administrators see every task, of every organisation. */
  everyOrg: boolean;
}

export interface TaskListFilter {
  visibility: TaskVisibility;
  queue?: string;
  state?: 'OPEN' | 'CLAIMED';
  assignee?: string;
  applicationId?: string;
  overdue?: boolean;
  newestDueFirst: boolean;
  page: number;
  pageSize: number;
}

export interface TaskListRow {
  id: string;
  queue: string;
  applicationId: string;
  org: string | null;
  state: 'OPEN' | 'CLAIMED';
  assignee: string | null;
  createdAt: Date;
  dueAt: Date;
  escalatedAt: Date | null;
  track: string;
  enterpriseName: string;
}

function conditions(f: TaskListFilter, now: Date): Prisma.Sql {
  const v = f.visibility;
  const where: Prisma.Sql[] = [
    // Written out, not bound: the planner matches them with the open-task index's predicate.
    f.state === 'OPEN'
      ? Prisma.sql`t.state = 'OPEN'::"TaskState"`
      : f.state === 'CLAIMED'
        ? Prisma.sql`t.state = 'CLAIMED'::"TaskState"`
        : Prisma.sql`t.state IN ('OPEN'::"TaskState", 'CLAIMED'::"TaskState")`,
  ];
  // One queue as an equality (the index then gives the due order); the caller's queues as a list.
  const queues = f.queue ? (v.queues && !v.queues.includes(f.queue) ? [] : [f.queue]) : v.queues;
  if (queues?.length === 0) where.push(Prisma.sql`false`);
  else if (queues?.length === 1) where.push(Prisma.sql`t.queue = ${queues[0]}`);
  else if (queues) where.push(Prisma.sql`t.queue IN (${Prisma.join(queues)})`);
  if (!v.everyOrg)
    where.push(v.org ? Prisma.sql`(t.org IS NULL OR t.org = ${v.org})` : Prisma.sql`t.org IS NULL`);
  if (f.assignee) where.push(Prisma.sql`t.assignee = ${f.assignee}`);
  if (f.applicationId) where.push(Prisma.sql`t."applicationId" = ${f.applicationId}`);
  if (f.overdue !== undefined)
    where.push(
      f.overdue
        ? Prisma.sql`t."dueAt" < ${sqlTimestamp(now)}`
        : Prisma.sql`t."dueAt" >= ${sqlTimestamp(now)}`,
    );
  return Prisma.join(where, ' AND ');
}

/**
 * One page of the tasks the filter lets through, oldest due first (or newest), and how many there are up to
 * the cap: `capped` when there are more.
 */
export async function taskListPage(
  db: Db,
  f: TaskListFilter,
  now: Date,
): Promise<{ rows: TaskListRow[]; total: number; capped: boolean }> {
  const where = conditions(f, now);
  const order = f.newestDueFirst
    ? Prisma.sql`t."dueAt" DESC, t."createdAt" DESC, t.id DESC`
    : Prisma.sql`t."dueAt" ASC, t."createdAt" ASC, t.id ASC`;
  const orderOfPage = f.newestDueFirst
    ? Prisma.sql`p."dueAt" DESC, p."createdAt" DESC, p.id DESC`
    : Prisma.sql`p."dueAt" ASC, p."createdAt" ASC, p.id ASC`;
  // The count reads the task index alone and stops at the cap; the page is chosen from the tasks alone, and
  // only its rows are joined with their applications and enterprises. One row comes back even for a page past
  // the end (the count, with no task).
  const rows = await db.$queryRaw<(Partial<TaskListRow> & { total: number })[]>`
    WITH counted AS (
      SELECT count(*)::int AS total FROM (SELECT 1 FROM "Task" t WHERE ${where} LIMIT ${TASK_COUNT_CAP + 1}) c
    ), page AS (
      SELECT t.id, t.queue, t."applicationId", t.org, t.state::text AS state, t.assignee, t."createdAt",
             t."dueAt", t."escalatedAt"
      FROM "Task" t
      WHERE ${where}
      ORDER BY ${order}
      LIMIT ${f.pageSize} OFFSET ${(f.page - 1) * f.pageSize}
    )
    SELECT counted.total, p.*
    FROM counted LEFT JOIN LATERAL (
      SELECT page.*, a.track::text AS track, e.name AS "enterpriseName"
      FROM page
      JOIN "Application" a ON a.id = page."applicationId"
      JOIN "Enterprise" e ON e."creditCode" = a."creditCode"
    ) p ON true
    ORDER BY ${orderOfPage}`;
  const counted = rows[0]?.total ?? 0;
  return {
    rows: rows.filter((r): r is TaskListRow & { total: number } => r.id != null),
    total: Math.min(counted, TASK_COUNT_CAP),
    capped: counted > TASK_COUNT_CAP,
  };
}
