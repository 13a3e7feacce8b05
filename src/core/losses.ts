/**
 * The per-sample loss evaluator that readers and accumulators call once per row, and the
 * convenience reductions on top of it.
 *
 * Conventions (all reductions use mean = sum(loss) / sum(weight), loss being the
 * reduction: 'none' value, see SampleEval in types.ts):
 * - Hard labels (a sparse index, or a target vector that is exactly one-hot) with class weights:
 *   loss = w_y x sample weight x (-ln p_y) and weight = w_y x sample weight, PyTorch's weighted
 *   mean. With label smoothing the smoothed terms keep their own class weights,
 *   -sum_k w_k t'_k ln p_k, and the denominator stays w_y (as torch.nn.functional.cross_entropy).
 * - Soft targets: loss = -sum_k w_k t_k ln p_k x sample weight, weight = sample weight (PyTorch
 *   divides by N for probability targets). A one-hot vector counts as a hard label, so the
 *   number does not depend on whether a file spells labels as indices or as one-hot columns.
 * - ignoreIndex (sparse ce labels and bce targets): loss 0, weight 0, excluded from both sums.
 * - BCE class weights [w0, w1] weight the two Bernoulli terms,
 *   -[w1 pw y ln p + w0 (1 - y) ln(1 - p)]; with hard labels this is PyTorch's
 *   BCELoss(weight = w[y]), whose mean divides by N: the denominator is the sample weight.
 *   Multi-label class weights are one per label (BCELoss's weight of shape [L]).
 * - Focal loss (Keras): binary alpha_t (1 - p_t)^gamma BCE with alpha_t = y alpha + (1 - y)(1 - alpha)
 *   (apply_class_balancing) only when focalAlpha is given; categorical
 *   alpha sum_k (1 - q_k)^gamma (-t_k ln q_k), alpha = 1 when not given.
 * - Multi-label: the mean over labels of each label's BCE.
 * - A sample weight of 0 gives loss 0 even where the unweighted loss is infinite.
 * - Sample weights in the mean's denominator as the preset says (PresetParams.sampleWeightMean):
 *   sum(w l) / sum(w) (scikit-learn), or under keras sum(w l) / N (sum_over_batch_size): there the
 *   sample weight stays out of SampleEval.weight (1, or w_y with class weights; 0 when ignored).
 * - Bits: the nats value divided by ln 2, last. Multi-label labelLosses carry the sample weight
 *   and the base too, so their mean is the sample's loss (up to rounding).
 *
 * Where Loss Lens deliberately differs from a framework (all documented in the README table):
 * - A zero target weight times ln 0 is 0 under every preset; PyTorch's sum(t * log p) gives NaN.
 * - Binary focal loss from logits uses the exact log-sigmoid, as Keras 3 does on TensorFlow (its
 *   default backend: the sigmoid's output keeps its logits, which binary_crossentropy takes); on
 *   JAX Keras takes the sigmoid and clips it to [1e-7, 1 - 1e-7]. They differ only where p is
 *   below 1e-7 or above 1 - 1e-7. (Categorical focal loss under keras goes softmax then clip, as
 *   Keras does on every backend: PresetParams.categoricalFocalLogits.)
 * - Everything is float64; Keras computes in float32 by default, so its printed values agree
 *   with ours to about 1e-7 relative, not to the last bit (with floatx float64, to 1e-15), except
 *   at the clip's top: float32 rounds 1 - 1e-7 to 1 - 1.19e-7, so y = 0, p = 1 costs 15.942 there
 *   and 16.118 here (test/unit/framework-reference.test.ts).
 * - ln(1 - p) is computed as log1p(-p) and ln(1 + e^-|z|) as log1p(e^-|z|); PyTorch and Keras
 *   use log, and return 0 where we return a loss below 1e-16.
 */
import { ownProbRows, setEvalRow, type EvalBatch, type RowBatch } from './batch';
import { argmax, bernoulliEntropy, entropy, sigmoid } from './math';
import { PRESETS } from './presets';
import { binaryLoss, plainBinaryLoss } from './loss/binary';
import { categoricalLoss, classTerm } from './loss/categorical';
import { expNonPositive } from './loss/exp';
import { resolveOptions, type ResolvedOptions } from './loss/resolve';
import { Scratch } from './loss/scratch';
import { applyTemperature } from './loss/temperature';
import { PRESET_NAMES, type LossOptions, type PresetName, type Sample, type SampleEval } from './types';

