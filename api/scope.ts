import { COMMITTEE_ORG, ORG_SCOPED_ROLES, queuesOf, type Actor } from '../domain/roles';
import type { Prisma } from '../prisma/generated/client';
import type { Db } from '../data/db';
import type { TaskVisibility } from '../data/tasks';
import { forbidden, notFound } from './errors';

/**
 * What a caller may read, decided here and nowhere else (docs/ACCESS.md): applications, and through them
 * their documents, enterprises and tasks.
 * - `enterprise`: an applicant, its own enterprise (its documents also before they are attached);
 * - `office`: a reviewer (or approver) of a street office, the applications routed to that office;
 * - `district`: experts, finance, administrators and auditors, and reviewers and approvers of the committee;
 * - `nothing`: banks, and a reviewer or approver whose token names no organisation (until it names one).
 */
export type ReadScope =
  | { kind: 'district' }
  | { kind: 'office'; org: string }
  | { kind: 'enterprise'; creditCode: string }
  | { kind: 'nothing' };

/** Roles that read the whole district whatever their organisation: their work carries none. */
const DISTRICT_ROLES: readonly Actor['role'][] = ['expert', 'finance', 'admin', 'auditor'];

const NOTHING: ReadScope = { kind: 'nothing' };
const DISTRICT: ReadScope = { kind: 'district' };

export function readScope(actor: Actor): ReadScope {
  if (actor.role === 'applicant')
    return actor.creditCode ? { kind: 'enterprise', creditCode: actor.creditCode } : NOTHING;
  if (ORG_SCOPED_ROLES.includes(actor.role as never)) {
    if (!actor.org) return NOTHING;
    return actor.org === COMMITTEE_ORG ? DISTRICT : { kind: 'office', org: actor.org };
  }
  return DISTRICT_ROLES.includes(actor.role) ? DISTRICT : NOTHING;
}

/** The rule of `applicationScope`, for the API's documentation. */
export const APPLICATION_SCOPE_RULE =
  'An applicant sees its own enterprise’s applications; a street office’s reviewer those routed to its ' +
  'office; the committee’s reviewers and approvers, experts, finance, administrators and auditors the whole ' +
  'district; ' +
  'a reviewer or approver whose token names no organisation none (lists empty, single reads 404).';

/** The applications the caller may see. */
export function applicationScope(actor: Actor): Prisma.ApplicationWhereInput {
  const scope = readScope(actor);
  switch (scope.kind) {
    case 'district':
      return {};
    case 'office':
      return { reviewOrg: scope.org };
    case 'enterprise':
      return { creditCode: scope.creditCode };
    case 'nothing':
      return { id: { in: [] } };
  }
}

/**
 * The documents the caller may see: an applicant its enterprise's; staff those of the applications they may
 * see (a document not attached to an application yet is its applicant's alone).
 */
/** The application `id` if the caller may see it, or 404 (no existence leak). */
export async function visibleApplication(db: Db, id: string, actor: Actor) {
  const app = await db.application.findFirst({
    where: { id, ...applicationScope(actor) },
    select: { id: true, creditCode: true },
  });
  if (!app) throw notFound('application');
  return app;
}

export function documentScope(actor: Actor): Prisma.DocumentWhereInput {
  const scope = readScope(actor);
  if (scope.kind === 'enterprise') return { creditCode: scope.creditCode };
  if (scope.kind === 'district') return { applicationId: { not: null } };
  return { application: { is: applicationScope(actor) } };
}

/**
 * The enterprises whose profile the caller may read: an applicant its own; district-wide staff every
 * registered one; a street office's staff those with an application routed to the office.
 */
export function enterpriseScope(actor: Actor): Prisma.EnterpriseWhereInput {
  const scope = readScope(actor);
  if (scope.kind === 'enterprise') return { creditCode: scope.creditCode };
  if (scope.kind === 'district') return {};
  return { applications: { some: applicationScope(actor) } };
}

/**
 * The tasks the caller may see: the role's queues and, for a task bound to an organisation, only the caller's
 * organisation; administrators every task (read-only); nobody who sees no application (null).
 */
export function taskVisibility(actor: Actor): TaskVisibility | null {
  if (readScope(actor).kind === 'nothing') return null;
  if (actor.role === 'admin') return { queues: null, org: null, everyOrg: true };
  return { queues: queuesOf(actor.role), org: actor.org ?? null, everyOrg: false };
}

/** `taskVisibility` as a Prisma filter. */
export function taskScope(actor: Actor): Prisma.TaskWhereInput {
  const v = taskVisibility(actor);
  if (!v) return { id: { in: [] } };
  return {
    ...(v.queues ? { queue: { in: [...v.queues] } } : {}),
    ...(v.everyOrg ? {} : { OR: [{ org: null }, ...(v.org ? [{ org: v.org }] : [])] }),
  };
}

/** District-wide figures (budgets, evaluation, report) are for callers who see the whole district. */
export function requireDistrict(actor: Actor): void {
  if (readScope(actor).kind === 'district') return;
  if (!actor.org) throw forbidden('your token names no organisation: you see nothing until it does');
  throw forbidden('district-wide figures are for staff of the committee');
}
