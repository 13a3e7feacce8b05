/**
 * Properties that hold for every input (fast-check, seeded so failures reproduce):
 * Gibbs' inequality, logits vs their softmax, the mean as sum / weight sum, bits vs nats, and
 * BCE as the two-class CE.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { computeLosses, createEvaluator } from '../../src/core/losses';
import { entropy } from '../../src/core/math';
import { DEFAULT_OPTIONS, PRESET_NAMES, type LossOptions, type Sample } from '../../src/core/types';

const SEED = 20261123;
const RUNS = 300;
const check = <T>(prop: fc.IProperty<T>): void => fc.assert(prop, { seed: SEED, numRuns: RUNS });

const ce: LossOptions = { ...DEFAULT_OPTIONS, kind: 'ce' };
const bce: LossOptions = { ...DEFAULT_OPTIONS, kind: 'bce' };

/** A probability vector of length k (some entries may be exactly 0). */
const distribution = (k: number): fc.Arbitrary<number[]> =>
  fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: k, maxLength: k })
    .filter((v) => v.reduce((a, b) => a + b, 0) > 1e-3)
    .map((v) => {
      const s = v.reduce((a, b) => a + b, 0);
      return v.map((x) => x / s);
    });

const logitsArb = (k: number): fc.Arbitrary<number[]> => fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: k, maxLength: k });
const prob = fc.double({ min: 0, max: 1, noNaN: true });
const inner = fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true });

function loss(sample: Sample, options: LossOptions, k: number): number {
  const ev = createEvaluator(options, k);
  return ev.evaluate(sample, ev.newEval()).loss;
}

