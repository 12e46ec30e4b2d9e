-- The evaluation's rollups (data/evaluationRollups.ts): what each insured application and each application's
-- SUCCEEDED payments of a settlement year contribute (the items), and the counters the evaluation reads (their
-- sums). Kept in the transaction of each step that changes the rows; filled here from the existing rows with
-- the same definitions as rebuildEvaluationRollups (insured = approvedAt set and status APPROVED … CLOSED).

CREATE TABLE "EvaluationInsuredItem" (
    "applicationId" TEXT NOT NULL,
    "creditCode" TEXT NOT NULL,
    "programYear" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "track" "Track" NOT NULL,
    "field" TEXT NOT NULL,
    "premiumFen" BIGINT NOT NULL,
    "riskCoverageFen" BIGINT NOT NULL,
    "newEnterprise" BOOLEAN NOT NULL,
    "highTech" BOOLEAN NOT NULL,

    CONSTRAINT "EvaluationInsuredItem_pkey" PRIMARY KEY ("applicationId")
);
CREATE INDEX "EvaluationInsuredItem_creditCode_idx" ON "EvaluationInsuredItem"("creditCode");

CREATE TABLE "EvaluationInsuredCell" (
    "programYear" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "track" "Track" NOT NULL,
    "field" TEXT NOT NULL,
    "applications" INTEGER NOT NULL,
    "newEnterprises" INTEGER NOT NULL,
    "premiumFen" BIGINT NOT NULL,
    "riskCoverageFen" BIGINT NOT NULL,

    CONSTRAINT "EvaluationInsuredCell_pkey" PRIMARY KEY ("programYear", "month", "track", "field")
);

CREATE TABLE "EvaluationYear" (
    "programYear" INTEGER NOT NULL,
    "insuredEnterprises" INTEGER NOT NULL,
    "highTechEnterprises" INTEGER NOT NULL,

    CONSTRAINT "EvaluationYear_pkey" PRIMARY KEY ("programYear")
);

CREATE TABLE "EvaluationPaidItem" (
    "applicationId" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "creditCode" TEXT NOT NULL,
    "track" "Track" NOT NULL,
    "field" TEXT NOT NULL,
    "payments" INTEGER NOT NULL,
    "paidFen" BIGINT NOT NULL,

    CONSTRAINT "EvaluationPaidItem_pkey" PRIMARY KEY ("applicationId", "year")
);
CREATE INDEX "EvaluationPaidItem_creditCode_idx" ON "EvaluationPaidItem"("creditCode");

CREATE TABLE "EvaluationPaidCell" (
    "year" INTEGER NOT NULL,
    "track" "Track" NOT NULL,
    "field" TEXT NOT NULL,
    "applications" INTEGER NOT NULL,
    "paidFen" BIGINT NOT NULL,

    CONSTRAINT "EvaluationPaidCell_pkey" PRIMARY KEY ("year", "track", "field")
);

CREATE TABLE "EvaluationReconciliation" (
    "id" INTEGER NOT NULL,
    "ranAt" TIMESTAMP(3) NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "driftCells" INTEGER NOT NULL,
    "drift" JSONB NOT NULL,

    CONSTRAINT "EvaluationReconciliation_pkey" PRIMARY KEY ("id")
);

-- Fill from the existing rows (timestamps are UTC wall-clock time; Asia/Shanghai is UTC+8).
INSERT INTO "EvaluationInsuredItem" ("applicationId", "creditCode", "programYear", month, track, field,
  "premiumFen", "riskCoverageFen", "newEnterprise", "highTech")
SELECT a.id, a."creditCode", a."programYear",
       (CASE WHEN extract(year FROM a."createdAt" + interval '8 hours') < a."programYear" THEN 1
             WHEN extract(year FROM a."createdAt" + interval '8 hours') > a."programYear" THEN 12
             ELSE extract(month FROM a."createdAt" + interval '8 hours') END)::int,
       a.track, e."mainField", a."premiumFen", a."sumInsuredFen",
       row_number() OVER (PARTITION BY a."creditCode" ORDER BY a."approvedAt", a.id) = 1,
       coalesce(jsonb_typeof(a."verifiedFacts" -> 'enterprise' -> 'highTech') = 'object'
         AND a."verifiedFacts" -> 'enterprise' -> 'highTech' ->> 'certifiedOn' <= (a."programYear"::text || '-12-31')
         AND a."verifiedFacts" -> 'enterprise' -> 'highTech' ->> 'validUntil' >= (a."programYear"::text || '-01-01'),
         false)
FROM "Application" a JOIN "Enterprise" e ON e."creditCode" = a."creditCode"
WHERE a."approvedAt" IS NOT NULL
  AND a.status IN ('APPROVED', 'IN_PUBLIC_NOTICE', 'DISBURSING', 'PAYMENT_FAILED', 'PAID', 'TRACKING', 'CLOSED');

INSERT INTO "EvaluationPaidItem" ("applicationId", year, "creditCode", track, field, payments, "paidFen")
SELECT p."applicationId", extract(year FROM p."settledAt" + interval '8 hours')::int, a."creditCode", a.track,
       e."mainField", count(*)::int, sum(p."amountFen")::bigint
FROM "Payment" p
JOIN "Application" a ON a.id = p."applicationId"
JOIN "Enterprise" e ON e."creditCode" = a."creditCode"
WHERE p.status = 'SUCCEEDED' AND p."settledAt" IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO "EvaluationInsuredCell" ("programYear", month, track, field, applications, "newEnterprises",
  "premiumFen", "riskCoverageFen")
SELECT "programYear", month, track, field, count(*)::int, (count(*) FILTER (WHERE "newEnterprise"))::int,
       sum("premiumFen"), sum("riskCoverageFen")
FROM "EvaluationInsuredItem" GROUP BY 1, 2, 3, 4;

INSERT INTO "EvaluationYear" ("programYear", "insuredEnterprises", "highTechEnterprises")
SELECT "programYear", count(DISTINCT "creditCode")::int, (count(DISTINCT "creditCode") FILTER (WHERE "highTech"))::int
FROM "EvaluationInsuredItem" GROUP BY 1;

INSERT INTO "EvaluationPaidCell" (year, track, field, applications, "paidFen")
SELECT year, track, field, count(*)::int, sum("paidFen") FROM "EvaluationPaidItem" GROUP BY 1, 2, 3;
