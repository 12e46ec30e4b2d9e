// @ts-check
// Who may import whom: the table of docs/ARCHITECTURE.md ("Layers"), checked by ESLint. Each folder lists the
// project folders it must not import; `typesOnly` ones it may import types from (`import type`), nothing more.
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

/** What the activities and the API both stand on (workflows/: their contracts only). */
const SERVES_WORKFLOWS = [
  'domain',
  'config',
  'platform',
  'data',
  'services',
  'reports',
  'temporal',
  'workflows',
];
/** Production code never imports these: they are not in the production image, or are not code that runs. */
const NOT_PRODUCTION = ['dev', 'scripts', 'bench', 'test'];
/** Every folder of the backend, lowest first; the console (web/) is a project of its own. */
const ALL = [...SERVES_WORKFLOWS, 'activities', 'api', 'worker', ...NOT_PRODUCTION];
const except = (...allowed) => ALL.filter((f) => !allowed.includes(f));
/** A relative import of one of `folders` (bare package names such as @temporalio/worker never match). */
const into = (folders) => `^(\\.\\.?/)+(.*/)?(${folders.join('|')})(/|$)`;
/** The workflow modules themselves, not their contracts (workflows/<name>/contract.ts) or search attributes. */
const WORKFLOW_CODE = '^(\\.\\.?/)+(.*/)?workflows/[^/]+/(?!contract$)[^/]+$';

/**
 * @type {Record<string, { holds: string, forbidden: string[], typesOnly?: string[], workflowCode?: 'no' | 'types' }>}
 */
export const LAYERS = {
  domain: { holds: 'pure rules, statuses, money, days, texts', forbidden: except('domain') },
  config: {
    holds: 'the configuration, read and validated once',
    forbidden: except('domain', 'config', 'platform'),
  },
  platform: {
    holds: 'process plumbing: logger, metrics, secret box, signed links, payload codec',
    forbidden: except('domain', 'platform', 'data'),
    typesOnly: ['data'],
  },
  data: {
    holds: 'the Prisma client and the queries, by feature',
    forbidden: except('domain', 'platform', 'data', 'services'),
    typesOnly: ['services'],
  },
  services: {
    holds: 'clients of outside systems (registry, insurer, payment, mail) and the mail outbox',
    forbidden: except('domain', 'platform', 'services', 'data'),
    typesOnly: ['data'],
  },
  reports: {
    holds: 'the evaluation report: HTML, charts, PDF (Chromium), fonts',
    forbidden: except('domain', 'platform', 'data', 'reports'),
  },
  temporal: {
    holds: 'the client side of the workflows: connection, runtime, starts and signals, schedules, stuck list',
    forbidden: except('domain', 'config', 'platform', 'data', 'temporal', 'workflows'),
    workflowCode: 'types',
  },
  activities: {
    holds: 'activities: createActivities(deps), all I/O of the workflows',
    forbidden: except(...SERVES_WORKFLOWS, 'activities'),
    workflowCode: 'no',
  },
  api: {
    holds: 'the HTTP API (express + zod): routes, schemas, errors',
    forbidden: except(...SERVES_WORKFLOWS, 'api'),
    workflowCode: 'no',
  },
  worker: { holds: 'the worker process', forbidden: ['api', ...NOT_PRODUCTION] },
  dev: {
    holds: 'what only npm start, the tests and the bench run: embedded servers, simulators',
    forbidden: except('domain', 'platform', 'services', 'workflows', 'dev'),
    workflowCode: 'no',
  },
};

/** The flat-config entries that enforce LAYERS (workflows/ has its own, stricter entry). */
export function layerRules() {
  return Object.entries(LAYERS).map(([folder, layer]) => {
    const typesOnly = layer.typesOnly ?? [];
    const patterns = [
      {
        regex: into(layer.forbidden.filter((f) => !typesOnly.includes(f))),
        message: `${folder}/ may not import this folder (docs/ARCHITECTURE.md, "Layers").`,
      },
    ];
    if (folder === 'domain')
      patterns.push({
        group: ['@prisma/*', '@temporalio/*', 'pg', 'nodemailer', 'express', 'pino', 'prom-client'],
        message: 'domain/ is pure: no database, Temporal, mail, HTTP or logging.',
      });
    if (typesOnly.length)
      patterns.push({
        regex: into(typesOnly),
        allowTypeImports: true,
        message: `${folder}/ may import only types from this folder (docs/ARCHITECTURE.md, "Layers").`,
      });
    if (layer.workflowCode)
      patterns.push({
        regex: WORKFLOW_CODE,
        allowTypeImports: layer.workflowCode === 'types',
        message: `${folder}/ reaches workflows through their contracts (workflows/<name>/contract.ts).`,
      });
    return {
      files: [`${folder}/**/*.ts`],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            ...(folder === 'domain'
              ? { paths: nodeBuiltins.map((name) => ({ name, message: 'domain/ is pure: no I/O.' })) }
              : {}),
            patterns,
          },
        ],
      },
    };
  });
}
