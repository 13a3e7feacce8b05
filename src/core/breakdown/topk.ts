/**
 * The k worst samples of a stream: a bounded min-heap whose root is the least bad sample kept.
 *
 * "Worse" is a total order: a higher loss, and on equal losses the lower row (the earlier sample).
 * The kept set is therefore a function of the multiset of (loss, row) seen, whatever the order of
 * adds and merges, so halves merged in any order keep exactly what one pass keeps.
 *
 * Entries live in parallel typed arrays (structure of arrays): entering the heap copies a few
 * numbers and allocates nothing, and a sample that cannot enter costs one comparison.
 */

import { decodeArrayInto, encodeArray, type EncodedNumber } from './encoding';

export interface WorstSample {
  /** 0-based sample index in the file. */
  row: number;
  /** 1-based line in the file. */
  line: number;
  loss: number;
  weight: number;
  /** -1 for multilabel. */
  trueClass: number;
  /** -1 for multilabel. */
  predictedClass: number;
  /** SampleEval.confidence. */
  confidence: number;
  /**
   * Probability the model gave to the true outcome: ce probs[trueClass]; bce p or 1 - p;
   * multilabel: that of `worstLabel` (p when y >= 0.5, else 1 - p). NaN if the class is out of range.
   */
  trueProb: number;
  /** multilabel: the label with the highest loss; -1 otherwise. */
  worstLabel: number;
  /**
   * A data set of several files (shards): the file the sample is in, `row` and `line` being its
   * own (ties among equal losses are still broken by the row over all the files, in their order).
   */
  file?: string;
}

export interface TopKState {
  size: number;
  loss: EncodedNumber[];
  row: EncodedNumber[];
  line: EncodedNumber[];
  weight: EncodedNumber[];
  confidence: EncodedNumber[];
  trueProb: EncodedNumber[];
  trueClass: EncodedNumber[];
  predictedClass: EncodedNumber[];
  worstLabel: EncodedNumber[];
}

