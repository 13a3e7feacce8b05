/** One-pass one-vs-rest counts, and merges into an empty accumulator (copied, not added). */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { createAccumulator } from '../../src/core/breakdown';
import { allOneVsRest, oneVsRest } from '../../src/core/breakdown/confusion';
import { ceEval, feed } from './breakdown-helpers';

describe('allOneVsRest', () => {
  it('gives, for every class, what oneVsRest gives', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }).chain((k) => fc.tuple(fc.constant(k), fc.array(fc.nat(50), { minLength: k * k, maxLength: k * k }))), ([k, cells]) => {
        const total = cells.reduce((a, b) => a + b, 0) + 7;
        const all = allOneVsRest(cells, k, total);
        assert.deepEqual(all, Array.from({ length: k }, (_, j) => oneVsRest(cells, j, k, total)));
      }),
    );
  });

  it('counts a 3 x 3 matrix', () => {
    // rows = true class, columns = predicted
    const m = [5, 1, 0, 2, 7, 1, 0, 3, 4];
    assert.deepEqual(allOneVsRest(m, 3, 23), [
      { tp: 5, fp: 2, fn: 1, tn: 15 },
      { tp: 7, fp: 4, fn: 3, tn: 9 },
      { tp: 4, fp: 1, fn: 3, tn: 15 },
    ]);
  });
});

describe('merge into an empty accumulator', () => {
  const config = { kind: 'ce' as const, numClasses: 3, base: 'e' as const, topK: 4 };
  const samples = [
    ceEval([0.7, 0.2, 0.1], 0),
    ceEval([0.1, 0.3, 0.6], 1),
    ceEval([0.3, 0.3, 0.4], 2, { weight: 2.5 }),
    ceEval([0.05, 0.9, 0.05], 1),
  ];

  it('holds exactly the merged state (sums with their error terms, counts, worst samples)', () => {
    const a = createAccumulator(config);
    feed(a, samples);
    const state = a.toState(true);
    const fresh = createAccumulator(config);
    fresh.merge(state);
    assert.deepEqual(fresh.toJSON(), a.toJSON());
  });

  it('adds once something was merged or added, in any order', () => {
    const a = createAccumulator(config);
    feed(a, samples.slice(0, 2));
    const b = createAccumulator(config);
    feed(b, samples.slice(2));
    const whole = createAccumulator(config);
    feed(whole, samples);
    for (const order of [[a, b], [b, a]]) {
      const m = createAccumulator(config);
      for (const x of order) m.merge(x.toState(true));
      assert.deepEqual(m.result().confusion, whole.result().confusion);
      assert.equal(m.result().count, 4);
      assert.ok(Math.abs(m.result().mean - whole.result().mean) <= 1e-15);
    }
    // An accumulator that took samples itself adds a merged state rather than copying it.
    const c = createAccumulator(config);
    feed(c, samples.slice(0, 2));
    c.merge(b.toState(true));
    assert.deepEqual(c.result().confusion, whole.result().confusion);
  });
});
