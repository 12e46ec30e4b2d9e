-- Recovery (追回) of paid grants (data/recovery.ts): one case per source, its repayments once per bank reference.
CREATE TYPE "RecoveryState" AS ENUM ('OPEN', 'REMINDED', 'ESCALATED', 'PARTIALLY_REPAID', 'REPAID', 'WAIVED');

CREATE TABLE "RecoveryCase" (
    "id" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "sourceRef" TEXT NOT NULL,
    "budgetYear" INTEGER NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "repaidFen" BIGINT NOT NULL DEFAULT 0,
    "state" "RecoveryState" NOT NULL DEFAULT 'OPEN',
    "ruleZh" TEXT NOT NULL,
    "ruleEn" TEXT NOT NULL,
    "change" JSONB,
    "workflowId" TEXT NOT NULL,
    "noticedAt" TIMESTAMP(3),
    "deadline" DATE,
    "remindedAt" TIMESTAMP(3),
    "escalatedAt" TIMESTAMP(3),
    "waivedBy" TEXT,
    "waiveReason" TEXT,
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RecoveryCase_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "RecoveryCase_amounts" CHECK ("amountFen" > 0 AND "repaidFen" >= 0 AND "repaidFen" <= "amountFen")
);

CREATE UNIQUE INDEX "RecoveryCase_workflowId_key" ON "RecoveryCase"("workflowId");
CREATE UNIQUE INDEX "RecoveryCase_source_sourceRef_key" ON "RecoveryCase"("source", "sourceRef");
CREATE INDEX "RecoveryCase_applicationId_idx" ON "RecoveryCase"("applicationId");
CREATE INDEX "RecoveryCase_state_budgetYear_idx" ON "RecoveryCase"("state", "budgetYear");

ALTER TABLE "RecoveryCase" ADD CONSTRAINT "RecoveryCase_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "RecoveryRepayment" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "bankReference" TEXT NOT NULL,
    "paidOn" DATE NOT NULL,
    "recordedBy" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecoveryRepayment_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "RecoveryRepayment_amount" CHECK ("amountFen" > 0)
);

CREATE UNIQUE INDEX "RecoveryRepayment_caseId_bankReference_key" ON "RecoveryRepayment"("caseId", "bankReference");

ALTER TABLE "RecoveryRepayment" ADD CONSTRAINT "RecoveryRepayment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "RecoveryCase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
