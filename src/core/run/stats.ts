/**
 * What a run's trajectories say, per sample: dataset cartography (Swayamdipta et al. 2020), the
 * forgetting events (Toneva et al. 2019), and how far the loss moved from the first file to the
 * last. Files are taken in run order; a file where the sample has no value is passed over.
 */
import { NO_VALUE } from './samples';
import type { TrajectoryStore } from './store';

export interface CartographyStats {
  /** Mean P(true class) over the files with a value (the paper's confidence). */
  confidence: Float64Array;
  /** Its standard deviation over those files, population (ddof 0, np.std as the paper's code). */
  variability: Float64Array;
  /** Fraction of those files where the prediction is right. */
  correctness: Float64Array;
  /** Files with a value (0: the sample has none, its stats are NaN). */
  present: Uint32Array;
}

export function cartography(s: TrajectoryStore): CartographyStats {
  const N = s.samples;
  const sum = new Float64Array(N);
  const right = new Float64Array(N);
  const present = new Uint32Array(N);
  for (let f = 0; f < s.files; f++) {
    const base = f * N;
    for (let i = 0; i < N; i++) {
      const c = s.correct[base + i]!;
      if (c === NO_VALUE) continue;
      sum[i]! += s.pTrue[base + i]!;
      right[i]! += c;
      present[i]!++;
    }
  }
  const confidence = new Float64Array(N);
  const correctness = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    confidence[i] = present[i] === 0 ? NaN : sum[i]! / present[i]!;
    correctness[i] = present[i] === 0 ? NaN : right[i]! / present[i]!;
  }
  // Two passes (deviations from the mean), not E[p^2] - E[p]^2, which cancels when p is near 1.
  const sq = new Float64Array(N);
  for (let f = 0; f < s.files; f++) {
    const base = f * N;
    for (let i = 0; i < N; i++) {
      if (s.correct[base + i] === NO_VALUE) continue;
      const d = s.pTrue[base + i]! - confidence[i]!;
      sq[i]! += d * d;
    }
  }
  const variability = new Float64Array(N);
  for (let i = 0; i < N; i++) variability[i] = present[i] === 0 ? NaN : Math.sqrt(sq[i]! / present[i]!);
  return { confidence, variability, correctness, present };
}

export interface ForgettingStats {
  /** Forgetting events: a file where the sample is wrong after the file before (with a value) had it right. */
  events: Uint32Array;
  /** The file of the last event, -1 with none. */
  lastForgotten: Int32Array;
  /** Right in at least one file. */
  learned: Uint8Array;
}

export function forgetting(s: TrajectoryStore): ForgettingStats {
  const N = s.samples;
  const events = new Uint32Array(N);
  const lastForgotten = new Int32Array(N).fill(-1);
  const learned = new Uint8Array(N);
  const prev = new Uint8Array(N).fill(NO_VALUE);
  for (let f = 0; f < s.files; f++) {
    const base = f * N;
    for (let i = 0; i < N; i++) {
      const c = s.correct[base + i]!;
      if (c === NO_VALUE) continue;
      if (c === 1) learned[i] = 1;
      else if (prev[i] === 1) {
        events[i]!++;
        lastForgotten[i] = f;
      }
      prev[i] = c;
    }
  }
  return { events, lastForgotten, learned };
}

export interface LossChange {
  sample: number;
  /** The first and last file where the sample has a loss. */
  from: number;
  to: number;
  lossFrom: number;
  lossTo: number;
  rise: number;
}

/** Each sample's change of loss from its first file with a value to its last. */
export function lossChanges(s: TrajectoryStore): { from: Int32Array; to: Int32Array } {
  const N = s.samples;
  const from = new Int32Array(N).fill(-1);
  const to = new Int32Array(N).fill(-1);
  for (let f = 0; f < s.files; f++) {
    const base = f * N;
    for (let i = 0; i < N; i++) {
      if (Number.isNaN(s.loss[base + i]!)) continue;
      if (from[i] === -1) from[i] = f;
      to[i] = f;
    }
  }
  return { from, to };
}

