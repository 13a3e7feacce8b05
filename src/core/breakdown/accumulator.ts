/**
 * The streaming breakdown of a file's losses: one pass over the SampleEvals, memory fixed by the
 * configuration (classes, bins, k) and not by the number of rows, and exactly mergeable, so the
 * workers that read parts of a file each fill one and the host merges their states.
 *
 * Merging the accumulators of contiguous parts gives what one pass gives: counts, histogram,
 * confusion, min / max and the worst-k exactly, sums to within a few ulps (compensated sums).
 * Every part of the state is a sum, a min / max or a top-k set, so the merge order does not matter
 * either (up to those ulps).
 */

import { LN2 } from '../math';
import { EvalBatch, setEvalRow } from '../batch';
import { PRESET_NAMES, type LossKind, type SampleEval } from '../types';
import { calibrationAdd, calibrationEdges, calibrationReport } from './calibration';
import { ClasswiseBins, meanOf } from './classwise';
import { CLIP_COUNT_SLOTS, CLIP_SUM_SLOTS, clippingReport } from './clipping';
import { binaryCurves, FINE_SCHEME, LABEL_BUCKET_OF_FINE, LABEL_BUCKETS, LABEL_SCHEME, labelCurves, type OperatingPoints } from './operating-points';
import { adaptiveReport, gridAddBatch, gridBucket, GRID_BUCKETS } from './confidence-grid';
import { allOneVsRest, averages, prf, type OneVsRest } from './confusion';
import { decodeArrayInto, decodeNumber, encodeArray, encodeNumber } from './encoding';
import { DEFAULT_HISTOGRAM, HistogramBinner } from './histogram';
import { meanInterval, wilson } from './intervals';
import { compensatedAdd, compensatedValue, mergeCompensated, mergeCounts } from './summation';
import { WorstK, type TopKState } from './topk';
import {
  STATE_FORMAT,
  type AccumulatorState,
  type Breakdown,
  type BreakdownConfig,
  type ClassBreakdown,
  type ResolvedBreakdownConfig,
} from './types';

const DEFAULT_CALIBRATION_BINS = 15;
const DEFAULT_TOP_K = 50;

// Slots of the `totals` compensated sums.
const SUM = 0;
const WEIGHT = 2;
const ENTROPY = 4;
const CONFIDENCE = 6;
const BRIER = 8;

/** Counters held as fields (the hot path increments them); listed for the state and merge. */
const COUNTERS = ['count', 'ignored', 'infinite', 'invalid', 'unclassified', 'correct', 'labelsCorrect'] as const;

/** Arrays of compensated sums (pairs) and of counts or plain sums (merged by adding); listed for the state and merge. */
const SUM_ARRAYS = ['totals', 'classLoss', 'classLossSquares', 'classWeight', 'classTrueProb', 'classConfidence', 'calibrationSums', 'clipSums'] as const;
const COUNT_ARRAYS = ['support', 'classInfinite', 'confusion', 'calibrationCounts', 'histogram', 'grid', 'classBinCounts', 'classBinSums', 'classBinTotals', 'clipCounts', 'labelGrid'] as const;
type ArrayName = (typeof SUM_ARRAYS)[number] | (typeof COUNT_ARRAYS)[number];

const KIND_CE = 0;
const KIND_BCE = 1;
const KIND_MULTILABEL = 2;

