import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/roles';
import { PAYEE_CHANGEABLE_STATUSES } from '../domain/status';
import { renderEmail } from '../domain/emails';
import { Prisma, type Db, type Tx } from './db';
import { maskedBankAccount, sealBankAccount, type BankAccount, type SecretBox } from '../platform/secretBox';

/**
 * Who is paid. The enterprise's account, name and contact address are fixed on the application at final
 * approval (`fixPayee`); every payment attempt pays that, whatever the profile says later. Paying another
 * account is a request (`requestPayeeChange`) that takes effect only when finance approves it, never by the
 * person who asked; both are audited on the application and e-mailed to the old and the new address.
 */

/** Statuses in which the grant is fixed and not yet paid: the payee may be changed (by request). */
export const PAYEE_CHANGEABLE = PAYEE_CHANGEABLE_STATUSES;

/** Fixes the payee of an application paid to the enterprise, once (an application paid to its insurer has it). */
export async function fixPayee(tx: Tx, applicationId: string, at: Date): Promise<void> {
  const app = await tx.application.findUniqueOrThrow({
    where: { id: applicationId },
    select: { payee: true, payeeFixedAt: true, enterprise: true },
  });
  if (app.payee !== 'ENTERPRISE' || app.payeeFixedAt) return;
  await tx.application.update({
    where: { id: applicationId },
    data: {
      payeeAccount: (app.enterprise.bankAccount ?? Prisma.DbNull) as Prisma.InputJsonValue,
      payeeName: app.enterprise.name,
      payeeContactEmail: app.enterprise.contactEmail,
      payeeFixedAt: at,
    },
  });
}

export class PayeeChangeRefused extends Error {
  constructor(
    readonly code: 'INVALID_STATE' | 'FOUR_EYES' | 'NOT_FOUND',
    message: string,
  ) {
    super(message);
  }
}

const masked = (stored: unknown) => maskedBankAccount(stored);

export interface PayeeChangeView {
  id: string;
  applicationId: string;
  state: string;
  from: BankAccount | null;
  to: BankAccount | null;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
}

export function presentPayeeChange(c: Prisma.PayeeChangeGetPayload<object>): PayeeChangeView {
  return {
    id: c.id,
    applicationId: c.applicationId,
    state: c.state,
    from: masked(c.fromAccount),
    to: masked(c.toAccount),
    reason: c.reason,
    requestedBy: c.requestedBy,
    requestedAt: c.requestedAt.toISOString(),
    decidedBy: c.decidedBy,
    decidedAt: c.decidedAt?.toISOString() ?? null,
    comment: c.comment,
  };
}

/** The old and the new address of the enterprise (the one at approval, the one on record now). */
function addresses(app: { payeeContactEmail: string | null; enterprise: { contactEmail: string } }) {
  return [...new Set([app.payeeContactEmail, app.enterprise.contactEmail].filter((a): a is string => !!a))];
}

const accountLine = (a: BankAccount | null) =>
  a ? `${a.bankName} ${a.accountName} ${a.accountNumber}` : '—';

type AppForMail = Prisma.ApplicationGetPayload<{
  include: { enterprise: { select: { contactEmail: true; name: true } } };
}>;

/** One e-mail to each address, rendered now (the outbox keeps what was sent). */
async function tell(
  tx: Tx,
  app: AppForMail,
  key: string,
  template: 'payee_change_requested' | 'payee_change_decided',
  link: string,
  extra: Record<string, string | number>,
  comment?: string,
) {
  const rendered = renderEmail(template, {
    applicationId: app.id,
    enterpriseName: app.enterprise.name,
    track: app.track,
    link,
    comment,
    extra,
  });
  await tx.emailOutbox.createMany({
    data: addresses(app).map((to) => ({
      key: `${key}:${to}`,
      applicationId: app.id,
      template,
      to,
      ...rendered,
    })),
    skipDuplicates: true,
  });
}

async function audit(
  tx: Tx,
  applicationId: string,
  actor: Actor,
  action: string,
  note: string,
  data: Prisma.InputJsonObject,
) {
  await tx.auditEvent.create({
    data: {
      key: `${applicationId}:${action.toLowerCase()}:${randomUUID()}`,
      applicationId,
      at: new Date(),
      actor: actor.subject,
      actorRole: actor.role,
      action,
      note,
      data,
      entity: 'application',
      entityId: applicationId,
    },
  });
}

