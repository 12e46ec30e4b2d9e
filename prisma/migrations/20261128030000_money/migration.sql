-- CreateEnum
CREATE TYPE "ReservationState" AS ENUM ('RESERVED', 'SPENT', 'RELEASED');

-- CreateEnum
CREATE TYPE "NoticeStatus" AS ENUM ('OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('REQUESTED', 'PENDING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "approvedAt" TIMESTAMP(3),
ADD COLUMN     "awaitingBudgetSince" TIMESTAMP(3),
ADD COLUMN     "disbursedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Budget" (
    "year" INTEGER NOT NULL,
    "track" TEXT NOT NULL,
    "totalFen" BIGINT NOT NULL,
    "reservedFen" BIGINT NOT NULL DEFAULT 0,
    "spentFen" BIGINT NOT NULL DEFAULT 0,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Budget_pkey" PRIMARY KEY ("year","track")
);

-- CreateTable
CREATE TABLE "Reservation" (
    "applicationId" TEXT NOT NULL,
    "budgetYear" INTEGER NOT NULL,
    "track" "Track" NOT NULL,
    "creditCode" TEXT NOT NULL,
    "subsidyYear" INTEGER NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "state" "ReservationState" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Reservation_pkey" PRIMARY KEY ("applicationId")
);

-- CreateTable
CREATE TABLE "NoticeBatch" (
    "id" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "status" "NoticeStatus" NOT NULL DEFAULT 'OPEN',

    CONSTRAINT "NoticeBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NoticeItem" (
    "batchId" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "enterpriseName" TEXT NOT NULL,
    "creditCode" TEXT NOT NULL,
    "track" "Track" NOT NULL,
    "grantedFen" BIGINT NOT NULL,
    "removed" TEXT,

    CONSTRAINT "NoticeItem_pkey" PRIMARY KEY ("batchId","applicationId")
);

-- CreateTable
CREATE TABLE "Objection" (
    "id" TEXT NOT NULL,
    "batchId" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "contact" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "Objection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Payment" (
    "id" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "gatewayId" TEXT,
    "amountFen" BIGINT NOT NULL,
    "payee" JSONB NOT NULL,
    "status" "PaymentStatus" NOT NULL DEFAULT 'REQUESTED',
    "failureReason" TEXT,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" TIMESTAMP(3),

    CONSTRAINT "Payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Survey" (
    "applicationId" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,
    "answeredAt" TIMESTAMP(3),
    "rdProgress" TEXT,
    "claimsFiled" INTEGER,
    "claimsPaidFen" BIGINT,
    "loansObtainedFen" BIGINT,
    "comment" TEXT,

    CONSTRAINT "Survey_pkey" PRIMARY KEY ("applicationId","round")
);

-- CreateIndex
CREATE INDEX "Reservation_creditCode_track_subsidyYear_state_idx" ON "Reservation"("creditCode", "track", "subsidyYear", "state");

-- CreateIndex
CREATE INDEX "Reservation_budgetYear_state_idx" ON "Reservation"("budgetYear", "state");

-- CreateIndex
CREATE UNIQUE INDEX "NoticeItem_applicationId_key" ON "NoticeItem"("applicationId");

-- CreateIndex
CREATE INDEX "Objection_applicationId_idx" ON "Objection"("applicationId");

-- CreateIndex
CREATE UNIQUE INDEX "Payment_gatewayId_key" ON "Payment"("gatewayId");

-- CreateIndex
CREATE INDEX "Payment_status_idx" ON "Payment"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Payment_applicationId_attempt_key" ON "Payment"("applicationId", "attempt");

-- AddForeignKey
ALTER TABLE "NoticeItem" ADD CONSTRAINT "NoticeItem_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "NoticeBatch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The budget is never overspent, whatever the code does.
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_within_total" CHECK ("reservedFen" >= 0 AND "spentFen" >= 0 AND "reservedFen" + "spentFen" <= "totalFen");
