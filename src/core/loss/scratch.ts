/**
 * Intermediate values of the last evaluation, written only when a derivation asks for them
 * (record = true). The derivation reads the very numbers the evaluator computed, so its final
 * value is the evaluator's loss bit for bit.
 */
export class Scratch {
  // categorical, one entry per class
  /** Smoothed target t'_k. */
  readonly ts: Float64Array;
  /** Probability entering the clip (after softmax / renormalisation). */
  readonly q: Float64Array;
  /** Probability whose log is taken (after clipping); softmax probability on the exact path. */
  readonly qc: Float64Array;
  /** ln of the probability as used (log-softmax on the exact path); NaN where the term is 0. */
  readonly logp: Float64Array;
  /** Focal modulating factor (1 - q_k)^gamma; 1 without focal loss. */
  readonly factor: Float64Array;
  readonly term: Float64Array;
  /** 1 where the class's term entered the sum (non-zero target weight). */
  readonly active: Uint8Array;
  max = 0;
  sumExp = 0;
  logSumExp = 0;
  rowSum = 1;
  /** Sum of the terms before focal alpha. */
  termSum = 0;
  /** Entropy of the prediction in nats when the kernel had it on the way (written on every run); NaN otherwise. */
  entropy = Number.NaN;

  // binary, one entry per label (1 for bce)
  readonly p: Float64Array;
  /** 1 - p (sigmoid(-z) for logits). */
  readonly p0: Float64Array;
  readonly ys: Float64Array;
  /** Clipped p (p itself when nothing clips). */
  readonly pc: Float64Array;
  /** ln p and ln(1 - p) before the -100 floor. */
  readonly rawLogP1: Float64Array;
  readonly rawLogP0: Float64Array;
  /** -ln p and -ln(1 - p) as used. */
  readonly nl1: Float64Array;
  readonly nl0: Float64Array;
  /** Weighted positive / negative terms and their sum. */
  readonly t1: Float64Array;
  readonly t0: Float64Array;
  readonly bce: Float64Array;
  /** 1 - p_t, the focal factor (1 - p_t)^gamma, alpha_t. */
  readonly oneMinusPt: Float64Array;
  readonly bFactor: Float64Array;
  readonly bAlpha: Float64Array;
  /** The label's loss in nats, before sample weight. */
  readonly label: Float64Array;

  constructor(classes: number, labels: number) {
    this.ts = new Float64Array(classes);
    this.q = new Float64Array(classes);
    this.qc = new Float64Array(classes);
    this.logp = new Float64Array(classes);
    this.factor = new Float64Array(classes);
    this.term = new Float64Array(classes);
    this.active = new Uint8Array(classes);
    this.p = new Float64Array(labels);
    this.p0 = new Float64Array(labels);
    this.ys = new Float64Array(labels);
    this.pc = new Float64Array(labels);
    this.rawLogP1 = new Float64Array(labels);
    this.rawLogP0 = new Float64Array(labels);
    this.nl1 = new Float64Array(labels);
    this.nl0 = new Float64Array(labels);
    this.t1 = new Float64Array(labels);
    this.t0 = new Float64Array(labels);
    this.bce = new Float64Array(labels);
    this.oneMinusPt = new Float64Array(labels);
    this.bFactor = new Float64Array(labels);
    this.bAlpha = new Float64Array(labels);
    this.label = new Float64Array(labels);
  }
}
