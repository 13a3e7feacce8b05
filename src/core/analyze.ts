/**
 * The whole computation over one file: read samples, evaluate each one's loss, accumulate the
 * breakdown. Runs over the whole content or over one byte range (a worker's share); the parts are
 * merged by `mergeParts`. Pure: the byte source comes from the caller (Node file, browser, memory).
 */
import type { IssueFilter } from './diagnostics/confident-learning';
import { HardPredictionCheck, RowSumCheck, type HardAgreement } from './row-checks';
import { EvalBatch, RowBatch } from './batch';
import { createAccumulator, type AccumulatorState, type Breakdown, type BreakdownAccumulator, type BreakdownConfig, type TopKState } from './breakdown';
import { isBinaryFormat } from './formats';
import { createEvaluator, type Evaluator } from './losses';
import { readLayout, readSamples } from './parse';
import type { ByteRange, ByteSource, FileFormat, Layout, LayoutOverrides, ReadOptions, ReadResult, RowFields } from './parse';
import type { Problem } from './parse';
import { MAX_LISTED_PROBLEMS } from './parse';
import type { ShardFile } from './shards';
import type { Diagnostics } from './diagnostics/types';
import { PRESET_NAMES, type LossOptions, type PresetName, type SampleEval } from './types';
import { PRESETS } from './presets';
import { ClipContest } from './clip-contest';

/** Everything a user chooses; the layout supplies kind, input and the classes. */
export interface AnalysisRequest {
  loss: Omit<LossOptions, 'kind' | 'input'>;
  overrides: LayoutOverrides;
  skipInvalid: boolean;
  topK: number;
  calibrationBins: number;
  /** Which rows the likely label errors flag (its default when absent: 'prune-by-noise-rate'). */
  labelIssuesFilter?: IssueFilter;
}

export interface AnalysisPart {
  state: AccumulatorState;
  read: ReadResult;
}

/** One file's report: the model every front end (CLI, dashboard, hovers) renders. */
export interface Analysis {
  file: string;
  format: FileFormat;
  layout: Layout;
  options: LossOptions;
  preset: PresetName;
  breakdown: Breakdown;
  /** The loss by options.reduction: the mean or the sum. */
  value: number;
  rows: number;
  skipped: number;
  bytesRead: number;
  problems: Problem[];
  errorCount: number;
  warnings: Problem[];
  warningCount: number;
  /** The scores' argmax against the file's own predicted classes (Layout.hardPredictionColumn). */
  hardAgreement?: HardAgreement;
  /** A data set of several files (shards.ts): the files in the order read, with their rows; `file` then names the set. */
  files?: ShardFile[];
  /** Worked out after the first pass when asked for (diagnostics/): a fitted temperature, likely label errors. */
  diagnostics?: Diagnostics;
}

/** The read failed: its problems, already located, for the front end to print. */
export class AnalysisError extends Error {
  constructor(
    readonly file: string,
    readonly problems: Problem[],
    readonly errorCount: number,
    /** The problems are bad rows, which skipInvalid (--skip-invalid) would leave out of the loss. */
    readonly badRows = false,
    /** No layout could be made: the columns the file has (a picker offers them). */
    readonly columns?: string[],
  ) {
    super(problems[0]?.message ?? 'the file could not be read');
    this.name = 'AnalysisError';
  }
}

/** Bad options for this file (e.g. three class weights for ten classes): a usage error. */
export class OptionsError extends Error {
  override name = 'OptionsError';
}

export function lossOptionsFor(layout: Layout, request: AnalysisRequest): LossOptions {
  return { ...request.loss, kind: layout.kind, input: layout.input };
}

/** What reading needs of the request: the user's overrides, and the ignore index (a label that is no class must still read). */
export function readingOverrides(request: AnalysisRequest): LayoutOverrides {
  const ignoreIndex = request.loss.ignoreIndex;
  return ignoreIndex === undefined ? request.overrides : { ...request.overrides, ignoreIndex };
}

/** Builds the evaluator, turning option problems into an OptionsError that names the file's layout. */
export function evaluatorFor(layout: Layout, request: AnalysisRequest): Evaluator {
  try {
    return createEvaluator(lossOptionsFor(layout, request), layout.numClasses);
  } catch (err) {
    const what = layout.kind === 'bce' ? 'a binary file' : `${layout.numClasses} ${layout.kind === 'ce' ? 'classes' : 'labels'}`;
    throw new OptionsError(`${(err as Error).message} (the file has ${what})`);
  }
}

