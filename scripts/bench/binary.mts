/**
 * npm run bench, binary part (issue 13): the same predictions as an .npy pair (float32 logits +
 * int64 labels), as safetensors, as Parquet (snappy, as pyarrow lays it out: one OPTIONAL column
 * per class, row groups of pyarrow's default 1 Mi rows, and of 250k rows), as Feather (64K-row
 * batches, as pyarrow's write_feather) and as CSV, through the CLI end to end; and the two floors that
 * say where the time goes: reading and decoding the .npy arrays with no loss (what the format
 * costs), and the loss math alone on arrays already in memory (what the numbers cost), one thread.
 * Figures, not assertions. Run with `node --import tsx scripts/bench/binary.mts` (bench.mjs does).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordBatchFileWriter, Table, makeVector } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
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

/** The predictions: labels, and K float32 logits a row (row-major). */
function predictions(): { y: Float64Array; z: Float32Array } {
  const next = rng(13);
  const z = new Float32Array(ROWS * K);
  const y = new Float64Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    const label = Math.floor(next() * K);
    y[i] = label;
    // Logits that favour the true class more often than not, as a trained model's do.
    for (let k = 0; k < K; k++) z[i * K + k] = (next() - 0.5) * 6 + (k === label ? 2.5 : 0);
  }
  return { y, z };
}

const write = (path: string, ...parts: Uint8Array[]) => {
  const fd = openSync(path, 'w');
  for (const p of parts) writeSync(fd, p);
  closeSync(fd);
};

