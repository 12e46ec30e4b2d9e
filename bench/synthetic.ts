/**
 * Synthetic rows written straight into the database (the API is not what they measure): a task list of the
 * wanted size, and years of applications, payments, surveys and bank referrals for the evaluation. Every row
 * is marked as started (`workflowStartedAt`), so that the worker's stranded-workflow sweep leaves it alone.
 */
import { rebuildEvaluationRollups } from '../data/evaluationRollupTables';
import type { Stack } from './stack';

const FIELDS = `ARRAY['ARTIFICIAL_INTELLIGENCE','INTEGRATED_CIRCUIT','BIOMEDICINE','NEW_MATERIALS','COMMERCIAL_AEROSPACE','OTHER']`;
const SNAPSHOT = `'{"synthetic": true}'::jsonb`;

async function enterprises(stack: Stack, prefix: string, count: number): Promise<void> {
  await stack.sql(
    `INSERT INTO "Enterprise" ("creditCode", name, district, size, "foundedOn", "mainField", "contactEmail", "updatedAt")
     SELECT $1 || lpad(g::text, 10, '0'), '合成科技有限公司' || g, '海淀区', 'SMALL', DATE '2019-06-01',
            (${FIELDS})[1 + g % 6], 'e' || g || '@example.com', now()
     FROM generate_series(1, $2::int) g
     ON CONFLICT DO NOTHING`,
    [prefix, count],
  );
}

/**
 * `count` open work items in the task table: initial review (60 %, half of it for 中关村街道's office), final
 * approval (20 %), expert review, payment exceptions and budget waits; 85 % open, 10 % claimed, 5 % done.
 * One application (and enterprise) each.
 */
export async function insertTasks(stack: Stack, count: number): Promise<void> {
  if (count === 0) return;
  await enterprises(stack, 'SYNT', count);
  await stack.sql(
    `WITH g AS (
       SELECT g, CASE WHEN g % 20 < 12 THEN 'initial-review' WHEN g % 20 < 16 THEN 'final-approval'
                      WHEN g % 20 < 18 THEN 'expert-review' WHEN g % 20 < 19 THEN 'payment-exception'
                      ELSE 'budget' END AS queue,
              now() - (g % 1440) * interval '1 hour' AS created
       FROM generate_series(1, $1::int) g)
     INSERT INTO "Application" (id, "creditCode", track, status, "programYear", "insurerCode", "policyNumber",
       "productCode", "policyStartDate", "policyEndDate", "premiumFen", "paidPremiumFen", "paidAt",
       "sumInsuredFen", "programSnapshot", "submittedBy", "workflowId", "workflowStartedAt", "reviewOrg",
       "createdAt", "updatedAt", "statusChangedAt")
     SELECT 'HD-SYN-T' || lpad(g::text, 7, '0'), 'SYNT' || lpad(g::text, 10, '0'), 'INCLUSIVE',
       (CASE queue WHEN 'initial-review' THEN 'INITIAL_REVIEW' WHEN 'final-approval' THEN 'FINAL_APPROVAL'
                   WHEN 'expert-review' THEN 'EXPERT_REVIEW' WHEN 'payment-exception' THEN 'PAYMENT_FAILED'
                   ELSE 'AWAITING_BUDGET' END)::"ApplicationStatus",
       $2::int, 'SYN', 'T' || g, 'HD-GROUP-2026', DATE '2026-03-01', DATE '2027-02-28', 250000, 250000,
       created, 500000000, ${SNAPSHOT}, 'synthetic', 'application-HD-SYN-T' || g, created,
       CASE WHEN g % 2 = 0 THEN 'street:中关村街道' ELSE 'street:学院路街道' END, created, created, created
     FROM g`,
    [count, stack.year],
  );
  await stack.sql(
    `INSERT INTO "Task" (id, "applicationId", queue, org, state, assignee, "claimedAt", "createdAt", "dueAt",
       "completedAt", outcome)
     SELECT 'syn-task-' || g, 'HD-SYN-T' || lpad(g::text, 7, '0'), q.queue,
       CASE WHEN q.queue = 'initial-review' THEN a."reviewOrg" WHEN q.queue = 'final-approval' THEN 'committee' END,
       (CASE WHEN g % 20 = 7 THEN 'DONE' WHEN g % 10 = 3 THEN 'CLAIMED' ELSE 'OPEN' END)::"TaskState",
       CASE WHEN g % 10 = 3 THEN 'reviewer-' || (g % 17) END,
       CASE WHEN g % 10 = 3 THEN a."createdAt" + interval '1 hour' END,
       a."createdAt", a."createdAt" + (3 + g % 9) * interval '1 day',
       CASE WHEN g % 20 = 7 THEN a."createdAt" + interval '2 days' END,
       CASE WHEN g % 20 = 7 THEN 'approve' END
     FROM generate_series(1, $1::int) g
     JOIN "Application" a ON a.id = 'HD-SYN-T' || lpad(g::text, 7, '0')
     CROSS JOIN LATERAL (SELECT CASE WHEN g % 20 < 12 THEN 'initial-review' WHEN g % 20 < 16 THEN 'final-approval'
                      WHEN g % 20 < 18 THEN 'expert-review' WHEN g % 20 < 19 THEN 'payment-exception'
                      ELSE 'budget' END AS queue) q`,
    [count],
  );
  await stack.sql('ANALYZE "Enterprise", "Application", "Task"');
}