export function accumulatorConfig(layout: Layout, request: AnalysisRequest): BreakdownConfig {
  return {
    kind: layout.kind,
    // A binary file has one prediction column but two classes (0 and 1).
    numClasses: layout.kind === 'bce' ? 2 : layout.numClasses,
    classNames: layout.kind === 'bce' && layout.classNames.length !== 2 ? undefined : layout.classNames,
    base: request.loss.base,
    calibrationBins: request.calibrationBins,
    topK: request.topK,
    presets: { active: request.loss.preset, comparable: comparablePresets(layout, request) },
  };
}

/**
 * The presets whose file mean clipping's share can give (breakdown/clipping.ts): all, but for
 * categorical probabilities only those that renormalise the rows as the active preset does, and
 * with sample weights only those that divide by what the active one divides by (the sum of the
 * weights, or under keras the count): the others change every row's share of the mean.
 */
function comparablePresets(layout: Layout, request: AnalysisRequest): PresetName[] {
  const active = PRESETS[request.loss.preset].params;
  const weighted = layout.weightColumn !== undefined;
  const renormalises = (name: PresetName): boolean => request.loss.renormalise ?? PRESETS[name].params.renormalise;
  const categoricalProbs = layout.kind === 'ce' && layout.input === 'probs';
  return PRESET_NAMES.filter((name) =>
    (!categoricalProbs || renormalises(name) === renormalises(request.loss.preset)) &&
    (!weighted || PRESETS[name].params.sampleWeightMean === active.sampleWeightMean));
}

/** Infers the layout from the first rows; throws AnalysisError when the file cannot be read at all. */
export async function inferFileLayout(source: ByteSource, request: AnalysisRequest, signal?: AbortSignal, labels?: ByteSource): Promise<Layout> {
  const head = await readLayout(source, { overrides: readingOverrides(request), skipInvalid: true, signal, labels });
  if (!head.ok || head.layout.numClasses === 0) {
    throw new AnalysisError(source.name, head.problems, Math.max(head.errorCount, 1), false, head.layout.columns);
  }
  return head.layout;
}

export interface PartOptions {
  layout?: Layout;
  /** Binary formats: the file holding the labels, row for row (ReadOptions.labels). */
  labels?: ByteSource;
  range?: ByteRange;
  signal?: AbortSignal;
  onProgress?: (bytesRead: number) => void;
  /**
   * Sees every evaluated sample (e.g. to write per-sample losses); the eval object is reused, `fields`
   * valid during the call. `sampleWeight` is the row's own (1 when absent): e.weight is its share of
   * the mean's denominator, which under keras leaves it out.
   */
  onEval?: (e: SampleEval, row: number, line: number, fields: RowFields, sampleWeight: number) => void;
  /** Told the layout before the first row is read (a comparison's collector reads the id column it names). */
  onLayout?: (layout: Layout) => void;
  /**
   * Every sample's evaluation at the batched path's speed (onEval turns batches off): the batches
   * evaluated together to `batch`, the rows the reader cannot batch to `row`; both reused.
   */
  evals?: { batch(evals: EvalBatch): void; row(e: SampleEval, row: number, line: number): void };
  /** Return the state's arrays as Float64Arrays, to transfer to another thread (see AccumulatorState). */
  typedState?: boolean;
  /**
   * Hold every row to what inference saw (row sums, the file's own predicted classes), reported as
   * warnings (default true). The editor's index, which takes warnings for skipped rows, checks sums itself.
   */
  checks?: boolean;
}

/**
 * Reads one file (or one range of it, with `layout` given) and accumulates its breakdown.
 * Row indices and lines of a range read are relative to the range: `mergeParts` offsets them.
 */
export async function analyzePart(source: ByteSource, request: AnalysisRequest, opts: PartOptions = {}): Promise<AnalysisPart> {
  const layout = opts.layout ?? (await inferFileLayout(source, request, opts.signal, opts.labels));
  const reader = pieceReader(source, layout, request, opts);
  const read = await reader.read(opts.range);
  return { state: reader.acc.toState(opts.typedState ?? false), read };
}

/**
 * An evaluator and an accumulator for one layout, fed by range reads one after another; `acc`
 * (default: a new one) may be shared by the readers of several files of one layout (shards.ts).
 */
