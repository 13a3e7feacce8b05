/**
 * The reading driver: sniff the format, dispatch to the reader, and turn every failure into a
 * located Problem. readSamples never throws for bad input; it resolves with ok = false.
 */
import { binaryFormat, openColumnar } from '../columnar/open';
import { isBinaryFormat, type BinaryFormat } from '../formats';
import { readColumnar } from '../columnar/read';
import { ColumnarError } from '../columnar/types';
import { FatalRead, ReadContext } from './context';
import { readCsv } from './csv-reader';
import { JsonSyntaxError } from './json';
import { readJson } from './json-reader';
import { readJsonl } from './jsonl';
import { LayoutError } from './layout';
import type { ByteSource, ByteRange, ChunkOptions, FileFormat, Layout, ReadOptions, ReadResult, SampleHandler } from './types';

export interface FormatGuess {
  format: FileFormat;
  evidence: string;
}

const startsWithBytes = (head: Uint8Array, bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);

/**
 * Compressions pandas writes from the name (to_csv('x.csv.bz2' / '.xz' / '.zst' / '.zip')) that
 * Loss Lens does not decompress: what the file is and the fix, or undefined. gzip is read (the
 * sources decompress it), zstd by the Node source only; a ZIP archive is refused only when its first member is a text file.
 */
export function compressedReason(head: Uint8Array): string | undefined {
  const fix = "decompress it first, or write it with compression='gzip' (a .csv.gz / .jsonl.gz, which Loss Lens reads)";
  if (startsWithBytes(head, [0x42, 0x5a, 0x68]) && head[3]! >= 0x31 && head[3]! <= 0x39) return `bzip2-compressed data (pandas' to_csv('x.csv.bz2')), which Loss Lens does not read: ${fix}`;
  if (startsWithBytes(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return `xz-compressed data (pandas' to_csv('x.csv.xz')), which Loss Lens does not read: ${fix}`;
  // The Node file source decompresses zstd (src/node/file-source.ts); raw zstd reaches here only from the browser build.
  if (startsWithBytes(head, [0x28, 0xb5, 0x2f, 0xfd])) return `zstd-compressed data (pandas' to_csv('x.csv.zst')), which the CLI and the desktop extension read but the browser build does not: ${fix}`;
  if (startsWithBytes(head, [0x50, 0x4b, 0x03, 0x04]) && head.length >= 30) {
    // The first local file header: its name is at offset 30, its length at 26 (little-endian).
    const nameLength = head[26]! | (head[27]! << 8);
    const member = new TextDecoder().decode(head.subarray(30, Math.min(head.length, 30 + nameLength)));
    // An .npz (a ZIP of .npy files) or a torch.save checkpoint (a ZIP of pickles) is for the binary readers.
    if (!/\.(csv|tsv|tab|txt|dat|json|jsonl|ndjson)$/i.test(member)) return undefined;
    return `a ZIP archive holding ${JSON.stringify(member)} (pandas' to_csv('x.csv.zip')), which Loss Lens does not open: unzip it and open ${JSON.stringify(member)}, or write it with compression='gzip' (a .csv.gz / .jsonl.gz, which Loss Lens reads)`;
  }
  return undefined;
}

/** Bytes that, in the first KiB, mark a binary (non-text) file. */
function binaryReason(head: Uint8Array): string | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    return 'gzip-compressed data: open it through a gzip-aware source (the CLI and the extension decompress .gz files)';
  }
  let control = 0;
  const n = Math.min(head.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = head[i]!;
    if (c === 0) return `binary data (a NUL byte at offset ${i}), not a text prediction file`;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) control++;
  }
  if (n > 0 && control / n > 0.05) return 'binary data (many control bytes), not a text prediction file';
  return undefined;
}

/**
 * The format from the name (`.csv`, `.tsv`, `.json`, `.jsonl`/`.ndjson`, with or without `.gz`),
 * checked against the first bytes: JSON-looking content wins over a `.csv` name, a `.json` file
 * with one object per line is JSONL. `.txt` and `.dat` (np.savetxt) are delimited text, read as
 * CSV with the delimiter sniffed (whitespace among the candidates), as is any other name.
 */
