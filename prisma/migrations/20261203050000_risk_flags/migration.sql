-- Anomaly flags for reviewers (data/riskFlags.ts): never blocking; one per application, kind and evidence key.
CREATE TABLE "RiskFlag" (
    "id" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "evidenceKey" TEXT NOT NULL,
    "reasonZh" TEXT NOT NULL,
    "reasonEn" TEXT NOT NULL,
    "evidence" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "dismissedAt" TIMESTAMP(3),
    "dismissedBy" TEXT,
    "dismissReason" TEXT,

    CONSTRAINT "RiskFlag_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "RiskFlag_applicationId_kind_evidenceKey_key" ON "RiskFlag"("applicationId", "kind", "evidenceKey");
CREATE INDEX "RiskFlag_kind_dismissedAt_idx" ON "RiskFlag"("kind", "dismissedAt");
CREATE INDEX "RiskFlag_createdAt_idx" ON "RiskFlag"("createdAt");

ALTER TABLE "RiskFlag" ADD CONSTRAINT "RiskFlag_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Enterprises sharing a payout account (by the keyed digest sealBankAccount stores beside the sealed number)
-- or a contact e-mail (as domain/riskFlags.ts normalises it: lower case, trimmed) are found by these. Accounts
-- stored before the digest have none until their profile is saved again or their enterprise's application is
-- prechecked (which digests that one account).
CREATE INDEX "Enterprise_bankAccount_digest_idx" ON "Enterprise" (("bankAccount" ->> 'accountNumberDigest'))
  WHERE ("bankAccount" ->> 'accountNumberDigest') IS NOT NULL;
CREATE INDEX "Enterprise_contactEmail_lower_idx" ON "Enterprise" ((lower(btrim("contactEmail"))))
  WHERE "contactEmail" <> '';