export interface Evaluator {
  readonly options: Readonly<LossOptions>;
  /** Length of a prediction: 1 for bce, K for ce, L for multilabel. */
  readonly width: number;
  /** Evaluates one sample into out (no allocation) and returns out. Throws RangeError on bad targets. */
  evaluate(sample: Sample, out: SampleEval): SampleEval;
  /** A SampleEval sized for this evaluator, to reuse across evaluate calls. */
  newEval(): SampleEval;
  /**
   * ce and bce: evaluates a batch of rows (label and predictions as read) into `out`, as evaluate
   * would one by one. Throws RangeError on bad targets, like evaluate.
   */
  evaluateBatch(rows: RowBatch, out: EvalBatch): void;
}

export interface LossResult {
  /** Each sample's reduction: 'none' value. */
  perSample: Float64Array;
  /** Each sample's share of the mean's denominator. */
  weights: Float64Array;
  mean: number;
  sum: number;
  weightSum: number;
  /** mean or sum by options.reduction; the perSample array for 'none'. */
  reduced: number | Float64Array;
  /** Samples skipped by ignoreIndex. */
  ignoredCount: number;
}

/** Not part of the public API: the derivation drives the same evaluator with record = true. */
export class EvaluatorImpl implements Evaluator {
  readonly options: Readonly<LossOptions>;
  readonly width: number;
  readonly r: ResolvedOptions;
  readonly scratch: Scratch;
  /** The scores after the temperature (options.temperature), from the last run; null when T = 1. */
  readonly tempered: Float64Array | null;
  /** The sample's loss in nats before sample weight, from the last run. */
  kernelLoss = 0;
  /** Loss after sample weight, in nats, from the last run. */
  weightedLoss = 0;
  hardLabel = -1;

  constructor(options: LossOptions, numClasses: number) {
    this.r = resolveOptions(options, numClasses);
    this.options = { ...options };
    this.width = this.r.width;
    this.scratch = new Scratch(this.r.kind === 'ce' ? this.width : 0, this.r.kind === 'ce' ? 0 : this.width);
    this.tempered = this.r.temperature === 1 ? null : new Float64Array(this.width);
    this.weightsInMean = this.r.params.sampleWeightMean === 'weights';
  }

  /** Whether a sample's weight joins the mean's denominator (see sampleWeightMean). */
  private readonly weightsInMean: boolean;

  newEval(): SampleEval {
    return {
      loss: 0,
      weight: 0,
      ignored: false,
      trueClass: -1,
      predictedClass: -1,
      confidence: 0,
      probs: new Float64Array(this.width),
      targets: new Float64Array(this.width),
      labelLosses: new Float64Array(this.r.kind === 'multilabel' ? this.width : 0),
      entropy: Number.NaN,
    };
  }

  evaluate(sample: Sample, out: SampleEval): SampleEval {
    return this.run(sample, out, false);
  }

  /** The batch's own Sample and SampleEval, made on the first batch. */
  private batchSample: { sample: Sample & { prediction: Float64Array }; out: SampleEval } | undefined;

  evaluateBatch(rows: RowBatch, out: EvalBatch): void {
    const r = this.r;
    if (r.kind === 'multilabel') throw new Error('multilabel samples are evaluated one by one');
    if (rows.width !== this.width) throw new RangeError(`rows have ${rows.width} predictions, expected ${this.width}`);
    if (out.capacity < rows.size) throw new RangeError('the eval batch is smaller than the row batch');
    this.batchSample ??= { sample: { prediction: new Float64Array(this.width), target: 0 }, out: this.newEval() };
    // The usual options on their own loops; ignoreIndex, smoothing and the other bce options through run.
    // A temperature goes through run, which scales each row first (a what-if, not the usual read).
    if (r.ignoreIndex === null && this.tempered === null && (r.kind === 'bce' ? r.plainBinary : r.smoothing === 0)) {
      if (r.kind === 'bce') this.binaryBatch(rows, out);
      else if (r.input === 'probs') this.probabilityBatch(rows, out);
      else this.categoricalBatch(rows, out);
      // What every kernel's rows share: none ignored, and their rows and lines as read.
      const n = rows.size;
      out.ignored.fill(0, 0, n);
      out.rows.set(rows.rows.subarray(0, n));
      out.lines.set(rows.lines.subarray(0, n));
    } else {
      this.runBatch(rows, out);
    }
    out.size = rows.size;
  }

