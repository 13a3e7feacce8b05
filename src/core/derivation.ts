/**
 * One sample's loss, explained step by step as pure data: where the loss comes from (the
 * likelihood), the formula, the user's values, each transformation that changes the number, and
 * the final value. Renderers (hover Markdown, KaTeX, CLI text) switch over `kind`.
 *
 * The derivation runs the evaluator itself with recording on and reads back the intermediate
 * numbers it computed, so `value` is the evaluator's loss bit for bit.
 *
 * Index conventions: categorical steps list classes by index; binary steps use the two outcomes
 * of the Bernoulli, 1 for the positive term (y ln p) and 0 for the negative one ((1-y) ln(1-p)),
 * i.e. BCE as the categorical CE over [1 - p, p].
 */
import { EvaluatorImpl } from './losses';
import { expNonPositive } from './loss/exp';
import type { ResolvedOptions } from './loss/resolve';
import type { Scratch } from './loss/scratch';
import type { InputKind, LogBase, LossKind, LossOptions, PresetName, Sample } from './types';

export type DerivationStep =
  /** The probability model the loss is the negative log-likelihood of. */
  | { kind: 'likelihood'; model: 'bernoulli' | 'categorical' | 'bernoulli-per-label'; outcomes: number }
  /** The loss formula in force (renderers pick the text from these fields). */
  | { kind: 'formula'; loss: LossKind; input: InputKind; focal: boolean; preset: PresetName }
  /** The sample as read: prediction, dense target, the sparse label when there was one, the sample weight. */
  | { kind: 'values'; prediction: number[]; target: number[]; label: number | null; sampleWeight: number }
  /** The temperature T (a what-if): logits divided by T, or probabilities raised to 1/T and renormalised. */
  | { kind: 'temperature'; temperature: number; input: InputKind; before: number[]; after: number[] }
  /** The label equals ignoreIndex: the sample is left out of the loss and of the mean's denominator. */
  | { kind: 'ignored'; label: number; ignoreIndex: number }
  /** p = 1 / (1 + e^-z); oneMinusP = sigmoid(-z), computed directly. */
  | { kind: 'sigmoid'; z: number; p: number; oneMinusP: number }
  /** p_k = e^(z_k - max) / sumExp; logSumExp = max + ln(sumExp). */
  | { kind: 'softmax'; z: number[]; max: number; sumExp: number; logSumExp: number; p: number[] }
  /** Probabilities divided by their row sum: by the preset (Keras), or by the `renormalise` option. */
  | { kind: 'renormalise'; sum: number; before: number[]; after: number[]; by: 'preset' | 'option' }
  /** t' = (1 - alpha) t + alpha / classes (binary: classes = 2). */
  | { kind: 'label-smoothing'; alpha: number; classes: number; before: number[]; after: number[] }
  /** Probabilities clipped to [lower, upper] by the preset; only the entries that changed. */
  | { kind: 'clip'; preset: PresetName; eps: number; lower: number; upper: number; index: number[]; before: number[]; after: number[] }
  /** The logs taken: logP = ln p, or exactly via log-softmax / log-sigmoid from the logits. */
  | { kind: 'log'; via: 'log' | 'log-softmax' | 'log-sigmoid'; index: number[]; p: number[]; logP: number[] }
  /** PyTorch's BCELoss clamps each log at -100; only the entries that changed. */
  | { kind: 'log-floor'; floor: number; index: number[]; before: number[]; after: number[] }
  /** Categorical focal factor (1 - p_k)^gamma per class. */
  | { kind: 'focal-factor'; gamma: number; index: number[]; p: number[]; factor: number[] }
  /**
   * Per-term weights: class weight (binary: w1 on the positive term, w0 on the negative one; a
   * multi-label label weight on both) and pos_weight (positive term only; 1 when unset).
   */
  | { kind: 'weights'; index: number[]; classWeight: number[]; posWeight: number[] }
  /** value = sum over index of target x weight x factor x surprisal (= terms), surprisal = -logP. */
  | {
    kind: 'sum'; index: number[]; target: number[]; weight: number[]; factor: number[]; surprisal: number[];
    terms: number[]; value: number;
  }
  /** Binary focal: factor = (1 - p_t)^gamma with 1 - p_t = y(1 - p) + (1 - y)p. */
  | { kind: 'focal'; gamma: number; oneMinusPt: number; factor: number; before: number; after: number }
  /** Focal alpha: binary alpha_t = y alpha + (1 - y)(1 - alpha); categorical the scalar alpha. */
  | { kind: 'focal-alpha'; alpha: number; factor: number; before: number; after: number }
  /** One label of a multi-label sample, with its own steps. */
  | { kind: 'label'; label: number; steps: DerivationStep[]; value: number }
  /** Multi-label: the mean of the labels' losses. */
  | { kind: 'label-mean'; labelLosses: number[]; value: number }
  | { kind: 'sample-weight'; weight: number; before: number; after: number }
  /** Nats to bits: after = before / ln 2. */
  | { kind: 'base'; base: LogBase; before: number; after: number }
  /** The final value, and its share of the mean's denominator. */
  | { kind: 'result'; value: number; base: LogBase; weight: number };

