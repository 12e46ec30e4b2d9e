import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { StepRecord } from '../../activities/records';
import { formatFen } from '../../domain/money';
import { SYSTEM_ACTOR, type Actor } from '../../domain/roles';
import { NeedsAttentionKey } from '../searchAttributes';
import { DATABASE } from '../activityOptions';
import {
  BankMatchingErrors,
  referralsQuery,
  respondUpdate,
  type BankMatchingInput,
  type BankResponse,
  type ReferralView,
} from './contract';

const acts = proxyActivities<Activities>(DATABASE);

interface Offer extends ReferralView {
  creditLineFen?: number;
  annualRateBp?: number;
  termMonths?: number;
}

function offerLines(offers: Offer[]): { zh: string; en: string } {
  const granted = offers.filter((o) => o.status === 'GRANTED');
  if (granted.length === 0)
    return { zh: '暂无合作银行给出授信意向。', en: 'No partner bank has offered credit.' };
  const rate = (bp?: number) => (bp === undefined ? '—' : `${(bp / 100).toFixed(2)}%`);
  return {
    zh: granted
      .map(
        (o) =>
          `  - ${o.bankName}：授信额度 ${formatFen(o.creditLineFen ?? 0)}，年利率 ${rate(o.annualRateBp)}，期限 ${o.termMonths ?? '—'} 个月`,
      )
      .join('\n'),
    en: granted
      .map(
        (o) =>
          `  - ${o.bankCode}: credit line ${formatFen(o.creditLineFen ?? 0)}, ${rate(o.annualRateBp)} a year, ${o.termMonths ?? '—'} months`,
      )
      .join('\n'),
  };
}

/**
 * The loan hand-off (保贷联动) of one approved application: refers the enterprise to every partner bank whose
 * criteria it meets, waits for their answers until a deadline in working days (then tells the administrator
 * once), e-mails the enterprise the offers, and records late answers for a further period. It runs on its
 * own, so the subsidy never waits for it.
 */