export function resolveBreakdownConfig(config: BreakdownConfig): ResolvedBreakdownConfig {
  const kind: LossKind = config.kind;
  if (kind !== 'ce' && kind !== 'bce' && kind !== 'multilabel') throw new RangeError(`unknown loss kind ${String(kind)}`);
  let numClasses: number;
  if (kind === 'bce') {
    if (config.numClasses !== undefined && config.numClasses !== 2) {
      throw new RangeError('bce has two classes (0 and 1): omit numClasses or set it to 2');
    }
    numClasses = 2;
  } else {
    numClasses = config.numClasses ?? Number.NaN;
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new RangeError(`${kind} needs numClasses, a positive integer (${kind === 'ce' ? 'classes' : 'labels'})`);
    }
  }
  const classNames = config.classNames ? [...config.classNames] : Array.from({ length: numClasses }, (_, k) => String(k));
  if (classNames.length !== numClasses) throw new RangeError(`classNames has ${classNames.length} names for ${numClasses} classes`);
  if (config.base !== 'e' && config.base !== '2') throw new RangeError(`unknown log base ${String(config.base)}`);
  const calibrationBins = config.calibrationBins ?? DEFAULT_CALIBRATION_BINS;
  if (!Number.isInteger(calibrationBins) || calibrationBins < 1) throw new RangeError('calibrationBins must be a positive integer');
  const topK = config.topK ?? DEFAULT_TOP_K;
  if (!Number.isInteger(topK) || topK < 0) throw new RangeError('topK must be a non-negative integer');
  const presets = config.presets ? { active: config.presets.active, comparable: [...config.presets.comparable] } : null;
  if (presets && !PRESET_NAMES.includes(presets.active)) throw new RangeError(`unknown preset ${String(presets.active)}`);
  return {
    kind,
    numClasses,
    classNames,
    base: config.base,
    calibrationBins,
    topK,
    histogram: { ...DEFAULT_HISTOGRAM, ...config.histogram },
    presets,
  };
}

export function createAccumulator(config: BreakdownConfig): BreakdownAccumulator {
  return new BreakdownAccumulator(config);
}

export class BreakdownAccumulator {
  readonly config: ResolvedBreakdownConfig;

  count = 0;
  ignored = 0;
  infinite = 0;
  invalid = 0;
  unclassified = 0;
  /** ce / bce: predictions equal to the true class; multilabel: samples with every label right. */
  correct = 0;
  /** multilabel: (sample, label) pairs right. */
  labelsCorrect = 0;
  minLoss = Number.POSITIVE_INFINITY;
  maxLoss = Number.NEGATIVE_INFINITY;

  /**
   * Compensated sums of loss (finite ones), weight, entropy (nats), confidence and Brier score. For
   * ce and bce the entropy and Brier score of every sample: the rest holds the samples no class
   * takes (see addTotals).
   */
  readonly totals = new Float64Array(10);
  /** Per class, compensated: finite loss (multilabel: the label loss), weight, true-class probability, confidence. */
  readonly classLoss: Float64Array;
  /** Per class, compensated: the squares of the finite losses, for the interval on the mean loss. */
  readonly classLossSquares: Float64Array;
  readonly classWeight: Float64Array;
  readonly classTrueProb: Float64Array;
  readonly classConfidence: Float64Array;
  readonly support: Float64Array;
  readonly classInfinite: Float64Array;
  /** ce / bce: K x K, row-major (true, predicted). multilabel: per label tp, fp, fn (3 per label). */
  readonly confusion: Float64Array;
  readonly calibrationCounts: Float64Array;
  /** Per bin: compensated confidence sum, compensated outcome sum. */
  readonly calibrationSums: Float64Array;
  readonly histogram: Float64Array;
  /** The fine grid of the calibrated values, for equal-mass bins (confidence-grid.ts). */
  readonly grid = new Float64Array(3 * GRID_BUCKETS);
  /** Class-wise calibration bins (classwise.ts); the three arrays are its own. */
  readonly classBinCounts: Float64Array;
  readonly classBinSums: Float64Array;
  readonly classBinTotals: Float64Array;
  /** Clipping (clipping.ts): compensated sums (the clipped samples' loss, each preset's over the contested rows) and counts. */
  readonly clipSums = new Float64Array(CLIP_SUM_SLOTS);
  readonly clipCounts = new Float64Array(CLIP_COUNT_SLOTS);
  /** multilabel: per label and label-grid bucket, positives and negatives (operating-points.ts); empty otherwise. */
  readonly labelGrid: Float64Array;
  /** Replaced by takeWorst: a split read keeps one list per piece, to shift its rows afterwards. */
  worst: WorstK;

  /** Nothing merged yet (an add counts in count or ignored): with those at 0, a merge may copy. */
  private untouched = true;
  private readonly k: number;
  private readonly kindCode: number;
  private readonly calibration: Float64Array;
  private readonly classwise: ClasswiseBins;
  private readonly binner: HistogramBinner;
  /** ce: which rows of the batch have a class (addClasses), for the class-wise pass. */
  private classified = new Uint8Array(0);
  /** add's batch of one (ce, bce). */
  private readonly one = new EvalBatch(1);