export type DerivationStepKind = DerivationStep['kind'];

export interface Derivation {
  options: Readonly<LossOptions>;
  classNames?: readonly string[];
  steps: DerivationStep[];
  /** The loss, equal to the evaluator's SampleEval.loss. */
  value: number;
  /** The sample's share of the mean's denominator (SampleEval.weight). */
  weight: number;
  ignored: boolean;
  trueClass: number;
  predictedClass: number;
}

/** Derive one sample's loss under the given options; throws as the evaluator does on bad input. */
export function derive(sample: Sample, options: LossOptions, numClasses: number, classNames?: readonly string[]): Derivation {
  const evaluator = new EvaluatorImpl(options, numClasses);
  const out = evaluator.run(sample, evaluator.newEval(), true);
  const r = evaluator.r;
  const steps: DerivationStep[] = [];
  steps.push({
    kind: 'likelihood',
    model: r.kind === 'bce' ? 'bernoulli' : r.kind === 'ce' ? 'categorical' : 'bernoulli-per-label',
    outcomes: r.kind === 'bce' ? 2 : r.width,
  });
  steps.push({ kind: 'formula', loss: r.kind, input: r.input, focal: r.focal, preset: r.preset });
  const sampleWeight = sample.weight ?? 1;
  const label = typeof sample.target === 'number' && r.kind === 'ce' ? sample.target : null;
  steps.push({
    kind: 'values',
    prediction: Array.from(sample.prediction),
    target: out.ignored ? (typeof sample.target === 'number' ? [sample.target] : Array.from(sample.target)) : Array.from(out.targets),
    label,
    sampleWeight,
  });

  if (out.ignored) {
    const t = sample.target;
    steps.push({ kind: 'ignored', label: typeof t === 'number' ? t : (t[0] as number), ignoreIndex: r.ignoreIndex as number });
  } else {
    const prediction = evaluator.tempered ?? sample.prediction;
    if (evaluator.tempered !== null) {
      steps.push({ kind: 'temperature', temperature: r.temperature, input: r.input, before: Array.from(sample.prediction), after: Array.from(evaluator.tempered) });
    }
    if (r.kind === 'ce') {
      categoricalSteps(steps, prediction, out.targets, r, evaluator.scratch, options.renormalise === undefined ? 'preset' : 'option');
    } else if (r.kind === 'bce') {
      binarySteps(steps, prediction[0] as number, out.targets[0] as number, 0, r, evaluator.scratch);
    } else {
      const labelLosses: number[] = [];
      for (let l = 0; l < r.width; l++) {
        const sub: DerivationStep[] = [];
        binarySteps(sub, prediction[l] as number, out.targets[l] as number, l, r, evaluator.scratch);
        const value = evaluator.scratch.label[l] as number;
        labelLosses.push(value);
        steps.push({ kind: 'label', label: l, steps: sub, value });
      }
      steps.push({ kind: 'label-mean', labelLosses, value: evaluator.kernelLoss });
    }
    if (sampleWeight !== 1) {
      steps.push({ kind: 'sample-weight', weight: sampleWeight, before: evaluator.kernelLoss, after: evaluator.weightedLoss });
    }
    if (r.bits) steps.push({ kind: 'base', base: '2', before: evaluator.weightedLoss, after: out.loss });
  }
  steps.push({ kind: 'result', value: out.loss, base: r.bits ? '2' : 'e', weight: out.weight });

  return {
    options: { ...options },
    ...(classNames === undefined ? {} : { classNames }),
    steps,
    value: out.loss,
    weight: out.weight,
    ignored: out.ignored,
    trueClass: out.trueClass,
    predictedClass: out.predictedClass,
  };
}

