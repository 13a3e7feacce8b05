/**
 * npm run bench, binary part (issue 13): the same predictions as an .npy pair (float32 logits +
 * int64 labels), as safetensors and as CSV, through the CLI end to end; and the two floors that
 * say where the time goes: reading and decoding the .npy arrays with no loss (what the format
 * costs), and the loss math alone on arrays already in memory (what the numbers cost), one thread.
 * Figures, not assertions. Run with `node --import tsx scripts/bench/binary.mts` (bench.mjs does).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvalBatch, RowBatch } from '../../src/core/batch';
import { createAccumulator } from '../../src/core/breakdown';
import { openColumnar } from '../../src/core/columnar/open';
import { createEvaluator } from '../../src/core/losses';
import { fileSource } from '../../src/node/file-source';
import { rng } from '../lib/rng.mjs';

const ROWS = Number(process.env.BENCH_BINARY_ROWS ?? 2_000_000);
const K = 10;
const runs = Number(process.env.BENCH_RUNS ?? 3);
const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const dir = join(process.env.LOSS_LENS_BENCH_DIR ?? join(homedir(), '.cache', 'loss-lens', 'bench'), `binary-${ROWS}`);

/** An .npy header for `descr` and `shape`, padded so the data starts at a multiple of 64. */
function npyHeader(descr: string, shape: number[]): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, dict.length, true);
  out.set(new TextEncoder().encode(dict), 10);
  return out;
}

/** Writes the inputs once (cached): logits.npy, labels.npy, the same as safetensors and CSV. */
function generate(): { npy: string; labels: string; safetensors: string; csv: string } {
  const files = { npy: join(dir, 'logits.npy'), labels: join(dir, 'labels.npy'), safetensors: join(dir, 'predictions.safetensors'), csv: join(dir, 'predictions.csv') };
  if (Object.values(files).every(existsSync)) return files;
  mkdirSync(dir, { recursive: true });
  const next = rng(13);
  const z = new Float32Array(ROWS * K);
  const y = new Float64Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    const label = Math.floor(next() * K);
    y[i] = label;
    // Logits that favour the true class more often than not, as a trained model's do.
    for (let k = 0; k < K; k++) z[i * K + k] = (next() - 0.5) * 6 + (k === label ? 2.5 : 0);
  }
  const labels64 = new BigInt64Array(ROWS);
  for (let i = 0; i < ROWS; i++) labels64[i] = BigInt(y[i]!);
  const write = (path: string, ...parts: Uint8Array[]) => {
    const fd = openSync(path, 'w');
    for (const p of parts) writeSync(fd, p);
    closeSync(fd);
  };
  const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  write(files.npy, npyHeader('<f4', [ROWS, K]), bytes(z));
  write(files.labels, npyHeader('<i8', [ROWS]), bytes(labels64));
  const header = JSON.stringify({
    labels: { dtype: 'I64', shape: [ROWS], data_offsets: [0, ROWS * 8] },
    logits: { dtype: 'F32', shape: [ROWS, K], data_offsets: [ROWS * 8, ROWS * 8 + ROWS * K * 4] },
  });
  const len = new Uint8Array(8);
  new DataView(len.buffer).setUint32(0, header.length, true);
  write(files.safetensors, len, new TextEncoder().encode(header), bytes(labels64), bytes(z));
  // The float32 values written so they read back to the same float32 (9 significant digits).
  const fd = openSync(files.csv, 'w');
  let text = ['label', ...Array.from({ length: K }, (_, k) => `logit_${k}`)].join(',') + '\n';
  for (let i = 0; i < ROWS; i++) {
    text += String(y[i]);
    for (let k = 0; k < K; k++) text += ',' + String(z[i * K + k]);
    text += '\n';
    if (text.length > 1 << 20) {
      writeSync(fd, text);
      text = '';
    }
  }
  writeSync(fd, text);
  closeSync(fd);
  return files;
}

function timed(args: string[]): { seconds: number; peakMB: number; mean: number } {
  const rss = join(mkdtempSync(join(tmpdir(), 'll-bench-')), 'rss');
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rss, process.execPath, cli, ...args, '--json', '--no-progress'], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`loss-lens ${args.join(' ')}: ${r.stderr}`);
  return { seconds, peakMB: Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) / 1024, mean: (JSON.parse(r.stdout) as { mean: number }).mean };
}

