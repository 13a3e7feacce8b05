/**
 * The CSV/TSV reader: header, a sample of the first rows for layout inference (kept as copies and
 * replayed through the same byte path), then every row parsed straight from the bytes.
 */
import { concatBytes } from './bytes';
import { cellVector, namesList, type Cell } from './cells';
import { inferLayout, LayoutError } from './layout';
import {
  DEFAULT_MAX_ROW_BYTES, CsvTokenizer, LABEL_COLUMN, TEXT_COLUMN, WHITESPACE, cloneRow, commentText, fieldPosition, fieldText, isCommentRow, positionOf, rowTexts,
  sniffDelimiter, splitCommentHeader, type CsvRow, type NumericRows,
} from './csv';
import { batchFor, FatalRead, type ReadContext } from './context';
import { parseFloatBytes } from './float';
import { headerlessColumns, headerlessHints, type HeaderlessGuess } from './headerless';
import { sizeText } from './problems';
import { finiteMessage, notANumberMessage, SampleFiller } from './sample-filler';
import type { ByteSource, FileFormat, Layout, RowFields } from './types';

const DEFAULT_SAMPLE_ROWS = 256;
/**
 * Wide files are sampled by cells, not rows: 256 rows of a 1000-class file are 256,000 cells made
 * into strings, 150 ms and 40 MB on the thread that decides before any worker may start; 64 rows
 * (64,000 cells) decide as surely. Files of up to 256 columns keep 256 rows.
 */
const SAMPLE_CELLS = 65536;
const MIN_SAMPLE_ROWS = 32;

/** Rows sampled for inference from a file with `columns` columns, unless the caller says. */
export function defaultSampleRows(columns: number): number {
  return Math.max(MIN_SAMPLE_ROWS, Math.min(DEFAULT_SAMPLE_ROWS, Math.floor(SAMPLE_CELLS / Math.max(1, columns))));
}
const EMPTY_ROW: CsvRow = {
  buf: new Uint8Array(0), start: 0, end: 0, count: 0, starts: new Int32Array(0), ends: new Int32Array(0),
  quoted: new Uint8Array(0), values: new Float64Array(0), line: 0, offset: 0,
};
const SNIFF_BYTES = 65536;
const utf8 = new TextDecoder('utf-8');
const POINT = 46;
const COMMA = 44;

/** Field i as a number when it is one (decimal commas when `point` is a comma), else undefined. */
function fieldNumber(row: CsvRow, i: number, point: number): number | undefined {
  let v = row.values[i]!;
  if (v !== v) v = parseFloatBytes(row.buf, row.starts[i]!, row.ends[i]!, point);
  return v - v === 0 ? v : undefined;
}

/** pandas' default column names, 0..n-1, as `DataFrame(array).to_csv(index=False)` writes them. */
function pandasNames(texts: string[]): boolean {
  return texts.length >= 2 && texts.every((t, i) => t === String(i));
}

/** A row written only with bare integers (`0,1,2`), as pandas' default names are. */
function bareIntegers(row: CsvRow): boolean {
  for (let i = 0; i < row.count; i++) if (!/^\s*\d+\s*$/.test(fieldText(row, i))) return false;
  return true;
}

