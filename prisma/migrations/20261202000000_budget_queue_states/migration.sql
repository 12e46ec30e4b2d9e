-- The budget queue belongs to the reservation itself (services/budget.ts). New enum values cannot be used in
-- the transaction that adds them, so they come first, in a migration of their own.
ALTER TYPE "ReservationState" ADD VALUE 'WAITING' BEFORE 'RESERVED';
ALTER TYPE "ReservationState" ADD VALUE 'REFUSED';
