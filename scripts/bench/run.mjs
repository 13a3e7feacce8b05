// A run (loss-lens run, issue 15 item 1): 20 files of 100k rows x 10 classes (one per epoch, the
// same samples, labels fixed, predictions drifting) written to a temp dir, read as a run and read
// once as one data set (loss-lens DIR: shards). Prints the medians of BENCH_RUNS alternating runs,
// CPU time and peak RSS, with a 10-file run beside it to show what the number of files costs in memory.
// Figures, not assertions. Standalone (node scripts/bench/run.mjs) or from bench.mjs.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from '../lib/rng.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli.js');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const ROWS = 100_000;
const K = 10;
const FILES = 20;

function gaussian(rand) {
  return Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
}

/** Epoch `e` of the run: sample i's label is fixed, its true class's logit grows with e plus noise. */
async function writeEpoch(path, e, labels, difficulty) {
  const rand = rng(1000 + e);
  const out = createWriteStream(path, { highWaterMark: 1 << 22 });
  out.write(['label', ...Array.from({ length: K }, (_, c) => `p_${c}`)].join(',') + '\n');
  const z = new Array(K);
  let text = '';
  for (let i = 0; i < ROWS; i++) {
    const y = labels[i];
    let max = -Infinity;
    for (let c = 0; c < K; c++) {
      z[c] = gaussian(rand) + (c === y ? 0.25 * e - difficulty[i] : 0);
      if (z[c] > max) max = z[c];
    }
    let sum = 0;
    for (let c = 0; c < K; c++) {
      z[c] = Math.exp(z[c] - max);
      sum += z[c];
    }
    text += y;
    for (let c = 0; c < K; c++) text += ',' + (z[c] / sum).toFixed(8);
    text += '\n';
    if (text.length > 1 << 20) {
      if (!out.write(text)) await new Promise((r) => out.once('drain', r));
      text = '';
    }
  }
  await new Promise((resolve, reject) => out.end(text, (err) => (err ? reject(err) : resolve())));
}

/** The first `files` epochs of the bench's run, written in `dir` (also timed in the editor: test/e2e/run.e2e.test.ts). */
export async function writeRun(dir, files) {
  const rand = rng(99);
  const labels = Int32Array.from({ length: ROWS }, () => Math.floor(rand() * K));
  const difficulty = Float64Array.from({ length: ROWS }, () => rand() * 4);
  for (let e = 1; e <= files; e++) await writeEpoch(join(dir, `epoch_${e}.csv`), e, labels, difficulty);
}

function timed(args) {
  const rssFile = join(mkdtempSync(join(tmpdir(), 'll-bench-')), 'rss');
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const start = process.hrtime.bigint();
  const res = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, process.execPath, cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (res.status !== 0) throw new Error(`loss-lens ${args.join(' ')} failed:\n${res.stderr}`);
  const [rss, user, sys] = readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { stdout: res.stdout, seconds, cpu: user + sys, peakMB: rss / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchRun() {
  const dir = mkdtempSync(join(tmpdir(), 'll-run-bench-'));
  const half = join(dir, 'first10');
  const all = join(dir, 'all');
  mkdirSync(half);
  mkdirSync(all);
  try {
    console.error(`writing a run of ${FILES} files of ${ROWS.toLocaleString('en-US')} rows x ${K} classes in ${dir}...`);
    await writeRun(all, FILES);
    await writeRun(half, FILES / 2);
    const cases = { once: [], run: [], once10: [], run10: [] };
    for (let i = 0; i < runs; i++) {
      cases.once.push(timed([all, '--json', '--no-progress']));
      cases.run.push(timed(['run', all, '--json']));
      cases.once10.push(timed([half, '--json', '--no-progress']));
      cases.run10.push(timed(['run', half, '--json']));
    }
    const storeMB = (files) => (ROWS * files * 13 + ROWS * 4) / 1e6;
    const row = (name, files, once, run) => ({
      case: name,
      'read once s': median(once.map((o) => o.seconds)).toFixed(2),
      'run s': median(run.map((o) => o.seconds)).toFixed(2),
      'run / once': median(run.map((r, i) => r.seconds / once[i].seconds)).toFixed(2) + 'x',
      // CPU time (user + system) moves less than wall time when other jobs share the cores.
      'CPU s once / run': `${median(once.map((o) => o.cpu)).toFixed(1)} / ${median(run.map((o) => o.cpu)).toFixed(1)}`,
      'once RSS MB': median(once.map((o) => o.peakMB)).toFixed(0),
      'run RSS MB': median(run.map((o) => o.peakMB)).toFixed(0),
      'store MB': storeMB(files).toFixed(1),
      'run RSS - store MB': (median(run.map((o) => o.peakMB)) - storeMB(files)).toFixed(0),
    });
    console.log(`\nA run vs the same files read once (medians of ${runs}; load ${loadavg()[0].toFixed(1)}; target: run < 2x once, RSS less the store flat in the number of files)`);
    console.table([row(`${FILES} files`, FILES, cases.once, cases.run), row(`${FILES / 2} files`, FILES / 2, cases.once10, cases.run10)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchRun();
