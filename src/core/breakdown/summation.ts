/**
 * Neumaier-compensated sums kept in plain Float64Arrays, so an accumulator holds thousands of
 * them without one object per sum and merges them by adding two numbers.
 *
 * A sum occupies two adjacent slots: a[i] is the running sum and a[i + 1] the rounding error
 * collected so far; the value is a[i] + a[i + 1]. Plain summation of a million losses can drift by
 * ~1e-10 relative and, worse, by a different amount for each way a file is split across workers;
 * the compensated sum stays within a few ulps of the exact one whatever the split.
 */

/** Adds x to the compensated sum at a[i], a[i + 1]. Callers pass finite x only. */
export function compensatedAdd(a: Float64Array, i: number, x: number): void {
  const s = a[i] as number;
  const t = s + x;
  // Neumaier's variant: the smaller addend's lost low bits are recovered whichever of the two it is,
  // which Kahan's original misses when x outgrows the running sum.
  a[i + 1] = (a[i + 1] as number) + (Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s);
  a[i] = t;
}

/** The value of the compensated sum at a[i], a[i + 1]. */
export function compensatedValue(a: Float64Array, i: number): number {
  return (a[i] as number) + (a[i + 1] as number);
}

/** Adds every compensated sum of `from` into `into` (both hold pairs laid out alike). */
export function mergeCompensated(into: Float64Array, from: Float64Array): void {
  for (let i = 0; i < into.length; i += 2) {
    compensatedAdd(into, i, from[i] as number);
    into[i + 1] = (into[i + 1] as number) + (from[i + 1] as number);
  }
}

/** Adds counts element by element (exact while counts stay below 2^53). */
export function mergeCounts(into: Float64Array, from: Float64Array): void {
  for (let i = 0; i < into.length; i++) into[i] = (into[i] as number) + (from[i] as number);
}
