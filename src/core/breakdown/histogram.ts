/**
 * Histogram of per-sample losses on bin edges fixed before the first row, so the histograms of two
 * halves of a file add up bin by bin to the histogram of the whole.
 *
 * Losses span many orders of magnitude (1e-6 for a confident correct sample, 30 for a clipped
 * certain mistake), so the finite bins are log-spaced: edges 10^(minExponent + j / binsPerDecade),
 * j = 0..n, each bin [edge_j, edge_j+1) closed on the left. Four extra buckets hold what the
 * log scale cannot: exactly zero (and the impossible negatives), positive losses below the first
 * edge, losses at or above the last edge, and infinite losses. The dashboard re-bins by adding
 * adjacent bins (every decade boundary is an edge).
 */

export interface HistogramSettings {
  /** The first edge is 10^minExponent (default -8). */
  minExponent: number;
  /** The last edge is 10^maxExponent (default 3). */
  maxExponent: number;
  /** Bins per factor of 10 (default 10). */
  binsPerDecade: number;
}

export const DEFAULT_HISTOGRAM: Readonly<HistogramSettings> = { minExponent: -8, maxExponent: 3, binsPerDecade: 10 };

export interface LossHistogram {
  /** n + 1 increasing edges; bin j counts losses in [edges[j], edges[j + 1]). */
  edges: number[];
  counts: number[];
  /** Losses equal to 0 (or below: none should occur). */
  zero: number;
  /** Losses in (0, edges[0]). */
  underflow: number;
  /** Finite losses >= edges[n]. */
  overflow: number;
  infinite: number;
}

export function validateHistogramSettings(h: HistogramSettings): void {
  if (!Number.isInteger(h.minExponent) || !Number.isInteger(h.maxExponent) || h.maxExponent <= h.minExponent) {
    throw new RangeError('histogram exponents must be integers with minExponent < maxExponent');
  }
  if (!Number.isInteger(h.binsPerDecade) || h.binsPerDecade < 1 || h.binsPerDecade > 1000) {
    throw new RangeError('histogram binsPerDecade must be an integer in [1, 1000]');
  }
}

/** The n + 1 edges. Whole decades are written from their decimal literal so 1e-7 is exactly 1e-7. */
export function histogramEdges(h: HistogramSettings): Float64Array {
  const n = (h.maxExponent - h.minExponent) * h.binsPerDecade;
  const edges = new Float64Array(n + 1);
  for (let j = 0; j <= n; j++) {
    const steps = h.minExponent * h.binsPerDecade + j;
    edges[j] = steps % h.binsPerDecade === 0 ? Number(`1e${steps / h.binsPerDecade}`) : 10 ** (steps / h.binsPerDecade);
  }
  return edges;
}

/** Mantissa bits of a loss that pick its sub-bucket: 64 per octave (ratio <= 1.016), so at the default 10 bins per decade (ratio 1.26) at most one edge falls inside one. */
const SUB_BITS = 6;
const MAX_TABLE = 1 << 16;
/** One double seen as two 32-bit words, to read a loss's exponent and top mantissa bits. */
const bits64 = new Float64Array(1);
const words = new Uint32Array(bits64.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

function subBucket(x: number): number {
  bits64[0] = x;
  return (words[HIGH_WORD] as number) >>> (20 - SUB_BITS);
}

/**
 * Bucket layout of the count array: [zero, underflow, bin 0 .. bin n-1, overflow, infinite].
 * One flat array keeps add() to a single increment and merge() to one loop.
 */
export class HistogramBinner {
  readonly edges: Float64Array;
  readonly bins: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly minExponent: number;
  private readonly perDecade: number;
  /**
   * For each sub-bucket (exponent and top mantissa bits) of a positive double in [lo, hi): the bin
   * of its smallest value. A loss's bin is then that guess moved up past the edges at or below it
   * (at most one step at the default settings): no log per row. Null when the range is too wide.
   */
  private readonly table: Int32Array | null;
  private readonly tableStart: number;

  constructor(settings: HistogramSettings) {
    validateHistogramSettings(settings);
    this.edges = histogramEdges(settings);
    this.bins = this.edges.length - 1;
    this.lo = this.edges[0] as number;
    this.hi = this.edges[this.bins] as number;
    this.minExponent = settings.minExponent;
    this.perDecade = settings.binsPerDecade;
    this.tableStart = subBucket(this.lo);
    const size = subBucket(this.hi) - this.tableStart + 1;
    this.table = size <= MAX_TABLE ? new Int32Array(size) : null;
    if (this.table !== null) {
      // Sub-buckets rise with their values, so one walk along the edges bins them all (a search per
      // entry ran a log 2,400 times per accumulator, and V8 compiled it in every thread).
      let j = 0;
      for (let i = 0; i < size; i++) {
        // The smallest double of sub-bucket i: its high word with the lower mantissa bits cleared.
        words[HIGH_WORD] = (this.tableStart + i) << (20 - SUB_BITS);
        words[1 - HIGH_WORD] = 0;
        const start = bits64[0] as number;
        while (j < this.bins - 1 && start >= (this.edges[j + 1] as number)) j++;
        this.table[i] = j;
      }
    }
  }

  /** The bin of x in [lo, hi) by its log, settled against the edges. */
  private searchedBin(x: number): number {
    // ln x * log10(e) costs about half of Math.log10 in V8. Either may round across an edge,
    // so the guess is settled against the edges the dashboard is shown.
    let j = Math.floor((Math.log(x) * Math.LOG10E - this.minExponent) * this.perDecade);
    if (j < 0) j = 0;
    else if (j >= this.bins) j = this.bins - 1;
    while (j > 0 && x < (this.edges[j] as number)) j--;
    while (j < this.bins - 1 && x >= (this.edges[j + 1] as number)) j++;
    return j;
  }

  /** Length of the count array. */
  get slots(): number {
    return this.bins + 4;
  }

  /** The slot of a loss that is not NaN. */
  slot(loss: number): number {
    if (loss <= 0) return 0;
    if (loss < this.lo) return 1;
    if (loss >= this.hi) return loss === Number.POSITIVE_INFINITY ? this.bins + 3 : this.bins + 2;
    const table = this.table;
    if (table === null) return this.searchedBin(loss) + 2;
    let j = table[subBucket(loss) - this.tableStart] as number;
    const last = this.bins - 1;
    const edges = this.edges;
    while (j < last && loss >= (edges[j + 1] as number)) j++;
    return j + 2;
  }

  report(counts: Float64Array): LossHistogram {
    return {
      edges: Array.from(this.edges),
      counts: Array.from(counts.subarray(2, this.bins + 2)),
      zero: counts[0] as number,
      underflow: counts[1] as number,
      overflow: counts[this.bins + 2] as number,
      infinite: counts[this.bins + 3] as number,
    };
  }
}