  /** Any ce or bce batch, a row at a time through run. */
  private runBatch(rows: RowBatch, out: EvalBatch): void {
    const w = this.width;
    const { sample, out: e } = this.batchSample!;
    const pred = sample.prediction;
    const preds = rows.preds;
    const binary = this.r.kind === 'bce';
    for (let i = 0; i < rows.size; i++) {
      for (let k = 0, at = i * w; k < w; k++, at++) pred[k] = preds[at] as number;
      sample.target = rows.labels[i] as number;
      this.run(sample, e, false);
      setEvalRow(out, i, e, binary, rows.rows[i] as number, rows.lines[i] as number);
    }
  }

  /**
   * bce with r.plainBinary and no ignoreIndex: runBinary and setEvalRow on one loop, for a sample
   * weight of 1 (a batch has no weight column). The same numbers bit for bit (tested).
   */
  private binaryBatch(rows: RowBatch, out: EvalBatch): void {
    const r = this.r;
    const s = this.scratch;
    const probs = this.batchSample!.out.probs;
    const labels = rows.labels;
    const preds = rows.preds;
    for (let i = 0; i < rows.size; i++) {
      const y = labels[i] as number;
      if (!(y >= 0 && y <= 1)) throw new RangeError(`bce target must be in [0, 1], got ${y}`);
      const loss = plainBinaryLoss(preds[i] as number, y, 0, r, probs, s);
      const p = probs[0] as number;
      const t = y >= 0.5 ? 1 : 0;
      const h = s.entropy;
      out.loss[i] = r.bits ? loss / Math.LN2 : loss;
      out.weight[i] = 1;
      out.trueClass[i] = t;
      out.predictedClass[i] = p >= 0.5 ? 1 : 0;
      out.confidence[i] = p >= 0.5 ? p : 1 - p;
      out.entropy[i] = h === h ? h : bernoulliEntropy(p);
      out.trueProb[i] = t === 1 ? p : 1 - p;
      out.calProb[i] = p;
      out.calOutcome[i] = y;
    }
  }

  /**
   * categoricalBatch for probabilities: each row is read once, in place, for its argmax, entropy
   * and sum, and its one loss term taken where it lies (categoricalLoss would copy the row twice
   * first, and the entropy read it again): the same operations in the same order, so the same bits.
   */
  private probabilityBatch(rows: RowBatch, out: EvalBatch): void {
    const r = this.r;
    const K = this.width;
    const s = this.scratch;
    const labels = rows.labels;
    const preds = rows.preds;
    const cw = r.classWeights;
    const renormalise = r.params.renormalise;
    // Calibration reads the probabilities as written (renormalised or not), as the confidence is.
    out.probs = preds;
    for (let i = 0; i < rows.size; i++) {
      const hard = labels[i] as number;
      if (!(Number.isInteger(hard) && hard >= 0 && hard < K)) throw new RangeError(`class index must be an integer in [0, ${K}), got ${hard}`);
      const at = i * K;
      let predicted = 0;
      let best = preds[at] as number;
      let h = 0;
      let rowSum = 0;
      for (let k = 0; k < K; k++) {
        const q = preds[at + k] as number;
        if (q > best) {
          best = q;
          predicted = k;
        }
        if (q > 0) h -= q * Math.log(q);
        rowSum += q;
      }
      const coef = cw === null ? 1 : (cw[hard] as number);
      let loss = coef !== 0 ? classTerm(at + hard, coef, preds, preds, 0, 0, renormalise ? rowSum : 1, renormalise, r, s, false) : 0;
      if (r.focal && r.alpha !== null) loss *= r.alpha;
      const confidence = preds[at + predicted] as number;
      out.loss[i] = r.bits ? loss / Math.LN2 : loss;
      out.weight[i] = cw !== null ? (cw[hard] as number) : 1;
      out.trueClass[i] = hard;
      out.predictedClass[i] = predicted;
      out.confidence[i] = confidence;
      out.entropy[i] = h;
      out.trueProb[i] = preds[at + hard] as number;
      out.calProb[i] = confidence;
      out.calOutcome[i] = hard === predicted ? 1 : 0;
    }
  }

