/**
 * 95% intervals for the figures a small count makes uncertain: a bin's accuracy, a class's recall
 * or precision (Wilson), a class's mean loss (normal approximation). Without them a class of 5
 * samples at recall 0.6 reads as worse than one of 5,000 at 0.7, when nothing says it is.
 */

/** The two-sided 95% normal quantile, as scipy.stats.norm.ppf(0.975) and statsmodels use. */
export const Z95 = 1.959963984540054;

/** [low, high]; both NaN when undefined (no samples), written as null in JSON. */
export type Interval = [number, number];

const NONE: Interval = [Number.NaN, Number.NaN];

/**
 * Wilson score interval for `hits` successes in `n` trials (statsmodels' proportion_confint with
 * method='wilson'). Chosen over the normal (Wald) interval because it stays inside [0, 1] and does
 * not collapse to a point at 0 or n hits, which is exactly where small classes and end bins sit.
 * `hits` may be fractional (soft binary targets counted as their value).
 */
export function wilson(hits: number, n: number, z = Z95): Interval {
  if (!(n > 0)) return [...NONE];
  const p = Math.min(1, Math.max(0, hits / n));
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/**
 * Normal-approximation interval of a mean loss from the sums of the (weighted) losses and of their
 * squares over n samples: mean +- z * s / (sqrt(n) * meanWeight), s the sample standard deviation
 * (n - 1). Exact in the usual case of one weight per class (class weights, no sample weights), where
 * dividing by the weight undoes it; with varying sample weights it ignores their spread.
 */
export function meanInterval(mean: number, sum: number, sumSquares: number, n: number, weightSum: number, z = Z95): Interval {
  if (!(n >= 2) || !Number.isFinite(mean) || !(weightSum > 0)) return [...NONE];
  const variance = Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1));
  const half = (z * Math.sqrt(variance / n)) / (weightSum / n);
  return [mean - half, mean + half];
}
