import {
  ActivityFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { outsideLookups } from '../activityOptions';
import { evaluate, type RulesResult } from '../../domain/rules';
import { COMMITTEE_ORG, SYSTEM_ACTOR } from '../../domain/roles';
import type { ApplicationStatus } from '../../domain/status';
import type { ApplicationWorkflowInput, DecisionInput } from './contract';
import { fund } from './funding';
import { registerHandlers } from './handlers';
import { disburse } from './payment';
import { ApplicationProcess } from './process';
import { publicNotice } from './publicNotice';
import { awaitDecision, closeTask, openTask } from './tasks';
import { track } from './tracking';

/** The answer of an outside service, or `unavailable` once its retries are spent or it failed definitively. */
async function orUnavailable<T>(call: () => Promise<T>): Promise<T | 'unavailable'> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ActivityFailure) return 'unavailable';
    throw err;
  }
}

/** Verifies the facts with the registry and the insurer and applies the rules of the track. */
async function precheck(p: ApplicationProcess): Promise<RulesResult> {
  const { input } = p;
  await p.step({ actor: SYSTEM_ACTOR, action: 'PRECHECK_STARTED', toStatus: 'PRECHECK' });
  const { lookupEnterprise, lookupPolicy } = proxyActivities<Activities>(
    outsideLookups(input.lookupAttempts),
  );
  const ctx = await p.databaseStep(false, (steps) => steps.loadPrecheckContext(input.applicationId));
  const declared = ctx.declaredPolicy;
  const [registry, insurer] = await Promise.all([
    orUnavailable(() => lookupEnterprise(input.creditCode)),
    orUnavailable(() => lookupPolicy(declared.insurerCode, declared.policyNumber)),
  ]);
  const productCode = insurer && insurer !== 'unavailable' ? insurer.productCode : declared.productCode;
  const result = evaluate({
    track: input.track,
    creditCode: input.creditCode,
    submittedAt: ctx.submittedAt,
    program: input.program,
    enterprise: { registry, declared: ctx.declaredEnterprise },
    policy: { insurer, declared },
    product: await p.databaseStep(false, (steps) => steps.loadProduct(productCode)),
    documents: ctx.documents,
    history: ctx.history,
    policyInOtherLiveApplication: ctx.policyInOtherLiveApplication,
  });
  const unverified = registry === 'unavailable' || insurer === 'unavailable';
  await p.step({
    actor: SYSTEM_ACTOR,
    action: 'PRECHECK_DONE',
    note: result.eligible ? (unverified ? 'eligible on unverified facts' : 'eligible') : 'not eligible',
    data: { eligible: result.eligible, reasons: result.reasons.map((r) => r.code) },
    application: {
      subsidyYear: result.subsidyYear,
      baseFen: result.baseFen,
      computedFen: result.computedFen,
      rateBp: result.rateBp,
      reasons: result.reasons,
      payee: result.payee,
      reviewOrg: result.reviewOrg,
      verifiedFacts: result.facts as unknown as Record<string, unknown>,
      prechecked: true,
      ...(unverified ? { attention: p.attention('facts unverified', true) } : {}),
    },
  });
  return result;
}

/**
 * Initial review (形式审查), with requests for information: the reviewer may ask the applicant for more;
 * a supplement returns the case to the same queue (to the same reviewer), a missed deadline withdraws it.
 * Returns whether the application passed.
 */
