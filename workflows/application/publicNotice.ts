import { COMMITTEE_ORG, SYSTEM_ACTOR } from '../../domain/roles';
import type { ApplicationProcess } from './process';
import { awaitDecision, closeTask, openTask } from './tasks';

/**
 * The public notice (公示): waits to be published, takes objections to an approver while the notice is
 * open, and returns whether the grant stands when the period ends.
 */
export async function publicNotice(p: ApplicationProcess): Promise<boolean> {
  const { input } = p;
  await p.until(() => p.notice !== null);
  const notice = p.notice!;
  await p.step({
    actor: SYSTEM_ACTOR,
    action: 'PUBLISHED',
    toStatus: 'IN_PUBLIC_NOTICE',
    note: `notice ${notice.batchId} until ${notice.endsAt}`,
    emails: [
      {
        key: `${input.applicationId}:published`,
        template: 'published',
        to: 'applicant',
        deadline: notice.endsAt,
      },
    ],
  });
  for (;;) {
    await p.until(() => notice.ended || p.objections.length > 0);
    if (p.objections.length === 0) return true;
    const ids = p.objections.splice(0);
    const task = await openTask(
      p,
      'objection-review',
      COMMITTEE_ORG,
      input.program.reviewSlaWorkingDays.final,
      'IN_PUBLIC_NOTICE',
    );
    const d = await awaitDecision(p, task);
    const upheld = d.decision === 'reject';
    await closeTask(p, d, {
      ...(upheld ? { toStatus: 'REJECTED' as const, noticeRemoved: 'UPHELD' as const } : {}),
      objection: { op: 'decide', ids, outcome: upheld ? 'UPHELD' : 'DISMISSED', by: d.actor.subject },
      emails: [
        {
          key: `${input.applicationId}:objection:${task.id}`,
          template: upheld ? 'objection_upheld' : 'objection_dismissed',
          to: 'applicant',
          comment: d.comment,
        },
      ],
    });
    if (upheld) {
      await p.compensate();
      return false;
    }
  }
}
