/**
 * Derivations: the final value is the evaluator's loss to the last bit on many random samples
 * and option sets; each step carries the numbers that explain it; steps that change nothing are
 * left out; and the steps are plain data (no markup).
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { derive, type DerivationStep } from '../../src/core/derivation';
import { createEvaluator } from '../../src/core/losses';
import { DEFAULT_OPTIONS, PRESET_NAMES, type LossKind, type LossOptions, type Sample } from '../../src/core/types';

function evaluate(sample: Sample, options: LossOptions, k: number): number {
  const ev = createEvaluator(options, k);
  return ev.evaluate(sample, ev.newEval()).loss;
}

function step<K extends DerivationStep['kind']>(steps: DerivationStep[], kind: K): Extract<DerivationStep, { kind: K }> {
  const found = steps.find((s) => s.kind === kind);
  assert.ok(found, `no ${kind} step in ${steps.map((s) => s.kind).join(', ')}`);
  return found as Extract<DerivationStep, { kind: K }>;
}

const kinds = (steps: DerivationStep[]): string[] => steps.map((s) => s.kind);

const edgeProb = fc.oneof(fc.constantFrom(0, 1, 1e-20, 1 - 1e-16, 0.5), fc.double({ min: 0, max: 1, noNaN: true }));
const edgeLogit = fc.oneof(fc.constantFrom(500, -500, 50, -50, 0), fc.double({ min: -40, max: 40, noNaN: true }));

/** Random option sets over every kind, input, preset and option. */
const optionsArb = (kind: LossKind, k: number): fc.Arbitrary<LossOptions> => fc.record({
  preset: fc.constantFrom(...PRESET_NAMES),
  input: fc.constantFrom('probs' as const, 'logits' as const),
  labelSmoothing: fc.constantFrom(0, 0, 0.1, 0.3),
  base: fc.constantFrom('e' as const, '2' as const),
  weights: fc.option(fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: kind === 'bce' ? 2 : k, maxLength: kind === 'bce' ? 2 : k })),
  posWeight: fc.option(fc.double({ min: 0.1, max: 5, noNaN: true })),
  focal: fc.option(fc.record({ gamma: fc.constantFrom(0, 0.5, 2, 3), alpha: fc.option(fc.double({ min: 0, max: 1, noNaN: true })) })),
}).map(({ preset, input, labelSmoothing, base, weights, posWeight, focal }) => {
  const o: LossOptions = { ...DEFAULT_OPTIONS, kind, preset, input, labelSmoothing, base };
  if (weights !== null) o.classWeights = weights;
  if (posWeight !== null && kind !== 'ce') o.posWeight = posWeight;
  if (focal !== null) {
    o.focalGamma = focal.gamma;
    if (focal.alpha !== null) o.focalAlpha = focal.alpha;
  }
  if (kind !== 'multilabel') o.ignoreIndex = -1;
  return o;
});

const K = 4;
const sampleArb = (kind: LossKind, input: 'probs' | 'logits'): fc.Arbitrary<Sample> => {
  const width = kind === 'bce' ? 1 : K;
  const prediction = fc.array(input === 'probs' ? edgeProb : edgeLogit, { minLength: width, maxLength: width });
  const weight = fc.option(fc.constantFrom(0, 0.5, 2, 1), { nil: undefined });
  const target: fc.Arbitrary<number | number[]> =
    kind === 'bce' ? fc.oneof(fc.constantFrom(0, 1, -1), fc.double({ min: 0, max: 1, noNaN: true }))
      : kind === 'multilabel' ? fc.array(fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: K, maxLength: K })
        : fc.oneof(
          fc.integer({ min: -1, max: K - 1 }),
          fc.integer({ min: 0, max: K - 1 }).map((y) => Array.from({ length: K }, (_, k) => (k === y ? 1 : 0))),
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: K, maxLength: K }),
        );
  return fc.record({ prediction, target, weight }).map(({ prediction: p, target: t, weight: w }) => (w === undefined ? { prediction: p, target: t } : { prediction: p, target: t, weight: w }));
};

