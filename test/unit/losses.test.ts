/**
 * The reference values of shared/docs/loss-math.md section 3, the presets' values for a
 * probability of exactly 0, published Keras examples, and the evaluator's contract
 * (SampleEval fields, weights, ignore_index, reductions, option validation).
 */
import { strict as assert } from 'node:assert';
import { computeLosses, createEvaluator, lossUnderPresets } from '../../src/core/losses';
import { PRESETS } from '../../src/core/presets';
import { DEFAULT_OPTIONS, PRESET_NAMES, type LossOptions, type Sample } from '../../src/core/types';

const bce: LossOptions = { ...DEFAULT_OPTIONS, kind: 'bce' };
const ce: LossOptions = { ...DEFAULT_OPTIONS, kind: 'ce' };

/** The doc rounds to 7 (or 4) decimals: agree to half a unit in the last place. */
function assertRounded(actual: number, expected: number, decimals: number, what = ''): void {
  const tol = 0.5 * 10 ** -decimals + 1e-12;
  assert.ok(Math.abs(actual - expected) <= tol, `${what} got ${actual}, expected ${expected} to ${decimals} decimals`);
}

function one(sample: Sample, options: LossOptions, numClasses: number): number {
  const ev = createEvaluator(options, numClasses);
  return ev.evaluate(sample, ev.newEval()).loss;
}

describe('loss-math.md section 3: BCE', () => {
  const table: [number, number, number][] = [
    [1, 0.99, 0.0100503],
    [1, 0.05, 2.9957323],
    [1, 0.8, 0.2231436],
    [0, 0.3, 0.3566749],
  ];
  for (const preset of PRESET_NAMES) {
    it(`BCE table under ${preset}`, () => {
      for (const [y, p, expected] of table) assertRounded(one({ prediction: [p], target: y }, { ...bce, preset }, 1), expected, 7, `y=${y} p=${p}`);
    });
  }
  it('the same values from logits ln(p / (1 - p))', () => {
    for (const [y, p, expected] of table) {
      assertRounded(one({ prediction: [Math.log(p / (1 - p))], target: y }, { ...bce, input: 'logits' }, 1), expected, 7);
    }
  });
  it('mean of the table is the mean of its rows', () => {
    const r = computeLosses(table.map(([y, p]) => ({ prediction: [p], target: y })), bce, 1);
    assertRounded(r.mean, (0.0100503 + 2.9957323 + 0.2231436 + 0.3566749) / 4, 7);
    assertRounded(r.sum, 0.0100503 + 2.9957323 + 0.2231436 + 0.3566749, 6);
  });
});

describe('loss-math.md section 3: multi-label', () => {
  it('y=[1,0,1], p=[0.8,0.3,0.9] has mean BCE 0.2283930', () => {
    const ev = createEvaluator({ ...DEFAULT_OPTIONS, kind: 'multilabel' }, 3);
    const out = ev.evaluate({ prediction: [0.8, 0.3, 0.9], target: [1, 0, 1] }, ev.newEval());
    assertRounded(out.loss, 0.228393, 7);
    assertRounded(out.labelLosses[0] as number, 0.2231436, 7);
    assertRounded(out.labelLosses[1] as number, 0.3566749, 7);
    assertRounded(out.labelLosses[2] as number, -Math.log(0.9), 12);
    assert.equal(out.trueClass, -1);
    assertRounded(out.confidence, (0.8 + 0.7 + 0.9) / 3, 12);
  });
});