export function sniffFormat(name: string, firstBytes: Uint8Array): FormatGuess {
  const base = name.toLowerCase().replace(/\.gz$/, '');
  const ext = /\.([a-z0-9]+)$/.exec(base)?.[1] ?? '';
  let i = 0;
  if (firstBytes[0] === 0xef && firstBytes[1] === 0xbb && firstBytes[2] === 0xbf) i = 3;
  while (i < firstBytes.length && (firstBytes[i] === 32 || firstBytes[i] === 9 || firstBytes[i] === 10 || firstBytes[i] === 13)) i++;
  const c = firstBytes[i];
  if (c === 91 /* [ */) return { format: 'json', evidence: 'format: JSON (the file starts with "[")' };
  if (c === 123 /* { */) {
    // One object per line, or one object spanning lines?
    const text = new TextDecoder().decode(firstBytes.subarray(i, Math.min(firstBytes.length, i + 65536)));
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    let firstComplete = false;
    try {
      JSON.parse(lines[0] ?? '');
      firstComplete = true;
    } catch {
      // The first line is not a whole object: JSON spanning lines.
    }
    if (firstComplete && (lines.length === 1 ? ext === 'jsonl' || ext === 'ndjson' : lines[1]!.trim().startsWith('{'))) {
      return { format: 'jsonl', evidence: `format: JSONL (one JSON object per line${ext === 'json' ? ', although the name ends in .json' : ''})` };
    }
    if (ext === 'jsonl' || ext === 'ndjson') return { format: 'jsonl', evidence: `format: JSONL (the name ends in .${ext})` };
    return { format: 'json', evidence: 'format: JSON (the file starts with "{")' };
  }
  if (ext === 'tsv' || ext === 'tab') return { format: 'tsv', evidence: `format: TSV (the name ends in .${ext})` };
  if (ext === 'jsonl' || ext === 'ndjson') return { format: 'jsonl', evidence: `format: JSONL (the name ends in .${ext})` };
  if (ext === 'txt' || ext === 'dat') return { format: 'csv', evidence: `format: delimited text (the name ends in .${ext}), read as CSV with the delimiter sniffed` };
  return { format: 'csv', evidence: ext === 'csv' ? 'format: CSV (the name ends in .csv)' : 'format: CSV (the content is neither JSON nor JSONL)' };
}

/** The first bytes of a source (for sniffing) without reading the rest. */
async function readHead(source: ByteSource, bytes: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source.chunks()) {
    parts.push(chunk);
    total += chunk.length;
    if (total >= bytes) break;
  }
  const out = new Uint8Array(Math.min(total, bytes));
  let o = 0;
  for (const p of parts) {
    const take = Math.min(p.length, out.length - o);
    out.set(p.subarray(0, take), o);
    o += take;
    if (o >= out.length) break;
  }
  return out;
}

const EMPTY_LAYOUT = (format: FileFormat): Layout => ({
  format,
  kind: 'ce',
  input: 'probs',
  labelColumn: '',
  labelEncoding: 'index',
  targetKind: 'sparse',
  predictionColumns: [],
  predictionIsVector: false,
  classNames: [],
  numClasses: 0,
  columns: [],
  evidence: [],
});

/**
 * Reads every sample of a prediction file. `onSample` gets a reused Sample (copy what you keep),
 * the 0-based row index and the 1-based line. Resolves with the layout (and its evidence), the
 * counts and the problems; ok = false when the read failed (bad rows without skipInvalid, or a
 * file that cannot be read at all). After the first bad row (without skipInvalid) no more
 * samples are delivered, but the file is still read to list and count its problems.
 */
