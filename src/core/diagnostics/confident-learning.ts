/**
 * Confident learning (Northcutt, Jiang and Chuang, "Confident Learning: Estimating Uncertainty in
 * Dataset Labels", JAIR 70, 2021) over a stream of rows, in two passes (four with 'prune-by-noise-rate'):
 *
 * 1. ThresholdCounter: t_j, the mean probability of class j over the rows labelled j (the
 *    model's average self-confidence on the class), and the label counts n_i.
 * 2. JointCounter: the confident joint C[i][j], the rows labelled i whose confident class is j: the
 *    most probable of the classes k with p_k >= t_k (a row with no such class is not counted).
 *    With the 'confident-learning' filter (C_{y~,y*} in the paper, cleanlab's
 *    filter_by='confident_learning') a row is a label issue when it lands off the diagonal and its
 *    most probable class is not its label (cleanlab drops those too), found in this pass.
 * With the 'prune-by-noise-rate' filter (cleanlab's default; the paper's "prune by noise rate"), two
 * more passes (NoiseRatePruner): the calibrated joint rounded to counts m_ij; pass 3 finds, for each
 * off-diagonal (i, j) with m_ij > 0, the m_ij rows labelled i with the largest margin p_j - p_i;
 * pass 4 flags them (unless predicted as their label) into the IssueList.
 * Every count is exact; the issues' list keeps the lowest-scoring `listed` by each ranking
 * (self-confidence, normalized margin) in bounded heaps.
 *
 * Memory: K^2 counts, 2 x `listed` issues and a few K-vectors, whatever the number of rows; with
 * 'prune-by-noise-rate' also 20 bytes per estimated wrong label (the sum of the m_ij), see
 * NoiseRatePruner.
 */
import { compensatedAdd, compensatedValue } from '../breakdown/summation';
import { LowestScores } from './issue-heap';

/**
 * p_k >= t_k - THRESHOLD_SLACK counts as confident, as cleanlab compares: a row whose probability
 * equals its class's mean (a class of one row, or of identical rows) is then confident whatever the
 * rounding of the mean's sum.
 */
export const THRESHOLD_SLACK = 1e-6;

/** Pass 1: per class, the sum of its own probability over the rows labelled with it, and their count. */
export class ThresholdCounter {
  /** Compensated sums (value, error) per class. */
  private readonly sums: Float64Array;
  readonly counts: Float64Array;

  constructor(readonly numClasses: number) {
    this.sums = new Float64Array(2 * numClasses);
    this.counts = new Float64Array(numClasses);
  }

  /** A row labelled `label` (0..K-1) with class probabilities probs[0..K-1]. */
  add(probs: Float64Array, label: number): void {
    compensatedAdd(this.sums, 2 * label, probs[label]!);
    this.counts[label]!++;
  }

  /** t_j; NaN for a class no row is labelled with (no row is then confident of it). */
  thresholds(): Float64Array {
    const t = new Float64Array(this.numClasses);
    for (let j = 0; j < this.numClasses; j++) t[j] = this.counts[j]! > 0 ? compensatedValue(this.sums, 2 * j) / this.counts[j]! : Number.NaN;
    return t;
  }
}

/** self-confidence: p_given. Lower is more likely mislabelled. */
export function selfConfidence(probs: Float64Array, given: number): number {
  return probs[given]!;
}

/**
 * Normalized margin, cleanlab's get_normalized_margin_for_each_label: (p_given - max_{k != given} p_k + 1) / 2,
 * in [0, 1]; below 0.5 another class is more probable than the label.
 */
export function normalizedMargin(probs: Float64Array, given: number): number {
  let other = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < probs.length; k++) if (k !== given && probs[k]! > other) other = probs[k]!;
  return (probs[given]! - other + 1) / 2;
}

export const RANKINGS = ['self-confidence', 'normalized-margin'] as const;

/** Which rows are flagged: cleanlab's default first. */
export const FILTERS = ['prune-by-noise-rate', 'confident-learning'] as const;
export type IssueFilter = (typeof FILTERS)[number];
export type IssueRanking = (typeof RANKINGS)[number];

/** The row's place in the data, as the reader gives it. */
export interface RowPlace {
  /** The row's position in the pass (0-based over all files): the tie-break. */
  ordinal: number;
  /** The file's index in the data set (0 for one file). */
  file: number;
  /** 0-based sample index and 1-based line within the file. */
  row: number;
  line: number;
}

/** One kept issue as the counter holds it: where it is and what the model said. */
export interface CountedIssue extends RowPlace {
  given: number;
  /** The confident class: the most probable of the classes above their thresholds. */
  suggested: number;
  givenProb: number;
  suggestedProb: number;
  /** p_given. */
  selfConfidence: number;
  /** (p_given - max_{k != given} p_k + 1) / 2. */
  normalizedMargin: number;
}

