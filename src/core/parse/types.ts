/**
 * The reader's contracts: where bytes come from, what layout was inferred (and why), which
 * choices a user can override, and what a read returns.
 */
import type { BatchSink } from '../batch';
import type { InputKind, LossKind, Sample } from '../types';
import type { Problem } from './problems';

/** Bytes of one file, streamed in chunks. Node, browser and test adapters implement it. */
export interface ByteSource {
  /** Shown in problems (`name:line:column: ...`): a path or a URI. */
  name: string;
  /** Size in bytes of the (decompressed) content when known without reading it. */
  size?: number;
  /**
   * The content's chunks; with a range, only bytes [start, end) of the (decompressed) content.
   * Breaking out of the iteration must release the underlying resource.
   */
  chunks(range?: ByteRange, options?: ChunkOptions): AsyncIterable<Uint8Array>;
  /**
   * Reads the content from `position` into `into` (whole, unless the content ends first) and
   * says how many bytes it read. Offered by sources that read at a position without a stream (a
   * file held open, bytes in memory): the columnar readers' many window-sized reads then cost a
   * read each, not a file opened, read and closed (Parquet on two threads spent a third of its
   * time waiting on those).
   */
  readInto?(into: Uint8Array, position: number): Promise<number>;
}

export interface ChunkOptions {
  /**
   * The consumer copies whatever it keeps before asking for the next chunk, so the source may
   * read into the same memory again. A source is free to ignore it. Why: a fresh 1 MiB buffer per
   * chunk costs a page-faulting allocation each time and, until the GC frees them, some 35 MB of
   * RSS per reading thread (measured on the 150 MB benchmark CSV).
   */
  reuseBuffers?: boolean;
  /**
   * Where the consumer will most likely stop: a range read goes on past its end only to finish
   * the row crossing it. A source may end a chunk there and read small ones after it, rather
   * than a whole chunk of bytes that are scanned by nobody.
   */
  expectedEnd?: number;
}

export interface ByteRange {
  start: number;
  end: number;
}

/** Text formats, and binary ones read as columns (src/core/columnar): their positions are rows, not lines. */
export type FileFormat = 'csv' | 'tsv' | 'json' | 'jsonl' | 'npy' | 'npz' | 'safetensors' | 'parquet' | 'arrow';

/** How a target is written: a class index, a one-hot / soft vector, or a multi-hot vector. */
export type TargetKind = 'sparse' | 'onehot' | 'soft' | 'multihot';

/**
 * How labels are written in the file.
 * - index: a number (class index; bce: 0/1 or a soft y in [0, 1]).
 * - name: a class name string, mapped to its index in classNames.
 * - names: a list of class names (multi-label), e.g. `["cat","dog"]` or `cat|dog`.
 * - vector: a vector of numbers (one-hot, soft, multi-hot), in one field or in several columns.
 */
export type LabelEncoding = 'index' | 'name' | 'names' | 'vector';

export interface Layout {
  format: FileFormat;
  /** CSV/TSV only; a space stands for runs of spaces and tabs (np.savetxt, fixed-width columns). */
  delimiter?: string;
  /** CSV: numbers are written with a decimal comma (`0,8734`, with a `;` delimiter: European Excel). */
  decimalComma?: boolean;
  /** CSV: line 1 is Excel's delimiter hint (`sep=;`), not a row nor the names: every read skips it. */
  sepLine?: boolean;
  /** JSONL: lm-evaluation-harness samples of a multiple-choice task, each record read through lmEvalChoices (records.ts). */
  lmEvalChoices?: boolean;
  /**
   * CSV: where the column names come from. Unset: the first line (after any `#` comment lines);
   * 'comment': the last `#` line at the top (np.savetxt's `header=`), every line after it is a row;
   * 'none': nowhere, every line is a row and the columns are `column 1`, `column 2`, ...
   * 'rowNames': the first line, one name short: R's write.table leaves its row names' column
   * unnamed, so the columns are '' and then the names.
   */
  header?: 'comment' | 'none' | 'rowNames';
  /**
   * JSON only: records (an array of objects), columns (parallel arrays), or a pandas frame as
   * `DataFrame.to_json(orient=...)` writes it (orient 'records' and 'table' are records).
   */
  jsonShape?: 'records' | 'columns' | 'pandas-split' | 'pandas-columns' | 'pandas-index' | 'pandas-values';
  /** JSON only: the keys leading to the object that holds the data (`['eval']`), empty at the top. */
  jsonPath?: string[];
  kind: LossKind;
  input: InputKind;
  /** The column/field holding the label; with targetColumns, the first of them. */
  labelColumn: string;
  /** Targets spread over several columns (one per class), when the file writes them so. */
  targetColumns?: string[];
  labelEncoding: LabelEncoding;
  targetKind: TargetKind;
  /** One column per class, or one field holding a vector (then of length 1). */
  predictionColumns: string[];
  /** JSON: the single prediction field holds a vector per row. */
  predictionIsVector: boolean;
  classNames: string[];
  /** bce: 1 (one probability per row); ce: classes; multilabel: labels. */
  numClasses: number;
  weightColumn?: string;
  /** A column that names rows (`id`, `sample_id`, ...), when there is one. */
  idColumn?: string;
  /** Header / field names seen, in file order (CSV: the header). */
  columns: string[];
  /** Human-readable sentences: why each choice was made. */
  evidence: string[];
  /**
   * Choices made on weak or mixed evidence: each is said in every report with the other reading,
   * which a front end offers as a flag or a click.
   */
  assumptions?: Assumption[];
  /**
   * Categorical probabilities whose sampled rows summed to 1 (most of them): how far a row may
   * stray from 1 (the rounding of its digits) before it is reported as contradicting the reading.
   * Unset when rows not summing to 1 were assumed (then each is as expected, and not reported).
   */
  rowSumTolerance?: number;
  /** A column of predicted classes (`y_pred` from `clf.predict`): not used for the loss. */
  hardPredictionColumn?: string;
  /**
   * Binary formats whose rows can be read from any row on (ColumnarFile.seekable): the number of
   * rows, which planRanges splits among readers.
   */
  splitRows?: number;
  /**
   * Rows where a read starts at no cost (the starts of Parquet row groups, of Arrow record
   * batches, after the first): one starting elsewhere first decodes or skips the rows before it
   * in its group (dictionaries, page headers). See planRanges.
   */
  splitPoints?: number[];
  /** CSV: a quoted field holding a newline was seen while inferring: do not split by ranges. */
  quotedNewlines?: boolean;
  /** Lines end in a lone CR (classic Mac OS): every read turns CRs into line breaks. */
  lineBreaks?: 'cr';
  /** The label value that marks a row to leave out of the loss (PyTorch's ignore_index), as the user gave it. */
  ignoreIndex?: number;
}

