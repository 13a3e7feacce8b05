/**
 * One Bernoulli label's loss in nats (before sample weight): BCE with its options, as
 * -[w1 pw y' ln p + w0 (1 - y') ln(1 - p)] (bce class weights [w0, w1]; a multi-label weight w_l
 * scales both terms), times Keras's focal factor and alpha_t when set.
 */
import { clip, sigmoid, softplus } from '../math';
import type { ResolvedOptions } from './resolve';
import type { Scratch } from './scratch';

/**
 * binaryLoss without smoothing, weights, focal factor or recording (r.plainBinary), bit for bit
 * the same. Small enough for V8 to inline into the evaluator (binaryLoss is not), so the row's
 * doubles are not boxed into a heap number per argument and per return: 5M rows gave 20M of them.
 */
export function plainBinaryLoss(x: number, y: number, l: number, r: ResolvedOptions, probsOut: Float64Array, s: Scratch): number {
  let nl1: number;
  let nl0: number;
  if (r.exactLogits) {
    const p = sigmoid(x);
    probsOut[l] = p;
    nl1 = softplus(-x);
    nl0 = softplus(x);
    s.entropy = p * nl1 + sigmoid(-x) * nl0;
  } else {
    const p = r.input === 'logits' ? sigmoid(x) : x;
    probsOut[l] = p;
    const eps = r.params.clipEps;
    const pc = eps > 0 ? clip(p, eps, 1 - eps) : p;
    const lp = Math.log(pc);
    const lq = Math.log1p(-pc);
    const floor = r.params.bceLogFloor;
    nl1 = 0 - (lp < floor ? floor : lp);
    nl0 = 0 - (lq < floor ? floor : lq);
    s.entropy = pc === p && p > 0 && p < 1 ? 0 - (p * lp + (1 - p) * lq) : p === 0 || p === 1 ? 0 : Number.NaN;
  }
  const c0 = 1 - y;
  return (y === 0 ? 0 : y * nl1) + (c0 === 0 ? 0 : c0 * nl0);
}

/**
 * @param x probability or logit; @param y target in [0, 1]; @param l label index (0 for bce).
 * Returns the loss and leaves p in probsOut[l].
 */
export function binaryLoss(
  x: number, y: number, l: number, r: ResolvedOptions, probsOut: Float64Array, s: Scratch, record: boolean,
): number {
  const logits = r.input === 'logits';
  const p = logits ? sigmoid(x) : x;
  // 1 - p straight from the logit avoids the cancellation of 1 - sigmoid(z) for large z.
  const p0 = logits ? sigmoid(-x) : 1 - p;
  probsOut[l] = p;
  const a = r.smoothing;
  const ys = a > 0 ? y * (1 - a) + a / 2 : y;

  let nl1: number;
  let nl0: number;
  let pc = p;
  if (r.exactLogits) {
    // -ln sigmoid(z) = softplus(-z), -ln(1 - sigmoid(z)) = softplus(z): the stable
    // max(z, 0) - z y + ln(1 + e^-|z|) split into its two Bernoulli terms.
    nl1 = softplus(-x);
    nl0 = softplus(x);
    // The prediction's entropy from the same two surprisals (NaN for a NaN logit).
    s.entropy = p * nl1 + p0 * nl0;
  } else {
    const eps = r.params.clipEps;
    if (eps > 0) pc = clip(p, eps, 1 - eps);
    const lp = Math.log(pc);
    const lq = Math.log1p(-pc);
    const floor = r.params.bceLogFloor;
    // 0 - x rather than -x: ln 1 = 0 must give a loss of +0, not -0.
    nl1 = 0 - (lp < floor ? floor : lp);
    nl0 = 0 - (lq < floor ? floor : lq);
    // The prediction's entropy from the two logs just taken, when they are logs of p itself (not
    // clipped). 0 ln 0 = 0 at p = 0 or 1; anything else (NaN, outside [0, 1]) is left to consumers.
    s.entropy = pc === p && p > 0 && p < 1 ? 0 - (p * lp + (1 - p) * lq) : p === 0 || p === 1 ? 0 : Number.NaN;
    if (record) {
      s.rawLogP1[l] = lp;
      s.rawLogP0[l] = lq;
    }
  }

  const cw = r.classWeights;
  const pw = r.posWeight;
  let c1 = ys;
  let c0 = 1 - ys;
  if (cw !== null) {
    c1 *= cw[1] as number;
    c0 *= cw[0] as number;
  }
  const lw = r.labelWeights;
  if (lw !== null) {
    c1 *= lw[l] as number;
    c0 *= lw[l] as number;
  }
  if (pw !== null) c1 *= pw[l] as number;
  // A zero coefficient contributes 0 even against an infinite surprisal (no 0 * Inf = NaN).
  const t1 = c1 === 0 ? 0 : c1 * nl1;
  const t0 = c0 === 0 ? 0 : c0 * nl0;
  const bce = t1 + t0;
  let loss = bce;

  let oneMinusPt = 0;
  let factor = 1;
  let alphaT = 1;
  if (r.focal) {
    // Keras BinaryFocalCrossentropy: p_t = y p + (1 - y)(1 - p) on the unclipped p, factor
    // (1 - p_t)^gamma; written y(1 - p) + (1 - y)p to keep the factor accurate near p_t = 1.
    oneMinusPt = ys * p0 + (1 - ys) * p;
    factor = Math.pow(oneMinusPt, r.gamma);
    if (loss !== 0) loss *= factor;
    if (r.alpha !== null) {
      alphaT = ys * r.alpha + (1 - ys) * (1 - r.alpha);
      if (loss !== 0) loss *= alphaT;
    }
  }

  if (record) {
    s.p[l] = p;
    s.p0[l] = p0;
    s.ys[l] = ys;
    s.pc[l] = pc;
    s.nl1[l] = nl1;
    s.nl0[l] = nl0;
    s.t1[l] = t1;
    s.t0[l] = t0;
    s.bce[l] = bce;
    s.oneMinusPt[l] = oneMinusPt;
    s.bFactor[l] = factor;
    s.bAlpha[l] = alphaT;
    s.label[l] = loss;
  }
  return loss;
}
