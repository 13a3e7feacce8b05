/**
 * Confident learning (Northcutt, Jiang and Chuang, "Confident Learning: Estimating Uncertainty in
 * Dataset Labels", JAIR 70, 2021) over a stream of rows, in two passes (four or more with 'prune-by-noise-rate'):
 *
 * 1. ThresholdCounter: t_j, the mean probability of class j over the rows labelled j (the
 *    model's average self-confidence on the class), and the label counts n_i.
 * 2. JointCounter: the confident joint C[i][j], the rows labelled i whose confident class is j: the
 *    most probable of the classes k with p_k >= t_k (a row with no such class is not counted).
 *    With the 'confident-learning' filter (C_{y~,y*} in the paper, cleanlab's
 *    filter_by='confident_learning') a row is a label issue when it lands off the diagonal and its
 *    most probable class is not its label (cleanlab drops those too), found in this pass.
 * With the 'prune-by-noise-rate' filter (cleanlab's default; the paper's "prune by noise rate"), two
 * or more passes (NoiseRatePruner): the calibrated joint rounded to counts m_ij; pass 3 (and a
 * further one where a cell's count is large) finds, for each off-diagonal (i, j) with m_ij > 0, the
 * cutoff of the m_ij rows labelled i with the largest margin p_j - p_i; the last pass flags them
 * (unless predicted as their label) into the IssueList.
 * Every count is exact; the issues' list keeps the lowest-scoring `listed` by each ranking
 * (self-confidence, normalized margin) in bounded heaps.
 *
 * Memory, whatever the number of rows: K^2 counts, a few K-vectors, 2 x `listed` issues (N shown:
 * about 2 x 200 bytes each), and with 'prune-by-noise-rate' at most 80 KB per off-diagonal cell
 * with m_ij > 0 (NoiseRatePruner): in all about 8 K^2 + 400 N + 80 KB x K(K-1) bytes.
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

/** Bins of a cutoff histogram (see NoiseRatePruner). */
export const CUTOFF_BINS = 1024;
/** A pair whose rank still to find is among at most this many rows keeps them in a heap. */
export const CUTOFF_HEAP = 4096;

/** A pair's search for its cutoff: where it stands, and what it holds. */
interface Cutoff {
  /** The class j of the pair (i, j). */
  j: number;
  /**
   * The levels that narrowed the search: at level l a row's bin is binOf(s, lo[l], scale[l]) and
   * the cutoff lies in bin chosen[l]. Rows in lower bins are kept, in higher ones not.
   */
  lo: number[];
  scale: number[];
  chosen: number[];
  /**
   * 'histogram': the next pass counts the rows in range per bin at level chosen.length;
   * 'collect': the next pass keeps the `need` lowest (score, row) in range in `heap`;
   * settled: 'heap' (those), 'all' (every row in range), 'order' (every row in range has one
   * score: the first `need` in pass order).
   */
  state: 'histogram' | 'collect' | 'heap' | 'all' | 'order';
  /** How many rows in range are kept. */
  need: number;
  counts?: Uint32Array;
  mins?: Float64Array;
  maxs?: Float64Array;
  heap?: LowestScores;
  /** 'order': rows in range seen so far in the flagging pass. */
  seen: number;
}

/** The bin of score s at a level: floor((s - lo) x scale) clamped to the bins (NaN to bin 0). Monotone in s. */
function binOf(s: number, lo: number, scale: number, bins: number): number {
  const x = (s - lo) * scale;
  return x > 0 ? (x < bins ? Math.floor(x) : bins - 1) : 0;
}

/**
 * cleanlab's default filter, prune_by_noise_rate: for each off-diagonal (i, j) with m_ij > 0 (and
 * class i of more than one row, as cleanlab's min_examples_per_class = 1), the m_ij rows labelled i
 * with the largest margin p_j - p_i (ties to the earlier row) are flagged; a row predicted as its
 * label is then dropped; its suggested label is the most probable of the classes j that flagged it
 * (ties to the lower class).
 *
 * Design (memory bounded whatever the rows): each pair looks for its cutoff, the m_ij-th lowest
 * score s = p_i - p_j among the rows labelled i (by score, then row), over passes (`gather`, then
 * `endPass`) until `settled`; then one pass flags the rows (`flaggedAs`), in order.
 * - A pair with m_ij <= CUTOFF_HEAP keeps its m_ij lowest (s, row) in a bounded heap: one pass.
 * - Otherwise a histogram of CUTOFF_BINS bins over s in [-1, 1] (clamped), with each bin's
 *   count, lowest and highest s. After the pass, the bin holding the m_ij-th row is chosen: rows
 *   below it are kept, above it not, and the rank r left inside it is settled as: all of the bin
 *   (r = its count); the first r rows in pass order when the bin's rows all have one s (exact ties,
 *   as the heap resolves them); the r lowest in a heap (r <= CUTOFF_HEAP) in one more pass; or else
 *   a new histogram over [lowest, highest] of the bin, in one more pass. Each new level puts the
 *   lowest and highest in different bins, so the distinct scores in range fall at every level and
 *   the search ends (on the bench's data: one histogram pass, then the heap's).
 * The bins are a monotone function of s, so the kept rows are exactly the m_ij first of the
 * stable sort by s that one heap of m_ij would keep.
 * Memory: per pair with m_ij > 0, at most max(20 x CUTOFF_HEAP, 20 x CUTOFF_BINS) bytes = 80 KB
 * (a heap entry: score, row, slot; a bin: count, lowest, highest) plus a few numbers per level:
 * <= 80 KB x K(K-1) in all (7.2 MB at 10 classes), whatever the number of rows.
 * Passes: 4 when every m_ij <= CUTOFF_HEAP; usually 5 beyond (the bench's 2M and 8M x 10).
 */
