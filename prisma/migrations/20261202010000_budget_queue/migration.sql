-- The budget queue's order and state live on the reservation, read and changed under the year's budget lock:
-- a WAITING row holds the application's place (queuedSeq), and one sequence orders places and grants.
ALTER TABLE "Reservation" ADD COLUMN "computedFen" BIGINT,
ADD COLUMN "annualCapFen" BIGINT,
ADD COLUMN "waitingSince" TIMESTAMP(3),
ADD COLUMN "queuedSeq" BIGINT,
ADD COLUMN "grantedSeq" BIGINT,
ADD COLUMN "wakePending" BOOLEAN NOT NULL DEFAULT false;

DROP INDEX "Reservation_budgetYear_state_idx";
CREATE INDEX "Reservation_budgetYear_state_queuedSeq_idx" ON "Reservation"("budgetYear", "state", "queuedSeq");
CREATE INDEX "Reservation_wakePending_idx" ON "Reservation"("wakePending");

CREATE SEQUENCE "reservation_order_seq";

-- Applications already waiting for budget keep their place: in the order they started waiting, with what
-- they need (their computed subsidy; the annual cap of their track from their programme snapshot).
INSERT INTO "Reservation" ("applicationId", "budgetYear", "track", "creditCode", "subsidyYear", "amountFen",
  "state", "computedFen", "annualCapFen", "waitingSince", "queuedSeq", "updatedAt")
SELECT a."id", a."programYear", a."track", a."creditCode", COALESCE(a."subsidyYear", a."programYear"),
  COALESCE(a."computedFen", 0), 'WAITING', a."computedFen",
  CASE a."track"
    WHEN 'INCLUSIVE' THEN (a."programSnapshot"->>'inclusivePremiumCapFen')::BIGINT
    WHEN 'SRDI' THEN (a."programSnapshot"->>'srdiAnnualCapFen')::BIGINT
    ELSE (a."programSnapshot"->>'frontierAnnualCapFen')::BIGINT
  END,
  COALESCE(a."awaitingBudgetSince", a."statusChangedAt"),
  row_number() OVER (ORDER BY COALESCE(a."awaitingBudgetSince", a."statusChangedAt"), a."id"),
  CURRENT_TIMESTAMP
FROM "Application" a
WHERE a."status" = 'AWAITING_BUDGET'
ON CONFLICT ("applicationId") DO UPDATE SET "state" = 'WAITING', "amountFen" = EXCLUDED."amountFen",
  "computedFen" = EXCLUDED."computedFen", "annualCapFen" = EXCLUDED."annualCapFen",
  "waitingSince" = EXCLUDED."waitingSince", "queuedSeq" = EXCLUDED."queuedSeq"
  WHERE "Reservation"."state" = 'RELEASED';

SELECT setval('"reservation_order_seq"', GREATEST(1, (SELECT COALESCE(MAX("queuedSeq"), 0) + 1 FROM "Reservation")), false);
