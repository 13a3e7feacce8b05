/**
 * What the editor features (hovers, CodeLens, diagnostics) need from an open document: one pass
 * per document version that records every row's line and loss (for ranks and the summary) and
 * every problem (for the Problems panel), and a cheap way to read the one row under the cursor.
 * Pure: works on the document's text, so unsaved edits count.
 */
import { rowSumTolerance } from './parse/infer-input';
import { analyze, type Analysis, type AnalysisRequest, AnalysisError, OptionsError } from './analyze';
import { bytesSource, readSamples, type ByteSource, type Layout, type Problem } from './parse';
import { scanJsonArrays, type JsonElement, type ScanStart, type TextSpan } from './json-elements';
import { getPreset } from './presets';
import type { LossOptions, Sample, SampleEval } from './types';

export type { TextSpan } from './json-elements';

/** One pass over a document: everything hovers, CodeLens and diagnostics read. */
export interface DocumentIndex {
  /** The breakdown, or undefined when no row could be read (problems say why). */
  analysis: Analysis | undefined;
  layout: Layout | undefined;
  /** Every problem (bad rows are skipped so the rest still counts), in file order, up to the reader's cap. */
  problems: Problem[];
  problemCount: number;
  /** Line (1-based) of each evaluated row, increasing; parallel to `losses`. */
  lines: Int32Array;
  /** Row index (0-based, as in the file) of each evaluated row. */
  rows: Int32Array;
  losses: Float64Array;
  /** The losses sorted in decreasing order, for ranks. */
  sortedLosses: Float64Array;
  /**
   * Rows of categorical probabilities that do not sum to 1 (warnings, in file order, at most
   * MAX_ROW_SUM_WARNINGS): the rows still count, as they are, unless the loss renormalises them.
   */
  rowSumProblems: Problem[];
  rowSumCount: number;
}

/** A probability row farther than this from 1 is reported (the layout inference's tolerance). */
export const ROW_SUM_TOLERANCE = 1e-3;
export const MAX_ROW_SUM_WARNINGS = 20;

/**
 * Watches each evaluated row's probabilities for a sum away from 1. The layout is only known when
 * the read ends, so every row is summed (K additions, next to K logs) and `result` keeps the
 * warnings only for categorical probabilities the loss takes as they are.
 */
export class RowSumWatch {
  private readonly problems: Problem[] = [];
  private count = 0;

  add(e: SampleEval, line: number): void {
    const p = e.probs;
    let sum = 0;
    for (let k = 0; k < p.length; k++) sum += p[k] as number;
    // NaN sums are the reader's or the loss's problem, already reported.
    // Rounded values sum to 1 only to their digits (`.round(2)` over 10 classes: 1 +- 0.05).
    if (!(Math.abs(sum - 1) > ROW_SUM_TOLERANCE) || !(Math.abs(sum - 1) > rowSumTolerance(p))) return;
    this.count++;
    if (this.problems.length < MAX_ROW_SUM_WARNINGS) {
      this.problems.push({ line, message: rowSumMessage(sum), severity: 'warning' });
    }
  }

  result(analysis: Analysis | undefined): { rowSumProblems: Problem[]; rowSumCount: number } {
    const o = analysis?.options;
    // Rows assumed not to sum to 1 (one-vs-rest scores) are each as expected: the assumption says so once.
    const watched = o !== undefined && o.kind === 'ce' && o.input === 'probs' && !renormalises(o) && analysis!.layout.rowSumTolerance !== undefined;
    return watched ? { rowSumProblems: this.problems, rowSumCount: this.count } : { rowSumProblems: [], rowSumCount: 0 };
  }
}

export function rowSumMessage(sum: number): string {
  return `the probabilities on this row sum to ${Number(sum.toPrecision(6))}, not 1 (the loss takes them as they are)`;
}

/** Whether categorical probabilities are divided by their row sum: the option, else the preset. */
export function renormalises(o: Pick<LossOptions, 'preset' | 'renormalise'>): boolean {
  return o.renormalise ?? getPreset(o.preset).params.renormalise;
}

/** The reader's suffix on skipped rows: diagnostics show the problem itself. */
const SKIPPED_SUFFIX = / \(row skipped\)$/;

function asError(p: Problem): Problem {
  return { ...p, message: p.message.replace(SKIPPED_SUFFIX, ''), severity: 'error' };
}

/**
 * One pass over a document's bytes (bad rows skipped and reported as errors), recording each row's
 * line, row and loss: everything of the index but the sorted losses. Shared by indexDocument and
 * the extension's yielding index, which feeds the text in chunks and sorts in slices.
 */
