import type { LoanInterest, PartnerBank } from '../domain/bankMatching';
import { matchBanks } from '../domain/bankMatching';
import { fromDbFen } from '../domain/money';
import type { Track } from '../domain/status';
import type { Db } from '../data/db';

export interface Referral {
  id: string;
  bankCode: string;
  bankName: string;
  contactEmail: string;
}

export interface ResponseRecord {
  referralId: string;
  decision: 'granted' | 'declined';
  creditLineFen?: number;
  annualRateBp?: number;
  termMonths?: number;
  note?: string;
  late: boolean;
  at: string;
}

/** The loan hand-off's records: which banks match, the referrals and their answers. */
export function createBankActivities(deps: { db: Db }) {
  const { db } = deps;
  return {
    /** The applicant's loan request (null when it did not opt in) and the banks it matches. */
    async matchingBanks(applicationId: string): Promise<{ loan: LoanInterest | null; banks: PartnerBank[] }> {
      const app = await db.application.findUniqueOrThrow({ where: { id: applicationId } });
      const loan = app.loanInterest as LoanInterest | null;
      if (!loan) return { loan: null, banks: [] };
      const rows = await db.bank.findMany({ where: { active: true } });
      const banks: PartnerBank[] = rows.map((b) => ({
        bankCode: b.bankCode,
        name: b.name,
        contactEmail: b.contactEmail,
        tracks: b.tracks as Track[],
        minAmountFen: fromDbFen(b.minAmountFen),
        maxAmountFen: fromDbFen(b.maxAmountFen),
        maxTermMonths: b.maxTermMonths,
        active: b.active,
      }));
      return { loan, banks: matchBanks(banks, app.track, loan) };
    },

    /**
     * Creates one referral per bank with the profile a bank needs to judge the enterprise: no bank account
     * numbers and no personal data beyond the enterprise's contact address. Idempotent per bank.
     */
    async openReferrals(req: {
      applicationId: string;
      deadlineAt: string;
      referrals: Referral[];
    }): Promise<void> {
      const app = await db.application.findUniqueOrThrow({
        where: { id: req.applicationId },
        include: { enterprise: true },
      });
      const e = app.enterprise;
      const profile = {
        enterpriseName: e.name,
        creditCode: e.creditCode,
        district: e.district,
        size: e.size,
        foundedOn: e.foundedOn.toISOString().slice(0, 10),
        mainField: e.mainField,
        contactEmail: e.contactEmail,
        track: app.track,
        grantedFen: fromDbFen(app.grantedFen),
        sumInsuredFen: fromDbFen(app.sumInsuredFen),
        policyEndDate: app.policyEndDate.toISOString().slice(0, 10),
        loanRequest: app.loanInterest,
      };
      await db.$transaction([
        db.bankReferral.createMany({
          data: req.referrals.map((r) => ({
            id: r.id,
            applicationId: req.applicationId,
            bankCode: r.bankCode,
            profile,
            status: 'SENT',
            deadlineAt: new Date(req.deadlineAt),
          })),
          skipDuplicates: true,
        }),
        db.application.updateMany({
          where: { id: req.applicationId, bankMatchingStartedAt: null },
          data: { bankMatchingStartedAt: new Date() },
        }),
      ]);
    },

    async recordBankResponse(r: ResponseRecord): Promise<void> {
      await db.bankReferral.updateMany({
        where: { id: r.referralId, status: { in: ['SENT', 'EXPIRED'] } },
        data: {
          status: r.decision === 'granted' ? 'GRANTED' : 'DECLINED',
          late: r.late,
          respondedAt: new Date(r.at),
          creditLineFen: r.creditLineFen === undefined ? null : BigInt(r.creditLineFen),
          annualRateBp: r.annualRateBp ?? null,
          termMonths: r.termMonths ?? null,
          note: r.note ?? null,
        },
      });
    },

    async expireReferrals(applicationId: string): Promise<number> {
      const { count } = await db.bankReferral.updateMany({
        where: { applicationId, status: 'SENT' },
        data: { status: 'EXPIRED' },
      });
      return count;
    },
  };
}
