/**
 * The order jest runs the test files in: the slowest first, so that no long file starts last and keeps one
 * worker busy while the other idles. Jest's own order uses its cache of last durations, which a fresh clone
 * (CI) does not have; this one uses the durations measured in a whole run and kept in test/timings.json,
 * then jest's cache, then file size. A file that failed last time still goes first.
 *
 * `node test/sequencer.js update test-artifacts/jest.json` rewrites test/timings.json from the JSON report
 * of a whole run (`npm test -- --json --outputFile=...`, as .ci/run writes it).
 */
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const ROOT = path.resolve(__dirname, '..');
const TIMINGS = path.join(__dirname, 'timings.json');
/** A test file as `test/…`, wherever the checkout (or a clone whose report is read) lies. */
const relative = (file) => {
  const posix = path.resolve(file).split(path.sep).join('/');
  const at = posix.lastIndexOf('/test/');
  return at >= 0 ? posix.slice(at + 1) : path.relative(ROOT, file).split(path.sep).join('/');
};

function readTimings() {
  try {
    return JSON.parse(fs.readFileSync(TIMINGS, 'utf8')).seconds;
  } catch {
    return {};
  }
}

class SlowestFirst extends Sequencer {
  constructor(options) {
    super(options);
    this.known = readTimings();
  }

  sort(tests) {
    const size = (t) => t.context.hasteFS.getSize(t.path) ?? 0;
    const duration = (t) => {
      const seconds = this.known[relative(t.path)];
      return seconds !== undefined ? seconds * 1000 : this.time(t);
    };
    const keyed = tests.map((t) => ({ t, failed: this.hasFailed(t), ms: duration(t) }));
    keyed.sort((a, b) => {
      if (a.failed !== b.failed) return a.failed ? -1 : 1;
      if ((a.ms === undefined) !== (b.ms === undefined)) return a.ms === undefined ? 1 : -1;
      if (a.ms !== undefined && b.ms !== undefined && a.ms !== b.ms) return b.ms - a.ms;
      return size(b.t) - size(a.t);
    });
    return keyed.map((k) => {
      if (k.ms !== undefined) k.t.duration = k.ms;
      return k.t;
    });
  }
}

function update(report) {
  const results = JSON.parse(fs.readFileSync(report, 'utf8')).testResults;
  const seconds = Object.fromEntries(
    results
      .map((r) => [relative(r.name), Math.round((r.endTime - r.startTime) / 100) / 10])
      .sort((a, b) => b[1] - a[1]),
  );
  const note = 'Seconds per test file in a whole run (test/sequencer.js: slowest first).';
  fs.writeFileSync(TIMINGS, `${JSON.stringify({ note, seconds }, null, 2)}\n`);
  console.log(`${Object.keys(seconds).length} files written to ${relative(TIMINGS)}`);
}

if (require.main === module) {
  const [command, report] = process.argv.slice(2);
  if (command !== 'update' || !report) {
    console.error('usage: node test/sequencer.js update <jest JSON report>');
    process.exit(2);
  }
  update(report);
}

module.exports = SlowestFirst;
