-- The task list (data/tasks.ts) reads a queue's open and claimed tasks in due order and stops after a page:
-- this index gives that order, so that a page no longer sorts the whole queue, and its count reads the index
-- alone (org is included for the office filter). Partial, so it is not in schema.prisma (the migrations test
-- compares plain indexes only).
CREATE INDEX "Task_open_queue_dueAt_idx" ON "Task" (queue, "dueAt", "createdAt", id) INCLUDE (org)
  WHERE state IN ('OPEN', 'CLAIMED');
