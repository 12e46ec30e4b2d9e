-- CreateTable
CREATE TABLE "CalendarYear" (
    "year" INTEGER NOT NULL,
    "holidays" TEXT[],
    "workdays" TEXT[],
    "note" TEXT,
    "loadedBy" TEXT NOT NULL,
    "loadedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CalendarYear_pkey" PRIMARY KEY ("year")
);
