-- Staff search over all applications (GET /api/v1/admin/applications): newest first by default, by street
-- office (from the registry's facts), and by a part of the enterprise name (trigram index where the server
-- has pg_trgm; without it the search still works, scanning the enterprises).
CREATE INDEX "Application_createdAt_id_idx" ON "Application" ("createdAt" DESC, id DESC);
CREATE INDEX "Application_streetOffice_idx" ON "Application" ((("verifiedFacts" -> 'enterprise' ->> 'streetOffice')), "createdAt" DESC);
CREATE INDEX "Application_track_createdAt_idx" ON "Application" (track, "createdAt" DESC);

DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  EXECUTE 'CREATE INDEX "Enterprise_name_trgm_idx" ON "Enterprise" USING gin (name gin_trgm_ops)';
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pg_trgm is not available (%): the name search scans the enterprises', SQLERRM;
END
$$;
