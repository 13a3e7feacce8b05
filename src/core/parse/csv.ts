/**
 * A byte-level CSV/TSV tokenizer: rows come out as field offsets into the bytes already in
 * memory, and numbers are parsed from those bytes (float.ts), so no string is made per field.
 *
 * Why hand-written: measured on this machine (2 shared cores, Node 20) on the 112 MB
 * 1,000,000 x 11 benchmark CSV (label + 10 probabilities written with toFixed(8)), page cache warm:
 *   csv-parse 5.6.0, stream API, default options (a string per field)     22 MB/s  (5.0 s)
 *   csv-parse 5.6.0 + Number() on every field                            16 MB/s  (6.9 s)
 *   this tokenizer, numbers parsed during the scan, fs stream            ~230 MB/s (0.49 s)
 *   readSamples end to end (inference, validation, Sample per row)       ~245 MB/s (0.45 s), 70 MB peak RSS
 * csv-parse allocates a string per field and an array per row; at 11 M fields that allocation
 * and the GC it triggers dominate, and Number() on each string costs as much again. Here a number
 * is parsed while its bytes are scanned (the exact fast path of float.ts), so most fields cost one
 * pass and no allocation; anything the fast path cannot do exactly is left NaN and re-parsed by
 * parseFloatBytes. For comparison pandas.read_csv + sklearn log_loss take 2.2 s on that file.
 *
 * Three row paths, tried in turn: numericRows (a reader that batches: rows of plain numbers go
 * straight into a RowBatch, nothing per row but the numbers), plainRow (unquoted rows, as field
 * offsets and values), anyRow (everything else). Each leaves what it cannot take to the next, so
 * the last one alone knows the whole grammar and every row that is wrong is reported by it. A
 * file split by runs of whitespace (np.savetxt) has a path of its own instead, spacedRow; numbers
 * with a decimal comma (`0,8734`) are read by the same scans, only the byte for the point differs.
 *
 * Grammar (RFC 4180 plus what real files do): a field is either raw bytes up to the delimiter or
 * newline, or a quoted field where `""` is a quote and delimiters/newlines are data. CRLF and LF
 * both end rows; a lone CR at the end of a field is dropped (files whose lines end in a lone CR
 * reach this tokenizer with each CR turned into LF: read.ts). A quote inside a raw field is kept
 * as data (lenient, like Python's csv). Text after a closing quote is an error.
 */

import type { RowBatch } from '../batch';
import { concatBytes } from './bytes';
import { parseFloatBytes } from './float';

export const QUOTE = 34;
const POW10 = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
  1e19, 1e20, 1e21, 1e22,
];
export const LF = 10;
export const CR = 13;
/** The delimiter byte that stands for runs of spaces and tabs (np.savetxt, fixed-width columns). */
export const WHITESPACE = 32;
const TAB = 9;
const HASH = 35;
const POINT = 46;
const COMMA = 44;

/** A row as offsets into `buf`; valid only during the callback that receives it. */
export interface CsvRow {
  buf: Uint8Array;
  /** Offset of the row's first byte in buf. */
  start: number;
  /** Offset just past the row's last content byte (before the newline). */
  end: number;
  count: number;
  /** Field content offsets: quotes excluded for quoted fields. */
  starts: Int32Array;
  ends: Int32Array;
  /** 0: raw field; 1: quoted; 2: quoted with doubled quotes inside (needs unescaping). */
  quoted: Uint8Array;
  /** The field as a number when the scan could parse it exactly on the fast path, else NaN. */
  values: Float64Array;
  /** 1-based line of the row's first byte (relative to the tokenizer's firstLine). */
  line: number;
  /** Absolute byte offset of the row's first byte. */
  offset: number;
  /** Set when the row is malformed: the message and the byte offset (in buf) it points at. */
  error?: string;
  errorAt?: number;
}

export interface CsvTokenizerOptions {
  /**
   * The delimiter's byte. WHITESPACE (a space) means runs of spaces and tabs, with leading and
   * trailing ones ignored, as np.savetxt and fixed-width columns write them (no quoting then).
   */
  delimiter: number;
  /** Numbers are written with a decimal comma (`0,8734`): European Excel, `to_csv(decimal=',')`. */
  decimalComma?: boolean;
  /** Line number of the first byte pushed. */
  firstLine?: number;
  /** Absolute byte offset of the first byte pushed. */
  firstOffset?: number;
  /** Rows longer than this are reported and skipped, so a file without newlines cannot exhaust memory. */
  maxRowBytes?: number;
  /** Discard bytes up to and including the first LF (a range read that starts mid-line). */
  skipFirstLine?: boolean;
  /** Rows starting at or after this absolute offset are not emitted; the tokenizer reports done. */
  stopAt?: number;
}

export const DEFAULT_MAX_ROW_BYTES = 16 * 1024 * 1024;

/** Returns false to stop tokenizing. */
export type RowHandler = (row: CsvRow) => boolean | void;

/** NumericRows.roles: the column holds the label; one that is read as text (carried along, skipped). */
export const LABEL_COLUMN = -1;
export const TEXT_COLUMN = -2;