describe('loss-math.md section 3: CE', () => {
  it('t=[0,1,0], p=[0.15,0.8,0.05] gives 0.2231436, as one-hot and as a sparse label', () => {
    assertRounded(one({ prediction: [0.15, 0.8, 0.05], target: [0, 1, 0] }, ce, 3), 0.2231436, 7);
    assertRounded(one({ prediction: [0.15, 0.8, 0.05], target: 1 }, ce, 3), 0.2231436, 7);
  });
  it('two classes: 0.3566749 and 0.5108256', () => {
    assertRounded(one({ prediction: [0.3, 0.7], target: [0, 1] }, ce, 2), 0.3566749, 7);
    assertRounded(one({ prediction: [0.6, 0.4], target: [1, 0] }, ce, 2), 0.5108256, 7);
  });
  it('correct class at p=0.5 / 0.25 gives ln 2 / ln 4', () => {
    assertRounded(one({ prediction: [0.5, 0.5], target: 0 }, ce, 2), 0.6931472, 7);
    assertRounded(one({ prediction: [0.25, 0.25, 0.25, 0.25], target: 3 }, ce, 4), 1.3862944, 7);
  });

  // The doc's soft-target table adds 1e-15 inside the log. `classic` clips to [1e-15, 1 - 1e-15]
  // instead: identical where q = 0, and ln(1 - 1e-15) vs ln(1 + 1e-15) differ by 2e-15, far
  // below the table's 4 decimals. So `classic` reproduces every row.
  const soft: [number[], number][] = [
    [[0.1, 0.7, 0.2], 0.8018],
    [[0.1, 0.6, 0.3], 0.8286],
    [[0.1, 0.5, 0.4], 0.8987],
    [[0.0, 0.5, 0.5], 4.0777],
    [[0.0, 0.4, 0.6], 4.1974],
    [[0.0, 0.2, 0.8], 4.6251],
    [[0.0, 0.1, 0.9], 5.0868],
    [[0.0, 0.01, 0.99], 6.6795],
    [[0.0, 0.0, 1], 27.631],
    [[1.0, 0.0, 0], 31.0849],
    [[0.5, 0.0, 0.5], 24.3851],
  ];
  const t = [0.1, 0.7, 0.2];
  it('soft target t=[0.1,0.7,0.2]: the whole table under classic', () => {
    for (const [q, expected] of soft) assertRounded(one({ prediction: q, target: t }, ce, 3), expected, 4, `q=${q.join(',')}`);
  });
  it('soft target: q = t gives the entropy of t (the minimum)', () => {
    const h = -(0.1 * Math.log(0.1) + 0.7 * Math.log(0.7) + 0.2 * Math.log(0.2));
    assert.ok(Math.abs(one({ prediction: t, target: t }, { ...ce, preset: 'none' }, 3) - h) < 1e-15);
  });
  it('soft target under none: a zero probability under a non-zero target is Infinity, never NaN', () => {
    for (const [q] of soft) {
      const v = one({ prediction: q, target: t }, { ...ce, preset: 'none' }, 3);
      if (q.some((x) => x === 0)) assert.equal(v, Infinity, `q=${q.join(',')}`);
      else assert.ok(Number.isFinite(v));
    }
  });
  it('zero targets times ln 0 contribute 0 under none and pytorch', () => {
    for (const preset of ['none', 'pytorch'] as const) {
      assert.equal(one({ prediction: [0, 0.25, 0.75], target: [0, 0, 1] }, { ...ce, preset }, 3), -Math.log(0.75));
      assert.equal(one({ prediction: [0, 1], target: 1 }, { ...ce, preset }, 2), 0);
      assert.equal(one({ prediction: [0], target: 0 }, { ...bce, preset }, 1), 0);
      assert.equal(one({ prediction: [1], target: 1 }, { ...bce, preset }, 1), 0);
    }
  });
});

describe('log base', () => {
  it('the log10 slip: -log10(0.8) = 0.0969 is not the BCE 0.2231 (nats) nor 0.3219 (bits)', () => {
    const nats = one({ prediction: [0.8], target: 1 }, bce, 1);
    const bits = one({ prediction: [0.8], target: 1 }, { ...bce, base: '2' }, 1);
    assertRounded(-Math.log10(0.8), 0.0969, 4);
    assertRounded(nats, 0.2231436, 7);
    assertRounded(bits, 0.3219281, 7);
    assert.ok(Math.abs(bits - -Math.log2(0.8)) < 1e-15);
    assert.notEqual(Math.round(nats * 1e4), 969);
  });
  it('bits apply to the mean and to multi-label label losses', () => {
    const ml: LossOptions = { ...DEFAULT_OPTIONS, kind: 'multilabel', base: '2' };
    const ev = createEvaluator(ml, 2);
    const out = ev.evaluate({ prediction: [0.5, 0.25], target: [1, 1] }, ev.newEval());
    assert.ok(Math.abs((out.labelLosses[0] as number) - 1) < 1e-15);
    assert.ok(Math.abs((out.labelLosses[1] as number) - 2) < 1e-15);
    assert.ok(Math.abs(out.loss - 1.5) < 1e-15);
  });
});

