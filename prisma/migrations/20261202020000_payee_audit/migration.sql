-- The payee is fixed on the application at final approval; a change of it is a request that finance approves;
-- every profile and configuration change is audited with the entity it changed.
ALTER TABLE "Application" ADD COLUMN "payeeAccount" JSONB,
ADD COLUMN "payeeName" TEXT,
ADD COLUMN "payeeContactEmail" TEXT,
ADD COLUMN "payeeFixedAt" TIMESTAMP(3);

CREATE TABLE "PayeeChange" (
    "id" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "fromAccount" JSONB,
    "toAccount" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "requestedRole" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "comment" TEXT,

    CONSTRAINT "PayeeChange_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "PayeeChange_state_requestedAt_idx" ON "PayeeChange"("state", "requestedAt");
CREATE INDEX "PayeeChange_applicationId_idx" ON "PayeeChange"("applicationId");
ALTER TABLE "PayeeChange" ADD CONSTRAINT "PayeeChange_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "AuditEvent" ADD COLUMN "entity" TEXT,
ADD COLUMN "entityId" TEXT;
CREATE INDEX "AuditEvent_entity_entityId_at_idx" ON "AuditEvent"("entity", "entityId", "at");
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- Grants approved before this change and not yet paid are fixed to the account on record now.
UPDATE "Application" a SET "payeeAccount" = e."bankAccount", "payeeName" = e."name",
  "payeeContactEmail" = e."contactEmail", "payeeFixedAt" = CURRENT_TIMESTAMP
FROM "Enterprise" e
WHERE e."creditCode" = a."creditCode" AND a."payee" = 'ENTERPRISE'
  AND a."status" IN ('AWAITING_BUDGET', 'APPROVED', 'IN_PUBLIC_NOTICE', 'DISBURSING', 'PAYMENT_FAILED');

-- The calendar's loads were audited before entities were: they are the calendar's.
UPDATE "AuditEvent" SET "entity" = 'calendar', "entityId" = "data"->>'year' WHERE "action" = 'CALENDAR_LOADED';
