/**
 * Where one thread's time goes on the .npy pair path (issue 13): the bench's logits (the pair
 * written by native-bound/npy-pair.mjs, BENCH_BINARY_ROWS rows, default 8M) read into memory, then
 * per stage, in steady state (a warm-up pass first), ns a row: the reader's copy into a RowBatch,
 * the evaluator's batch kernel, the accumulator's addBatch, and within it the class-wise bins, the
 * fine grid and the top-label calibration on their own. CPU of this thread (process.cpuUsage).
 * Run: node --import tsx scripts/bench/stages.mts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvalBatch, RowBatch } from '../../src/core/batch';
import { createAccumulator } from '../../src/core/breakdown';
import { ClasswiseBins } from '../../src/core/breakdown/classwise';
import { calibrationAdd, calibrationEdges } from '../../src/core/breakdown/calibration';
import { gridAddBatch, GRID_BUCKETS } from '../../src/core/breakdown/confidence-grid';
import { createEvaluator } from '../../src/core/losses';

const K = 10;
const dir = execFileSync(process.execPath, [join(import.meta.dirname, 'native-bound', 'npy-pair.mjs')], { encoding: 'utf8' }).trim();
const npy = (name: string) => {
  const b = readFileSync(join(dir, name));
  return b.subarray(10 + b.readUInt16LE(8));
};
const zBytes = npy('logits.npy');
const yBytes = npy('labels.npy');
const z = new Float32Array(zBytes.buffer.slice(zBytes.byteOffset, zBytes.byteOffset + zBytes.byteLength));
const y = new BigInt64Array(yBytes.buffer.slice(yBytes.byteOffset, yBytes.byteOffset + yBytes.byteLength));
const ROWS = y.length;
const labels = Float64Array.from(y, Number);

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function pass(): Record<string, number> {
  const evaluator = createEvaluator({ kind: 'ce', input: 'logits', preset: 'classic', labelSmoothing: 0, reduction: 'mean', base: 'e' }, K);
  const acc = createAccumulator({ kind: 'ce', numClasses: K, classNames: undefined, base: 'e', calibrationBins: 15, topK: 50 });
  const edges = calibrationEdges(15);
  const cw = new ClasswiseBins(K, edges);
  const grid = new Float64Array(3 * GRID_BUCKETS);
  const calCounts = new Float64Array(15);
  const calSums = new Float64Array(60);
  const brier = new Float64Array(2);
  const rows = new RowBatch(K);
  const evals = new EvalBatch(rows.capacity);
  const classified = new Uint8Array(rows.capacity).fill(1);
  const t = { copy: 0, evaluate: 0, addBatch: 0, classwise: 0, grid: 0, calibration: 0 };
  for (let done = 0; done < ROWS; done += rows.capacity) {
    const n = Math.min(rows.capacity, ROWS - done);
    let c = cpu();
    rows.labels.set(labels.subarray(done, done + n));
    rows.preds.set(z.subarray(done * K, (done + n) * K));
    for (let i = 0; i < n; i++) {
      rows.rows[i] = done + i;
      rows.lines[i] = done + i + 1;
    }
    rows.size = n;
    let d = cpu();
    t.copy += d - c;
    evaluator.evaluateBatch(rows, evals);
    c = cpu();
    t.evaluate += c - d;
    acc.addBatch(evals);
    d = cpu();
    t.addBatch += d - c;
    cw.addCategoricalBatch(evals.probs, evals.trueClass, classified, n, brier, 0);
    c = cpu();
    t.classwise += c - d;
    gridAddBatch(grid, evals.calProb, evals.calOutcome, evals.ignored, n);
    d = cpu();
    t.grid += d - c;
    for (let i = 0; i < n; i++) calibrationAdd(calCounts, calSums, edges, evals.calProb, i, evals.calOutcome[i]!);
    c = cpu();
    t.calibration += c - d;
  }
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, (v * 1e6) / ROWS]));
}

pass();
const runs = Array.from({ length: Number(process.env.BENCH_RUNS ?? 3) }, pass);
const min = Object.fromEntries(Object.keys(runs[0]!).map((k) => [k, Math.min(...runs.map((r) => r[k]!)).toFixed(1)]));
console.log(`${ROWS.toLocaleString('en-US')} rows x ${K}, ns a row (thread CPU, min of ${runs.length}; classwise, grid, calibration: their part of addBatch timed again alone)`);
console.table([min]);