function softmax(z: readonly number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('loss properties', () => {
  it('CE(t, p) >= H(t) (Gibbs), so KL(t || p) = CE - H >= 0', () => {
    check(fc.property(fc.integer({ min: 2, max: 6 }).chain((k) => fc.tuple(fc.constant(k), distribution(k), distribution(k))), ([k, t, p]) => {
      const h = entropy(t);
      const c = loss({ prediction: p, target: t }, { ...ce, preset: 'none' }, k);
      assert.ok(!Number.isNaN(c));
      assert.ok(c - h >= -1e-12 * Math.max(1, h), `CE ${c} < H ${h}`);
      // Equality exactly when p = t.
      const self = loss({ prediction: t, target: t }, { ...ce, preset: 'none' }, k);
      assert.ok(Math.abs(self - h) <= 1e-12 * Math.max(1, h));
    }));
  });

  it('CE never returns NaN for any preset, input and target on valid inputs', () => {
    check(fc.property(
      fc.integer({ min: 2, max: 5 }).chain((k) => fc.tuple(fc.constant(k), distribution(k), distribution(k), logitsArb(k))),
      fc.constantFrom(...PRESET_NAMES),
      ([k, t, p, z], preset) => {
        for (const [input, prediction] of [['probs', p], ['logits', z]] as const) {
          assert.ok(!Number.isNaN(loss({ prediction, target: t }, { ...ce, preset, input }, k)));
          assert.ok(!Number.isNaN(loss({ prediction, target: 0 }, { ...ce, preset, input, labelSmoothing: 0.1 }, k)));
        }
      },
    ));
  });

  it('logits and their softmax give the same CE (to 1e-9)', () => {
    check(fc.property(fc.integer({ min: 2, max: 6 }).chain((k) => fc.tuple(fc.constant(k), logitsArb(k), distribution(k))), ([k, z, t]) => {
      const fromLogits = loss({ prediction: z, target: t }, { ...ce, input: 'logits', preset: 'none' }, k);
      const fromProbs = loss({ prediction: softmax(z), target: t }, { ...ce, preset: 'none' }, k);
      assert.ok(Math.abs(fromLogits - fromProbs) <= 1e-9 * Math.max(1, fromLogits), `${fromLogits} vs ${fromProbs}`);
    }));
  });

  it('mean = sum of the reduction-none values / sum of weights = the weighted mean written out', () => {
    const sampleArb = (k: number): fc.Arbitrary<Sample> => fc.record({
      prediction: fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: k, maxLength: k }).map((v) => {
        const sum = v.reduce((a, b) => a + b, 0);
        return v.map((x) => x / sum);
      }),
      target: fc.integer({ min: -1, max: k - 1 }),
      weight: fc.double({ min: 0.1, max: 5, noNaN: true }),
    });
    check(fc.property(
      fc.integer({ min: 2, max: 5 }).chain((k) => fc.tuple(
        fc.constant(k),
        fc.array(sampleArb(k), { minLength: 1, maxLength: 20 }),
        fc.array(fc.double({ min: 0.1, max: 4, noNaN: true }), { minLength: k, maxLength: k }),
      )),
      ([k, samples, w]) => {
        fc.pre(samples.some((s) => s.target !== -1));
        const opts: LossOptions = { ...ce, preset: 'none', classWeights: w, ignoreIndex: -1 };
        const mean = computeLosses(samples, opts, k);
        const none = computeLosses(samples, { ...opts, reduction: 'none' }, k);
        let num = 0;
        let den = 0;
        for (const s of samples) {
          const y = s.target as number;
          if (y === -1) continue;
          const wy = (w[y] as number) * (s.weight as number);
          num += wy * -Math.log((s.prediction as number[])[y] as number);
          den += wy;
        }
        assert.ok(Math.abs(mean.reduced as number - num / den) <= 1e-12 * (num / den));
        const perSample = none.reduced as Float64Array;
        let sum = 0;
        let ws = 0;
        perSample.forEach((v, i) => {
          sum += v;
          ws += none.weights[i] as number;
        });
        assert.equal(mean.reduced, sum / ws);
        assert.equal(computeLosses(samples, { ...opts, reduction: 'sum' }, k).reduced, sum);
      },
    ));
  });

  it('bits = nats / ln 2, for every kind, input and preset', () => {
    check(fc.property(
      fc.constantFrom(...PRESET_NAMES), fc.constantFrom('probs' as const, 'logits' as const), distribution(3), logitsArb(3),
      fc.double({ min: 0, max: 2, noNaN: true }), fc.integer({ min: 0, max: 2 }),
      (preset, input, p, z, sw, y) => {
        const prediction = input === 'probs' ? p : z;
        const cases: [LossOptions, Sample, number][] = [
          [{ ...ce, preset, input }, { prediction, target: y, weight: sw }, 3],
          [{ ...bce, preset, input }, { prediction: [prediction[0] as number], target: y % 2, weight: sw }, 1],
          [{ ...DEFAULT_OPTIONS, kind: 'multilabel', preset, input }, { prediction, target: [1, 0, y % 2], weight: sw }, 3],
        ];
        for (const [o, s, k] of cases) {
          const nats = loss(s, o, k);
          assert.ok(Object.is(loss(s, { ...o, base: '2' }, k), nats / Math.LN2));
        }
      },
    ));
  });

  it('BCE(p, y) equals CE([1 - p, p], [1 - y, y]), from probabilities and from logits', () => {
    check(fc.property(inner, prob, fc.double({ min: -30, max: 30, noNaN: true }), fc.constantFrom('none', 'classic', 'sklearn', 'keras', 'pytorch' as const),
      (p, y, z, preset) => {
        const b = loss({ prediction: [p], target: y }, { ...bce, preset }, 1);
        const c = loss({ prediction: [1 - p, p], target: [1 - y, y] }, { ...ce, preset }, 2);
        assert.ok(Math.abs(b - c) <= 1e-12 * b + 1e-15, `${preset}: ${b} vs ${c}`);
        if (preset === 'sklearn') return; // logits there go through rounded probabilities
        const bl = loss({ prediction: [z], target: y }, { ...bce, preset, input: 'logits' }, 1);
        const cl = loss({ prediction: [0, z], target: [1 - y, y] }, { ...ce, preset, input: 'logits' }, 2);
        assert.ok(Math.abs(bl - cl) <= 1e-12 * bl + 1e-15, `${preset} logits: ${bl} vs ${cl}`);
      }));
  });

  it('multi-label loss is the mean of independent BCEs', () => {
    check(fc.property(fc.array(fc.tuple(prob, fc.constantFrom(0, 1)), { minLength: 1, maxLength: 6 }), fc.constantFrom(...PRESET_NAMES), (pairs, preset) => {
      const ml = loss({ prediction: pairs.map(([p]) => p), target: pairs.map(([, y]) => y) }, { ...DEFAULT_OPTIONS, kind: 'multilabel', preset }, pairs.length);
      const each = pairs.map(([p, y]) => loss({ prediction: [p], target: y }, { ...bce, preset }, 1));
      const mean = each.reduce((a, b) => a + b, 0) / pairs.length;
      if (!Number.isFinite(mean)) assert.equal(ml, mean);
      else assert.ok(Math.abs(ml - mean) <= 1e-12 * mean + 1e-15);
    }));
  });

  it('clipping presets bound the loss by -ln eps (per unit target weight)', () => {
    // For y = 0 the clipped term is ln(1 - fl(1 - eps)), and 1 - eps rounds in float64.
    const worst = (eps: number): number => Math.max(-Math.log(eps), -Math.log(1 - (1 - eps)));
    const bound = { classic: worst(1e-15), keras: worst(1e-7), sklearn: worst(2.220446049250313e-16), pytorch: 100 } as const;
    check(fc.property(prob, fc.constantFrom(0, 1), fc.constantFrom('classic', 'keras', 'sklearn', 'pytorch' as const), (p, y, preset) => {
      const v = loss({ prediction: [p], target: y }, { ...bce, preset }, 1);
      assert.ok(v >= 0 && v <= bound[preset], `${preset}: ${v}`);
    }));
  });
});
