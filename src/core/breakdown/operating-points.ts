/**
 * Binary and multi-label operating points: ROC and precision-recall curves, ROC AUC and average
 * precision, from score histograms of the positives and the negatives, one pass and mergeable.
 *
 * The scheme: bce reads the confidence grid it already keeps for equal-mass calibration
 * (confidence-grid.ts: p(y = 1) in 7,939 buckets, 128 per factor of 2 of min(p, 1 - p), each
 * 0.54% of that distance wide), whose outcome sum is the positives' count; multi-label keeps one
 * coarser grid per label (LABEL_BUCKETS = 995: 16 per factor of 2, each 4.4% of the distance wide,
 * 16 KB a label), the fine grid's buckets taken 8 at a time. 0.5 is a bucket of its own in both, so
 * the threshold 0.5 gives the confusion counts exactly.
 *
 * Thresholds are the buckets' lower edges (predicted positive: p >= the edge; above 0.5, where an
 * edge belongs to the bucket below, the next double up), and 0.5; within a bucket the
 * scores' order is not known, so:
 * - AUC is the Mann-Whitney count with a bucket's positive-negative pairs counted half (as tied
 *   scores are), and the exact AUC is within `aucError` = sum_j pos_j neg_j / (2 P N) of it;
 * - AP is sklearn's sum over thresholds of (R_k - R_k-1) P_k with a bucket as one threshold, and
 *   the exact AP lies in `apRange`: a positive of bucket j, with tp positives and fp negatives
 *   above the bucket and a positives, b negatives in it, is at a precision between
 *   (tp + i) / (tp + i + fp + b) for the i-th of them (the bucket's negatives all ranked first) and
 *   (tp + a) / (tp + a + fp) (its positives all first, and tied).
 * Soft targets count as y positives and 1 - y negatives (the AP range then takes fractional counts
 * through the digamma function: an approximation).
 */
import { GRID_BUCKETS, gridRange } from './confidence-grid';

/** Fine buckets on each side of 0.5, the end bucket included (confidence-grid.ts's SIDE - 1). */
const FINE_SIDE = (GRID_BUCKETS - 1) / 2;
/** Fine buckets per coarse one. */
const MERGE = 8;
const COARSE_SIDE = 1 + Math.ceil((FINE_SIDE - 1) / MERGE);
export const LABEL_BUCKETS = 2 * COARSE_SIDE + 1;

/** The coarse bucket of a fine one: the end bucket alone, then 8 at a time; 0.5 alone. */
function coarseOf(fine: number): number {
  if (fine < FINE_SIDE) return fine === 0 ? 0 : 1 + ((fine - 1) >> 3);
  if (fine === FINE_SIDE) return COARSE_SIDE;
  const mirrored = GRID_BUCKETS - 1 - fine;
  return LABEL_BUCKETS - 1 - (mirrored === 0 ? 0 : 1 + ((mirrored - 1) >> 3));
}

/** The label grid's bucket of each fine bucket: one load per label and row, where the fine bucket is at hand. */
export const LABEL_BUCKET_OF_FINE = Uint16Array.from({ length: GRID_BUCKETS }, (_, j) => coarseOf(j));


/** [first, last] fine buckets of a coarse one. */
function fineSpan(coarse: number): [number, number] {
  if (coarse === COARSE_SIDE) return [FINE_SIDE, FINE_SIDE];
  if (coarse < COARSE_SIDE) return coarse === 0 ? [0, 0] : [1 + (coarse - 1) * MERGE, Math.min(FINE_SIDE - 1, coarse * MERGE)];
  const [a, b] = fineSpan(LABEL_BUCKETS - 1 - coarse);
  return [GRID_BUCKETS - 1 - b, GRID_BUCKETS - 1 - a];
}

export function labelBucketRange(coarse: number): [number, number] {
  const [a, b] = fineSpan(coarse);
  return [gridRange(a)[0], gridRange(b)[1]];
}

