-- The reviewers' task list filters on queue, organisation and state and sorts by due date (GET /tasks):
-- measured by the benchmark's database phase, this index takes a third off its count and page statements
-- over 10,000 tasks (docs/performance.md).
CREATE INDEX "Task_queue_org_state_dueAt_idx" ON "Task"("queue", "org", "state", "dueAt");
