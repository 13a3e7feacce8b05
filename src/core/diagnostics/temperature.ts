/**
 * Calibration versus refinement (issue 14, item 1): one temperature T* fitted on the file, and the
 * log loss split as CE = CE(T*) + [CE - CE(T*)]: the second term is what a better calibration (of
 * this simplest kind) would remove, the first what is left, the refinement.
 *
 * Scores: ce logits z are divided by T before the softmax; ce probabilities are read as
 * log-probabilities, ln p / T, so that softmax gives p^(1/T) renormalised. bce is the two-class
 * case [0, z] (logits) or [ln(1 - p), ln p] (probabilities), i.e. sigmoid(z / T).
 *
 * The fit, on b = 1/T, where the mean NLL f(b) = mean_i [logsumexp(b z_i) - b z_iy] is convex:
 * f'(b) = mean_i (E_p[z] - z_y) and f''(b) = mean_i Var_p(z) under p = softmax(b z_i), both exact
 * in the same pass as f. Safeguarded Newton (kept inside the bracket the gradient's signs give)
 * stops when its step is below STEP_TOLERANCE x b, so T* is that close to the exact minimiser.
 * - The first pass, at T = 1, gives the "before" figures and keeps every stride-th row (at most
 *   SAMPLE_VALUES scores). When that sample is the whole file, everything else runs in memory.
 * - Otherwise T is fitted on the sample in memory, and exact passes over all rows refine it by
 *   Newton (usually two or three: the sample's T is within about 1/sqrt(sample) of T*, and each
 *   step squares the error). The last pass's figures are the "after" ones.
 */
import type { Analysis } from '../analyze';
import type { RowBatch } from '../batch';
import { calibrationAdd, calibrationEdges, calibrationReport, type CalibrationDefinition, type ReliabilityBin } from '../breakdown/calibration';
import { compensatedAdd, compensatedValue } from '../breakdown/summation';
import { PRESETS } from '../presets';
import type { LogBase } from '../types';
import { rowsUnavailable } from './row-reader';
import type { Diagnostic, RowReader } from './types';

/** Newton stops when |step| <= STEP_TOLERANCE x b: T* is then within that relative distance of the minimiser. */
export const STEP_TOLERANCE = 1e-10;
/** The first pass keeps at most this many scores (8 bytes each: 16 MB) for the fit in memory. */
export const SAMPLE_VALUES = 1 << 21;
/** Exact passes after the first, at most: beyond it the result says it did not converge. */
const MAX_PASSES = 30;
const MAX_MEMORY_ITERATIONS = 200;
/** Where the figures of a limit (T* -> 0 or infinity) are worked out: T = 1e-8 or 1e8. */
const B_MAX = 1e8;
const B_MIN = 1e-8;

export interface TemperatureClass {
  name: string;
  /** Rows whose given class this is. */
  support: number;
  /** Mean log loss of those rows at T = 1 and at T*. */
  before: number;
  after: number;
  /** before - after: may be negative for a class (one T for all classes), never overall. */
  calibration: number;
}

export interface TemperatureSide {
  /** Mean log loss (probabilities clipped as the preset does; no smoothing, weights or focal term), in `base`. */
  loss: number;
  /** Equal-width ECE and its bins (top-label for ce, p(y = 1) for bce), as the calibration section's. */
  ece: number;
  bins: ReliabilityBin[];
}

export interface TemperatureFit {
  /** 'sample-then-exact': Newton on an in-memory sample, then exact passes; 'in-memory': the whole file fitted in memory. */
  method: 'in-memory' | 'sample-then-exact';
  /** Rows in the sample the first Newton steps ran on (all rows for 'in-memory'). */
  sampleRows: number;
  /** Passes over the file, the first (T = 1) included. */
  passes: number;
  /** Newton iterations: on the sample, and exact (each exact one is a pass over all rows). */
  sampleIterations: number;
  exactIterations: number;
  /** f'(1/T*) over all rows, in nats per unit of 1/T: 0 at the exact minimiser. */
  gradient: number;
  /** The last Newton step relative to 1/T: T*'s relative distance from the exact minimiser. */
  lastStep: number;
  converged: boolean;
}