  constructor(config: BreakdownConfig) {
    this.config = resolveBreakdownConfig(config);
    const k = this.config.numClasses;
    this.k = k;
    this.kindCode = this.config.kind === 'ce' ? KIND_CE : this.config.kind === 'bce' ? KIND_BCE : KIND_MULTILABEL;
    this.classLoss = new Float64Array(2 * k);
    this.classLossSquares = new Float64Array(2 * k);
    this.classWeight = new Float64Array(2 * k);
    this.classTrueProb = new Float64Array(2 * k);
    this.classConfidence = new Float64Array(2 * k);
    this.support = new Float64Array(k);
    this.classInfinite = new Float64Array(k);
    this.confusion = new Float64Array(this.kindCode === KIND_MULTILABEL ? 3 * k : k * k);
    this.calibration = calibrationEdges(this.config.calibrationBins);
    this.calibrationCounts = new Float64Array(this.config.calibrationBins);
    this.calibrationSums = new Float64Array(4 * this.config.calibrationBins);
    this.classwise = new ClasswiseBins(k, this.calibration);
    this.classBinCounts = this.classwise.counts;
    this.classBinSums = this.classwise.sums;
    this.classBinTotals = this.classwise.totals;
    this.binner = new HistogramBinner(this.config.histogram);
    this.labelGrid = new Float64Array(this.kindCode === KIND_MULTILABEL ? 2 * k * LABEL_BUCKETS : 0);
    this.histogram = new Float64Array(this.binner.slots);
    this.worst = new WorstK(this.config.topK);
  }

  /**
   * Takes one evaluated sample. `e` may be reused by the caller afterwards: nothing of it is kept
   * by reference. `row` is the 0-based sample index (it breaks ties among the worst samples),
   * `line` the 1-based line in the file (reported with the worst samples).
   */
  add(e: SampleEval, row: number, line: number): void {
    if (this.kindCode !== KIND_MULTILABEL) {
      // ce and bce go through addBatch, as a batch of one: one code path for both.
      setEvalRow(this.one, 0, e, this.kindCode === KIND_BCE, row, line);
      this.one.size = 1;
      this.addBatch(this.one);
      return;
    }
    if (e.ignored) {
      this.ignored++;
      return;
    }
    this.count++;
    // + 0 turns -0 (from -1 x ln 1) into 0: JSON cannot carry -0, and a state must round-trip exactly.
    const loss = e.loss + 0;
    const valid = this.addLoss(loss);
    this.addTotals(e, loss);
    this.addLabels(e);
    if (valid && this.worst.admits(loss, row)) this.keep(e, loss, row, line);
  }

  /** Counts a sample's loss (not NaN or -Infinity: valid) in the min, max and histogram; false for an invalid one. */
  private addLoss(loss: number): boolean {
    if (loss === Number.POSITIVE_INFINITY) this.infinite++;
    if (loss === loss && loss !== Number.NEGATIVE_INFINITY) {
      if (loss < this.minLoss) this.minLoss = loss;
      if (loss > this.maxLoss) this.maxLoss = loss;
      const slot = this.binner.slot(loss);
      this.histogram[slot] = (this.histogram[slot] as number) + 1;
      return true;
    }
    this.invalid++;
    return false;
  }

  /**
   * Takes evaluated ce or bce samples in bulk (the evaluator's evaluateBatch, or add's batch of one).
   * One pass per part of the state, each a small loop with its arrays in locals; every sum still
   * takes the rows in file order, so the result is that of adding them one by one.
   */
  addBatch(b: EvalBatch): void {
    if (this.kindCode === KIND_MULTILABEL) throw new Error('multilabel samples are added one by one');
    const n = b.size;
    const ignored = b.ignored;
    const losses = b.loss;
    let taken = 0;
    for (let i = 0; i < n; i++) {
      if (ignored[i] !== 0) continue;
      taken++;
      // + 0 turns -0 (from -1 x ln 1) into 0: JSON cannot carry -0, and a state must round-trip exactly.
      this.addLoss((losses[i] as number) + 0);
    }
    this.count += taken;
    this.ignored += n - taken;
    this.addCalibration(b);
    this.addClasses(b);
    const worst = this.worst;
    for (let i = 0; i < n; i++) {
      const loss = (losses[i] as number) + 0;
      if (ignored[i] !== 0 || loss !== loss || loss === Number.NEGATIVE_INFINITY) continue;
      const row = b.rows[i] as number;
      if (worst.admits(loss, row)) {
        worst.place(loss, row, b.lines[i] as number, b.weight[i] as number, b.confidence[i] as number, b.trueProb[i] as number, b.trueClass[i] as number, b.predictedClass[i] as number, -1);
      }
    }
  }