export function pieceReader(source: ByteSource, layout: Layout, request: AnalysisRequest, opts: PartOptions, acc = createAccumulator(accumulatorConfig(layout, request))) {
  opts.onLayout?.(layout);
  const evaluator = evaluatorFor(layout, request);
  const out = evaluator.newEval();
  const contest = acc.config.presets ? new ClipContest(lossOptionsFor(layout, request), layout.numClasses) : undefined;
  const onEval = opts.onEval;
  const sums = opts.checks === false ? undefined : RowSumCheck.for(layout);
  const hard = opts.checks === false ? undefined : HardPredictionCheck.for(layout);
  const onSample = (sample: Parameters<typeof evaluator.evaluate>[0], row: number, line: number, fields: RowFields) => {
    sums?.row(sample.prediction, line);
    hard?.row(sample, fields, line);
    evaluator.evaluate(sample, out);
    acc.add(out, row, line);
    contest?.sample(sample, out, acc);
    onEval?.(out, row, line, fields, sample.weight ?? 1);
    opts.evals?.row(out, row, line);
  };
  const base: ReadOptions = { overrides: readingOverrides(request), skipInvalid: request.skipInvalid, signal: opts.signal, layout, labels: opts.labels };
  if (onEval === undefined && layout.kind !== 'multilabel') {
    const rows = new RowBatch(evaluator.width);
    const evals = new EvalBatch(rows.capacity);
    base.batch = {
      batch: rows,
      flush: () => {
        sums?.batch(rows);
        evaluator.evaluateBatch(rows, evals);
        acc.addBatch(evals);
        contest?.batch(rows, evals, acc);
        opts.evals?.batch(evals);
        rows.size = 0;
      },
    };
  }
  return {
    acc,
    read: async (range: ByteRange | undefined, onProgress = opts.onProgress) => {
      const read = await readSamples(source, { ...base, onProgress, range, firstLine: range && range.start > 0 ? 1 : undefined }, onSample);
      sums?.takeInto(read);
      hard?.takeInto(read);
      return read;
    },
  };
}

/** One piece of a split read: its read result and its worst samples, rows and lines relative to it. */
export interface SplitPiece {
  index: number;
  read: ReadResult;
  topK: TopKState;
}

/** What one thread of a split read returns: one accumulator over all its pieces, and the pieces. */
export interface SplitShare {
  /** The thread's accumulator; its worst samples are in the pieces. */
  state: AccumulatorState;
  pieces: SplitPiece[];
}

export interface ShareOptions extends Omit<PartOptions, 'range' | 'onEval'> {
  layout: Layout;
  /** The file's pieces, in file order (e.g. planRanges). */
  ranges: ByteRange[];
  /** Claims the next piece for this thread: its index, or -1 (or past the end) when none is left. */
  claim: () => number;
}

/**
 * A thread's share of a split read: it claims pieces until none is left, so threads that start
 * late or run slow (a busy core) simply read fewer. One accumulator takes every piece (a state
 * per piece would cost a merge each, eight million bytes with 1000 classes); only the worst
 * samples, whose rows become absolute once the pieces before are counted, are kept per piece.
 */
export async function analyzeShare(source: ByteSource, request: AnalysisRequest, opts: ShareOptions): Promise<SplitShare> {
  const reader = pieceReader(source, opts.layout, request, opts);
  const pieces: SplitPiece[] = [];
  let done = 0;
  for (let i = opts.claim(); i >= 0 && i < opts.ranges.length; i = opts.claim()) {
    const before = done;
    const read = await reader.read(opts.ranges[i], opts.onProgress && ((n: number) => opts.onProgress!(before + n)));
    done += read.bytesRead;
    pieces.push({ index: i, read, topK: reader.acc.takeWorst() });
  }
  return { state: reader.acc.toState(opts.typedState ?? false), pieces };
}

/** Merges the shares of a split read (pieces in any order, each claimed once) into one Analysis. */
export function mergeShares(file: string, layout: Layout, request: AnalysisRequest, shares: SplitShare[]): Analysis {
  const pieces = shares.flatMap((s) => s.pieces).sort((a, b) => a.index - b.index);
  if (pieces.some((p, i) => p.index !== i)) throw new Error('a split read lost a piece');
  return combine(
    file,
    layout,
    request,
    pieces.map((p) => p.read),
    (acc, shift) => {
      for (const s of shares) acc.merge(s.state);
      pieces.forEach((p, i) => acc.mergeWorst(shiftTopK(p.topK, shift[i]!.rows, shift[i]!.lines)));
    },
  );
}

export function shiftTopK(topK: TopKState, rows: number, lines: number): TopKState {
  if (rows === 0 && lines === 0) return topK;
  const shift = (xs: TopKState['row'], by: number) => xs.map((v) => (typeof v === 'number' ? v + by : v));
  return { ...topK, row: shift(topK.row, rows), line: shift(topK.line, lines) };
}

/** Merges the parts of consecutive ranges (in file order) into one Analysis; throws AnalysisError on a failed read. */
export function mergeParts(file: string, layout: Layout, request: AnalysisRequest, parts: AnalysisPart[]): Analysis {
  return combine(
    file,
    layout,
    request,
    parts.map((p) => p.read),
    (acc, shift) =>
      parts.forEach((p, i) => acc.merge({ ...p.state, topK: shiftTopK(p.state.topK, shift[i]!.rows, shift[i]!.lines) })),
  );
}