export interface TemperatureReport {
  /** What was divided by T. */
  scores: 'logits' | 'log-probabilities';
  /** What the reliability bins hold: top-label confidence (ce) or p(y = 1) (bce). */
  definition: CalibrationDefinition;
  base: LogBase;
  /**
   * Probabilities below the preset's clip are read as the clip (ln p floored at ln eps), as the
   * report's loss reads them: the floor (null for logits and presets that do not clip) and how many
   * scores (of any class) were raised to it.
   */
  logFloor: number | null;
  floored: number;
  /** Rows counted (a class in 0..K-1, or y in {0, 1}); rows left out: the ignore index, other labels. */
  rows: number;
  leftOut: number;
  /**
   * The fitted temperature; with `limit` set, the last T tried (the loss kept falling towards
   * T -> 0, 'sharpen', or T -> infinity, 'flatten').
   */
  temperature: number;
  limit?: 'sharpen' | 'flatten';
  /** Why no temperature could be fitted (e.g. a given class with probability 0): the rest is then at T = 1. */
  notFitted?: string;
  before: TemperatureSide;
  after: TemperatureSide;
  /** before.loss - after.loss >= 0: what the temperature removes. */
  calibration: number;
  /** after.loss: what is left. */
  refinement: number;
  classes: TemperatureClass[];
  fit: TemperatureFit;
}

declare module './types' {
  interface DiagnosticResults {
    temperature: TemperatureReport;
  }
}

/** Rows as scores in log form (K per row, row-major) and a class per row: a batch converted, or the sample. */
interface ScoreRows {
  z: Float64Array;
  labels: Int32Array;
  size: number;
}

/** What one evaluation at b gives. */
interface Evaluation {
  b: number;
  n: number;
  /** Mean NLL, its derivative and second derivative in b (nats). */
  f: number;
  g: number;
  h: number;
}

/**
 * Sums over rows at one b: NLL, gradient and curvature (compensated: the split is a difference of
 * two such means), and optionally per class and the reliability bins.
 */
class Accumulator {
  /** Compensated sums: [0] NLL, [2] gradient, [4] curvature. */
  readonly sums = new Float64Array(6);
  n = 0;
  readonly classSums: Float64Array;
  readonly classCounts: Float64Array;
  readonly binCounts: Float64Array;
  readonly binSums: Float64Array;
  /** Rows whose given class has probability 0: an infinite loss at every T. */
  infinite = 0;
  readonly classInfinite: Float64Array;
  /** Rows whose given class is below another's score: with none, the loss falls all the way to T -> 0. */
  outranked = 0;
  /** Compensated sum of the gradient at b -> 0 (p uniform over the classes with a score): at or above 0, the loss falls all the way to T -> infinity. */
  readonly flatGradient = new Float64Array(2);
  private readonly p: Float64Array;

  constructor(readonly K: number, readonly b: number, readonly detail: { edges: Float64Array; binary: boolean } | undefined) {
    this.classSums = new Float64Array(detail ? 2 * K : 0);
    this.classCounts = new Float64Array(detail ? K : 0);
    this.classInfinite = new Float64Array(detail ? K : 0);
    const bins = detail ? detail.edges.length - 1 : 0;
    this.binCounts = new Float64Array(bins);
    this.binSums = new Float64Array(4 * bins);
    this.p = new Float64Array(K);
  }

