import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { LoanInterest } from '../domain/bankMatching';
import type { ProgramConfig } from '../domain/program';
import type { Track } from '../domain/status';
import {
  APPLICATION_WORKFLOW_TYPE,
  applicationWorkflowId,
  type ApplicationWorkflowInput,
} from '../workflows/application/contract';
import type { applicationWorkflow } from '../workflows/application/workflow';
import {
  ApplicationIdKey,
  ApplicationStatusKey,
  CreditCodeKey,
  NeedsAttentionKey,
  TrackKey,
} from '../workflows/searchAttributes';
import type { Config } from '../config';
import type { Db } from '../data/db';

interface StartableApplication {
  id: string;
  creditCode: string;
  track: Track;
  programYear: number;
  submittedBy: string;
  programSnapshot: unknown;
  loanInterest?: unknown;
}

/**
 * Starts the workflow of a stored application; starting twice is harmless (the id is derived from the
 * application, and a duplicate start is refused by the server and ignored here).
 */
export interface WorkflowStartDeps {
  db: Db;
  temporal: Client;
  config: Pick<Config, 'temporal' | 'timeAcceleration' | 'services'>;
}

export async function startApplicationWorkflow(
  deps: WorkflowStartDeps,
  app: StartableApplication,
): Promise<void> {
  const input: ApplicationWorkflowInput = {
    applicationId: app.id,
    creditCode: app.creditCode,
    track: app.track,
    programYear: app.programYear,
    submittedBy: app.submittedBy,
    program: app.programSnapshot as ProgramConfig,
    timeAcceleration: deps.config.timeAcceleration,
    lookupAttempts: deps.config.services.lookupAttempts,
    paymentPollSeconds: deps.config.services.paymentPollSeconds,
    loanInterest: (app.loanInterest ?? null) as LoanInterest | null,
  };
  try {
    await deps.temporal.workflow.start<typeof applicationWorkflow>(APPLICATION_WORKFLOW_TYPE, {
      workflowId: applicationWorkflowId(app.id),
      taskQueue: deps.config.temporal.taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `Subsidy application ${app.id} · ${app.track} · ${app.creditCode}`,
      staticDetails: [
        `Programme year ${app.programYear}, submitted by \`${app.submittedBy}\`.`,
        `Timeline: \`GET /api/v1/applications/${app.id}\` · stuck cases: \`GET /api/v1/admin/workflows/stuck\`.`,
      ].join('\n\n'),
      typedSearchAttributes: [
        { key: ApplicationIdKey, value: app.id },
        { key: CreditCodeKey, value: app.creditCode },
        { key: TrackKey, value: app.track },
        { key: ApplicationStatusKey, value: 'SUBMITTED' },
        { key: NeedsAttentionKey, value: false },
      ],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  await deps.db.application.updateMany({
    where: { id: app.id, workflowStartedAt: null },
    data: { workflowStartedAt: new Date() },
  });
}

/**
 * Starts the workflows of applications stored but not started (the API process died between the two);
 * run periodically by the worker so that no application is ever stranded.
 */
export async function startStrandedWorkflows(deps: WorkflowStartDeps, olderThanMs = 30_000): Promise<number> {
  const stranded = await deps.db.application.findMany({
    where: { workflowStartedAt: null, createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    take: 100,
    orderBy: { createdAt: 'asc' },
  });
  for (const app of stranded) await startApplicationWorkflow(deps, app);
  return stranded.length;
}