export class NoiseRatePruner {
  /** Per given class i: the cutoffs of the pairs (i, j) with m_ij > 0. */
  private readonly cutoffs: Cutoff[][] = [];
  private unsettled = 0;

  constructor(readonly prune: Float64Array, labelCounts: Float64Array, private readonly bins = CUTOFF_BINS, private readonly heapRows = CUTOFF_HEAP) {
    const K = labelCounts.length;
    for (let i = 0; i < K; i++) {
      const row: Cutoff[] = [];
      if (labelCounts[i]! > 1) {
        for (let j = 0; j < K; j++) {
          const need = prune[i * K + j]!;
          if (j === i || !(need > 0)) continue;
          const c: Cutoff = { j, lo: [], scale: [], chosen: [], state: 'collect', need, seen: 0 };
          if (need <= heapRows) c.heap = new LowestScores(need);
          else this.histogram(c, -1, bins / 2);
          row.push(c);
          this.unsettled++;
        }
      }
      this.cutoffs.push(row);
    }
  }

  /** Whether every pair's cutoff is known: `flaggedAs` may then be asked. */
  get settled(): boolean {
    return this.unsettled === 0;
  }

  /** A cutoff pass: a row labelled `given` (every one, in order). */
  gather(probs: Float64Array, given: number, ordinal: number): void {
    const row = this.cutoffs[given]!;
    for (let a = 0; a < row.length; a++) {
      const c = row[a]!;
      if (c.state !== 'histogram' && c.state !== 'collect') continue;
      const s = probs[given]! - probs[c.j]!;
      if (this.where(c, s) !== 0) continue;
      if (c.state === 'collect') {
        if (c.heap!.admits(s)) c.heap!.insert(s, ordinal);
        continue;
      }
      const level = c.chosen.length;
      const b = binOf(s, c.lo[level]!, c.scale[level]!, this.bins);
      if (c.counts![b]!++ === 0) c.mins![b] = c.maxs![b] = s;
      else if (s < c.mins![b]!) c.mins![b] = s;
      else if (s > c.maxs![b]!) c.maxs![b] = s;
    }
  }

  /** After a cutoff pass: each pair's heap settles; each histogram settles or narrows to one bin. */
  endPass(): void {
    for (const row of this.cutoffs) {
      for (const c of row) {
        if (c.state === 'collect') {
          c.state = 'heap';
          this.unsettled--;
        } else if (c.state === 'histogram') {
          this.narrow(c);
        }
      }
    }
  }

  /** The flagging pass (once settled), every row labelled `given` in order: the suggested label of a flagged row, or -1. */
  flaggedAs(probs: Float64Array, given: number, ordinal: number): number {
    const row = this.cutoffs[given]!;
    let suggested = -1;
    for (let a = 0; a < row.length; a++) {
      const c = row[a]!;
      const s = probs[given]! - probs[c.j]!;
      const where = this.where(c, s);
      let kept = where < 0;
      if (where === 0) {
        if (c.state === 'all') kept = true;
        else if (c.state === 'order') kept = c.seen++ < c.need;
        else {
          // Kept iff not above the heap's root (its highest score, the latest row on a tie); a heap
          // not full kept every row in range.
          const heap = c.heap!;
          kept = heap.size < heap.capacity || s < heap.score[0]! || (s === heap.score[0]! && ordinal <= heap.ordinal[0]!);
        }
      }
      if (kept && (suggested < 0 || probs[c.j]! > probs[suggested]!)) suggested = c.j;
    }
    return suggested;
  }

  /** -1: below the pair's range (kept), 1: above it (not kept), 0: in range. */
  private where(c: Cutoff, s: number): number {
    for (let l = 0; l < c.chosen.length; l++) {
      const b = binOf(s, c.lo[l]!, c.scale[l]!, this.bins);
      if (b !== c.chosen[l]) return b < c.chosen[l]! ? -1 : 1;
    }
    return 0;
  }

  private histogram(c: Cutoff, lo: number, scale: number): void {
    c.state = 'histogram';
    c.lo.push(lo);
    c.scale.push(scale);
    c.counts = new Uint32Array(this.bins);
    c.mins = new Float64Array(this.bins);
    c.maxs = new Float64Array(this.bins);
  }

  /** The bin holding the need-th row in range, and what settles the rank left in it. */
  private narrow(c: Cutoff): void {
    const counts = c.counts!;
    let below = 0;
    let b = 0;
    // need <= the rows in range (m_ij <= n_i; later levels by construction); the last bin otherwise.
    while (b < this.bins - 1 && below + counts[b]! < c.need) below += counts[b++]!;
    const rank = c.need - below;
    const inBin = counts[b]!;
    const [lowest, highest] = [c.mins![b]!, c.maxs![b]!];
    c.chosen.push(b);
    c.need = rank;
    c.counts = c.mins = c.maxs = undefined;
    if (rank >= inBin) c.state = 'all';
    else if (lowest === highest) c.state = 'order';
    else if (rank <= this.heapRows) {
      c.state = 'collect';
      c.heap = new LowestScores(rank);
      return;
    } else {
      this.histogram(c, lowest, this.bins / (highest - lowest));
      return;
    }
    this.unsettled--;
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
