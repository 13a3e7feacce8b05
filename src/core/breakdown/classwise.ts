/**
 * Class-wise calibration: each class's probability against "is this the class", one-vs-rest, on the
 * equal-width bins of the top-label diagram, and the class-wise ECE (Kull et al. 2019; netcal's
 * ECE over each class's column):
 *
 *   classwise-ECE = (1/K) sum_k sum_m (n_km / N) |freq_km - conf_km|
 *
 * where bin m of class k holds the samples whose p_k falls in it, conf_km is their mean p_k and
 * freq_km the fraction of them whose class is k (bce: classes 0 and 1, p_0 = 1 - p, a soft target y
 * counting y toward class 1 and 1 - y toward class 0, class 1's bins being the positive-probability
 * diagram's own; multilabel: each label's p against y). All K
 * classes are averaged, those never seen too (their p_k still has a calibration: mean p_k).
 *
 * Memory and time: every p_k of every row must be binned, K per row. Equal-width bins let the first
 * bin, [0, 1/B], which holds nearly all of a class's p_k once K is large, be derived rather than
 * counted: per class a plain total of p_k and of the outcome, and bins 1..B-1 counted for the
 * p_k > 1/B only (at most B - 1 classes a row, as the row sums to 1). State: K (3B + 2) numbers,
 * 376 KB at 1000 classes and 15 bins. Equal-mass bins per class are not kept: they would need the
 * fine grid per class (7,939 buckets x 3 x 8 bytes x 1000 classes = 190 MB a thread, against the
 * whole CLI's 200 MB target) or a coarse one binning every p_k (K per row: binning all of them, bin 0
 * included, measured 2.8x slower at 1000 classes and 1.4x at 10), and their bins pile up near 0,
 * where a class's negatives are.
 *
 * Layout: counts[k B + m]; sums[2 (k B + m)] the p_k, sums[2 (k B + m) + 1] the outcomes (bin 0
 * unused); totals[2k] all p_k, totals[2k + 1] all outcomes. Plain sums, as the fine grid's.
 */

import { calibrationBin } from './calibration';
import { compensatedAdd } from './summation';

/** calibrationBin for q > 1/B, inlined where it runs per row. */
function binOf(q: number, edges: Float64Array, bins: number): number {
  let m = Math.ceil(q * bins) - 1;
  if (m > bins - 1) return bins - 1;
  // q * B can round across an edge: settle against the numpy edges, as calibrationBin does.
  if (q <= (edges[m] as number) && m > 0) m--;
  else if (m < bins - 1 && q > (edges[m + 1] as number)) m++;
  return m;
}

/**
 * binOf's bin for q > 1/B, 0 for q <= 1/B and NaN, with no branch the data decides: floor(q B) is
 * binOf's ceil(q B) - 1 but where q B is a whole number, which the settling then moves by the same
 * edge test.
 */
function fewBin(q: number, edges: Float64Array, bins: number): number {
  const last = bins - 1;
  const x = q * bins;
  let m = x >= bins ? last : x > 0 ? x | 0 : 0;
  if (q <= (edges[m] as number) && m > 0) m--;
  else if (m < last && q > (edges[m + 1] as number)) m++;
  return m;
}

export class ClasswiseBins {
  readonly bins: number;
  readonly counts: Float64Array;
  readonly sums: Float64Array;
  readonly totals: Float64Array;
  private readonly firstUpper: number;

  constructor(
    readonly classes: number,
    private readonly edges: Float64Array,
  ) {
    this.bins = edges.length - 1;
    this.counts = new Float64Array(classes * this.bins);
    this.sums = new Float64Array(2 * classes * this.bins);
    this.totals = new Float64Array(2 * classes);
    this.firstUpper = this.bins > 1 ? (edges[1] as number) : Number.POSITIVE_INFINITY;
  }

