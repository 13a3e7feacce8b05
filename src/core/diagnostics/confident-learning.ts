/**
 * Confident learning (Northcutt, Jiang and Chuang, "Confident Learning: Estimating Uncertainty in
 * Dataset Labels", JAIR 70, 2021) over a stream of rows, in two passes of bounded memory:
 *
 * 1. ThresholdCounter: t_j, the mean probability of class j over the rows labelled j (the
 *    model's average self-confidence on the class), and the label counts n_i.
 * 2. JointCounter: the confident joint C[i][j], the rows labelled i whose confident class is j: the
 *    most probable of the classes k with p_k >= t_k (a row with no such class is not counted).
 *    A row is a label issue when it lands off the diagonal (C_{y~,y*} in the paper, cleanlab's
 *    filter_by='confident_learning') and its most probable class is not its label (cleanlab drops
 *    those too). Every count is exact; the issues' list keeps the lowest-scoring `listed` by each
 *    ranking (self-confidence, normalized margin) in bounded heaps.
 *
 * Memory: K^2 counts, 2 x `listed` issues and a few K-vectors, whatever the number of rows.
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

/** Pass 2: the confident joint, the issues' exact counts and the lowest-scoring issues by each ranking. */
export class JointCounter {
  readonly numClasses: number;
  /** C[i][j] at i * K + j: rows labelled i whose confident class is j. */
  readonly joint: Float64Array;
  /** Issues per given label (exact). */
  readonly issuesPerClass: Float64Array;
  issueCount = 0;
  /** Rows with no class above its threshold (not in the joint). */
  unconfident = 0;
  private readonly heaps: Record<IssueRanking, LowestScores>;
  private readonly kept: Record<IssueRanking, CountedIssue[]>;

  constructor(readonly thresholds: Float64Array, readonly listed: number) {
    const K = thresholds.length;
    this.numClasses = K;
    this.joint = new Float64Array(K * K);
    this.issuesPerClass = new Float64Array(K);
    this.heaps = { 'self-confidence': new LowestScores(listed), 'normalized-margin': new LowestScores(listed) };
    this.kept = { 'self-confidence': [], 'normalized-margin': [] };
  }

  /** A row labelled `given` (0..K-1) with class probabilities probs[0..K-1]. */
  add(probs: Float64Array, given: number, place: RowPlace): void {
    const t = this.thresholds;
    const K = this.numClasses;
    let confident = -1;
    let best = 0;
    for (let k = 0; k < K; k++) {
      const p = probs[k]!;
      if (p >= t[k]! - THRESHOLD_SLACK && (confident < 0 || p > probs[confident]!)) confident = k;
      if (p > probs[best]!) best = k;
    }
    if (confident < 0) {
      this.unconfident++;
      return;
    }
    this.joint[given * K + confident]!++;
    if (confident === given || best === given) return;
    this.issueCount++;
    this.issuesPerClass[given]!++;
    const self = selfConfidence(probs, given);
    const margin = normalizedMargin(probs, given);
    this.offer('self-confidence', self, probs, given, confident, place, self, margin);
    this.offer('normalized-margin', margin, probs, given, confident, place, self, margin);
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
