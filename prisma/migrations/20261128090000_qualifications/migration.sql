-- Each qualification has its own fields (issue 16). The profile's one date "科技型中小企业/高新技术企业资格有效期至"
-- (techCertifiedUntil) is the 科技型中小企业 registration's validity: that is how the rules judged it, as
-- `techSme.validUntil`, and a high-tech certificate needs its date as well, which the old field never had.
-- Renaming keeps every stored date.
ALTER TABLE "Enterprise" RENAME COLUMN "techCertifiedUntil" TO "techSmeValidUntil";

-- 高新技术企业: the certificate's date (route b of the inclusive track needs its year) and its validity.
ALTER TABLE "Enterprise" ADD COLUMN "highTechCertifiedOn" DATE,
ADD COLUMN "highTechValidUntil" DATE;