  private addCalibration(b: EvalBatch): void {
    const counts = this.calibrationCounts;
    const sums = this.calibrationSums;
    const edges = this.calibration;
    const ignored = b.ignored;
    const probs = b.calProb;
    const outcomes = b.calOutcome;
    const entropy = this.totals;
    for (let i = 0; i < b.size; i++) {
      if (ignored[i] !== 0) continue;
      calibrationAdd(counts, sums, edges, probs, i, outcomes[i] as number);
      compensatedAdd(entropy, ENTROPY, b.entropy[i] as number);
    }
    // Loops of their own: in this one V8 would call them per row, boxing each double it passes.
    gridAddBatch(this.grid, probs, outcomes, ignored, b.size);
    if (this.kindCode === KIND_BCE) this.classwise.addBinaryBatch(probs, outcomes, ignored, b.size, this.totals, BRIER);
  }

  private addClasses(b: EvalBatch): void {
    const k = this.k;
    const ignored = b.ignored;
    const losses = b.loss;
    const trueClass = b.trueClass;
    const predictedClass = b.predictedClass;
    const weight = b.weight;
    const trueProb = b.trueProb;
    const confidence = b.confidence;
    const support = this.support;
    const classLoss = this.classLoss;
    const classLossSquares = this.classLossSquares;
    const classInfinite = this.classInfinite;
    const classWeight = this.classWeight;
    const classTrueProb = this.classTrueProb;
    const classConfidence = this.classConfidence;
    const confusion = this.confusion;
    const categorical = this.kindCode === KIND_CE;
    const probs = b.probs;
    if (categorical && probs.length < b.size * k) throw new Error('a ce batch must carry its probability rows (EvalBatch.probs)');
    if (this.classified.length < b.size) this.classified = new Uint8Array(b.capacity);
    const classified = this.classified;
    let correct = 0;
    for (let i = 0; i < b.size; i++) {
      if (ignored[i] !== 0) {
        classified[i] = 0;
        continue;
      }
      const t = trueClass[i] as number;
      const p = predictedClass[i] as number;
      if (t === p) correct++;
      if (!(t >= 0 && t < k && p >= 0 && p < k)) {
        classified[i] = 0;
        this.addUnclassified(b, i);
        continue;
      }
      classified[i] = 1;
      const loss = (losses[i] as number) + 0;
      support[t] = (support[t] as number) + 1;
      if (Number.isFinite(loss)) {
        compensatedAdd(classLoss, 2 * t, loss);
        compensatedAdd(classLossSquares, 2 * t, loss * loss);
      } else if (loss === Number.POSITIVE_INFINITY) classInfinite[t] = (classInfinite[t] as number) + 1;
      compensatedAdd(classWeight, 2 * t, weight[i] as number);
      compensatedAdd(classTrueProb, 2 * t, trueProb[i] as number);
      compensatedAdd(classConfidence, 2 * p, confidence[i] as number);
      const cell = t * k + p;
      confusion[cell] = (confusion[cell] as number) + 1;
    }
    this.correct += correct;
    if (categorical) this.classwise.addCategoricalBatch(probs, trueClass, classified, b.size, this.totals, BRIER);
  }

  /** A sample no class takes (a class out of range): its totals are kept apart (see total). */
  private addUnclassified(b: EvalBatch, i: number): void {
    this.unclassified++;
    const loss = (b.loss[i] as number) + 0;
    compensatedAdd(this.totals, WEIGHT, b.weight[i] as number);
    compensatedAdd(this.totals, CONFIDENCE, b.confidence[i] as number);
    if (Number.isFinite(loss)) compensatedAdd(this.totals, SUM, loss);
  }

  /**
   * Multilabel: the loss, weight and confidence totals. A classified ce / bce sample adds them to its
   * classes only, and the totals are summed from the classes at the end: three compensated sums
   * fewer per row (5M binary rows: ~8% of a read).
   */
  private addTotals(e: SampleEval, loss: number): void {
    compensatedAdd(this.totals, WEIGHT, e.weight);
    compensatedAdd(this.totals, CONFIDENCE, e.confidence);
    if (Number.isFinite(loss)) compensatedAdd(this.totals, SUM, loss);
  }