  add(rows: ScoreRows): void {
    const { K, b, p, sums } = this;
    const z = rows.z;
    for (let i = 0; i < rows.size; i++) {
      const y = rows.labels[i]!;
      const at = i * K;
      let zmax = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) if (z[at + k]! > zmax) zmax = z[at + k]!;
      const dy = z[at + y]! - zmax;
      if (dy === Number.NEGATIVE_INFINITY) {
        this.infinite++;
        if (this.detail) this.classInfinite[y]!++;
        continue;
      }
      if (dy < 0) this.outranked++;
      // d_k = z_k - max z <= 0; p_k = e^(b d_k) / s. A probability of 0 (d_k = -inf) has p_k = 0
      // and takes no part in the moments (0 x -inf would be NaN).
      let s = 0;
      for (let k = 0; k < K; k++) s += p[k] = Math.exp(b * (z[at + k]! - zmax));
      let mean = 0;
      for (let k = 0; k < K; k++) {
        p[k] = p[k]! / s;
        if (p[k]! > 0) mean += p[k]! * (z[at + k]! - zmax);
      }
      let variance = 0;
      for (let k = 0; k < K; k++) {
        if (p[k]! > 0) {
          const c = z[at + k]! - zmax - mean;
          variance += p[k]! * c * c;
        }
      }
      const nll = Math.log(s) - b * dy;
      compensatedAdd(sums, 0, nll);
      compensatedAdd(sums, 2, mean - dy);
      compensatedAdd(sums, 4, variance);
      this.n++;
      if (this.detail) {
        let finite = 0;
        let sum = 0;
        for (let k = 0; k < K; k++) {
          const d = z[at + k]! - zmax;
          if (d !== Number.NEGATIVE_INFINITY) {
            finite++;
            sum += d;
          }
        }
        compensatedAdd(this.flatGradient, 0, sum / finite - dy);
        compensatedAdd(this.classSums, 2 * y, nll);
        this.classCounts[y]!++;
        if (this.detail.binary) {
          // p(y = 1) against y.
          calibrationAdd(this.binCounts, this.binSums, this.detail.edges, p, 1, y);
        } else {
          let top = 0;
          for (let k = 1; k < K; k++) if (p[k]! > p[top]!) top = k;
          calibrationAdd(this.binCounts, this.binSums, this.detail.edges, p, top, top === y ? 1 : 0);
        }
      }
    }
  }

  evaluation(): Evaluation {
    const n = this.n;
    return { b: this.b, n, f: compensatedValue(this.sums, 0) / n, g: compensatedValue(this.sums, 2) / n, h: compensatedValue(this.sums, 4) / n };
  }
}

/** How a read row becomes K scores in log form and a class (or -1: left out). */
interface Converter {
  K: number;
  scores: TemperatureReport['scores'];
  binary: boolean;
  /** The floor under ln p (-infinity for none, and for logits), and how many scores were raised to it so far. */
  floor: number;
  floored: number;
  convert(rows: RowBatch, out: ScoreRows): void;
}

/**
 * The floor under ln p, from the preset's clip: ln(eps) (classic 1e-15, Keras 1e-7, scikit-learn
 * float64 eps), PyTorch BCELoss's -100 for bce; none (-infinity) where the preset does not clip.
 * A probability of 0 is then as the report counts it, not an infinite loss at every T.
 */
export function logFloor(analysis: Analysis): number {
  const params = PRESETS[analysis.preset].params;
  if (params.clipEps > 0) return Math.log(params.clipEps);
  return analysis.layout.kind === 'bce' ? params.bceLogFloor : Number.NEGATIVE_INFINITY;
}

