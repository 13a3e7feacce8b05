/**
 * Samples in bulk, as structures of arrays: a reader writes rows into a RowBatch, the evaluator
 * turns it into an EvalBatch, the accumulator takes that in one loop.
 *
 * Why: one call chain per row (reader -> context -> handler -> evaluator -> accumulator, each past
 * V8's inlining budget for the next) cost about as much as the loss itself on a two-column file;
 * a loop over a few hundred rows at each stage runs the same arithmetic without those calls.
 */
import { bernoulliEntropy, entropy } from './math';
import type { SampleEval } from './types';

/** Rows of a file read as numbers: a numeric label and `width` predictions per row. */
export class RowBatch {
  size = 0;
  /** The label as read: a class index (ce) or the target y (bce). */
  readonly labels: Float64Array;
  /** `width` predictions per row, row-major. */
  readonly preds: Float64Array;
  /** The 0-based sample index and the 1-based line of each row. */
  readonly rows: Float64Array;
  readonly lines: Float64Array;
  readonly capacity: number;

  constructor(readonly width: number) {
    // At most 256 rows and 65,536 predictions (512 KB): 65 rows of 1000 classes. Batches of 1024
    // rows made each stage's loop hot within one call, and V8 compiled it twice (on-stack, then
    // whole): 8 such compiles a read instead of 2, some 50 ms of CPU on the binary file.
    this.capacity = Math.max(1, Math.min(256, Math.floor(65536 / Math.max(1, width))));
    this.labels = new Float64Array(this.capacity);
    this.preds = new Float64Array(this.capacity * width);
    this.rows = new Float64Array(this.capacity);
    this.lines = new Float64Array(this.capacity);
  }
}

/** Where a reader hands full RowBatches (and the last, partial one). */
export interface BatchSink {
  readonly batch: RowBatch;
  /** Takes batch.size rows and empties the batch. */
  flush(): void;
}

/**
 * What the breakdown needs of each evaluated ce or bce sample (SampleEval without the vectors):
 * the probability that is binned for calibration and its outcome, the true class's probability,
 * and the entropy, all worked out from the probability vector while it is at hand.
 */
export class EvalBatch {
  size = 0;
  readonly ignored: Uint8Array;
  readonly loss: Float64Array;
  readonly weight: Float64Array;
  readonly trueClass: Int32Array;
  readonly predictedClass: Int32Array;
  readonly confidence: Float64Array;
  /** Entropy of the prediction in nats. */
  readonly entropy: Float64Array;
  /** ce: probs[trueClass] (NaN when out of range); bce: p or 1 - p by the true class. */
  readonly trueProb: Float64Array;
  /** ce: the predicted class's probability against correctness; bce: p against y. */
  readonly calProb: Float64Array;
  readonly calOutcome: Float64Array;
  readonly rows: Float64Array;
  readonly lines: Float64Array;
  /**
   * ce: every class's probability, K per row, row-major, for class-wise calibration and the Brier
   * score: the read rows themselves when they are the probabilities (no copy), else ownProbs.
   */
  probs: Float64Array = NO_PROBS;
  ownProbs: Float64Array = NO_PROBS;

  constructor(readonly capacity: number) {
    this.ignored = new Uint8Array(capacity);
    this.loss = new Float64Array(capacity);
    this.weight = new Float64Array(capacity);
    this.trueClass = new Int32Array(capacity);
    this.predictedClass = new Int32Array(capacity);
    this.confidence = new Float64Array(capacity);
    this.entropy = new Float64Array(capacity);
    this.trueProb = new Float64Array(capacity);
    this.calProb = new Float64Array(capacity);
    this.calOutcome = new Float64Array(capacity);
    this.rows = new Float64Array(capacity);
    this.lines = new Float64Array(capacity);
  }
}

const NO_PROBS = new Float64Array(0);

/** b's own probability rows, `width` wide, made the batch's probs (allocated on first use). */
export function ownProbRows(b: EvalBatch, width: number): Float64Array {
  if (b.ownProbs.length !== b.capacity * width) b.ownProbs = new Float64Array(b.capacity * width);
  b.probs = b.ownProbs;
  return b.ownProbs;
}

/** Writes a ce (binary = false) or bce sample as row i of b. */
export function setEvalRow(b: EvalBatch, i: number, e: SampleEval, binary: boolean, row: number, line: number): void {
  const t = e.trueClass;
  const p = e.predictedClass;
  const probs = e.probs;
  b.ignored[i] = e.ignored ? 1 : 0;
  b.loss[i] = e.loss;
  b.weight[i] = e.weight;
  b.trueClass[i] = t;
  b.predictedClass[i] = p;
  b.confidence[i] = e.confidence;
  b.rows[i] = row;
  b.lines[i] = line;
  // The evaluator's entropy when it had one (from logits, or a binary p's own logs), else the logs here.
  const given = e.entropy;
  const h = given !== undefined && given === given ? given : binary ? bernoulliEntropy(probs[0] as number) : entropy(probs);
  b.entropy[i] = h;
  if (binary) {
    const p1 = probs[0] as number;
    b.trueProb[i] = t === 1 ? p1 : t === 0 ? 1 - p1 : Number.NaN;
    b.calProb[i] = p1;
    b.calOutcome[i] = e.targets[0] as number;
  } else {
    b.trueProb[i] = t >= 0 && t < probs.length ? (probs[t] as number) : Number.NaN;
    b.calProb[i] = p >= 0 && p < probs.length ? (probs[p] as number) : Number.NaN;
    b.calOutcome[i] = t === p ? 1 : 0;
    ownProbRows(b, probs.length).set(probs, i * probs.length);
  }
}