  /** A total: the `totals` slot, plus (ce, bce) the per-class sums of the classified samples. */
  private total(slot: number, classSums: Float64Array): number {
    if (this.kindCode === KIND_MULTILABEL) return compensatedValue(this.totals, slot);
    const acc = this.totals.slice(slot, slot + 2);
    for (let j = 0; j < classSums.length; j += 2) {
      compensatedAdd(acc, 0, classSums[j] as number);
      acc[1] = (acc[1] as number) + (classSums[j + 1] as number);
    }
    return compensatedValue(acc, 0);
  }

  private addLabels(e: SampleEval): void {
    const labels = this.k;
    const probs = e.probs;
    const targets = e.targets;
    const labelLosses = e.labelLosses;
    const haveLabelLosses = labelLosses.length === labels;
    const confusion = this.confusion;
    const labelGrid = this.labelGrid;
    const grid = this.grid;
    let allRight = true;
    let h = 0;
    let brier = 0;
    for (let l = 0; l < labels; l++) {
      const q = probs[l] as number;
      const y = targets[l] as number;
      const predicted = q >= 0.5;
      const positive = y >= 0.5;
      if (positive) {
        this.support[l] = (this.support[l] as number) + 1;
        compensatedAdd(this.classTrueProb, 2 * l, q);
        if (predicted) confusion[3 * l] = (confusion[3 * l] as number) + 1;
        else confusion[3 * l + 2] = (confusion[3 * l + 2] as number) + 1;
      } else if (predicted) {
        confusion[3 * l + 1] = (confusion[3 * l + 1] as number) + 1;
      }
      if (predicted) compensatedAdd(this.classConfidence, 2 * l, q);
      if (predicted === positive) this.labelsCorrect++;
      else allRight = false;
      if (haveLabelLosses) {
        const ll = labelLosses[l] as number;
        if (Number.isFinite(ll)) {
          compensatedAdd(this.classLoss, 2 * l, ll + 0);
          compensatedAdd(this.classLossSquares, 2 * l, ll * ll);
        } else if (ll === Number.POSITIVE_INFINITY) this.classInfinite[l] = (this.classInfinite[l] as number) + 1;
      }
      calibrationAdd(this.calibrationCounts, this.calibrationSums, this.calibration, probs, l, y);
      // The fine grid (gridAdd's three sums) and the label's grid from one bucket lookup.
      if (q === q) {
        const fine = gridBucket(q);
        const g = 3 * fine;
        grid[g] = (grid[g] as number) + 1;
        grid[g + 1] = (grid[g + 1] as number) + q;
        grid[g + 2] = (grid[g + 2] as number) + y;
        const cell = 2 * (l * LABEL_BUCKETS + (LABEL_BUCKET_OF_FINE[fine] as number));
        labelGrid[cell] = (labelGrid[cell] as number) + y;
        labelGrid[cell + 1] = (labelGrid[cell + 1] as number) + (1 - y);
      }
      this.classwise.add(l, probs, l, y);
      brier += (q - y) * (q - y);
      if (q > 0) h -= q * Math.log(q);
      if (q < 1) h -= (1 - q) * Math.log(1 - q);
    }
    if (allRight) this.correct++;
    compensatedAdd(this.totals, ENTROPY, labels > 0 ? h / labels : 0);
    compensatedAdd(this.totals, BRIER, labels > 0 ? brier / labels : 0);
  }

  /** bce: the positive class's curves from the fine grid; multilabel: each label's from its own grid. */
  private operatingPoints(): OperatingPoints {
    const names = this.config.classNames;
    if (this.kindCode === KIND_BCE) return { scheme: FINE_SCHEME, curves: [binaryCurves(this.grid, names[1] as string)] };
    return { scheme: LABEL_SCHEME, curves: names.map((name, l) => labelCurves(this.labelGrid, l, name)) };
  }

