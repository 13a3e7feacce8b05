/**
 * TeX for the derivation panel: every string KaTeX is given parses (strict mode) for random
 * samples and options of every kind, names with TeX specials included; each entry carries the
 * plain-text equivalent; every step kind is rendered; the preamble substitutes the sample's numbers.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import katex from 'katex';
import { derive, type DerivationStepKind } from '../../src/core/derivation';
import { DEFAULT_OPTIONS, PRESET_NAMES, type LossKind, type LossOptions, type Sample } from '../../src/core/types';
import { renderPreamble, renderPreambleText } from '../../src/shared/render/preamble';
import { escapeTexText, renderTexSteps, type TexEntry } from '../../src/shared/render/tex';

function parses(e: TexEntry): void {
  try {
    katex.renderToString(e.tex, { throwOnError: true, displayMode: true, strict: 'error' });
  } catch (err) {
    assert.fail(`${e.title}: ${(err as Error).message}\n${e.tex}`);
  }
}

const bce: LossOptions = { ...DEFAULT_OPTIONS, kind: 'bce' };

/** Every step kind, checked complete by the compiler (a missing key fails to type-check). */
const ALL_KINDS: Record<DerivationStepKind, true> = {
  likelihood: true, formula: true, values: true, temperature: true, ignored: true, sigmoid: true, softmax: true, renormalise: true,
  'label-smoothing': true, clip: true, log: true, 'log-floor': true, 'focal-factor': true, weights: true, sum: true,
  focal: true, 'focal-alpha': true, label: true, 'label-mean': true, 'sample-weight': true, base: true, result: true,
};

const K = 4;
const NAMES = ['a|b*', '50% & $x$', 'c_{d}^~\\', 'chat é'];

const optionsArb = (kind: LossKind): fc.Arbitrary<LossOptions> => fc.record({
  preset: fc.constantFrom(...PRESET_NAMES),
  input: fc.constantFrom('probs' as const, 'logits' as const),
  labelSmoothing: fc.constantFrom(0, 0.1),
  base: fc.constantFrom('e' as const, '2' as const),
  weights: fc.option(fc.array(fc.constantFrom(0.5, 1, 2), { minLength: kind === 'bce' ? 2 : K, maxLength: kind === 'bce' ? 2 : K })),
  posWeight: fc.option(fc.constantFrom(0.5, 3)),
  focal: fc.option(fc.record({ gamma: fc.constantFrom(0, 2), alpha: fc.option(fc.constantFrom(0.25, 1)) })),
  temperature: fc.option(fc.constantFrom(0.5, 2)),
}).map(({ preset, input, labelSmoothing, base, weights, posWeight, focal, temperature }) => {
  const o: LossOptions = { ...DEFAULT_OPTIONS, kind, preset, input, labelSmoothing, base };
  if (temperature !== null) o.temperature = temperature;
  if (weights !== null) o.classWeights = weights;
  if (posWeight !== null && kind !== 'ce') o.posWeight = posWeight;
  if (focal !== null) {
    o.focalGamma = focal.gamma;
    if (focal.alpha !== null) o.focalAlpha = focal.alpha;
  }
  if (kind !== 'multilabel') o.ignoreIndex = -1;
  return o;
});

const sampleArb = (kind: LossKind, input: 'probs' | 'logits'): fc.Arbitrary<Sample> => {
  const width = kind === 'bce' ? 1 : K;
  const value = input === 'probs'
    ? fc.oneof(fc.constantFrom(0, 1, 1e-20, 0.5), fc.double({ min: 0, max: 1, noNaN: true }))
    : fc.oneof(fc.constantFrom(500, -500, 0), fc.double({ min: -40, max: 40, noNaN: true }));
  const target: fc.Arbitrary<number | number[]> = kind === 'bce'
    ? fc.constantFrom(0, 1, -1, 0.3)
    : kind === 'multilabel'
      ? fc.array(fc.constantFrom(0, 1, 0.4), { minLength: K, maxLength: K })
      : fc.oneof(fc.integer({ min: -1, max: K - 1 }), fc.array(fc.constantFrom(0, 0.25, 0.5), { minLength: K, maxLength: K }));
  return fc.record({
    prediction: fc.array(value, { minLength: width, maxLength: width }),
    target,
    weight: fc.constantFrom(1, 0, 2.5),
  });
};

