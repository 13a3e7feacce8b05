import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { calibrationBin, calibrationEdges, createAccumulator, histogramEdges, DEFAULT_HISTOGRAM } from '../../src/core/breakdown';
import { HistogramBinner } from '../../src/core/breakdown/histogram';
import { compensatedAdd, compensatedValue } from '../../src/core/breakdown/summation';
import { WorstK } from '../../src/core/breakdown/topk';
import { bceEval, ceEval, feed } from './breakdown-helpers';

describe('breakdown: loss histogram', () => {
  const binner = new HistogramBinner(DEFAULT_HISTOGRAM);

  it('has 10 log-spaced bins per decade from 1e-8 to 1e3, decades exact', () => {
    const edges = histogramEdges(DEFAULT_HISTOGRAM);
    assert.equal(edges.length, 111);
    assert.equal(edges[0], 1e-8);
    assert.equal(edges[10], 1e-7);
    assert.equal(edges[80], 1);
    assert.equal(edges[110], 1e3);
    for (let j = 1; j < edges.length; j++) {
      assert.ok(Math.abs((edges[j] as number) / (edges[j - 1] as number) - 10 ** 0.1) < 1e-12, `ratio at ${j}`);
    }
  });

  it('puts every loss in [edge_j, edge_j+1), edges themselves included, whatever log10 rounds to', () => {
    const edges = binner.edges;
    for (let j = 0; j + 1 < edges.length; j++) {
      const lo = edges[j] as number;
      assert.equal(binner.slot(lo), j + 2, `edge ${lo}`);
      // the largest double below the next edge stays in bin j
      const below = (edges[j + 1] as number) * (1 - Number.EPSILON);
      assert.equal(binner.slot(below), j + 2, `just below ${edges[j + 1]}`);
    }
  });

  it('agrees with a linear scan of the edges on random losses', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-8, max: 999.999, noNaN: true }), (loss) => {
        let j = 0;
        while ((binner.edges[j + 1] as number) <= loss) j++;
        assert.equal(binner.slot(loss), j + 2);
      }),
      { numRuns: 2000 },
    );
  });

  it('bins by sub-bucket table as a binary search of the edges does, at fine and wide settings too', () => {
    // Fine bins (several edges per sub-bucket) and a range too wide for the table take other paths.
    const settings = [DEFAULT_HISTOGRAM, { minExponent: -3, maxExponent: 2, binsPerDecade: 1000 }, { minExponent: -300, maxExponent: 300, binsPerDecade: 3 }];
    for (const s of settings) {
      const b = new HistogramBinner(s);
      const search = (x: number): number => {
        let lo = 0;
        let hi = b.bins; // invariant: edges[lo] <= x < edges[hi]
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if ((b.edges[mid] as number) <= x) lo = mid;
          else hi = mid;
        }
        return lo + 2;
      };
      const lo = b.edges[0] as number;
      const hi = b.edges[b.bins] as number;
      fc.assert(
        fc.property(fc.double({ min: lo, max: hi, noNaN: true, maxExcluded: true }), (x) => assert.equal(b.slot(x), search(x), `${x}`)),
        { numRuns: 3000 },
      );
      for (let j = 0; j < b.bins; j++) {
        const edge = b.edges[j] as number;
        assert.equal(b.slot(edge), j + 2);
        if (j > 0) assert.equal(b.slot(edge * (1 - Number.EPSILON)), j + 1);
      }
    }
  });

  it('has zero, underflow, overflow and infinite buckets', () => {
    const losses = [0, 1e-12, 5e-9, 1e-8, 0.5, 1e3, 5e4, Infinity];
    const acc = createAccumulator({ kind: 'bce', base: 'e' });
    losses.forEach((loss, i) => acc.add(bceEval(0.5, 1, { loss }), i, i + 1));
    const h = acc.result().histogram;
    assert.deepEqual([h.zero, h.underflow, h.overflow, h.infinite], [1, 2, 2, 1]);
    assert.equal(h.counts[0], 1);
    assert.equal(h.counts[76], 1, '0.5 is in [10^-0.4, 10^-0.3)');
    assert.equal(h.counts.reduce((a, b) => a + b, 0), 2);
  });

  it('accepts other fixed settings and rejects unmergeable ones', () => {
    const h = histogramEdges({ minExponent: -2, maxExponent: 1, binsPerDecade: 2 });
    assert.deepEqual(Array.from(h).map((x) => +x.toPrecision(12)), [0.01, 0.0316227766017, 0.1, 0.316227766017, 1, 3.16227766017, 10]);
    assert.throws(() => new HistogramBinner({ minExponent: 1, maxExponent: 1, binsPerDecade: 10 }), RangeError);
    assert.throws(() => new HistogramBinner({ minExponent: -8, maxExponent: 3, binsPerDecade: 0.5 }), RangeError);
  });
});

