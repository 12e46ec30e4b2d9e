import path from 'node:path';
import { z } from 'zod';
import { parsePayloadKeys, type PayloadKey } from '../platform/payloadCodec';
import { parseDataKey } from '../platform/secretBox';

/**
 * Configuration is read once, at each entry point, from the environment into this validated object,
 * then injected. Every variable is documented in `.env.example`.
 */
/** An integer variable within bounds. */
const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const byteCount = z.coerce.number().int().positive();
const port = intIn(1, 65535);
const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.url().optional());
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
/** A comma-separated list, blanks dropped. */
const commaList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) =>
      s
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    );
/** A string the parser accepts; a refusal says `message`, or else the parser's own words. */
const parsedBy = (parse: (s: string) => unknown, message?: string) =>
  z.string().superRefine((text, ctx) => {
    try {
      parse(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: message ?? (err as Error).message });
    }
  });

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_BASE_URL: optionalUrl,
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: optionalUrl,
  EMBEDDED_PG_PORT: port.default(5433),
  TEMPORAL_ADDRESS: optionalString.pipe(
    z
      .string()
      .regex(/^[^\s:]+:\d+$/, 'must be host:port, e.g. temporal:7233')
      .optional(),
  ),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: optionalUrl,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('subsidy'),
  TEMPORAL_CLI: optionalString,
  SMTP_URL: optionalUrl,
  SMTP_PORT: port.default(1025),
  MAILDEV_WEB_PORT: port.default(1080),
  MAIL_FROM: z.string().min(3).default('海淀区科技保险补贴 <no-reply@kjbx.haidian.gov.cn>'),
  /** How long a claimed outbox mail is left to its claimer before another process takes it over. */
  OUTBOX_CLAIM_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
  AUTH_MODE: z.enum(['dev', 'jwt']).optional(),
  JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  JWT_PUBLIC_KEY: optionalString,
  /** Or the identity provider's key set (JSON Web Key Set), fetched, cached and fetched again for an unknown key id. */
  JWT_JWKS_URL: optionalUrl,
  JWT_ISSUER: z.string().min(1).default('haidian-kjbx'),
  /** The audience a token must name (one of a comma-separated list). */
  JWT_AUDIENCE: commaList('haidian-kjbx-api').pipe(
    z.array(z.string()).min(1, 'must name at least one audience'),
  ),
  JWT_MAX_AGE_SECONDS: intIn(60, 7 * 86_400).default(12 * 3600),
  JWT_CLOCK_TOLERANCE_SECONDS: intIn(0, 300).default(30),
  JWT_JWKS_COOLDOWN_SECONDS: intIn(0, 3600).default(30),
  SIMULATOR_URL: optionalUrl,
  SIMULATOR_PORT: port.default(4010),
  REGISTRY_URL: optionalUrl,
  INSURER_URL: optionalUrl,
  PAYMENT_SERVICE_URL: optionalUrl,
  PAYMENT_CALLBACK_SECRET: optionalString.pipe(
    z.string().min(16, 'must be at least 16 characters').optional(),
  ),
  LINK_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  DATA_ENCRYPTION_KEY: optionalString.pipe(
    parsedBy(parseDataKey, 'must be 32 bytes, as base64 or 64 hex digits').optional(),
  ),
  PAYLOAD_KEYS: optionalString.pipe(parsedBy(parsePayloadKeys).optional()),
  NOTICE_SCHEDULE: z.enum(['on', 'off']).default('on'),
  /** Recovery (追回): the daily reconciliation with the insurers and the case's rule and timings. */
  RECOVERY_SCHEDULE: z.enum(['on', 'off']).default('on'),
  RECOVERY_FULL_MONTHS: intIn(0, 120).default(6),
  RECOVERY_DEADLINE_WORKING_DAYS: intIn(1, 250).default(15),
  RECOVERY_ESCALATION_WORKING_DAYS: intIn(1, 250).default(5),
  PAYMENT_POLL_SECONDS: intIn(1, 86_400).default(300),
  LOOKUP_ATTEMPTS: intIn(1, 100).default(10),
  SERVICE_TIMEOUT_MS: intIn(100, 120_000).default(5000),
  TIME_ACCELERATION: z.coerce.number().positive().max(10_000_000).default(1),
  CHROMIUM_PATH: optionalString,
  REPORT_PDF_CONCURRENCY: intIn(1, 16).default(2),
  REPORT_PDF_QUEUE: intIn(0, 1000).default(8),
  CREDIT_CODE_ALLOWLIST: commaList(''),
  BODY_LIMIT_BYTES: byteCount.default(1_048_576),
  PUBLIC_RATE_LIMIT_PER_MINUTE: intIn(1, 100_000).default(30),
  DOCUMENT_MAX_BYTES: byteCount.default(10 * 1_048_576),
  /** Documents uploaded and not attached to an application yet: at most so many, and bytes, per enterprise. */
  DOCUMENT_QUOTA_COUNT: intIn(1, 10_000).default(50),
  DOCUMENT_QUOTA_BYTES: byteCount.default(100 * 1_048_576),
  /** Days after which a document never attached to an application is deleted. */
  DOCUMENT_PURGE_DAYS: intIn(1, 3650).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Prometheus `/metrics` listens apart from the API, on an internal interface and port. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  API_METRICS_PORT: intIn(0, 65535).default(9465),
  WORKER_METRICS_PORT: intIn(0, 65535).default(9464),
  /** Seconds between reconciliations of the evaluation's rollups with the rows (and once at start); 0 = off. */
  EVALUATION_RECONCILE_SECONDS: intIn(0, 86_400).default(600),
  /** Weeks over which the budget forecast measures the pace of grants. */
  BUDGET_FORECAST_WEEKS: intIn(1, 52).default(4),
  /** Seconds between the worker's checks of the budget forecast (warnings to finance); 0 = off. */
  BUDGET_FORECAST_CHECK_SECONDS: intIn(0, 86_400).default(3600),
  /** Beijing hour from which a day's check may send a warning (none at night). */
  BUDGET_FORECAST_HOUR: intIn(0, 23).default(9),
  /** Seconds between the worker's checks whether the nightly anomaly flags are due; 0 = off. */
  RISK_FLAGS_CHECK_SECONDS: intIn(0, 86_400).default(600),
  /** The Beijing hour in which the worker recomputes every live application's anomaly flags, once a day. */
  RISK_FLAGS_HOUR: intIn(0, 23).default(2),
  /** The share of each quarter's paid applications (per track and street office, rounded up) visited on site. */
  SITE_VISIT_RATE: z.coerce.number().gt(0).max(1).default(0.05),
  /** Seconds between the worker's checks whether the quarter just ended still needs its site-visit sample; 0 = off. */
  SITE_VISIT_CHECK_SECONDS: intIn(0, 86_400).default(3600),
  /** The Beijing hour of a quarter's first day from which the worker samples the quarter just ended. */
  SITE_VISIT_HOUR: intIn(0, 23).default(9),
  // Worker tuning, chosen from the benchmarks (docs/performance.md).
  WORKER_MAX_CACHED_WORKFLOWS: intIn(0, 100_000).default(200),
  WORKER_MAX_CONCURRENT_ACTIVITIES: intIn(1, 1000).default(20),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: intIn(2, 1000).default(40),
  /** A workflow bundle built ahead (`npm run build:workflows`): the worker starts in seconds instead of bundling. */
  WORKFLOW_BUNDLE_PATH: optionalString,
  /** OpenTelemetry's own variables: traces are exported over OTLP (HTTP) only when the endpoint is set. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_SERVICE_NAME: optionalString,
});
export type Env = z.infer<typeof EnvSchema>;

/** Secrets generated on first start of the embedded stack (kept under DATA_DIR, never in the repo). */
export interface DevSecrets {
  pgPassword: string;
  jwtSecret: string;
  paymentCallbackSecret: string;
  linkSecret: string;
  /** Encrypts bank account numbers at rest (generated with the other secrets in the embedded stack). */
  dataKey?: string;
  /** PAYLOAD_KEYS of the embedded stack: encrypts the payloads of workflow histories. */
  payloadKeys?: string;
}