describe('render: TeX', () => {
  it('BCE y=1, p=0.8: one entry per step, with its plain text', () => {
    const entries = renderTexSteps(derive({ prediction: [0.8], target: 1 }, bce, 1));
    assert.deepEqual(entries.map((e) => [e.title, e.tex]), [
      ['Model', 'P(y \\mid x) = p^{y}\\,(1-p)^{1-y}'],
      ['Formula', '\\ell = -\\ln P(y \\mid x) = -\\bigl[y \\ln p + (1-y) \\ln(1-p)\\bigr],\\quad\\allowbreak \\ln = \\log_e\\ \\text{(nats)}'],
      ['Values', 'y = 1,\\quad\\allowbreak p = 0.8'],
      ['Log (ln)', '\\ln p = \\ln 0.8 = -0.2231'],
      ['Negative log-likelihood', '\\ell = y\\,(-\\ln p) = 1 \\cdot 0.2231 = 0.2231'],
      ['Loss', '\\ell = 0.2231\\ \\text{nats}'],
    ]);
    assert.equal(entries[3]?.text, 'Log (ln): ln p = ln 0.8 = -0.2231');
    entries.forEach(parses);
  });

  it('every TeX string parses in KaTeX, for random samples and options of every kind, with TeX specials in names', () => {
    const seen = new Set<string>();
    for (const kind of ['bce', 'ce', 'multilabel'] as const) {
      fc.assert(fc.property(
        optionsArb(kind).chain((o) => fc.tuple(fc.constant(o), sampleArb(kind, o.input))),
        ([options, sample]) => {
          const d = derive(sample, options, K, kind === 'bce' ? undefined : NAMES);
          d.steps.forEach((s) => seen.add(s.kind));
          for (const s of d.steps) if (s.kind === 'label') s.steps.forEach((x) => seen.add(x.kind));
          const entries = [...renderPreamble(d, { mean: 0.5, count: 10 }), ...renderTexSteps(d, { labelDetail: true })];
          for (const e of entries) {
            parses(e);
            assert.ok(!/undefined|NaN/.test(e.tex + e.text), `${e.title}: ${e.tex} / ${e.text}`);
            assert.ok(e.text.length > 0);
          }
        },
      ), { seed: 3, numRuns: 60 });
    }
    // The random runs between them exercise every step kind the renderers know.
    assert.deepEqual([...seen].sort(), Object.keys(ALL_KINDS).sort());
  });

  it('names are escaped for TeX text mode', () => {
    assert.equal(escapeTexText('50% & $x$ a_b {c} ~^\\'), '50\\% \\& \\$x\\$ a\\_b \\{c\\} \\textasciitilde{}\\textasciicircum{}\\textbackslash{}');
    const d = derive({ prediction: [0.7, 0.2, 0.1], target: 0 }, DEFAULT_OPTIONS, 3, ['a|b*', 'x_y', '2']);
    const values = renderTexSteps(d).find((e) => e.kind === 'values');
    assert.ok(values?.tex.includes('p_{\\text{a|b*}} = 0.7,\\ \\allowbreak p_{\\text{x\\_y}} = 0.2,\\ \\allowbreak p_{2} = 0.1'), values?.tex);
  });

  it('a formula on several rows also lists its rows, each a formula of its own that parses', () => {
    const d = derive({ prediction: [0.7, 0.2, 0.1], target: 0 }, DEFAULT_OPTIONS, 3, ['cat', 'dog', 'bird']);
    const entries = renderTexSteps(d);
    const values = entries.find((e) => e.kind === 'values');
    assert.deepEqual(values?.rows, [
      '\\text{true class} = \\text{cat},\\quad\\allowbreak \\text{predicted class} = \\text{cat}',
      'p_{\\text{cat}} = 0.7,\\ \\allowbreak p_{\\text{dog}} = 0.2,\\ \\allowbreak p_{\\text{bird}} = 0.1',
    ]);
    assert.equal(values?.tex, `\\begin{gathered}${values?.rows?.join(' \\\\ ')}\\end{gathered}`);
    for (const r of values?.rows ?? []) katex.renderToString(r, { throwOnError: true, displayMode: true, strict: 'error' });
    // One-row formulas carry no rows.
    assert.equal(entries.find((e) => e.kind === 'log')?.rows, undefined);
  });

  it('scientific numbers stay one term: in a log\'s argument and as a power\'s base', () => {
    const d = derive({ prediction: [-40], target: 1 }, { ...bce, input: 'logits', preset: 'sklearn' }, 1);
    const entries = renderTexSteps(d);
    assert.equal(entries.find((e) => e.kind === 'clip')?.tex, 'p \\in [\\epsilon, 1-\\epsilon],\\ \\epsilon = 2.22 \\times 10^{-16}\\ \\text{(scikit-learn)}:\\quad p = 4.248 \\times 10^{-18} \\to 2.22 \\times 10^{-16}');
    assert.equal(entries.find((e) => e.kind === 'log')?.tex, '\\ln p = \\ln (2.22 \\times 10^{-16}) = -36.04');
    const likelihood = renderPreamble(d)[3];
    assert.equal(likelihood?.tex, 'P(y \\mid x) = p^{y}\\,(1-p)^{1-y} = {4.248 \\times 10^{-18}}^{1}\\,(1-4.248 \\times 10^{-18})^{0} = 4.248 \\times 10^{-18}');
    [...entries, ...renderPreamble(d)].forEach(parses);
  });

  it('multi-label: one table entry for the labels, and a sentence per label for screen readers', () => {
    const d = derive({ prediction: [0.8, 0.3, 0.9], target: [1, 0, 1] }, { ...DEFAULT_OPTIONS, kind: 'multilabel' }, 3, ['car', 'cat', 'dog']);
    const entries = renderTexSteps(d);
    const table = entries.find((e) => e.kind === 'labels');
    assert.equal(table?.tex, '\\begin{array}{lrrr}\\text{label} & y & p & \\ell \\\\ \\hline \\text{car} & 1 & 0.8 & 0.2231 \\\\ \\text{cat} & 0 & 0.3 & 0.3567 \\\\ \\text{dog} & 1 & 0.9 & 0.1054 \\\\\\end{array}');
    assert.equal(table?.text, 'Per label (nats): label car, y 1, p 0.8, loss 0.2231; label cat, y 0, p 0.3, loss 0.3567; label dog, y 1, p 0.9, loss 0.1054');
    assert.equal(entries.find((e) => e.kind === 'label-mean')?.tex, '\\ell = \\frac{1}{L}\\sum_l \\ell_l = \\frac{1}{3}(0.2231 + 0.3567 + 0.1054) = 0.2284');
    entries.forEach(parses);
  });

  it('K = 1000: vectors abbreviated in TeX too', () => {
    const K1000 = 1000;
    const p = Array.from({ length: K1000 }, (_, k) => (k === 7 ? 0.5 : k === 3 ? 0.3 : 0.2 / 998));
    const d = derive({ prediction: p.map(Math.log), target: 3 }, { ...DEFAULT_OPTIONS, input: 'logits' }, K1000);
    const entries = renderTexSteps(d, { maxEntries: 3 });
    const softmax = entries.find((e) => e.kind === 'softmax');
    assert.match(softmax?.tex ?? '', /:\\ p_\{3\} = 0\.3,\\ \\allowbreak p_\{7\} = 0\.5,\\ \\allowbreak \\ldots\\ \\text\{\(998 more classes\)\}\\end\{gathered\}$/);
    for (const e of entries) {
      parses(e);
      assert.ok(e.tex.length < 600, `${e.title}: ${e.tex.length} characters`);
    }
  });
});