/**
 * Where rows of plain numbers go when the reader batches them (CsvTokenizer.numeric): straight into
 * a RowBatch, with no field offsets, no row object and no call per row. A row that is anything but
 * plain (a quote, a number the fast path cannot read exactly, a value out of range, a field too
 * many or too few, a blank line) is left to the usual path, which reports it if it is bad.
 */
export interface NumericRows {
  /** Per column: LABEL_COLUMN, TEXT_COLUMN or the prediction's index. */
  readonly roles: Int32Array;
  /** Predictions must be in [0, 1]; else any number. */
  readonly probs: boolean;
  /** The label must be a class index below batch.width; else a target in [0, 1]. */
  readonly classIndex: boolean;
  readonly batch: RowBatch;
  /** Takes the full batch and empties it. */
  flush(): void;
  /** The reader's counts, kept by the rows taken here too; no row is taken once the read has failed. */
  readonly counts: { rows: number; valid: number; readonly failed: boolean };
}

const MAX_FIELDS_START = 64;

export class CsvTokenizer {
  private readonly delimiter: number;
  /** The decimal separator's byte: `.`, or `,` in a file written with decimal commas. */
  private readonly point: number;
  /** Fields are separated by runs of whitespace (spacedRow), not by one delimiter byte. */
  private readonly spaced: boolean;
  private readonly maxRowBytes: number;
  private readonly stopAt: number;
  private line: number;
  private offset: number; // absolute offset of the next byte to scan (the first pending byte, if any)
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private skippingLine: boolean;
  private oversizeLine = 0;
  private row: CsvRow;
  /** The bytes being scanned, for plainRow's four-byte loads. */
  private view: DataView = new DataView(new ArrayBuffer(0));
  /** A quoted field held a newline: splitting this file by byte ranges is unsafe. */
  sawQuotedNewline = false;
  /** The tokenizer stopped (stopAt reached or a handler returned false). */
  done = false;
  /** Newlines consumed by emitted rows and skipped lines. */
  newlines = 0;
  /** The row just tokenized (plainRow / anyRow): fields, newlines consumed, error and where. */
  private rowFields = 0;
  private rowLines = 0;
  private rowError: string | undefined = undefined;
  private rowErrorAt = 0;
  /** Called for a row longer than maxRowBytes (it is skipped up to the next LF). */
  onOversize?: (line: number, bytes: number) => void;
  /** Set by a reader that batches: plain numeric rows go there instead of to the row handler. */
  numeric: NumericRows | undefined = undefined;

  constructor(opts: CsvTokenizerOptions) {
    this.delimiter = opts.delimiter;
    this.point = opts.decimalComma === true ? COMMA : POINT;
    this.spaced = opts.delimiter === WHITESPACE;
    this.maxRowBytes = opts.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES;
    this.stopAt = opts.stopAt ?? Number.POSITIVE_INFINITY;
    this.line = opts.firstLine ?? 1;
    this.offset = opts.firstOffset ?? 0;
    this.skippingLine = opts.skipFirstLine ?? false;
    this.row = {
      buf: new Uint8Array(0),
      start: 0,
      end: 0,
      count: 0,
      starts: new Int32Array(MAX_FIELDS_START),
      ends: new Int32Array(MAX_FIELDS_START),
      quoted: new Uint8Array(MAX_FIELDS_START),
      values: new Float64Array(MAX_FIELDS_START),
      line: 0,
      offset: 0,
      // Present from the start so the row keeps one shape (a property added later changes its map).
      error: undefined,
      errorAt: 0,
    };
  }

