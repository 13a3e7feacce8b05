import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { BreakdownAccumulator, createAccumulator, type Breakdown, type BreakdownConfig } from '../../src/core/breakdown';
import type { SampleEval } from '../../src/core/types';
import { assertClose, bceEval, ceEval, feed, multilabelEval } from './breakdown-helpers';

// Probabilities from a small set make equal losses (ties in the worst-k) and edge-of-bin values common.
const prob = fc.oneof(fc.constantFrom(0, 0.1, 0.2, 0.25, 0.5, 0.8, 1), fc.double({ min: 0, max: 1, noNaN: true }));
const weight = fc.constantFrom(1, 1, 1, 0.5, 2, 3.7);

function normalise(raw: number[]): number[] {
  const s = raw.reduce((a, b) => a + b, 0);
  return s > 0 ? raw.map((v) => v / s) : raw.map(() => 1 / raw.length);
}

const ceSample = (k: number): fc.Arbitrary<SampleEval> =>
  fc
    .record({ raw: fc.array(prob, { minLength: k, maxLength: k }), t: fc.nat(k - 1), w: weight, ignored: fc.boolean() })
    .map(({ raw, t, w, ignored }) => ceEval(normalise(raw), t, { weight: w, ignored: ignored && t === 0 }));

const bceSample: fc.Arbitrary<SampleEval> = fc
  .record({ p: prob, y: fc.constantFrom(0, 1, 0.3), w: weight })
  .map(({ p, y, w }) => bceEval(p, y, { weight: w }));

const multilabelSample = (l: number): fc.Arbitrary<SampleEval> =>
  fc
    .record({ p: fc.array(prob, { minLength: l, maxLength: l }), y: fc.array(fc.constantFrom(0, 1), { minLength: l, maxLength: l }), w: weight })
    .map(({ p, y, w }) => multilabelEval(p, y, w));

interface Case {
  config: BreakdownConfig;
  sample: fc.Arbitrary<SampleEval>;
}
const CASES: Record<string, Case> = {
  ce: { config: { kind: 'ce', numClasses: 4, base: 'e', topK: 5, calibrationBins: 10 }, sample: ceSample(4) },
  bce: { config: { kind: 'bce', base: '2', topK: 3 }, sample: bceSample },
  multilabel: { config: { kind: 'multilabel', numClasses: 3, base: 'e', topK: 4 }, sample: multilabelSample(3) },
};

/** Cut points for `n` rows into contiguous parts (sorted, inside 0..n). */
const cuts = (n: number): fc.Arbitrary<number[]> =>
  fc.uniqueArray(fc.nat(n), { maxLength: 6 }).map((c) => [...c].sort((a, b) => a - b));

function parts(config: BreakdownConfig, evals: readonly SampleEval[], cutPoints: readonly number[]): BreakdownAccumulator[] {
  const bounds = [0, ...cutPoints, evals.length];
  const out: BreakdownAccumulator[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const from = bounds[i] as number;
    out.push(feed(createAccumulator(config), evals.slice(from, bounds[i + 1]), from));
  }
  return out;
}

/** Counts are exact whatever the split; only sums may differ in their last bits. */
function assertExactParts(actual: Breakdown, expected: Breakdown): void {
  assert.deepEqual(
    [actual.count, actual.ignoredCount, actual.infiniteCount, actual.invalidCount, actual.minLoss, actual.maxLoss],
    [expected.count, expected.ignoredCount, expected.infiniteCount, expected.invalidCount, expected.minLoss, expected.maxLoss],
  );
  assert.deepEqual(actual.histogram, expected.histogram);
  assert.deepEqual(actual.confusion, expected.confusion);
  assert.deepEqual(actual.worst, expected.worst);
  assert.deepEqual(
    actual.calibration.bins.map((b) => b.count),
    expected.calibration.bins.map((b) => b.count),
  );
  assert.deepEqual(
    actual.classes.map((c) => [c.support, c.tp, c.fp, c.fn, c.tn]),
    expected.classes.map((c) => [c.support, c.tp, c.fp, c.fn, c.tn]),
  );
}