describe('derivation', () => {
  for (const kind of ['bce', 'ce', 'multilabel'] as const) {
    it(`${kind}: the final value equals the evaluator's loss to the last bit (random samples and options)`, () => {
      fc.assert(fc.property(
        optionsArb(kind, K).chain((o) => fc.tuple(fc.constant(o), sampleArb(kind, o.input))),
        ([options, sample]) => {
          const expected = evaluate(sample, options, K);
          const d = derive(sample, options, K);
          assert.ok(Object.is(d.value, expected), `${d.value} !== ${expected}`);
          const last = d.steps[d.steps.length - 1];
          assert.ok(last && last.kind === 'result' && Object.is(last.value, expected));
          assert.equal(d.steps[0]?.kind, 'likelihood');
          assert.equal(d.steps[1]?.kind, 'formula');
          assert.equal(d.steps[2]?.kind, 'values');
        },
      ), { seed: 7, numRuns: 400 });
    });
  }

  it('BCE y=1, p=0: the clip the preset applies, or the -100 floor, or Infinity', () => {
    const sample = { prediction: [0], target: 1 };
    const bce: LossOptions = { ...DEFAULT_OPTIONS, kind: 'bce' };
    const classic = derive(sample, { ...bce, preset: 'classic' }, 1);
    assert.deepEqual(step(classic.steps, 'likelihood'), { kind: 'likelihood', model: 'bernoulli', outcomes: 2 });
    const clip = step(classic.steps, 'clip');
    assert.deepEqual([clip.eps, clip.before, clip.after], [1e-15, [0], [1e-15]]);
    const log = step(classic.steps, 'log');
    assert.deepEqual(log.index, [1]);
    assert.equal(log.logP[0], Math.log(1e-15));

    const pytorch = derive(sample, { ...bce, preset: 'pytorch' }, 1);
    assert.ok(!kinds(pytorch.steps).includes('clip'));
    const floor = step(pytorch.steps, 'log-floor');
    assert.deepEqual([floor.floor, floor.before, floor.after], [-100, [-Infinity], [-100]]);
    assert.equal(pytorch.value, 100);

    const none = derive(sample, { ...bce, preset: 'none' }, 1);
    assert.equal(none.value, Infinity);
    assert.deepEqual(kinds(none.steps), ['likelihood', 'formula', 'values', 'log', 'sum', 'result']);
  });

  it('omits steps that change nothing', () => {
    const d = derive({ prediction: [0.15, 0.8, 0.05], target: 1 }, { ...DEFAULT_OPTIONS, preset: 'keras' }, 3);
    // Keras would renormalise and clip, but this row sums to 1 and nothing is below 1e-7.
    assert.deepEqual(kinds(d.steps), ['likelihood', 'formula', 'values', 'log', 'sum', 'result']);
    const sum = step(d.steps, 'sum');
    assert.deepEqual(sum.index, [1]);
    assert.equal(sum.value, -Math.log(0.8));
    assert.equal(d.value, -Math.log(0.8));
  });

  it('shows softmax via log-sum-exp, smoothing, class weights, sample weight and bits, each with its numbers', () => {
    const options: LossOptions = {
      ...DEFAULT_OPTIONS, input: 'logits', labelSmoothing: 0.1, classWeights: [1, 2, 0.5], base: '2',
    };
    const d = derive({ prediction: [2, 1, 0.5], target: 0, weight: 3 }, options, 3, ['cat', 'dog', 'bird']);
    assert.deepEqual(kinds(d.steps), [
      'likelihood', 'formula', 'values', 'softmax', 'label-smoothing', 'log', 'weights', 'sum', 'sample-weight', 'base', 'result',
    ]);
    assert.deepEqual(d.classNames, ['cat', 'dog', 'bird']);
    const sm = step(d.steps, 'softmax');
    assert.equal(sm.max, 2);
    assert.ok(Math.abs(sm.logSumExp - Math.log(Math.exp(2) + Math.exp(1) + Math.exp(0.5))) < 1e-15);
    assert.ok(Math.abs(sm.p.reduce((a, b) => a + b, 0) - 1) < 1e-15);
    const ls = step(d.steps, 'label-smoothing');
    assert.deepEqual(ls.before, [1, 0, 0]);
    assert.ok(Math.abs((ls.after[0] as number) - (0.9 + 0.1 / 3)) < 1e-16);
    const log = step(d.steps, 'log');
    assert.equal(log.via, 'log-softmax');
    assert.deepEqual(log.index, [0, 1, 2]);
    const sum = step(d.steps, 'sum');
    const recomputed = sum.index.reduce((acc, _, j) => acc + (sum.target[j] as number) * (sum.weight[j] as number) * (sum.surprisal[j] as number), 0);
    assert.ok(Math.abs(recomputed - sum.value) < 1e-14);
    const sw = step(d.steps, 'sample-weight');
    assert.deepEqual([sw.weight, sw.before * 3 === sw.after], [3, true]);
    const base = step(d.steps, 'base');
    assert.equal(base.after, base.before / Math.LN2);
    assert.equal(d.weight, 3);
  });

  it('binary focal: the focal factor and alpha_t steps', () => {
    const d = derive({ prediction: [0.8], target: 1 }, { ...DEFAULT_OPTIONS, kind: 'bce', preset: 'none', focalGamma: 2, focalAlpha: 0.25 }, 1);
    const focal = step(d.steps, 'focal');
    assert.ok(Math.abs(focal.oneMinusPt - 0.2) < 1e-16);
    assert.ok(Math.abs(focal.factor - 0.04) < 1e-16);
    const alpha = step(d.steps, 'focal-alpha');
    assert.equal(alpha.factor, 0.25);
    assert.equal(alpha.after, d.value);
  });

  it('categorical focal and keras renormalisation', () => {
    const d = derive({ prediction: [0.1, 0.5, 0.2], target: 1 }, { ...DEFAULT_OPTIONS, preset: 'keras', focalGamma: 2, focalAlpha: 0.5 }, 3);
    const rn = step(d.steps, 'renormalise');
    assert.ok(Math.abs(rn.sum - 0.8) < 1e-16);
    assert.ok(Math.abs((rn.after[1] as number) - 0.625) < 1e-16);
    const ff = step(d.steps, 'focal-factor');
    assert.ok(Math.abs((ff.factor[0] as number) - 0.375 ** 2) < 1e-16);
    assert.equal(step(d.steps, 'focal-alpha').alpha, 0.5);
    assert.ok(Math.abs(d.value - 0.5 * 0.375 ** 2 * -Math.log(0.625)) < 1e-16);
  });

  it('pos_weight and class weights on the two Bernoulli terms', () => {
    const d = derive({ prediction: [0.8], target: 0.25 }, { ...DEFAULT_OPTIONS, kind: 'bce', preset: 'none', classWeights: [0.5, 2], posWeight: 3 }, 1);
    const w = step(d.steps, 'weights');
    assert.deepEqual([w.index, w.classWeight, w.posWeight], [[1, 0], [2, 0.5], [3, 1]]);
  });

  it('ignored samples say so and contribute nothing', () => {
    const d = derive({ prediction: [0.2, 0.8], target: -100 }, { ...DEFAULT_OPTIONS, ignoreIndex: -100 }, 2);
    assert.deepEqual(kinds(d.steps), ['likelihood', 'formula', 'values', 'ignored', 'result']);
    assert.deepEqual([d.value, d.weight, d.ignored], [0, 0, true]);
  });

  it('multi-label: one sub-derivation per label and their mean', () => {
    const d = derive({ prediction: [0.8, 0.3, 0.9], target: [1, 0, 1] }, { ...DEFAULT_OPTIONS, kind: 'multilabel' }, 3);
    const labels = d.steps.filter((s) => s.kind === 'label');
    assert.equal(labels.length, 3);
    const mean = step(d.steps, 'label-mean');
    assert.ok(Math.abs(mean.value - 0.228393) < 5e-8);
    assert.equal(mean.value, d.value);
  });

  it('is plain data: survives JSON and carries no markup', () => {
    const d = derive({ prediction: [1, 2, 3], target: [0.2, 0.3, 0.5] }, { ...DEFAULT_OPTIONS, input: 'logits', focalGamma: 1 }, 3);
    const json = JSON.stringify(d);
    assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(JSON.parse(json))));
    const strings = json.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
    for (const s of strings) assert.ok(!/[<>$\\`*]/.test(s), `markup in ${s}`);
  });
});