/** A choice made on weak evidence, and how to ask for the other one. */
export interface Assumption {
  /** What was assumed and from what (a sentence). */
  text: string;
  /** The assumption in a few words, for a CodeLens: "probabilities", "P(benign)". */
  short: string;
  /** The reading taken, as the overrides that pin it (a script can pass them to make it explicit). */
  taken: LayoutOverrides;
  /** The other reading, as the overrides that give it. */
  other: LayoutOverrides;
  /** The other reading in a few words, for a button: "read as logits". */
  otherLabel: string;
}

/** Choices a user can force; the rest is still inferred around them. */
export interface LayoutOverrides {
  labelColumn?: string;
  predColumns?: string[];
  kind?: LossKind;
  input?: InputKind;
  /** Class names in index order (labels that are names map to these). */
  classNames?: string[];
  weightColumn?: string;
  /** The column naming each sample, which files are matched by (`--id-column`); inferred when unset. */
  idColumn?: string;
  format?: FileFormat;
  /** A label value that is no class: rows holding it are read, and left out of the loss (ignore_index). */
  ignoreIndex?: number;
}

export interface ReadOptions {
  overrides?: LayoutOverrides;
  /** Skip bad rows (reported as warnings) instead of failing the read. */
  skipInvalid?: boolean;
  signal?: AbortSignal;
  /** Called now and then with the number of (decompressed) bytes read so far. */
  onProgress?: (bytesRead: number) => void;
  /**
   * Binary formats: a second file holding the labels, row for row (`labels.npy` beside
   * `logits.npy`). Its columns join the file's; a file of one array is the label column.
   */
  labels?: ByteSource;
  /** A layout decided earlier (e.g. by the main thread before splitting): skips inference. */
  layout?: Layout;
  /**
   * CSV/JSONL: read only the rows starting in [start, end) of the content; binary formats: rows
   * [start, end). Requires `layout`
   * when start > 0 (the header is not in the range). Row indices are relative to the range.
   */
  range?: ByteRange;
  /** Line number of the first row starting at range.start (from countLines); 1-based. */
  firstLine?: number;
  /** Stop after this many data rows (a row cap for huge files; readLayout uses it). */
  limitRows?: number;
  /**
   * CSV/TSV: decide the layout and stop; the sampled rows are not evaluated (rows = 0). The row
   * path is left untrained on this thread: run on 256 cloned rows with a no-op handler, it was
   * optimised for those and read the thread's share of the file 5-10% slower than a worker did.
   */
  layoutOnly?: boolean;
  /** Rows inspected to infer the layout (default 256; CSV files wider than 256 columns: 65,536 cells, at least 32 rows). */
  sampleRows?: number;
  /** Longest row/line accepted, in bytes (default 16 MiB). */
  maxRowBytes?: number;
  /**
   * CSV/TSV whose labels and predictions are numbers (ce, bce): valid rows are written into this
   * sink's batch instead of going to onSample, which then sees only the other rows (each after the
   * rows batched before it are flushed, so rows stay in file order). Readers that cannot batch ignore it.
   */
  batch?: BatchSink;
}

/**
 * Called once per valid row. `sample` and its arrays are reused for the next row: copy what you
 * keep. `row` is the 0-based index among data rows (skipped rows count too, so indices match the
 * file); `line` the 1-based line where the row starts.
 */
export type SampleHandler = (sample: Sample, row: number, line: number, fields: RowFields) => void;

/** The current row's other fields (ids, text), decoded only when asked for; valid during the call. */
export interface RowFields {
  text(column: string): string | undefined;
}

export interface ReadResult {
  layout: Layout;
  /** Data rows seen (valid and skipped). */
  rows: number;
  /** Rows delivered to the handler. */
  valid: number;
  /** Rows skipped with skipInvalid. */
  skipped: number;
  /** The first problems (errors); errorCount counts all. */
  problems: Problem[];
  errorCount: number;
  warnings: Problem[];
  warningCount: number;
  /** Bytes of content read. */
  bytesRead: number;
  /** Newlines consumed (a range reader's count, for offsetting the next range's lines). */
  newlines: number;
  /** A range read met a quoted field holding a newline: ranges are unsafe, read in one pass. */
  splitUnsafe: boolean;
  /** The read failed (some error and no skipInvalid, or a fatal problem). */
  ok: boolean;
  /** The file could not be read at all (not a row's problem: skipping rows would not help). */
  fatal?: boolean;
  /** The scores' argmax against the file's column of predicted classes (Layout.hardPredictionColumn). */
  hardAgreement?: { compared: number; agree: number; firstDisagreement?: number };
}
