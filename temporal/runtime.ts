import type { Logger as SdkLogger, LogLevel, LogMetadata } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { applicationIdFromWorkflowId } from '../workflows/application/contract';
import { bankMatchingWorkflowId } from '../workflows/bankMatching/contract';
import type { Logger } from '../platform/logger';

let installed = false;

const BANK_MATCHING_PREFIX = bankMatchingWorkflowId('');

/** The application a workflow belongs to, from its id (`application-{id}`, `bank-matching-{id}`). */
export function applicationIdOfWorkflow(workflowId: string): string | undefined {
  if (workflowId.startsWith(BANK_MATCHING_PREFIX)) return workflowId.slice(BANK_MATCHING_PREFIX.length);
  return applicationIdFromWorkflowId(workflowId);
}

const PINO_METHOD = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The SDK's `Logger` on top of pino: lines from the worker, workflows (`log` of @temporalio/workflow) and
 * activities (`log` of @temporalio/activity, `Context.current().log`) become JSON lines of the process's
 * logger, with the SDK's attributes (workflowId, activityType, attempt, ...) as fields. pino's level decides.
 */
export class PinoSdkLogger implements SdkLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    const method = PINO_METHOD[level] ?? 'info';
    if (!this.logger.isLevelEnabled(method)) return;
    // The SDK passes errors as `error`; pino's serializer (message, type, stack) handles `err`.
    // A task token completes the activity from outside: keep it out of the logs.
    const { error, taskToken: _taskToken, ...fields } = meta as LogMetadata & { error?: unknown };
    if (error !== undefined) fields.err = error;
    if (typeof fields.workflowId === 'string' && fields.applicationId === undefined) {
      const applicationId = applicationIdOfWorkflow(fields.workflowId);
      if (applicationId) fields.applicationId = applicationId;
    }
    this.logger[method]({ ...fields, temporal: true }, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/**
 * Routes the Temporal SDK's logs (worker, workflows' `log`, activities) into the process's JSON logger.
 * `coreLevel` filters the native core's own lines, which are many below WARN.
 * Must run before the first worker or native connection of the process is created.
 */
export function installTemporalRuntime(logger: Logger, coreLevel: LogLevel = 'WARN'): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new PinoSdkLogger(logger),
    telemetryOptions: { logging: { filter: { core: coreLevel, other: coreLevel }, forward: {} } },
  });
}
