/**
 * One jest run, five projects. `unit` needs no server and starts none (`npm run test:unit`, the inner loop);
 * the others share one stack started once by their common global setup (a real PostgreSQL, the Temporal dev
 * server, the workflow bundle, the console's build, Chromium): `workflows` (time-skipping test server),
 * `integration` (the API over a socket), `e2e` (the console in Chromium), `reliability` (real processes,
 * killed and restarted). `npm test` runs them all; `--selectProjects` picks some.
 */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc, '^.+\\.mjs$': swc },
  // jose is published as ES modules only; compile it like our own code.
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
};
const withStack = {
  ...common,
  globalSetup: '<rootDir>/test/helpers/globalSetup.ts',
  globalTeardown: '<rootDir>/test/helpers/globalTeardown.ts',
};
const project = (name, extra = {}) => ({
  ...(name === 'unit' ? common : withStack),
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...extra,
});

/** @type {import('jest').Config} */
module.exports = {
  // A global option: Jest ignores `testTimeout` inside a project (its hooks and tests would get 5 s).
  testTimeout: 120_000,
  // Three files at once on two cores: a file spends about half its time waiting (servers, timers, the browser),
  // so two workers kept the cores half idle (a whole run: 1,131 file-seconds in 567 s, 580 CPU-seconds).
  maxWorkers: 3,
  // Slowest files first, from the durations kept in test/timings.json (a fresh clone has no jest cache).
  testSequencer: '<rootDir>/test/sequencer.js',
  workerIdleMemoryLimit: '1GB',
  projects: [
    project('unit'),
    project('workflows'),
    project('integration'),
    project('e2e'),
    project('reliability'),
  ],
};
