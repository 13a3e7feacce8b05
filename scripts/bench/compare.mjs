// node scripts/bench/compare.mjs: the time of `loss-lens compare A B` (both reads, then the
// statistics) on two 1M-row, 10-class files over the same samples, beside the reads alone, in the
// same run, medians of BENCH_RUNS (default 3). B is A's file with each row's probabilities
// sharpened or flattened at random (p^t renormalised), so the labels agree row by row. The same
// two files with an id column, B's rows shuffled, time the matching by id.
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, renameSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';
import { rng } from '../lib/rng.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = process.env.LOSS_LENS_BENCH_DIR ?? join(homedir(), '.cache', 'loss-lens', 'bench');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const cli = join(root, 'dist', 'cli.js');

const a = (await generate(cacheDir)).multiclass;
const b = join(cacheDir, 'probs_1M_x10_other.csv');
if (!existsSync(b)) {
  const rand = rng(15);
  const tmp = `${b}.tmp`;
  const out = createWriteStream(tmp);
  let first = true;
  for await (const line of createInterface({ input: createReadStream(a) })) {
    if (first || line === '') {
      out.write(line + '\n');
      first = false;
      continue;
    }
    const [label, ...ps] = line.split(',');
    const t = 0.8 + 0.5 * rand();
    const powered = ps.map((p) => Number(p) ** t);
    const sum = powered.reduce((x, y) => x + y, 0);
    if (!out.write(`${label},${powered.map((p) => (p / sum).toFixed(6)).join(',')}\n`)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  renameSync(tmp, b);
}

/** `file` with an id column (`s<row>`) in front; its rows shuffled when `seed` is given (in memory: some 100 MB). */
async function withIds(file, out, seed) {
  if (existsSync(out)) return out;
  const lines = [];
  let header;
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (header === undefined) header = line;
    else if (line !== '') lines.push(`s${lines.length},${line}`);
  }
  if (seed !== undefined) {
    const rand = rng(seed);
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [lines[i], lines[j]] = [lines[j], lines[i]];
    }
  }
  const tmp = `${out}.tmp`;
  const w = createWriteStream(tmp);
  w.write(`id,${header}\n`);
  for (const line of lines) if (!w.write(line + '\n')) await new Promise((r) => w.once('drain', r));
  await new Promise((r) => w.end(r));
  renameSync(tmp, out);
  return out;
}
const aId = await withIds(a, join(cacheDir, 'probs_1M_x10_id.csv'));
const bId = await withIds(b, join(cacheDir, 'probs_1M_x10_other_id_shuffled.csv'), 16);

const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;

function timed(args) {
  const rssFile = join(mkdtempSync(join(tmpdir(), 'll-bench-')), 'rss');
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, process.execPath, cli, ...args, '--json', '--no-progress'], { encoding: 'utf8', maxBuffer: 1 << 28, env });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`loss-lens ${args.join(' ')} failed:\n${r.stderr}`);
  return { seconds, peakMB: Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024 };
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const cases = {
  'read A alone (loss-lens A)': [a],
  'read B alone (loss-lens B)': [b],
  'compare A B (2000 resamples)': ['compare', a, b],
  'compare A B --resamples 100': ['compare', a, b, '--resamples', '100'],
  'compare by id, B shuffled': ['compare', aId, bId],
};
const results = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
// Interleaved, so that the machine's load falls on every case alike.
for (let i = 0; i < runs; i++) for (const [name, args] of Object.entries(cases)) results[name].push(timed(args));
console.log(`1,000,000 rows x 10 classes each; median of ${runs} runs`);
for (const [name, rs] of Object.entries(results)) {
  console.log(`${name.padEnd(32)} ${median(rs.map((r) => r.seconds)).toFixed(2).padStart(6)} s   peak RSS ${median(rs.map((r) => r.peakMB)).toFixed(0).padStart(5)} MB`);
}