  /** Feeds bytes; complete rows go to onRow. */
  push(chunk: Uint8Array, onRow: RowHandler): void {
    if (this.done || chunk.length === 0) return;
    if (this.skippingLine) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        this.offset += chunk.length;
        return;
      }
      this.skippingLine = false;
      if (this.oversizeLine > 0) {
        this.line++;
        this.newlines++;
        this.oversizeLine = 0;
      }
      this.offset += nl + 1;
      chunk = chunk.subarray(nl + 1);
      if (chunk.length === 0) return;
    }
    if (this.pendingBytes > 0) {
      // A row is still open: wait for a newline before rescanning it (keeps long rows linear).
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        this.pending.push(chunk.slice());
        this.pendingBytes += chunk.length;
        this.checkOversize();
        return;
      }
      // Finish the open row on a small joined buffer (the tail plus the new chunk up to its first
      // newline) rather than copying the whole chunk behind the tail.
      this.pending.push(chunk.subarray(0, nl + 1));
      const head = concatBytes(this.pending, this.pendingBytes + nl + 1);
      this.pending = [];
      this.pendingBytes = 0;
      const used = this.scan(head, false, onRow);
      this.offset += used;
      if (this.done) return;
      if (used < head.length) {
        // The newline was inside a quoted field: the row is still open; join it with the rest.
        const restHead = head.subarray(used);
        chunk = concatBytes([restHead, chunk.subarray(nl + 1)], restHead.length + chunk.length - nl - 1);
      } else {
        chunk = chunk.subarray(nl + 1);
        if (chunk.length === 0) return;
      }
    }
    const used = this.scan(chunk, false, onRow);
    this.offset += used;
    if (!this.done && used < chunk.length) {
      // A copy: the caller may overwrite the chunk once push returns (reused read buffers).
      this.pending.push(chunk.slice(used));
      this.pendingBytes = chunk.length - used;
      this.checkOversize();
    }
  }

  /** Ends the input: a last row without a trailing newline is emitted. */
  end(onRow: RowHandler): void {
    if (this.done || this.skippingLine || this.pendingBytes === 0) return;
    const buf = concatBytes(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.scan(buf, true, onRow);
  }

  private checkOversize(): void {
    if (this.pendingBytes <= this.maxRowBytes) return;
    this.onOversize?.(this.line, this.pendingBytes);
    this.offset += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.skippingLine = true;
    this.oversizeLine = this.line;
  }

  private grow(): void {
    const r = this.row;
    const n = r.starts.length * 2;
    const starts = new Int32Array(n);
    starts.set(r.starts);
    const ends = new Int32Array(n);
    ends.set(r.ends);
    const quoted = new Uint8Array(n);
    quoted.set(r.quoted);
    const values = new Float64Array(n);
    values.set(r.values);
    r.starts = starts;
    r.ends = ends;
    r.quoted = quoted;
    r.values = values;
  }

  /** Tokenizes complete rows of buf; returns how many bytes were consumed. */
  private scan(buf: Uint8Array, final: boolean, onRow: RowHandler): number {
    const len = buf.length;
    const row = this.row;
    row.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, len);
    const spaced = this.spaced;
    let pos = 0;
    while (pos < len) {
      const numeric = this.numeric;
      if (numeric !== undefined && !numeric.counts.failed) {
        const got = this.numericRows(buf, pos, len, numeric);
        if (numeric.batch.size === numeric.batch.capacity) numeric.flush();
        // Decoded on every call, not only when negative: arithmetic first run once per chunk had
        // no type feedback in the compiled loop, and V8 threw the code away when it ran.
        const cutAt = -1 - got;
        const to = got < 0 ? cutAt : got;
        if (to > pos) {
          pos = to;
          continue;
        }
        // A plain row cut off by the end of these bytes: wait for the rest here (the general path
        // would scan it twice to find the same, and become hot enough for V8 to compile).
        if (got < 0 && !final) return pos;
      }
      const rowStart = pos;
      const rowOffset = this.offset + rowStart;
      if (rowOffset >= this.stopAt) {
        this.done = true;
        return pos;
      }
      let p = spaced ? this.spacedRow(buf, pos, len, final) : this.plainRow(buf, pos, len);
      let lines = 1;
      if (p < 0) {
        if (spaced) return rowStart; // incomplete row: wait for more bytes
        p = this.anyRow(buf, pos, len, final);
        if (p < 0) return rowStart; // incomplete row: wait for more bytes
        lines = this.rowLines;
      } else {
        this.rowError = undefined;
      }
      const n = this.rowFields;
      this.newlines += lines;
      // Row end: the byte before the LF (and CR), or p at the end of the input.
      let end = p;
      if (end > rowStart && buf[end - 1] === LF) end--;
      if (end > rowStart && buf[end - 1] === CR) end--;
      const rowLine = this.line;
      this.line += lines;
      pos = p;
      // Blank lines (including a lone CR) are not rows.
      if (n === 1 && row.quoted[0] === 0 && row.starts[0] === row.ends[0]) continue;
      row.start = rowStart;
      row.end = end;
      row.count = n;
      row.line = rowLine;
      row.offset = rowOffset;
      row.error = this.rowError;
      row.errorAt = this.rowErrorAt;
      if (onRow(row) === false) {
        this.done = true;
        return pos;
      }
    }
    return pos;
  }

  /**
   * The common row, tokenized fast: unquoted fields, ended by an LF inside buf. Numbers are
   * parsed while their bytes are scanned (one pass): a field's value is kept only when the number
   * spans the whole field and the fast path is exact (see float.ts), else it is NaN and readers
   * call parseFloatBytes. Returns the offset past the LF (the field count in rowFields), or -1
   * for anyRow to take the row: a field starts with a quote, or buf ends first.
   *
   * Apart from anyRow so that the loop V8 optimises (and, on a read's first rows, compiles several
   * times) is small: with quoted fields in the same function, each compile took 12-40 ms.
   */
  private plainRow(buf: Uint8Array, p: number, len: number): number {
    const d = this.delimiter;
    const point = this.point;
    const view = this.view;
    const row = this.row;
    let starts = row.starts;
    let ends = row.ends;
    let quoted = row.quoted;
    let values = row.values;
    let n = 0;
    for (;;) {
      if (n === starts.length) {
        this.grow();
        starts = row.starts;
        ends = row.ends;
        quoted = row.quoted;
        values = row.values;
      }
      if (p >= len || buf[p] === QUOTE) return -1;
      const s = p;
      let c = 0;
      let m = 0;
      let exp = 0;
      let negative = false;
      if (buf[p] === 45) {
        negative = true;
        p++;
      }
      const intStart = p;
      while (p < len) {
        c = buf[p]! - 48;
        if (c < 0 || c > 9) break;
        m = m * 10 + c;
        p++;
      }
      let digits = p - intStart;
      if (p < len && buf[p] === point) {
        p++;
        const fracStart = p;
        // Four digits per step while four are there (SWAR on one 32-bit load): the fraction is most
        // of a probability's bytes, and a byte at a time it was most of the tokenizer's time
        // (the 1M x 10 file: 35% less time parsing). The digits and so the value are the same.
        while (p + 4 <= len) {
          let v = view.getUint32(p, true);
          if ((v & 0xf0f0f0f0) !== 0x30303030 || ((v + 0x06060606) & 0xf0f0f0f0) !== 0x30303030) break;
          v &= 0x0f0f0f0f;
          v = (Math.imul(v, 10) + (v >>> 8)) & 0x00ff00ff;
          v = (Math.imul(v, 100) + (v >>> 16)) & 0x3fff;
          m = m * 10000 + v;
          p += 4;
        }
        while (p < len) {
          c = buf[p]! - 48;
          if (c < 0 || c > 9) break;
          m = m * 10 + c;
          p++;
        }
        digits += p - fracStart;
        exp = fracStart - p;
      }
      if (p < len && digits > 0 && (buf[p] === 101 || buf[p] === 69)) {
        p++;
        let expNegative = false;
        if (p < len && (buf[p] === 45 || buf[p] === 43)) {
          expNegative = buf[p] === 45;
          p++;
        }
        const expStart = p;
        let x = 0;
        while (p < len && p - expStart < 4) {
          c = buf[p]! - 48;
          if (c < 0 || c > 9) break;
          x = x * 10 + c;
          p++;
        }
        if (p === expStart) digits = 0;
        exp += expNegative ? -x : x;
      }
      const numberEnd = p;
      while (p < len) {
        c = buf[p]!;
        if (c === d || c === LF) break;
        p++;
      }
      if (p >= len) return -1;
      let e = p;
      if (c === LF && e > s && buf[e - 1] === CR) e--;
      let value = Number.NaN;
      if (numberEnd === e && digits > 0 && m < 9007199254740992 && exp >= -22 && exp <= 22) {
        value = exp >= 0 ? m * POW10[exp]! : m / POW10[-exp]!;
        if (negative) value = -value;
      }
      starts[n] = s;
      ends[n] = e;
      quoted[n] = 0;
      values[n] = value;
      n++;
      p++;
      if (c === LF) {
        this.rowFields = n;
        return p;
      }
    }
  }

  /**
   * Plain numeric rows from p into the batch, as many as follow one another up to a full batch;
   * returns where the first row it did not take starts (p itself when it took none). The caller
   * flushes a full batch: a call in here, run once per thousand rows, had no type feedback when V8
   * compiled the loop, and its first run threw the compiled code away. plainRow's number scan, in
   * a copy: as a shared method V8 did not inline it, and the tokenizer ran 5% slower.
   */
  private numericRows(buf: Uint8Array, p: number, len: number, nr: NumericRows): number {
    const d = this.delimiter;
    const point = this.point;
    const view = this.view;
    const roles = nr.roles;
    const ncols = roles.length;
    const batch = nr.batch;
    const preds = batch.preds;
    const labels = batch.labels;
    const rowIndices = batch.rows;
    const lines = batch.lines;
    const capacity = batch.capacity;
    const K = batch.width;
    const probs = nr.probs;
    const classIndex = nr.classIndex;
    // Rows starting at or past stopAt belong to the next range: the usual path stops there.
    const stop = this.stopAt - this.offset;
    const counts = nr.counts;
    let rowStart = p;
    // Rows that end before the last LF of these bytes are whole: scanning one stops at its LF at
    // the latest, so no byte is read past `len` and the loops below need no bound of their own.
    const whole = buf.lastIndexOf(LF, len - 1) + 1;
    rows: while (p < len && p < stop && batch.size < capacity) {
      // What a cut-off row returns, worked out on every row: after the loop (or only when a row is
      // cut off, once per chunk) it ran in compiled code without type feedback, and V8 threw the
      // code away every time (100 to 400 times a read).
      const cutOff = -1 - rowStart;
      if (p >= whole) return cutOff;
      const at = batch.size;
      const base = at * K;
      let label = Number.NaN;
      for (let col = 0; col < ncols; col++) {
        const role = roles[col]!;
        let c = 0;
        if (role === TEXT_COLUMN) {
          for (;;) {
            c = buf[p]!;
            if (c === d || c === LF) break;
            if (c === QUOTE) break rows;
            p++;
          }
        } else {
          let m = 0;
          let exp = 0;
          let negative = false;
          if (buf[p] === 45) {
            negative = true;
            p++;
          }
          const intStart = p;
          // One unsigned compare per digit test (a byte below '0' wraps above 9): with two, the
          // second is never reached after the last digit of a four-digit step, and V8 threw its
          // code away each time a chunk's end left digits to this loop.
          for (;;) {
            c = buf[p]! - 48;
            if (c >>> 0 > 9) break;
            m = m * 10 + c;
            p++;
          }
          let digits = p - intStart;
          if (buf[p] === point) {
            p++;
            const fracStart = p;
            for (;;) {
              // A row whose LF is among the last three bytes is left to the usual path: here the
              // digit loop below would run its first multiply, code V8 compiled without type
              // feedback and threw away (once per chunk).
              if (p + 4 > len) break rows;
              let v = view.getUint32(p, true);
              if ((v & 0xf0f0f0f0) !== 0x30303030 || ((v + 0x06060606) & 0xf0f0f0f0) !== 0x30303030) break;
              v &= 0x0f0f0f0f;
              v = (Math.imul(v, 10) + (v >>> 8)) & 0x00ff00ff;
              v = (Math.imul(v, 100) + (v >>> 16)) & 0x3fff;
              m = m * 10000 + v;
              p += 4;
            }
            for (;;) {
              c = buf[p]! - 48;
              if (c >>> 0 > 9) break;
              m = m * 10 + c;
              p++;
            }
            digits += p - fracStart;
            exp = fracStart - p;
          }
          if (digits > 0 && (buf[p] === 101 || buf[p] === 69)) {
            p++;
            let expNegative = false;
            if (buf[p] === 45 || buf[p] === 43) {
              expNegative = buf[p] === 45;
              p++;
            }
            const expStart = p;
            let x = 0;
            while (p - expStart < 4) {
              c = buf[p]! - 48;
              if (c >>> 0 > 9) break;
              x = x * 10 + c;
              p++;
            }
            if (p === expStart) digits = 0;
            exp += expNegative ? -x : x;
          }
          if (!(digits > 0 && m < 9007199254740992 && exp >= -22 && exp <= 22)) break rows;
          let value = exp >= 0 ? m * POW10[exp]! : m / POW10[-exp]!;
          if (negative) value = -value;
          if (role === LABEL_COLUMN) label = value;
          else if (probs && !(value >= 0 && value <= 1)) break rows;
          else preds[base + role] = value;
          c = buf[p]!;
        }
        if (col + 1 < ncols) {
          if (c !== d) break rows;
        } else {
          if (c === CR && buf[p + 1] === LF) p++;
          else if (c !== LF) break rows;
        }
        p++;
      }
      if (classIndex ? !(Number.isInteger(label) && label >= 0 && label < K) : !(label >= 0 && label <= 1)) break;
      // The counts are kept row by row, not once after the loop: V8 compiled the loop before any
      // call had left it, and stores there without type feedback threw the code away on every
      // exit (15 times in a 1M-row read).
      labels[at] = label;
      rowIndices[at] = counts.rows++;
      lines[at] = this.line++;
      batch.size = at + 1;
      counts.valid++;
      this.newlines++;
      rowStart = p;
    }
    return rowStart;
  }

  /**
   * A row of fields separated by runs of spaces and tabs (the WHITESPACE delimiter): leading and
   * trailing ones are not fields, a CR is whitespace; a field in quotes (R's write.table:
   * `"p0" "1"`, none with a space inside) is their text, other quotes are data. Numbers are parsed as the
   * fields are found (parseFloatBytes: np.savetxt's `%.18e` has more digits than the scan's exact
   * path takes). Returns the offset past the LF (the field count in rowFields; a line of blanks
   * is one empty field, as scan skips blank lines), or -1 when buf ends before the LF and more
   * bytes may come.
   */
  private spacedRow(buf: Uint8Array, p: number, len: number, final: boolean): number {
    const row = this.row;
    const point = this.point;
    let n = 0;
    let c = 0;
    for (;;) {
      while (p < len) {
        c = buf[p]!;
        if (c !== WHITESPACE && c !== TAB && c !== CR) break;
        p++;
      }
      if (p >= len) {
        if (!final) return -1;
        break;
      }
      if (c === LF) {
        p++;
        break;
      }
      if (n === row.starts.length) this.grow();
      const s = p;
      while (p < len) {
        c = buf[p]!;
        if (c === WHITESPACE || c === TAB || c === CR || c === LF) break;
        p++;
      }
      if (p >= len && !final) return -1;
      // R's write.table quotes names and row names ("p0" "1"): such a field's text is inside them.
      const inQuotes = p - s >= 2 && buf[s] === QUOTE && buf[p - 1] === QUOTE;
      row.starts[n] = inQuotes ? s + 1 : s;
      row.ends[n] = inQuotes ? p - 1 : p;
      row.quoted[n] = inQuotes ? 1 : 0;
      row.values[n] = inQuotes ? Number.NaN : parseFloatBytes(buf, s, p, point);
      n++;
    }
    if (n === 0) {
      // Blank: one empty field, which scan skips.
      row.starts[0] = p;
      row.ends[0] = p;
      row.quoted[0] = 0;
      n = 1;
    }
    this.rowFields = n;
    return p;
  }

  /**
   * Any row, quoted fields included (plainRow's leftovers). Field values are left NaN for the
   * readers to parse. Returns the offset past the row, with rowFields, rowLines (a quoted field
   * may hold newlines) and rowError set, or -1 when the row is incomplete and more bytes may come.
   */
  private anyRow(buf: Uint8Array, p: number, len: number, final: boolean): number {
    const d = this.delimiter;
    const row = this.row;
    let lines = 0;
    let n = 0;
    let error: string | undefined;
    let errorAt = 0;
    for (;;) {
      if (n === row.starts.length) this.grow();
      if (p < len && buf[p] === QUOTE) {
        p++;
        const s = p;
        let kind = 1;
        let closed = false;
        while (p < len) {
          const c = buf[p]!;
          if (c === QUOTE) {
            if (p + 1 < len && buf[p + 1] === QUOTE) {
              kind = 2;
              p += 2;
              continue;
            }
            if (p + 1 >= len && !final) return -1; // might be a doubled quote split across chunks
            closed = true;
            break;
          }
          if (c === LF) {
            lines++;
            this.sawQuotedNewline = true;
          }
          p++;
        }
        row.starts[n] = s;
        row.quoted[n] = kind;
        row.values[n] = Number.NaN;
        if (!closed) {
          if (!final) return -1;
          error = 'unterminated quoted field';
          errorAt = s - 1;
          row.ends[n] = p;
          n++;
          break;
        }
        row.ends[n] = p;
        n++;
        p++; // closing quote
        if (p < len && buf[p] === CR && (p + 1 >= len || buf[p + 1] === LF)) p++;
        if (p >= len) {
          if (!final) return -1;
          break;
        }
        if (buf[p] !== d && buf[p] !== LF && error === undefined) {
          error = 'unexpected text after a closing quote';
          errorAt = p;
        }
        // Resynchronise: what follows the closing quote up to the next delimiter/newline is dropped.
      } else {
        const s = p;
        while (p < len && buf[p] !== d && buf[p] !== LF) p++;
        if (p >= len && !final) return -1;
        let e = p;
        if ((p >= len || buf[p] === LF) && e > s && buf[e - 1] === CR) e--;
        row.starts[n] = s;
        row.ends[n] = e;
        row.quoted[n] = 0;
        row.values[n] = Number.NaN;
        n++;
        if (p >= len) break;
      }
      while (p < len && buf[p] !== d && buf[p] !== LF) p++;
      if (p >= len) {
        if (!final) return -1;
        break;
      }
      const c = buf[p]!;
      p++;
      if (c === LF) {
        lines++;
        break;
      }
    }
    this.rowFields = n;
    this.rowLines = lines;
    this.rowError = error;
    this.rowErrorAt = errorAt;
    return p;
  }
}