export class WorstK {
  readonly capacity: number;
  size = 0;
  readonly loss: Float64Array;
  readonly row: Float64Array;
  readonly line: Float64Array;
  readonly weight: Float64Array;
  readonly confidence: Float64Array;
  readonly trueProb: Float64Array;
  readonly trueClass: Int32Array;
  readonly predictedClass: Int32Array;
  readonly worstLabel: Int32Array;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('topK must be a non-negative integer');
    this.capacity = capacity;
    this.loss = new Float64Array(capacity);
    this.row = new Float64Array(capacity);
    this.line = new Float64Array(capacity);
    this.weight = new Float64Array(capacity);
    this.confidence = new Float64Array(capacity);
    this.trueProb = new Float64Array(capacity);
    this.trueClass = new Int32Array(capacity);
    this.predictedClass = new Int32Array(capacity);
    this.worstLabel = new Int32Array(capacity);
  }

  /**
   * Whether a sample with this loss and row is among the k worst so far. The caller then writes
   * it with `place`, so the extra fields of an entry are computed only for the few that enter.
   */
  admits(loss: number, row: number): boolean {
    if (this.size < this.capacity) return true;
    if (this.capacity === 0) return false;
    const rootLoss = this.loss[0] as number;
    return loss > rootLoss || (loss === rootLoss && row < (this.row[0] as number));
  }

  /** Inserts an entry; call only after admits() returned true. */
  place(
    loss: number,
    row: number,
    line: number,
    weight: number,
    confidence: number,
    trueProb: number,
    trueClass: number,
    predictedClass: number,
    worstLabel: number,
  ): void {
    let i: number;
    if (this.size < this.capacity) {
      i = this.size++;
      this.write(i, loss, row, line, weight, confidence, trueProb, trueClass, predictedClass, worstLabel);
      this.siftUp(i);
    } else {
      this.write(0, loss, row, line, weight, confidence, trueProb, trueClass, predictedClass, worstLabel);
      this.siftDown(0);
    }
  }

  /** Offers every entry of `other` (left unchanged). */
  merge(other: WorstK): void {
    for (let i = 0; i < other.size; i++) {
      const loss = other.loss[i] as number;
      const row = other.row[i] as number;
      if (!this.admits(loss, row)) continue;
      this.place(
        loss,
        row,
        other.line[i] as number,
        other.weight[i] as number,
        other.confidence[i] as number,
        other.trueProb[i] as number,
        other.trueClass[i] as number,
        other.predictedClass[i] as number,
        other.worstLabel[i] as number,
      );
    }
  }

  /** The kept samples, worst first. */
  sorted(): WorstSample[] {
    const out: WorstSample[] = [];
    for (let i = 0; i < this.size; i++) {
      out.push({
        row: this.row[i] as number,
        line: this.line[i] as number,
        loss: this.loss[i] as number,
        weight: this.weight[i] as number,
        trueClass: this.trueClass[i] as number,
        predictedClass: this.predictedClass[i] as number,
        confidence: this.confidence[i] as number,
        trueProb: this.trueProb[i] as number,
        worstLabel: this.worstLabel[i] as number,
      });
    }
    return out.sort((a, b) => (a.loss === b.loss ? a.row - b.row : b.loss - a.loss));
  }

  toJSON(): TopKState {
    const n = this.size;
    return {
      size: n,
      loss: encodeArray(this.loss.subarray(0, n)),
      row: encodeArray(this.row.subarray(0, n)),
      line: encodeArray(this.line.subarray(0, n)),
      weight: encodeArray(this.weight.subarray(0, n)),
      confidence: encodeArray(this.confidence.subarray(0, n)),
      trueProb: encodeArray(this.trueProb.subarray(0, n)),
      trueClass: encodeArray(this.trueClass.subarray(0, n)),
      predictedClass: encodeArray(this.predictedClass.subarray(0, n)),
      worstLabel: encodeArray(this.worstLabel.subarray(0, n)),
    };
  }

  static fromJSON(state: TopKState, capacity: number): WorstK {
    const heap = new WorstK(capacity);
    const n = state.size;
    if (!Number.isInteger(n) || n < 0 || n > capacity) throw new TypeError('breakdown state: bad top-k size');
    decodeArrayInto(state.loss, heap.loss.subarray(0, n), 'topK.loss');
    decodeArrayInto(state.row, heap.row.subarray(0, n), 'topK.row');
    decodeArrayInto(state.line, heap.line.subarray(0, n), 'topK.line');
    decodeArrayInto(state.weight, heap.weight.subarray(0, n), 'topK.weight');
    decodeArrayInto(state.confidence, heap.confidence.subarray(0, n), 'topK.confidence');
    decodeArrayInto(state.trueProb, heap.trueProb.subarray(0, n), 'topK.trueProb');
    decodeArrayInto(state.trueClass, heap.trueClass.subarray(0, n), 'topK.trueClass');
    decodeArrayInto(state.predictedClass, heap.predictedClass.subarray(0, n), 'topK.predictedClass');
    decodeArrayInto(state.worstLabel, heap.worstLabel.subarray(0, n), 'topK.worstLabel');
    heap.size = n;
    // A state is a heap already when it came from toJSON; re-heapify so any order is accepted.
    for (let i = (n >> 1) - 1; i >= 0; i--) heap.siftDown(i);
    return heap;
  }

  /** True when entry a is less bad than entry b (a sits nearer the root). */
  private better(a: number, b: number): boolean {
    const la = this.loss[a] as number;
    const lb = this.loss[b] as number;
    return la < lb || (la === lb && (this.row[a] as number) > (this.row[b] as number));
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.better(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const child = r < n && this.better(r, l) ? r : l;
      if (!this.better(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }

  private write(
    i: number,
    loss: number,
    row: number,
    line: number,
    weight: number,
    confidence: number,
    trueProb: number,
    trueClass: number,
    predictedClass: number,
    worstLabel: number,
  ): void {
    this.loss[i] = loss;
    this.row[i] = row;
    this.line[i] = line;
    this.weight[i] = weight;
    this.confidence[i] = confidence;
    this.trueProb[i] = trueProb;
    this.trueClass[i] = trueClass;
    this.predictedClass[i] = predictedClass;
    this.worstLabel[i] = worstLabel;
  }

  private swap(a: number, b: number): void {
    swapIn(this.loss, a, b);
    swapIn(this.row, a, b);
    swapIn(this.line, a, b);
    swapIn(this.weight, a, b);
    swapIn(this.confidence, a, b);
    swapIn(this.trueProb, a, b);
    swapIn(this.trueClass, a, b);
    swapIn(this.predictedClass, a, b);
    swapIn(this.worstLabel, a, b);
  }
}

function swapIn(a: Float64Array | Int32Array, i: number, j: number): void {
  const t = a[i] as number;
  a[i] = a[j] as number;
  a[j] = t;
}
