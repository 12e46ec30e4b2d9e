import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { PartnerBank } from '../../domain/bankMatching';
import {
  BANK_MATCHING_WORKFLOW_TYPE,
  bankMatchingWorkflowId,
  referralsQuery,
  respondUpdate,
  type BankMatchingInput,
  type ReferralView,
} from '../../workflows/bankMatching/contract';
import { NeedsAttentionKey } from '../../workflows/searchAttributes';
import { eventually } from '../helpers/eventually';
import { FakeActivities, refusal, testWorker, timeSkippingEnvPerFile } from '../helpers/workflowEnv';

let env: TestWorkflowEnvironment;
timeSkippingEnvPerFile((e) => (env = e));

const bank = (bankCode: string, name: string): PartnerBank => ({
  bankCode,
  name,
  contactEmail: `${bankCode.toLowerCase()}@bank.example`,
  tracks: ['INCLUSIVE'],
  minAmountFen: 0,
  maxAmountFen: 10_000_000_00,
  maxTermMonths: 36,
  active: true,
});

type Handle = Awaited<ReturnType<TestWorkflowEnvironment['client']['workflow']['start']>>;

async function withHandOff(
  setup: (f: FakeActivities) => void,
  fn: (ctx: { fakes: FakeActivities; handle: Handle }) => Promise<void>,
) {
  const fakes = new FakeActivities();
  fakes.bank.banks = [bank('BOB', '北京银行'), bank('ICBC', '工商银行')];
  setup(fakes);
  const { worker, taskQueue } = await testWorker(env, fakes);
  const input: BankMatchingInput = {
    applicationId: `HD-2026-B${Math.random().toString(36).slice(2, 8)}`,
    creditCode: '91350100M000100Y43',
    track: 'INCLUSIVE',
    responseWorkingDays: 10,
    timeAcceleration: 1,
  };
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(BANK_MATCHING_WORKFLOW_TYPE, {
      workflowId: bankMatchingWorkflowId(input.applicationId),
      taskQueue,
      args: [input],
    });
    try {
      await fn({ fakes, handle });
    } finally {
      await handle.terminate('test over').catch(() => undefined);
    }
  });
}

const referrals = (handle: Handle) =>
  eventually(
    () => handle.query(referralsQuery),
    (r) => r.length > 0,
    5000,
    25,
  );

const grant = {
  decision: 'granted' as const,
  creditLineFen: 3_000_000_00,
  annualRateBp: 345,
  termMonths: 12,
};
const emailsOf = (f: FakeActivities) => f.steps.flatMap((s) => s.emails ?? []);

