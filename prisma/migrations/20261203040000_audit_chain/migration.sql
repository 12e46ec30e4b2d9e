-- The audit trail becomes tamper-evident (docs/API.md, "The audit chain"): every entry carries the SHA-256 of the
-- previous entry of its chain (`prevHash`, null for the first) and its own (`hash`), over the canonical text
-- below. A chain is an application's entries (`application:<applicationId>`), else an entity's
-- (`<entity>:<entityId>`), else `general`. A trigger chains every insert, whoever makes it, so no writer can
-- forget to; writers of one chain take turns on a lock (the application's row, else an advisory lock on the
-- chain), and the id is drawn under that lock, so that within a chain the order of ids is the order of the chain.
-- Nothing updates an entry after its insert (the `record` activity writes `fromStatus` with the entry).

ALTER TABLE "AuditEvent" ADD COLUMN "chain" TEXT, ADD COLUMN "prevHash" TEXT, ADD COLUMN "hash" TEXT;

CREATE FUNCTION audit_chain_of(application_id TEXT, entity TEXT, entity_id TEXT) RETURNS TEXT
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN application_id IS NOT NULL THEN 'application:' || application_id
    WHEN entity IS NOT NULL THEN entity || ':' || coalesce(entity_id, '')
    ELSE 'general'
  END
$$;

-- The canonical text of an entry: a JSON array without whitespace of 15 elements, each a JSON string or null:
-- id (decimal), key, chain, applicationId, at (UTC, YYYY-MM-DDTHH:MM:SS.mmmZ), actor, actorRole, action,
-- fromStatus, toStatus, note, data (as PostgreSQL renders the jsonb as text), entity, entityId, prevHash.
CREATE FUNCTION audit_event_canonical(e "AuditEvent") RETURNS TEXT
  LANGUAGE sql STABLE AS $$
  SELECT '[' || concat_ws(',',
    coalesce(to_json(e.id::text)::text, 'null'),
    coalesce(to_json(e."key")::text, 'null'),
    coalesce(to_json(e."chain")::text, 'null'),
    coalesce(to_json(e."applicationId")::text, 'null'),
    coalesce(to_json(to_char(e."at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text, 'null'),
    coalesce(to_json(e."actor")::text, 'null'),
    coalesce(to_json(e."actorRole")::text, 'null'),
    coalesce(to_json(e."action")::text, 'null'),
    coalesce(to_json(e."fromStatus")::text, 'null'),
    coalesce(to_json(e."toStatus")::text, 'null'),
    coalesce(to_json(e."note")::text, 'null'),
    coalesce(to_json(e."data"::text)::text, 'null'),
    coalesce(to_json(e."entity")::text, 'null'),
    coalesce(to_json(e."entityId")::text, 'null'),
    coalesce(to_json(e."prevHash")::text, 'null')
  ) || ']'
$$;

CREATE FUNCTION audit_event_hash(e "AuditEvent") RETURNS TEXT
  LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(audit_event_canonical(e), 'UTF8')), 'hex')
$$;

-- Entries made before this migration: chained in the order of their ids.
LOCK TABLE "AuditEvent" IN EXCLUSIVE MODE;
UPDATE "AuditEvent" SET "chain" = audit_chain_of("applicationId", "entity", "entityId");
DO $$
DECLARE
  r "AuditEvent";
  current_chain TEXT;
  previous TEXT;
BEGIN
  FOR r IN SELECT * FROM "AuditEvent" ORDER BY "chain", id LOOP
    IF current_chain IS DISTINCT FROM r."chain" THEN
      current_chain := r."chain";
      previous := NULL;
    END IF;
    r."prevHash" := previous;
    r."hash" := audit_event_hash(r);
    UPDATE "AuditEvent" SET "prevHash" = r."prevHash", "hash" = r."hash" WHERE id = r.id;
    previous := r."hash";
  END LOOP;
END
$$;
ALTER TABLE "AuditEvent" ALTER COLUMN "chain" SET NOT NULL, ALTER COLUMN "hash" SET NOT NULL;
CREATE INDEX "AuditEvent_chain_id_idx" ON "AuditEvent"("chain", "id");

CREATE FUNCTION audit_event_chain() RETURNS TRIGGER
  LANGUAGE plpgsql AS $$
BEGIN
  NEW."chain" := audit_chain_of(NEW."applicationId", NEW."entity", NEW."entityId");
  -- One writer of a chain at a time, until it commits. An application's chain is locked with the application's
  -- row (as an update of the application locks it): whatever order a transaction updates the application and
  -- writes its audit entry in, the two take the same lock, so they cannot deadlock one another.
  IF NEW."applicationId" IS NOT NULL THEN
    PERFORM 1 FROM "Application" WHERE id = NEW."applicationId" FOR NO KEY UPDATE;
  END IF;
  IF NEW."applicationId" IS NULL OR NOT FOUND THEN
    -- 0x41554454 ('AUDT'): the two-key advisory locks of the audit chains.
    PERFORM pg_advisory_xact_lock(1096107092, hashtext(NEW."chain"));
  END IF;
  -- Drawn under the lock: the entry is the newest of its chain, also by id.
  NEW.id := nextval(pg_get_serial_sequence('"AuditEvent"', 'id'));
  -- A fresh snapshot (read committed): it sees the entry of the writer that held the lock before.
  NEW."prevHash" := (SELECT "hash" FROM "AuditEvent" WHERE "chain" = NEW."chain" ORDER BY id DESC LIMIT 1);
  NEW."hash" := audit_event_hash(NEW);
  RETURN NEW;
END
$$;
CREATE TRIGGER "AuditEvent_chain" BEFORE INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION audit_event_chain();