  /**
   * Label l's probability values[at] against its outcome (multilabel, one sample at a time). The
   * value comes as an array and an index: a double argument to a call V8 does not inline is boxed.
   */
  add(k: number, values: Float64Array, at: number, outcome: number): void {
    const q = values[at] as number;
    const totals = this.totals;
    totals[2 * k] = (totals[2 * k] as number) + q;
    totals[2 * k + 1] = (totals[2 * k + 1] as number) + outcome;
    if (q > this.firstUpper) {
      const cell = k * this.bins + calibrationBin(q, this.edges);
      this.counts[cell] = (this.counts[cell] as number) + 1;
      this.sums[2 * cell] = (this.sums[2 * cell] as number) + q;
      this.sums[2 * cell + 1] = (this.sums[2 * cell + 1] as number) + outcome;
    }
  }

  /**
   * bce rows (p = P(y = 1) against y): class 0, scored by 1 - p against 1 - y, into class 0's bins;
   * and each row's (p - y)^2 into the compensated sum at brier[slot]. Class 1 (p against y) needs
   * nothing here: its bins are the positive-probability reliability bins, exactly (see
   * withBinaryPositive). One loop over the batch, nothing called per row that V8 would not inline.
   */
  addBinaryBatch(p: Float64Array, y: Float64Array, ignored: Uint8Array, size: number, brier: Float64Array, slot: number): void {
    const counts = this.counts;
    const sums = this.sums;
    const edges = this.edges;
    const b = this.bins;
    const first = this.firstUpper;
    let q0 = 0;
    let y0 = 0;
    for (let i = 0; i < size; i++) {
      if (ignored[i] !== 0) continue;
      const q = p[i] as number;
      const t = y[i] as number;
      const d = q - t;
      compensatedAdd(brier, slot, d * d);
      const r = 1 - q;
      q0 += r;
      y0 += 1 - t;
      if (r > first) {
        const cell = binOf(r, edges, b);
        counts[cell] = (counts[cell] as number) + 1;
        sums[2 * cell] = (sums[2 * cell] as number) + r;
        sums[2 * cell + 1] = (sums[2 * cell + 1] as number) + (1 - t);
      }
    }
    // The totals only ever meet the bins' sums by subtraction: a batch's subtotal first is as good.
    this.totals[0] = (this.totals[0] as number) + q0;
    this.totals[1] = (this.totals[1] as number) + y0;
  }

  /**
   * ce rows: probs[i K .. i K + K) against trueClass[i], for the rows with a class (`classified`
   * non-zero); and each row's sum_k (p_k - y_k)^2 into the compensated sum at brier[slot].
   */
  addCategoricalBatch(probs: Float64Array, trueClass: Int32Array, classified: Uint8Array, size: number, brier: Float64Array, slot: number): void {
    if (this.classes <= this.bins) this.addFewClasses(probs, trueClass, classified, size, brier, slot);
    else this.addManyClasses(probs, trueClass, classified, size, brier, slot);
  }

