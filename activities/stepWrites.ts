import { renderEmail } from '../domain/emails';
import { fromDbFen } from '../domain/money';
import { Prisma, type Tx } from '../data/db';
import { surveyLink, type SignedLinks } from '../platform/signedLinks';
import type { ApplicationUpdate, EmailRequest, ObjectionChange, TaskChange } from './records';

/**
 * The writes a workflow step is made of, each inside the `record` activity's transaction (activities/records.ts):
 * the application's fields, its task, an objection, and the e-mails it queues in the outbox.
 */

const bigint = (n: number | null | undefined) =>
  n === undefined ? undefined : n === null ? null : BigInt(n);

export function applicationData(u: ApplicationUpdate, at: Date): Prisma.ApplicationUpdateInput {
  return {
    subsidyYear: u.subsidyYear,
    baseFen: bigint(u.baseFen),
    computedFen: bigint(u.computedFen),
    grantedFen: bigint(u.grantedFen),
    rateBp: u.rateBp,
    reasons: u.reasons as unknown as Prisma.InputJsonArray | undefined,
    payee: u.payee,
    reviewOrg: u.reviewOrg,
    verifiedFacts: u.verifiedFacts as Prisma.InputJsonObject | undefined,
    precheckedAt: u.prechecked ? at : undefined,
    infoRequest:
      u.infoRequest === undefined ? undefined : u.infoRequest === null ? Prisma.DbNull : u.infoRequest,
    needsAttention: u.attention?.needed,
    attentionReason: u.attention ? u.attention.reason : undefined,
    approvedAt: u.approved ? at : undefined,
    awaitingBudgetSince: u.awaitingBudget === undefined ? undefined : u.awaitingBudget ? at : null,
    disbursedAt: u.disbursed ? at : undefined,
    loanInterest:
      u.loanInterest === undefined
        ? undefined
        : u.loanInterest === null
          ? Prisma.DbNull
          : (u.loanInterest as Prisma.InputJsonObject),
    loanConsentAt: u.loanInterest === undefined ? undefined : u.loanInterest === null ? null : at,
  };
}

export async function applyObjection(
  tx: Tx,
  applicationId: string,
  change: ObjectionChange,
  at: Date,
): Promise<void> {
  if (change.op === 'file') {
    const { op: _op, ...objection } = change;
    await tx.objection.create({ data: { ...objection, applicationId, createdAt: at } });
  } else {
    await tx.objection.updateMany({
      where: { id: { in: change.ids } },
      data: { outcome: change.outcome, decidedBy: change.by, decidedAt: at },
    });
  }
}

export async function applyTask(tx: Tx, applicationId: string, change: TaskChange, at: Date): Promise<void> {
  const where = { id: change.id };
  switch (change.op) {
    case 'open':
      await tx.task.create({
        data: {
          id: change.id,
          applicationId,
          queue: change.queue,
          org: change.org,
          createdAt: at,
          dueAt: new Date(change.dueAt),
          ...(change.assignee ? { state: 'CLAIMED', assignee: change.assignee, claimedAt: at } : {}),
        },
      });
      return;
    case 'claim':
    case 'assign':
      await tx.task.update({ where, data: { state: 'CLAIMED', assignee: change.assignee, claimedAt: at } });
      return;
    case 'unclaim':
      await tx.task.update({ where, data: { state: 'OPEN', assignee: null, claimedAt: null } });
      return;
    case 'escalate':
      await tx.task.update({ where, data: { escalatedAt: at } });
      return;
    case 'complete':
      await tx.task.update({ where, data: { state: 'DONE', completedAt: at, outcome: change.outcome } });
      return;
    case 'cancel':
      // A withdrawal can overtake the opening of a task (while its deadline is computed): nothing to cancel.
      await tx.task.updateMany({ where, data: { state: 'CANCELLED', completedAt: at } });
      return;
  }
}

async function recipients(tx: Tx, to: EmailRequest['to'], applicant: string): Promise<string[]> {
  if (to === 'applicant') return [applicant];
  if (Array.isArray(to)) return to;
  if ('staff' in to) {
    const staff = await tx.staffMember.findMany({
      where: { role: to.staff, active: true },
      orderBy: { subject: 'asc' },
    });
    return staff.map((m) => m.email);
  }
  const { role, org } = to.supervisorsOf;
  const staff = await tx.staffMember.findMany({
    where: { role, supervisor: true, active: true, ...(org ? { OR: [{ org }, { org: null }] } : {}) },
    orderBy: { subject: 'asc' },
  });
  return staff.map((m) => m.email);
}

/** What an e-mail's template needs besides the step's data: the survey's signed link, made here. */
async function extraOf(
  links: SignedLinks,
  publicBaseUrl: string,
  applicationId: string,
  e: EmailRequest,
): Promise<EmailRequest['extra']> {
  if (e.template !== 'survey') return e.extra;
  const round = Number(e.extra?.round ?? 1);
  const validDays = Number(e.extra?.validDays ?? 90);
  const link = await surveyLink(links, publicBaseUrl, applicationId, round, validDays);
  return { ...e.extra, surveyLink: link };
}

export async function queueEmails(
  tx: Tx,
  applicationId: string,
  emails: EmailRequest[],
  links: { sign: SignedLinks; publicBaseUrl: string },
): Promise<void> {
  const app = await tx.application.findUniqueOrThrow({
    where: { id: applicationId },
    include: { enterprise: { select: { name: true, contactEmail: true } } },
  });
  const rows = [];
  for (const e of emails) {
    const to = await recipients(tx, e.to, app.enterprise.contactEmail);
    if (to.length === 0) continue; // nobody on record (e.g. no supervisor configured): the audit trail still shows it
    const rendered = renderEmail(e.template, {
      applicationId,
      enterpriseName: app.enterprise.name,
      track: app.track,
      link: `${links.publicBaseUrl}/#/applications/${encodeURIComponent(applicationId)}`,
      grantedFen: fromDbFen(app.grantedFen),
      computedFen: fromDbFen(app.computedFen),
      comment: e.comment,
      message: e.message,
      deadline: e.deadline,
      reasons: e.reasons,
      extra: await extraOf(links.sign, links.publicBaseUrl, applicationId, e),
    });
    rows.push({ key: e.key, applicationId, template: e.template, to: to.join(', '), ...rendered });
  }
  await tx.emailOutbox.createMany({ data: rows, skipDuplicates: true });
}
