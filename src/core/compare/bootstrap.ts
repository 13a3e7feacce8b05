/**
 * The paired bootstrap of a difference of mean losses, fast enough for millions of samples.
 *
 * Method: the Poisson bootstrap (Hanley & MacGibbon 2006; Chamandy et al. 2012). Each resample
 * gives every sample a count k ~ Poisson(1) in place of the multinomial counts of n draws with
 * replacement; the resampled difference is sum(k * d) / sum(k * w) over the same counts for both
 * files (d = loss in B minus loss in A, w the sample's weight), so the pairing is kept. Its
 * distribution matches the classic bootstrap's as n grows, and it needs no random access: one
 * sequential pass per resample, ~1.8 ms per million samples (unit weights; ~2.9 weighted). At small n it is checked by simulation
 * (test/unit/compare-stats.test.ts: a 95% interval covers the true difference in 93-97% of 1000
 * simulated data sets) and against NumPy's classic bootstrap on a fixture.
 *
 * Counts come from a 65,536-entry inverse-CDF table of Poisson(1) indexed by 16 random bits (two
 * counts per 32-bit draw): each probability is rounded to a multiple of 2^-16, k >= 9
 * (P = 1.1e-6) never drawn. The random bits are xoshiro128** (Blackman & Vigna 2018), seeded by
 * splitmix32 from a 32-bit seed. Hand-written: a PRNG behind a function call per draw costs 3x.
 * Resamples come in blocks of BLOCK: block j's generator is the seeded one jumped j times (2^64
 * draws apart, so blocks never share draws), so any split of the blocks over threads gives the
 * same replicates as one thread, for the same seed.
 *
 * The interval is the percentile interval: the 2.5% and 97.5% quantiles of the resampled
 * differences, interpolated as numpy.percentile does by default.
 */

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 1;

/** Poisson(1) by 16 random bits: entry u is the k whose CDF range holds (u + 0.5) / 65536. */
const POISSON_TABLE = (() => {
  const table = new Uint8Array(65536);
  let k = 0;
  let pmf = Math.exp(-1);
  let cdf = pmf;
  for (let u = 0; u < 65536; u++) {
    const x = (u + 0.5) / 65536;
    while (x >= cdf) {
      k++;
      pmf /= k;
      cdf += pmf;
    }
    table[u] = k;
  }
  return table;
})();

/** splitmix32: spreads a small seed over xoshiro's 128 bits of state (never all zero). */
function seedState(seed: number): Int32Array {
  const s = new Int32Array(4);
  let x = seed | 0;
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    s[i] = z ^ (z >>> 16);
  }
  if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
  return s;
}

/** Resamples per block: each block has its own generator (see poissonBootstrap). */
export const BLOCK = 64;

/** xoshiro128**'s jump polynomial: 2^64 steps at once (Blackman & Vigna's reference code). */
const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b];

type State = [number, number, number, number];

