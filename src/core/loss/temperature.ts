/**
 * Temperature scaling of the scores before the loss (the what-if "apply temperature T"): logits
 * are divided by T; probabilities are raised to 1/T and renormalised, i.e. ln p is divided by T
 * before the softmax (ce: over the row) or the sigmoid (bce, multi-label: against 1 - p). The same
 * scaling the temperature diagnostic (core/diagnostics/temperature.ts) fits T* for.
 */
import { sigmoid } from '../math';
import type { InputKind, LossKind } from '../types';

/** Checks T: a finite number > 0. */
export function checkTemperature(t: number): number {
  if (!(t > 0 && Number.isFinite(t))) throw new RangeError(`temperature must be a finite number > 0, got ${t}`);
  return t;
}

/** Writes `pred` (width values) scaled by temperature `t` into `out`. */
export function applyTemperature(pred: ArrayLike<number>, out: Float64Array, kind: LossKind, input: InputKind, t: number): void {
  const n = out.length;
  if (input === 'logits') {
    for (let k = 0; k < n; k++) out[k] = (pred[k] as number) / t;
    return;
  }
  if (kind === 'ce') {
    // In logs, so that p^(1/T) neither underflows to an all-zero row nor overflows; p = 0 stays 0.
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < n; k++) {
      const l = Math.log(pred[k] as number) / t;
      out[k] = l;
      if (l > max) max = l;
    }
    let sum = 0;
    for (let k = 0; k < n; k++) sum += out[k] = Math.exp((out[k] as number) - max);
    for (let k = 0; k < n; k++) out[k] = (out[k] as number) / sum;
    return;
  }
  // p^(1/T) / (p^(1/T) + (1 - p)^(1/T)) = sigmoid(logit(p) / T); 0 and 1 stay where they are.
  for (let k = 0; k < n; k++) {
    const p = pred[k] as number;
    out[k] = sigmoid((Math.log(p) - Math.log1p(-p)) / t);
  }
}