function categoricalSteps(
  steps: DerivationStep[], pred: ArrayLike<number>, targets: Float64Array, r: ResolvedOptions, s: Scratch,
  renormaliseBy: 'preset' | 'option',
): void {
  const K = r.width;
  const exact = r.exactLogits;
  if (r.input === 'logits') {
    const p: number[] = [];
    for (let k = 0; k < K; k++) p.push(softmaxProb(pred, k, s));
    steps.push({ kind: 'softmax', z: Array.from(pred), max: s.max, sumExp: s.sumExp, logSumExp: s.logSumExp, p });
  }
  // Terms that enter the sum: a hard label without smoothing has one.
  const active: number[] = [];
  for (let k = 0; k < K; k++) if (s.active[k] === 1) active.push(k);

  if (r.input === 'probs' && r.params.renormalise && s.rowSum !== 1) {
    const before = Array.from(pred);
    steps.push({ kind: 'renormalise', sum: s.rowSum, before, after: before.map((v) => v / s.rowSum), by: renormaliseBy });
  }
  if (r.smoothing > 0) {
    steps.push({ kind: 'label-smoothing', alpha: r.smoothing, classes: K, before: Array.from(targets), after: Array.from(s.ts) });
  }
  if (!exact && r.params.clipEps > 0) {
    const index = active.filter((k) => s.qc[k] !== s.q[k]);
    if (index.length > 0) {
      const eps = r.params.clipEps;
      steps.push({
        kind: 'clip', preset: r.preset, eps, lower: eps, upper: 1 - eps, index,
        before: index.map((k) => s.q[k] as number), after: index.map((k) => s.qc[k] as number),
      });
    }
  }
  steps.push({
    kind: 'log', via: exact ? 'log-softmax' : 'log', index: active,
    p: active.map((k) => s.qc[k] as number), logP: active.map((k) => s.logp[k] as number),
  });
  if (r.focal && active.some((k) => s.factor[k] !== 1)) {
    steps.push({
      kind: 'focal-factor', gamma: r.gamma, index: active,
      p: active.map((k) => s.qc[k] as number), factor: active.map((k) => s.factor[k] as number),
    });
  }
  const cw = r.classWeights;
  const weight = active.map((k) => (cw === null ? 1 : (cw[k] as number)));
  if (weight.some((w) => w !== 1)) {
    steps.push({ kind: 'weights', index: active, classWeight: weight, posWeight: active.map(() => 1) });
  }
  steps.push({
    kind: 'sum', index: active, target: active.map((k) => s.ts[k] as number), weight,
    factor: active.map((k) => s.factor[k] as number), surprisal: active.map((k) => 0 - (s.logp[k] as number)),
    terms: active.map((k) => s.term[k] as number), value: s.termSum,
  });
  if (r.focal && r.alpha !== null && r.alpha !== 1) {
    steps.push({ kind: 'focal-alpha', alpha: r.alpha, factor: r.alpha, before: s.termSum, after: s.termSum * r.alpha });
  }
}