  /**
   * ce from logits with hard labels, no smoothing and no ignoreIndex: runCategorical and setEvalRow
   * on one loop (sample weight 1), the softmax written straight into the batch's probability rows
   * and the argmax taken while normalising (categoricalLoss would copy the row in and out and
   * argmax read it again): the same operations in the same order, so the same bits (tested).
   */
  private categoricalBatch(rows: RowBatch, out: EvalBatch): void {
    const r = this.r;
    const K = this.width;
    const s = this.scratch;
    const labels = rows.labels;
    const preds = rows.preds;
    const cw = r.classWeights;
    const alpha = r.focal && r.alpha !== null ? r.alpha : 1;
    const probs = ownProbRows(out, K);
    for (let i = 0; i < rows.size; i++) {
      const hard = labels[i] as number;
      if (!(Number.isInteger(hard) && hard >= 0 && hard < K)) throw new RangeError(`class index must be an integer in [0, ${K}), got ${hard}`);
      const at = i * K;
      const end = at + K;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = at; k < end; k++) {
        const z = preds[k] as number;
        if (z > max) max = z;
      }
      let sumExp = 0;
      for (let k = at; k < end; k++) {
        const e = expNonPositive((preds[k] as number) - max);
        probs[k] = e;
        sumExp += e;
      }
      // The entropy as categoricalLoss has it: ln(sumExp) - sum p (z - max).
      let pz = 0;
      let predicted = 0;
      let confidence = Number.NaN;
      for (let k = at; k < end; k++) {
        const p = (probs[k] as number) / sumExp;
        probs[k] = p;
        pz += p * ((preds[k] as number) - max);
        // argmax's rule: the first maximum, a NaN first value never beaten.
        if (k === at) confidence = p;
        else if (p > confidence) {
          confidence = p;
          predicted = k - at;
        }
      }
      const logSum = Math.log(sumExp);
      const h = logSum - pz;
      const coef = cw === null ? 1 : (cw[hard] as number);
      let loss = coef !== 0 ? classTerm(at + hard, coef, preds, probs, max, logSum, 1, false, r, s, false) : 0;
      if (alpha !== 1) loss *= alpha;
      out.loss[i] = r.bits ? loss / Math.LN2 : loss;
      out.weight[i] = coef;
      out.trueClass[i] = hard;
      out.predictedClass[i] = predicted;
      out.confidence[i] = confidence;
      // A non-finite logit leaves NaN: the entropy computed the slow way.
      out.entropy[i] = h > 0 ? h : h === h ? 0 : entropy(probs.subarray(at, end));
      out.trueProb[i] = probs[at + hard] as number;
      out.calProb[i] = confidence;
      out.calOutcome[i] = hard === predicted ? 1 : 0;
    }
  }

  /**
   * One sample through the kind's own path. Each path ends in `finish` on its own: with one loss
   * variable for every kind, V8 merged the binary path's unboxed double with the categorical
   * call's boxed result and so boxed every binary loss, a heap number per row.
   */
  run(sample: Sample, out: SampleEval, record: boolean): SampleEval {
    let pred = sample.prediction;
    if (pred.length !== this.width) {
      throw new RangeError(`prediction has ${pred.length} values, expected ${this.width}`);
    }
    if (this.tempered !== null) {
      applyTemperature(pred, this.tempered, this.r.kind, this.r.input, this.r.temperature);
      pred = this.tempered;
    }
    const sw = sample.weight ?? 1;
    if (!(sw >= 0 && Number.isFinite(sw))) throw new RangeError(`sample weight must be finite and >= 0, got ${sw}`);
    out.ignored = false;
    out.entropy = Number.NaN;
    this.hardLabel = -1;
    const kind = this.r.kind;
    if (kind === 'bce') return this.runBinary(sample, pred, sw, out, record);
    if (kind === 'multilabel') return this.runMultilabel(sample, pred, sw, out, record);
    return this.runCategorical(sample, pred, sw, out, record);
  }

  private runBinary(sample: Sample, pred: ArrayLike<number>, sw: number, out: SampleEval, record: boolean): SampleEval {
    const r = this.r;
    const t = sample.target;
    const y = typeof t === 'number' ? t : t.length === 1 ? (t[0] as number) : Number.NaN;
    if (r.ignoreIndex !== null && y === r.ignoreIndex) return this.ignore(out, pred, -1);
    if (!(y >= 0 && y <= 1)) throw new RangeError(`bce target must be in [0, 1], got ${String(t)}`);
    out.targets[0] = y;
    const loss =
      r.plainBinary && !record
        ? plainBinaryLoss(pred[0] as number, y, 0, r, out.probs, this.scratch)
        : binaryLoss(pred[0] as number, y, 0, r, out.probs, this.scratch, record);
    out.entropy = this.scratch.entropy;
    const p = out.probs[0] as number;
    out.trueClass = y >= 0.5 ? 1 : 0;
    out.predictedClass = p >= 0.5 ? 1 : 0;
    out.confidence = p >= 0.5 ? p : 1 - p;
    return this.finish(out, loss, sw, this.weightsInMean ? sw : 1);
  }

  private runMultilabel(sample: Sample, pred: ArrayLike<number>, sw: number, out: SampleEval, record: boolean): SampleEval {
    const r = this.r;
    const t = sample.target;
    const L = this.width;
    if (typeof t === 'number' || t.length !== L) {
      throw new RangeError(`multilabel target must have ${L} values`);
    }
    let sum = 0;
    let confidence = 0;
    for (let l = 0; l < L; l++) {
      const y = t[l] as number;
      if (!(y >= 0 && y <= 1)) throw new RangeError(`multilabel target ${l} must be in [0, 1], got ${y}`);
      out.targets[l] = y;
      const ll = binaryLoss(pred[l] as number, y, l, r, out.probs, this.scratch, record);
      out.labelLosses[l] = ll;
      sum += ll;
      const p = out.probs[l] as number;
      confidence += p >= 0.5 ? p : 1 - p;
    }
    out.trueClass = -1;
    out.predictedClass = -1;
    out.confidence = confidence / L;
    this.finish(out, sum / L, sw, this.weightsInMean ? sw : 1);
    if (sw !== 1 || r.bits) {
      const labelLosses = out.labelLosses;
      for (let l = 0; l < L; l++) {
        const v = sw === 0 ? 0 : (labelLosses[l] as number) * sw;
        labelLosses[l] = r.bits ? v / Math.LN2 : v;
      }
    }
    return out;
  }

  private runCategorical(sample: Sample, pred: ArrayLike<number>, sw: number, out: SampleEval, record: boolean): SampleEval {
    const r = this.r;
    const t = sample.target;
    const K = this.width;
    const targets = out.targets;
    let hard = -1;
    if (typeof t === 'number') {
      if (r.ignoreIndex !== null && t === r.ignoreIndex) {
        return this.ignore(out, pred, Number.isInteger(t) && t >= 0 && t < K ? t : -1);
      }
      if (!(Number.isInteger(t) && t >= 0 && t < K)) throw new RangeError(`class index must be an integer in [0, ${K}), got ${t}`);
      for (let k = 0; k < K; k++) targets[k] = 0;
      targets[t] = 1;
      hard = t;
      out.trueClass = t;
    } else {
      if (t.length !== K) throw new RangeError(`target has ${t.length} values, expected ${K}`);
      let ones = 0;
      let nonzero = 0;
      let one = -1;
      for (let k = 0; k < K; k++) {
        const v = t[k] as number;
        targets[k] = v;
        if (v !== 0) nonzero++;
        if (v === 1) {
          ones++;
          one = k;
        }
      }
      if (ones === 1 && nonzero === 1) hard = one;
      out.trueClass = argmax(targets, K);
    }
    this.hardLabel = hard;
    const loss = categoricalLoss(pred, targets, hard, r, out.probs, this.scratch, record);
    out.entropy = this.scratch.entropy;
    const predicted = argmax(out.probs, K);
    out.predictedClass = predicted;
    out.confidence = out.probs[predicted] as number;
    const share = this.weightsInMean ? sw : 1;
    const denominator = hard >= 0 && r.classWeights !== null ? (r.classWeights[hard] as number) * share : share;
    return this.finish(out, loss, sw, denominator);
  }

  /** The sample weight, the log base and the mean's denominator. */
  private finish(out: SampleEval, loss: number, sw: number, denominator: number): SampleEval {
    this.kernelLoss = loss;
    // A zero sample weight removes the sample even where its loss is infinite.
    const weighted = sw === 1 ? loss : sw === 0 ? 0 : loss * sw;
    this.weightedLoss = weighted;
    out.loss = this.r.bits ? weighted / Math.LN2 : weighted;
    out.weight = denominator;
    return out;
  }

  private ignore(out: SampleEval, pred: ArrayLike<number>, label: number): SampleEval {
    const r = this.r;
    const n = this.width;
    out.ignored = true;
    out.loss = 0;
    out.weight = 0;
    out.targets.fill(0);
    if (label >= 0) out.targets[label] = 1;
    out.trueClass = label;
    this.kernelLoss = 0;
    this.weightedLoss = 0;
    if (r.kind === 'ce') {
      if (r.input === 'logits') {
        let max = -Infinity;
        for (let k = 0; k < n; k++) max = Math.max(max, pred[k] as number);
        let sum = 0;
        for (let k = 0; k < n; k++) sum += out.probs[k] = expNonPositive((pred[k] as number) - max);
        for (let k = 0; k < n; k++) out.probs[k] = (out.probs[k] as number) / sum;
      } else {
        for (let k = 0; k < n; k++) out.probs[k] = pred[k] as number;
      }
      const predicted = argmax(out.probs, n);
      out.predictedClass = predicted;
      out.confidence = out.probs[predicted] as number;
    } else {
      const x = pred[0] as number;
      const p = r.input === 'logits' ? sigmoid(x) : x;
      out.probs[0] = p;
      out.predictedClass = p >= 0.5 ? 1 : 0;
      out.confidence = p >= 0.5 ? p : 1 - p;
    }
    return out;
  }
}

