/**
 * The whole computation over one file: read samples, evaluate each one's loss, accumulate the
 * breakdown. Runs over the whole content or over one byte range (a worker's share); the parts are
 * merged by `mergeParts`. Pure: the byte source comes from the caller (Node file, browser, memory).
 */
import { createAccumulator, type AccumulatorState, type Breakdown } from './breakdown';
import { createEvaluator, type Evaluator } from './losses';
import { readLayout, readSamples } from './parse';
import type { ByteRange, ByteSource, FileFormat, Layout, LayoutOverrides, ReadResult } from './parse';
import type { Problem } from './parse';
import { MAX_LISTED_PROBLEMS } from './parse';
import type { LossOptions, PresetName, SampleEval } from './types';

/** Everything a user chooses; the layout supplies kind, input and the classes. */
export interface AnalysisRequest {
  loss: Omit<LossOptions, 'kind' | 'input'>;
  overrides: LayoutOverrides;
  skipInvalid: boolean;
  topK: number;
  calibrationBins: number;
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
}

/** The read failed: its problems, already located, for the front end to print. */
export class AnalysisError extends Error {
  constructor(
    readonly file: string,
    readonly problems: Problem[],
    readonly errorCount: number,
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

/** Builds the evaluator, turning option problems into an OptionsError that names the file's layout. */
export function evaluatorFor(layout: Layout, request: AnalysisRequest): Evaluator {
  try {
    return createEvaluator(lossOptionsFor(layout, request), layout.numClasses);
  } catch (err) {
    const what = layout.kind === 'bce' ? 'a binary file' : `${layout.numClasses} ${layout.kind === 'ce' ? 'classes' : 'labels'}`;
    throw new OptionsError(`${(err as Error).message} (the file has ${what})`);
  }
}

/** Infers the layout from the first rows; throws AnalysisError when the file cannot be read at all. */
export async function inferFileLayout(source: ByteSource, request: AnalysisRequest, signal?: AbortSignal): Promise<Layout> {
  const head = await readLayout(source, { overrides: request.overrides, skipInvalid: true, signal });
  if (!head.ok || head.layout.numClasses === 0) {
    throw new AnalysisError(source.name, head.problems, Math.max(head.errorCount, 1));
  }
  return head.layout;
}

export interface PartOptions {
  layout?: Layout;
  range?: ByteRange;
  signal?: AbortSignal;
  onProgress?: (bytesRead: number) => void;
  /** Sees every evaluated sample (e.g. to write per-sample losses); the eval object is reused. */
  onEval?: (e: SampleEval, row: number, line: number) => void;
  /** Return the state's arrays as Float64Arrays, to transfer to another thread (see AccumulatorState). */
  typedState?: boolean;
}

/**
 * Reads one file (or one range of it, with `layout` given) and accumulates its breakdown.
 * Row indices and lines of a range read are relative to the range: `mergeParts` offsets them.
 */
export async function analyzePart(source: ByteSource, request: AnalysisRequest, opts: PartOptions = {}): Promise<AnalysisPart> {
  const layout = opts.layout ?? (await inferFileLayout(source, request, opts.signal));
  const evaluator = evaluatorFor(layout, request);
  const acc = createAccumulator({
    kind: layout.kind,
    // A binary file has one prediction column but two classes (0 and 1).
    numClasses: layout.kind === 'bce' ? 2 : layout.numClasses,
    classNames: layout.kind === 'bce' && layout.classNames.length !== 2 ? undefined : layout.classNames,
    base: request.loss.base,
    calibrationBins: request.calibrationBins,
    topK: request.topK,
  });
  const out = evaluator.newEval();
  const onEval = opts.onEval;
  const read = await readSamples(
    source,
    {
      overrides: request.overrides,
      skipInvalid: request.skipInvalid,
      signal: opts.signal,
      onProgress: opts.onProgress,
      layout,
      range: opts.range,
      firstLine: opts.range && opts.range.start > 0 ? 1 : undefined,
    },
    (sample, row, line) => {
      evaluator.evaluate(sample, out);
      acc.add(out, row, line);
      onEval?.(out, row, line);
    },
  );
  return { state: acc.toState(opts.typedState ?? false), read };
}

/**
 * Shifts a range's relative rows and lines by the rows and newlines of the ranges before it.
 * The first range (which holds the header) is absolute already.
 */
function shiftPart(part: AnalysisPart, rowOffset: number, lineOffset: number): AnalysisPart {
  if (rowOffset === 0 && lineOffset === 0) return part;
  const topK = part.state.topK;
  const shift = (xs: AccumulatorState['topK']['row'], by: number) => xs.map((v) => (typeof v === 'number' ? v + by : v));
  const moveProblem = (p: Problem): Problem => (p.line > 0 ? { ...p, line: p.line + lineOffset } : p);
  return {
    state: { ...part.state, topK: { ...topK, row: shift(topK.row, rowOffset), line: shift(topK.line, lineOffset) } },
    read: { ...part.read, problems: part.read.problems.map(moveProblem), warnings: part.read.warnings.map(moveProblem) },
  };
}

/** Merges the parts of consecutive ranges (in file order) into one Analysis; throws AnalysisError on a failed read. */
export function mergeParts(file: string, layout: Layout, request: AnalysisRequest, parts: AnalysisPart[]): Analysis {
  let rowOffset = 0;
  let lineOffset = 0;
  const shifted = parts.map((p, i) => {
    const s = shiftPart(p, rowOffset, i === 0 ? 0 : lineOffset);
    rowOffset += p.read.rows;
    lineOffset += p.read.newlines;
    return s;
  });
  const errors = shifted.flatMap((p) => p.read.problems).slice(0, MAX_LISTED_PROBLEMS);
  const errorCount = shifted.reduce((n, p) => n + p.read.errorCount, 0);
  if (shifted.some((p) => !p.read.ok)) throw new AnalysisError(file, errors, Math.max(errorCount, 1));
  const [first, ...rest] = shifted;
  if (first === undefined) throw new AnalysisError(file, [], 1);
  const acc = createAccumulator(first.state.config);
  for (const p of [first, ...rest]) acc.merge(p.state);
  const breakdown = acc.result();
  const options = lossOptionsFor(layout, request);
  return {
    file,
    format: layout.format,
    layout,
    options,
    preset: options.preset,
    breakdown,
    value: options.reduction === 'sum' ? breakdown.sum : breakdown.mean,
    rows: shifted.reduce((n, p) => n + p.read.rows, 0),
    skipped: shifted.reduce((n, p) => n + p.read.skipped, 0),
    bytesRead: shifted.reduce((n, p) => n + p.read.bytesRead, 0),
    problems: errors,
    errorCount,
    warnings: shifted.flatMap((p) => p.read.warnings).slice(0, MAX_LISTED_PROBLEMS),
    warningCount: shifted.reduce((n, p) => n + p.read.warningCount, 0),
  };
}

/** One pass over the whole source, on this thread. */
export async function analyze(source: ByteSource, request: AnalysisRequest, opts: PartOptions = {}): Promise<Analysis> {
  const layout = opts.layout ?? (await inferFileLayout(source, request, opts.signal));
  const part = await analyzePart(source, request, { ...opts, layout });
  return mergeParts(source.name, part.read.layout ?? layout, request, [part]);
}