function softmaxProb(pred: ArrayLike<number>, k: number, s: Scratch): number {
  return expNonPositive((pred[k] as number) - s.max) / s.sumExp;
}

function binarySteps(steps: DerivationStep[], x: number, y: number, l: number, r: ResolvedOptions, s: Scratch): void {
  const p = s.p[l] as number;
  const p0 = s.p0[l] as number;
  const ys = s.ys[l] as number;
  if (r.input === 'logits') steps.push({ kind: 'sigmoid', z: x, p, oneMinusP: p0 });
  if (r.smoothing > 0) {
    steps.push({ kind: 'label-smoothing', alpha: r.smoothing, classes: 2, before: [y], after: [ys] });
  }
  // Outcomes that carry weight: 1 (y' > 0) and 0 (y' < 1).
  const index: number[] = [];
  if (ys !== 0) index.push(1);
  if (ys !== 1) index.push(0);
  const pc = s.pc[l] as number;
  if (!r.exactLogits && pc !== p) {
    const eps = r.params.clipEps;
    steps.push({ kind: 'clip', preset: r.preset, eps, lower: eps, upper: 1 - eps, index: [1], before: [p], after: [pc] });
  }
  const nl = (i: number): number => (i === 1 ? (s.nl1[l] as number) : (s.nl0[l] as number));
  if (r.exactLogits) {
    steps.push({ kind: 'log', via: 'log-sigmoid', index, p: index.map((i) => (i === 1 ? p : p0)), logP: index.map((i) => -nl(i)) });
  } else {
    const raw = (i: number): number => (i === 1 ? (s.rawLogP1[l] as number) : (s.rawLogP0[l] as number));
    steps.push({ kind: 'log', via: 'log', index, p: index.map((i) => (i === 1 ? pc : 1 - pc)), logP: index.map(raw) });
    const floored = index.filter((i) => raw(i) !== -nl(i));
    if (floored.length > 0) {
      steps.push({
        kind: 'log-floor', floor: r.params.bceLogFloor, index: floored, before: floored.map(raw), after: floored.map((i) => -nl(i)),
      });
    }
  }
  const cw = r.classWeights;
  const lw = r.labelWeights;
  const pw = r.posWeight;
  const classWeight = index.map((i) => (cw === null ? 1 : (cw[i] as number)) * (lw === null ? 1 : (lw[l] as number)));
  const posWeight = index.map((i) => (i === 1 && pw !== null ? (pw[l] as number) : 1));
  const weight = index.map((_, j) => (classWeight[j] as number) * (posWeight[j] as number));
  if (weight.some((w) => w !== 1)) steps.push({ kind: 'weights', index, classWeight, posWeight });
  const bce = s.bce[l] as number;
  steps.push({
    kind: 'sum', index, target: index.map((i) => (i === 1 ? ys : 1 - ys)), weight, factor: index.map(() => 1),
    surprisal: index.map(nl), terms: index.map((i) => (i === 1 ? (s.t1[l] as number) : (s.t0[l] as number))), value: bce,
  });
  if (r.focal) {
    const factor = s.bFactor[l] as number;
    let value = bce === 0 ? 0 : bce * factor;
    if (factor !== 1) {
      steps.push({ kind: 'focal', gamma: r.gamma, oneMinusPt: s.oneMinusPt[l] as number, factor, before: bce, after: value });
    }
    if (r.alpha !== null) {
      const alphaT = s.bAlpha[l] as number;
      const after = s.label[l] as number;
      if (alphaT !== 1) steps.push({ kind: 'focal-alpha', alpha: r.alpha, factor: alphaT, before: value, after });
      value = after;
    }
  }
}