export interface Config {
  env: Env['NODE_ENV'];
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  /**
   * `GET /metrics` (Prometheus), never on the API's public port: its own listener on `host` (internal), at
   * `apiPort` in an API process (the worker's figures too under `npm start`) and `workerPort` in a worker
   * started alone (`npm run worker`); 0 = none.
   */
  metrics: { host: string; apiPort: number; workerPort: number };
  /** Seconds between reconciliations of the evaluation's rollups with the rows (worker; and at start); 0 = off. */
  evaluationReconcileSeconds: number;
  /**
   * The budget forecast: its pace's window in weeks (API and worker), and the worker's check that warns
   * finance (every `checkSeconds`, 0 = off; from `fromHour` Beijing time).
   */
  budgetForecast: { weeks: number; checkSeconds: number; fromHour: number };
  /** The nightly anomaly flags (worker): checked every `checkSeconds` (0 = off), run once a day in `hour` (Beijing). */
  riskFlags: { checkSeconds: number; hour: number };
  /** Sampled site visits: the rate (API and worker), the worker's quarterly run (every `checkSeconds`, 0 = off). */
  siteVisits: { rate: number; checkSeconds: number; hour: number };
  /** Worker tuning (docs/performance.md) and an optional prebuilt workflow bundle. */
  worker: {
    maxCachedWorkflows: number;
    maxConcurrentActivityTaskExecutions: number;
    maxConcurrentWorkflowTaskExecutions: number;
    workflowBundlePath?: string;
  };
  http: {
    host: string;
    port: number;
    publicBaseUrl: string;
    bodyLimitBytes: number;
    documentMaxBytes: number;
    /** Per enterprise: documents not attached to an application yet, and after how many days they are purged. */
    documents: { quotaCount: number; quotaBytes: number; purgeAfterDays: number };
    /** Requests per minute and client to the public endpoints that take input (objections, calculator). */
    publicRateLimitPerMinute: number;
  };
  database: { url: string; embedded: { port: number; password: string } | null };
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    uiUrl: string;
    embedded: { port: number; uiPort: number; cli?: string } | null;
  };
  mail: {
    from: string;
    /** Seconds after which a mail claimed by a process that died is taken over (and sent again, same Message-ID). */
    claimLeaseSeconds: number;
    smtpUrl: string;
    embedded: { smtpPort: number; webPort: number } | null;
    inboxUrl?: string;
  };
  auth: {
    mode: 'dev' | 'jwt';
    secret?: string;
    publicKey?: string;
    /** The identity provider's JWKS (keys chosen by the token's `kid`). */
    jwksUrl?: string;
    issuer: string;
    /** A token must name one of these audiences. */
    audience: string[];
    /** A token older than this (from its `iat`) is refused, whatever its `exp`. */
    maxAgeSeconds: number;
    /** Allowed clock difference with the identity provider for `exp`, `nbf` and `iat`. */
    clockToleranceSeconds: number;
    /** How soon after fetching the JWKS an unknown key id may make it fetch again. */
    jwksCooldownSeconds: number;
  };
  /** Signs links sent by e-mail (surveys, outreach), which carry no bearer token. */
  linkSecret: string;
  /** DATA_ENCRYPTION_KEY: encrypts bank account numbers at rest (platform/secretBox.ts). */
  dataKey: string;
  /** PAYLOAD_KEYS: encrypt Temporal payloads (platform/payloadCodec.ts); the first seals, all open. */
  payloadKeys: PayloadKey[];
  notices: { schedule: boolean };
  /**
   * Recovery: the daily reconciliation schedule (08:00 Beijing, working days), the months within which a
   * cancellation recovers the whole grant, the repayment deadline in working days after the notice, and the
   * working days after the deadline's reminder until the case is escalated to an approver.
   */
  recovery: {
    schedule: boolean;
    fullMonths: number;
    deadlineWorkingDays: number;
    escalationWorkingDays: number;
  };
  services: {
    registryUrl: string;
    insurerUrl: string;
    paymentUrl: string;
    paymentCallbackSecret: string;
    simulator: { port: number } | null;
    /** Attempts at the registry and insurer before a precheck goes on without them (flagged). */
    lookupAttempts: number;
    timeoutMs: number;
    /** How long a payment waits for the gateway's callback before asking for its status. */
    paymentPollSeconds: number;
  };
  timeAcceleration: number;
  /** Legal early credit codes that fail the GB 32100 check character. */
  creditCodeAllowList: string[];
  /**
   * PDF reports: the Chromium (CHROMIUM_PATH: a path, or a command looked up in `searchPath`, the
   * environment's PATH; unset: a system `chromium`, else the bundled one), how many are printed at once
   * and how many requests may wait for a place.
   */
  report: { chromium?: string; searchPath: string; concurrency: number; maxWaiting: number };
  /**
   * Traces (platform/telemetry.ts): exported over OTLP to `endpoint` when it is set, else nothing is loaded;
   * `serviceName` overrides the process's own (`subsidy-api`, `subsidy-worker`).
   */
  tracing: { endpoint?: string; serviceName?: string };
}