  /**
   * A contested sample (clip-contest.ts): its loss under every preset (PRESET_NAMES order, in the
   * loss's base), whether the active preset's floor bit, and whether at a probability of exactly 0.
   */
  addContested(presetLosses: ArrayLike<number>, clipped: boolean, atZero: boolean): void {
    const counts = this.clipCounts;
    const sums = this.clipSums;
    counts[0] = (counts[0] as number) + 1;
    for (let j = 0; j < PRESET_NAMES.length; j++) {
      const loss = (presetLosses[j] as number) + 0;
      if (Number.isFinite(loss)) compensatedAdd(sums, 2 + 2 * j, loss);
      else if (loss === Number.POSITIVE_INFINITY) counts[3 + j] = (counts[3 + j] as number) + 1;
    }
    if (!clipped) return;
    counts[1] = (counts[1] as number) + 1;
    if (atZero) counts[2] = (counts[2] as number) + 1;
    const active = this.config.presets ? PRESET_NAMES.indexOf(this.config.presets.active) : -1;
    const loss = (presetLosses[active] as number) + 0;
    if (Number.isFinite(loss)) compensatedAdd(sums, 0, loss);
  }

  /** Multilabel: copies what the worst-k list shows; runs only for the samples that enter it. */
  private keep(e: SampleEval, loss: number, row: number, line: number): void {
    let trueProb = Number.NaN;
    let worstLabel = -1;
    let worstLoss = Number.NEGATIVE_INFINITY;
    for (let l = 0; l < e.labelLosses.length; l++) {
      const ll = e.labelLosses[l] as number;
      if (ll > worstLoss) {
        worstLoss = ll;
        worstLabel = l;
      }
    }
    if (worstLabel >= 0) {
      const q = e.probs[worstLabel] as number;
      trueProb = (e.targets[worstLabel] as number) >= 0.5 ? q : 1 - q;
    }
    this.worst.place(loss, row, line, e.weight, e.confidence, trueProb, e.trueClass, e.predictedClass, worstLabel);
  }

  /** Adds another accumulator (or its toJSON state) of the same configuration into this one. */
  merge(other: BreakdownAccumulator | AccumulatorState): void {
    if (other instanceof BreakdownAccumulator) {
      // Merging into itself would read the arrays while rewriting them: merge a copy instead.
      this.mergeState(other === this ? this.toState(true) : other.toState(true));
      return;
    }
    this.mergeState(other);
  }

  /**
   * A state merged in place: its typed arrays (toState(true), posted by a worker) are read as they
   * are, with no accumulator built around them; a 1000-class state holds eight million bytes.
   */
  private mergeState(state: AccumulatorState): void {
    if (state.format !== STATE_FORMAT) throw new TypeError(`not a breakdown state (${String(state.format)})`);
    if (!sameConfig(this.config, resolveBreakdownConfig(state.config))) throw new Error('cannot merge breakdowns of different configurations');
    const counters: Record<string, number> = {};
    for (const name of COUNTERS) {
      const v = state.counters[name];
      if (typeof v !== 'number' || !(v >= 0)) throw new TypeError(`breakdown state: bad counter ${name}`);
      counters[name] = v;
    }
    // Checked and decoded before anything is added, so a bad state leaves this accumulator as it was.
    const arrays = new Map<ArrayName, Float64Array>();
    for (const name of [...SUM_ARRAYS, ...COUNT_ARRAYS] as ArrayName[]) {
      const v = state.arrays[name];
      const own = this[name];
      if (v instanceof Float64Array && v.length === own.length) arrays.set(name, v);
      else {
        const decoded = new Float64Array(own.length);
        decodeArrayInto(v, decoded, name);
        arrays.set(name, decoded);
      }
    }
    const worst = WorstK.fromJSON(state.topK, this.config.topK);
    const minLoss = decodeNumber(state.minLoss);
    const maxLoss = decodeNumber(state.maxLoss);
    // Into an accumulator that has taken nothing yet, adding is copying (0 + x is x, and a sum's
    // error term starts at 0), and a copy of a million-cell confusion matrix is a memcpy, where
    // adding runs a loop the JIT has not optimised yet (this runs a few times per file).
    const fresh = this.untouched && this.count === 0 && this.ignored === 0;
    this.untouched = false;
    for (const name of COUNTERS) this[name] += counters[name]!;
    this.minLoss = Math.min(this.minLoss, minLoss);
    this.maxLoss = Math.max(this.maxLoss, maxLoss);
    for (const name of SUM_ARRAYS) {
      if (fresh) this[name].set(arrays.get(name)!);
      else mergeCompensated(this[name], arrays.get(name)!);
    }
    for (const name of COUNT_ARRAYS) {
      if (fresh) this[name].set(arrays.get(name)!);
      else mergeCounts(this[name], arrays.get(name)!);
    }
    this.worst.merge(worst);
  }

