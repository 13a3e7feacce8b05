import assert from 'node:assert/strict';
import { NoiseRatePruner } from '../../src/core/diagnostics/confident-learning';

/** xorshift32: fixed rows for every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/**
 * Rows of 3 classes all labelled 0, with p_0 - p_j in few distinct values (exact ties), a cluster
 * of distinct values closer than any bin, and the rest spread: the cutoffs' hard cases.
 */
function rows(n: number, seed: number): Float64Array[] {
  const next = rng(seed);
  return Array.from({ length: n }, (_, r) => {
    const u = next();
    const p1 = r % 3 === 0 ? 0.25 : r % 3 === 1 ? 0.3 + r * 1e-12 : next() * 0.5;
    const p2 = u * 0.4;
    return Float64Array.from([Math.max(0, 1 - p1 - p2), p1, p2]);
  });
}

/** The reference: per j, the `need` rows with the lowest p_0 - p_j by a stable sort; a row's suggestion is the most probable of the j that keep it. */
function reference(data: Float64Array[], need: number[]): number[] {
  const keptBy = [1, 2].map((j, a) => new Set(data.map((p, r) => [p[0]! - p[j]!, r] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]).slice(0, need[a]).map(([, r]) => r)));
  return data.map((p, r) => {
    let best = -1;
    for (const [a, j] of [1, 2].entries()) if (keptBy[a]!.has(r) && (best < 0 || p[j]! > p[best]!)) best = j;
    return best;
  });
}

function prune(data: Float64Array[], need: number[], bins?: number, heapRows?: number): { flagged: number[]; passes: number } {
  const m = new Float64Array(9);
  m[1] = need[0]!;
  m[2] = need[1]!;
  const pruner = new NoiseRatePruner(m, Float64Array.from([data.length, 0, 0]), bins, heapRows);
  let passes = 0;
  while (!pruner.settled) {
    data.forEach((p, r) => pruner.gather(p, 0, r));
    pruner.endPass();
    passes++;
  }
  return { flagged: data.map((p, r) => pruner.flaggedAs(p, 0, r)), passes };
}

describe('prune by noise rate: cutoffs from bounded histograms', () => {
  const data = rows(6000, 7);
  for (const need of [[1, 1], [1999, 2000], [2000, 2001], [2500, 4000], [4321, 17], [6000, 5999], [6000, 6000]]) {
    it(`flags exactly the rows a full sort flags (m = ${need.join(', ')}), ties to the earlier row, with tiny histograms and heaps`, () => {
      const want = reference(data, need);
      for (const [bins, heapRows] of [[2, 1], [4, 3], [16, 50], [1024, 4096]] as const) {
        const got = prune(data, need, bins, heapRows);
        assert.deepEqual(got.flagged, want, `bins ${bins}, heap ${heapRows}`);
      }
    });
  }

  it('the defaults settle 6000 rows in one pass (heaps) and a cell of 5,001 rows in 2 (a histogram, then a heap)', () => {
    assert.equal(prune(data, [4000, 10]).passes, 1);
    const spread = Array.from({ length: 20000 }, (_, r) => Float64Array.from([0.5 + ((r * 7919) % 20000) / 50000, 0.1, 0.4 - ((r * 7919) % 20000) / 50000]));
    const got = prune(spread, [5001, 1]);
    assert.equal(got.passes, 2);
    assert.deepEqual(got.flagged, reference(spread, [5001, 1]));
  });
});