describe('render: preamble (Bayes to the mean)', () => {
  it('Bayes and MAP with the textbook numbers; the sample\'s likelihood, log and negation; the data set mean', () => {
    const d = derive({ prediction: [0.8], target: 1 }, bce, 1);
    const entries = renderPreamble(d, { mean: 0.35, count: 569 });
    assert.deepEqual(entries.map((e) => e.title), [
      "Bayes' rule", 'Most probable hypothesis (MAP)', 'Uniform prior: maximum likelihood', 'Bernoulli likelihood',
      'Independent samples', 'Take the log (ln, nats)', 'Negate', 'Mean over N samples',
    ]);
    // loss-math.md section 3: 0.95 x 0.2 / 0.3 = 0.633; h1 0.19 beats h2 0.08.
    assert.equal((0.95 * 0.2 / 0.3).toFixed(3), '0.633');
    assert.equal(entries[0]?.tex, 'P(h \\mid D) = \\frac{P(D \\mid h)\\,P(h)}{P(D)},\\quad\\allowbreak \\text{e.g.}\\ \\frac{0.95 \\cdot 0.2}{0.3} = 0.6333');
    assert.match(entries[1]?.tex ?? '', /h_1: 0\.95 \\cdot 0\.2 = 0\.19 > h_2: 0\.1 \\cdot 0\.8 = 0\.08 \\Rightarrow h_1$/);
    assert.equal(entries[3]?.tex, 'P(y \\mid x) = p^{y}\\,(1-p)^{1-y} = 0.8^{1}\\,(1-0.8)^{0} = 0.8');
    assert.equal(entries[5]?.tex, '\\ln L = \\sum_i \\ln P(y_i \\mid x_i),\\quad\\allowbreak \\text{this sample:}\\ \\ln P = -0.2231');
    assert.equal(entries[6]?.tex, '-\\ln L = \\sum_i -\\ln P(y_i \\mid x_i),\\quad\\allowbreak \\text{this sample:}\\ -\\ln P = 0.2231\\ \\text{nats}');
    assert.equal(entries[7]?.tex, '\\mathrm{BCE} = -\\frac{1}{N}\\sum_{i=1}^{N}\\bigl[y_i \\ln p_i + (1-y_i) \\ln(1-p_i)\\bigr] = 0.35\\ \\text{nats},\\quad\\allowbreak N = 569');
    entries.forEach(parses);
    assert.ok(renderPreambleText(d).includes('for example 0.95 × 0.2 / 0.3 = 0.6333'));
  });

  it('categorical: p of the true class; bits name log2; the options\' effect is stated', () => {
    const d = derive({ prediction: [2, 1, 0.5], target: 0 }, { ...DEFAULT_OPTIONS, input: 'logits', base: '2', labelSmoothing: 0.1 }, 3, ['cat', 'dog', 'bird']);
    const entries = renderPreamble(d);
    const byTitle = (t: string): TexEntry | undefined => entries.find((e) => e.title === t);
    assert.equal(byTitle('Categorical likelihood')?.tex, 'P(t \\mid x) = \\prod_k p_k^{t_k} = p_{\\text{cat}} = 0.6285');
    const lse = Math.log(Math.exp(2) + Math.exp(1) + Math.exp(0.5));
    assert.equal(((2 - lse) / Math.LN2).toPrecision(4), '-0.6699');
    assert.equal(byTitle('Take the log (log2, bits)')?.text, 'The log is monotonic, so maximising log2 L picks the same model and turns the product into a sum: log2 L = sum over i of log2 P(t_i | x_i); this sample: log2 P = -0.6699.');
    const smoothed = [0.9 + 0.1 / 3, 0.1 / 3, 0.1 / 3];
    const loss = -[2, 1, 0.5].reduce((a, z, k) => a + (smoothed[k] ?? 0) * (z - lse), 0) / Math.LN2;
    assert.equal(loss.toPrecision(4), '0.7902');
    assert.match(byTitle('Negate')?.text ?? '', /-log2 P = 0\.6699 bits; with the preset and options its loss is 0\.7902 bits\.$/);
    assert.ok(!entries.some((e) => e.text.includes(' ln ')));
    entries.forEach(parses);
  });

  it('multi-label: the product over labels, and the mean over labels is the sample\'s loss', () => {
    const d = derive({ prediction: [0.8, 0.3, 0.9], target: [1, 0, 1] }, { ...DEFAULT_OPTIONS, kind: 'multilabel' }, 3);
    const entries = renderPreamble(d);
    assert.equal(entries[3]?.tex, 'P(y \\mid x) = \\prod_l p_l^{y_l}\\,(1-p_l)^{1-y_l} = 0.8^{1}\\,(1-0.8)^{0} \\cdot 0.3^{0}\\,(1-0.3)^{1} \\cdot 0.9^{1}\\,(1-0.9)^{0} = 0.504');
    assert.equal((0.8 * 0.7 * 0.9).toFixed(3), '0.504');
    // -ln 0.504 / 3 = 0.2284, the multi-label loss: no "options changed it" remark.
    assert.equal(entries[6]?.text, 'Multiply by -1 to turn maximisation into the minimisation gradient descent does; this sample: -ln P = 0.6852 nats, mean over L = 3 labels: 0.2284.');
    entries.forEach(parses);
  });
});