/** The state 2^64 draws on. */
function jump([s0, s1, s2, s3]: State): State {
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  for (const word of JUMP) {
    for (let bit = 0; bit < 32; bit++) {
      if (word & (1 << bit)) {
        t0 ^= s0;
        t1 ^= s1;
        t2 ^= s2;
        t3 ^= s3;
      }
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
  }
  return [t0, t1, t2, t3];
}

/** Samples grouped by class (contiguous), with each group's bounds: the resampling loop's input. */
export interface Groups {
  /** d = loss in B minus loss in A, grouped by class. */
  d: Float64Array;
  w: Float64Array;
  /** Group g is [start[g], start[g + 1]). */
  start: number[];
  /** Every weight is 1: sum(k * w) is sum(k). */
  unitWeights: boolean;
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Only the blocks [from, to) of BLOCK resamples (a thread's share); the result holds their replicates alone. */
  blocks?: { from: number; to: number };
  /** Called now and then with the fraction of resamples done; may throw to stop (cancel). */
  onProgress?: (fraction: number) => void;
}

export interface BootstrapResult {
  /** The difference sum(d) / sum(w) over all groups, and each group's, from the resamples. */
  total: Float64Array;
  groups: Float64Array[];
}

/**
 * `resamples` Poisson-bootstrap replicates of the overall and each group's difference. A
 * replicate whose counts leave a group empty (sum(k * w) = 0) is NaN for that group.
 */
export function poissonBootstrap(g: Groups, opts: BootstrapOptions = {}): BootstrapResult {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const seed = opts.seed ?? DEFAULT_SEED;
  const firstBlock = opts.blocks?.from ?? 0;
  const first = Math.min(resamples, firstBlock * BLOCK);
  const last = Math.min(resamples, (opts.blocks?.to ?? blockCount(resamples)) * BLOCK);
  const B = last - first;
  const G = g.start.length - 1;
  const total = new Float64Array(B);
  const groups = Array.from({ length: G }, () => new Float64Array(B));
  // Block j's generator: the seeded one jumped j times.
  const seeded = seedState(seed);
  let blockStart: State = [seeded[0]!, seeded[1]!, seeded[2]!, seeded[3]!];
  for (let j = 0; j < firstBlock; j++) blockStart = jump(blockStart);
  let [s0, s1, s2, s3] = blockStart;
  const table = POISSON_TABLE;
  const { d, w, start, unitWeights } = g;
  for (let b = 0; b < B; b++) {
    if (b > 0 && (first + b) % BLOCK === 0) {
      opts.onProgress?.(b / B);
      blockStart = jump(blockStart);
      [s0, s1, s2, s3] = blockStart;
    }
    let allD = 0;
    let allW = 0;
    for (let c = 0; c < G; c++) {
      // Four sums, not one: each add waits for the last, so one chain would halve the speed.
      let d0 = 0;
      let d1 = 0;
      let w0 = 0;
      let w1 = 0;
      const end = start[c + 1]!;
      let i = start[c]!;
      // Unit weights (the common case) on a loop of their own: sum(k) counted in integers, no branch per sample.
      if (unitWeights) {
        let k = 0;
        for (; i + 1 < end; i += 2) {
          // xoshiro128**: the output, then the state's step.
          const m = Math.imul(s1, 5);
          const r = Math.imul((m << 7) | (m >>> 25), 9);
          const t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = (s3 << 11) | (s3 >>> 21);
          const k0 = table[r & 0xffff]!;
          const k1 = table[r >>> 16]!;
          d0 += k0 * d[i]!;
          d1 += k1 * d[i + 1]!;
          k += k0 + k1;
        }
        w0 = k;
      }
      for (; i < end; i += 2) {
        const m = Math.imul(s1, 5);
        const r = Math.imul((m << 7) | (m >>> 25), 9);
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const k0 = table[r & 0xffff]!;
        d0 += k0 * d[i]!;
        w0 += k0 * w[i]!;
        if (i + 1 < end) {
          const k1 = table[r >>> 16]!;
          d1 += k1 * d[i + 1]!;
          w1 += k1 * w[i + 1]!;
        }
      }
      const sumD = d0 + d1;
      const sumW = w0 + w1;
      groups[c]![b] = sumW > 0 ? sumD / sumW : NaN;
      allD += sumD;
      allW += sumW;
    }
    total[b] = allW > 0 ? allD / allW : NaN;
  }
  opts.onProgress?.(1);
  return { total, groups };
}

/** How many blocks of BLOCK resamples `resamples` makes. */
export function blockCount(resamples: number): number {
  return Math.ceil(resamples / BLOCK);
}

/** The replicates of consecutive block ranges, in order: what one thread would have computed. */
export function joinBootstrap(parts: BootstrapResult[]): BootstrapResult {
  const join = (arrays: Float64Array[]) => {
    const out = new Float64Array(arrays.reduce((n, x) => n + x.length, 0));
    let at = 0;
    for (const x of arrays) {
      out.set(x, at);
      at += x.length;
    }
    return out;
  };
  const G = parts[0]?.groups.length ?? 0;
  return { total: join(parts.map((p) => p.total)), groups: Array.from({ length: G }, (_, c) => join(parts.map((p) => p.groups[c]!))) };
}

/** The q-quantile (0..1) of the finite values, interpolated linearly (numpy.percentile's default). */
export function quantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The 95% percentile interval of replicates; NaN replicates (an empty group) are left out. */
export function percentileInterval(replicates: Float64Array): [number, number] {
  const kept = replicates.filter((x) => !Number.isNaN(x)).sort();
  // Fewer than half the resamples: too few to read a 2.5% tail from.
  if (kept.length < replicates.length / 2 || kept.length < 2) return [NaN, NaN];
  return [quantile(kept, 0.025), quantile(kept, 0.975)];
}