describe('breakdown: calibration bins', () => {
  it('uses numpy.linspace edges, m * (1 / B), not m / B', () => {
    // np.linspace(0, 1, 11)[3] == 0.30000000000000004, while 3 / 10 == 0.3
    const e = calibrationEdges(10);
    assert.equal(e[3], 0.30000000000000004);
    assert.equal(e[10], 1);
  });

  it('matches np.searchsorted(np.linspace(0, 1, B + 1)[1:-1], c) on edges and around them', () => {
    // /usr/bin/python3: import numpy as np; b = np.linspace(0, 1, 11)
    // np.searchsorted(b[1:-1], [0, 0.1, 0.3, 0.30000000000000004, 0.3000000000000001, 0.7, 0.99, 1])
    //   -> [0, 0, 2, 2, 3, 6, 9, 9]
    const e = calibrationEdges(10);
    const cs = [0, 0.1, 0.3, 0.30000000000000004, 0.3000000000000001, 0.7, 0.99, 1];
    assert.deepEqual(cs.map((c) => calibrationBin(c, e)), [0, 0, 2, 2, 3, 6, 9, 9]);
  });

  it('agrees with a scan of the edges on random probabilities', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (bins, c) => {
        const e = calibrationEdges(bins);
        let m = 0;
        while (m < bins - 1 && c > (e[m + 1] as number)) m++;
        assert.equal(calibrationBin(c, e), m);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('breakdown: worst-k', () => {
  it('keeps the k highest losses, worst first, equal losses by row', () => {
    const losses = [0.5, 2, 0.5, 3, 2, 0.1, 2, 0.5];
    const acc = createAccumulator({ kind: 'bce', base: 'e', topK: 4 });
    losses.forEach((loss, row) => acc.add(bceEval(0.3, 1, { loss }), row, row + 10));
    const worst = acc.result().worst;
    assert.deepEqual(worst.map((w) => [w.loss, w.row, w.line]), [
      [3, 3, 13],
      [2, 1, 11],
      [2, 4, 14],
      [2, 6, 16],
    ]);
  });

  it('keeps the same set whatever the order the samples arrive in', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 1, 1, 2, 3, 3, 3, Infinity), { maxLength: 40 }), fc.integer({ min: 0, max: 6 }), (losses, k) => {
        const rows = losses.map((loss, row) => ({ loss, row }));
        const expected = [...rows].sort((a, b) => (a.loss === b.loss ? a.row - b.row : b.loss - a.loss)).slice(0, k);
        for (const order of [rows, [...rows].reverse()]) {
          const heap = new WorstK(k);
          for (const { loss, row } of order) if (heap.admits(loss, row)) heap.place(loss, row, row + 1, 1, 0.5, 0.5, 0, 0, -1);
          assert.deepEqual(heap.sorted().map((w) => ({ loss: w.loss, row: w.row })), expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('copies what it keeps: reusing one SampleEval does not alter kept entries', () => {
    const e = ceEval([0.2, 0.8], 0);
    const acc = createAccumulator({ kind: 'ce', numClasses: 2, base: 'e', topK: 3 });
    acc.add(e, 0, 1);
    e.loss = 0.01;
    e.confidence = 0.99;
    e.probs[0] = 0.99;
    acc.add(e, 1, 2);
    const first = acc.result().worst[0];
    assert.equal(first?.row, 0);
    assert.equal(first?.confidence, 0.8);
    assert.equal(first?.trueProb, 0.2);
    assert.equal(first?.predictedClass, 1);
  });

  it('topK = 0 keeps nothing', () => {
    const r = feed(createAccumulator({ kind: 'ce', numClasses: 2, base: 'e', topK: 0 }), [ceEval([0.2, 0.8], 0)]).result();
    assert.deepEqual(r.worst, []);
  });
});

describe('breakdown: compensated summation', () => {
  it('recovers what plain summation loses: 1 + 1e-16 (x 10) - 1', () => {
    const a = new Float64Array(2);
    compensatedAdd(a, 0, 1);
    for (let i = 0; i < 10; i++) compensatedAdd(a, 0, 1e-16);
    compensatedAdd(a, 0, -1);
    assert.ok(Math.abs(compensatedValue(a, 0) - 1e-15) < 1e-30);
  });

  it('handles an addend larger than the running sum (where Kahan fails): 1 + 1e100 + 1 - 1e100 = 2', () => {
    const a = new Float64Array(2);
    for (const x of [1, 1e100, 1, -1e100]) compensatedAdd(a, 0, x);
    assert.equal(compensatedValue(a, 0), 2);
  });
});