export async function readCsv(source: ByteSource, format: FileFormat, ctx: ReadContext): Promise<Layout> {
  const opts = ctx.opts;
  const range = opts.range;
  const fromStart = range === undefined || range.start <= 0;
  if (!fromStart && opts.layout === undefined) {
    throw new FatalRead(0, undefined, 'a range read that does not start at byte 0 needs the layout decided on the whole file');
  }
  let layout: Layout | undefined = opts.layout;
  let header: string[] | undefined = fromStart ? undefined : layout!.columns;
  let tokenizer: CsvTokenizer | undefined;
  let sampleRows = opts.sampleRows ?? DEFAULT_SAMPLE_ROWS;
  const held: CsvRow[] = [];
  let processRow: ((row: CsvRow) => void) | undefined;
  /**
   * The tokenizer's handler: onRow until the layout is decided, then the row processor itself when
   * no row cap can stop the read (onRow's checks and call were a fifth of the per-row cost of a
   * two-column file).
   */
  let handler: (row: CsvRow) => boolean | void;
  let delimiterEvidence: string | undefined;
  let decimalEvidence: string | undefined;
  /** The decimal separator's byte: `.`, or `,` (Layout.decimalComma). */
  let point = layout?.decimalComma === true ? COMMA : POINT;
  /** The last `#` line at the top, split by the delimiter: np.savetxt's `header=`. */
  let commentNames: string[] | undefined;
  let commentLine = 0;
  let commentRaw = '';
  /** Where the names came from, when not from the first line (Layout.header), and why. */
  let headerKind: Layout['header'] = layout?.header;
  let headerEvidence: string | undefined;
  /** The first line was 0..n-1, held as a row until the sample says whether it names the columns (pandas). */
  let maybeNames: string[] | undefined;
  /** layoutOnly: the layout is decided, no more rows are wanted. */
  let stopped = false;

  const decide = (): void => {
    if (layout === undefined) {
      if (maybeNames !== undefined) {
        // `0,1,2,3` over rows written otherwise (`1.0,0.25`): pandas' names, not a row.
        if (held.length > 1 && held.slice(1).some((r) => r.error === undefined && !bareIntegers(r))) {
          header = maybeNames;
          held.shift();
          headerKind = undefined;
          headerEvidence = `column names ${maybeNames.join(', ')}: pandas' default names (DataFrame(array).to_csv()), the rows below are written otherwise`;
        } else {
          maybeNames = undefined;
        }
      }
      // R's write.table: the header is one name short, each row led by its row name (unnamed).
      const named = header!.length;
      if (headerKind === undefined && held.some((r) => r.error === undefined) && held.every((r) => r.error !== undefined || r.count === named + 1)) {
        header = ['', ...header!];
        headerKind = 'rowNames';
        headerEvidence ??= `the header names ${named} columns and every row has ${named + 1} fields: R's write.table leaves the row names' column unnamed; read as an unnamed first column`;
      }
      const columns = header!;
      const cells = held.map((r) => rowCells(r, point));
      let hints: HeaderlessGuess | undefined;
      if (headerKind === 'none' || maybeNames !== undefined) {
        hints = headerlessHints(columns, cells, opts.overrides, maybeNames !== undefined ? { named: 'pandas' } : {});
        if (hints.labelColumn === undefined && opts.overrides?.labelColumn === undefined) {
          throw new FatalRead(held[0]?.line ?? 1, undefined, hints.unclear!);
        }
      }
      try {
        layout = inferLayout({ format, columns, rows: cells, lines: held.map((r) => r.line), ...(hints !== undefined ? { hints } : {}) }, opts.overrides);
      } catch (e) {
        if (e instanceof LayoutError) {
          const row = e.cell === undefined ? undefined : held[e.cell.row];
          const at = row === undefined || e.cell!.column >= row.count ? undefined : fieldPosition(row, e.cell!.column);
          throw new FatalRead(at?.line ?? (e.line || 1), at?.column, e.message, columns);
        }
        throw e;
      }
      // The guessed label column leads the assumptions: every report warns of it, with the flag.
      const guessed = hints?.assumption;
      if (guessed !== undefined && opts.overrides?.labelColumn === undefined) layout.assumptions = [guessed, ...(layout.assumptions ?? [])];
      layout.delimiter = String.fromCharCode(delimiterCode);
      if (sepLine) layout.sepLine = true;
      if (headerEvidence !== undefined) layout.evidence.unshift(headerEvidence);
      if (decimalEvidence !== undefined) layout.evidence.unshift(decimalEvidence);
      layout.evidence.unshift(delimiterEvidence!);
      layout.quotedNewlines = tokenizer!.sawQuotedNewline;
      if (point === COMMA) layout.decimalComma = true;
      if (headerKind !== undefined) layout.header = headerKind;
    }
    // Built even when only the layout is wanted: it checks that the layout's columns are in the header.
    const process = makeRowProcessor(layout, header!, ctx);
    if (opts.layoutOnly) {
      stopped = true;
    } else {
      processRow = process;
      if (ctx.limitRows === Number.POSITIVE_INFINITY) {
        handler = process;
        // Rows split by runs of whitespace are left to the usual path (spacedRow).
        if (delimiterCode !== WHITESPACE) tokenizer!.numeric = numericRows(layout, header!, ctx);
      }
      for (const r of held) process(r);
    }
    held.length = 0;
  };

  let delimiterCode = 44;
  /** Line 1 is Excel's `sep=X` hint (Layout.sepLine): skipped. */
  let sepLine = layout?.sepLine === true;
  /** The first line (after any `#` lines) holds only numbers: a row, not names. */
  const firstRowIsData = (row: CsvRow): boolean => {
    if (row.error !== undefined) return false;
    for (let i = 0; i < row.count; i++) if (fieldNumber(row, i, point) === undefined) return false;
    return true;
  };
  /** The names of a file whose first line is a row: a `#` line above it that names as many columns, else `column 1`, .... */
  const dataHeader = (row: CsvRow): string[] => {
    const n = row.count;
    if (commentNames !== undefined && commentNames.length === n && commentNames.every((c) => c !== '')) {
      headerKind = 'comment';
      headerEvidence = `column names from the comment on line ${commentLine} (# ${commentRaw.trim()}), as np.savetxt writes header=`;
      return commentNames;
    }
    const texts = rowTexts(row).map((h) => h.trim());
    if (commentNames === undefined && pandasNames(texts)) maybeNames = texts;
    headerKind = 'none';
    return headerlessColumns(n);
  };
  const onRow = (row: CsvRow): boolean => {
    if (ctx.full || stopped) return false;
    if (header === undefined) {
      if (sepLine && row.line === 1) return true;
      // `#` lines at the top: a preamble, or np.savetxt's `# label p0 p1` naming the columns.
      if (isCommentRow(row, delimiterCode)) {
        commentRaw = commentText(row);
        commentNames = splitCommentHeader(commentRaw, delimiterCode);
        commentLine = row.line;
        return true;
      }
      if (layout !== undefined ? layout.header === undefined || layout.header === 'rowNames' : !firstRowIsData(row)) {
        header = rowTexts(row).map((h) => h.trim());
        if (layout?.header === 'rowNames') header = ['', ...header];
        if (opts.sampleRows === undefined) sampleRows = defaultSampleRows(header.length);
        if (row.error !== undefined) {
          const p = positionOf(row, row.errorAt ?? row.start);
          throw new FatalRead(p.line, p.column, row.error);
        }
        return true;
      }
      // The names are elsewhere (a comment line) or nowhere: this row is the first row of data.
      header = layout !== undefined ? layout.columns : dataHeader(row);
      if (opts.sampleRows === undefined) sampleRows = defaultSampleRows(header.length);
    }
    // A layout given by the caller needs no sample: rows go straight to the processor.
    if (processRow === undefined && layout !== undefined) decide();
    if (processRow !== undefined) {
      processRow(row);
      return true;
    }
    held.push(cloneRow(row));
    if (held.length >= Math.min(sampleRows, ctx.limitRows)) decide();
    return true;
  };

  handler = onRow;

  // A range is read past its end to finish the row that crosses it; the tokenizer stops there.
  // Nothing below keeps a chunk past its turn (the tokenizer copies an open row's tail, held rows
  // are clones, the head is copied while it is gathered), so the source may reuse its buffers.
  const chunks = source.chunks(
    fromStart ? (range === undefined ? undefined : { start: 0, end: Number.MAX_SAFE_INTEGER }) : { start: range!.start - 1, end: Number.MAX_SAFE_INTEGER },
    { reuseBuffers: true, expectedEnd: range?.end },
  );
  const startTokenizer = (head: Uint8Array): void => {
    if (layout?.delimiter !== undefined) {
      delimiterCode = layout.delimiter.charCodeAt(0);
    } else {
      const sniffed = sniffDelimiter(utf8.decode(head.subarray(0, SNIFF_BYTES)), source.name);
      delimiterCode = sniffed.delimiter.charCodeAt(0);
      delimiterEvidence = sniffed.evidence;
      sepLine = sniffed.sepLine === true;
      if (sniffed.decimalComma === true) {
        point = COMMA;
        decimalEvidence = sniffed.decimalEvidence;
      }
    }
    tokenizer = new CsvTokenizer({
      delimiter: delimiterCode,
      // With the comma delimiter the decimal commas are in quoted fields only (read by rowCells and
      // by the row processor): an unquoted comma ends the field.
      decimalComma: point === COMMA && delimiterCode !== COMMA,
      firstLine: fromStart ? 1 : (opts.firstLine ?? 1),
      firstOffset: fromStart ? 0 : range!.start - 1,
      skipFirstLine: !fromStart,
      stopAt: range?.end,
      maxRowBytes: opts.maxRowBytes,
    });
    const limit = sizeText(opts.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES);
    tokenizer.onOversize = (line) => {
      if (header === undefined) throw new FatalRead(line, 1, `the first line is longer than ${limit}: not a CSV file`);
      const message = `line longer than ${limit}: not a prediction row (binary data, or a quote that is never closed?)`;
      if (processRow === undefined) {
        // Still sampling: hold it as a bad row so row indices stay in file order.
        held.push({ ...cloneRow({ ...EMPTY_ROW, line }), error: message, errorAt: 0 });
        return;
      }
      ctx.rows++;
      ctx.bad(line, 1, message);
    };
  };
  // The first bytes are gathered (up to SNIFF_BYTES) so the delimiter is sniffed on whole lines.
  let headParts: Uint8Array[] | undefined = [];
  let headBytes = 0;
  const flushHead = (): void => {
    let head = concatBytes(headParts!, headBytes);
    headParts = undefined;
    if (fromStart && head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) head = head.subarray(3);
    startTokenizer(head);
    tokenizer!.push(head, handler);
  };
  for await (const chunk of chunks) {
    ctx.progress(chunk.length);
    if (headParts !== undefined) {
      if (headBytes + chunk.length < SNIFF_BYTES && layout === undefined) {
        headParts.push(chunk.slice());
        headBytes += chunk.length;
        continue;
      }
      headParts.push(chunk);
      headBytes += chunk.length;
      if (headBytes < SNIFF_BYTES && layout === undefined) continue;
      flushHead();
    } else {
      tokenizer!.push(chunk, handler);
    }
    if (tokenizer!.done) break;
  }
  if (headParts !== undefined && headBytes > 0) flushHead();
  if (tokenizer === undefined) throw new FatalRead(0, undefined, 'the file is empty');
  tokenizer.end(handler);
  ctx.newlines = tokenizer.newlines;
  ctx.splitUnsafe = tokenizer.sawQuotedNewline;
  if (header === undefined) throw new FatalRead(0, undefined, 'the file is empty');
  if (processRow === undefined && !stopped) {
    if (held.length === 0 && layout === undefined) throw new FatalRead(1, undefined, 'the header has no rows under it');
    decide();
  }
  return layout!;
}