export async function readSamples(source: ByteSource, options: ReadOptions, onSample: SampleHandler): Promise<ReadResult> {
  const ctx = new ReadContext(source.name, options, onSample);
  let format: FileFormat = options.layout?.format ?? options.overrides?.format ?? 'csv';
  let formatEvidence: string | undefined;
  try {
    let crOnly = options.layout?.lineBreaks === 'cr';
    if (options.layout === undefined) {
      let first = await readHead(source, 65536);
      if (first.length === 0) throw new FatalRead(0, undefined, 'the file is empty');
      const compressed = compressedReason(first);
      if (compressed !== undefined) throw new FatalRead(1, 1, compressed);
      const bin = binaryFormat(source.name, first);
      // A binary file's evidence names its format with what it holds (readColumnar).
      if (bin !== undefined) format = bin.format;
      crOnly = bin === undefined && onlyCrLineBreaks(first);
      if (crOnly) first = crToLf(first);
      const binary = bin === undefined ? binaryReason(first) : undefined;
      if (binary !== undefined) throw new FatalRead(0, undefined, binary);
      if (bin !== undefined) {
        // The bytes say what the file is; a format given for text files does not apply.
      } else if (options.overrides?.format === undefined) {
        const guess = sniffFormat(source.name, first);
        format = guess.format;
        formatEvidence = guess.evidence;
      } else {
        formatEvidence = `format: ${format} (set by the user)`;
      }
    }
    const lines = crOnly ? crAsLfSource(source) : source;
    let layout: Layout;
    if (isBinaryFormat(format)) layout = await readBinary(source, format, ctx, options);
    else if (format === 'json') layout = await readJson(lines, ctx);
    else if (format === 'jsonl') layout = await readJsonl(lines, ctx);
    else layout = await readCsv(lines, format, ctx);
    if (crOnly && options.layout === undefined) {
      layout.lineBreaks = 'cr';
      layout.evidence.unshift('lines end in a lone CR (classic Mac OS): each CR read as a line break');
    }
    if (formatEvidence !== undefined) layout.evidence.unshift(formatEvidence);
    if (format === 'tsv' || format === 'csv') layout.format = layout.delimiter === '\t' ? 'tsv' : 'csv';
    ctx.flushBatch();
    return ctx.result(layout);
  } catch (e) {
    if (e instanceof FatalRead) ctx.log.error(e.line, e.column, e.message);
    else if (e instanceof ColumnarError) ctx.log.error(0, undefined, e.message);
    else if (e instanceof JsonSyntaxError) ctx.log.error(e.line, e.column, e.message);
    else ctx.log.error(0, undefined, `could not read the file: ${e instanceof Error ? e.message : String(e)}`);
    const r = ctx.result(options.layout ?? { ...EMPTY_LAYOUT(format), columns: e instanceof FatalRead ? (e.columns ?? []) : [] });
    r.ok = false;
    r.fatal = true;
    return r;
  }
}

/** A binary file (and its labels' file): its columns read as rows. */
async function readBinary(source: ByteSource, format: BinaryFormat, ctx: ReadContext, options: ReadOptions): Promise<Layout> {
  let paired: { source: ByteSource; format: BinaryFormat }[] = [];
  if (options.labels !== undefined) {
    const head = await readHead(options.labels, 64);
    const bin = binaryFormat(options.labels.name, head);
    if (bin === undefined) throw new ColumnarError(`the labels' file ${options.labels.name} is not a binary array file (.npy, .npz, safetensors, Parquet, Arrow)`);
    paired = [{ source: options.labels, format: bin.format }];
  }
  ctx.log.unit = 'row';
  const file = await openColumnar(source, format, paired);
  let overrides = options.overrides ?? {};
  if (paired.length > 0 && overrides.labelColumn === undefined) {
    // The labels' file holds one array: it is the label, whatever its name.
    const own = file.columns.filter((c) => c.file === options.labels!.name);
    if (own.length === 1) overrides = { ...overrides, labelColumn: own[0]!.name };
  }
  try {
    const layout = await readColumnar(file, format, ctx, options.layout, options.range, overrides);
    if (paired.length > 0 && options.layout === undefined && overrides !== options.overrides) {
      // The label column was pinned here, not by the user.
      const pinned = `label column ${JSON.stringify(overrides.labelColumn)} (set by the user)`;
      layout.evidence = layout.evidence.map((e) => (e === pinned ? `label column ${JSON.stringify(overrides.labelColumn)}: the labels' file, ${options.labels!.name}, row for row` : e));
    }
    return layout;
  } catch (e) {
    if (e instanceof LayoutError) throw new FatalRead(0, undefined, e.message, e.columns ?? file.columns.map((c) => c.name));
    throw e;
  }
}

/**
 * Lines ended by a lone CR, as classic Mac OS wrote them (and Excel for Mac's "CSV" until 2016):
 * a CR in the first bytes and no LF at all. A CRLF file has LFs; a file of one line has no CR.
 */
export function onlyCrLineBreaks(head: Uint8Array): boolean {
  return head.indexOf(13) >= 0 && head.indexOf(10) < 0;
}

/** `bytes` with every CR as LF, written into `out` (as long as bytes at least). */
function crToLf(bytes: Uint8Array, out: Uint8Array = new Uint8Array(bytes.length)): Uint8Array {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out[i] = b === 13 ? 10 : b;
  }
  return out.length === bytes.length ? out : out.subarray(0, bytes.length);
}

/**
 * The source with every CR read as an LF, so the readers (which end lines at LF) see one line per
 * CR. Byte for byte, so offsets, byte ranges and columns hold. A CR inside a quoted CSV field was
 * a line break inside the field in such a file, and still is.
 */
