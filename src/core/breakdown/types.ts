/**
 * The configuration and the report of the breakdown accumulators.
 *
 * Conventions throughout:
 * - Everything except `ignoredCount` is over samples that are not ignored.
 * - Loss figures (sum, mean, class means, shares) follow the loss's own mean: sum(loss) / sum(weight),
 *   with SampleEval.weight as the denominator share. Everything else (accuracy, precision / recall,
 *   confusion, calibration, histogram, entropy, confidence) counts samples unweighted, as
 *   scikit-learn's metrics do without sample_weight.
 * - An infinite loss is counted (`infiniteCount`) and makes every sum and mean it enters Infinity,
 *   never NaN. A NaN or -Infinity loss (which no evaluator should produce) is counted in
 *   `invalidCount`, kept out of every loss figure, and makes `sum` and `mean` NaN so it cannot pass
 *   unnoticed.
 * - NaN stands for "undefined": a mean over no samples, a class never predicted.
 */

import type { LogBase, LossKind, PresetName } from '../types';
import type { ClippingReport } from './clipping';
import type { OperatingPoints } from './operating-points';
import type { Calibration } from './calibration';
import type { PrfAverages } from './confusion';
import type { EncodedNumber } from './encoding';
import type { Interval } from './intervals';
import type { HistogramSettings, LossHistogram } from './histogram';
import type { TopKState, WorstSample } from './topk';

export interface BreakdownConfig {
  kind: LossKind;
  /** ce: number of classes K; multilabel: number of labels L; bce: omit it (or 2: classes 0 and 1). */
  numClasses?: number;
  /** One name per class / label; defaults to "0", "1", ... */
  classNames?: readonly string[];
  /** The base the losses are in; entropy is reported in it and perplexity is base^(mean loss). */
  base: LogBase;
  /** Equal-width reliability bins over [0, 1] (default 15, as Guo et al. 2017). */
  calibrationBins?: number;
  /** Worst samples kept (default 50: a dashboard page of likely label errors; the heap costs O(log k)). */
  topK?: number;
  histogram?: Partial<HistogramSettings>;
  /**
   * The preset the losses are under and the presets whose file mean is comparable (clipping.ts):
   * with it the breakdown carries `clipping`, filled by addContested.
   */
  presets?: { active: PresetName; comparable: readonly PresetName[] } | null;
}

export interface ResolvedBreakdownConfig {
  kind: LossKind;
  numClasses: number;
  classNames: string[];
  base: LogBase;
  calibrationBins: number;
  topK: number;
  histogram: HistogramSettings;
  presets: { active: PresetName; comparable: PresetName[] } | null;
}

/**
 * One row of the per-class table. ce and bce: one per class (bce: 0 and 1). multilabel: one per
 * label, "positive" meaning y >= 0.5 (truth) and p >= 0.5 (prediction), as SampleEval's bce classes.
 */
export interface ClassBreakdown {
  index: number;
  name: string;
  /** ce / bce: samples whose true class is this one; multilabel: samples where the label is positive. */
  support: number;
  /** Sum of SampleEval.weight over the class's samples (multilabel: over all samples). */
  weightSum: number;
  /**
   * ce / bce: sum of the losses of the class's samples. multilabel: sum over all samples of
   * labelLosses[l] (which carry the sample weight, see SampleEval), so these per-label sums add
   * up to L x the total, each sample's loss being the mean over its labels.
   */
  sum: number;
  /** sum / weightSum: the class's share of the mean, in the loss's own convention. */
  meanLoss: number;
  /**
   * 95% interval of meanLoss, normal approximation from the class's per-sample loss variance over
   * its samples (support; multilabel: all samples); NaNs under 2 samples or with an infinite loss.
   */
  meanLossCi: Interval;
  /**
   * Fraction of the total loss that comes from this class (multilabel: of the sum over labels).
   * The shares add up to 1. With infinite losses present, each class's share is its fraction of
   * the infinite losses (the limit as those losses grow without bound). All 0 when the total is 0.
   */
  share: number;
  infiniteCount: number;
  /** One-vs-rest counts: ce / bce from the confusion matrix; multilabel: the label's own 2 x 2. */
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** Samples predicted as this class (tp + fp). */
  predicted: number;
  precision: number;
  recall: number;
  f1: number;
  /** 95% Wilson intervals: precision over the samples predicted as the class, recall over its support. */
  precisionCi: Interval;
  recallCi: Interval;
  /** The class's own one-vs-rest ECE on the equal-width bins; its mean over classes is the class-wise ECE. */
  ece: number;
  /**
   * Mean confidence of the samples PREDICTED as this class: mean SampleEval.confidence (ce, bce)
   * or mean p (multilabel, over samples where p >= 0.5). It pairs with precision: "when the model
   * says cat it is 0.95 sure on average, and right 0.80 of the time" is per-class over-confidence.
   * NaN when nothing is predicted as this class.
   */
  meanConfidence: number;
  /**
   * Mean probability given to this class over the samples that truly ARE this class: ce probs[k],
   * bce p (class 1) or 1 - p (class 0), multilabel p (over samples with y >= 0.5). It pairs with
   * recall and with the class's mean loss (the loss of a hard-label sample is -log of it).
   * NaN when the class has no support.
   */
  meanTrueProb: number;
}