/** Asks to pay the application's grant to `account` (its applicant, or an administrator). */
export async function requestPayeeChange(
  db: Db,
  box: SecretBox,
  req: { applicationId: string; account: BankAccount; reason: string; actor: Actor; link: string },
): Promise<PayeeChangeView> {
  return db.$transaction(async (tx) => {
    const app = await tx.application.findUniqueOrThrow({
      where: { id: req.applicationId },
      include: { enterprise: { select: { contactEmail: true, name: true } } },
    });
    if (app.payee !== 'ENTERPRISE' || !app.payeeFixedAt || !PAYEE_CHANGEABLE.includes(app.status)) {
      throw new PayeeChangeRefused(
        'INVALID_STATE',
        app.payee === 'INSURER'
          ? 'the grant is paid to the insurer: there is no account to change'
          : `the payee can be changed only between final approval and payment (now ${app.status})`,
      );
    }
    const open = await tx.payeeChange.count({ where: { applicationId: app.id, state: 'PENDING' } });
    if (open > 0)
      throw new PayeeChangeRefused('INVALID_STATE', 'a change of the payee is already waiting for finance');
    const change = await tx.payeeChange.create({
      data: {
        id: randomUUID(),
        applicationId: app.id,
        state: 'PENDING',
        fromAccount: (app.payeeAccount ?? Prisma.DbNull) as Prisma.InputJsonValue,
        toAccount: sealBankAccount(box, req.account) as unknown as Prisma.InputJsonObject,
        reason: req.reason,
        requestedBy: req.actor.subject,
        requestedRole: req.actor.role,
      },
    });
    const view = presentPayeeChange(change);
    await audit(tx, app.id, req.actor, 'PAYEE_CHANGE_REQUESTED', req.reason, {
      changeId: change.id,
      from: view.from as unknown as Prisma.InputJsonObject,
      to: view.to as unknown as Prisma.InputJsonObject,
    });
    await tell(tx, app, `${app.id}:payee-change:${change.id}:requested`, 'payee_change_requested', req.link, {
      from: accountLine(view.from),
      to: accountLine(view.to),
      by: `${req.actor.subject} (${req.actor.role})`,
    });
    return view;
  });
}

/** Finance's decision on a change of payee; the person who asked may not decide it (four-eyes). */
export async function decidePayeeChange(
  db: Db,
  req: { changeId: string; approve: boolean; comment: string; actor: Actor; link: string },
): Promise<PayeeChangeView> {
  return db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "PayeeChange" WHERE id = ${req.changeId} FOR UPDATE`;
    if (!locked) throw new PayeeChangeRefused('NOT_FOUND', 'payee change');
    const change = await tx.payeeChange.findUniqueOrThrow({ where: { id: req.changeId } });
    if (change.state !== 'PENDING')
      throw new PayeeChangeRefused('INVALID_STATE', `this change was already decided (${change.state})`);
    if (change.requestedBy === req.actor.subject)
      throw new PayeeChangeRefused('FOUR_EYES', 'you asked for this change and may not approve it');
    const app = await tx.application.findUniqueOrThrow({
      where: { id: change.applicationId },
      include: { enterprise: { select: { contactEmail: true, name: true } } },
    });
    if (req.approve && !PAYEE_CHANGEABLE.includes(app.status))
      throw new PayeeChangeRefused(
        'INVALID_STATE',
        `the grant can no longer be redirected (now ${app.status})`,
      );
    const decided = await tx.payeeChange.update({
      where: { id: change.id },
      data: {
        state: req.approve ? 'APPROVED' : 'REJECTED',
        decidedBy: req.actor.subject,
        decidedAt: new Date(),
        comment: req.comment,
      },
    });
    if (req.approve) {
      await tx.application.update({
        where: { id: app.id },
        data: { payeeAccount: change.toAccount as Prisma.InputJsonValue },
      });
    }
    const view = presentPayeeChange(decided);
    await audit(tx, app.id, req.actor, req.approve ? 'PAYEE_CHANGED' : 'PAYEE_CHANGE_REJECTED', req.comment, {
      changeId: change.id,
      requestedBy: change.requestedBy,
      from: view.from as unknown as Prisma.InputJsonObject,
      to: view.to as unknown as Prisma.InputJsonObject,
    });
    await tell(
      tx,
      app,
      `${app.id}:payee-change:${change.id}:${decided.state.toLowerCase()}`,
      'payee_change_decided',
      req.link,
      {
        approved: req.approve ? 1 : 0,
        from: accountLine(view.from),
        to: accountLine(view.to),
        by: req.actor.subject,
      },
      req.comment,
    );
    return view;
  });
}
