/**
 * Numerically careful scalar helpers shared by the loss kernels. Pure and allocation-free.
 */

/** ln 2: bits = nats / LN2. */
export const LN2 = Math.LN2;

/** float64 machine epsilon (numpy's finfo(float64).eps), scikit-learn 1.5+'s log_loss clip. */
export const FLOAT64_EPS = 2.220446049250313e-16;

/**
 * softplus(x) = ln(1 + e^x), written max(x, 0) + ln(1 + e^-|x|) so it never overflows; log1p keeps
 * the tail accurate where ln(1 + tiny) would round to 0 (PyTorch's log(1 + .) returns 0 there).
 */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * The logistic function. Each branch only exponentiates a non-positive number, so neither
 * overflows; sigmoid(-z) computed directly is the accurate 1 - sigmoid(z).
 */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** x clipped to [lo, hi]; NaN stays NaN. */
export function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Index of the first maximum of a[0..n) (first wins on ties, as numpy's argmax). */
export function argmax(a: ArrayLike<number>, n: number): number {
  let best = 0;
  let bestValue = a[0] ?? Number.NaN;
  for (let k = 1; k < n; k++) {
    const v = a[k] as number;
    if (v > bestValue) {
      bestValue = v;
      best = k;
    }
  }
  return best;
}

/** Shannon entropy -sum t ln t in nats, with 0 ln 0 = 0. */
export function entropy(t: ArrayLike<number>): number {
  let h = 0;
  for (let k = 0; k < t.length; k++) {
    const v = t[k] as number;
    if (v > 0) h -= v * Math.log(v);
  }
  return h;
}

/** Entropy in nats of Bernoulli(p), with 0 ln 0 = 0. */
export function bernoulliEntropy(p: number): number {
  let h = 0;
  if (p > 0) h -= p * Math.log(p);
  if (p < 1) h -= (1 - p) * Math.log(1 - p);
  return h;
}
