/**
 * Builds the console (web/ → web/dist) with Vite when its sources changed since the last build: run by
 * `npm install` (postinstall), the first `npm start` and the tests' global setup. `--force` always builds.
 */
import { ensureWebBuild } from './webBuild';

ensureWebBuild({ force: process.argv.includes('--force'), log: console.log }).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
