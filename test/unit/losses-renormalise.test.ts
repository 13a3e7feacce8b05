/**
 * The `renormalise` option: categorical probability rows divided by their sum before clipping,
 * whatever the preset says. References from scikit-learn 1.2.1's log_loss, which renormalises
 * rows (computed with /usr/bin/python3; the inputs are far from the clip, so its clip-first
 * order gives the same numbers):
 *
 *   P = [[0.2,0.5,0.2],[0.5,0.4,0.3],[0.1,0.1,0.8],[0.3,0.3,0.3]]; y = [1,0,2,2]
 *   [log_loss([y[i]], P[i:i+1], labels=[0,1,2]) for i in range(4)]
 */
import { strict as assert } from 'node:assert';
import { computeLosses, createEvaluator, lossUnderPresets } from '../../src/core/losses';
import { derive } from '../../src/core/derivation';
import { renderText } from '../../src/shared/render';
import { DEFAULT_OPTIONS, type LossOptions, type Sample } from '../../src/core/types';

const ce: LossOptions = { ...DEFAULT_OPTIONS, kind: 'ce' };
const P = [[0.2, 0.5, 0.2], [0.5, 0.4, 0.3], [0.1, 0.1, 0.8], [0.3, 0.3, 0.3]];
const Y = [1, 0, 2, 2];
const SKLEARN_PER_ROW = [0.587786664902119, 0.8754687373538999, 0.2231435513142097, 1.0986122886681096];
const SKLEARN_MEAN = 0.6962528105595845;
/** The same rows taken as they are: np.mean(-np.log(P[range(4), y])). */
const AS_IS_MEAN = 0.7033526791900091;

const samples: Sample[] = P.map((p, i) => ({ prediction: p, target: Y[i]! }));
const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 4e-16 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

describe('losses: the renormalise option', () => {
  it('classic with renormalise: each row as scikit-learn 1.2 computes it, and the mean', () => {
    const ev = createEvaluator({ ...ce, renormalise: true }, 3);
    samples.forEach((s, i) => close(ev.evaluate(s, ev.newEval()).loss, SKLEARN_PER_ROW[i]!, `row ${i}`));
    close(computeLosses(samples, { ...ce, renormalise: true }, 3).mean, SKLEARN_MEAN, 'mean');
    close(computeLosses(samples, ce, 3).mean, AS_IS_MEAN, 'unset: the preset (classic) does not renormalise');
  });

  it('overrides the preset both ways: Keras without it takes rows as they are, PyTorch with it divides', () => {
    close(computeLosses(samples, { ...ce, preset: 'keras', renormalise: false }, 3).mean, AS_IS_MEAN, 'keras, false');
    close(computeLosses(samples, { ...ce, preset: 'keras' }, 3).mean, SKLEARN_MEAN, 'keras, unset');
    close(computeLosses(samples, { ...ce, preset: 'pytorch', renormalise: true }, 3).mean, SKLEARN_MEAN, 'pytorch, true');
  });

  it('leaves logits, binary and multi-label losses alone', () => {
    const z = { prediction: [2, -1, 0.5], target: 0 };
    const lse = Math.log(Math.exp(2) + Math.exp(-1) + Math.exp(0.5));
    close(createEvaluator({ ...ce, input: 'logits', renormalise: true }, 3).evaluate(z, createEvaluator(ce, 3).newEval()).loss, lse - 2, 'logits');
    const b = createEvaluator({ ...ce, kind: 'bce', renormalise: true }, 1);
    close(b.evaluate({ prediction: [0.8], target: 1 }, b.newEval()).loss, -Math.log(0.8), 'bce');
    const m = createEvaluator({ ...ce, kind: 'multilabel', renormalise: true }, 2);
    close(m.evaluate({ prediction: [0.8, 0.6], target: [1, 1] }, m.newEval()).loss, -(Math.log(0.8) + Math.log(0.6)) / 2, 'multilabel');
  });

  it('is validated: a boolean or nothing', () => {
    assert.throws(() => createEvaluator({ ...ce, renormalise: 'yes' as unknown as boolean }, 3), /renormalise must be true or false/);
  });

  it('presets compared under the file\'s choice: every one renormalises', () => {
    const values = lossUnderPresets(samples[0]!, { ...ce, renormalise: true }, 3);
    close(values.classic, SKLEARN_PER_ROW[0]!, 'classic');
    close(values.pytorch, SKLEARN_PER_ROW[0]!, 'pytorch');
  });

  it('the derivation shows the division when the row does not sum to 1, and says why', () => {
    const d = derive(samples[0]!, { ...ce, renormalise: true }, 3);
    const step = d.steps.find((s) => s.kind === 'renormalise');
    assert.ok(step && step.kind === 'renormalise');
    assert.equal(step.by, 'option');
    close(step.sum, 0.9, 'sum');
    assert.deepEqual(step.after.map((x) => Number(x.toPrecision(12))), [0.222222222222, 0.555555555556, 0.222222222222]);
    assert.equal(d.value, createEvaluator({ ...ce, renormalise: true }, 3).evaluate(samples[0]!, createEvaluator(ce, 3).newEval()).loss);
    const text = renderText(d);
    assert.match(text, /Renormalise \(rows renormalised on read\):\n {2}the probabilities sum to 0\.9, so each is divided by it: p_0 = 0\.2222, p_1 = 0\.5556, p_2 = 0\.2222/);
    assert.match(text, /ln p_1 = ln 0\.5556 = -0\.5878/);
    // Keras does it itself: the step is named after it.
    const keras = derive(samples[0]!, { ...ce, preset: 'keras' }, 3).steps.find((s) => s.kind === 'renormalise');
    assert.equal(keras?.kind === 'renormalise' && keras.by, 'preset');
    assert.match(renderText(derive(samples[0]!, { ...ce, preset: 'keras' }, 3)), /Renormalise \(Keras\)/);
    // A row that sums to 1 exactly has nothing to divide.
    assert.equal(derive(samples[2]!, { ...ce, renormalise: true }, 3).steps.some((s) => s.kind === 'renormalise'), false);
  });
});
