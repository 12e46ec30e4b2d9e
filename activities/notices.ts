import { shanghaiDate, type WorkingCalendar } from '../domain/calendar';
import type { Db } from '../data/db';
import { programFor } from '../data/programs';
import { createCalendarActivities } from './calendar';

export interface PublishedBatch {
  batchId: string;
  endsAt: string;
  applicationIds: string[];
}

/** The public notice (公示): batches of approved grants, open for objections for a number of working days. */
export function createNoticeActivities(deps: { db: Db; calendar: () => Promise<WorkingCalendar> }) {
  const { db } = deps;
  const calendar = createCalendarActivities(deps);
  return {
    async isWorkingDayNow(): Promise<boolean> {
      return (await deps.calendar()).isWorkingDay(shanghaiDate(new Date()));
    },

    /**
     * Publishes every approved application not yet published, in one batch; null when there is none.
     * Idempotent by batch id; concurrent publications never take the same application (SKIP LOCKED).
     */
    async publishNoticeBatch(req: {
      batchId: string;
      at: string;
      timeAcceleration: number;
    }): Promise<PublishedBatch | null> {
      const existing = await db.noticeBatch.findUnique({
        where: { id: req.batchId },
        include: { items: true },
      });
      if (existing)
        return {
          batchId: existing.id,
          endsAt: existing.endsAt.toISOString(),
          applicationIds: existing.items.map((i) => i.applicationId),
        };
      const at = new Date(req.at);
      const program = await programFor(db, Number(shanghaiDate(at).slice(0, 4)));
      const due = await calendar.computeDeadline({
        from: req.at,
        workingDays: program.noticeWorkingDays,
        timeAcceleration: req.timeAcceleration,
      });
      return db.$transaction(async (tx) => {
        const backlog = await tx.$queryRaw<{ id: string }[]>`
          SELECT a.id FROM "Application" a
          WHERE a.status = 'APPROVED' AND NOT EXISTS (SELECT 1 FROM "NoticeItem" n WHERE n."applicationId" = a.id)
          ORDER BY a."approvedAt", a.id
          FOR UPDATE SKIP LOCKED`;
        if (backlog.length === 0) return null;
        const apps = await tx.application.findMany({
          where: { id: { in: backlog.map((b) => b.id) } },
          include: { enterprise: { select: { name: true } } },
        });
        await tx.noticeBatch.create({
          data: { id: req.batchId, publishedAt: at, endsAt: new Date(due.dueAt) },
        });
        await tx.noticeItem.createMany({
          data: apps.map((a) => ({
            batchId: req.batchId,
            applicationId: a.id,
            enterpriseName: a.enterprise.name,
            creditCode: a.creditCode,
            track: a.track,
            grantedFen: a.grantedFen ?? 0n,
          })),
        });
        return { batchId: req.batchId, endsAt: due.dueAt, applicationIds: backlog.map((b) => b.id) };
      });
    },

    async closeNoticeBatch(batchId: string): Promise<void> {
      await db.noticeBatch.update({ where: { id: batchId }, data: { status: 'CLOSED' } });
    },
  };
}
