-- Sampled site visits (domain/siteVisits.ts, data/siteVisits.ts): one sample per quarter, one visit per sampled
-- application, worked by the application's street office.
CREATE TABLE "SiteVisitSample" (
    "quarter" TEXT NOT NULL,
    "seed" TEXT NOT NULL,
    "rate" DOUBLE PRECISION NOT NULL,
    "populationCount" INTEGER NOT NULL,
    "populationHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,

    CONSTRAINT "SiteVisitSample_pkey" PRIMARY KEY ("quarter")
);

CREATE TABLE "SiteVisit" (
    "id" TEXT NOT NULL,
    "quarter" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "track" "Track" NOT NULL,
    "office" TEXT,
    "state" TEXT NOT NULL DEFAULT 'OPEN',
    "checklist" JSONB,
    "result" TEXT,
    "note" TEXT,
    "recoveryRequested" BOOLEAN NOT NULL DEFAULT false,
    "visitedAt" TIMESTAMP(3),
    "visitor" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SiteVisit_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "SiteVisit_quarter_applicationId_key" ON "SiteVisit"("quarter", "applicationId");
CREATE INDEX "SiteVisit_office_state_idx" ON "SiteVisit"("office", "state");
CREATE INDEX "SiteVisit_applicationId_idx" ON "SiteVisit"("applicationId");

ALTER TABLE "SiteVisit" ADD CONSTRAINT "SiteVisit_quarter_fkey" FOREIGN KEY ("quarter") REFERENCES "SiteVisitSample"("quarter") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "SiteVisit" ADD CONSTRAINT "SiteVisit_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The quarter's population: applications by the day their grant was disbursed.
CREATE INDEX "Application_disbursedAt_idx" ON "Application"("disbursedAt");
