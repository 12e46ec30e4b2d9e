/** Finds or installs the Temporal CLI and the time-skipping test server; prints their paths. */
import { findTemporalCli, findTemporalTestServer } from '../dev/embedded/temporalCli';

console.log(`temporal CLI: ${findTemporalCli()}`);
console.log(`temporal test server: ${findTemporalTestServer()}`);
