import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { addMonths } from '../../domain/calendar';
import type { RulesResult } from '../../domain/rules';
import { SYSTEM_ACTOR } from '../../domain/roles';
import { DATABASE } from '../activityOptions';
import type { ApplicationProcess } from './process';

const { inclusiveYearsUsed, surveyLink } = proxyActivities<Activities>(DATABASE);

/**
 * Follow-up (实施效果评估): survey e-mails with signed links at the configured months after payment, and for
 * the inclusive track a renewal reminder before the policy ends while supported years remain. Then CLOSED.
 */
export async function track(p: ApplicationProcess, checked: RulesResult): Promise<void> {
  const { input } = p;
  const { program } = input;
  const paidAt = Date.now();
  await p.step({ actor: SYSTEM_ACTOR, action: 'TRACKING', toStatus: 'TRACKING' });
  const events: { at: number; kind: 'survey' | 'renewal'; round: number }[] = program.followUpMonths.map(
    (months, i) => ({
      at: addMonths(new Date(paidAt), months).getTime(),
      kind: 'survey',
      round: i + 1,
    }),
  );
  if (input.track === 'INCLUSIVE') {
    const end = Date.parse(`${checked.facts.policy.endDate}T00:00:00+08:00`);
    const remind = end - program.renewalReminderDays * 86_400_000;
    if (remind > paidAt) events.push({ at: remind, kind: 'renewal', round: 0 });
  }
  events.sort((a, b) => a.at - b.at);
  for (const e of events) {
    // Business time runs `timeAcceleration` times faster than the workflow clock.
    const wait = (e.at - paidAt) / input.timeAcceleration - (Date.now() - paidAt);
    if (wait > 0) await p.until(() => false, wait);
    if (e.kind === 'renewal') {
      if ((await inclusiveYearsUsed(input.creditCode)) >= program.inclusiveMaxYears) continue;
      await p.step({
        actor: SYSTEM_ACTOR,
        action: 'RENEWAL_REMINDER',
        emails: [
          {
            key: `${input.applicationId}:renewal`,
            template: 'renewal_reminder',
            to: 'applicant',
            deadline: checked.facts.policy.endDate,
          },
        ],
      });
      continue;
    }
    // The link (a signed token) is made where the e-mail is rendered: no token enters the history.
    await surveyLink({ applicationId: input.applicationId, round: e.round, validDays: 90 });
    await p.step({
      actor: SYSTEM_ACTOR,
      action: 'SURVEY_SENT',
      note: `follow-up survey ${e.round}`,
      emails: [
        {
          key: `${input.applicationId}:survey:${e.round}`,
          template: 'survey',
          to: 'applicant',
          extra: { round: e.round, validDays: 90 },
        },
      ],
    });
  }
  await p.step({ actor: SYSTEM_ACTOR, action: 'CLOSED', toStatus: 'CLOSED' });
}
