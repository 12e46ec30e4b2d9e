import { defaultProgram } from '../../domain/program';
import type { ApplicationStatus, Track } from '../../domain/status';
import { applicationWorkflowId } from '../../workflows/application/contract';
import { syncEvaluationRollups, syncEvaluationRollupsOf } from '../../data/evaluationRollups';
import type { Tx } from '../../data/db';
import type { TestStack } from './stack';

/**
 * The rows an evaluation is computed from, written straight into the database (no workflow runs for them):
 * the data sets of the evaluation's, the report's and the evaluation page's tests, whose figures are worked
 * out by hand. Like every writer of applications and payments, each keeps the evaluation's rollups in its
 * transaction (`syncEvaluationRollups`).
 */
type Db = TestStack['db'];

const ACCOUNT_NUMBER = '6216600000000000001';
const DAY_MS = 86_400_000;

/** `overrides` go into the row as they are (`bankAccount: undefined` leaves the account out). */
export async function enterpriseRow(
  db: Db,
  code: string,
  name: string,
  mainField: string,
  overrides: { size?: 'SMALL' | 'MEDIUM'; foundedOn?: Date; bankAccount?: undefined } = {},
) {
  await db.enterprise.create({
    data: {
      creditCode: code,
      name,
      district: '海淀区',
      size: 'SMALL' as const,
      foundedOn: new Date('2018-05-01'),
      mainField,
      contactEmail: `${code}@example.com`,
      bankAccount: { bankName: '中国银行', accountName: name, accountNumber: ACCOUNT_NUMBER },
      ...overrides,
    },
  });
}

export interface ApplicationRow {
  id: string;
  creditCode: string;
  track: Track;
  status: ApplicationStatus;
  programYear: number;
  createdAt: string;
  approvedAt?: string;
  premiumFen: number;
  sumInsuredFen: number;
  grantedFen?: number;
  verifiedFacts?: object;
}

/** An application of the programme year, its policy that year, paid when it was submitted. */
export async function applicationRow(db: Db, a: ApplicationRow) {
  await db.$transaction(async (tx) => {
    await applicationRowIn(tx, a);
    await syncEvaluationRollups(tx, a.creditCode);
  });
}

/** The row alone, as a writer from before the rollups wrote it (the migration that fills them is tested so). */
export async function applicationRowIn(db: Db | Tx, a: ApplicationRow) {
  await db.application.create({
    data: {
      id: a.id,
      creditCode: a.creditCode,
      track: a.track,
      status: a.status,
      programYear: a.programYear,
      insurerCode: 'PICC',
      policyNumber: `P-${a.id}`,
      productCode: 'PICC-RD-001',
      policyStartDate: new Date(`${a.programYear}-01-01`),
      policyEndDate: new Date(`${a.programYear}-12-31`),
      premiumFen: BigInt(a.premiumFen),
      paidPremiumFen: BigInt(a.premiumFen),
      paidAt: new Date(a.createdAt),
      sumInsuredFen: BigInt(a.sumInsuredFen),
      grantedFen: a.grantedFen === undefined ? null : BigInt(a.grantedFen),
      verifiedFacts: a.verifiedFacts,
      approvedAt: a.approvedAt ? new Date(a.approvedAt) : null,
      createdAt: new Date(a.createdAt),
      programSnapshot: { ...defaultProgram(a.programYear) },
      submittedBy: 'applicant-test',
      workflowId: applicationWorkflowId(a.id),
      // Marked as started, or the worker's sweep would start workflows for these rows.
      workflowStartedAt: new Date(a.createdAt),
    },
  });
}

/** Verified facts naming a high-tech certificate. */
export const highTechFacts = (certifiedOn: string, validUntil: string) => ({
  enterprise: { highTech: { certifiedOn, validUntil } },
  enterpriseVerified: true,
  policyVerified: true,
});

export type PaymentRow = [
  applicationId: string,
  attempt: number,
  status: 'SUCCEEDED' | 'FAILED' | 'PENDING',
  amountFen: number,
  settledAt?: string,
];

export async function paymentRow(db: Db, row: PaymentRow) {
  await db.$transaction(async (tx) => {
    await paymentRowIn(tx, row);
    await syncEvaluationRollupsOf(tx, row[0]);
  });
}

/** The row alone (see `applicationRowIn`). */
export async function paymentRowIn(
  db: Db | Tx,
  [applicationId, attempt, status, amountFen, settledAt]: PaymentRow,
) {
  await db.payment.create({
    data: {
      id: `${applicationId}-pay-${attempt}`,
      applicationId,
      attempt,
      amountFen: BigInt(amountFen),
      payee: { accountNumber: ACCOUNT_NUMBER },
      status,
      settledAt: settledAt ? new Date(settledAt) : null,
    },
  });
}

/** A bank referral; its deadline 14 days after it was made unless given. */
export async function referralRow(
  db: Db,
  r: {
    id: string;
    applicationId: string;
    bankCode: string;
    status: string;
    createdAt: string;
    deadlineAt?: string;
    creditLineFen?: number;
  },
) {
  await db.bankReferral.create({
    data: {
      id: r.id,
      applicationId: r.applicationId,
      bankCode: r.bankCode,
      profile: {},
      status: r.status,
      deadlineAt: r.deadlineAt ? new Date(r.deadlineAt) : new Date(Date.parse(r.createdAt) + 14 * DAY_MS),
      createdAt: new Date(r.createdAt),
      creditLineFen: r.creditLineFen === undefined ? null : BigInt(r.creditLineFen),
    },
  });
}

/** A follow-up survey, answered (a day after it was sent unless given) when `answer` is. */
export async function surveyRow(
  db: Db,
  s: {
    applicationId: string;
    round: number;
    sentAt: string;
    answer?: { claimsFiled: number; claimsPaidFen: number; loansObtainedFen: number; answeredAt?: string };
  },
) {
  const { answer } = s;
  await db.survey.create({
    data: {
      applicationId: s.applicationId,
      round: s.round,
      sentAt: new Date(s.sentAt),
      ...(answer
        ? {
            answeredAt: answer.answeredAt
              ? new Date(answer.answeredAt)
              : new Date(Date.parse(s.sentAt) + DAY_MS),
            rdProgress: '进展顺利',
            claimsFiled: answer.claimsFiled,
            claimsPaidFen: BigInt(answer.claimsPaidFen),
            loansObtainedFen: BigInt(answer.loansObtainedFen),
          }
        : {}),
    },
  });
}