  /**
   * The worst samples added since the last call, handed over as a state; the accumulator goes on
   * with an empty list. A thread that reads several pieces of a file into one accumulator takes
   * each piece's list apart: its rows and lines are relative to the piece until the pieces before
   * it are counted (see analyzeShare).
   */
  takeWorst(): TopKState {
    const state = this.worst.toJSON();
    this.worst = new WorstK(this.config.topK);
    return state;
  }

  /** Offers the entries of a worst-sample state (takeWorst's, its rows made absolute). */
  mergeWorst(state: TopKState): void {
    this.worst.merge(WorstK.fromJSON(state, this.config.topK));
  }

  toJSON(): AccumulatorState {
    return this.toState(false);
  }

  /** The state; with `typedArrays`, its arrays are Float64Array copies (to transfer between threads, not for JSON). */
  toState(typedArrays: boolean): AccumulatorState {
    const counters: Record<string, number> = {};
    for (const name of COUNTERS) counters[name] = this[name];
    const arrays: AccumulatorState['arrays'] = {};
    for (const name of [...SUM_ARRAYS, ...COUNT_ARRAYS]) arrays[name] = typedArrays ? this[name].slice() : encodeArray(this[name]);
    return {
      format: STATE_FORMAT,
      config: structuredCopy(this.config),
      counters,
      minLoss: encodeNumber(this.minLoss),
      maxLoss: encodeNumber(this.maxLoss),
      arrays,
      topK: this.worst.toJSON(),
    };
  }

  static fromJSON(state: AccumulatorState): BreakdownAccumulator {
    if (state.format !== STATE_FORMAT) throw new TypeError(`not a breakdown state (${String(state.format)})`);
    const acc = new BreakdownAccumulator(state.config);
    acc.mergeState(state);
    return acc;
  }

