-- CreateEnum
CREATE TYPE "ProductKind" AS ENUM ('GROUP_INCLUSIVE', 'CATALOG');

-- CreateEnum
CREATE TYPE "ProductCategory" AS ENUM ('R_AND_D', 'TRANSFER', 'OTHER');

-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "baseFen" BIGINT,
ADD COLUMN     "payee" TEXT,
ADD COLUMN     "precheckedAt" TIMESTAMP(3),
ADD COLUMN     "reviewOrg" TEXT,
ADD COLUMN     "subsidyYear" INTEGER,
ADD COLUMN     "verifiedFacts" JSONB;

-- CreateTable
CREATE TABLE "Program" (
    "year" INTEGER NOT NULL,
    "config" JSONB NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Program_pkey" PRIMARY KEY ("year")
);

-- CreateTable
CREATE TABLE "CatalogProduct" (
    "productCode" TEXT NOT NULL,
    "insurerCode" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ProductKind" NOT NULL,
    "category" "ProductCategory" NOT NULL,
    "exclusiveFields" TEXT[],
    "activeFrom" DATE NOT NULL,
    "activeTo" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CatalogProduct_pkey" PRIMARY KEY ("productCode")
);

-- CreateTable
CREATE TABLE "Document" (
    "id" TEXT NOT NULL,
    "creditCode" TEXT NOT NULL,
    "applicationId" TEXT,
    "type" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "content" BYTEA NOT NULL,
    "uploadedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Document_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Document_applicationId_idx" ON "Document"("applicationId");

-- CreateIndex
CREATE INDEX "Document_creditCode_createdAt_idx" ON "Document"("creditCode", "createdAt");

-- AddForeignKey
ALTER TABLE "Document" ADD CONSTRAINT "Document_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE SET NULL ON UPDATE CASCADE;
