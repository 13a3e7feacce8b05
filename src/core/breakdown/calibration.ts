/**
 * Reliability bins and expected calibration error on equal-width bins over [0, 1].
 *
 * Bin m covers (edges[m], edges[m + 1]] with edges[m] = m * (1 / B) and edges[B] = 1, exactly
 * numpy.linspace(0, 1, B + 1); the first bin also takes 0. That is the binning of scikit-learn's
 * calibration_curve (searchsorted on the inner edges) and of Guo et al.'s reference ECE code
 * (confidence > lower and <= upper), so a probability sitting on an edge lands where those put it.
 *
 * What is binned depends on the loss kind (see CalibrationDefinition in types.ts):
 * - ce: top-label confidence (probability of the predicted class) against correctness, Guo et al. 2017;
 * - bce: p(y = 1) against the observed frequency of y = 1, as scikit-learn's calibration_curve and
 *   torchmetrics' BinaryCalibrationError; a soft target counts as its value;
 * - multilabel: every (sample, label) pair pooled, p against y as for bce.
 * ECE = sum_m (n_m / N) |frequency_m - meanConfidence_m|; MCE = max over non-empty bins.
 *
 * Beside these equal-width bins the report carries equal-mass bins of the same values
 * (confidence-grid.ts) and the class-wise ECE (classwise.ts).
 */

import type { AdaptiveCalibration } from './confidence-grid';
import { wilson, type Interval } from './intervals';
import { compensatedAdd, compensatedValue } from './summation';

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean binned probability (NaN for an empty bin). */
  meanConfidence: number;
  /** Fraction correct (ce) or frequency of y = 1 (bce, multilabel); NaN for an empty bin. */
  accuracy: number;
  /** 95% Wilson interval of `accuracy` over the bin's count ([NaN, NaN] for an empty bin). */
  accuracyCi: Interval;
}

export interface Calibration {
  definition: CalibrationDefinition;
  /** Number of binned values: samples (ce, bce) or sample-label pairs (multilabel). */
  count: number;
  bins: ReliabilityBin[];
  /** Expected calibration error; NaN with nothing binned. */
  ece: number;
  /** Maximum calibration error over non-empty bins; NaN with nothing binned. */
  mce: number;
  /** The same values in equal-mass bins, as many as `bins` at most (confidence-grid.ts). */
  adaptive: AdaptiveCalibration;
  /** Class-wise ECE over the classes (labels), on these equal-width bins (classwise.ts). */
  classwise: { ece: number; bins: number };
}

export type CalibrationDefinition = 'top-label' | 'positive-probability';

export function calibrationEdges(bins: number): Float64Array {
  const edges = new Float64Array(bins + 1);
  const step = 1 / bins;
  for (let m = 0; m < bins; m++) edges[m] = m * step;
  edges[bins] = 1;
  return edges;
}

/** Bin of probability c (not NaN); values outside [0, 1] go to the end bins. */
export function calibrationBin(c: number, edges: Float64Array): number {
  const last = edges.length - 2;
  let m = Math.ceil(c * (last + 1)) - 1;
  if (m < 0) return 0;
  if (m > last) return last;
  // c * B can round across an edge: settle against the numpy edges.
  if (c <= (edges[m] as number) && m > 0) m--;
  else if (m < last && c > (edges[m + 1] as number)) m++;
  return m;
}

/**
 * Bins probs[at] against the outcome. Flat storage: counts[m], and compensated sums of confidence
 * and outcome per bin, sums[4m..4m+1] (confidence) and sums[4m+2..4m+3] (outcome).
 *
 * The probability comes as an array and an index, not as a number: where V8 does not inline this
 * call (the accumulator's per-row methods are past its inlining budget), a double argument is boxed,
 * a heap number per row; an index is not, nor an outcome of 0 or 1.
 */
export function calibrationAdd(counts: Float64Array, sums: Float64Array, edges: Float64Array, probs: Float64Array, at: number, outcome: number): void {
  const c = probs[at] as number;
  const m = calibrationBin(c, edges);
  counts[m] = (counts[m] as number) + 1;
  compensatedAdd(sums, 4 * m, c);
  // Adding 0 leaves a compensated sum as it is: wrong predictions (ce) and y = 0 (bce) skip it.
  if (outcome !== 0) compensatedAdd(sums, 4 * m + 2, outcome);
}

export function calibrationReport(
  definition: CalibrationDefinition,
  counts: Float64Array,
  sums: Float64Array,
  edges: Float64Array,
): Omit<Calibration, 'adaptive' | 'classwise'> {
  let total = 0;
  for (const n of counts) total += n;
  const bins: ReliabilityBin[] = [];
  let ece = 0;
  let mce = 0;
  for (let m = 0; m < counts.length; m++) {
    const n = counts[m] as number;
    const conf = compensatedValue(sums, 4 * m);
    const hits = compensatedValue(sums, 4 * m + 2);
    bins.push({
      lower: edges[m] as number,
      upper: edges[m + 1] as number,
      count: n,
      meanConfidence: n > 0 ? conf / n : Number.NaN,
      accuracy: n > 0 ? hits / n : Number.NaN,
      accuracyCi: wilson(hits, n),
    });
    if (n > 0) {
      // |hits - conf| / N rather than (n / N) |hits / n - conf / n|: the same value with one rounding less.
      ece += Math.abs(hits - conf) / total;
      mce = Math.max(mce, Math.abs(hits / n - conf / n));
    }
  }
  return {
    definition,
    count: total,
    bins,
    ece: total > 0 ? ece : Number.NaN,
    mce: total > 0 ? mce : Number.NaN,
  };
}