const utf8 = new TextDecoder('utf-8', { fatal: false });

/** The text of field i (quotes removed, doubled quotes undone). Allocates: use off the hot path. */
export function fieldText(row: CsvRow, i: number): string {
  const text = utf8.decode(row.buf.subarray(row.starts[i], row.ends[i]));
  return row.quoted[i] === 2 ? text.replace(/""/g, '"') : text;
}

/**
 * Every field's text. An ASCII row is decoded once and sliced (byte offsets are then character
 * offsets): a decode per field made layout inference on 1000-column rows cost 25 ms in decoding
 * alone, and the garbage as much again.
 */
export function rowTexts(row: CsvRow): string[] {
  const out: string[] = [];
  const n = row.count;
  if (n === 0) return out;
  const from = row.starts[0]!;
  const to = row.ends[n - 1]!;
  const buf = row.buf;
  let ascii = from <= to;
  for (let i = from; ascii && i < to; i++) if (buf[i]! >= 0x80) ascii = false;
  if (!ascii) {
    for (let i = 0; i < n; i++) out.push(fieldText(row, i));
    return out;
  }
  const text = utf8.decode(buf.subarray(from, to));
  for (let i = 0; i < n; i++) {
    const field = text.slice(row.starts[i]! - from, row.ends[i]! - from);
    out.push(row.quoted[i] === 2 ? field.replace(/""/g, '"') : field);
  }
  return out;
}

