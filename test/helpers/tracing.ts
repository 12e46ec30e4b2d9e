import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import fs from 'node:fs';
import path from 'node:path';

/** A package's version, from the package.json beside its entry point (some do not export that file). */
function versionOf(name: string): string {
  const dir = `${require.resolve(name).split(`${path.sep}node_modules${path.sep}${name}${path.sep}`)[0]}`;
  const file = path.join(dir, 'node_modules', name, 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * Jest loads modules through a registry of its own, which the instrumentations' require hooks never see (they
 * hook the `module` that jest hands them, not Node's). A test that traces applies the instrumentations here
 * to the modules of its registry, before the code under test uses them. Node's core modules (http) are
 * Node's own, shared by the jest worker's files: the instrumentation's disable() (stopTracing) unpatches them.
 */
export function instrumentJestRegistry(instrumentations: InstrumentationBase[]): void {
  for (const instrumentation of instrumentations) {
    for (const definition of instrumentation.getModuleDefinitions()) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exports = require(definition.name) as unknown;
      const core = definition.name === 'http' || definition.name === 'https';
      const version = core ? process.versions.node : versionOf(definition.name);
      // Kept on the definition as the hook keeps them: disable() unpatches what it finds there.
      definition.moduleExports = exports;
      definition.moduleVersion = version;
      definition.patch?.(exports, version);
    }
  }
}
