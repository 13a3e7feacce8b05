/**
 * Diagnostics: what is worked out after the first pass, from the rows' raw scores, over one or more
 * further passes (a fitted temperature, likely label errors). The first pass's report is shown
 * first; a diagnostic then reads the data again through a RowReader, which every runtime (CLI,
 * desktop worker, browser worker) provides over its files.
 */
import type { Analysis, AnalysisRequest } from '../analyze';
import type { RowBatch } from '../batch';

/**
 * Each diagnostic adds its key and result type by declaration merging, in its own module:
 * `declare module './types' { interface DiagnosticResults { temperature: TemperatureReport } }`.
 * Results are plain data (JSON- and structured-clone-safe).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DiagnosticResults {}
export type DiagnosticKey = keyof DiagnosticResults;

export interface RowReader {
  /**
   * One pass over every valid row of the data set (the file, its labels' file, every shard), in
   * order, in batches of at most 256 rows: `rows.labels[i]` is the class index (ce; the ignore
   * index as written) or y (bce), `rows.preds` holds `rows.width` scores per row as the file has
   * them (`analysis.layout.input`: probabilities or logits; no renormalisation), `rows.rows` /
   * `rows.lines` the 0-based sample index and 1-based line (row for binary formats) within file
   * `file` (an index into `analysis.files`; 0 for one file). The batch is reused: copy what you keep.
   * Throws when cancelled, and when the data no longer holds the rows the first pass counted.
   */
  pass(onRows: (rows: RowBatch, file: number) => void): Promise<void>;
}

export interface DiagnosticContext {
  /** The first pass's report: layout, options, breakdown. */
  analysis: Analysis;
  request: AnalysisRequest;
  reader: RowReader;
  signal?: AbortSignal;
  /** Says what is being done, for a progress notification ("fitting the temperature: pass 2 of 3"). */
  progress(message: string): void;
}

export interface Diagnostic<K extends DiagnosticKey> {
  key: K;
  /** Why it cannot run on this analysis, in a sentence for the user; undefined when it can. */
  unavailable(analysis: Analysis): string | undefined;
  run(ctx: DiagnosticContext): Promise<DiagnosticResults[K]>;
}

/** What was asked for: the results, and for the rest why each could not be worked out. */
export interface Diagnostics {
  results: Partial<DiagnosticResults>;
  unavailable: Partial<Record<DiagnosticKey, string>>;
}