export async function bankMatchingWorkflow(input: BankMatchingInput): Promise<ReferralView[]> {
  const { applicationId } = input;
  let seq = 0;
  const offers: Offer[] = [];
  let deadline = Number.MAX_SAFE_INTEGER;

  const step = async (s: Omit<StepRecord, 'key' | 'applicationId' | 'at'>) => {
    await acts.record({
      ...s,
      key: `${applicationId}:bank:${++seq}`,
      applicationId,
      at: new Date().toISOString(),
    });
    setCurrentDetails(
      [
        `Last step: ${s.action} at ${new Date().toISOString()}`,
        deadline < Number.MAX_SAFE_INTEGER ? `Answers due by ${new Date(deadline).toISOString()}` : null,
        ...offers.map((o) => `- ${o.bankName} (${o.bankCode}): ${o.status}${o.late ? ' (late)' : ''}`),
      ]
        .filter(Boolean)
        .join('\n'),
    );
  };
  const open = () => offers.filter((o) => o.status === 'SENT' || o.status === 'EXPIRED');

  setHandler(referralsQuery, () =>
    offers.map(({ id, bankCode, bankName, status, late }) => ({ id, bankCode, bankName, status, late })),
  );
  setHandler(
    respondUpdate,
    async (r: BankResponse) => {
      const offer = offers.find((o) => o.id === r.referralId)!;
      const late = Date.now() > deadline;
      Object.assign(offer, {
        status: r.decision === 'granted' ? 'GRANTED' : 'DECLINED',
        late,
        creditLineFen: r.creditLineFen,
        annualRateBp: r.annualRateBp,
        termMonths: r.termMonths,
      });
      await acts.recordBankResponse({ ...r, late, at: new Date().toISOString() });
      const bank: Actor = { subject: r.bankCode, role: 'bank', bankCode: r.bankCode };
      const lines = offerLines([offer]);
      await step({
        actor: bank,
        action: 'BANK_RESPONSE',
        note: `${offer.bankName}: ${r.decision}${late ? ' (late)' : ''}`,
        data: { referralId: r.referralId, decision: r.decision, late },
        // Answers after the deadline reach the enterprise one by one; earlier ones come in the summary.
        emails:
          late && r.decision === 'granted'
            ? [
                {
                  key: `${applicationId}:bank-late:${r.referralId}`,
                  template: 'loan_offers',
                  to: 'applicant',
                  extra: { offersZh: lines.zh, offersEn: lines.en },
                },
              ]
            : [],
      });
      return { id: offer.id, bankCode: offer.bankCode, bankName: offer.bankName, status: offer.status, late };
    },
    {
      validator: (r: BankResponse) => {
        const offer = offers.find((o) => o.id === r.referralId);
        if (!offer || offer.bankCode !== r.bankCode)
          throw ApplicationFailure.create({
            type: BankMatchingErrors.NOT_YOURS,
            message: 'no such referral for this bank',
            nonRetryable: true,
          });
        if (offer.status === 'GRANTED' || offer.status === 'DECLINED') {
          throw ApplicationFailure.create({
            type: BankMatchingErrors.ALREADY_ANSWERED,
            message: 'this referral has already been answered',
            nonRetryable: true,
          });
        }
      },
    },
  );

  const { loan, banks } = await acts.matchingBanks(applicationId);
  if (!loan) return [];
  if (banks.length === 0) {
    await step({
      actor: SYSTEM_ACTOR,
      action: 'BANK_MATCHING',
      note: 'no partner bank matches the request',
      emails: [
        {
          key: `${applicationId}:bank-summary`,
          template: 'loan_offers',
          to: 'applicant',
          extra: offerLinesExtra([]),
        },
      ],
    });
    return [];
  }

  const start = Date.now();
  const due = await acts.computeDeadline({
    from: new Date().toISOString(),
    workingDays: input.responseWorkingDays,
    timeAcceleration: input.timeAcceleration,
  });
  deadline = Date.parse(due.dueAt);
  const referrals = banks.map((b) => ({
    id: uuid4(),
    bankCode: b.bankCode,
    bankName: b.name,
    contactEmail: b.contactEmail,
  }));
  await acts.openReferrals({ applicationId, deadlineAt: due.dueAt, referrals });
  await step({
    actor: SYSTEM_ACTOR,
    action: 'BANK_REFERRALS_SENT',
    note: `referred to ${referrals.map((r) => r.bankName).join(', ')} (answers by ${due.dueAt})`,
    data: { banks: referrals.map((r) => r.bankCode), deadline: due.dueAt },
    emails: referrals.map((r) => ({
      key: `${applicationId}:bank-referral:${r.bankCode}`,
      template: 'bank_referral' as const,
      to: [r.contactEmail],
      deadline: due.dueAt,
      extra: { bankName: r.bankName, referralId: r.id },
    })),
  });
  // Banks can answer (and the referrals are shown) only once they are on record and have been told.
  offers.push(
    ...referrals.map((r) => ({
      id: r.id,
      bankCode: r.bankCode,
      bankName: r.bankName,
      status: 'SENT' as const,
      late: false,
    })),
  );

  await condition(() => open().length === 0, Math.max(0, deadline - Date.now()));
  const unanswered = open().filter((o) => o.status === 'SENT');
  if (unanswered.length > 0) {
    for (const o of unanswered) o.status = 'EXPIRED';
    await acts.expireReferrals(applicationId);
    upsertSearchAttributes([{ key: NeedsAttentionKey, value: true }]);
    await step({
      actor: SYSTEM_ACTOR,
      action: 'BANK_REFERRALS_EXPIRED',
      note: `no answer by the deadline from ${unanswered.map((o) => o.bankName).join(', ')}`,
      emails: [
        {
          key: `${applicationId}:bank-overdue`,
          template: 'bank_overdue',
          to: { staff: 'admin' },
          extra: { banks: unanswered.map((o) => o.bankName).join('、') },
        },
      ],
    });
  }
  await step({
    actor: SYSTEM_ACTOR,
    action: 'BANK_OFFERS_SENT',
    note: `${offers.filter((o) => o.status === 'GRANTED').length} offer(s)`,
    emails: [
      {
        key: `${applicationId}:bank-summary`,
        template: 'loan_offers',
        to: 'applicant',
        extra: offerLinesExtra(offers),
      },
    ],
  });

  // Late answers are still recorded (as late) for as long again.
  if (open().length > 0) await condition(() => open().length === 0, deadline - start);
  upsertSearchAttributes([{ key: NeedsAttentionKey, value: false }]);
  await condition(allHandlersFinished);
  return offers.map(({ id, bankCode, bankName, status, late }) => ({ id, bankCode, bankName, status, late }));
}

function offerLinesExtra(offers: Offer[]) {
  const lines = offerLines(offers);
  return { offersZh: lines.zh, offersEn: lines.en };
}
