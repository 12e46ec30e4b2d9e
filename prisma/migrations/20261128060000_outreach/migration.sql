-- CreateEnum
CREATE TYPE "CampaignStatus" AS ENUM ('RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "track" "Track" NOT NULL,
    "year" INTEGER NOT NULL,
    "note" TEXT,
    "status" "CampaignStatus" NOT NULL DEFAULT 'RUNNING',
    "pageSize" INTEGER NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "rules" JSONB NOT NULL,
    "workflowId" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignPage" (
    "campaignId" TEXT NOT NULL,
    "page" INTEGER NOT NULL,
    "cursor" TEXT,
    "nextCursor" TEXT,
    "scanned" INTEGER NOT NULL,
    "alreadyApplied" INTEGER NOT NULL,
    "ineligible" INTEGER NOT NULL,
    "eligible" INTEGER NOT NULL,
    "unsubscribed" INTEGER NOT NULL,
    "noContact" INTEGER NOT NULL,
    "emailed" INTEGER NOT NULL,
    "processedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CampaignPage_pkey" PRIMARY KEY ("campaignId","page")
);

-- CreateTable
CREATE TABLE "CampaignRecipient" (
    "campaignId" TEXT NOT NULL,
    "creditCode" TEXT NOT NULL,
    "enterpriseName" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "page" INTEGER NOT NULL,
    "facts" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "firstOpenedAt" TIMESTAMP(3),
    "lastOpenedAt" TIMESTAMP(3),
    "openCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CampaignRecipient_pkey" PRIMARY KEY ("campaignId","creditCode")
);

-- CreateTable
CREATE TABLE "OutreachUnsubscribe" (
    "creditCode" TEXT NOT NULL,
    "email" TEXT,
    "campaignId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OutreachUnsubscribe_pkey" PRIMARY KEY ("creditCode")
);

-- CreateIndex
CREATE UNIQUE INDEX "Campaign_workflowId_key" ON "Campaign"("workflowId");

-- CreateIndex
CREATE INDEX "Campaign_year_track_idx" ON "Campaign"("year", "track");

-- CreateIndex
CREATE INDEX "CampaignRecipient_creditCode_createdAt_idx" ON "CampaignRecipient"("creditCode", "createdAt");

-- At most one running campaign per track and programme year (not expressible in schema.prisma).
CREATE UNIQUE INDEX "Campaign_running_track_year_key" ON "Campaign"("track", "year") WHERE "status" = 'RUNNING';

-- AddForeignKey
ALTER TABLE "CampaignPage" ADD CONSTRAINT "CampaignPage_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignRecipient" ADD CONSTRAINT "CampaignRecipient_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