/**
 * A sampled row for layout inference: the numbers the tokenizer read exactly, the text of every
 * other field. Inference reads numbers from cells; handing it text to parse again cost half of its
 * time on a 1000-column file (regex and Number() per cell, and the strings' garbage), and
 * inference runs before either thread can start reading.
 */
function rowCells(row: CsvRow, point: number): Cell[] {
  const n = row.count;
  const cells: Cell[] = [];
  let texts: string[] | undefined;
  for (let i = 0; i < n; i++) {
    const v = row.values[i]!;
    // A number with a decimal comma the scan could not read exactly (`0,12345678901234567`), or
    // quoted: as a number, since inference reads numbers from cells and `0,5` is not one to it.
    if (point === COMMA && v !== v) {
      const x = parseFloatBytes(row.buf, row.starts[i]!, row.ends[i]!, point);
      if (x - x === 0) {
        cells.push(x);
        continue;
      }
    }
    cells.push(row.quoted[i] === 0 && v === v ? v : (texts ??= rowTexts(row))[i]);
  }
  return cells;
}

/**
 * The tokenizer's fast path for this layout when rows are batched (the same conditions as the row
 * processor's batch): each column's role, and the checks that keep a row on that path.
 */
function numericRows(layout: Layout, header: string[], ctx: ReadContext): NumericRows | undefined {
  const sink = ctx.batch;
  if (sink === undefined || layout.predictionIsVector || batchFor(layout, ctx) === undefined) return undefined;
  const roles = new Int32Array(header.length).fill(TEXT_COLUMN);
  const first = (c: string): number => header.indexOf(c);
  const label = first(layout.labelColumn);
  roles[label] = LABEL_COLUMN;
  for (const [k, c] of layout.predictionColumns.entries()) {
    const i = first(c);
    // A column read twice (as the label, or as two predictions) keeps rows on the usual path.
    if (roles[i] !== TEXT_COLUMN) return undefined;
    roles[i] = k;
  }
  return { roles, probs: layout.input === 'probs', classIndex: layout.kind === 'ce', batch: sink.batch, flush: () => sink.flush(), counts: ctx };
}

