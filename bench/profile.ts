/**
 * `npx tsx bench/profile.ts <dir or .cpuprofile files>`: the top of V8 CPU profiles (from
 * `BENCH_CPU_PROF_DIR`, or `node --cpu-prof`) as text: the busy share, self time by package or folder of
 * ours, and the heaviest functions, for docs/performance.md.
 */
import fs from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface Profile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = path.resolve(__dirname, '..');
const IDLE = new Set(['(idle)', '(program)']);

/** Where a frame's code lives: an npm package, a folder of this project, or Node/V8 itself. */
function owner(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith(ROOT)) return `${path.relative(ROOT, url).split(path.sep)[0]}/ (ours)`;
  if (url.startsWith('node:')) return url.split('/')[0]!.replace(/^node:internal$/, 'node');
  return frame.functionName.startsWith('(') ? frame.functionName : url || '(native)';
}

function summarise(file: string, top = 12): string {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const frames = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  let total = 0;
  let idle = 0;
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const f = frames.get(id)!;
    total += us;
    if (IDLE.has(f.functionName)) {
      idle += us;
      continue;
    }
    const o = owner(f);
    byOwner.set(o, (byOwner.get(o) ?? 0) + us);
    const name = `${f.functionName || '(anonymous)'} ${o}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const busy = total - idle;
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `| ${((100 * us) / busy).toFixed(1)} % | ${k.replace(/\|/g, '\\|')} |`)
      .join('\n');
  return [
    `### ${path.basename(file)}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy`,
    '',
    '| share of busy | self time by owner |',
    '|---|---|',
    rows(byOwner),
    '',
    '| share of busy | heaviest functions (self time) |',
    '|---|---|',
    rows(byFunction),
    '',
  ].join('\n');
}

const args = process.argv.slice(2);
if (!args.length) {
  console.error('usage: npx tsx bench/profile.ts <dir or .cpuprofile files>');
  process.exit(2);
}
const files = args.flatMap((a) =>
  fs.statSync(a).isDirectory()
    ? fs
        .readdirSync(a)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(a, f))
    : [a],
);
for (const f of files) process.stdout.write(`${summarise(f)}\n`);
