/**
 * The contracts shared by every part of the numeric core: the loss options a user sets, one
 * sample as the readers hand it over, and one sample's evaluation as the accumulators take it.
 * Pure types: this file is imported by the extension host, workers, the webview and the CLI.
 */

/** bce: one probability/logit per row; ce: one per class; multilabel: one independent sigmoid per label. */
export type LossKind = 'bce' | 'ce' | 'multilabel';
export type InputKind = 'probs' | 'logits';
export type PresetName = 'classic' | 'pytorch' | 'keras' | 'sklearn' | 'none';
export type Reduction = 'mean' | 'sum' | 'none';
/** Natural log (nats) or log base 2 (bits). */
export type LogBase = 'e' | '2';

export const PRESET_NAMES: readonly PresetName[] = ['classic', 'pytorch', 'keras', 'sklearn', 'none'];
export const LOSS_KINDS: readonly LossKind[] = ['bce', 'ce', 'multilabel'];

export interface LossOptions {
  kind: LossKind;
  input: InputKind;
  preset: PresetName;
  /** alpha in [0, 1): t' = (1-alpha) t + alpha/K (binary: y' = y(1-alpha) + alpha/2). 0 = off. */
  labelSmoothing: number;
  /** One weight per class (ce, bce: [w0, w1]); PyTorch's weighted-mean convention. */
  classWeights?: readonly number[];
  /** BCE / multi-label: weight of the positive term; a number, or one per label. */
  posWeight?: number | readonly number[];
  /** Samples whose (sparse) label equals this value are skipped, as PyTorch's ignore_index. */
  ignoreIndex?: number;
  /** Focal loss when set (gamma >= 0), Keras semantics. */
  focalGamma?: number;
  /** Focal alpha (Keras: binary applies class balancing alpha_t; categorical a scalar factor). */
  focalAlpha?: number;
  /**
   * Categorical probabilities divided by their row sum before clipping. Unset: as the preset does
   * (Keras renormalises, the others do not); set: overrides the preset, e.g. for a file whose rows
   * do not quite sum to 1 (a per-file "renormalise rows on read" choice).
   */
  renormalise?: boolean;
  /**
   * Temperature T > 0 applied to the scores first (a what-if): logits divided by T, probabilities
   * raised to 1/T and renormalised (core/loss/temperature.ts). Unset: 1, the scores as written.
   */
  temperature?: number;
  reduction: Reduction;
  base: LogBase;
}

export const DEFAULT_OPTIONS: Readonly<LossOptions> = {
  kind: 'ce',
  input: 'probs',
  preset: 'classic',
  labelSmoothing: 0,
  reduction: 'mean',
  base: 'e',
};

/**
 * One sample as a reader produces it.
 * - bce: `prediction` has one value (p or z); `target` is 0/1 or a soft y in [0, 1].
 * - ce: `prediction` has K values; `target` is a sparse class index, or a length-K one-hot / soft vector.
 * - multilabel: `prediction` has L values; `target` is a length-L multi-hot (or soft) vector.
 */
export interface Sample {
  prediction: ArrayLike<number>;
  target: number | ArrayLike<number>;
  /** Sample weight (1 when absent). */
  weight?: number;
}

/**
 * One sample's evaluation, as the loss evaluator fills it for the accumulators.
 * Evaluators may reuse one instance across calls: consumers copy what they keep.
 */
export interface SampleEval {
  /** The per-sample loss in the chosen base, after every option (the `reduction: 'none'` value). */
  loss: number;
  /**
   * This sample's share of the mean's denominator: every reduction computes
   * mean = sum(loss) / sum(weight). Hard-label CE with class weights: w_y x sample weight (PyTorch's
   * weighted mean); otherwise the sample weight (1 by default); 0 when ignored.
   */
  weight: number;
  ignored: boolean;
  /** ce: the true class (argmax of the target); bce: 1 when y >= 0.5 else 0; multilabel: -1. */
  trueClass: number;
  /** ce: argmax of the prediction; bce: 1 when p >= 0.5 else 0; multilabel: -1. */
  predictedClass: number;
  /** ce: probability of the predicted class; bce: max(p, 1-p); multilabel: mean over labels of max(p, 1-p). */
  confidence: number;
  /** Probabilities after sigmoid/softmax (before clipping): bce [p]; ce K values; multilabel L values. */
  probs: Float64Array;
  /** Targets as a dense vector after reading (before smoothing): bce [y]; ce K values; multilabel L values. */
  targets: Float64Array;
  /** multilabel only: each label's loss, with the sample weight and in the chosen base (loss = their mean); empty otherwise. */
  labelLosses: Float64Array;
  /**
   * Shannon entropy of `probs` in nats (bce: of Bernoulli(p)), when the evaluator had it almost for
   * free: from logits it is lse - sum p z, and a binary probability's two logs are the loss's own.
   * NaN or absent: consumers compute it from `probs` (one log per class).
   */
  entropy?: number;
}
