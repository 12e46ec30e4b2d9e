-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "attentionReason" TEXT,
ADD COLUMN     "infoRequest" JSONB,
ADD COLUMN     "needsAttention" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "escalatedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "StaffMember" (
    "subject" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "org" TEXT,
    "supervisor" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StaffMember_pkey" PRIMARY KEY ("subject")
);

-- CreateIndex
CREATE INDEX "StaffMember_role_supervisor_idx" ON "StaffMember"("role", "supervisor");
