/**
 * McNemar's exact test on paired correctness: of the samples exactly one model gets right, are
 * those B fixed (`fixed`) and those it broke (`broken`) a fair coin's split? The two-sided p-value
 * of the binomial test of `fixed` successes in fixed + broken trials at p = 1/2, as
 * scipy.stats.binomtest(fixed, fixed + broken).pvalue gives it: by symmetry 2 P(X <= min), or 1
 * when the split is even.
 *
 * Exact for any count: the terms are summed relative to the largest, P(X = min), whose log is a
 * sum of logs (log C(n, k) = sum_i log((n - k + i) / i)), so nothing overflows or underflows
 * before the end. A p-value below ~1e-308 comes out as 0; `log10p` still holds it.
 */
export interface McNemar {
  fixed: number;
  broken: number;
  /** The two-sided exact p-value. */
  p: number;
  /** Its base-10 logarithm, finite even when p underflows to 0. */
  log10p: number;
}

export function mcnemarExact(fixed: number, broken: number): McNemar {
  const n = fixed + broken;
  const k = Math.min(fixed, broken);
  if (n === 0 || 2 * k === n) return { fixed, broken, p: 1, log10p: 0 };
  // log P(X = k) = log C(n, k) - n log 2.
  // Compensated (Kahan) sum: k terms of a plain sum drift by ~1e-9 at k = 150,000.
  let logTerm = -n * Math.LN2;
  let carry = 0;
  for (let i = 1; i <= k; i++) {
    const y = Math.log((n - k + i) / i) - carry;
    const t = logTerm + y;
    carry = t - logTerm - y;
    logTerm = t;
  }
  // P(X <= k) / P(X = k) = sum_{j <= k} P(X = j) / P(X = k); each term is the last times j / (n - j + 1).
  let ratio = 1;
  let sum = 1;
  for (let j = k; j > 0; j--) {
    ratio *= j / (n - j + 1);
    sum += ratio;
    if (ratio < sum * 1e-17) break;
  }
  const logP = Math.LN2 + logTerm + Math.log(sum);
  const p = Math.min(1, Math.exp(logP));
  return { fixed, broken, p, log10p: Math.min(0, logP / Math.LN10) };
}