export async function readIndex(source: ByteSource, request: AnalysisRequest, signal?: AbortSignal, layout?: Layout): Promise<Omit<DocumentIndex, 'sortedLosses'>> {
  const lines: number[] = [];
  const rows: number[] = [];
  const losses: number[] = [];
  const sums = new RowSumWatch();
  let analysis: Analysis | undefined;
  let problems: Problem[] = [];
  let problemCount = 0;
  try {
    analysis = await analyze(source, { ...request, skipInvalid: true }, {
      signal,
      // Decided beforehand: the file read with the files beside it (the editor's index of a rank opened alone).
      ...(layout === undefined ? {} : { layout }),
      checks: false,
      onEval: (e, row, line) => {
        if (e.ignored) return;
        lines.push(line);
        rows.push(row);
        losses.push(e.loss);
        sums.add(e, line);
      },
    });
    problems = analysis.warnings.map(asError);
    problemCount = analysis.warningCount;
  } catch (err) {
    if (err instanceof AnalysisError) {
      problems = err.problems.map(asError);
      problemCount = err.errorCount;
    } else if (err instanceof OptionsError) {
      problems = [{ line: 0, message: err.message, severity: 'error' }];
      problemCount = 1;
    } else {
      throw err;
    }
  }
  return {
    analysis,
    layout: analysis?.layout,
    problems,
    problemCount,
    lines: Int32Array.from(lines),
    rows: Int32Array.from(rows),
    losses: Float64Array.from(losses),
    ...sums.result(analysis),
  };
}

/** Reads the whole document once (bad rows skipped and reported), recording each row's loss. */
export async function indexDocument(text: string, name: string, request: AnalysisRequest, signal?: AbortSignal): Promise<DocumentIndex> {
  const pass = await readIndex(bytesSource(name, new TextEncoder().encode(text)), request, signal);
  return { ...pass, sortedLosses: pass.losses.slice().sort().reverse() };
}