function converterFor(analysis: Analysis): Converter {
  const logits = analysis.layout.input === 'logits';
  const scores = logits ? 'logits' : 'log-probabilities';
  const floor = logits ? Number.NEGATIVE_INFINITY : logFloor(analysis);
  const conv = { floor, floored: 0 };
  const ln = (v: number) => {
    if (v >= floor) return v;
    conv.floored++;
    return floor;
  };
  if (analysis.layout.kind === 'bce') {
    return Object.assign(conv, {
      K: 2,
      scores,
      binary: true,
      convert(rows: RowBatch, out: ScoreRows) {
        for (let i = 0; i < rows.size; i++) {
          const y = rows.labels[i]!;
          const v = rows.preds[i]!;
          out.labels[i] = y === 0 || y === 1 ? y : -1;
          if (logits) {
            out.z[2 * i] = 0;
            out.z[2 * i + 1] = v;
          } else {
            out.z[2 * i] = ln(Math.log1p(-v));
            out.z[2 * i + 1] = ln(Math.log(v));
          }
        }
        out.size = rows.size;
      },
    } as const);
  }
  const K = analysis.layout.numClasses;
  const ignore = analysis.options.ignoreIndex;
  return Object.assign(conv, {
    K,
    scores,
    binary: false,
    convert(rows: RowBatch, out: ScoreRows) {
      const n = rows.size * K;
      if (logits) out.z.set(rows.preds.subarray(0, n));
      else for (let j = 0; j < n; j++) out.z[j] = ln(Math.log(rows.preds[j]!));
      for (let i = 0; i < rows.size; i++) {
        const label = rows.labels[i]!;
        out.labels[i] = label !== ignore && Number.isInteger(label) && label >= 0 && label < K ? label : -1;
      }
      out.size = rows.size;
    },
  } as const);
}

/** Drops left-out rows (label -1) in place, keeping order; returns how many were dropped. */
function compact(rows: ScoreRows, K: number): number {
  let kept = 0;
  for (let i = 0; i < rows.size; i++) {
    if (rows.labels[i]! < 0) continue;
    if (kept !== i) {
      rows.labels[kept] = rows.labels[i]!;
      rows.z.copyWithin(kept * K, i * K, (i + 1) * K);
    }
    kept++;
  }
  const dropped = rows.size - kept;
  rows.size = kept;
  return dropped;
}

/**
 * Safeguarded Newton on the convex f(b): the gradient's signs so far bracket the minimiser, a
 * Newton step that leaves the bracket (or meets no curvature) is replaced by its midpoint (or by
 * doubling / halving b while one side is open).
 */
class NewtonOnB {
  lo = 0;
  hi = Number.POSITIVE_INFINITY;

  /** The next b after evaluating e, and the step's size relative to b. */
  next(e: Evaluation): { b: number; step: number } {
    if (e.g > 0) this.hi = Math.min(this.hi, e.b);
    else if (e.g < 0) this.lo = Math.max(this.lo, e.b);
    else return { b: e.b, step: 0 };
    let b = e.h > 0 ? e.b - e.g / e.h : Number.NaN;
    if (!(b > this.lo && b < this.hi)) {
      if (this.hi === Number.POSITIVE_INFINITY) b = 2 * e.b;
      else if (this.lo === 0) b = e.b / 2;
      else b = (this.lo + this.hi) / 2;
    }
    return { b, step: Math.abs(b - e.b) / e.b };
  }
}

/**
 * Where the minimiser is not a number: every row's class scored highest (or tied), so the loss
 * falls as T -> 0; or the gradient at b -> 0 is not negative, so it falls as T -> infinity (the
 * scores are no better than uniform).
 */
function limitOf(acc: Accumulator): TemperatureReport['limit'] {
  if (acc.outranked === 0) return 'sharpen';
  if (compensatedValue(acc.flatGradient, 0) >= 0) return 'flatten';
  return undefined;
}

/** Fits b on rows in memory (a minimiser in (0, infinity) exists), from the evaluation at b = 1 already made. */
function fitInMemory(rows: ScoreRows, K: number, first: Evaluation): { e: Evaluation; iterations: number; step: number } {
  const newton = new NewtonOnB();
  let e = first;
  for (let iterations = 0; ; iterations++) {
    const { b, step } = newton.next(e);
    if (step <= STEP_TOLERANCE || iterations === MAX_MEMORY_ITERATIONS) return { e, iterations, step };
    const acc = new Accumulator(K, b, undefined);
    acc.add(rows);
    e = acc.evaluation();
  }
}

function side(acc: Accumulator, toBase: number, definition: CalibrationDefinition, edges: Float64Array): TemperatureSide {
  const report = calibrationReport(definition, acc.binCounts, acc.binSums, edges);
  return { loss: acc.infinite > 0 ? Number.POSITIVE_INFINITY : acc.evaluation().f * toBase, ece: report.ece, bins: report.bins };
}

