// Likely label errors' cost (issue 14, item 4): the CLI on the bench's 2M x 10 logits (binary.mts
// writes them: an .npy pair and the same rows as CSV) alone and with --label-issues (five more
// passes here: thresholds, the confident joint, the margins' cutoffs in two, the flagged rows), runs
// alternating, medians of BENCH_RUNS. Peak RSS stays flat with the rows (bounded per joint cell):
// BENCH_BINARY_ROWS=200000 / 8000000 (after binary.mts wrote those) show it.
// Figures, not assertions. Run: node scripts/bench/label-issues.mjs (after a build).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const data = join(process.env.LOSS_LENS_BENCH_DIR ?? join(homedir(), '.cache', 'loss-lens', 'bench'), `binary-${process.env.BENCH_BINARY_ROWS ?? 2_000_000}`);
const scratch = mkdtempSync(join(tmpdir(), 'll-bench-issues-'));

/** One CLI run under /usr/bin/time: wall seconds, peak RSS in MB and the --json report. */
function once(args, n) {
  const rss = join(scratch, `rss-${n}`);
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rss, process.execPath, cli, ...args, '--json', '--no-progress'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`loss-lens ${args.join(' ')}: ${r.stderr}`);
  return { s: (performance.now() - t0) / 1000, mb: Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) / 1024, json: JSON.parse(r.stdout) };
}

const mid = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const cases = [['2M x 10 logits, .npy pair', 'logits.npy'], ['2M x 10 logits, CSV', 'predictions.csv']].map(([name, f]) => [name, join(data, f)]).filter(([, f]) => existsSync(f));
if (cases.length === 0) {
  console.log(`label issues bench: no data in ${data} (npm run bench writes it: scripts/bench/binary.mts)`);
  process.exit(0);
}
const load = loadavg()[0];
const table = [];
let n = 0;
for (const [name, file] of cases) {
  const alone = [];
  const issues = [];
  for (let i = 0; i < runs; i++) {
    alone.push(once([file], n++));
    issues.push(once([file, '--label-issues'], n++));
  }
  const base = mid(alone.map((r) => r.s));
  const more = mid(issues.map((r) => r.s)) - base;
  const found = issues[0].json.diagnostics.results.labelIssues;
  table.push({
    case: name,
    'report s': base.toFixed(2),
    'extra passes s': more.toFixed(2),
    'passes / report': (more / base).toFixed(2),
    flagged: found.issueCount.toLocaleString('en-US'),
    'peak RSS MB (report / with issues)': `${Math.max(...alone.map((r) => r.mb)).toFixed(0)} / ${Math.max(...issues.map((r) => r.mb)).toFixed(0)}`,
  });
}
console.log(`\nlikely label errors (--label-issues): ${runs} alternating run(s) each, median wall time; load average ${load.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`);
console.table(table);
