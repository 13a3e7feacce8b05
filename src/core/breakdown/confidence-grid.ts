/**
 * A fine, fixed histogram of the binned probabilities (top-label confidence for ce, p(y = 1) for
 * bce and multilabel) from which equal-mass (adaptive) reliability bins are formed when the result
 * is asked for. Equal-mass bins need quantiles, and exact quantiles need every value kept; fixed
 * buckets keep memory constant and two halves of a file add up bucket by bucket, like the rest of
 * the state, so merging stays exact for counts.
 *
 * The buckets are not equal-width: confidences crowd against 1 (and p(y = 1) against 0 as well),
 * where equal-mass bins are needed most, and a linear grid of 2^16 buckets still puts every value
 * above 0.99998 in one. So the grid is logarithmic in the distance to the nearer end,
 * u = min(c, 1 - c): 2^7 = 128 buckets per factor of 2 of u (each 0.54% of u wide, 0.002 wide at
 * c = 0.5), for u from 2^-32 (2.3e-10) to 0.5, plus one bucket at each end for u < 2^-32 (a float32
 * softmax saturates far sooner). 7,939 buckets in all. A bucket's index is read from the bits of u
 * (exponent and top mantissa bits), with no log per row; 1 - c is exact for c in [0.5, 1].
 *
 * Equal-mass bins: bucket j, with `before` values in the buckets below it, goes to bin
 * floor(B * before / N); empty bins are dropped. With one value per bucket this is np.array_split
 * of the sorted values into B bins up to its rounding of the bin sizes; a bucket is never split, so
 * ties (and values within 0.54% of u of each other) stay together and a heavy bucket can leave
 * fewer than B bins.
 */

import { wilson } from './intervals';
import type { ReliabilityBin } from './calibration';

const SUB_BITS = 7;
const FLOOR_EXP = 32;
const FLOOR = 2 ** -FLOOR_EXP;
/** Buckets on each side of 0.5, counting the end bucket and (on the upper side) 0.5 itself. */
const SIDE = 2 + (FLOOR_EXP - 1) * (1 << SUB_BITS);
export const GRID_BUCKETS = 2 * SIDE - 1;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const SHIFT = 20 - SUB_BITS;

function highKey(u: number): number {
  bits[0] = u;
  return (words[HIGH] as number) >>> SHIFT;
}

const BASE = highKey(FLOOR);

/** The grid bucket of c (not NaN); values outside [0, 1] go to the end buckets. Rises with c. */
export function gridBucket(c: number): number {
  // The side's bucket: 0 below 2^-32, then by exponent and 7 mantissa bits of u = min(c, 1 - c).
  // A branch on the side, not Math.min and the sign: 6.5 ns a row against 8 in a loop of its own.
  if (c < 0.5) return c >= FLOOR ? 1 + highKey(c) - BASE : 0;
  const u = 1 - c;
  return 2 * SIDE - 2 - (u >= FLOOR ? 1 + highKey(u) - BASE : 0);
}

/** Smallest u of side bucket s >= 1 (s = SIDE - 1 is u = 0.5 alone). */
function sideStart(s: number): number {
  words[HIGH] = (BASE + s - 1) << SHIFT;
  words[1 - HIGH] = 0;
  return bits[0] as number;
}

/** The range of c a bucket covers, [lower, upper], to label the bins made of it. */
export function gridRange(j: number): [number, number] {
  if (j < SIDE - 1) return [j === 0 ? 0 : sideStart(j), j === SIDE - 2 ? 0.5 : j === 0 ? FLOOR : sideStart(j + 1)];
  const s = 2 * SIDE - 2 - j;
  if (s === SIDE - 1) return [0.5, 0.5];
  return [1 - (s === SIDE - 2 ? 0.5 : s === 0 ? FLOOR : sideStart(s + 1)), s === 0 ? 1 : 1 - sideStart(s)];
}

/**
 * Adds the values of a batch that are not ignored, each with its outcome. Flat storage, one bucket's
 * three numbers side by side (one cache line, not three): grid[3j] the count, grid[3j + 1] the
 * values' sum, grid[3j + 2] the outcomes' sum. Plain (not compensated) sums: a bucket's values lie
 * within 0.54% of each other, so rounding stays near one ulp of the bucket's sum, and this runs on
 * every row. NaN (a ce row whose prediction has no probability) is left out.
 */
export function gridAddBatch(grid: Float64Array, values: Float64Array, outcomes: Float64Array, ignored: Uint8Array, size: number): void {
  for (let i = 0; i < size; i++) {
    const c = values[i] as number;
    if (ignored[i] !== 0 || c !== c) continue;
    const j = 3 * gridBucket(c);
    grid[j] = (grid[j] as number) + 1;
    grid[j + 1] = (grid[j + 1] as number) + c;
    grid[j + 2] = (grid[j + 2] as number) + (outcomes[i] as number);
  }
}

/** One value, values[at] (an array and an index: a double argument V8 does not inline is boxed). */
export function gridAdd(grid: Float64Array, values: Float64Array, at: number, outcome: number): void {
  const c = values[at] as number;
  if (c !== c) return;
  const j = 3 * gridBucket(c);
  grid[j] = (grid[j] as number) + 1;
  grid[j + 1] = (grid[j + 1] as number) + c;
  grid[j + 2] = (grid[j + 2] as number) + outcome;
}

export interface AdaptiveCalibration {
  /** Non-empty equal-mass bins, in rising confidence; lower / upper are the grid's edges around them. */
  bins: ReliabilityBin[];
  ece: number;
  mce: number;
  /** Grid buckets per factor of 2 of min(c, 1 - c), and the smallest such distance told apart. */
  resolution: { bucketsPerOctave: number; floor: number; buckets: number };
}

export function adaptiveReport(grid: Float64Array, binCount: number): AdaptiveCalibration {
  let total = 0;
  for (let j = 0; j < GRID_BUCKETS; j++) total += grid[3 * j] as number;
  const bins: ReliabilityBin[] = [];
  let ece = 0;
  let mce = 0;
  let before = 0;
  let current = -1;
  let n = 0;
  let conf = 0;
  let hits = 0;
  let first = 0;
  let last = 0;
  const close = (): void => {
    if (n === 0) return;
    const accuracy = hits / n;
    bins.push({
      lower: gridRange(first)[0],
      upper: gridRange(last)[1],
      count: n,
      meanConfidence: conf / n,
      accuracy,
      accuracyCi: wilson(hits, n),
    });
    ece += Math.abs(hits - conf) / total;
    mce = Math.max(mce, Math.abs(accuracy - conf / n));
  };
  for (let j = 0; j < GRID_BUCKETS; j++) {
    const c = grid[3 * j] as number;
    if (c === 0) continue;
    const bin = Math.min(binCount - 1, Math.floor((binCount * before) / total));
    if (bin !== current) {
      close();
      current = bin;
      n = 0;
      conf = 0;
      hits = 0;
      first = j;
    }
    n += c;
    conf += grid[3 * j + 1] as number;
    hits += grid[3 * j + 2] as number;
    last = j;
    before += c;
  }
  close();
  return {
    bins,
    ece: total > 0 ? ece : Number.NaN,
    mce: total > 0 ? mce : Number.NaN,
    resolution: { bucketsPerOctave: 1 << SUB_BITS, floor: FLOOR, buckets: GRID_BUCKETS },
  };
}
