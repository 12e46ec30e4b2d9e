-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "bankMatchingStartedAt" TIMESTAMP(3),
ADD COLUMN     "loanConsentAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Bank" (
    "bankCode" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "contactEmail" TEXT NOT NULL,
    "tracks" TEXT[],
    "minAmountFen" BIGINT NOT NULL,
    "maxAmountFen" BIGINT NOT NULL,
    "maxTermMonths" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Bank_pkey" PRIMARY KEY ("bankCode")
);

-- CreateTable
CREATE TABLE "BankReferral" (
    "id" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "bankCode" TEXT NOT NULL,
    "profile" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "deadlineAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "respondedAt" TIMESTAMP(3),
    "late" BOOLEAN NOT NULL DEFAULT false,
    "creditLineFen" BIGINT,
    "annualRateBp" INTEGER,
    "termMonths" INTEGER,
    "note" TEXT,

    CONSTRAINT "BankReferral_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BankReferral_bankCode_createdAt_idx" ON "BankReferral"("bankCode", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "BankReferral_applicationId_bankCode_key" ON "BankReferral"("applicationId", "bankCode");

-- AddForeignKey
ALTER TABLE "BankReferral" ADD CONSTRAINT "BankReferral_bankCode_fkey" FOREIGN KEY ("bankCode") REFERENCES "Bank"("bankCode") ON DELETE RESTRICT ON UPDATE CASCADE;
