/**
 * `npm run build:workflows [out]`: bundles the workflow code once, ahead of time (the image does this), so
 * that a worker started with WORKFLOW_BUNDLE_PATH begins polling in seconds rather than bundling first.
 * Default output: dist/workflow-bundle.js.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { WORKFLOW_INTERCEPTOR_MODULES, WORKFLOWS_PATH } from '../worker/worker';

async function main() {
  const out = path.resolve(process.argv[2] ?? path.join('dist', 'workflow-bundle.js'));
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
  });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, code);
  console.log(`workflow bundle written to ${path.relative(process.cwd(), out)} (${code.length} bytes)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