  result(): Breakdown {
    const c = this.config;
    const k = this.k;
    const multilabel = this.kindCode === KIND_MULTILABEL;
    const toBase = c.base === '2' ? 1 / LN2 : 1;
    const finiteSum = this.total(SUM, this.classLoss);
    const weightSum = this.total(WEIGHT, this.classWeight);
    const sum = this.invalid > 0 ? Number.NaN : this.infinite > 0 ? Number.POSITIVE_INFINITY : finiteSum;
    const mean = this.invalid > 0 ? Number.NaN : this.infinite > 0 ? Number.POSITIVE_INFINITY : finiteSum / weightSum;
    const perplexity = c.base === '2' ? 2 ** mean : Math.exp(mean);
    const n = this.count;
    const per = (x: number): number => (n > 0 ? x / n : Number.NaN);

    let counts: OneVsRest[] = [];
    if (multilabel) {
      for (let j = 0; j < k; j++) {
        const tp = this.confusion[3 * j] as number;
        const fp = this.confusion[3 * j + 1] as number;
        const fn = this.confusion[3 * j + 2] as number;
        counts.push({ tp, fp, fn, tn: n - tp - fp - fn });
      }
    } else {
      counts = allOneVsRest(this.confusion, k, n - this.unclassified);
    }

    // Shares of the total: of the finite sums, or of the infinite counts when there are any.
    let shareFinite = 0;
    let shareInfinite = 0;
    for (let j = 0; j < k; j++) {
      shareFinite += compensatedValue(this.classLoss, 2 * j);
      shareInfinite += this.classInfinite[j] as number;
    }
    if (!multilabel) {
      // The total includes unclassified samples, whose loss belongs to no class.
      shareFinite = finiteSum;
      shareInfinite = this.infinite;
    }

    // The samples scored against a class: Brier score and class-wise ECE are over these.
    const scored = n - this.unclassified;
    const classEce = this.classwise.perClass(scored);
    const calibration = calibrationReport(c.kind === 'ce' ? 'top-label' : 'positive-probability', this.calibrationCounts, this.calibrationSums, this.calibration);
    // bce: class 1 (p against y) is binned as the positive-probability diagram is; only class 0 has bins of its own.
    if (this.kindCode === KIND_BCE) classEce[1] = calibration.ece;
    const classes: ClassBreakdown[] = [];
    for (let j = 0; j < k; j++) {
      const support = this.support[j] as number;
      const inf = this.classInfinite[j] as number;
      const finite = compensatedValue(this.classLoss, 2 * j);
      const w = multilabel ? weightSum : compensatedValue(this.classWeight, 2 * j);
      const ovr = counts[j] as OneVsRest;
      const scores = prf(ovr);
      const predicted = ovr.tp + ovr.fp;
      classes.push({
        index: j,
        name: c.classNames[j] as string,
        support,
        weightSum: w,
        sum: inf > 0 ? Number.POSITIVE_INFINITY : finite,
        meanLoss: inf > 0 ? Number.POSITIVE_INFINITY : finite / w,
        meanLossCi: inf > 0 ? [Number.NaN, Number.NaN] : meanInterval(finite / w, finite, compensatedValue(this.classLossSquares, 2 * j), multilabel ? n : support, w),
        share: shareInfinite > 0 ? inf / shareInfinite : shareFinite > 0 ? finite / shareFinite : 0,
        infiniteCount: inf,
        ...ovr,
        predicted,
        ...scores,
        precisionCi: wilson(ovr.tp, predicted),
        recallCi: wilson(ovr.tp, ovr.tp + ovr.fn),
        ece: classEce[j] as number,
        meanConfidence: predicted > 0 ? compensatedValue(this.classConfidence, 2 * j) / predicted : Number.NaN,
        meanTrueProb: support > 0 ? compensatedValue(this.classTrueProb, 2 * j) / support : Number.NaN,
      });
    }

    let confusion: number[][] | null = null;
    if (!multilabel) {
      confusion = [];
      // A plain loop, not Array.from over a subarray: that goes through the iterator protocol,
      // ~45 ms for the million cells of 1000 classes, against a few ms.
      const cells = this.confusion;
      for (let t = 0; t < k; t++) {
        const row: number[] = [];
        for (let p = t * k, end = p + k; p < end; p++) row.push(cells[p] as number);
        confusion.push(row);
      }
    }

    const valid = n - this.invalid > 0;
    return {
      kind: c.kind,
      base: c.base,
      numClasses: k,
      classNames: [...c.classNames],
      count: n,
      ignoredCount: this.ignored,
      infiniteCount: this.infinite,
      invalidCount: this.invalid,
      unclassifiedCount: this.unclassified,
      sum,
      weightSum,
      mean,
      perplexity,
      accuracy: per(this.correct),
      hammingAccuracy: multilabel ? (n > 0 && k > 0 ? this.labelsCorrect / (n * k) : Number.NaN) : per(this.correct),
      meanConfidence: per(this.total(CONFIDENCE, this.classConfidence)),
      meanEntropy: per(compensatedValue(this.totals, ENTROPY)) * toBase,
      brier: scored > 0 ? compensatedValue(this.totals, BRIER) / scored : Number.NaN,
      minLoss: valid ? this.minLoss : Number.NaN,
      maxLoss: valid ? this.maxLoss : Number.NaN,
      classes,
      averages: averages(counts),
      confusion,
      calibration: {
        ...calibration,
        adaptive: adaptiveReport(this.grid, c.calibrationBins),
        classwise: { ece: meanOf(classEce), bins: c.calibrationBins },
      },
      histogram: this.binner.report(this.histogram),
      worst: this.worst.sorted(),
      operatingPoints: this.kindCode === KIND_CE ? null : this.operatingPoints(),
      clipping: c.presets
        ? clippingReport({ preset: c.presets.active, comparable: c.presets.comparable, finiteSum, weightSum, sum }, (slot) => compensatedValue(this.clipSums, slot), this.clipCounts)
        : null,
    };
  }
}

function sameConfig(a: ResolvedBreakdownConfig, b: ResolvedBreakdownConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function structuredCopy(c: ResolvedBreakdownConfig): ResolvedBreakdownConfig {
  return { ...c, classNames: [...c.classNames], histogram: { ...c.histogram }, presets: c.presets ? { ...c.presets, comparable: [...c.presets.comparable] } : null };
}
