/**
 * The calibration state (fine confidence grid, class-wise bins, Brier and loss-square sums) under
 * split reads: pieces of a file read by several readers and merged give the one-pass figures, bins'
 * counts exactly. And the grid itself: buckets rise with the value and their ranges hold it.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { analyze, analyzeShare, inferFileLayout, mergeShares } from '../../src/core/analyze';
import { createAccumulator, GRID_BUCKETS, gridBucket, gridRange, wilson, type Breakdown } from '../../src/core/breakdown';
import { bytesSource, type ByteRange } from '../../src/core/parse';
import { assertClose, ceEval, feed, CLASSIC_REQUEST } from './breakdown-helpers';

const request = CLASSIC_REQUEST;

function pieces(size: number, n: number): ByteRange[] {
  return Array.from({ length: n }, (_, i) => ({ start: Math.floor((size * i) / n), end: Math.floor((size * (i + 1)) / n) }));
}

/** What this increment added to the breakdown. */
function calibrationParts(b: Breakdown) {
  return {
    brier: b.brier,
    adaptive: b.calibration.adaptive,
    classwise: b.calibration.classwise,
    bins: b.calibration.bins,
    classes: b.classes.map((c) => ({ ece: c.ece, meanLossCi: c.meanLossCi, recallCi: c.recallCi, precisionCi: c.precisionCi })),
  };
}

describe('calibration state: split reads merged equal one pass', () => {
  for (const path of ['test/fixtures/calibration/overconfident_logits.csv', 'samples/digits.csv', 'samples/binary.csv', 'samples/multilabel.csv']) {
    it(`${path}: 7 pieces on 3 readers`, async () => {
      const src = bytesSource(path, new Uint8Array(readFileSync(path)));
      const whole = await analyze(src, request);
      const layout = await inferFileLayout(src, request);
      let next = 0;
      const ranges = pieces(readFileSync(path).length, 7);
      const shares = await Promise.all([0, 1, 2].map(() => analyzeShare(src, request, { layout, ranges, claim: () => next++ })));
      const merged = mergeShares(src.name, layout, request, shares).breakdown;
      const one = whole.breakdown;
      assert.deepEqual(merged.calibration.adaptive.bins.map((b) => b.count), one.calibration.adaptive.bins.map((b) => b.count));
      assertClose(calibrationParts(merged), calibrationParts(one), 1e-12);
    });
  }

  it('a 1000-class state stays small: class-wise bins and the grid, not a grid per class', () => {
    const acc = createAccumulator({ kind: 'ce', numClasses: 1000, base: 'e' });
    const p = Array.from({ length: 1000 }, (_, k) => (k === 3 ? 0.5 : 0.5 / 999));
    feed(acc, [ceEval(p, 3), ceEval(p, 4)]);
    const s = acc.toState(true);
    const bytes = (names: string[]) => names.reduce((n, k) => n + (s.arrays[k] as Float64Array).byteLength, 0);
    // K (3B + 2) numbers for the class-wise bins, 3 x 7,939 for the grid.
    assert.equal(bytes(['classBinCounts', 'classBinSums', 'classBinTotals']), 1000 * (3 * 15 + 2) * 8);
    assert.equal(bytes(['grid']), 3 * GRID_BUCKETS * 8);
    const r = acc.result();
    // Class 3 at p = 0.5 right once, wrong once: its ECE is |1 - 1| / 2 in bin 7 plus nothing else.
    assertClose(r.classes[3]!.ece, 0, 1e-15);
    const q = 0.5 / 999;
    const first = 0.25 + 999 * q * q;
    const second = (1 - q) ** 2 + 0.25 + 998 * q * q;
    assertClose(r.brier, (first + second) / 2, 1e-12);
  });
});

describe('confidence grid', () => {
  it('buckets rise with the value, and each bucket\'s range holds its values', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        assert.ok(gridBucket(lo) <= gridBucket(hi));
        for (const c of [a, b]) {
          const j = gridBucket(c);
          assert.ok(j >= 0 && j < GRID_BUCKETS);
          const [l, u] = gridRange(j);
          assert.ok(l <= c && c <= u, `${c} in bucket ${j} [${l}, ${u}]`);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('tells confidences near 1 apart (0.54% of 1 - c), where a linear 2^16 grid would not', () => {
    assert.notEqual(gridBucket(1 - 1e-6), gridBucket(1 - 1.02e-6));
    assert.equal(gridBucket(1 - 1e-6), gridBucket(1 - 1.001e-6));
    assert.equal(gridBucket(0), 0);
    assert.equal(gridBucket(1), GRID_BUCKETS - 1);
    assert.equal(gridBucket(1 - 2 ** -40), GRID_BUCKETS - 1);
    assert.deepEqual(gridRange(gridBucket(0.5)), [0.5, 0.5]);
  });
});

describe('Wilson interval', () => {
  it('is Wilson\'s (1927) score interval and stays in [0, 1]', () => {
    // The formula in Python: (p + z²/2n) / (1 + z²/n) ± z / (1 + z²/n) sqrt(p (1 - p) / n + z² / 4n²)
    assertClose(wilson(8, 10), [0.4901624715366418, 0.9433178485456248], 1e-12);
    assertClose(wilson(0, 5), [0, 0.43448246], 1e-7);
    assertClose(wilson(5, 5), [0.56551754, 1], 1e-7);
    assert.ok(wilson(0, 0).every(Number.isNaN));
  });
});