/**
 * The 1-based line and character column where the byte at `at` sits, counting characters (UTF-8
 * lead bytes) from the last newline before it. Only used to report problems.
 */
export function positionOf(row: CsvRow, at: number): { line: number; column: number } {
  let line = row.line;
  let lineStart = row.start;
  for (let i = row.start; i < at; i++) {
    if (row.buf[i] === LF) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < at; i++) if ((row.buf[i]! & 0xc0) !== 0x80) column++;
  return { line, column };
}

/** Where field i starts (its opening quote, if quoted). */
export function fieldPosition(row: CsvRow, i: number): { line: number; column: number } {
  const at = i < row.count ? row.starts[i]! - (row.quoted[i]! > 0 ? 1 : 0) : row.end;
  return positionOf(row, at);
}

/** A copy of a row that outlives the callback (its own bytes and offsets). */
export function cloneRow(row: CsvRow): CsvRow {
  const buf = row.buf.slice(row.start, Math.max(row.end, row.count > 0 ? row.ends[row.count - 1]! : row.end));
  const shift = row.start;
  const starts = new Int32Array(row.count);
  const ends = new Int32Array(row.count);
  for (let i = 0; i < row.count; i++) {
    starts[i] = row.starts[i]! - shift;
    ends[i] = row.ends[i]! - shift;
  }
  return {
    buf,
    start: 0,
    end: row.end - shift,
    count: row.count,
    starts,
    ends,
    quoted: row.quoted.slice(0, row.count),
    values: row.values.slice(0, row.count),
    line: row.line,
    offset: row.offset,
    error: row.error,
    errorAt: row.errorAt === undefined ? undefined : row.errorAt - shift,
  };
}