async function initialReview(p: ApplicationProcess, org: string): Promise<boolean> {
  const { program } = p.input;
  let assignee: string | null = null;
  for (;;) {
    const task = await openTask(
      p,
      'initial-review',
      org,
      program.reviewSlaWorkingDays.initial,
      'INITIAL_REVIEW',
      assignee,
    );
    const d = await awaitDecision(p, task);
    if (d.decision === 'approve') {
      await closeTask(p, d);
      return true;
    }
    if (d.decision === 'reject') {
      await rejected(p, d);
      return false;
    }
    const due = await p.deadline(program.infoDeadlineWorkingDays);
    const message = d.infoRequest!.message;
    p.infoRequest = { message, deadline: due.dueAt };
    await closeTask(p, d, {
      toStatus: 'NEEDS_INFO',
      application: {
        infoRequest: {
          message,
          deadline: due.dueAt,
          requestedBy: d.actor.subject,
          requestedAt: new Date().toISOString(),
        },
      },
      emails: [
        {
          key: `${p.applicationId}:info-requested:${task.id}`,
          template: 'info_requested',
          to: 'applicant',
          message,
          deadline: due.dueAt,
        },
      ],
    });
    const supplement = await p.awaitSupplement(due.dueAt);
    p.infoRequest = null;
    if (!supplement) {
      await p.step({
        actor: SYSTEM_ACTOR,
        action: 'WITHDRAWN',
        toStatus: 'WITHDRAWN',
        note: `no supplement by the deadline ${due.dueAt}`,
        application: { infoRequest: null },
        emails: [
          {
            key: `${p.applicationId}:withdrawn`,
            template: 'withdrawn_deadline',
            to: 'applicant',
            message,
            deadline: due.dueAt,
          },
        ],
      });
      return false;
    }
    await p.step({
      actor: supplement.actor,
      action: 'SUPPLEMENT_RECEIVED',
      note: supplement.message,
      data: { documents: supplement.documents },
      attachDocuments: { ids: supplement.documents, creditCode: p.input.creditCode },
      application: { infoRequest: null },
      emails: [
        {
          key: `${p.applicationId}:supplement:${task.id}`,
          template: 'supplement_received',
          to: 'applicant',
          message: supplement.message,
        },
      ],
    });
    assignee = d.actor.subject;
  }
}

/** Closes the open task with a rejection and tells the applicant why. */
function rejected(p: ApplicationProcess, d: DecisionInput): Promise<void> {
  return closeTask(p, d, {
    toStatus: 'REJECTED',
    emails: [
      { key: `${p.applicationId}:rejected`, template: 'rejected', to: 'applicant', comment: d.comment },
    ],
  });
}

/** One subsidy application from submission to its decision. People act through the process's updates. */
async function run(p: ApplicationProcess): Promise<void> {
  const { input } = p;
  const sla = input.program.reviewSlaWorkingDays;
  await p.step({
    actor: { subject: input.submittedBy, role: 'applicant', creditCode: input.creditCode },
    action: 'SUBMITTED',
    toStatus: 'SUBMITTED',
    emails: [{ key: `${input.applicationId}:received`, template: 'received', to: 'applicant' }],
  });

  const checked = await precheck(p);
  if (!checked.eligible) {
    const blocking = checked.reasons.filter((r) => r.blocking);
    await p.step({
      actor: SYSTEM_ACTOR,
      action: 'DECISION',
      toStatus: 'REJECTED',
      note: blocking.map((r) => r.code).join(', '),
      emails: [
        { key: `${input.applicationId}:rejected`, template: 'rejected', to: 'applicant', reasons: blocking },
      ],
    });
    return;
  }

  if (!(await initialReview(p, checked.reviewOrg))) return;

  if (input.track === 'FRONTIER') {
    const task = await openTask(p, 'expert-review', null, sla.expert, 'EXPERT_REVIEW');
    const d = await awaitDecision(p, task);
    if (d.decision !== 'approve') return rejected(p, d);
    await closeTask(p, d);
  }

  const task = await openTask(p, 'final-approval', COMMITTEE_ORG, sla.final, 'FINAL_APPROVAL');
  const d = await awaitDecision(p, task);
  if (d.decision !== 'approve') return rejected(p, d);
  await closeTask(p, d);

  const grantFen = await fund(p, checked, d.comment);
  if (grantFen === null) return;
  if (!(await publicNotice(p))) return;
  if (!(await disburse(p, grantFen))) return;
  await track(p, checked);
}

export async function applicationWorkflow(input: ApplicationWorkflowInput): Promise<ApplicationStatus> {
  const p = new ApplicationProcess(input);
  const main = new CancellationScope();
  p.onWithdraw = () => main.cancel();
  registerHandlers(p);
  try {
    await main.run(() => run(p));
  } catch (err) {
    if (!(isCancellation(err) && p.ending)) throw err;
    await CancellationScope.nonCancellable(() => p.ended());
  }
  p.settle();
  await condition(allHandlersFinished);
  return p.status;
}
