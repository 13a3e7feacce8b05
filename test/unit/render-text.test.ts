/**
 * Plain-text derivations (CLI, screen readers): the exact text for representative cases built
 * with the real `derive`, their numbers checked against loss-math.md's reference values and
 * independent recomputation, and the abbreviation of long vectors.
 */
import { strict as assert } from 'node:assert';
import { derive } from '../../src/core/derivation';
import { DEFAULT_OPTIONS, type LossOptions } from '../../src/core/types';
import { renderText, textSteps, type TextStep } from '../../src/shared/render/text';

const bce: LossOptions = { ...DEFAULT_OPTIONS, kind: 'bce' };

function step(steps: TextStep[], kind: TextStep['kind']): string[] {
  const found = steps.find((s) => s.kind === kind);
  assert.ok(found, `no ${kind} in ${steps.map((s) => s.kind).join(', ')}`);
  return [found.title, ...found.lines];
}

describe('render: plain text', () => {
  it('BCE y=1, p=0.8: the Bernoulli likelihood, its negative log, the values, 0.2231 nats', () => {
    const text = renderText(derive({ prediction: [0.8], target: 1 }, bce, 1));
    assert.equal(text, [
      'Loss 0.2231 nats · binary cross-entropy · preset Classic log loss · ln (nats)',
      'Model:',
      '  y is a Bernoulli draw with P(y=1 | x) = p, so P(y | x) = p^y (1-p)^(1-y).',
      'Formula:',
      '  loss = -ln P(y | x) = -[y ln p + (1-y) ln(1-p)]',
      '  Preset: Classic log loss. ln is the natural log (nats).',
      'Values:',
      '  y = 1, p = 0.8',
      'Log (ln):',
      '  ln p = ln 0.8 = -0.2231',
      'Negative log-likelihood:',
      '  loss = y (-ln p) = 1 × 0.2231 = 0.2231',
      'Loss:',
      '  0.2231 nats',
    ].join('\n'));
  });

  it('CE from logits with class names: softmax via log-sum-exp with its numbers', () => {
    const z = [2, 1, 0.5];
    const d = derive({ prediction: z, target: 0 }, { ...DEFAULT_OPTIONS, input: 'logits' }, 3, ['cat', 'dog', 'bird']);
    // Independent: logsumexp and the loss from the definition.
    const lse = Math.log(z.reduce((a, v) => a + Math.exp(v), 0));
    assert.equal(lse.toFixed(3), '2.464');
    assert.equal((lse - 2).toFixed(4), '0.4644');
    assert.equal(renderText(d), [
      'Loss 0.4644 nats · categorical cross-entropy from logits · preset Classic log loss · ln (nats)',
      'Model:',
      '  t is one draw from a categorical distribution over K = 3 classes, so P(t | x) = product over k of p_k^t_k.',
      'Formula:',
      '  loss = -ln P(t | x) = -sum over k of t_k ln p_k, p = softmax(z)',
      '  Preset: Classic log loss. ln is the natural log (nats).',
      'Values:',
      '  true class cat; predicted class cat',
      '  z_cat = 2, z_dog = 1, z_bird = 0.5',
      'Softmax via log-sum-exp:',
      '  max z = 2; sum over k of e^(z_k - 2) = 1.591; logsumexp(z) = 2 + ln 1.591 = 2.464',
      '  p_k = e^(z_k - 2.464): p_cat = 0.6285, p_dog = 0.2312, p_bird = 0.1402',
      'Log (ln, exact from the logits):',
      '  ln p_cat = z_cat - logsumexp(z) = 2 - 2.464 = -0.4644',
      'Negative log-likelihood:',
      '  loss = -ln p_cat = 0.4644',
      'Loss:',
      '  0.4644 nats',
    ].join('\n'));
  });

  it('soft targets: every term of the sum (loss-math.md: 0.8987)', () => {
    const d = derive({ prediction: [0.1, 0.5, 0.4], target: [0.1, 0.7, 0.2] }, { ...DEFAULT_OPTIONS, preset: 'none' }, 3);
    const s = textSteps(d);
    assert.deepEqual(step(s, 'values'), ['Values', 't: t_0 = 0.1, t_1 = 0.7, t_2 = 0.2; predicted class 1', 'p_0 = 0.1, p_1 = 0.5, p_2 = 0.4']);
    assert.deepEqual(step(s, 'sum'), [
      'Negative log-likelihood',
      'loss = t_0 (-ln p_0) + t_1 (-ln p_1) + t_2 (-ln p_2) = 0.1 × 2.303 + 0.7 × 0.6931 + 0.2 × 0.9163 = 0.2303 + 0.4852 + 0.1833 = 0.8987',
    ]);
  });

  it('label smoothing: binary y\' and categorical t\'', () => {
    const b = textSteps(derive({ prediction: [0.8], target: 1 }, { ...bce, input: 'logits', labelSmoothing: 0.1 }, 1));
    assert.deepEqual(step(b, 'sigmoid'), ['Sigmoid', 'p = 1 / (1 + e^(-z)) = 1 / (1 + e^(-0.8)) = 0.69; 1 - p = sigmoid(-z) = 0.31']);
    assert.equal((1 / (1 + Math.exp(-0.8))).toFixed(4), '0.6900');
    assert.deepEqual(step(b, 'label-smoothing'), ['Label smoothing', "alpha = 0.1: y' = y (1 - alpha) + alpha/2 = 1 × 0.9 + 0.05 = 0.95"]);
    assert.deepEqual(step(b, 'sum'), [
      'Negative log-likelihood',
      'loss = y (-ln p) + (1-y) (-ln(1-p)) = 0.95 × 0.3711 + 0.05 × 1.171 = 0.3525 + 0.05856 = 0.4111',
    ]);
    const c = textSteps(derive({ prediction: [0.7, 0.2, 0.1], target: 0 }, { ...DEFAULT_OPTIONS, labelSmoothing: 0.3 }, 3, ['cat', 'dog', 'bird']));
    assert.deepEqual(step(c, 'label-smoothing'), [
      'Label smoothing',
      "alpha = 0.3, K = 3: t'_k = (1 - alpha) t_k + alpha/K = 0.7 t_k + 0.1",
      "t'_cat = 0.8, t'_dog = 0.1, t'_bird = 0.1",
    ]);
  });

  it('Keras clips p = 0 to 1e-7 (16.12); PyTorch floors the log at -100; none gives Infinity', () => {
    const keras = textSteps(derive({ prediction: [0], target: 1 }, { ...bce, preset: 'keras' }, 1));
    assert.deepEqual(step(keras, 'clip'), ['Clip (Keras, eps = 1e-7)', 'probabilities are clipped to [eps, 1 - eps]: p = 0 becomes 1e-7']);
    assert.deepEqual(step(keras, 'log'), ['Log (ln)', 'ln p = ln 1e-7 = -16.12']);
    assert.equal((-Math.log(1e-7)).toFixed(2), '16.12');
    const torch = textSteps(derive({ prediction: [0], target: 1 }, { ...bce, preset: 'pytorch' }, 1));
    assert.deepEqual(step(torch, 'log'), ['Log (ln)', 'ln p = ln 0 = -Infinity']);
    assert.deepEqual(step(torch, 'log-floor'), ['Log floor (PyTorch BCELoss, -100)', 'each log is clamped at -100: ln p = -Infinity becomes -100']);
    assert.deepEqual(step(torch, 'result'), ['Loss', '100 nats']);
    const none = textSteps(derive({ prediction: [0], target: 1 }, { ...bce, preset: 'none' }, 1));
    assert.deepEqual(step(none, 'result'), ['Loss', 'Infinity nats']);
    // The upper clip bound reads as 1 - eps, not as a rounded 1.
    const upper = textSteps(derive({ prediction: [1], target: 0 }, { ...bce, preset: 'keras' }, 1));
    assert.deepEqual(step(upper, 'clip'), ['Clip (Keras, eps = 1e-7)', 'probabilities are clipped to [eps, 1 - eps]: p = 1 becomes (1 - 1e-7)']);
    assert.deepEqual(step(upper, 'sum'), ['Negative log-likelihood', 'loss = (1-y) (-ln(1-p)) = 1 × 16.12 = 16.12']);
    const classic = textSteps(derive({ prediction: [0.2, 0, 0.8], target: 1 }, DEFAULT_OPTIONS, 3));
    assert.deepEqual(step(classic, 'clip'), ['Clip (Classic log loss, eps = 1e-15)', 'probabilities are clipped to [eps, 1 - eps]: p_1 = 0 becomes 1e-15']);
    assert.deepEqual(step(classic, 'result'), ['Loss', '34.54 nats']);
  });

  it('focal: binary factor and alpha_t; categorical factor per class and alpha', () => {
    const b = textSteps(derive({ prediction: [0.8], target: 1 }, { ...bce, preset: 'none', focalGamma: 2, focalAlpha: 0.25 }, 1));
    assert.deepEqual(step(b, 'formula')[1], 'loss = alpha_t (1-p_t)^gamma × BCE, BCE = -[y ln p + (1-y) ln(1-p)]');
    assert.deepEqual(step(b, 'focal'), ['Focal (gamma = 2)', '1 - p_t = 0.2, (1 - p_t)^2 = 0.04: 0.2231 × 0.04 = 0.008926']);
    assert.deepEqual(step(b, 'focal-alpha'), ['Focal alpha', 'alpha_t = y alpha + (1-y)(1-alpha) = 0.25 (alpha = 0.25): 0.008926 × 0.25 = 0.002231']);
    assert.equal((0.25 * 0.04 * -Math.log(0.8)).toPrecision(4), '0.002231');
    const c = textSteps(derive({ prediction: [0.1, 0.5, 0.2], target: 1 }, { ...DEFAULT_OPTIONS, preset: 'keras', focalGamma: 2, focalAlpha: 0.5 }, 3));
    assert.deepEqual(step(c, 'renormalise'), ['Renormalise (Keras)', 'the probabilities sum to 0.8, so each is divided by it: p_0 = 0.125, p_1 = 0.625, p_2 = 0.25']);
    assert.deepEqual(step(c, 'focal-factor'), ['Focal factor (gamma = 2)', '(1 - p_1)^2 = (1 - 0.625)^2 = 0.1406']);
    assert.deepEqual(step(c, 'sum'), ['Negative log-likelihood', 'loss = (1-p_1)^gamma (-ln p_1) = 0.1406 × 0.47 = 0.06609']);
    assert.deepEqual(step(c, 'focal-alpha'), ['Focal alpha', 'alpha = 0.5: 0.06609 × 0.5 = 0.03305']);
    assert.equal((0.5 * 0.375 ** 2 * -Math.log(0.625)).toPrecision(4), '0.03305');
  });

  it('multi-label car/cat/dog: a per-label table, then the mean (loss-math.md: 0.2283930)', () => {
    const d = derive({ prediction: [0.8, 0.3, 0.9], target: [1, 0, 1] }, { ...DEFAULT_OPTIONS, kind: 'multilabel' }, 3, ['car', 'cat', 'dog']);
    const lines = renderText(d).split('\n');
    assert.equal(lines.slice(lines.indexOf('Values:')).join('\n'), [
      'Values:',
      '  y = [1, 0, 1], p = [0.8, 0.3, 0.9]',
      'Per label (nats):',
      '  label  y  p    loss',
      '  car    1  0.8  0.2231',
      '  cat    0  0.3  0.3567',
      '  dog    1  0.9  0.1054',
      'Mean over labels:',
      '  (0.2231 + 0.3567 + 0.1054) / 3 = 0.2284',
      'Loss:',
      '  0.2284 nats',
    ].join('\n'));
  });

  it('multi-label notes: clipping and the -100 floor per label, and each label\'s steps on request', () => {
    const d = derive({ prediction: [0, 0.5], target: [1, 1] }, { ...DEFAULT_OPTIONS, kind: 'multilabel', preset: 'pytorch' }, 2, ['car', 'cat']);
    const s = textSteps(d, { labelDetail: true });
    assert.deepEqual(step(s, 'labels'), ['Per label (nats)', 'label  y  p    loss    notes', 'car    1  0    100     log clamped at -100', 'cat    1  0.5  0.6931']);
    assert.ok(s.some((x) => x.title === 'Label car: Log floor (PyTorch BCELoss, -100)'));
  });

  it('bits: the conversion step names log2 and both units', () => {
    const d = derive({ prediction: [0.8], target: 1 }, { ...bce, base: '2' }, 1);
    const s = textSteps(d);
    assert.deepEqual(step(s, 'base'), ['To bits', '0.2231 nats / ln 2 = 0.3219 bits (log2)']);
    assert.equal((-Math.log2(0.8)).toFixed(4), '0.3219');
    assert.match(renderText(d).split('\n')[0] ?? '', /^Loss 0\.3219 bits · .* · log2 \(bits\)$/);
  });

  it('class and pos weights on the two Bernoulli terms; sample weight; the mean\'s denominator', () => {
    const d = derive({ prediction: [0.8], target: 0.25, weight: 2 }, { ...bce, preset: 'none', classWeights: [0.5, 2], posWeight: 3 }, 1);
    const s = textSteps(d);
    assert.deepEqual(step(s, 'weights'), ['Weights', 'positive term w = w_1 × pos_weight = 2 × 3 = 6, negative term w = w_0 = 0.5']);
    assert.deepEqual(step(s, 'sum'), ['Negative log-likelihood', 'loss = w y (-ln p) + w (1-y) (-ln(1-p)) = 6 × 0.25 × 0.2231 + 0.5 × 0.75 × 1.609 = 0.3347 + 0.6035 = 0.9383']);
    assert.equal((6 * 0.25 * -Math.log(0.8) + 0.5 * 0.75 * -Math.log(0.2)).toFixed(4), '0.9383');
    assert.deepEqual(step(s, 'sample-weight'), ['Sample weight', '0.9383 × 2 = 1.877']);
    assert.deepEqual(step(s, 'result'), ['Loss', "1.877 nats; weight 2 in the mean's denominator"]);
    const c = textSteps(derive({ prediction: [0.2, 0.8], target: 1 }, { ...DEFAULT_OPTIONS, classWeights: [1, 2] }, 2, ['no', 'yes']));
    assert.deepEqual(step(c, 'weights'), ['Class weight', 'w_yes = 2']);
    assert.deepEqual(step(c, 'sum'), ['Negative log-likelihood', 'loss = w_yes (-ln p_yes) = 2 × 0.2231 = 0.4463']);
  });

  it('binary class names label the outcome', () => {
    const s = textSteps(derive({ prediction: [0.3], target: 1 }, bce, 1, ['benign', 'malignant']));
    assert.deepEqual(step(s, 'values'), ['Values', 'y = 1 (malignant), p = 0.3']);
  });

  it('ignored samples say why and count for nothing', () => {
    const s = textSteps(derive({ prediction: [0.2, 0.8], target: -100 }, { ...DEFAULT_OPTIONS, ignoreIndex: -100 }, 2));
    assert.deepEqual(step(s, 'values'), ['Values', 'label -100; predicted class 1', 'p_0 = 0.2, p_1 = 0.8']);
    assert.deepEqual(step(s, 'ignored'), ['Ignored', "the label -100 equals ignore_index -100: the sample is left out of the loss and of the mean's denominator."]);
    assert.deepEqual(step(s, 'result'), ['Loss', "0 nats; weight 0 in the mean's denominator"]);
  });

  it('K = 1000: the true class, the predicted class and the most probable, then "... N more"', () => {
    const K = 1000;
    const p = Array.from({ length: K }, (_, k) => (k === 7 ? 0.5 : k === 3 ? 0.2 : k === 500 ? 0.1 : k === 900 ? 0.05 : k === 42 ? 0.04 : k === 64 ? 0.03 : 0.08 / 994));
    const names = Array.from({ length: K }, (_, k) => `c${k}`);
    const d = derive({ prediction: p, target: 900 }, DEFAULT_OPTIONS, K, names);
    const s = textSteps(d, { maxEntries: 6 });
    assert.deepEqual(step(s, 'values'), [
      'Values',
      'true class c900; predicted class c7',
      'p_c3 = 0.2, p_c7 = 0.5, p_c42 = 0.04, p_c500 = 0.1, p_c900 = 0.05, ... 995 more classes',
    ]);
    // The default keeps 7 entries and the "more" line.
    assert.match(step(textSteps(d), 'values')[2] ?? '', /, \.\.\. 993 more classes$/);
    assert.deepEqual(step(s, 'log'), ['Log (ln)', 'ln p_c900 = ln 0.05 = -2.996']);
    // Smoothing makes all 1000 terms count: the sum shows the largest and says how many it left out.
    const sm = textSteps(derive({ prediction: p, target: 900 }, { ...DEFAULT_OPTIONS, labelSmoothing: 0.1 }, K, names), { maxEntries: 4 });
    const sum = step(sm, 'sum')[1] ?? '';
    const independent = -p.reduce((a, pk, k) => a + (0.9 * (k === 900 ? 1 : 0) + 0.1 / K) * Math.log(pk), 0);
    assert.equal(independent.toFixed(3), '3.635');
    // The true and predicted classes, then the first of the equal small terms.
    assert.match(sum, /^loss = t_c0 \(-ln p_c0\) \+ t_c7 \(-ln p_c7\) \+ t_c900 \(-ln p_c900\) \+ \.\.\. 997 more terms = .* = 3\.635$/);
    assert.ok(sum.length < 400, sum);
  });

  it('no step prints undefined or NaN, and the result parses back to the loss', () => {
    const cases: [Parameters<typeof derive>[0], LossOptions, number][] = [
      [{ prediction: [0.3, 0.7], target: [0, 1] }, { ...DEFAULT_OPTIONS, kind: 'multilabel', input: 'probs', focalGamma: 2, focalAlpha: 0.3, classWeights: [1, 2], posWeight: [2, 1], labelSmoothing: 0.2 }, 2],
      [{ prediction: [-3, 4, 0], target: [0.2, 0.3, 0.5], weight: 0.5 }, { ...DEFAULT_OPTIONS, input: 'logits', preset: 'sklearn', focalGamma: 1, base: '2' }, 3],
      [{ prediction: [-40], target: 1 }, { ...bce, input: 'logits', preset: 'sklearn' }, 1],
    ];
    for (const [sample, options, k] of cases) {
      const d = derive(sample, options, k);
      const text = renderText(d, { labelDetail: true });
      assert.ok(!/undefined|NaN/.test(text), text);
      const last = text.split('\n').pop() ?? '';
      const shown = Number(last.trim().split(' ')[0]);
      assert.ok(Math.abs(shown - d.value) <= 5e-4 * d.value, `${last} vs ${d.value}`);
    }
  });
});
