-- Numbers people can read out on the phone: notice batches GS-2026-0007, objection receipts YY-2026-000123
-- (the year is the Beijing year of publication or filing; the UUIDs stay the internal ids).
CREATE SEQUENCE "notice_number_seq";
CREATE SEQUENCE "objection_number_seq";

ALTER TABLE "NoticeBatch" ADD COLUMN "number" TEXT;
UPDATE "NoticeBatch" SET "number" = 'GS-' || to_char("publishedAt" AT TIME ZONE 'Asia/Shanghai', 'YYYY') || '-' || lpad(nextval('notice_number_seq')::text, 4, '0');
ALTER TABLE "NoticeBatch" ALTER COLUMN "number" SET NOT NULL;
ALTER TABLE "NoticeBatch" ALTER COLUMN "number" SET DEFAULT ('GS-' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY') || '-' || lpad(nextval('notice_number_seq')::text, 4, '0'));
CREATE UNIQUE INDEX "NoticeBatch_number_key" ON "NoticeBatch"("number");

ALTER TABLE "Objection" ADD COLUMN "number" TEXT;
UPDATE "Objection" SET "number" = 'YY-' || to_char("createdAt" AT TIME ZONE 'Asia/Shanghai', 'YYYY') || '-' || lpad(nextval('objection_number_seq')::text, 6, '0');
ALTER TABLE "Objection" ALTER COLUMN "number" SET NOT NULL;
ALTER TABLE "Objection" ALTER COLUMN "number" SET DEFAULT ('YY-' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY') || '-' || lpad(nextval('objection_number_seq')::text, 6, '0'));
CREATE UNIQUE INDEX "Objection_number_key" ON "Objection"("number");