export class ConfigError extends Error {}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(
  rawEnv: NodeJS.ProcessEnv,
  options: { defaultAuthMode?: 'dev' | 'jwt'; devSecrets?: DevSecrets } = {},
): Config {
  const parsed = EnvSchema.safeParse(rawEnv);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  // Production takes every secret from its environment: development secrets are never used there.
  const secrets = production ? undefined : options.devSecrets;
  const authMode = env.AUTH_MODE ?? options.defaultAuthMode ?? 'jwt';
  const problems: string[] = [];
  const missing = (name: string) =>
    problems.push(
      production
        ? `${name}: must be set in the environment when NODE_ENV=production (development secrets are never used in production)`
        : `${name}: required outside the embedded stack`,
    );

  if (production && authMode === 'dev')
    problems.push(
      `AUTH_MODE: ${env.AUTH_MODE ? 'dev' : 'dev (the default of npm start)'} is refused when NODE_ENV=production, because its dev-token endpoint gives anyone an administrator's token; set AUTH_MODE=jwt`,
    );

  const pgEmbedded = env.DATABASE_URL
    ? null
    : { port: env.EMBEDDED_PG_PORT, password: secrets?.pgPassword ?? '' };
  if (pgEmbedded && !secrets)
    problems.push(
      production
        ? 'DATABASE_URL: must be set when NODE_ENV=production (the embedded PostgreSQL is for development)'
        : 'DATABASE_URL: required unless the embedded stack is running (npm start)',
    );
  const databaseUrl =
    env.DATABASE_URL ??
    `postgresql://postgres:${encodeURIComponent(pgEmbedded?.password ?? '')}@127.0.0.1:${env.EMBEDDED_PG_PORT}/subsidy`;

  const jwtSecret = env.JWT_SECRET ?? (authMode === 'dev' ? secrets?.jwtSecret : undefined);
  if (authMode === 'dev' && !jwtSecret)
    problems.push('JWT_SECRET: required when AUTH_MODE=dev (the dev-token endpoint signs with it)');
  else if (!jwtSecret && !env.JWT_PUBLIC_KEY && !env.JWT_JWKS_URL)
    problems.push('JWT_SECRET: required (or JWT_PUBLIC_KEY, or JWT_JWKS_URL) when AUTH_MODE=jwt');

  const callbackSecret = env.PAYMENT_CALLBACK_SECRET ?? secrets?.paymentCallbackSecret;
  if (!callbackSecret) missing('PAYMENT_CALLBACK_SECRET');
  const linkSecret = env.LINK_SECRET ?? secrets?.linkSecret;
  if (!linkSecret) missing('LINK_SECRET');
  const dataKey = env.DATA_ENCRYPTION_KEY ?? secrets?.dataKey;
  if (!dataKey) missing('DATA_ENCRYPTION_KEY');
  const payloadKeys = env.PAYLOAD_KEYS ?? secrets?.payloadKeys;
  if (!payloadKeys) missing('PAYLOAD_KEYS');

  if (problems.length)
    throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);

  const simulatorUrl = env.SIMULATOR_URL ?? `http://127.0.0.1:${env.SIMULATOR_PORT}`;
  const simulatorEmbedded =
    !env.SIMULATOR_URL && !(env.REGISTRY_URL && env.INSURER_URL && env.PAYMENT_SERVICE_URL);
  const publicBaseUrl = env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${env.PORT}`;

  return {
    env: env.NODE_ENV,
    dataDir: path.resolve(env.DATA_DIR),
    logLevel: env.LOG_LEVEL,
    metrics: { host: env.METRICS_HOST, apiPort: env.API_METRICS_PORT, workerPort: env.WORKER_METRICS_PORT },
    evaluationReconcileSeconds: env.EVALUATION_RECONCILE_SECONDS,
    budgetForecast: {
      weeks: env.BUDGET_FORECAST_WEEKS,
      checkSeconds: env.BUDGET_FORECAST_CHECK_SECONDS,
      fromHour: env.BUDGET_FORECAST_HOUR,
    },
    riskFlags: { checkSeconds: env.RISK_FLAGS_CHECK_SECONDS, hour: env.RISK_FLAGS_HOUR },
    siteVisits: {
      rate: env.SITE_VISIT_RATE,
      checkSeconds: env.SITE_VISIT_CHECK_SECONDS,
      hour: env.SITE_VISIT_HOUR,
    },
    worker: {
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentActivityTaskExecutions: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTaskExecutions: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      workflowBundlePath: env.WORKFLOW_BUNDLE_PATH,
    },
    http: {
      host: env.HOST,
      port: env.PORT,
      publicBaseUrl,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      documentMaxBytes: env.DOCUMENT_MAX_BYTES,
      documents: {
        quotaCount: env.DOCUMENT_QUOTA_COUNT,
        quotaBytes: env.DOCUMENT_QUOTA_BYTES,
        purgeAfterDays: env.DOCUMENT_PURGE_DAYS,
      },
      publicRateLimitPerMinute: env.PUBLIC_RATE_LIMIT_PER_MINUTE,
    },
    database: { url: databaseUrl, embedded: pgEmbedded },
    temporal: {
      address: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}`,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      uiUrl: env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`,
      embedded: env.TEMPORAL_ADDRESS
        ? null
        : { port: env.TEMPORAL_PORT, uiPort: env.TEMPORAL_UI_PORT, cli: env.TEMPORAL_CLI },
    },
    mail: {
      from: env.MAIL_FROM,
      claimLeaseSeconds: env.OUTBOX_CLAIM_SECONDS,
      smtpUrl: env.SMTP_URL ?? `smtp://127.0.0.1:${env.SMTP_PORT}`,
      embedded: env.SMTP_URL ? null : { smtpPort: env.SMTP_PORT, webPort: env.MAILDEV_WEB_PORT },
      inboxUrl: env.SMTP_URL ? undefined : `http://127.0.0.1:${env.MAILDEV_WEB_PORT}`,
    },
    auth: {
      mode: authMode,
      secret: jwtSecret,
      publicKey: env.JWT_PUBLIC_KEY,
      jwksUrl: env.JWT_JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      maxAgeSeconds: env.JWT_MAX_AGE_SECONDS,
      clockToleranceSeconds: env.JWT_CLOCK_TOLERANCE_SECONDS,
      jwksCooldownSeconds: env.JWT_JWKS_COOLDOWN_SECONDS,
    },
    linkSecret: linkSecret!,
    dataKey: dataKey!,
    payloadKeys: parsePayloadKeys(payloadKeys!),
    notices: { schedule: env.NOTICE_SCHEDULE === 'on' },
    recovery: {
      schedule: env.RECOVERY_SCHEDULE === 'on',
      fullMonths: env.RECOVERY_FULL_MONTHS,
      deadlineWorkingDays: env.RECOVERY_DEADLINE_WORKING_DAYS,
      escalationWorkingDays: env.RECOVERY_ESCALATION_WORKING_DAYS,
    },
    services: {
      registryUrl: env.REGISTRY_URL ?? `${simulatorUrl}/registry`,
      insurerUrl: env.INSURER_URL ?? `${simulatorUrl}/insurer`,
      paymentUrl: env.PAYMENT_SERVICE_URL ?? `${simulatorUrl}/payment`,
      paymentCallbackSecret: callbackSecret!,
      simulator: simulatorEmbedded ? { port: env.SIMULATOR_PORT } : null,
      lookupAttempts: env.LOOKUP_ATTEMPTS,
      timeoutMs: env.SERVICE_TIMEOUT_MS,
      paymentPollSeconds: env.PAYMENT_POLL_SECONDS,
    },
    timeAcceleration: env.TIME_ACCELERATION,
    creditCodeAllowList: env.CREDIT_CODE_ALLOWLIST,
    report: {
      chromium: env.CHROMIUM_PATH,
      searchPath: rawEnv.PATH ?? '',
      concurrency: env.REPORT_PDF_CONCURRENCY,
      maxWaiting: env.REPORT_PDF_QUEUE,
    },
    tracing: { endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME },
  };
}
