-- When a grant became binding (at final approval, or when the budget queue reached it): the budget forecast
-- (data/budgetForecast.ts) measures the pace of recent grants by it. Grants made before this column existed
-- take their application's approval time (the record step sets it as the grant is made), or the reservation's
-- last change.
ALTER TABLE "Reservation" ADD COLUMN "grantedAt" TIMESTAMP(3);

UPDATE "Reservation" r SET "grantedAt" = COALESCE(a."approvedAt", r."updatedAt")
FROM "Application" a
WHERE a."id" = r."applicationId" AND r."state" IN ('RESERVED', 'SPENT');

UPDATE "Reservation" SET "grantedAt" = "updatedAt"
WHERE "state" IN ('RESERVED', 'SPENT') AND "grantedAt" IS NULL;

CREATE INDEX "Reservation_budgetYear_grantedAt_idx" ON "Reservation"("budgetYear", "grantedAt");