/** An evaluator for one option set; numClasses is K (ce) or L (multilabel), ignored for bce. */
export function createEvaluator(options: LossOptions, numClasses: number): Evaluator {
  return new EvaluatorImpl(options, numClasses);
}

/** Evaluates every sample and reduces: mean = sum(loss) / sum(weight). */
export function computeLosses(samples: readonly Sample[], options: LossOptions, numClasses: number): LossResult {
  const evaluator = new EvaluatorImpl(options, numClasses);
  const out = evaluator.newEval();
  const n = samples.length;
  const perSample = new Float64Array(n);
  const weights = new Float64Array(n);
  let sum = 0;
  let weightSum = 0;
  let ignoredCount = 0;
  for (let i = 0; i < n; i++) {
    evaluator.run(samples[i] as Sample, out, false);
    perSample[i] = out.loss;
    weights[i] = out.weight;
    if (out.ignored) {
      ignoredCount++;
      continue;
    }
    sum += out.loss;
    weightSum += out.weight;
  }
  const mean = sum / weightSum;
  const reduced = options.reduction === 'mean' ? mean : options.reduction === 'sum' ? sum : perSample;
  return { perSample, weights, mean, sum, weightSum, reduced, ignoredCount };
}

/**
 * The sample's loss (reduction: 'none' value) under every preset, the other options unchanged:
 * for a hover such as "PyTorch 100, Keras 16.12, scikit-learn 36.04".
 */
export function lossUnderPresets(sample: Sample, options: LossOptions, numClasses: number): Record<PresetName, number> {
  const result = {} as Record<PresetName, number>;
  for (const name of PRESET_NAMES) {
    const evaluator = new EvaluatorImpl({ ...options, preset: PRESETS[name].name }, numClasses);
    result[name] = evaluator.run(sample, evaluator.newEval(), false).loss;
  }
  return result;
}