describe('breakdown: merging parts equals one pass', () => {
  for (const [kind, { config, sample }] of Object.entries(CASES)) {
    it(`${kind}: contiguous parts merged in order`, () => {
      fc.assert(
        fc.property(
          fc.array(sample, { maxLength: 60 }).chain((evals) => fc.tuple(fc.constant(evals), cuts(evals.length))),
          ([evals, cutPoints]) => {
            const whole = feed(createAccumulator(config), evals).result();
            const [first, ...rest] = parts(config, evals, cutPoints);
            for (const p of rest) first!.merge(p);
            const merged = first!.result();
            assertExactParts(merged, whole);
            assertClose(merged, whole, 1e-12);
          },
        ),
        { numRuns: 60 },
      );
    });

    it(`${kind}: parts merged in any order, through their JSON states`, () => {
      fc.assert(
        fc.property(
          fc
            .array(sample, { maxLength: 60 })
            .chain((evals) => fc.tuple(fc.constant(evals), cuts(evals.length)))
            .chain(([evals, cutPoints]) =>
              fc.tuple(fc.constant(evals), fc.constant(cutPoints), fc.shuffledSubarray([...Array(cutPoints.length + 1).keys()], { minLength: cutPoints.length + 1 })),
            ),
          ([evals, cutPoints, order]) => {
            const whole = feed(createAccumulator(config), evals).result();
            const all = parts(config, evals, cutPoints);
            const target = createAccumulator(config);
            // as the workers do: each part crosses a thread boundary as a state, possibly as JSON text
            for (const i of order) target.merge(JSON.parse(JSON.stringify(all[i])));
            const merged = target.result();
            assertExactParts(merged, whole);
            assertClose(merged, whole, 1e-12);
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it('merging is associative: (a + b) + c equals a + (b + c)', () => {
    const { config, sample } = CASES.ce!;
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 40 }), fc.array(sample, { maxLength: 40 }), fc.array(sample, { maxLength: 40 }), (a, b, c) => {
        const acc = (evals: SampleEval[], first: number): BreakdownAccumulator => feed(createAccumulator(config), evals, first);
        const left = acc(a, 0);
        left.merge(acc(b, 100));
        left.merge(acc(c, 200));
        const bc = acc(b, 100);
        bc.merge(acc(c, 200));
        const right = acc(a, 0);
        right.merge(bc);
        assertExactParts(left.result(), right.result());
        assertClose(left.result(), right.result(), 1e-12);
      }),
      { numRuns: 40 },
    );
  });

  it('compensated sums keep a million-part merge within 1e-12 of the exact total', () => {
    // 0.1 is not representable: a plain running sum of 1e6 of them drifts by ~1e-11 relative.
    const config: BreakdownConfig = { kind: 'bce', base: 'e' };
    const e = bceEval(0.5, 1, { loss: 0.1 });
    const acc = createAccumulator(config);
    for (let i = 0; i < 1_000_000; i++) acc.add(e, i, i + 1);
    const r = acc.result();
    assertClose(r.sum, 100000, 1e-15);
    let plain = 0;
    for (let i = 0; i < 1_000_000; i++) plain += 0.1;
    assert.ok(Math.abs(plain - 100000) > 1e-9, 'the plain sum does drift (else this test proves nothing)');
  });

  it('merging an accumulator into itself doubles every count and keeps each worst row once per copy', () => {
    const acc = feed(createAccumulator({ kind: 'ce', numClasses: 2, base: 'e', topK: 3 }), [ceEval([0.3, 0.7], 0), ceEval([0.9, 0.1], 1)]);
    const before = acc.result();
    acc.merge(acc);
    const after = acc.result();
    assert.equal(after.count, 2 * before.count);
    assert.deepEqual(after.confusion, [
      [0, 2],
      [2, 0],
    ]);
    assertClose(after.mean, before.mean, 1e-15);
    assert.deepEqual(after.worst.map((w) => w.row), [1, 1, 0]);
  });

  it('refuses to merge different configurations', () => {
    const a = createAccumulator({ kind: 'ce', numClasses: 3, base: 'e' });
    assert.throws(() => a.merge(createAccumulator({ kind: 'ce', numClasses: 4, base: 'e' })), /different configurations/);
    assert.throws(() => a.merge(createAccumulator({ kind: 'ce', numClasses: 3, base: 'e', topK: 3 })), /different configurations/);
  });
});

describe('breakdown: toJSON / fromJSON', () => {
  const evals = [
    ceEval([0.5, 0.3, 0.2], 0),
    ceEval([0.1, 0, 0.9], 1), // infinite loss
    ceEval([0.2, 0.2, 0.6], 2, { weight: 2 }),
    ceEval([0.6, 0.3, 0.1], 1, { ignored: true }),
  ];
  const acc = feed(createAccumulator({ kind: 'ce', numClasses: 3, classNames: ['a', 'b', 'c'], base: '2', topK: 2 }), evals);

  it('round-trips exactly through JSON text, Infinity included', () => {
    const text = JSON.stringify(acc);
    assert.ok(text.includes('"Infinity"'), 'non-finite numbers are written as strings, not null');
    const back = BreakdownAccumulator.fromJSON(JSON.parse(text));
    assertClose(back.result(), acc.result(), 0);
    assert.equal(back.result().worst[0]?.loss, Infinity);
  });

  it('round-trips exactly through structuredClone (what postMessage does)', () => {
    const back = BreakdownAccumulator.fromJSON(structuredClone(acc.toJSON()));
    assertClose(back.result(), acc.result(), 0);
    assert.deepEqual(back.toJSON(), acc.toJSON());
  });

  it('a restored accumulator keeps accumulating like the original', () => {
    const more = [ceEval([0.3, 0.3, 0.4], 0), ceEval([0.05, 0.9, 0.05], 1)];
    const original = feed(createAccumulator(acc.config), [...evals, ...more]).result();
    const restored = BreakdownAccumulator.fromJSON(acc.toJSON());
    feed(restored, more, evals.length);
    assertClose(restored.result(), original, 1e-15);
  });

  it('rejects foreign or truncated states', () => {
    const state = acc.toJSON();
    assert.throws(() => BreakdownAccumulator.fromJSON({ ...state, format: 'other' as never }), /not a breakdown state/);
    assert.throws(() => BreakdownAccumulator.fromJSON({ ...state, arrays: { ...state.arrays, confusion: [1, 2] } }), /confusion/);
  });
});