describe('bank hand-off workflow (保贷联动)', () => {
  it('refers the enterprise to every matching bank, and sends the offers as soon as all have answered', async () => {
    await withHandOff(
      () => undefined,
      async ({ fakes, handle }) => {
        const [bob, icbc] = await referrals(handle);
        expect(fakes.bank.referrals.map((r) => r.bankCode)).toEqual(['BOB', 'ICBC']);
        const sent = fakes.steps.find((s) => s.action === 'BANK_REFERRALS_SENT')!;
        expect(sent.emails!.map((e) => [e.template, e.to])).toEqual([
          ['bank_referral', ['bob@bank.example']],
          ['bank_referral', ['icbc@bank.example']],
        ]);
        expect(
          (
            await handle.executeUpdate(respondUpdate, {
              args: [{ referralId: bob!.id, bankCode: 'BOB', ...grant }],
            })
          ).status,
        ).toBe('GRANTED');
        await handle.executeUpdate(respondUpdate, {
          args: [{ referralId: icbc!.id, bankCode: 'ICBC', decision: 'declined', note: '行业集中度' }],
        });
        const result = (await handle.result()) as ReferralView[];
        expect(result.map((r) => [r.bankCode, r.status, r.late])).toEqual([
          ['BOB', 'GRANTED', false],
          ['ICBC', 'DECLINED', false],
        ]);
        const summary = emailsOf(fakes).find((e) => e.template === 'loan_offers')!;
        expect(summary.to).toBe('applicant');
        expect(summary.extra!.offersZh).toContain(
          '北京银行：授信额度 ¥3,000,000.00，年利率 3.45%，期限 12 个月',
        );
        expect(summary.extra!.offersZh).not.toContain('工商银行');
        expect(emailsOf(fakes).some((e) => e.template === 'bank_overdue')).toBe(false);
        expect(fakes.bank.expired).toBe(0);
      },
    );
  });

  it('expires the banks that did not answer by the deadline, tells the administrator once, and sends what came', async () => {
    await withHandOff(
      () => undefined,
      async ({ fakes, handle }) => {
        const [bob] = await referrals(handle);
        await handle.executeUpdate(respondUpdate, {
          args: [{ referralId: bob!.id, bankCode: 'BOB', ...grant }],
        });
        await env.sleep('11 days');
        const state = await handle.query(referralsQuery);
        expect(state.map((r) => [r.bankCode, r.status])).toEqual([
          ['BOB', 'GRANTED'],
          ['ICBC', 'EXPIRED'],
        ]);
        expect(fakes.bank.expired).toBe(1);
        expect(emailsOf(fakes).filter((e) => e.template === 'bank_overdue')).toEqual([
          expect.objectContaining({ to: { staff: 'admin' }, extra: { banks: '工商银行' } }),
        ]);
        expect((await handle.describe()).typedSearchAttributes.get(NeedsAttentionKey)).toBe(true);
        expect(emailsOf(fakes).find((e) => e.template === 'loan_offers')!.extra!.offersZh).toContain(
          '北京银行',
        );
      },
    );
  });

  it('tells the enterprise that no offer came when no bank answers, and records a late answer as late', async () => {
    await withHandOff(
      () => undefined,
      async ({ fakes, handle }) => {
        const [, icbc] = await referrals(handle);
        await env.sleep('11 days');
        expect(emailsOf(fakes).find((e) => e.template === 'loan_offers')!.extra!.offersZh).toBe(
          '暂无合作银行给出授信意向。',
        );
        const late = await handle.executeUpdate(respondUpdate, {
          args: [{ referralId: icbc!.id, bankCode: 'ICBC', ...grant }],
        });
        expect(late).toMatchObject({ status: 'GRANTED', late: true });
        expect(fakes.bank.responses.at(-1)).toMatchObject({ referralId: icbc!.id, late: true });
        const lateMail = emailsOf(fakes).filter((e) => e.template === 'loan_offers');
        expect(lateMail).toHaveLength(2); // the summary, then the late offer on its own
        expect(lateMail[1]!.extra!.offersZh).toContain('工商银行');
        await env.sleep('20 days');
        expect(((await handle.result()) as ReferralView[]).map((r) => r.status)).toEqual([
          'EXPIRED',
          'GRANTED',
        ]);
      },
    );
  });

  it('refuses a second answer and an answer from another bank', async () => {
    await withHandOff(
      () => undefined,
      async ({ handle }) => {
        const [bob] = await referrals(handle);
        expect(
          await refusal(
            handle.executeUpdate(respondUpdate, {
              args: [{ referralId: bob!.id, bankCode: 'ICBC', ...grant }],
            }),
          ),
        ).toBe('NOT_YOURS');
        await handle.executeUpdate(respondUpdate, {
          args: [{ referralId: bob!.id, bankCode: 'BOB', decision: 'declined' }],
        });
        expect(
          await refusal(
            handle.executeUpdate(respondUpdate, {
              args: [{ referralId: bob!.id, bankCode: 'BOB', ...grant }],
            }),
          ),
        ).toBe('ALREADY_ANSWERED');
      },
    );
  });

  it('ends at once when no bank matches, telling the enterprise', async () => {
    await withHandOff(
      (f) => {
        f.bank.banks = [];
      },
      async ({ fakes, handle }) => {
        expect(await handle.result()).toEqual([]);
        expect(emailsOf(fakes).map((e) => e.template)).toEqual(['loan_offers']);
      },
    );
  });
});
