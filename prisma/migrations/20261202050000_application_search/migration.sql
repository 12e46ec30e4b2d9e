-- Staff search over all applications (GET /api/v1/admin/applications): newest first by default, by street
-- office (from the registry's facts), and by a part of the enterprise name (trigram index where the server
-- has pg_trgm; without it the search still works, scanning the enterprises).
CREATE INDEX "Application_createdAt_id_idx" ON "Application" ("createdAt" DESC, id DESC);
-- Partial (only verified applications have an office), so schema.prisma, which cannot state expression
-- indexes, need not list it.
CREATE INDEX "Application_streetOffice_idx" ON "Application" ((("verifiedFacts" -> 'enterprise' ->> 'streetOffice')), "createdAt" DESC)
  WHERE "verifiedFacts" IS NOT NULL;
CREATE INDEX "Application_track_createdAt_idx" ON "Application" (track, "createdAt" DESC);

DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  EXECUTE 'CREATE INDEX "Enterprise_name_trgm_idx" ON "Enterprise" USING gin (name gin_trgm_ops)';
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pg_trgm is not available (%): the name search scans the enterprises', SQLERRM;
END
$$;

-- Largest grants first (the search sorted by amount) without sorting every row.
CREATE INDEX "Application_grantedFen_id_idx" ON "Application" ("grantedFen" DESC NULLS LAST, id DESC);