export interface OperatingPoint {
  /** Predicted positive when p >= threshold. */
  threshold: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** NaN when nothing is predicted positive. */
  precision: number;
  recall: number;
  f1: number;
  /** False-positive rate, the ROC curve's x. */
  fpr: number;
}

export interface OperatingCurves {
  /** The label's index and name (bce: the positive class). */
  index: number;
  name: string;
  positives: number;
  negatives: number;
  /** ROC AUC, ties within a bucket counted half; NaN without both positives and negatives. */
  auc: number;
  /** The exact AUC is within auc +- aucError (see the file's comment). */
  aucError: number;
  /** Average precision (sklearn's step sum), a bucket as one threshold; NaN without positives. */
  ap: number;
  /** Where the exact average precision lies. */
  apRange: [number, number];
  /** Non-empty buckets' lower edges as thresholds, highest first, down to the lowest (all positive); thinned (see thin). */
  points: OperatingPoint[];
}

export interface OperatingPoints {
  /** What the scores were bucketed by: the fine grid (bce) or the label grid (multilabel). */
  scheme: { bucketsPerOctave: number; buckets: number; widthOfDistance: number };
  curves: OperatingCurves[];
}

export const FINE_SCHEME = { bucketsPerOctave: 128, buckets: GRID_BUCKETS, widthOfDistance: 2 ** (1 / 128) - 1 };
export const LABEL_SCHEME = { bucketsPerOctave: 16, buckets: LABEL_BUCKETS, widthOfDistance: 2 ** (1 / 16) - 1 };

/**
 * Curves from positives and negatives per bucket (rising score). `range` gives a bucket's
 * [lower, upper] score range.
 */
export function operatingCurves(index: number, name: string, pos: ArrayLike<number>, neg: ArrayLike<number>, range: (j: number) => [number, number]): OperatingCurves {
  const n = pos.length;
  let P = 0;
  let N = 0;
  for (let j = 0; j < n; j++) {
    P += pos[j] as number;
    N += neg[j] as number;
  }
  const points: OperatingPoint[] = [];
  let tp = 0;
  let fp = 0;
  let aucSum = 0;
  let ties = 0;
  let ap = 0;
  let apLow = 0;
  let apHigh = 0;
  let half = false;
  const point = (threshold: number): OperatingPoint => {
    const precision = tp + fp > 0 ? tp / (tp + fp) : Number.NaN;
    const recall = P > 0 ? tp / P : Number.NaN;
    return {
      threshold, tp, fp, fn: P - tp, tn: N - fp, precision, recall,
      f1: tp > 0 ? (2 * tp) / (2 * tp + fp + (P - tp)) : 0,
      fpr: N > 0 ? fp / N : Number.NaN,
    };
  };
  for (let j = n - 1; j >= 0; j--) {
    const a = pos[j] as number;
    const b = neg[j] as number;
    if (a === 0 && b === 0) continue;
    // 0.5 is a bucket's edge: its point is exact, and kept even where no score falls on it.
    if (!half && range(j)[0] < 0.5) {
      points.push(point(0.5));
      half = true;
    }
    // Each negative here ranks below every positive above this bucket, and ties with this bucket's.
    aucSum += b * (tp + a / 2);
    ties += a * b;
    if (a > 0) {
      ap += a * ((tp + a) / (tp + a + fp + b));
      apHigh += a * ((tp + a) / (tp + a + fp));
      apLow += rankedSum(tp, fp + b, a);
    }
    tp += a;
    fp += b;
    const [lower, upper] = range(j);
    // Above 0.5 a bucket's lower edge belongs to the bucket below it (the grid is of 1 - p there).
    const threshold = lower >= 0.5 && upper > lower ? nextUp(lower) : lower;
    if (threshold === 0.5) half = true;
    points.push(point(threshold));
  }
  if (!half) points.push(point(0.5));
  const both = P > 0 && N > 0;
  return {
    index,
    name,
    positives: P,
    negatives: N,
    auc: both ? aucSum / (P * N) : Number.NaN,
    aucError: both ? ties / (2 * P * N) : Number.NaN,
    ap: P > 0 ? ap / P : Number.NaN,
    apRange: P > 0 ? [apLow / P, apHigh / P] : [Number.NaN, Number.NaN],
    points: thin(points),
  };
}