/**
 * A comment line at the top of a file, as np.savetxt writes its `header=` (`# label p0 p1`) and
 * other tools a preamble: `#` first, and not followed by the delimiter (`#,label,p` is a header
 * whose first column is named `#`). With the WHITESPACE delimiter any line starting with `#`.
 */
export function isCommentRow(row: CsvRow, delimiter: number): boolean {
  const at = row.start;
  if (row.end <= at || row.buf[at] !== HASH) return false;
  return delimiter === WHITESPACE || at + 1 >= row.end || row.buf[at + 1] !== delimiter;
}

/** A comment line's text without its `#` and the spaces after it. */
export function commentText(row: CsvRow): string {
  return utf8.decode(row.buf.subarray(row.start, row.end)).replace(/^#[ \t]*/, '');
}

/** Splits a header written in a comment line (`label p0 p1`, `label,p0,p1`) by the delimiter. */
export function splitCommentHeader(text: string, delimiter: number): string[] {
  const t = text.trim();
  if (t === '') return [];
  return delimiter === WHITESPACE ? t.split(/[ \t]+/) : t.split(String.fromCharCode(delimiter)).map((x) => x.trim());
}

/** A number written with a decimal comma (`0,8734`, `-1,5e-07`): how pandas writes floats with `decimal=','`. */
const DECIMAL_COMMA_RE = /^\s*[-+]?\d+,\d+([eE][-+]?\d+)?\s*$/;
/** A number written with a decimal point: a file that has these does not use decimal commas. */
const DECIMAL_POINT_RE = /^\s*[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

export interface Dialect {
  /** `,`, `\t`, `;`, or a space for runs of whitespace (WHITESPACE). */
  delimiter: string;
  evidence: string;
  /** Numbers are written with decimal commas (with a `;` or tab delimiter, or quoted with a `,` one). */
  decimalComma?: boolean;
  /** The evidence for decimal commas, when there are. */
  decimalEvidence?: string;
  /** Line 1 is Excel's `sep=X` hint, naming the delimiter: skip it. */
  sepLine?: boolean;
}

/**
 * Picks the delimiter from the first lines: the candidate (comma, tab, semicolon) that appears
 * outside quotes on the first line the same nonzero number of times on most of the following
 * lines. A `.tsv`/`.tab` name prefers tab on a tie. Comment lines at the top (np.savetxt's
 * `# header`) are left out. A semicolon whose fields are numbers with a decimal comma (`0,8734`,
 * and none with a decimal point) wins over the comma those numbers hold: European Excel's CSV. With
 * none of the three on the first line, runs of spaces and tabs, when they split the lines into the
 * same number (at least 2) of fields: np.savetxt's default, and fixed-width columns. Returns comma
 * when nothing decides (one column).
 */
export function sniffDelimiter(head: string, name = ''): Dialect {
  // Excel's delimiter hint on line 1 (`sep=;`, written for Excel in a locale whose list separator
  // differs): it names the delimiter, and it is neither the names nor a row.
  const directive = /^"?sep=([^\r\n])"?\r?(\n|$)/i.exec(head);
  if (directive === null) return sniffLines(head, name);
  const d = directive[1]!;
  const dialect = sniffLines(head.slice(directive[0].length), name, d);
  const label = DELIMITER_NAMES[d] ?? JSON.stringify(d);
  return { ...dialect, delimiter: d, sepLine: true, evidence: `delimiter: ${label}, as line 1 says (Excel's "sep=${d}" hint, skipped)` };
}

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'pipe' };

function sniffLines(head: string, name: string, only?: string): Dialect {
  const all = head.split('\n');
  if (all.length > 1 && !head.endsWith('\n')) all.pop(); // last line may be cut
  let skip = 0;
  while (skip < all.length - 1 && /^#(?![,;\t])/.test(all[skip]!)) skip++;
  const lines = all.slice(skip, skip + 21);
  // The pipe: polars' write_csv(separator='|'), pandas' to_csv(sep='|'), database exports.
  const candidates = only !== undefined ? [only] : [',', '\t', ';', '|'];
  // By UTF-16 code unit rather than `for...of` (code points): the delimiters and the quote are ASCII,
  // and on 7 KB lines (1000 columns) the string iterator took ~15% of layout inference in a profile.
  const count = (line: string, d: string): number => {
    const dc = d.charCodeAt(0);
    let k = 0;
    let inQuotes = false;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c === QUOTE) inQuotes = !inQuotes;
      else if (c === dc && !inQuotes) k++;
    }
    return k;
  };
  let best = ',';
  let bestScore = -1;
  let bestAgree = -1;
  let semicolonAgree = -1;
  let tabAgree = -1;
  const preferTab = /\.(tsv|tab)(\.gz)?$/i.test(name);
  for (const d of candidates) {
    const first = count(lines[0] ?? '', d);
    if (first === 0) continue;
    let agree = 0;
    for (let i = 1; i < lines.length; i++) if (count(lines[i]!, d) === first) agree++;
    if (d === ';') semicolonAgree = agree;
    if (d === '\t') tabAgree = agree;
    const score = agree * 1000 + first + (preferTab && d === '\t' ? 0.5 : 0);
    if (score > bestScore) {
      best = d;
      bestScore = score;
      bestAgree = agree;
    }
  }
  const firstLine = skip > 0 ? 'first line after the comment lines' : 'first line';
  // Decimal commas: a semicolon as steady as the best, its fields numbers with a comma. A quoted
  // one may be text (a list of class ids, "1,5"), so quoted ones count only in two columns or more:
  // to_csv(sep=';', decimal=',', quoting=csv.QUOTE_ALL) writes every score so ("0,95";"0,05").
  if (semicolonAgree >= 0 && semicolonAgree >= bestAgree) {
    let commas = 0;
    let quotedCommas = 0;
    const quotedColumns = new Set<number>();
    let example = '';
    let contrary = false;
    for (const line of lines) {
      if (line.trim() === '') continue;
      quotedFields(line, ';').forEach(({ text, quoted }, column) => {
        if (DECIMAL_COMMA_RE.test(text)) {
          if (quoted) {
            quotedCommas++;
            quotedColumns.add(column);
          } else {
            commas++;
          }
          if (example === '') example = text.trim();
        } else if (DECIMAL_POINT_RE.test(text)) {
          contrary = true;
        }
      });
    }
    if (quotedColumns.size >= 2) commas += quotedCommas;
    if (commas > 0 && !contrary) {
      const number = example.replace(',', '.');
      return {
        delimiter: ';',
        evidence: `delimiter: semicolon (${count(lines[0] ?? '', ';')} on the ${firstLine}, the same count on the following lines)`,
        decimalComma: true,
        decimalEvidence: `decimal commas (European Excel CSV): ${example} is read as ${number} (${commas} such numbers in the first ${lines.filter((l) => l.trim() !== '').length} lines, none with a decimal point)`,
      };
    }
  }
  // pandas' to_csv(decimal=',') keeps the comma delimiter and quotes each number ("0,95"):
  // decimal commas when quoted numbers have one and no number has a decimal point. With tabs
  // (to_csv(sep='\t', decimal=','), Excel's tab-delimited text in a European locale) unquoted too.
  // A tab as steady as the comma counts for it (a headerless `0,6<TAB>0,4<TAB>1` has as many of each).
  const split = tabAgree >= 0 && tabAgree >= bestAgree ? '\t' : best === ',' ? ',' : undefined;
  if (split !== undefined && bestScore >= 0) {
    let commas = 0;
    let example = '';
    let contrary = false;
    for (const line of lines) {
      for (const field of quotedFields(line, split)) {
        if (DECIMAL_COMMA_RE.test(field.text) && (field.quoted || split === '\t')) {
          commas++;
          if (example === '') example = field.text.trim();
        } else if (DECIMAL_POINT_RE.test(field.text)) {
          contrary = true;
        }
      }
    }
    if (commas > 0 && !contrary) {
      const tab = split === '\t';
      return {
        delimiter: split,
        evidence: `delimiter: ${tab ? 'tab' : 'comma'} (${count(lines[0] ?? '', split)} on the ${firstLine}, the same count on the following lines)`,
        decimalComma: true,
        decimalEvidence: `decimal commas${tab ? '' : ' in quoted numbers'} (pandas' to_csv(${tab ? "sep='\\t', " : ''}decimal=',')${tab ? ", Excel's tab-delimited text in a European locale" : ' with the comma delimiter'}): ${tab ? example : `"${example}"`} is read as ${example.replace(',', '.')} (${commas} such numbers in the first ${lines.filter((l) => l.trim() !== '').length} lines, none with a decimal point)`,
      };
    }
  }
  if (bestScore < 0) {
    const fields = (line: string): number => {
      const t = line.trim();
      return t === '' ? 0 : t.split(/[ \t]+/).length;
    };
    const first = fields(lines[0] ?? '');
    const rest = lines.slice(1).filter((l) => l.trim() !== '');
    const agree = rest.filter((l) => fields(l) === first).length;
    if (first >= 2 && agree * 2 >= rest.length) {
      return {
        delimiter: ' ',
        evidence: `delimiter: whitespace (runs of spaces and tabs, as numpy's savetxt writes them: ${first} fields on the ${firstLine}${rest.length > 0 ? `, the same on ${agree} of the ${rest.length} following lines` : ''})`,
      };
    }
    // R's write.table: a header of quoted names one short of the rows (the row names' column has none).
    const shortHeader = rest.filter((l) => fields(l) === first + 1).length;
    if (first >= 2 && /^\s*"/.test(lines[0] ?? '') && rest.length > 0 && shortHeader * 2 >= rest.length) {
      return {
        delimiter: ' ',
        evidence: `delimiter: whitespace (R's write.table: ${first} quoted names on the ${firstLine}, ${first + 1} fields on ${shortHeader} of the ${rest.length} following lines)`,
      };
    }
  }
  const label = DELIMITER_NAMES[best] ?? JSON.stringify(best);
  const evidence =
    bestScore < 0
      ? `no comma, tab, semicolon or pipe on the ${firstLine}: read as one column separated by commas`
      : `delimiter: ${label} (${count(lines[0] ?? '', best)} on the ${firstLine}, the same count on the following lines)`;
  return { delimiter: best, evidence };
}

/** The fields of a line split on `d` outside quotes, each with its quotes taken off, and whether it had them. */
function quotedFields(line: string, d: string): { text: string; quoted: boolean }[] {
  const out: { text: string; quoted: boolean }[] = [];
  let text = '';
  let quoted = false;
  let inQuotes = false;
  for (let i = 0; i <= line.length; i++) {
    const c = line[i];
    if (c === '"') {
      inQuotes = !inQuotes;
      quoted = true;
    } else if (i === line.length || (c === d && !inQuotes)) {
      out.push({ text: text.replace(/\r$/, ''), quoted });
      text = '';
      quoted = false;
    } else {
      text += c;
    }
  }
  return out;
}