/** The per-row work, specialised on the layout once. */
function makeRowProcessor(layout: Layout, header: string[], ctx: ReadContext): (row: CsvRow) => void {
  const point = layout.decimalComma === true ? COMMA : POINT;
  /** A column as messages name it: `column p_0`; a headerless file's names say it already (`column 3`). */
  const where = (i: number): string => (layout.header === 'none' ? header[i]! : `column ${header[i]}`);
  const colIndex = new Map<string, number>();
  header.forEach((h, i) => {
    if (!colIndex.has(h)) colIndex.set(h, i);
  });
  const index = (c: string): number => {
    const i = colIndex.get(c);
    if (i === undefined) throw new FatalRead(1, undefined, `column "${c}" is not in the header`);
    return i;
  };
  const ncols = header.length;
  const filler = new SampleFiller(layout);
  const sample = filler.sample;
  const pred = filler.pred;
  const K = layout.numClasses;
  const predVector = layout.predictionIsVector;
  const predIdx = Int32Array.from(predVector ? [index(layout.predictionColumns[0]!)] : layout.predictionColumns.map(index));
  const labelIdx = index(layout.labelColumn);
  const targetIdx = layout.targetColumns !== undefined ? Int32Array.from(layout.targetColumns.map(index)) : undefined;
  const weightIdx = layout.weightColumn !== undefined ? index(layout.weightColumn) : -1;
  const probs = layout.input === 'probs';
  const labelEncoding = layout.labelEncoding;
  const sink = ctx.batch;
  const batch = predVector ? undefined : batchFor(layout, ctx);
  let current: CsvRow | undefined;
  const fields: RowFields = {
    text(column: string): string | undefined {
      const i = colIndex.get(column);
      return current === undefined || i === undefined || i >= current.count ? undefined : fieldText(current, i);
    },
  };

  const bad = (row: CsvRow, field: number, message: string): void => {
    const p = fieldPosition(row, field);
    ctx.bad(p.line, p.column, message);
  };

  return (row: CsvRow): void => {
    const rowIndex = ctx.rows++;
    if (row.error !== undefined) {
      const p = positionOf(row, row.errorAt ?? row.start);
      ctx.bad(p.line, p.column, row.error);
      return;
    }
    if (row.count !== ncols) {
      // Point at the first extra field, or just past the end of a short row.
      const p = row.count > ncols ? fieldPosition(row, ncols) : positionOf(row, row.end);
      ctx.bad(p.line, p.column, `expected ${ncols} fields (as in the ${layout.header === 'none' ? 'first line' : 'header'}), found ${row.count}`);
      return;
    }
    const buf = row.buf;
    const starts = row.starts;
    const ends = row.ends;
    const values = row.values;
    // Predictions go straight into the batch's next slot when batching (kept only if the row is).
    const into = batch !== undefined ? batch.preds : pred;
    const base = batch !== undefined ? batch.size * K : 0;
    if (!predVector) {
      for (let k = 0; k < K; k++) {
        const ci = predIdx[k]!;
        let v = values[ci]!;
        if (v !== v) v = parseFloatBytes(buf, starts[ci]!, ends[ci]!, point);
        // One test on the usual path (a probability in [0, 1], or a finite logit: NaN fails both);
        // which message, only when it fails.
        if (probs ? !(v >= 0 && v <= 1) : !(v - v === 0)) {
          if (v !== v || v === Infinity || v === -Infinity) {
            const text = fieldText(row, ci);
            return bad(row, ci, v !== v ? notANumberMessage(text, where(ci)) : finiteMessage(v, where(ci))!);
          }
          return bad(row, ci, filler.prediction(v, k)!);
        }
        into[base + k] = v;
      }
    } else {
      const ci = predIdx[0]!;
      const m = filler.predictionVector(cellVector(fieldText(row, ci)) ?? fieldText(row, ci));
      if (m !== undefined) return bad(row, ci, m);
    }
    // The label.
    if (targetIdx !== undefined) {
      for (let k = 0; k < K; k++) {
        const ci = targetIdx[k]!;
        let v = values[ci]!;
        if (v !== v) v = parseFloatBytes(buf, starts[ci]!, ends[ci]!, point);
        if (v !== v || v === Infinity || v === -Infinity) return bad(row, ci, notANumberMessage(fieldText(row, ci), where(ci)));
        const m = filler.targetValue(v, k);
        if (m !== undefined) return bad(row, ci, m);
      }
      sample.target = filler.target!;
    } else if (labelEncoding === 'index') {
      let v = values[labelIdx]!;
      if (v !== v) v = parseFloatBytes(buf, starts[labelIdx]!, ends[labelIdx]!, point);
      if (batch !== undefined) {
        if (v === v && !ctx.failed) {
          const m = filler.labelNumber(v);
          if (m !== undefined) return bad(row, labelIdx, m);
          const at = batch.size;
          batch.labels[at] = v;
          batch.rows[at] = rowIndex;
          batch.lines[at] = row.line;
          batch.size = at + 1;
          ctx.valid++;
          if (at + 1 === batch.capacity) sink!.flush();
          return;
        }
        // A label written as a word ("true"), or a failed read: this row goes the usual way.
        for (let k = 0; k < K; k++) pred[k] = batch.preds[base + k]!;
      }
      const m = v === v ? filler.labelNumber(v) : filler.labelText(fieldText(row, labelIdx));
      if (m !== undefined) return bad(row, labelIdx, m);
    } else if (labelEncoding === 'name') {
      const m = filler.labelText(fieldText(row, labelIdx));
      if (m !== undefined) return bad(row, labelIdx, m);
    } else if (labelEncoding === 'names') {
      const text = fieldText(row, labelIdx);
      const m = filler.labelNames(namesList(text, filler.isName) ?? []);
      if (m !== undefined) return bad(row, labelIdx, m);
    } else {
      const m = filler.labelCell(fieldText(row, labelIdx));
      if (m !== undefined) return bad(row, labelIdx, m);
    }
    if (weightIdx >= 0) {
      const v = parseFloatBytes(buf, starts[weightIdx]!, ends[weightIdx]!, point);
      const m = v === v ? filler.weight(v) : notANumberMessage(fieldText(row, weightIdx), where(weightIdx));
      if (m !== undefined) return bad(row, weightIdx, m);
    }
    current = row;
    ctx.deliver(sample, rowIndex, row.line, fields);
    current = undefined;
  };
}

