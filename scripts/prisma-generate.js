#!/usr/bin/env node
// Runs `prisma generate` on machines that cannot download Prisma's schema engine: generate does not run the
// engine, it only needs PRISMA_SCHEMA_ENGINE_BINARY to name an existing file (see ARCHITECTURE.md).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
const engineDir = path.join(root, 'node_modules', '@prisma', 'engines');
const haveEngine =
  fs.existsSync(engineDir) && fs.readdirSync(engineDir).some((f) => f.startsWith('schema-engine'));
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !haveEngine) env.PRISMA_SCHEMA_ENGINE_BINARY = __filename;

const cli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
execFileSync(process.execPath, [cli, 'generate'], {
  stdio: 'inherit',
  env,
  cwd: root,
});