describe('presets', () => {
  it('a probability of exactly 0 on the true class: PyTorch 100, Keras 16.118, scikit-learn 36.04', () => {
    // For y = 0, p = 1 the negative term is ln(1 - (1 - eps)), and 1 - eps is rounded in
    // float64 (Keras and scikit-learn compute the same rounded value).
    const clipped = (eps: number, y: number): number => (y === 1 ? -Math.log(eps) : -Math.log(1 - (1 - eps)));
    for (const sample of [{ prediction: [0], target: 1 }, { prediction: [1], target: 0 }]) {
      const v = lossUnderPresets(sample, bce, 1);
      assert.equal(v.pytorch, 100);
      assertRounded(v.keras, 16.118, 3);
      assert.ok(Math.abs(v.keras - clipped(1e-7, sample.target)) < 1e-12);
      assertRounded(v.sklearn, 36.04, 2);
      assert.ok(Math.abs(v.sklearn - clipped(2.220446049250313e-16, sample.target)) < 1e-12);
      assert.ok(Math.abs(v.classic - clipped(1e-15, sample.target)) < 1e-12);
      assert.equal(v.none, Infinity);
    }
  });
  it('categorical zero on the true class: PyTorch nll_loss(log p) is unclipped', () => {
    const v = lossUnderPresets({ prediction: [0, 0.4, 0.6], target: 0 }, ce, 3);
    assert.equal(v.pytorch, Infinity);
    assert.equal(v.none, Infinity);
    assert.ok(Math.abs(v.keras - -Math.log(1e-7)) < 1e-12);
    assert.ok(Math.abs(v.sklearn - -Math.log(2.220446049250313e-16)) < 1e-12);
  });
  it('keras renormalises categorical rows; the others do not', () => {
    const v = lossUnderPresets({ prediction: [0.2, 0.2], target: 0 }, ce, 2);
    assert.ok(Math.abs(v.keras - Math.LN2) < 1e-15);
    assert.ok(Math.abs(v.classic - -Math.log(0.2)) < 1e-15);
    assert.ok(Math.abs(v.sklearn - -Math.log(0.2)) < 1e-15);
  });
  it('logits: exact under all but sklearn, which goes through sigmoid and clips', () => {
    const v = lossUnderPresets({ prediction: [-500], target: 1 }, { ...bce, input: 'logits' }, 1);
    for (const p of ['classic', 'pytorch', 'keras', 'none'] as const) assert.equal(v[p], 500);
    assert.ok(Math.abs(v.sklearn - -Math.log(2.220446049250313e-16)) < 1e-12);
    const c = lossUnderPresets({ prediction: [500, -500, 0], target: 1 }, { ...ce, input: 'logits' }, 3);
    assert.equal(c.pytorch, 1000);
    assert.ok(Math.abs(c.sklearn - -Math.log(2.220446049250313e-16)) < 1e-12);
  });
  it('every preset has a name, a one-line description and parameters', () => {
    for (const name of PRESET_NAMES) {
      const p = PRESETS[name];
      assert.equal(p.name, name);
      assert.ok(p.description.length > 20 && !p.description.includes('\n'));
      assert.ok(p.params.clipEps >= 0 && p.params.clipEps < 1e-6);
    }
  });
});