const bits = new Float64Array(1);
const word = new BigInt64Array(bits.buffer);

/** The next double above a positive x. */
function nextUp(x: number): number {
  bits[0] = x;
  word[0] = (word[0] as bigint) + 1n;
  return bits[0] as number;
}

/** Steps of recall, false-positive rate or precision that a kept point makes at least. */
const POINT_STEP = 0.005;

/**
 * The points a curve and a threshold slider need: one wherever recall, FPR or precision moved by
 * POINT_STEP since the last kept, plus 0.5 and the ends (a 5M-row file fills every bucket: 7,939
 * points, 0.7 MB of JSON, against a few hundred).
 */
function thin(points: OperatingPoint[]): OperatingPoint[] {
  const kept: OperatingPoint[] = [];
  let last: OperatingPoint | undefined;
  points.forEach((p, i) => {
    const moved = last === undefined || i === points.length - 1 || p.threshold === 0.5
      || Math.abs(p.recall - last.recall) >= POINT_STEP || Math.abs(p.fpr - last.fpr) >= POINT_STEP
      || !(Math.abs(p.precision - last.precision) < POINT_STEP);
    if (!moved) return;
    kept.push(p);
    last = p;
  });
  return kept;
}

/**
 * sum over i = 1..a of (tp + i) / (tp + fp + i): a bucket's positives ranked after tp + fp samples.
 * In closed form, a - fp (H(tp + fp + a) - H(tp + fp)) with H the harmonic numbers as digamma
 * differences: a loop over the positives took 100-360 ms on a cold JIT for 2.5M of them.
 */
export function rankedSum(tp: number, fp: number, a: number): number {
  return fp === 0 ? a : a - fp * digammaDifference(tp + fp + 1, a);
}

/** psi(x + a) - psi(x) for x >= 1, a >= 0: shifted up to x >= 10, then the asymptotic series (error below 1e-12). */
function digammaDifference(x: number, a: number): number {
  let s = 0;
  while (x < 10) {
    s += 1 / x - 1 / (x + a);
    x += 1;
  }
  const tail = (y: number): number => {
    const r = 1 / (y * y);
    return -1 / (2 * y) - r * (1 / 12 - r * (1 / 120 - r / 252));
  };
  return s + Math.log1p(a / x) + tail(x + a) - tail(x);
}

/** bce: the fine grid (count, value sum, outcome sum per bucket) as positives and negatives. */
export function binaryCurves(grid: Float64Array, name: string): OperatingCurves {
  const pos = new Float64Array(GRID_BUCKETS);
  const neg = new Float64Array(GRID_BUCKETS);
  for (let j = 0; j < GRID_BUCKETS; j++) {
    pos[j] = grid[3 * j + 2] as number;
    neg[j] = (grid[3 * j] as number) - (pos[j] as number);
  }
  return operatingCurves(1, name, pos, neg, gridRange);
}

/** multilabel: label l's slice of the label grid (positives and negatives interleaved per bucket). */
export function labelCurves(labelGrid: Float64Array, l: number, name: string): OperatingCurves {
  const pos = new Float64Array(LABEL_BUCKETS);
  const neg = new Float64Array(LABEL_BUCKETS);
  for (let j = 0, at = 2 * l * LABEL_BUCKETS; j < LABEL_BUCKETS; j++, at += 2) {
    pos[j] = labelGrid[at] as number;
    neg[j] = labelGrid[at + 1] as number;
  }
  return operatingCurves(l, name, pos, neg, labelBucketRange);
}
