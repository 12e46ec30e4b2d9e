-- CreateEnum
CREATE TYPE "EnterpriseSize" AS ENUM ('MICRO', 'SMALL', 'MEDIUM', 'LARGE');

-- CreateEnum
CREATE TYPE "Track" AS ENUM ('INCLUSIVE', 'SRDI', 'FRONTIER');

-- CreateEnum
CREATE TYPE "ApplicationStatus" AS ENUM ('SUBMITTED', 'PRECHECK', 'INITIAL_REVIEW', 'NEEDS_INFO', 'EXPERT_REVIEW', 'FINAL_APPROVAL', 'AWAITING_BUDGET', 'APPROVED', 'IN_PUBLIC_NOTICE', 'DISBURSING', 'PAYMENT_FAILED', 'PAID', 'TRACKING', 'CLOSED', 'REJECTED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "TaskState" AS ENUM ('OPEN', 'CLAIMED', 'DONE', 'CANCELLED');

-- CreateEnum
CREATE TYPE "EmailStatus" AS ENUM ('PENDING', 'SENDING', 'SENT');

-- CreateTable
CREATE TABLE "Enterprise" (
    "creditCode" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "district" TEXT NOT NULL,
    "size" "EnterpriseSize" NOT NULL,
    "foundedOn" DATE NOT NULL,
    "mainField" TEXT NOT NULL,
    "techCertifiedUntil" DATE,
    "srdiLevel" TEXT,
    "srdiValidUntil" DATE,
    "contactEmail" TEXT NOT NULL,
    "bankAccount" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Enterprise_pkey" PRIMARY KEY ("creditCode")
);

-- CreateTable
CREATE TABLE "Application" (
    "id" TEXT NOT NULL,
    "creditCode" TEXT NOT NULL,
    "track" "Track" NOT NULL,
    "status" "ApplicationStatus" NOT NULL DEFAULT 'SUBMITTED',
    "programYear" INTEGER NOT NULL,
    "insurerCode" TEXT NOT NULL,
    "policyNumber" TEXT NOT NULL,
    "productCode" TEXT NOT NULL,
    "policyStartDate" DATE NOT NULL,
    "policyEndDate" DATE NOT NULL,
    "premiumFen" BIGINT NOT NULL,
    "paidPremiumFen" BIGINT NOT NULL,
    "paidAt" TIMESTAMP(3) NOT NULL,
    "sumInsuredFen" BIGINT NOT NULL,
    "loanInterest" JSONB,
    "computedFen" BIGINT,
    "grantedFen" BIGINT,
    "rateBp" INTEGER,
    "reasons" JSONB NOT NULL DEFAULT '[]',
    "programSnapshot" JSONB NOT NULL,
    "submittedBy" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "workflowStartedAt" TIMESTAMP(3),
    "statusChangedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "org" TEXT,
    "state" "TaskState" NOT NULL DEFAULT 'OPEN',
    "assignee" TEXT,
    "claimedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),
    "outcome" TEXT,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "applicationId" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "actorRole" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT,
    "note" TEXT,
    "data" JSONB,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmailOutbox" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "applicationId" TEXT,
    "template" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT,
    "status" "EmailStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "messageId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "nextAttemptAt" TIMESTAMP(3),
    "claimedAt" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "EmailOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "responseStatus" INTEGER,
    "responseBody" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("scope","key")
);

-- CreateIndex
CREATE UNIQUE INDEX "Application_workflowId_key" ON "Application"("workflowId");

-- CreateIndex
CREATE INDEX "Application_status_createdAt_idx" ON "Application"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Application_creditCode_createdAt_idx" ON "Application"("creditCode", "createdAt");

-- CreateIndex
CREATE INDEX "Application_insurerCode_policyNumber_idx" ON "Application"("insurerCode", "policyNumber");

-- CreateIndex
CREATE INDEX "Task_queue_state_dueAt_idx" ON "Task"("queue", "state", "dueAt");

-- CreateIndex
CREATE INDEX "Task_applicationId_idx" ON "Task"("applicationId");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_key_key" ON "AuditEvent"("key");

-- CreateIndex
CREATE INDEX "AuditEvent_applicationId_at_idx" ON "AuditEvent"("applicationId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "EmailOutbox_key_key" ON "EmailOutbox"("key");

-- CreateIndex
CREATE INDEX "EmailOutbox_status_createdAt_idx" ON "EmailOutbox"("status", "createdAt");

-- AddForeignKey
ALTER TABLE "Application" ADD CONSTRAINT "Application_creditCode_fkey" FOREIGN KEY ("creditCode") REFERENCES "Enterprise"("creditCode") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- One policy, one subsidy: a policy may be in at most one live application, whatever the track.
CREATE UNIQUE INDEX "Application_live_policy_key" ON "Application"("insurerCode", "policyNumber") WHERE "status" NOT IN ('REJECTED', 'WITHDRAWN');

-- Application ids are readable: HD-<programme year>-<sequence>.
CREATE SEQUENCE "application_number_seq";