describe('focal loss (Keras semantics)', () => {
  it("Keras's docstring example: binary_focal_crossentropy gamma=2 gives [0.330, 0.206]", () => {
    const opts: LossOptions = { ...DEFAULT_OPTIONS, kind: 'multilabel', preset: 'keras', focalGamma: 2 };
    const r = computeLosses([{ prediction: [0.6, 0.4], target: [0, 1] }, { prediction: [0.4, 0.6], target: [0, 0] }], opts, 2);
    assertRounded(r.perSample[0] as number, 0.33, 3);
    assertRounded(r.perSample[1] as number, 0.206, 3);
  });
  it("Keras's docstring example: categorical_focal_crossentropy (alpha 0.25, gamma 2) gives [2.63401289e-04, 6.75912094e-01]", () => {
    const opts: LossOptions = { ...ce, preset: 'keras', focalGamma: 2, focalAlpha: 0.25 };
    const r = computeLosses([{ prediction: [0.05, 0.9, 0.05], target: [0, 1, 0] }, { prediction: [0.1, 0.85, 0.05], target: [0, 0, 1] }], opts, 3);
    // Printed with 9 significant digits (float64 in the keras3 R docs).
    assert.ok(Math.abs((r.perSample[0] as number) / 2.63401289e-4 - 1) < 5e-9);
    assert.ok(Math.abs((r.perSample[1] as number) / 6.75912094e-1 - 1) < 5e-9);
  });
  it("Keras's docstring example: categorical_crossentropy gives [0.0513, 2.303]", () => {
    const r = computeLosses([{ prediction: [0.05, 0.95, 0], target: [0, 1, 0] }, { prediction: [0.1, 0.8, 0.1], target: [0, 0, 1] }], { ...ce, preset: 'keras' }, 3);
    assertRounded(r.perSample[0] as number, 0.0513, 4);
    assertRounded(r.perSample[1] as number, 2.303, 3);
  });
  it('gamma 0 without alpha is plain cross-entropy', () => {
    for (const preset of PRESET_NAMES) {
      assert.equal(one({ prediction: [0.3], target: 1 }, { ...bce, preset, focalGamma: 0 }, 1), one({ prediction: [0.3], target: 1 }, { ...bce, preset }, 1));
      assert.equal(one({ prediction: [0.2, 0.8], target: 1 }, { ...ce, preset, focalGamma: 0 }, 2), one({ prediction: [0.2, 0.8], target: 1 }, { ...ce, preset }, 2));
    }
  });
  it('binary alpha balances the classes: alpha for y=1, 1 - alpha for y=0', () => {
    const o = { ...bce, preset: 'none' as const, focalGamma: 2, focalAlpha: 0.25 };
    assert.ok(Math.abs(one({ prediction: [0.8], target: 1 }, o, 1) - 0.25 * 0.04 * -Math.log(0.8)) < 1e-16);
    assert.ok(Math.abs(one({ prediction: [0.8], target: 0 }, o, 1) - 0.75 * 0.64 * -Math.log(0.2)) < 1e-15);
  });
  it('categorical alpha is a scalar factor on (1 - p)^gamma (-ln p)', () => {
    const v = one({ prediction: [0.1, 0.9], target: 1 }, { ...ce, preset: 'none', focalGamma: 2, focalAlpha: 0.25 }, 2);
    assert.ok(Math.abs(v - 0.25 * 0.01 * -Math.log(0.9)) < 1e-17);
  });
});