/** Position of the row at a 1-based line in the index, or -1 (header, blank, bad or ignored row). */
export function indexOfLine(index: DocumentIndex, line: number): number {
  let lo = 0;
  let hi = index.lines.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const l = index.lines[mid] as number;
    if (l === line) return mid;
    if (l < line) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** 1-based rank of a loss among the document's samples (1 = the worst); ties share the best rank. */
export function rankOfLoss(index: DocumentIndex, loss: number): number {
  const s = index.sortedLosses;
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((s[mid] as number) > loss) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

export type RowAtLine =
  | { kind: 'header' }
  | { kind: 'sample'; sample: Sample }
  | { kind: 'problem'; problems: Problem[] }
  | { kind: 'none' };

function lineText(text: string, line: number): string | undefined {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}

function copySample(s: Sample): Sample {
  return {
    prediction: Float64Array.from(s.prediction),
    target: typeof s.target === 'number' ? s.target : Float64Array.from(s.target),
    weight: s.weight,
  };
}

/**
 * The sample written on one line of a CSV/TSV/JSONL document, read with the document's layout
 * from that line alone (and the header), so a hover costs one row, not the file. JSON arrays
 * span lines: callers use the index for them ('none' here).
 */
export async function sampleAtLine(text: string, name: string, layout: Layout, line: number): Promise<RowAtLine> {
  if (layout.format === 'json') return { kind: 'none' };
  const isCsv = layout.format === 'csv' || layout.format === 'tsv';
  const body = lineText(text, line);
  if (body === undefined || body.trim() === '') return { kind: 'none' };
  // The lines before the first row go to the reader with the row: Excel's `sep=;` line
  // (Layout.sepLine, which the reader skips) and the header. A CSV without a header (Layout.header
  // 'none') is otherwise read line by line, as JSONL is.
  const lead = isCsv ? (layout.sepLine ? 1 : 0) + (layout.header !== 'none' ? 1 : 0) : 0;
  if (line <= lead) return isCsv && layout.header !== 'none' && line === lead ? { kind: 'header' } : { kind: 'none' };
  const leading = Array.from({ length: lead }, (_, i) => `${lineText(text, i + 1) ?? ''}\n`).join('');
  const bytes = `${leading}${body}\n`;
  const offset = line - lead - 1;
  let found: Sample | undefined;
  const result = await readSamples(bytesSource(name, new TextEncoder().encode(bytes)), { layout }, (s) => {
    found = copySample(s);
  });
  if (!result.ok) {
    return { kind: 'problem', problems: result.problems.map((p) => ({ ...p, line: p.line > 0 ? p.line + offset : line })) };
  }
  return found ? { kind: 'sample', sample: found } : { kind: 'none' };
}

/** The JSON sample under the cursor, with where it is: its row, the line the reader gives it, the span to highlight. */
export type SampleAtOffset =
  | { kind: 'sample'; sample: Sample; row: number; line: number; span: TextSpan }
  | { kind: 'problem'; problems: Problem[] }
  | { kind: 'none' };

/** The columns a JSON layout reads, in the order the reader takes them. */
function usedColumns(layout: Layout): string[] {
  const cols = [layout.labelColumn, ...(layout.targetColumns ?? []), ...layout.predictionColumns];
  if (layout.weightColumn !== undefined) cols.push(layout.weightColumn);
  return [...new Set(cols)];
}

async function readOne(snippet: string, name: string, layout: Layout, line: number): Promise<SampleAtOffset | Sample> {
  let found: Sample | undefined;
  // The snippet holds the data at the top: the layout's path would not be found in it.
  const local: Layout = { ...layout, jsonPath: [], evidence: [] };
  const result = await readSamples(bytesSource(name, new TextEncoder().encode(snippet)), { layout: local }, (s) => {
    found ??= copySample(s);
  });
  if (!result.ok) return { kind: 'problem', problems: result.problems.map((p) => ({ ...p, line })) };
  return found ?? { kind: 'none' };
}

/**
 * Where the index says records start, for a hover to scan from the nearest one instead of the
 * top of the document. Only valid for the text the index was built from.
 */
export interface RecordStarts {
  /** The cursor's 1-based line. */
  line: number;
  index: Pick<DocumentIndex, 'lines' | 'rows'>;
  /** UTF-16 offset of the start of a 1-based line. */
  offsetOfLine(line: number): number;
}

/** The last record the index saw starting on or before the cursor's line, when that line starts with it. */
function nearestStart(text: string, starts: RecordStarts): { from: ScanStart; row: number } | undefined {
  const { lines, rows } = starts.index;
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((lines[mid] as number) <= starts.line) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return undefined;
  const line = lines[lo - 1] as number;
  // The first record on that line (several may share it).
  let j = lo - 1;
  while (j > 0 && lines[j - 1] === line) j--;
  let offset = starts.offsetOfLine(line);
  while (text.charCodeAt(offset) === 32 || text.charCodeAt(offset) === 9) offset++;
  // A line that opens with the end of the previous record ("}, {") or the array ("[{"): scan from the top.
  if (text.charCodeAt(offset) !== 123) return undefined;
  return { from: { offset, line, array: 0 }, row: rows[j] as number };
}

/**
 * The sample of a JSON document (records, or parallel arrays) at a text offset, read from its
 * own text alone: the record around the offset, or the entries at the same position of every
 * column the layout reads. One character scan up to the sample (records: from the nearest record
 * start the index knows, when given), no parse of the document. `line` is the line the reader
 * reports for the sample (records: where the record starts; columns: where its prediction sits),
 * as the index and the dashboard know it.
 */
export async function sampleAtOffset(text: string, name: string, layout: Layout, offset: number, starts?: RecordStarts): Promise<SampleAtOffset> {
  if (layout.format !== 'json') return { kind: 'none' };
  const base = layout.jsonPath ?? [];
  if (layout.jsonShape === 'records') {
    const near = starts ? nearestStart(text, starts) : undefined;
    let hit: JsonElement | undefined;
    scanJsonArrays(text, [base], (e) => {
      if (e.start > offset) return true;
      if (offset < e.end || (offset === e.end && e.end > e.start)) {
        hit = e;
        return true;
      }
      return false;
    }, near?.from);
    if (!hit || text.charCodeAt(hit.start) !== 123) return { kind: 'none' };
    const one = await readOne(`[${text.slice(hit.start, hit.end)}]`, name, layout, hit.line);
    if ('kind' in one) return one;
    const row = (near?.row ?? 0) + hit.index;
    const span: JsonElement = { ...hit, index: row };
    return { kind: 'sample', sample: one, row, line: hit.line, span };
  }
  if (layout.jsonShape !== 'columns') return { kind: 'none' };
  const columns = usedColumns(layout);
  const paths = columns.map((c) => [...base, c]);
  let under: JsonElement | undefined;
  scanJsonArrays(text, paths, (e) => {
    if (e.start <= offset && offset <= e.end) {
      under = e;
      return true;
    }
    return false;
  });
  if (!under) return { kind: 'none' };
  const row = under.index;
  const entries: (JsonElement | undefined)[] = columns.map(() => undefined);
  let missing = columns.length;
  scanJsonArrays(text, paths, (e) => {
    if (e.index !== row || entries[e.array]) return false;
    entries[e.array] = e;
    return --missing === 0;
  });
  if (missing > 0) return { kind: 'none' };
  const prediction = entries[columns.indexOf(layout.predictionColumns[0] as string)] as JsonElement;
  const snippet = `{${columns.map((c, i) => `${JSON.stringify(c)}: [${text.slice(entries[i]!.start, entries[i]!.end)}]`).join(', ')}}`;
  const one = await readOne(snippet, name, layout, prediction.line);
  if ('kind' in one) return one;
  return { kind: 'sample', sample: one, row, line: prediction.line, span: under };
}