/**
 * `count` applications over the bench year and the year before, by some 40 % as many enterprises (so that
 * many have several): 70 % insured (approved, most of them paid, with a SUCCEEDED payment), the rest rejected,
 * withdrawn or in review; one in five with a high-tech certificate; follow-up surveys for the closed ones and
 * bank referrals for one in twenty. Written by SQL, past the steps that keep the evaluation's rollups: they are
 * rebuilt from the rows at the end (as the migration that created them does), timed.
 */
export async function insertEvaluationRows(stack: Stack, count: number): Promise<{ rebuildMs: number }> {
  if (count === 0) return { rebuildMs: 0 };
  const companies = Math.max(1, Math.round(count * 0.4));
  await enterprises(stack, 'SYNE', companies);
  const statuses = `ARRAY['TRACKING','CLOSED','PAID','TRACKING','CLOSED','APPROVED','DISBURSING','REJECTED','WITHDRAWN','INITIAL_REVIEW']`;
  await stack.sql(
    `WITH g AS (
       SELECT g, $3::int - (g % 2) AS year, (${statuses})[1 + g % 10]::"ApplicationStatus" AS status,
              (CASE WHEN g % 10 < 7 THEN 'INCLUSIVE' WHEN g % 10 < 9 THEN 'SRDI' ELSE 'FRONTIER' END)::"Track" AS track
       FROM generate_series(1, $1::int) g),
     t AS (SELECT *, make_timestamp(year, 1, 1, 0, 0, 0) + ((g * 37) % 320) * interval '1 day'
                     + (g % 86400) * interval '1 second' AS created FROM g)
     INSERT INTO "Application" (id, "creditCode", track, status, "programYear", "insurerCode", "policyNumber",
       "productCode", "policyStartDate", "policyEndDate", "premiumFen", "paidPremiumFen", "paidAt",
       "sumInsuredFen", "programSnapshot", "submittedBy", "workflowId", "workflowStartedAt", "createdAt",
       "updatedAt", "statusChangedAt", "approvedAt", "grantedFen", "verifiedFacts", "disbursedAt")
     SELECT 'HD-SYN-E' || lpad(g::text, 7, '0'), 'SYNE' || lpad((1 + g % $2::int)::text, 10, '0'), track, status,
       year, 'SYN', 'E' || g, 'HD-GROUP-2026', make_date(year, 3, 1), make_date(year + 1, 2, 28),
       CASE WHEN track = 'INCLUSIVE' THEN 250000 ELSE 10000000 END,
       CASE WHEN track = 'INCLUSIVE' THEN 250000 ELSE 10000000 END, created,
       500000000 + (g % 7) * 100000000, ${SNAPSHOT}, 'synthetic', 'application-HD-SYN-E' || g, created,
       created, created, created,
       CASE WHEN g % 10 < 7 THEN created + interval '20 days' END,
       CASE WHEN g % 10 < 7 THEN 200000 END,
       CASE WHEN g % 5 = 0
         THEN '{"enterprise": {"highTech": {"certifiedOn": "2024-05-01", "validUntil": "2027-12-31"}}}'::jsonb
         ELSE '{"enterprise": {"highTech": null}}'::jsonb END,
       CASE WHEN g % 10 < 5 THEN created + interval '30 days' END
     FROM t`,
    [count, companies, stack.year],
  );
  await stack.sql(
    `INSERT INTO "Payment" (id, "applicationId", attempt, "gatewayId", "amountFen", payee, status, "requestedAt", "settledAt")
     SELECT a.id || '-pay-1', a.id, 1, 'gw-' || a.id, 200000, '{}'::jsonb, 'SUCCEEDED', a."disbursedAt",
            a."disbursedAt" + interval '1 minute'
     FROM "Application" a WHERE a.id LIKE 'HD-SYN-E%' AND a."disbursedAt" IS NOT NULL`,
  );
  await stack.sql(
    `INSERT INTO "Survey" ("applicationId", round, "sentAt", "answeredAt", "claimsFiled", "claimsPaidFen", "loansObtainedFen")
     SELECT a.id, 1, a."disbursedAt" + interval '180 days',
            CASE WHEN a.status = 'CLOSED' THEN a."disbursedAt" + interval '190 days' END, 1, 100000, 0
     FROM "Application" a WHERE a.id LIKE 'HD-SYN-E%' AND a."disbursedAt" IS NOT NULL`,
  );
  await stack.sql(
    `INSERT INTO "BankReferral" (id, "applicationId", "bankCode", profile, status, "deadlineAt", "createdAt", "creditLineFen")
     SELECT 'syn-ref-' || a.id, a.id, (SELECT "bankCode" FROM "Bank" ORDER BY "bankCode" LIMIT 1), '{}'::jsonb,
            (ARRAY['GRANTED','DECLINED','PENDING','EXPIRED'])[1 + (right(a.id, 3)::int / 20) % 4],
            a."approvedAt" + interval '14 days', a."approvedAt", 5000000
     FROM "Application" a WHERE a.id LIKE 'HD-SYN-E%' AND a."approvedAt" IS NOT NULL AND right(a.id, 2)::int % 20 = 0`,
  );
  await stack.sql('ANALYZE');
  const t0 = performance.now();
  await rebuildEvaluationRollups(stack.db);
  const rebuildMs = performance.now() - t0;
  await stack.sql('ANALYZE');
  return { rebuildMs };
}