describe('weights, ignore_index and reductions', () => {
  const samples: Sample[] = [
    { prediction: [0.7, 0.2, 0.1], target: 0 },
    { prediction: [0.1, 0.6, 0.3], target: 2 },
    { prediction: [0.3, 0.3, 0.4], target: -100 },
    { prediction: [0.2, 0.5, 0.3], target: 1, weight: 2 },
  ];
  const w = [1, 2, 3];
  const opts: LossOptions = { ...ce, preset: 'none', classWeights: w, ignoreIndex: -100 };
  it("hard labels: PyTorch's weighted mean sum w_y s l / sum w_y s, ignored rows in neither sum", () => {
    const r = computeLosses(samples, opts, 3);
    const num = 1 * -Math.log(0.7) + 3 * -Math.log(0.3) + 2 * 2 * -Math.log(0.5);
    const den = 1 + 3 + 2 * 2;
    assert.ok(Math.abs(r.mean - num / den) < 1e-15);
    assert.ok(Math.abs(r.sum - num) < 1e-14);
    assert.equal(r.weightSum, den);
    assert.equal(r.ignoredCount, 1);
    assert.equal(r.perSample[2], 0);
    assert.equal(r.weights[2], 0);
    assert.equal(r.reduced, r.mean);
    assert.equal(computeLosses(samples, { ...opts, reduction: 'sum' }, 3).reduced, r.sum);
    const none = computeLosses(samples, { ...opts, reduction: 'none' }, 3).reduced;
    assert.ok(none instanceof Float64Array);
    assert.deepEqual(Array.from(none), Array.from(r.perSample));
  });
  it('soft targets with class weights divide by the sample weights (PyTorch divides by N)', () => {
    const r = computeLosses([{ prediction: [0.5, 0.5], target: [0.5, 0.5] }, { prediction: [0.25, 0.75], target: [0.2, 0.8] }], { ...ce, classWeights: [2, 3] }, 2);
    const l0 = 2 * 0.5 * Math.LN2 + 3 * 0.5 * Math.LN2;
    const l1 = 2 * 0.2 * -Math.log(0.25) + 3 * 0.8 * -Math.log(0.75);
    assert.equal(r.weightSum, 2);
    assert.ok(Math.abs(r.mean - (l0 + l1) / 2) < 1e-15);
  });
  it('bce targets equal to ignoreIndex are skipped too', () => {
    const r = computeLosses([{ prediction: [0.9], target: -1 }, { prediction: [0.5], target: 1 }], { ...bce, ignoreIndex: -1 }, 1);
    assert.deepEqual([r.ignoredCount, r.weightSum, r.perSample[0]], [1, 1, 0]);
    assert.ok(Math.abs(r.mean - Math.LN2) < 1e-16);
  });
  it('a sample weight of 0 removes even an infinite loss', () => {
    const r = computeLosses([{ prediction: [0, 1], target: 0, weight: 0 }, { prediction: [0.5, 0.5], target: 0 }], { ...ce, preset: 'none' }, 2);
    assert.equal(r.perSample[0], 0);
    assert.ok(Math.abs(r.mean - Math.LN2) < 1e-16);
  });
  it('bce class weights weight the two terms; pos_weight the positive one', () => {
    const o: LossOptions = { ...bce, preset: 'none', classWeights: [0.5, 2], posWeight: 3 };
    assert.ok(Math.abs(one({ prediction: [0.8], target: 1 }, o, 1) - 6 * -Math.log(0.8)) < 1e-15);
    assert.ok(Math.abs(one({ prediction: [0.8], target: 0 }, o, 1) - 0.5 * -Math.log(0.2)) < 1e-15);
    assert.ok(Math.abs(one({ prediction: [0.8], target: 0.25 }, o, 1) - (0.25 * 6 * -Math.log(0.8) + 0.75 * 0.5 * -Math.log(0.2))) < 1e-15);
  });
  it('label smoothing: binary y(1 - a) + a/2, categorical t(1 - a) + a/K', () => {
    const b = one({ prediction: [0.8], target: 1 }, { ...bce, preset: 'none', labelSmoothing: 0.2 }, 1);
    assert.ok(Math.abs(b - (0.9 * -Math.log(0.8) + 0.1 * -Math.log(0.2))) < 1e-15);
    const c = one({ prediction: [0.5, 0.3, 0.2], target: 0 }, { ...ce, preset: 'none', labelSmoothing: 0.3 }, 3);
    assert.ok(Math.abs(c - (0.8 * -Math.log(0.5) + 0.1 * -Math.log(0.3) + 0.1 * -Math.log(0.2))) < 1e-15);
  });
});