/** The flagged rows: exact counts, and the lowest-scoring `listed` by each ranking. */
export class IssueList {
  /** Issues per given label (exact). */
  readonly issuesPerClass: Float64Array;
  issueCount = 0;
  private readonly heaps: Record<IssueRanking, LowestScores>;
  private readonly kept: Record<IssueRanking, CountedIssue[]>;

  constructor(numClasses: number, readonly listed: number) {
    this.issuesPerClass = new Float64Array(numClasses);
    this.heaps = { 'self-confidence': new LowestScores(listed), 'normalized-margin': new LowestScores(listed) };
    this.kept = { 'self-confidence': [], 'normalized-margin': [] };
  }

  /** A flagged row labelled `given`, with its suggested label. */
  add(probs: Float64Array, given: number, suggested: number, place: RowPlace): void {
    this.issueCount++;
    this.issuesPerClass[given]!++;
    const self = selfConfidence(probs, given);
    const margin = normalizedMargin(probs, given);
    this.offer('self-confidence', self, probs, given, suggested, place, self, margin);
    this.offer('normalized-margin', margin, probs, given, suggested, place, self, margin);
  }

  /** The kept issues by `ranking`, most likely mislabelled first. */
  issues(ranking: IssueRanking): CountedIssue[] {
    const kept = this.kept[ranking];
    return this.heaps[ranking].sortedSlots().map((slot) => kept[slot]!);
  }

  private offer(ranking: IssueRanking, score: number, probs: Float64Array, given: number, suggested: number, place: RowPlace, self: number, margin: number): void {
    const heap = this.heaps[ranking];
    if (!heap.admits(score)) return;
    const slot = heap.insert(score, place.ordinal);
    // Issues are few (off-diagonal rows), so one small object per admitted issue is cheap.
    this.kept[ranking][slot] = {
      ordinal: place.ordinal, file: place.file, row: place.row, line: place.line,
      given, suggested, givenProb: probs[given]!, suggestedProb: probs[suggested]!, selfConfidence: self, normalizedMargin: margin,
    };
  }
}

/** The row's most probable class (the first on a tie). */
export function mostProbable(probs: Float64Array): number {
  let best = 0;
  for (let k = 1; k < probs.length; k++) if (probs[k]! > probs[best]!) best = k;
  return best;
}

/**
 * Pass 2: the confident joint; with `flagged` (the 'confident-learning' filter), the rows off its
 * diagonal not predicted as their label go into it.
 */
export class JointCounter {
  readonly numClasses: number;
  /** C[i][j] at i * K + j: rows labelled i whose confident class is j. */
  readonly joint: Float64Array;
  /** Rows with no class above its threshold (not in the joint). */
  unconfident = 0;

  constructor(readonly thresholds: Float64Array, private readonly flagged?: IssueList) {
    const K = thresholds.length;
    this.numClasses = K;
    this.joint = new Float64Array(K * K);
  }

  /** A row labelled `given` (0..K-1) with class probabilities probs[0..K-1]. */
  add(probs: Float64Array, given: number, place: RowPlace): void {
    const t = this.thresholds;
    const K = this.numClasses;
    let confident = -1;
    for (let k = 0; k < K; k++) {
      const p = probs[k]!;
      if (p >= t[k]! - THRESHOLD_SLACK && (confident < 0 || p > probs[confident]!)) confident = k;
    }
    if (confident < 0) {
      this.unconfident++;
      return;
    }
    this.joint[given * K + confident]!++;
    if (this.flagged === undefined || confident === given || mostProbable(probs) === given) return;
    this.flagged.add(probs, given, confident, place);
  }
}

/**
 * cleanlab's round_preserving_row_totals on the calibrated joint: each row floored, then 1 added to
 * the cells with the largest remainders (ties to the lower class) until the row sums to its
 * rounded total (n_i). m_ij at i * K + j: how many rows labelled i the noise rate says are j.
 */
export function pruneCounts(calibrated: readonly (readonly number[])[]): Float64Array {
  const K = calibrated.length;
  const m = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    const row = calibrated[i]!;
    let total = 0;
    let floors = 0;
    for (let j = 0; j < K; j++) {
      total += row[j]!;
      floors += m[i * K + j] = Math.floor(row[j]!);
    }
    const need = Math.round(total - floors);
    if (need <= 0) continue;
    const order = Array.from({ length: K }, (_, j) => j);
    order.sort((a, b) => (row[b]! - m[i * K + b]!) - (row[a]! - m[i * K + a]!) || a - b);
    for (let r = 0; r < need; r++) m[i * K + order[r]!]!++;
  }
  return m;
}

