/**
 * Class-wise bins (breakdown/classwise.ts): the branch-free path for few classes (every p_k binned,
 * bin 0's cells set back to 0) leaves the state of the branching path bit for bit, on values at and
 * one ulp around every edge, at whole multiples of 1/B, at 0, 1, NaN, subnormals and outside [0, 1].
 */
import assert from 'node:assert/strict';
import { ClasswiseBins } from '../../src/core/breakdown/classwise';
import { calibrationEdges } from '../../src/core/breakdown/calibration';
import { rng } from '../../scripts/lib/rng.mjs';

type Paths = {
  addFewClasses: ClasswiseBins['addCategoricalBatch'];
  addManyClasses: ClasswiseBins['addCategoricalBatch'];
};

function nextUp(x: number, steps: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigInt64(0, view.getBigInt64(0) + BigInt(steps));
  return view.getFloat64(0);
}

/** Values where a bin's guess and its settling against the edges matter. */
function awkwardValues(bins: number): number[] {
  const out = [0, -0, 1, Number.NaN, Number.MIN_VALUE, 1e-300, -0.25, 1.5, Number.POSITIVE_INFINITY, nextUp(1, -1)];
  const edges = calibrationEdges(bins);
  for (let m = 0; m <= bins; m++) {
    for (const x of [edges[m]!, m / bins, (m * 1) / bins, m * (1 / bins)]) {
      for (let s = -3; s <= 3; s++) if (x > 0) out.push(nextUp(x, s));
    }
  }
  return out;
}

function run(classes: number, bins: number, rows: Float64Array, labels: Int32Array, path: keyof Paths): { bins: ClasswiseBins; brier: Float64Array } {
  const c = new ClasswiseBins(classes, calibrationEdges(bins));
  const brier = new Float64Array(2);
  const n = labels.length;
  const classified = new Uint8Array(n).fill(1);
  // Every seventh row without a class, as the accumulator passes them.
  for (let i = 6; i < n; i += 7) classified[i] = 0;
  // In batches of 64 rows, as the accumulator's (bin 0 is cleared after each).
  for (let at = 0; at < n; at += 64) {
    const size = Math.min(64, n - at);
    (c as unknown as Paths)[path].call(c, rows.subarray(at * classes), labels.subarray(at), classified.subarray(at), size, brier, 0);
  }
  return { bins: c, brier };
}

function assertSameBits(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

describe('class-wise bins: the branch-free path for few classes', () => {
  for (const [classes, bins] of [[10, 15], [3, 10], [15, 15], [2, 1], [7, 4]] as const) {
    it(`${classes} classes, ${bins} bins: the same state bit for bit as the branching path`, () => {
      const values = awkwardValues(bins);
      const next = rng(classes * 100 + bins);
      const n = 4000;
      const rows = new Float64Array(n * classes);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        labels[i] = Math.floor(next() * classes);
        // Half the rows softmax-like, half drawn from the awkward values.
        let s = 0;
        for (let j = 0; j < classes; j++) {
          const v = i % 2 === 0 ? Math.exp((next() - 0.5) * 8) : values[Math.floor(next() * values.length)]!;
          rows[i * classes + j] = v;
          s += v;
        }
        if (i % 2 === 0) for (let j = 0; j < classes; j++) rows[i * classes + j]! /= s;
      }
      const few = run(classes, bins, rows, labels, 'addFewClasses');
      const many = run(classes, bins, rows, labels, 'addManyClasses');
      assertSameBits(few.bins.counts, many.bins.counts, 'counts');
      assertSameBits(few.bins.sums, many.bins.sums, 'sums');
      assertSameBits(few.bins.totals, many.bins.totals, 'totals');
      assertSameBits(few.brier, many.brier, 'brier');
      // Bins above 0 were filled: the comparison is not of two empty states.
      let above = 0;
      for (let j = 0; j < classes; j++) for (let m = 1; m < bins; m++) above += few.bins.counts[j * bins + m]!;
      assert.ok(bins === 1 || above > n / 2, `${above} values binned above bin 0`);
    });
  }
});