export interface Breakdown {
  kind: LossKind;
  base: LogBase;
  numClasses: number;
  classNames: string[];
  count: number;
  ignoredCount: number;
  infiniteCount: number;
  invalidCount: number;
  /** ce / bce: samples whose true or predicted class is outside 0..K-1 (kept in the totals only). */
  unclassifiedCount: number;
  sum: number;
  weightSum: number;
  /** sum / weightSum; Infinity when a loss is infinite. */
  mean: number;
  /** base^mean (e^mean in nats, 2^mean in bits: the same number). */
  perplexity: number;
  /** ce / bce: fraction with predictedClass === trueClass; multilabel: exact-match (subset) accuracy. */
  accuracy: number;
  /** multilabel: fraction of (sample, label) pairs right; ce / bce: equal to accuracy. */
  hammingAccuracy: number;
  /** Mean SampleEval.confidence. */
  meanConfidence: number;
  /**
   * Brier score, unweighted, over the samples with a class (ce, bce) or all (multilabel):
   * ce the mean over samples of sum_k (p_k - y_k)^2 with y the one-hot of the true class (Brier 1950,
   * in [0, 2]); bce the mean of (p - y)^2 on p = P(y = 1), scikit-learn's brier_score_loss (in [0, 1];
   * half the ce formula over the two classes); multilabel the mean over samples and labels of (p_l - y_l)^2.
   */
  brier: number;
  /**
   * Mean entropy of the predicted distribution, in `base`: ce -sum_k p_k log p_k (0 log 0 = 0);
   * bce the binary entropy of p; multilabel the mean over labels of the binary entropy.
   */
  meanEntropy: number;
  /** Smallest and largest loss (NaN with no valid loss). */
  minLoss: number;
  maxLoss: number;
  classes: ClassBreakdown[];
  averages: PrfAverages;
  /** ce / bce: K x K counts, rows = true class, columns = predicted class (scikit-learn's layout). */
  confusion: number[][] | null;
  /** Reliability bins and ECE; what is binned depends on the kind (calibration.ts). */
  calibration: Calibration;
  /** Unweighted counts of per-sample losses (in the loss's base) on fixed log-spaced edges (histogram.ts). */
  histogram: LossHistogram;
  /** The topK highest losses, worst first; equal losses by row. */
  worst: WorstSample[];
  /** bce and multilabel: ROC and precision-recall curves, AUC and average precision (operating-points.ts); ce: null. */
  operatingPoints: OperatingPoints | null;
  /** Clipping's share and the presets' means (clipping.ts); null without BreakdownConfig.presets. */
  clipping: ClippingReport | null;
}

export const STATE_FORMAT = 'loss-lens.breakdown/5';

/**
 * What toJSON() returns: plain arrays and numbers, safe for structured clone and for JSON.
 * toState(true) gives the same with the arrays as Float64Arrays instead: for posting between
 * threads, where they can be transferred rather than copied (a 1000-class confusion matrix is
 * a million numbers), but not for JSON.
 */
export interface AccumulatorState {
  format: typeof STATE_FORMAT;
  config: ResolvedBreakdownConfig;
  counters: Record<string, number>;
  minLoss: EncodedNumber;
  maxLoss: EncodedNumber;
  arrays: Record<string, EncodedNumber[] | Float64Array>;
  topK: TopKState;
}