/**
 * cleanlab's default filter, prune_by_noise_rate, in two passes: for each off-diagonal (i, j) with
 * m_ij > 0 (and class i of more than one row, as cleanlab's min_examples_per_class = 1), the m_ij
 * rows labelled i with the largest margin p_j - p_i (ties to the earlier row) are flagged; a row
 * predicted as its label is then dropped; its suggested label is the most probable of the classes
 * j that flagged it (ties to the lower class).
 *
 * `gather` (pass 3) keeps, per pair, the m_ij largest margins in a bounded heap of (margin, row
 * ordinal); the m_ij-th is the pair's cutoff. `flaggedAs` (pass 4) compares each row with the
 * cutoffs, so the issues go through the same bounded IssueList as the other filter.
 * Bound: 20 bytes per unit of sum_{i != j} m_ij, the estimated number of wrong labels (<= the
 * rows; 8 MB for 400,000), plus one heap object per pair with m_ij > 0 (<= K + the rows, since
 * the joint counts one cell a row). So unlike the rest, this memory grows with the estimated
 * errors, not with the rows as such; per-pair margin histograms would bound it but need a
 * refinement pass for the bin holding the cutoff.
 */
export class NoiseRatePruner {
  /** Per given class i: the classes j with m_ij > 0, and their heaps. */
  private readonly pairs: Int32Array[] = [];
  private readonly heaps: LowestScores[][] = [];

  constructor(readonly prune: Float64Array, labelCounts: Float64Array) {
    const K = labelCounts.length;
    for (let i = 0; i < K; i++) {
      const js: number[] = [];
      if (labelCounts[i]! > 1) for (let j = 0; j < K; j++) if (j !== i && prune[i * K + j]! > 0) js.push(j);
      this.pairs.push(Int32Array.from(js));
      this.heaps.push(js.map((j) => new LowestScores(prune[i * K + j]!)));
    }
  }

  /** Pass 3: a row labelled `given`. The heaps keep the lowest p_given - p_j: the largest margins. */
  gather(probs: Float64Array, given: number, ordinal: number): void {
    const js = this.pairs[given]!;
    const heaps = this.heaps[given]!;
    for (let a = 0; a < js.length; a++) {
      const score = probs[given]! - probs[js[a]!]!;
      if (heaps[a]!.admits(score)) heaps[a]!.insert(score, ordinal);
    }
  }

  /** Pass 4 (after every row went through `gather`): the suggested label of a flagged row, or -1. */
  flaggedAs(probs: Float64Array, given: number, ordinal: number): number {
    const js = this.pairs[given]!;
    const heaps = this.heaps[given]!;
    let suggested = -1;
    for (let a = 0; a < js.length; a++) {
      const heap = heaps[a]!;
      const score = probs[given]! - probs[js[a]!]!;
      // Kept iff not above the heap's root (its highest score, the latest row on a tie); a heap
      // not full kept every row labelled `given`.
      const kept = heap.size < heap.capacity || score < heap.score[0]! || (score === heap.score[0]! && ordinal <= heap.ordinal[0]!);
      if (kept && (suggested < 0 || probs[js[a]!]! > probs[suggested]!)) suggested = js[a]!;
    }
    return suggested;
  }
}

/** What the joint says of the labels: calibrated to the label counts, and the noise rates. */
export interface JointEstimate {
  /**
   * Q[i][j] x n: C calibrated so each row i sums to n_i (after the diagonal is raised to at least
   * 1, as cleanlab does, so a class with no confident row keeps its count on the diagonal), then
   * scaled to n.
   */
  calibrated: number[][];
  /** Per given class i: the estimated share of its labels that are wrong, 1 - Q[i][i] / sum_j Q[i][j]. NaN with no row labelled i. */
  noiseRate: number[];
  /** Per given class i: the estimated number of wrong labels, n_i x noiseRate[i]. */
  estimatedErrors: number[];
  /** 1 - trace(Q): the estimated share of all labels that are wrong. */
  overallNoiseRate: number;
}

/**
 * Calibrates the confident joint to the label counts (the paper's Eq. 2-3, cleanlab's
 * calibrate_confident_joint). Each row i then sums to n_i, so the whole to n, and cleanlab's final
 * rescaling to n changes nothing.
 */
export function estimateJoint(joint: Float64Array, labelCounts: Float64Array): JointEstimate {
  const K = labelCounts.length;
  const cell = (i: number, j: number) => (i === j ? Math.max(1, joint[i * K + j]!) : joint[i * K + j]!);
  const calibrated: number[][] = [];
  const noiseRate: number[] = [];
  const estimatedErrors: number[] = [];
  let n = 0;
  let trace = 0;
  for (let i = 0; i < K; i++) {
    const ni = labelCounts[i]!;
    let rowSum = 0;
    for (let j = 0; j < K; j++) rowSum += cell(i, j);
    const row = Array.from({ length: K }, (_, j) => (cell(i, j) / rowSum) * ni);
    calibrated.push(row);
    noiseRate.push(ni > 0 ? 1 - row[i]! / ni : Number.NaN);
    estimatedErrors.push(ni - row[i]!);
    n += ni;
    trace += row[i]!;
  }
  return { calibrated, noiseRate, estimatedErrors, overallNoiseRate: n > 0 ? 1 - trace / n : Number.NaN };
}