/** Fits T* over the rows `reader` hands over and splits the log loss (see the module's comment). */
export async function fitTemperature(
  analysis: Analysis, reader: RowReader, progress: (message: string) => void = () => {}, sampleValues = SAMPLE_VALUES,
): Promise<TemperatureReport> {
  const conv = converterFor(analysis);
  const K = conv.K;
  const edges = calibrationEdges(Math.max(1, analysis.breakdown.calibration.bins.length));
  const detail = { edges, binary: conv.binary };
  const definition: CalibrationDefinition = conv.binary ? 'positive-probability' : 'top-label';
  const toBase = analysis.options.base === '2' ? 1 / Math.LN2 : 1;
  const expected = Math.max(1, analysis.rows - analysis.skipped);
  const sampleCapacity = Math.max(1, Math.floor(sampleValues / K));
  const stride = Math.ceil(expected / sampleCapacity);
  const sample: ScoreRows = { z: new Float64Array(Math.min(sampleCapacity, expected) * K), labels: new Int32Array(Math.min(sampleCapacity, expected)), size: 0 };
  let scratch: ScoreRows | undefined;
  const batchRows = (rows: RowBatch): ScoreRows => {
    if (scratch === undefined || scratch.labels.length < rows.capacity) scratch = { z: new Float64Array(rows.capacity * K), labels: new Int32Array(rows.capacity), size: 0 };
    conv.convert(rows, scratch);
    return scratch;
  };
  const compacted = (rows: RowBatch): ScoreRows => {
    const batch = batchRows(rows);
    compact(batch, K);
    return batch;
  };

  progress('fitting the temperature: pass 1 (T = 1)');
  const first = new Accumulator(K, 1, detail);
  let leftOut = 0;
  let ordinal = 0;
  let firstInfinite: string | undefined;
  await reader.pass((rows, file) => {
    const batch = batchRows(rows);
    for (let i = 0; i < batch.size; i++) {
      if (batch.labels[i]! >= 0 && firstInfinite === undefined && batch.z[i * K + batch.labels[i]!] === Number.NEGATIVE_INFINITY) {
        const where = analysis.files === undefined ? analysis.file : (analysis.files[file]?.name ?? analysis.file);
        firstInfinite = `${where}, line ${rows.lines[i]!}`;
      }
    }
    leftOut += compact(batch, K);
    first.add(batch);
    for (let i = 0; i < batch.size; i++, ordinal++) {
      if (ordinal % stride !== 0 || sample.size === sample.labels.length) continue;
      sample.labels[sample.size] = batch.labels[i]!;
      sample.z.set(batch.z.subarray(i * K, (i + 1) * K), sample.size * K);
      sample.size++;
    }
  });
  const flooredFirstPass = conv.floored;
  const before = side(first, toBase, definition, edges);
  const rowsCounted = first.n + first.infinite;
  const classNames = analysis.breakdown.classNames;
  const report = (after: Accumulator, fit: TemperatureFit, extra: { limit?: TemperatureReport['limit']; notFitted?: string }): TemperatureReport => {
    const afterSide = side(after, toBase, definition, edges);
    return {
      scores: conv.scores,
      definition,
      logFloor: Number.isFinite(conv.floor) ? conv.floor : null,
      floored: flooredFirstPass,
      base: analysis.options.base,
      rows: rowsCounted,
      leftOut,
      temperature: 1 / after.b,
      ...(extra.limit === undefined ? {} : { limit: extra.limit }),
      ...(extra.notFitted === undefined ? {} : { notFitted: extra.notFitted }),
      before,
      after: afterSide,
      calibration: before.loss - afterSide.loss,
      refinement: afterSide.loss,
      classes: Array.from({ length: K }, (_, k) => {
        const finite = first.classCounts[k]!;
        const support = finite + first.classInfinite[k]!;
        const mean = (acc: Accumulator) => (acc.classInfinite[k]! > 0 ? Number.POSITIVE_INFINITY : (compensatedValue(acc.classSums, 2 * k) / finite) * toBase);
        const b = mean(first);
        const a = mean(after);
        return { name: classNames[k] ?? String(k), support, before: b, after: a, calibration: b === a ? 0 : b - a };
      }),
      fit,
    };
  };
  const noFit = (passes: number): TemperatureFit => ({ method: 'in-memory', sampleRows: 0, passes, sampleIterations: 0, exactIterations: 0, gradient: Number.NaN, lastStep: Number.NaN, converged: false });

  if (first.infinite > 0) {
    const reason = `${first.infinite.toLocaleString('en-US')} rows give their own class a probability of 0 (first: ${firstInfinite}): their loss is infinite at every temperature`;
    return report(first, noFit(1), { notFitted: reason });
  }
  if (first.n === 0) return report(first, noFit(1), { notFitted: 'no row has a class to fit on' });

  const firstEval = first.evaluation();
  const inMemory = sample.size === first.n;
  const limit = limitOf(first);
  if (limit !== undefined) {
    const b = limit === 'sharpen' ? B_MAX : B_MIN;
    progress('fitting the temperature: pass 2 (the limit)');
    const after = new Accumulator(K, b, detail);
    if (inMemory) after.add(sample);
    else await reader.pass((rows) => after.add(compacted(rows)));
    const fit = noFit(inMemory ? 1 : 2);
    return report(after, { ...fit, method: inMemory ? 'in-memory' : 'sample-then-exact', sampleRows: sample.size, gradient: after.evaluation().g }, { limit });
  }

  if (inMemory) {
    progress('fitting the temperature: in memory');
    const fit = fitInMemory(sample, K, firstEval);
    const after = new Accumulator(K, fit.e.b, detail);
    after.add(sample);
    return report(after, {
      method: 'in-memory', sampleRows: sample.size, passes: 1, sampleIterations: fit.iterations, exactIterations: 0,
      gradient: fit.e.g, lastStep: fit.step, converged: fit.step <= STEP_TOLERANCE,
    }, {});
  }

  // The sample's fit starts the exact Newton (unless the sample alone has its minimiser at a
  // limit); the bracket is the exact gradients' alone.
  const newton = new NewtonOnB();
  const fromFirst = newton.next(firstEval);
  if (fromFirst.step <= STEP_TOLERANCE) {
    return report(first, {
      method: 'sample-then-exact', sampleRows: sample.size, passes: 1, sampleIterations: 0, exactIterations: 0,
      gradient: firstEval.g, lastStep: fromFirst.step, converged: true,
    }, {});
  }
  const sampleFirst = new Accumulator(K, 1, detail);
  sampleFirst.add(sample);
  const sampleFit = limitOf(sampleFirst) === undefined ? fitInMemory(sample, K, sampleFirst.evaluation()) : undefined;
  let b = sampleFit?.e.b ?? fromFirst.b;
  let passes = 1;
  let exactIterations = 0;
  for (;;) {
    passes++;
    progress(`fitting the temperature: pass ${passes} (T = ${(1 / b).toPrecision(6)})`);
    const acc = new Accumulator(K, b, detail);
    await reader.pass((rows) => acc.add(compacted(rows)));
    exactIterations++;
    const e = acc.evaluation();
    const next = newton.next(e);
    const done = next.step <= STEP_TOLERANCE;
    if (done || passes - 1 >= MAX_PASSES) {
      return report(acc, {
        method: 'sample-then-exact', sampleRows: sample.size, passes, sampleIterations: sampleFit?.iterations ?? 0, exactIterations,
        gradient: e.g, lastStep: next.step, converged: done,
      }, {});
    }
    b = next.b;
  }
}

export const temperature: Diagnostic<'temperature'> = {
  key: 'temperature',
  unavailable: (analysis) => {
    const why = rowsUnavailable(analysis.layout);
    if (why !== undefined) return `the temperature fit needs one given class per row: ${why}`;
    return undefined;
  },
  run: (ctx) => fitTemperature(ctx.analysis, ctx.reader, ctx.progress),
};