/** Reads and decodes the pair's columns block by block, no loss: what the format costs. */
async function readFloor(npy: string, labels: string): Promise<number> {
  const start = performance.now();
  const file = await openColumnar(await fileSource(npy), 'npy', [{ source: await fileSource(labels), format: 'npy' }]);
  let sum = 0;
  for await (const b of file.blocks(file.columns.map((c) => c.name))) sum += b.size;
  if (sum !== ROWS) throw new Error(`read ${sum} rows`);
  return (performance.now() - start) / 1000;
}

/** The evaluator and the accumulator alone, on rows already in memory, one thread: what the numbers cost. */
function mathFloor(): number {
  const evaluator = createEvaluator({ kind: 'ce', input: 'logits', preset: 'classic', labelSmoothing: 0, reduction: 'mean', base: 'e' }, K);
  const acc = createAccumulator({ kind: 'ce', numClasses: K, classNames: undefined, base: 'e', calibrationBins: 15, topK: 10 });
  const rows = new RowBatch(K);
  const evals = new EvalBatch(rows.capacity);
  const next = rng(5);
  const z = Float64Array.from({ length: rows.capacity * K }, () => (next() - 0.5) * 6);
  const start = performance.now();
  for (let done = 0; done < ROWS; done += rows.capacity) {
    rows.size = Math.min(rows.capacity, ROWS - done);
    rows.preds.set(z.subarray(0, rows.size * K));
    for (let i = 0; i < rows.size; i++) {
      rows.labels[i] = (done + i) % K;
      rows.rows[i] = done + i;
      rows.lines[i] = done + i + 1;
    }
    evaluator.evaluateBatch(rows, evals);
    acc.addBatch(evals);
  }
  return (performance.now() - start) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.error(`generating binary inputs in ${dir} (cached after the first run)...`);
const files = generate();
const npyMB = (statSync(files.npy).size + statSync(files.labels).size) / 1e6;
const csvMB = statSync(files.csv).size / 1e6;
const results = { npy: [] as ReturnType<typeof timed>[], safetensors: [] as ReturnType<typeof timed>[], csv: [] as ReturnType<typeof timed>[] };
for (let i = 0; i < runs; i++) {
  results.npy.push(timed([files.npy]));
  results.safetensors.push(timed([files.safetensors]));
  results.csv.push(timed([files.csv]));
}
const reads: number[] = [];
for (let i = 0; i < runs; i++) reads.push(await readFloor(files.npy, files.labels));
const read = median(reads);
const math = median(Array.from({ length: runs }, mathFloor));
const row = (name: string, rs: ReturnType<typeof timed>[], mb: number) => {
  const s = median(rs.map((r) => r.seconds));
  return { case: name, MB: mb.toFixed(0), 's': s.toFixed(2), 'MB/s': (mb / s).toFixed(0), 'M rows/s': (ROWS / s / 1e6).toFixed(1), 'peak RSS MB': Math.max(...rs.map((r) => r.peakMB)).toFixed(0), mean: rs[0]!.mean };
};
console.log(`\nbinary formats: ${ROWS.toLocaleString('en-US')} rows x ${K} float32 logits + int64 labels, ${runs} run(s) each, median; CLI end to end, ${availableParallelism()} cores, load ${(loadavg()[0] ?? 0).toFixed(1)}.`);
console.log('targets: .npy / safetensors >= 1000 MB/s with every breakdown, peak RSS <= 100 MB; the same mean from every format.');
console.table([row('.npy pair', results.npy, npyMB), row('safetensors', results.safetensors, npyMB), row('CSV (same values)', results.csv, csvMB)]);
const same = results.npy[0]!.mean === results.safetensors[0]!.mean && results.npy[0]!.mean === results.csv[0]!.mean;
console.log(`same mean from .npy, safetensors and CSV: ${same ? 'yes, bit for bit' : 'NO'}`);
console.log(
  `floors, one thread: reading + decoding the .npy pair ${(npyMB / read).toFixed(0)} MB/s (${read.toFixed(2)} s, no loss); ` +
    `the loss math and breakdowns alone ${(ROWS / math / 1e6).toFixed(1)} M rows/s = ${(npyMB / math).toFixed(0)} MB/s of this data (${math.toFixed(2)} s).`,
);
