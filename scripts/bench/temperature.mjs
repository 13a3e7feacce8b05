// The temperature fit's cost (issue 14, item 1): the CLI on the bench's 2M x 10 logits (the
// .npy pair and the same rows as CSV, written by binary.mts) with and without --temperature, runs
// alternating, medians of BENCH_RUNS. The difference is the fit's passes over the file; the fit
// itself (method, passes, iterations) is read from --json. Figures, not assertions.
// Standalone (node scripts/bench/temperature.mjs) or from bench.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli.js');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const dir = join(process.env.LOSS_LENS_BENCH_DIR ?? join(homedir(), '.cache', 'loss-lens', 'bench'), `binary-${process.env.BENCH_BINARY_ROWS ?? 2_000_000}`);

function timed(args) {
  const rssFile = join(mkdtempSync(join(tmpdir(), 'll-bench-')), 'rss');
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const start = process.hrtime.bigint();
  const res = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, process.execPath, cli, ...args, '--json', '--no-progress'], { encoding: 'utf8', maxBuffer: 1 << 28, env });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (res.status !== 0) throw new Error(`loss-lens ${args.join(' ')} failed:\n${res.stderr}`);
  return { seconds, peakMB: Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024, report: JSON.parse(res.stdout) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const files = [['2M x 10 logits, .npy pair', join(dir, 'logits.npy')], ['2M x 10 logits, CSV', join(dir, 'predictions.csv')]].filter(([, f]) => existsSync(f));
if (files.length === 0) {
  console.log(`temperature bench: no data in ${dir} (npm run bench writes it: scripts/bench/binary.mts)`);
  process.exit(0);
}
const loadBefore = loadavg()[0];
const rows = [];
for (const [name, file] of files) {
  const plain = [];
  const fitted = [];
  for (let i = 0; i < runs; i++) {
    plain.push(timed([file]));
    fitted.push(timed([file, '--temperature']));
  }
  const t = fitted[0].report.diagnostics.results.temperature;
  const base = median(plain.map((r) => r.seconds));
  const withFit = median(fitted.map((r) => r.seconds));
  rows.push({
    case: name,
    'report s': base.toFixed(2),
    'with --temperature s': withFit.toFixed(2),
    'fit s': (withFit - base).toFixed(2),
    'fit / report': ((withFit - base) / base).toFixed(2),
    'passes (first incl.)': t.fit.passes,
    'Newton: sample / exact': `${t.fit.sampleIterations} on ${t.fit.sampleRows.toLocaleString('en-US')} rows / ${t.fit.exactIterations}`,
    'T*': t.temperature.toPrecision(8),
    'peak RSS MB (report / fit)': `${Math.max(...plain.map((r) => r.peakMB)).toFixed(0)} / ${Math.max(...fitted.map((r) => r.peakMB)).toFixed(0)}`,
  });
}
console.log(`\ntemperature fit (--temperature): ${runs} alternating run(s) each, median wall time; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`);
console.table(rows);