/** Writes the inputs once (cached): logits.npy, labels.npy, the same as safetensors and CSV. */
function generate(): { npy: string; labels: string; safetensors: string; csv: string } {
  const files = { npy: join(dir, 'logits.npy'), labels: join(dir, 'labels.npy'), safetensors: join(dir, 'predictions.safetensors'), csv: join(dir, 'predictions.csv') };
  if (Object.values(files).every(existsSync)) return files;
  mkdirSync(dir, { recursive: true });
  const { y, z } = predictions();
  const labels64 = new BigInt64Array(ROWS);
  for (let i = 0; i < ROWS; i++) labels64[i] = BigInt(y[i]!);
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

/** Rows a row group of pyarrow's write_table holds by default (pandas to_parquet too); and those of the file of smaller groups. */
const PYARROW_GROUP = 1 << 20;
const SMALL_GROUP = 250_000;

/**
 * The same predictions as Parquet and Feather, written once (cached), by real writers from npm
 * rather than Python: pyarrow is not packaged by Debian, so neither CI nor a fresh machine has it.
 * Parquet by hyparquet-writer (pure JS, hyparquet's companion; DuckDB's writer would bring a
 * 60 MB native binary): pyarrow's layout, a label column and one column per class, all OPTIONAL,
 * snappy, pages of 20,000 float32 values, row groups of 1 Mi rows (2M rows: two groups, the
 * largest a reader meets from pandas). Feather by apache-arrow, in record batches of 64K rows
 * like write_feather's, but uncompressed: apache-arrow 21.2.0 writes an LZ4 buffer's compressed
 * length where the format wants the uncompressed one (pyarrow refuses its LZ4 files too).
 */
function generateColumnar(): { parquet: string; parquetSmall: string; feather: string } {
  const files = { parquet: join(dir, 'predictions.parquet'), parquetSmall: join(dir, `predictions_rg${SMALL_GROUP}.parquet`), feather: join(dir, 'predictions.feather') };
  if (Object.values(files).every(existsSync)) return files;
  mkdirSync(dir, { recursive: true });
  const { y, z } = predictions();
  const label = BigInt64Array.from(y, (v) => BigInt(v));
  const logits = Array.from({ length: K }, (_, k) => Float32Array.from({ length: ROWS }, (_, i) => z[i * K + k]!));
  const names = Array.from({ length: K }, (_, k) => `logit_${k}`);
  for (const [path, rowGroupSize] of [[files.parquet, PYARROW_GROUP], [files.parquetSmall, SMALL_GROUP]] as const) {
    const buffer = parquetWriteBuffer({
      codec: 'SNAPPY',
      pageSize: 20_000 * 4,
      rowGroupSize,
      columnData: [
        { name: 'label', data: label, type: 'INT64', nullable: true },
        ...logits.map((data, k) => ({ name: names[k]!, data, type: 'FLOAT' as const, nullable: true })),
      ],
    });
    write(path, new Uint8Array(buffer));
  }
  const writer = new RecordBatchFileWriter();
  for (let start = 0; start < ROWS; start += 65_536) {
    const end = Math.min(ROWS, start + 65_536);
    const columns: Record<string, ReturnType<typeof makeVector>> = { label: makeVector(label.subarray(start, end)) };
    names.forEach((name, k) => (columns[name] = makeVector(logits[k]!.subarray(start, end))));
    for (const batch of new Table(columns).batches) writer.write(batch);
  }
  writer.finish();
  write(files.feather, writer.toUint8Array(true));
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
const files = { ...generate(), ...generateColumnar() };
const mbOf = (path: string) => statSync(path).size / 1e6;
const npyMB = mbOf(files.npy) + mbOf(files.labels);
const csvMB = mbOf(files.csv);
type Timed = ReturnType<typeof timed>;
const results = { npy: [] as Timed[], safetensors: [] as Timed[], csv: [] as Timed[], parquet: [] as Timed[], parquetSmall: [] as Timed[], feather: [] as Timed[] };
for (let i = 0; i < runs; i++) {
  // In turn, so a drift in the machine's speed weighs on every format alike.
  results.npy.push(timed([files.npy]));
  results.safetensors.push(timed([files.safetensors]));
  results.csv.push(timed([files.csv]));
  results.parquet.push(timed([files.parquet]));
  results.parquetSmall.push(timed([files.parquetSmall]));
  results.feather.push(timed([files.feather]));
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
// What one row group of pyarrow's default size holds once decoded (float32 logits, the int64 label as float64).
const groupMB = (Math.min(ROWS, PYARROW_GROUP) * (K * 4 + 8)) / 1e6;
console.log('targets: .npy / safetensors >= 1000 MB/s with every breakdown, peak RSS <= 100 MB; the same mean from every format;');
console.log(`Parquet at least as fast as the same data as CSV, its peak RSS over the CSV's at most one row group decoded (${groupMB.toFixed(0)} MB).`);
const groups = (n: number) => Math.ceil(ROWS / n);
console.table([
  row('.npy pair', results.npy, npyMB),
  row('safetensors', results.safetensors, npyMB),
  row('CSV (same values)', results.csv, csvMB),
  row(`Parquet snappy, ${groups(PYARROW_GROUP)} row groups`, results.parquet, mbOf(files.parquet)),
  row(`Parquet snappy, ${groups(SMALL_GROUP)} row groups`, results.parquetSmall, mbOf(files.parquetSmall)),
  row('Feather (uncompressed)', results.feather, mbOf(files.feather)),
]);
const means = Object.values(results).map((r) => r[0]!.mean);
const same = means.every((m) => m === means[0]);
console.log(`same mean from .npy, safetensors, CSV, Parquet and Feather: ${same ? 'yes, bit for bit' : `NO (${means.join(', ')})`}`);
const csvRss = Math.max(...results.csv.map((r) => r.peakMB));
const csvSeconds = median(results.csv.map((r) => r.seconds));
for (const [name, rs] of [['Parquet (pyarrow row groups)', results.parquet], ['Parquet (smaller row groups)', results.parquetSmall]] as const) {
  const over = Math.max(...rs.map((r) => r.peakMB)) - csvRss;
  const ratio = csvSeconds / median(rs.map((r) => r.seconds));
  console.log(`${name}: ${ratio.toFixed(2)}x the CSV's speed, ${over.toFixed(0)} MB of RSS over the CSV's (target: >= 1x, <= ${groupMB.toFixed(0)} MB): ${ratio >= 1 && over <= groupMB ? 'met' : 'MISSED'}`);
}
console.log(
  `floors, one thread: reading + decoding the .npy pair ${(npyMB / read).toFixed(0)} MB/s (${read.toFixed(2)} s, no loss); ` +
    `the loss math and breakdowns alone ${(ROWS / math / 1e6).toFixed(1)} M rows/s = ${(npyMB / math).toFixed(0)} MB/s of this data (${math.toFixed(2)} s).`,
);