/**
 * The Analysis from the reads of consecutive ranges (file order) and a callback that merges their
 * accumulators, given how far each range's relative rows and lines are shifted: by the rows and
 * newlines of the ranges before it. The first range (which holds the header) is absolute already.
 */
function combine(
  file: string,
  layout: Layout,
  request: AnalysisRequest,
  reads: ReadResult[],
  mergeInto: (acc: BreakdownAccumulator, shift: { rows: number; lines: number }[]) => void,
): Analysis {
  let rowOffset = 0;
  let lineOffset = 0;
  const shift: { rows: number; lines: number }[] = [];
  const shifted = reads.map((r, i) => {
    const by = { rows: rowOffset, lines: i === 0 ? 0 : lineOffset };
    shift.push(by);
    rowOffset += r.rows;
    lineOffset += r.newlines;
    if (by.lines === 0) return r;
    const moveProblem = (p: Problem): Problem => (p.line > 0 ? { ...p, line: p.line + by.lines } : p);
    return { ...r, problems: r.problems.map(moveProblem), warnings: r.warnings.map(moveProblem) };
  });
  const errors = shifted.flatMap((r) => r.problems).slice(0, MAX_LISTED_PROBLEMS);
  const errorCount = shifted.reduce((n, r) => n + r.errorCount, 0);
  if (shifted.some((r) => !r.ok)) throw new AnalysisError(file, errors, Math.max(errorCount, 1), !shifted.some((r) => r.fatal));
  if (shifted.length === 0) throw new AnalysisError(file, [], 1);
  const acc = createAccumulator(accumulatorConfig(layout, request));
  mergeInto(acc, shift);
  const breakdown = acc.result();
  const options = lossOptionsFor(layout, request);
  const hard = layout.hardPredictionColumn !== undefined && shifted.some((r) => r.hardAgreement !== undefined) ? agreement(shifted, shift) : undefined;
  const warnings = shifted.flatMap((r) => r.warnings);
  let warningCount = shifted.reduce((n, r) => n + r.warningCount, 0);
  const disagreement = hardAgreementWarning(layout, hard);
  if (disagreement !== undefined) {
    warnings.unshift(disagreement);
    warningCount++;
  }
  return {
    file,
    format: layout.format,
    layout,
    options,
    preset: options.preset,
    breakdown,
    value: options.reduction === 'sum' ? breakdown.sum : breakdown.mean,
    rows: rowOffset,
    skipped: shifted.reduce((n, r) => n + r.skipped, 0),
    bytesRead: shifted.reduce((n, r) => n + r.bytesRead, 0),
    problems: errors,
    errorCount,
    warnings: warnings.slice(0, MAX_LISTED_PROBLEMS),
    warningCount,
    ...(hard !== undefined ? { hardAgreement: hard } : {}),
  };
}

/** The warning that the file's own predicted classes disagree with the scores as read (the classes are likely misread). */
export function hardAgreementWarning(layout: Layout, hard: HardAgreement | undefined, file?: string): Problem | undefined {
  if (hard === undefined || hard.compared === 0 || hard.agree >= 0.9 * hard.compared) return undefined;
  return {
    line: hard.firstDisagreement ?? 0,
    ...(isBinaryFormat(layout.format) ? { unit: 'row' as const } : {}),
    ...(file !== undefined ? { file } : {}),
    message: `the highest score names the class in column ${layout.hardPredictionColumn} on only ${(100 * hard.agree / hard.compared).toFixed(1)}% of ${hard.compared} rows (the first that differs is on this ${isBinaryFormat(layout.format) ? 'row' : 'line'}): are the class names in column order? Give them with --class-names NAME1,NAME2,...`,
    severity: 'warning',
  };
}

/** The reads' agreement counts added up; the first disagreement's line made absolute. */
function agreement(reads: ReadResult[], shift: { lines: number }[]): HardAgreement {
  const out: HardAgreement = { compared: 0, agree: 0 };
  reads.forEach((r, i) => {
    const h = r.hardAgreement;
    if (h === undefined) return;
    out.compared += h.compared;
    out.agree += h.agree;
    if (out.firstDisagreement === undefined && h.firstDisagreement !== undefined) out.firstDisagreement = h.firstDisagreement + shift[i]!.lines;
  });
  return out;
}

/** One pass over the whole source, on this thread. */
export async function analyze(source: ByteSource, request: AnalysisRequest, opts: PartOptions = {}): Promise<Analysis> {
  const layout = opts.layout ?? (await inferFileLayout(source, request, opts.signal, opts.labels));
  const part = await analyzePart(source, request, { ...opts, layout });
  return mergeParts(source.name, part.read.layout ?? layout, request, [part]);
}