function crAsLfSource(source: ByteSource): ByteSource {
  return {
    name: source.name,
    size: source.size,
    async *chunks(range?: ByteRange, options?: ChunkOptions) {
      // A consumer that lets the source reuse its buffers lets this one reuse its own, too.
      let out: Uint8Array | undefined;
      for await (const chunk of source.chunks(range, options)) {
        if (!options?.reuseBuffers || out === undefined || out.length < chunk.length) out = new Uint8Array(chunk.length);
        yield crToLf(chunk, out);
      }
    },
  };
}

/**
 * The line number of the first row a range read starting at `start` will see: one more than the
 * newlines before that row. A fast pre-pass (indexOf over bytes, no parsing) so a worker can
 * report file line numbers; the alternative is to read with relative lines and add the previous
 * ranges' `newlines` when merging. Both give the same numbers (tested).
 */
export async function firstLineOfRange(source: ByteSource, start: number): Promise<number> {
  if (start <= 0) return 1;
  let count = 0;
  // Newlines in [0, start - 1), then the one ending the partial line the range skips.
  for await (const chunk of source.chunks({ start: 0, end: start - 1 })) {
    let i = chunk.indexOf(10);
    while (i >= 0) {
      count++;
      i = chunk.indexOf(10, i + 1);
    }
  }
  return count + 2;
}

/** Below this size a second reader costs more (start-up, layout transfer) than it saves. */
export const MIN_SPLIT_BYTES = 8 * 1024 * 1024;

/**
 * The byte ranges to read in parallel, or undefined when the file must be read in one pass:
 * JSON (its arrays are not line-aligned), an unknown size (gzip: every range would decompress
 * from the start), a quoted field holding a newline among the sampled rows, or a small file.
 * Protocol: read each range with { layout, range }; if any result has splitUnsafe (a quoted
 * newline further down), discard all and read the file in one pass. Rows: add the rows of the
 * earlier ranges; lines: pass firstLine (firstLineOfRange) or add the earlier ranges' newlines.
 */
export function planRanges(layout: Layout, size: number | undefined, parts: number): ByteRange[] | undefined {
  if (parts < 2 || size === undefined || size < MIN_SPLIT_BYTES) return undefined;
  if (isBinaryFormat(layout.format)) return layout.splitRows !== undefined ? splitRows(layout.splitRows, layout.splitPoints, parts) : undefined;
  if (layout.format === 'json' || layout.quotedNewlines) return undefined;
  return splitRanges(size, parts);
}

/**
 * Binary formats split by rows (ranges of rows, not bytes). Where any row is read first at no
 * cost (NumPy, safetensors), four pieces a reader: a thread that started late takes fewer (two
 * pieces on two threads left one idle for a third of the read). Where a piece pays to start (it
 * opens the file's metadata again; inside a row group or record batch it decodes dictionaries
 * and skips pages first), one piece a reader, cut at the group starts nearest the even cuts when
 * there are enough (1M rows as pyarrow writes them, two threads: one row group in eight pieces
 * 1.1 s, in two 0.8 s; nine row groups or sixteen Feather batches in eight pieces 0.9 s, in two 0.8 s).
 */
function splitRows(rows: number, points: readonly number[] | undefined, parts: number): ByteRange[] {
  if (points === undefined) return splitRanges(rows, 4 * parts);
  if (points.length + 1 < parts) return splitRanges(rows, parts);
  const out: ByteRange[] = [];
  let start = 0;
  for (let i = 1; i < parts; i++) {
    const cut = (rows * i) / parts;
    const at = points.reduce((best, p) => (p > start && Math.abs(p - cut) < Math.abs(best - cut) ? p : best), Number.POSITIVE_INFINITY);
    if (at === Number.POSITIVE_INFINITY || at >= rows) break;
    out.push({ start, end: at });
    start = at;
  }
  out.push({ start, end: rows });
  return out;
}

/**
 * Splits [0, size) into `parts` byte ranges for parallel readers. The first range includes the
 * header; all ranges must be read with the layout from a first read (or inferLayoutOnly).
 */
export function splitRanges(size: number, parts: number): ByteRange[] {
  const out: ByteRange[] = [];
  for (let i = 0; i < parts; i++) {
    out.push({ start: Math.floor((size * i) / parts), end: i === parts - 1 ? size : Math.floor((size * (i + 1)) / parts) });
  }
  return out;
}

/**
 * Decides the layout from the first rows only (reads about `sampleRows` rows), e.g. on the main
 * thread before handing byte ranges to workers. JSON reads its first pass fully (it must find
 * where the arrays are).
 */
export async function readLayout(source: ByteSource, options: ReadOptions = {}): Promise<ReadResult> {
  const limitRows = options.sampleRows ?? 256;
  return readSamples(source, { layoutOnly: true, ...options, limitRows }, () => {});
}