  /**
   * addCategoricalBatch for K <= B classes, where a row's p_k fall on either side of 1/B at random
   * and the branch on it is mispredicted about as often as not: every p_k is binned, with no branch
   * on its bin, the p_k <= 1/B (and NaN) into bin 0's cells, which are unused and set back to 0
   * after the batch. The bins above 0 take the same values in the same order as addManyClasses's,
   * and bin 0 stays 0, so the state is the same bit for bit (tested); 10 classes: 143 -> 79 ns a row.
   */
  private addFewClasses(probs: Float64Array, trueClass: Int32Array, classified: Uint8Array, size: number, brier: Float64Array, slot: number): void {
    const k = this.classes;
    const totals = this.totals;
    const counts = this.counts;
    const sums = this.sums;
    const edges = this.edges;
    const b = this.bins;
    const last = b - 1;
    for (let i = 0; i < size; i++) {
      if (classified[i] === 0) continue;
      const t = trueClass[i] as number;
      const at = i * k;
      let squares = 0;
      for (let j = 0; j < k; j++) {
        const q = probs[at + j] as number;
        totals[2 * j] = (totals[2 * j] as number) + q;
        squares += q * q;
        // fewBin, written out: V8's code for the call inlined was 13% slower over the batch.
        const x = q * b;
        let m = x >= b ? last : x > 0 ? x | 0 : 0;
        if (q <= (edges[m] as number) && m > 0) m--;
        else if (m < last && q > (edges[m + 1] as number)) m++;
        const cell = j * b + m;
        counts[cell] = (counts[cell] as number) + 1;
        sums[2 * cell] = (sums[2 * cell] as number) + q;
      }
      totals[2 * t + 1] = (totals[2 * t + 1] as number) + 1;
      const pt = probs[at + t] as number;
      // The true class's outcome: its bin found again, rather than adding 0 to every other class's.
      const hit = 2 * (t * b + fewBin(pt, edges, b)) + 1;
      sums[hit] = (sums[hit] as number) + 1;
      // The one-hot's term swapped in: (1 - p_t)^2 for p_t^2.
      compensatedAdd(brier, slot, squares - pt * pt + (1 - pt) * (1 - pt));
    }
    for (let j = 0; j < k; j++) {
      const cell = j * b;
      counts[cell] = 0;
      sums[2 * cell] = 0;
      sums[2 * cell + 1] = 0;
    }
  }

  /** addCategoricalBatch for K > B classes: most p_k are below 1/B, a branch the CPU predicts. */
  private addManyClasses(probs: Float64Array, trueClass: Int32Array, classified: Uint8Array, size: number, brier: Float64Array, slot: number): void {
    const k = this.classes;
    const totals = this.totals;
    const counts = this.counts;
    const sums = this.sums;
    const edges = this.edges;
    const b = this.bins;
    const first = this.firstUpper;
    for (let i = 0; i < size; i++) {
      if (classified[i] === 0) continue;
      const t = trueClass[i] as number;
      const at = i * k;
      let squares = 0;
      for (let j = 0; j < k; j++) {
        const q = probs[at + j] as number;
        totals[2 * j] = (totals[2 * j] as number) + q;
        squares += q * q;
        if (q > first) {
          // At most B - 1 classes a row get here (the row sums to 1).
          const cell = j * b + binOf(q, edges, b);
          counts[cell] = (counts[cell] as number) + 1;
          sums[2 * cell] = (sums[2 * cell] as number) + q;
          if (j === t) sums[2 * cell + 1] = (sums[2 * cell + 1] as number) + 1;
        }
      }
      totals[2 * t + 1] = (totals[2 * t + 1] as number) + 1;
      const pt = probs[at + t] as number;
      // The one-hot's term swapped in: (1 - p_t)^2 for p_t^2.
      compensatedAdd(brier, slot, squares - pt * pt + (1 - pt) * (1 - pt));
    }
  }

  /** Each class's ECE over `n` samples (NaN with none): bin 0 is what the totals leave. */
  perClass(n: number): number[] {
    const out: number[] = [];
    const b = this.bins;
    for (let k = 0; k < this.classes; k++) {
      if (!(n > 0)) {
        out.push(Number.NaN);
        continue;
      }
      let count0 = n;
      let conf0 = this.totals[2 * k] as number;
      let hits0 = this.totals[2 * k + 1] as number;
      let gap = 0;
      for (let m = 1; m < b; m++) {
        const cell = k * b + m;
        const c = this.counts[cell] as number;
        if (c === 0) continue;
        const conf = this.sums[2 * cell] as number;
        const hits = this.sums[2 * cell + 1] as number;
        count0 -= c;
        conf0 -= conf;
        hits0 -= hits;
        gap += Math.abs(hits - conf);
      }
      if (count0 > 0) gap += Math.abs(hits0 - conf0);
      out.push(gap / n);
    }
    return out;
  }
}

/** The mean of the per-class ECEs (NaN when there are none). */
export function meanOf(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}
