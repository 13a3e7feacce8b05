/**
 * One categorical sample's loss in nats (before sample weight):
 * sum_k w_k t'_k (1 - q_k)^gamma (-ln q_k), times focal alpha when set. Fills probsOut with the
 * softmax (or the input probabilities) and reads the dense target from targets.
 */
import { expNonPositive } from './exp';
import type { ResolvedOptions } from './resolve';
import type { Scratch } from './scratch';

/**
 * @param hard the class index when the target is a hard label (sparse or exactly one-hot), else -1.
 */
export function categoricalLoss(
  pred: ArrayLike<number>, targets: Float64Array, hard: number, r: ResolvedOptions, probsOut: Float64Array, s: Scratch,
  record: boolean,
): number {
  const K = r.width;
  const logits = r.input === 'logits';
  let logSumExp = 0;
  let logSum = 0;
  let max = 0;
  if (logits) {
    // log-sum-exp around the max: no overflow for logits of +-500, and z_k - lse is exact-ish.
    max = -Infinity;
    for (let k = 0; k < K; k++) {
      const z = pred[k] as number;
      if (z > max) max = z;
    }
    let sumExp = 0;
    for (let k = 0; k < K; k++) {
      const e = expNonPositive((pred[k] as number) - max);
      probsOut[k] = e;
      sumExp += e;
    }
    // H = -sum p (z - lse) = ln(sumExp) - sum p (z - max): the entropy for one multiply-add per
    // class here instead of a log per class in the accumulator. Shifted by max like the loss, so
    // no cancellation at the scale of large logits.
    let pz = 0;
    for (let k = 0; k < K; k++) {
      const p = (probsOut[k] as number) / sumExp;
      probsOut[k] = p;
      pz += p * ((pred[k] as number) - max);
    }
    logSum = Math.log(sumExp);
    logSumExp = max + logSum;
    const h = logSum - pz;
    // Rounding can leave -1e-17 for a certain prediction; a non-finite logit leaves NaN (computed the slow way).
    s.entropy = h > 0 ? h : h === h ? 0 : Number.NaN;
    if (record) {
      s.max = max;
      s.sumExp = sumExp;
      s.logSumExp = logSumExp;
    }
  } else {
    for (let k = 0; k < K; k++) probsOut[k] = pred[k] as number;
    s.entropy = Number.NaN;
  }

  let rowSum = 1;
  const renormalise = !logits && r.params.renormalise;
  if (renormalise) {
    rowSum = 0;
    for (let k = 0; k < K; k++) rowSum += probsOut[k] as number;
  }
  if (record) s.rowSum = rowSum;

  const a = r.smoothing;
  const cw = r.classWeights;
  let loss = 0;
  if (hard >= 0 && a === 0 && !record) {
    // A hard label without smoothing has one non-zero term: one log per row.
    const coef = cw === null ? 1 : (cw[hard] as number);
    if (coef !== 0) loss = classTerm(hard, coef, pred, probsOut, max, logSum, rowSum, renormalise, r, s, false);
  } else {
    for (let k = 0; k < K; k++) {
      const t = targets[k] as number;
      const ts = a > 0 ? t * (1 - a) + a / K : t;
      const coef = cw === null ? ts : ts * (cw[k] as number);
      if (record) {
        s.ts[k] = ts;
        s.active[k] = coef === 0 ? 0 : 1;
      }
      // Classes whose target weight is 0 contribute 0 even when ln q is -Infinity (never NaN).
      if (coef === 0) {
        if (record) {
          s.q[k] = probsOut[k] as number;
          s.qc[k] = probsOut[k] as number;
          s.logp[k] = Number.NaN;
          s.factor[k] = 1;
          s.term[k] = 0;
        }
        continue;
      }
      loss += classTerm(k, coef, pred, probsOut, max, logSum, rowSum, renormalise, r, s, record);
    }
  }
  if (record) s.termSum = loss;
  if (r.focal && r.alpha !== null) loss *= r.alpha;
  return loss;
}

/**
 * One class's term coef (1 - q)^gamma (-ln q), q as the preset makes it. `k` indexes `probs` (and
 * `pred` on the exact logits path): a caller may pass a row's position in a larger array.
 */
export function classTerm(
  k: number, coef: number, pred: ArrayLike<number>, probs: Float64Array, max: number, logSum: number, rowSum: number,
  renormalise: boolean, r: ResolvedOptions, s: Scratch, record: boolean,
): number {
  let q: number;
  let qc: number;
  let logp: number;
  if (r.exactLogits) {
    q = probs[k] as number;
    qc = q;
    // (z_k - max) - ln(sum) as PyTorch's log_softmax: z_k - lse would round lse at the scale of
    // max and lose a tiny loss such as e^-20 next to a logit of 500.
    logp = ((pred[k] as number) - max) - logSum;
  } else {
    q = renormalise ? (probs[k] as number) / rowSum : (probs[k] as number);
    const eps = r.params.clipEps;
    qc = eps > 0 ? (q < eps ? eps : q > 1 - eps ? 1 - eps : q) : q;
    logp = Math.log(qc);
  }
  // Keras CategoricalFocalCrossentropy: (1 - output)^gamma on the probability whose log is taken.
  const factor = r.focal ? Math.pow(1 - qc, r.gamma) : 1;
  // 0 - logp, not -logp: a certain prediction (ln 1 = 0) must give +0, not -0.
  const term = (r.focal ? coef * factor : coef) * (0 - logp);
  if (record) {
    s.q[k] = q;
    s.qc[k] = qc;
    s.logp[k] = logp;
    s.factor[k] = factor;
    s.term[k] = term;
  }
  return term;
}