describe('SampleEval fields', () => {
  it('ce from logits: softmax probs, dense targets, argmax, confidence', () => {
    const ev = createEvaluator({ ...ce, input: 'logits' }, 3);
    const out = ev.evaluate({ prediction: [1, 3, 2], target: 2 }, ev.newEval());
    const e = [Math.exp(-2), 1, Math.exp(-1)];
    const s = e[0]! + e[1]! + e[2]!;
    e.forEach((v, k) => assert.ok(Math.abs((out.probs[k] as number) - v / s) < 1e-16));
    assert.deepEqual(Array.from(out.targets), [0, 0, 1]);
    assert.equal(out.trueClass, 2);
    assert.equal(out.predictedClass, 1);
    assert.equal(out.confidence, out.probs[1]);
    assert.ok(Math.abs(out.loss - (Math.log(s) + 1)) < 1e-15);
    assert.equal(out.weight, 1);
    assert.equal(out.ignored, false);
    assert.equal(out.labelLosses.length, 0);
  });
  it('bce: classes by 0.5 thresholds, confidence max(p, 1 - p)', () => {
    const ev = createEvaluator(bce, 1);
    const out = ev.evaluate({ prediction: [0.3], target: 1 }, ev.newEval());
    assert.equal(out.trueClass, 1);
    assert.equal(out.predictedClass, 0);
    assert.equal(out.confidence, 0.7);
    assert.deepEqual(Array.from(out.probs), [0.3]);
    assert.deepEqual(Array.from(out.targets), [1]);
  });
  it('reuses one SampleEval without carrying state between samples', () => {
    const ev = createEvaluator({ ...ce, ignoreIndex: 1 }, 3);
    const out = ev.newEval();
    ev.evaluate({ prediction: [0.2, 0.3, 0.5], target: 1 }, out);
    assert.equal(out.ignored, true);
    assert.equal(out.weight, 0);
    ev.evaluate({ prediction: [0.2, 0.3, 0.5], target: [0.5, 0, 0.5] }, out);
    assert.equal(out.ignored, false);
    assert.deepEqual(Array.from(out.targets), [0.5, 0, 0.5]);
    assert.equal(out.trueClass, 0);
    assert.ok(Math.abs(out.loss - 0.5 * (-Math.log(0.2) - Math.log(0.5))) < 1e-15);
  });
});

describe('validation', () => {
  it('rejects malformed options', () => {
    assert.throws(() => createEvaluator({ ...ce, classWeights: [1, 2] }, 3), RangeError);
    assert.throws(() => createEvaluator({ ...ce, posWeight: 2 }, 3), RangeError);
    assert.throws(() => createEvaluator({ ...ce, labelSmoothing: 1 }, 3), RangeError);
    assert.throws(() => createEvaluator({ ...bce, focalAlpha: 0.25 }, 1), RangeError);
    assert.throws(() => createEvaluator({ ...ce, focalGamma: -1 }, 3), RangeError);
    assert.throws(() => createEvaluator({ ...ce }, 1), RangeError);
    assert.throws(() => createEvaluator({ ...ce, preset: 'tf' as never }, 3), RangeError);
  });
  it('rejects targets out of range and predictions of the wrong width', () => {
    const ev = createEvaluator(ce, 3);
    assert.throws(() => ev.evaluate({ prediction: [0.2, 0.8], target: 0 }, ev.newEval()), RangeError);
    assert.throws(() => ev.evaluate({ prediction: [0.2, 0.3, 0.5], target: 3 }, ev.newEval()), RangeError);
    assert.throws(() => ev.evaluate({ prediction: [0.2, 0.3, 0.5], target: 1.5 }, ev.newEval()), RangeError);
    const b = createEvaluator(bce, 1);
    assert.throws(() => b.evaluate({ prediction: [0.2], target: 2 }, b.newEval()), RangeError);
    assert.throws(() => b.evaluate({ prediction: [0.2], target: 1, weight: -1 }, b.newEval()), RangeError);
  });
});