/** The `n` samples whose loss rose most from their first file to their last (rise > 0), largest first, ties by sample. */
export function topRises(s: TrajectoryStore, n: number): LossChange[] {
  const { from, to } = lossChanges(s);
  const N = s.samples;
  const out: LossChange[] = [];
  for (let i = 0; i < N; i++) {
    const a = from[i]!;
    const b = to[i]!;
    if (a < 0 || a === b) continue;
    const lossFrom = s.loss[a * N + i]!;
    const lossTo = s.loss[b * N + i]!;
    const rise = lossTo - lossFrom;
    if (!(rise > 0)) continue;
    if (out.length === n && rise <= out[n - 1]!.rise) continue;
    let k = out.length;
    while (k > 0 && out[k - 1]!.rise < rise) k--;
    out.splice(k, 0, { sample: i, from: a, to: b, lossFrom, lossTo, rise });
    if (out.length > n) out.pop();
  }
  return out;
}

/**
 * The paper's regions are ranks, not fixed cut-offs: its selections take the 33% of the training
 * set with the highest variability (ambiguous), the highest confidence (easy to learn) and the
 * lowest confidence (hard to learn). These can overlap; a sample in several is shown in the first
 * of ambiguous, easy, hard, and a sample in none is 'other'.
 */
export const REGION_FRACTION = 0.33;
export const REGIONS = ['other', 'easy', 'ambiguous', 'hard'] as const;
export type Region = (typeof REGIONS)[number];
export const REGION_OTHER = 0;
export const REGION_EASY = 1;
export const REGION_AMBIGUOUS = 2;
export const REGION_HARD = 3;

export interface Regions {
  /** Each sample's region: an index into REGIONS (other, too, for a sample with no value). */
  region: Uint8Array;
  /** Samples in each selection (floor(0.33 x samples with a value)). */
  selected: number;
  counts: Record<Region, number>;
  /** The values at the selections' edges: confidence >= easy, variability >= ambiguous, confidence <= hard. */
  thresholds: { easyConfidence: number; ambiguousVariability: number; hardConfidence: number };
}

/**
 * The `n` samples of `valid` (ascending indices) with the highest `key` (the lowest when `low`),
 * ties taken by index, the lower first: what sorting them by key then index and taking the first
 * n gives, and the n-th's key (the selection's edge; NaN when n is 0). A numeric sort of the keys
 * finds the edge (a comparator sort of 100k indices took ~150 ms of a 20-file run's report).
 */
function select(key: Float64Array, valid: Int32Array, n: number, low: boolean): { member: Uint8Array; edge: number } {
  const member = new Uint8Array(key.length);
  if (n === 0) return { member, edge: NaN };
  const sorted = new Float64Array(valid.length);
  for (let j = 0; j < valid.length; j++) sorted[j] = key[valid[j]!]!;
  sorted.sort();
  const edge = low ? sorted[n - 1]! : sorted[valid.length - n]!;
  let beyond = 0;
  for (let j = 0; j < sorted.length; j++) if (low ? sorted[j]! < edge : sorted[j]! > edge) beyond++;
  // Samples at the edge fill the selection in index order.
  let ties = n - beyond;
  for (let j = 0; j < valid.length; j++) {
    const i = valid[j]!;
    const k = key[i]!;
    if (low ? k < edge : k > edge) member[i] = 1;
    else if (k === edge && ties > 0) {
      member[i] = 1;
      ties--;
    }
  }
  return { member, edge };
}

export function regions(c: CartographyStats): Regions {
  const N = c.confidence.length;
  let count = 0;
  for (let i = 0; i < N; i++) if (c.present[i]! > 0) count++;
  const valid = new Int32Array(count);
  for (let i = 0, j = 0; i < N; i++) if (c.present[i]! > 0) valid[j++] = i;
  const n = Math.floor(REGION_FRACTION * valid.length);
  const region = new Uint8Array(N);
  const easy = select(c.confidence, valid, n, false);
  const hard = select(c.confidence, valid, n, true);
  const ambiguous = select(c.variability, valid, n, false);
  // Ambiguous over easy over hard.
  for (let i = 0; i < N; i++) region[i] = ambiguous.member[i] ? REGION_AMBIGUOUS : easy.member[i] ? REGION_EASY : hard.member[i] ? REGION_HARD : REGION_OTHER;
  const counts: Record<Region, number> = { other: 0, easy: 0, ambiguous: 0, hard: 0 };
  for (let i = 0; i < N; i++) counts[REGIONS[region[i]!]!]++;
  return {
    region,
    selected: n,
    counts,
    thresholds: { easyConfidence: easy.edge, ambiguousVariability: ambiguous.edge, hardConfidence: hard.edge },
  };
}
