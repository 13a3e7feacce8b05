/**
 * Parquet files (pandas / polars `to_parquet`, pyarrow, Hugging Face datasets) as columns.
 *
 * How: hyparquet (pure JS, no wasm) parses the footer's metadata and the schema, the page headers
 * (its Thrift reader) and the DELTA encodings; the rest is here: each asked column chunk is
 * streamed page by page from its byte range, and its values are decoded straight into typed
 * arrays (PLAIN, dictionary, BYTE_STREAM_SPLIT; definition and repetition levels by a hybrid RLE
 * decoder writing Uint8Arrays). Codecs: snappy (here), zstd (fzstd), gzip (DecompressionStream,
 * native), LZ4 and LZ4_RAW (a few lines, shared with Arrow IPC); brotli and LZO are refused with
 * the fix, when a read reaches them.
 *
 * Why not hyparquet's own readers, nor parquet-wasm: measured on this kind of machine (2 cores,
 * Node 20, shared and loaded: medians of 3), data A = 1M rows x 10 float64 + int64 label as pandas
 * writes it (every column OPTIONAL, snappy, one row group, 83 MB; as CSV 203 MB):
 * - hyparquet 1.33 parquetRead, row group by row group: 4.5 s (18 MB/s), 396 MB RSS: levels,
 *   dictionary indices and nullable values go through JS Arrays of boxed values.
 * - this reader, all 11 columns, one thread: 0.39-0.56 s (150-210 MB/s of Parquet), 125 MB peak
 *   RSS; 9 row groups (101 MB): 0.43-0.6 s; zstd: 1.4-1.7 s (fzstd is the cost); 20k rows x
 *   list<float>[1000] (81 MB): 0.6 s, 66 MB. The CSV reader takes ~0.68 s for the same data as
 *   CSV on two threads (300 MB/s), so Parquet reads at least as fast as CSV (zstd excepted).
 *   End to end (the CLI, two threads; peak RSS): the CSV 81-88 MB; this Parquet 275-287 MB (one
 *   row group) or 255-273 MB (9 row groups) while each column kept a 2 MiB chunk buffer pair, a
 *   spill buffer and a decompression buffer, each grown to a 1 MB dictionary page; 155-166 MB and
 *   152-158 MB since columns share one scratch and read through 256 KB windows (ByteCursor), no
 *   slower (the load here made times vary 1.8-3 s, before as after). Of what is left, ~11 MB a
 *   thread are the 11 dictionaries, and 15-25 MB the caller's interleaving of the ten columns
 *   into a fresh array per block (read.ts).
 * - parquet-wasm 0.8 (formats.md): 0.3-0.44 s, but 4.95 MB of wasm (1.6 MB gzipped) that both the
 *   Node and the web builds would ship and load, memory that never shrinks. This stays pure JS
 *   (hyparquet's metadata, Thrift and delta modules, some 25 KB minified).
 * What made the difference here: no fresh array per page (pooled, see Pool), pages read as views
 * on the source's chunks when they lie in one, snappy literals copied in bulk, and blocks ending
 * where a page ends (views, not copies) when the caller leaves the block size open.
 *
 * Memory: pages are decoded one at a time per asked column (a column chunk is streamed through a
 * window, never read whole), and the columns one after the other, so a read holds per column a
 * window, its decoded page and its dictionary, plus one scratch for the read (the page being
 * decompressed, a page larger than a window): even a pandas file written as one 1M-row group is
 * read in a few MB more than its dictionaries. A block's arrays are views on that memory, reused:
 * valid until the next block is asked for.
 *
 * Nulls: a null in a numeric column reads as NaN (the shared reader reports the row); a null
 * class name reads as null. A list (vector) column must have the same length in every row and no
 * null row: otherwise a ColumnarError names the row (1-based) and the column. A null element
 * inside a list reads as NaN.
 *
 * Rows are those of the file (a range of rows is a ByteRange whose numbers are rows); a range
 * starting inside a row group skips the rows before it (whole pages without decompressing them
 * when the page header says how many rows they hold).
 */
import type { ColumnChunk, ColumnMetaData, FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import { deltaBinaryUnpack, deltaByteArray, deltaLengthByteArray } from 'hyparquet/src/delta.js';
import { parquetMetadataAsync, parquetSchema } from 'hyparquet/src/metadata.js';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { decompress as zstdDecompress } from 'fzstd';
import type { ByteSource } from '../parse/types';
import { arrowSchemaFields, lz4Block } from './arrow';
import { readAt, readExactly, sizedSource } from './bytes';
import { type Categories, pandasCategoricalColumns, polarsEnumValues } from './categories';
import { classLabelNames, markClassIdLists } from './hf-features';
import { decodeNumbers } from './ndarray';
import { ColumnarError, type ColumnarFile, type ColumnBlock, type ColumnInfo, type NumericArray } from './types';

/** How a leaf's physical values become numbers or text. */
type Conv = 'double' | 'float' | 'f16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool' | 'string';

/** A column as read: its leaf in the Parquet schema and how its levels and values are decoded. */
interface Leaf {
  info: ColumnInfo;
  /** The leaf's index among each row group's column chunks. */
  chunk: number;
  conv: Conv;
  /** FIXED_LEN_BYTE_ARRAY's length. */
  typeLength: number;
  maxDef: number;
  maxRep: number;
  /** A list column: the definition level from which a level is an element of the list (lower: an empty or null list). */
  defElem: number;
}

type Values = Float64Array | Float32Array | (string | null)[];
type Numbers = Float64Array | Float32Array;

/**
 * Arrays for decoded pages, reused in turn: a fresh array per page costs a page-faulting
 * allocation each time (measured: 550 pages of 1.3 MB, 330-440 ms fresh against 20 ms reused).
 * A block's values are views on them, valid until the next block is asked for, as the other
 * binary readers' are. A column's next page is decoded only once the block holding its last one
 * is done with, so two arrays cover what one page uses (its values, then its rows with nulls).
 */
class Pool {
  private readonly slots: Numbers[] = [];
  private next = 0;

  constructor(private readonly f32: boolean) {}

  /** An array of n; `same`: the first slot every time. */
  get(n: number, same = false): Numbers {
    const k = same ? 0 : this.next++ % 2;
    let a = this.slots[k];
    if (a === undefined || a.length < n) {
      const size = Math.ceil(n * 1.25);
      a = this.f32 ? new Float32Array(size) : new Float64Array(size);
      this.slots[k] = a;
    }
    return a.subarray(0, n);
  }
}

/** How a page's arrays are made: from a reader's pool, or fresh (dictionaries, which outlive pages). */
type Alloc = (n: number) => Numbers;
const fresh = (leaf: Leaf): Alloc => (isF32(leaf) ? (n) => new Float32Array(n) : (n) => new Float64Array(n));
const isF32 = (leaf: Leaf) => leaf.conv === 'float' || leaf.conv === 'f16';

const F16 = { text: '<f2', kind: 'f16' as const, size: 2, littleEndian: true };
const utf8 = new TextDecoder();

/** The number of bits a level up to `max` takes. */
const bitWidth = (max: number) => 32 - Math.clz32(max);

// ---------------------------------------------------------------------------------------------
// Opening: the footer, the schema, the columns.

/** The dtype text of a leaf and how to decode it, or why it cannot be read. */
function leafType(e: SchemaElement): { dtype: string; conv?: Conv; why?: string } {
  const lt = e.logical_type;
  const ct = e.converted_type;
  switch (e.type) {
    case 'BOOLEAN':
      return { dtype: 'bool', conv: 'bool' };
    case 'FLOAT':
      return { dtype: 'float', conv: 'float' };
    case 'DOUBLE':
      return { dtype: 'double', conv: 'double' };
    case 'INT32':
    case 'INT64': {
      const base = e.type === 'INT32' ? 'int32' : 'int64';
      if (lt?.type === 'INTEGER') {
        const dtype = `${lt.isSigned ? 'int' : 'uint'}${lt.bitWidth}`;
        return { dtype, conv: lt.isSigned ? base : e.type === 'INT32' ? 'uint32' : 'uint64' };
      }
      if (ct !== undefined && /^U?INT_/.test(ct)) return { dtype: ct.toLowerCase().replace('_', ''), conv: ct.startsWith('U') ? (e.type === 'INT32' ? 'uint32' : 'uint64') : base };
      const special = lt?.type ?? ct;
      if (special !== undefined) return { dtype: `${base} (${special.toLowerCase()})`, why: `it holds ${special.toLowerCase()} values, not numbers a loss is computed from` };
      return { dtype: base, conv: base };
    }
    case 'FIXED_LEN_BYTE_ARRAY':
      if (lt?.type === 'FLOAT16') return { dtype: 'float16', conv: 'f16' };
      return { dtype: `fixed_len_byte_array(${e.type_length ?? '?'})${lt !== undefined ? ` (${lt.type.toLowerCase()})` : ''}`, why: 'it holds fixed-size binary values (a decimal, a UUID), not numbers or text' };
    case 'BYTE_ARRAY': {
      const special = lt?.type ?? ct;
      if (special === undefined || special === 'STRING' || special === 'UTF8' || special === 'ENUM' || special === 'JSON') return { dtype: 'string', conv: 'string' };
      return { dtype: `binary (${special.toLowerCase()})`, why: `it holds ${special.toLowerCase()} values, not numbers or text` };
    }
    default:
      return { dtype: String(e.type ?? 'group').toLowerCase(), why: `its type ${String(e.type)} (a legacy timestamp) is not numbers or text` };
  }
}

function leavesOf(t: SchemaTree): SchemaTree[] {
  return t.children.length === 0 ? [t] : t.children.flatMap(leavesOf);
}

const isListAnnotated = (e: SchemaElement) => e.converted_type === 'LIST' || e.logical_type?.type === 'LIST';

/** One top-level field of the schema as a column. */
function columnOf(field: SchemaTree, chunkIndex: Map<string, number>, rows: number, file: string): Omit<Leaf, 'info'> & { info: ColumnInfo } {
  const name = field.element.name;
  const leaves = leavesOf(field);
  const leaf = leaves[0]!;
  const chunk = chunkIndex.get(leaf.path.join('\u0000')) ?? -1;
  const base = { chunk, typeLength: leaf.element.type_length ?? 0, maxDef: 0, maxRep: 0, defElem: 0, conv: 'double' as Conv };
  const unsupported = (dtype: string, why: string) => ({
    ...base,
    info: { name, dtype, kind: 'unsupported' as const, rows, width: 0, vector: false, shape: [rows], unsupported: why, file },
  });
  const isMap = field.element.converted_type === 'MAP' || field.element.converted_type === 'MAP_KEY_VALUE' || field.element.logical_type?.type === 'MAP';
  if (isMap) return unsupported('map', 'it is a map column (key-value pairs); store the scores as a list<float> column or one column per class');
  if (leaves.length > 1) return unsupported('struct', `it is a struct column (fields ${leaves.map((l) => l.path.slice(1).join('.')).join(', ')}); store its fields as columns of their own`);
  // The path from the field down to the leaf: what repeats, what may be missing.
  const path: SchemaTree[] = [];
  for (let t: SchemaTree | undefined = field; t !== undefined; t = t.children[0]) path.push(t);
  let maxDef = 0;
  let maxRep = 0;
  let defElem = 0;
  for (const t of path) {
    if (t.element.repetition_type !== 'REQUIRED') maxDef++;
    if (t.element.repetition_type === 'REPEATED') {
      maxRep++;
      if (maxRep === 1) defElem = maxDef;
    }
  }
  const type = leafType(leaf.element);
  if (maxRep === 0 && field.children.length > 0) return unsupported('struct', `it is a struct column (field ${leaf.path.slice(1).join('.')}); store its fields as columns of their own`);
  if (maxRep > 1) return unsupported(`list<list<${type.dtype}>>`, 'it is a list of lists; a prediction column holds one number, one text or one list of numbers per row');
  const isList = maxRep === 1;
  if (isList && path.length > 1 && !isListAnnotated(field.element) && field.element.repetition_type !== 'REPEATED') {
    return unsupported(`struct<list<${type.dtype}>>`, 'it is a struct holding a list; store the list as a column of its own');
  }
  const dtype = isList ? `list<${type.dtype}>` : type.dtype;
  if (type.conv === undefined) return unsupported(dtype, type.why ?? 'its type is not numbers or text');
  if (isList && type.conv === 'string') return unsupported(dtype, 'it is a list of texts (a multi-label target as names?); store it as one text per row (e.g. "cat|dog") or as a multi-hot list of numbers');
  const kind = type.conv === 'string' ? ('string' as const) : ('number' as const);
  return {
    ...base,
    conv: type.conv,
    maxDef,
    maxRep,
    defElem,
    info: { name, dtype, kind, rows, width: 1, vector: isList, shape: [rows], file },
  };
}


/** Opens a Parquet file: its footer's metadata, and the first row of each list column (its width). */
export async function openParquet(input: ByteSource): Promise<ColumnarFile> {
  const source = await sizedSource(input);
  const file = source.name;
  const head = await readAt(source, 0, 4);
  if (source.size < 12 || String.fromCharCode(...head) !== 'PAR1') throw new ColumnarError(`${file} is not a Parquet file (it does not start with PAR1)`);
  const tail = await readAt(source, source.size - 4, source.size);
  if (String.fromCharCode(...tail) !== 'PAR1') {
    throw new ColumnarError(`${file} is cut short: a Parquet file ends with its footer and PAR1, and this one does not (is it still being written?)`);
  }
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync({
      byteLength: source.size,
      slice: async (start, end) => {
        const b = await readExactly(source, start, end ?? source.size, 'the Parquet footer');
        return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? (b.buffer as ArrayBuffer) : (b.slice().buffer as ArrayBuffer);
      },
    });
  } catch (err) {
    if (err instanceof ColumnarError) throw err;
    throw new ColumnarError(`${file}: the Parquet footer cannot be read (${err instanceof Error ? err.message : String(err)}); the file is damaged or encrypted`);
  }
  const rows = Number(metadata.num_rows);
  const chunkIndex = new Map<string, number>();
  metadata.row_groups[0]?.columns.forEach((c, i) => chunkIndex.set((c.meta_data?.path_in_schema ?? []).join('\u0000'), i));
  const tree = parquetSchema(metadata);
  const leaves: Leaf[] = tree.children.map((f) => columnOf(f, chunkIndex, rows, file));
  const groups = metadata.row_groups.map((g) => Number(g.num_rows));
  const starts: number[] = [];
  groups.reduce((at, n) => (starts.push(at), at + n), 0);
  if (groups.reduce((a, b) => a + b, 0) !== rows) throw new ColumnarError(`${file}: the row groups hold ${groups.reduce((a, b) => a + b, 0)} rows, the footer says ${rows}: the file is damaged`);
  const ctx: FileCtx = { source, file, metadata, groups, starts };
  for (const leaf of leaves) {
    if (leaf.info.kind === 'unsupported') continue;
    if (leaf.chunk < 0) throw new ColumnarError(`${file}: the column ${leaf.info.name} has no data in the row groups: the file is damaged`);
    if (leaf.info.vector) {
      const width = await firstListLength(ctx, leaf);
      if (width === 0 && rows > 0) {
        Object.assign(leaf.info, { kind: 'unsupported', width: 0, vector: false, unsupported: 'its first lists are empty: a column of scores holds a list of one number per class in every row' });
        continue;
      }
      leaf.info.width = width;
      leaf.info.shape = [rows, width];
      // A list of one number per row is one value per row, as an (N, 1) array is.
      if (width === 1) leaf.info.vector = false;
    }
  }
  markClassIdLists(leaves.map((l) => l.info), metadata.key_value_metadata?.find((kv) => kv.key === 'huggingface')?.value);
  const categories = await labelCategories(ctx, leaves);
  const codecs = [...new Set(metadata.row_groups.flatMap((g) => g.columns.map((c) => (c.meta_data?.codec ?? 'UNCOMPRESSED').toLowerCase())))];
  const rg = metadata.row_groups.length;
  return {
    description: `Parquet (${rg} row group${rg === 1 ? '' : 's'}${codecs.length > 0 ? `, ${codecs.join('/')}` : ''})`,
    columns: leaves.map((l) => l.info),
    seekable: true,
    labelNames: classLabelNames(metadata.key_value_metadata?.find((kv) => kv.key === 'huggingface')?.value),
    ...(categories.size > 0 ? { categories } : {}),
    splitPoints: starts.slice(1),
    blocks: (names, range, blockRows, signal) => parquetBlocks(ctx, leaves, names, range, blockRows, signal),
  };
}

interface FileCtx {
  source: ByteSource;
  file: string;
  metadata: FileMetaData;
  /** Rows of each row group, and the first row of each. */
  groups: number[];
  starts: number[];
}

async function* parquetBlocks(ctx: FileCtx, leaves: Leaf[], names: string[], range: { start: number; end: number } | undefined, blockRows: number | undefined, signal: AbortSignal | undefined): AsyncGenerator<ColumnBlock> {
  const chosen = names.map((n) => {
    const l = leaves.find((x) => x.info.name === n);
    if (l === undefined) throw new ColumnarError(`there is no column named ${JSON.stringify(n)} (there are: ${leaves.map((x) => x.info.name).join(', ')})`);
    if (l.info.kind === 'unsupported') throw new ColumnarError(`${l.info.name} cannot be read: ${l.info.unsupported}`);
    return l;
  });
  const rows = Number(ctx.metadata.num_rows);
  const start = Math.max(0, range?.start ?? 0);
  const end = Math.min(rows, range?.end ?? rows);
  const widest = Math.max(1, ...chosen.map((l) => l.info.width * (l.conv === 'float' || l.conv === 'f16' ? 4 : 8)));
  const step = Math.max(1, blockRows ?? Math.max(256, Math.floor((1 << 20) / widest)));
  // The columns are read one after the other, never two at once: they share one scratch
  // (decompressed pages, levels, indices, large pages), sized by the largest page of any, rather
  // than one each (11 columns of 1 MB dictionary pages: 2 x 11 MB a thread). Each column's next
  // bytes are read ahead while the others decode (ByteCursor), so no waiting comes of it.
  const scratch = spareScratch.pop() ?? newScratch();
  const readers = chosen.map((l) => new ColumnReader(ctx, l, start, end, scratch));
  try {
    for (let at = start; at < end; ) {
      if (signal?.aborted) throw new ColumnarError('read cancelled');
      let size = Math.min(step, end - at);
      const parts: Values[] = [];
      if (blockRows === undefined) {
        // Blocks end where some column's decoded page ends: every column's values are then views
        // on its page, never copied (pages of different columns end on different rows).
        for (const r of readers) size = Math.min(size, await r.ready(size));
        for (const r of readers) parts.push(r.take(size));
      } else {
        for (const r of readers) parts.push(await r.read(size));
      }
      const values = new Map<string, NumericArray | (string | null)[]>();
      chosen.forEach((l, i) => values.set(l.info.name, parts[i]!));
      yield { start: at, size, values };
      at += size;
    }
  } finally {
    await Promise.all(readers.map((r) => r.close()));
    // The caller is done with the last block: the readers' memory may serve the next read.
    for (const r of readers) r.release();
    if (spareScratch.length < 16) spareScratch.push(scratch);
  }
}

// ---------------------------------------------------------------------------------------------
// Bytes of a column chunk, streamed.

/**
 * Bytes a column's cursor reads at a time. A read opens the file, reads and closes it (a source
 * streams 1 MiB chunks into buffers of its own, which a cursor kept open per column would hold:
 * 2 MiB a column, 22 MiB a thread for 11 columns); the next window is read while this one is
 * decoded, so the opening costs no waiting.
 */
const WINDOW = 256 * 1024;

/** A cursor's own memory, kept with the column's (see Memory): the window, and the next one being read. */
interface CursorBuffers {
  win?: Uint8Array;
  ahead?: Uint8Array;
}

/** Bytes [start, start + n) of the source into `out` at `at`: read at the position where the source can. */
async function readInto(source: ByteSource, start: number, n: number, out: Uint8Array, at: number, end: number): Promise<void> {
  const o = source.readInto !== undefined ? await source.readInto(out.subarray(at, at + n), start) : await streamInto(source, start, n, out, at);
  if (o < n) throw new ColumnarError(`the file ends at byte ${start + o}, inside a column chunk that goes on to byte ${end}: it was cut short`);
}

async function streamInto(source: ByteSource, start: number, n: number, out: Uint8Array, at: number): Promise<number> {
  let o = 0;
  for await (const chunk of source.chunks({ start, end: start + n }, { reuseBuffers: true })) {
    const take = Math.min(chunk.length, n - o);
    out.set(chunk.subarray(0, take), at + o);
    o += take;
    if (o >= n) break;
  }
  return o;
}

/**
 * Bytes [start, end) of the source (a column chunk), a page at a time, through a window of
 * WINDOW bytes: a page lying in it is a view (no copy); a larger page (a dictionary, a writer's
 * 1 MB pages) is gathered in the read's `big` buffer, shared by its columns, which the read
 * decodes one at a time. The unread bytes are win[pos, len), then `ahead` once it lands.
 */
class ByteCursor {
  private win: Uint8Array;
  private ahead: Uint8Array;
  private pos = 0;
  private len = 0;
  /** The file offset of the next unread byte, of the byte after the window's, and of the range's end. */
  private at = 0;
  private fetched = 0;
  private end = 0;
  /** The read of bytes [fetched, fetched + n) into `ahead`: n once landed. */
  private pending: Promise<number> | undefined;
  /** The last read into `ahead`, wanted or dropped (a skip, a close): the next waits for it. */
  private landing: Promise<number> | undefined;
  /** Bytes of the last peek gathered in `big` (0: the peek was a view on the window). */
  private gathered = 0;

  constructor(
    private readonly source: ByteSource,
    private readonly scratch: Scratch,
    buffers: CursorBuffers,
  ) {
    this.win = buffers.win ??= new Uint8Array(2 * WINDOW);
    this.ahead = buffers.ahead ??= new Uint8Array(WINDOW);
  }

  /** Starts on bytes [start, end) (one column's chunks, row group after row group). */
  async reset(start: number, end: number): Promise<void> {
    await this.close();
    this.at = this.fetched = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.at;
  }

  /** The next min(n, remaining) bytes, contiguous; valid until the next call (of any cursor of the read). */
  async peek(n: number): Promise<Uint8Array> {
    if (this.gathered > 0) await this.restart();
    const want = Math.min(n, this.remaining);
    if (this.len - this.pos < want) {
      if (want > WINDOW) return this.gather(want);
      await this.fill(want);
    }
    return this.win.subarray(this.pos, this.pos + want);
  }

  advance(n: number): void {
    this.at += n;
    if (this.gathered > 0) {
      // All of the gathered bytes taken: what follows them is in the window.
      if (n === this.gathered) this.gathered = 0;
      return;
    }
    this.pos += n;
  }

  /** Passes over n bytes: past the window, reading starts again after them. */
  async skip(n: number): Promise<void> {
    if (this.gathered > 0) await this.restart();
    if (n <= this.len - this.pos) {
      this.advance(n);
      return;
    }
    const target = this.at + n;
    await this.close();
    this.at = this.fetched = target;
  }

  async close(): Promise<void> {
    this.pending = undefined;
    this.pos = this.len = this.gathered = 0;
    this.fetched = this.at;
    // A read in flight still lands in `ahead`: the memory is free once it has.
    await this.landing?.catch(() => 0);
  }

  /** After a gathered peek taken only in part (a page header): the window is read again from `at`. */
  private async restart(): Promise<void> {
    const at = this.at;
    await this.close();
    this.at = this.fetched = at;
  }

  /** Fills the window to at least `want` bytes (want <= WINDOW), then starts reading the next ones. */
  private async fill(want: number): Promise<void> {
    if (this.pos > 0) {
      this.win.copyWithin(0, this.pos, this.len);
      this.len -= this.pos;
      this.pos = 0;
    }
    while (this.len < want) {
      // The window holds fewer than WINDOW bytes here: another WINDOW fit in its 2 * WINDOW.
      if (this.pending !== undefined) {
        const k = await this.pending;
        this.pending = undefined;
        this.win.set(this.ahead.subarray(0, k), this.len);
        this.len += k;
        this.fetched += k;
        continue;
      }
      const k = Math.min(WINDOW, this.end - this.fetched);
      if (k <= 0) throw new ColumnarError(`a page goes past the end of its column chunk (byte ${this.end}): the file is damaged`);
      await readInto(this.source, this.fetched, k, this.win, this.len, this.end);
      this.len += k;
      this.fetched += k;
    }
    this.readAhead();
  }

  private readAhead(): void {
    if (this.pending !== undefined || this.fetched >= this.end) return;
    const [start, k] = [this.fetched, Math.min(WINDOW, this.end - this.fetched)];
    const p = (this.landing ?? Promise.resolve(0))
      .catch(() => 0)
      .then(() => readInto(this.source, start, k, this.ahead, 0, this.end))
      .then(() => k);
    // Its failure is met when the bytes are asked for, or not at all when they never are.
    p.catch(() => undefined);
    this.pending = this.landing = p;
  }

  /** A page larger than the window, gathered in the read's shared buffer. */
  private async gather(want: number): Promise<Uint8Array> {
    const big = bigBuffer(this.scratch, want);
    let o = this.len - this.pos;
    big.set(this.win.subarray(this.pos, this.len), 0);
    this.pos = this.len = 0;
    if (this.pending !== undefined) {
      const k = await this.pending;
      this.pending = undefined;
      const use = Math.min(k, want - o);
      big.set(this.ahead.subarray(0, use), o);
      o += use;
      // Bytes read past the page start the window.
      this.win.set(this.ahead.subarray(use, k), 0);
      this.len = k - use;
      this.fetched += k;
    }
    if (o < want) {
      await readInto(this.source, this.fetched, want - o, big, o, this.end);
      this.fetched += want - o;
    }
    this.gathered = want;
    this.readAhead();
    return big.subarray(0, want);
  }
}

// ---------------------------------------------------------------------------------------------
// Pages.

interface PageHeader {
  type: number; // 0 data, 1 index, 2 dictionary, 3 data v2
  uncompressed: number;
  compressed: number;
  numValues: number;
  encoding: number;
  /** V2: rows, nulls, level byte lengths, and whether the values are compressed. */
  numRows?: number;
  repBytes: number;
  defBytes: number;
  isCompressed: boolean;
}

// Encodings (parquet.thrift).
const PLAIN = 0;
const PLAIN_DICTIONARY = 2;
const RLE = 3;
const DELTA_BINARY_PACKED = 5;
const DELTA_LENGTH_BYTE_ARRAY = 6;
const DELTA_BYTE_ARRAY = 7;
const RLE_DICTIONARY = 8;
const BYTE_STREAM_SPLIT = 9;
const ENCODING_NAMES = ['PLAIN', 'GROUP_VAR_INT', 'PLAIN_DICTIONARY', 'RLE', 'BIT_PACKED', 'DELTA_BINARY_PACKED', 'DELTA_LENGTH_BYTE_ARRAY', 'DELTA_BYTE_ARRAY', 'RLE_DICTIONARY', 'BYTE_STREAM_SPLIT', 'ALP'];

async function readPageHeader(cursor: ByteCursor): Promise<PageHeader> {
  for (let want = 256; ; want *= 4) {
    const bytes = await cursor.peek(want);
    const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
    let h: Record<string, unknown>;
    try {
      h = deserializeTCompactProtocol(reader) as Record<string, unknown>;
    } catch {
      // A header longer than what was looked at (statistics of long texts): look further.
      if (bytes.length < want || want >= 1 << 26) throw new ColumnarError('a page header is damaged');
      continue;
    }
    cursor.advance(reader.offset);
    const v1 = h.field_5 as Record<string, number> | undefined;
    const dict = h.field_7 as Record<string, number> | undefined;
    const v2 = h.field_8 as Record<string, number | boolean> | undefined;
    return {
      type: h.field_1 as number,
      uncompressed: h.field_2 as number,
      compressed: h.field_3 as number,
      numValues: Number(v1?.field_1 ?? dict?.field_1 ?? v2?.field_1 ?? 0),
      encoding: Number(v1?.field_2 ?? dict?.field_2 ?? v2?.field_4 ?? 0),
      numRows: v2 === undefined ? undefined : Number(v2.field_3),
      defBytes: v2 === undefined ? 0 : Number(v2.field_5),
      repBytes: v2 === undefined ? 0 : Number(v2.field_6),
      isCompressed: v2?.field_7 !== false,
    };
  }
}

async function gunzip(input: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([input.slice()]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Snappy (the raw format, no framing): literals and back references. Long literals and matches
 * are bulk copies (snappy leaves random doubles mostly as literals: a byte loop spent 300 ms on
 * the 100 MB benchmark file).
 */
function snappy(input: Uint8Array, output: Uint8Array): void {
  const n = input.length;
  let pos = 0;
  while (pos < n && input[pos++]! & 0x80); // the length, a varint: the caller knows it
  let o = 0;
  while (pos < n) {
    const c = input[pos++]!;
    const tag = c & 3;
    if (tag === 0) {
      let len = c >>> 2;
      if (len >= 60) {
        const bytes = len - 59;
        len = 0;
        for (let k = 0; k < bytes; k++) len += input[pos + k]! * 2 ** (8 * k);
        pos += bytes;
      }
      len += 1;
      if (pos + len > n || o + len > output.length) throw new RangeError('snappy: a literal goes past the end');
      if (len < 16) for (let k = 0; k < len; k++) output[o + k] = input[pos + k]!;
      else output.set(input.subarray(pos, pos + len), o);
      pos += len;
      o += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (tag === 1) {
      len = ((c >>> 2) & 7) + 4;
      offset = ((c >>> 5) << 8) | input[pos++]!;
    } else if (tag === 2) {
      len = (c >>> 2) + 1;
      offset = input[pos]! | (input[pos + 1]! << 8);
      pos += 2;
    } else {
      len = (c >>> 2) + 1;
      offset = (input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16) | (input[pos + 3]! << 24)) >>> 0;
      pos += 4;
    }
    if (offset === 0 || offset > o || o + len > output.length) throw new RangeError('snappy: a copy refers outside the data');
    const from = o - offset;
    if (offset >= len && len >= 16) output.copyWithin(o, from, from + len);
    else for (let k = 0; k < len; k++) output[o + k] = output[from + k]!;
    o += len;
  }
  if (o !== output.length) throw new RangeError(`snappy: the page decompressed to ${o} bytes, its header says ${output.length}`);
}

/**
 * Memory reused page after page: the decompressed bytes, the levels and the dictionary indices,
 * all used up (copied out, or read by the rows' assembly) before the next page is decoded.
 */
interface Scratch {
  bytes: Uint8Array;
  /** A page larger than a cursor's window, gathered (ByteCursor). */
  big?: Uint8Array;
  reps?: Uint8Array;
  defs?: Uint8Array;
  idx?: Int32Array;
}

const newScratch = (): Scratch => ({ bytes: new Uint8Array(0) });

/** Scratch arrays for n levels or indices: the kept ones, grown when too short. */
function levels(s: Scratch, which: 'reps' | 'defs', n: number): Uint8Array {
  const have = s[which];
  const a = have !== undefined && have.length >= n ? have : (s[which] = new Uint8Array(Math.max(n, Math.ceil((have?.length ?? 0) * 1.5))));
  return a.subarray(0, n);
}

function bigBuffer(s: Scratch, n: number): Uint8Array {
  if (s.big === undefined || s.big.length < n) s.big = new Uint8Array(Math.max(n, Math.ceil((s.big?.length ?? 0) * 1.5)));
  return s.big;
}

function indices(s: Scratch, n: number): Int32Array {
  const a = s.idx !== undefined && s.idx.length >= n ? s.idx : (s.idx = new Int32Array(Math.max(n, Math.ceil((s.idx?.length ?? 0) * 1.5))));
  return a.subarray(0, n);
}

function scratchOf(scratch: Scratch | undefined, size: number): Uint8Array {
  if (scratch === undefined) return new Uint8Array(size);
  if (scratch.bytes.length < size) scratch.bytes = new Uint8Array(Math.max(size, scratch.bytes.length * 2));
  return scratch.bytes.subarray(0, size);
}

/**
 * A page's bytes, decompressed: a view on the input (uncompressed) or on `scratch`, valid until
 * the next page, or a new array.
 */
async function decompress(codec: string, input: Uint8Array, size: number, scratch?: Scratch): Promise<Uint8Array> {
  let out: Uint8Array;
  switch (codec) {
    case 'UNCOMPRESSED':
      return input;
    case 'SNAPPY':
      out = scratchOf(scratch, size);
      snappy(input, out);
      return out;
    case 'ZSTD':
      // No output buffer: fzstd compares it with 1 (w == 1), which turns a 1 MB array into a string.
      out = zstdDecompress(input);
      break;
    case 'GZIP':
      out = await gunzip(input);
      break;
    case 'LZ4_RAW':
      out = scratchOf(scratch, size);
      if (lz4Block(input, out, 0) !== size) throw new RangeError('lz4: the page is shorter than its header says');
      break;
    case 'LZ4':
      out = lz4Hadoop(input, size);
      break;
    default:
      throw new ColumnarError(`its pages are compressed with ${codec}, which Loss Lens does not read: write it again with compression="zstd" or "snappy" (pandas: df.to_parquet(path, compression="zstd"))`);
  }
  if (out.length !== size) throw new RangeError(`the page decompressed to ${out.length} bytes, its header says ${size}`);
  return out;
}

/** Parquet's old LZ4 codec: Hadoop's framing (big-endian sizes before each block), or a bare block. */
function lz4Hadoop(input: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let i = 0;
  let o = 0;
  try {
    while (i + 8 <= input.length) {
      const raw = ((input[i]! << 24) | (input[i + 1]! << 16) | (input[i + 2]! << 8) | input[i + 3]!) >>> 0;
      const packed = ((input[i + 4]! << 24) | (input[i + 5]! << 16) | (input[i + 6]! << 8) | input[i + 7]!) >>> 0;
      if (packed > input.length - i - 8 || o + raw > size) throw new RangeError('not hadoop');
      if (lz4Block(input.subarray(i + 8, i + 8 + packed), out.subarray(0, o + raw), o) !== o + raw) throw new RangeError('not hadoop');
      i += 8 + packed;
      o += raw;
    }
    if (i === input.length && o === size) return out;
  } catch {
    // a bare block
  }
  out.fill(0);
  lz4Block(input, out, 0);
  return out;
}

/**
 * Decodes `count` values of the RLE / bit-packed hybrid encoding from data[pos, end) into out.
 * Returns the position after the last run read.
 */
function readHybrid(data: Uint8Array, pos: number, end: number, width: number, out: Uint8Array | Int32Array, count: number): number {
  let i = 0;
  const bytes = (width + 7) >> 3;
  const mask = width >= 32 ? -1 : (1 << width) - 1;
  while (i < count && pos < end) {
    let header = 0;
    let shift = 0;
    let b: number;
    do {
      b = data[pos++]!;
      header += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    if (header % 2 === 0) {
      // A run: one value, repeated.
      const run = Math.floor(header / 2);
      let v = 0;
      for (let k = 0; k < bytes; k++) v |= data[pos++]! << (8 * k);
      out.fill(v, i, Math.min(count, i + run));
      i += run;
    } else {
      // Groups of 8 values, `width` bits each, least significant bit first.
      const groups = Math.floor(header / 2);
      const n = groups * 8;
      const stop = Math.min(count, i + n);
      if (width <= 24) {
        let acc = 0;
        let bits = 0;
        let p = pos;
        for (let k = i; k < stop; k++) {
          while (bits < width) {
            acc |= data[p++]! << bits;
            bits += 8;
          }
          out[k] = acc & mask;
          acc >>>= width;
          bits -= width;
        }
      } else {
        for (let k = i; k < stop; k++) {
          const bit = (k - i) * width;
          let v = 0;
          for (let j = 0; j < width; j++) {
            const at = bit + j;
            if (data[pos + (at >> 3)]! & (1 << (at & 7))) v += 2 ** j;
          }
          out[k] = v;
        }
      }
      pos += groups * width;
      i += n;
    }
  }
  if (i < count) throw new RangeError('the levels or indices end early');
  return pos;
}

/** A page decoded: its levels (absent: all at their maximum) and its non-null values. */
interface Page {
  levels: number;
  reps: Uint8Array | undefined;
  defs: Uint8Array | undefined;
  values: Values;
  /** Values that are not null (defs at the maximum). */
  present: number;
}

/** `n` PLAIN values at data[pos..] as the leaf's numbers or texts. */
function plainValues(leaf: Leaf, data: Uint8Array, pos: number, n: number, alloc: Alloc): Values {
  switch (leaf.conv) {
    case 'double':
    case 'float': {
      const out = alloc(n);
      new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(data.subarray(pos, pos + out.byteLength));
      return out;
    }
    case 'f16': {
      const out = alloc(n);
      out.set(decodeNumbers(data.subarray(pos, pos + 2 * n), F16, n));
      return out;
    }
    case 'int32':
    case 'uint32': {
      const ints = int32s(data, pos, n);
      const out = alloc(n);
      if (leaf.conv === 'int32') out.set(ints);
      else for (let i = 0; i < n; i++) out[i] = ints[i]! >>> 0;
      return out;
    }
    case 'int64':
    case 'uint64': {
      const w = int32s(data, pos, 2 * n);
      const out = alloc(n);
      // Two 32-bit halves: exact up to 2^53, enough for any label or id.
      if (leaf.conv === 'int64') for (let i = 0; i < n; i++) out[i] = w[2 * i + 1]! * 4294967296 + (w[2 * i]! >>> 0);
      else for (let i = 0; i < n; i++) out[i] = (w[2 * i + 1]! >>> 0) * 4294967296 + (w[2 * i]! >>> 0);
      return out;
    }
    case 'bool': {
      const out = alloc(n);
      for (let i = 0; i < n; i++) out[i] = (data[pos + (i >> 3)]! >> (i & 7)) & 1;
      return out;
    }
    case 'string': {
      const out: (string | null)[] = new Array<string | null>(n);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      for (let i = 0; i < n; i++) {
        const len = view.getUint32(pos, true);
        out[i] = utf8.decode(data.subarray(pos + 4, pos + 4 + len));
        pos += 4 + len;
      }
      return out;
    }
  }
}

/** n int32s at data[pos..]: a view when aligned, else a copy. */
function int32s(data: Uint8Array, pos: number, n: number): Int32Array {
  const at = data.byteOffset + pos;
  return at % 4 === 0 ? new Int32Array(data.buffer, at, n) : new Int32Array(data.slice(pos, pos + 4 * n).buffer);
}

/** Values of any other encoding than PLAIN and the dictionary's. */
function encodedValues(leaf: Leaf, encoding: number, data: Uint8Array, pos: number, n: number, alloc: Alloc): Values {
  const reader = () => ({ view: new DataView(data.buffer, data.byteOffset, data.byteLength), offset: pos });
  if (encoding === BYTE_STREAM_SPLIT && leaf.conv !== 'string' && leaf.conv !== 'bool') {
    const size = leaf.conv === 'double' || leaf.conv === 'int64' || leaf.conv === 'uint64' ? 8 : leaf.conv === 'f16' ? 2 : 4;
    const joined = new Uint8Array(n * size);
    for (let k = 0; k < size; k++) {
      const from = pos + k * n;
      for (let i = 0; i < n; i++) joined[i * size + k] = data[from + i]!;
    }
    return plainValues(leaf, joined, 0, n, alloc);
  }
  if (encoding === RLE && leaf.conv === 'bool') {
    const bits = new Uint8Array(n);
    const len = new DataView(data.buffer, data.byteOffset + pos, 4).getUint32(0, true);
    readHybrid(data, pos + 4, pos + 4 + len, 1, bits, n);
    return Float64Array.from(bits);
  }
  if (encoding === DELTA_BINARY_PACKED && (leaf.conv === 'int32' || leaf.conv === 'uint32')) {
    const ints = new Int32Array(n);
    deltaBinaryUnpack(reader(), n, ints);
    return leaf.conv === 'int32' ? Float64Array.from(ints) : Float64Array.from(ints, (x) => x >>> 0);
  }
  if (encoding === DELTA_BINARY_PACKED && (leaf.conv === 'int64' || leaf.conv === 'uint64')) {
    const big = new BigInt64Array(n);
    deltaBinaryUnpack(reader(), n, big);
    return leaf.conv === 'int64' ? Float64Array.from(big, Number) : Float64Array.from(big, (x) => Number(BigInt.asUintN(64, x)));
  }
  if ((encoding === DELTA_LENGTH_BYTE_ARRAY || encoding === DELTA_BYTE_ARRAY) && leaf.conv === 'string') {
    const raw: Uint8Array[] = new Array<Uint8Array>(n);
    if (encoding === DELTA_LENGTH_BYTE_ARRAY) deltaLengthByteArray(reader(), n, raw);
    else deltaByteArray(reader(), n, raw);
    return raw.map((b) => utf8.decode(b));
  }
  throw new ColumnarError(`its values are written with the ${ENCODING_NAMES[encoding] ?? `#${encoding}`} encoding, which Loss Lens does not read for ${leaf.info.dtype}: write it again with pyarrow or pandas defaults`);
}

/** Dictionary values at the page's indices. */
function gather(dict: Values, idx: Int32Array, alloc: Alloc): Values {
  const n = idx.length;
  if (Array.isArray(dict)) {
    const out: (string | null)[] = new Array<string | null>(n);
    for (let i = 0; i < n; i++) out[i] = dict[idx[i]!] ?? null;
    return out;
  }
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = dict[idx[i]!]!;
  return out;
}

function valuesOf(leaf: Leaf, encoding: number, data: Uint8Array, pos: number, n: number, dict: Values | undefined, alloc: Alloc, scratch: Scratch): Values {
  if (encoding === PLAIN) return plainValues(leaf, data, pos, n, alloc);
  if (encoding === RLE_DICTIONARY || encoding === PLAIN_DICTIONARY) {
    if (dict === undefined) throw new ColumnarError('a dictionary-encoded page comes before any dictionary: the file is damaged');
    const width = data[pos]!;
    const idx = indices(scratch, n);
    if (n > 0 && width > 0) readHybrid(data, pos + 1, data.length, width, idx, n);
    return gather(dict, idx, alloc);
  }
  return encodedValues(leaf, encoding, data, pos, n, alloc);
}

/** Counts the levels at `max`. */
function countAt(defs: Uint8Array, max: number): number {
  let c = 0;
  for (let i = 0; i < defs.length; i++) if (defs[i] === max) c++;
  return c;
}

/** A data page (v1 or v2) decoded. */
async function decodeDataPage(leaf: Leaf, codec: string, h: PageHeader, raw: Uint8Array, dict: Values | undefined, io: PageIO): Promise<Page> {
  const scratch = io.scratch;
  const n = h.numValues;
  let reps: Uint8Array | undefined;
  let defs: Uint8Array | undefined;
  let data: Uint8Array;
  let pos: number;
  if (h.type === 3) {
    // v2: the levels uncompressed before the values, their lengths in the header.
    if (leaf.maxRep > 0) readHybrid(raw, 0, h.repBytes, bitWidth(leaf.maxRep), (reps = levels(scratch, 'reps', n)), n);
    if (leaf.maxDef > 0) readHybrid(raw, h.repBytes, h.repBytes + h.defBytes, bitWidth(leaf.maxDef), (defs = levels(scratch, 'defs', n)), n);
    const body = raw.subarray(h.repBytes + h.defBytes);
    const size = h.uncompressed - h.repBytes - h.defBytes;
    data = h.isCompressed && size > 0 ? await decompress(codec, body, size, scratch) : body;
    pos = 0;
  } else {
    data = await decompress(codec, raw, h.uncompressed, scratch);
    pos = 0;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (leaf.maxRep > 0) {
      const len = view.getUint32(pos, true);
      readHybrid(data, pos + 4, pos + 4 + len, bitWidth(leaf.maxRep), (reps = levels(scratch, 'reps', n)), n);
      pos += 4 + len;
    }
    if (leaf.maxDef > 0) {
      const len = view.getUint32(pos, true);
      readHybrid(data, pos + 4, pos + 4 + len, bitWidth(leaf.maxDef), (defs = levels(scratch, 'defs', n)), n);
      pos += 4 + len;
    }
  }
  const present = defs === undefined ? n : countAt(defs, leaf.maxDef);
  const values = valuesOf(leaf, h.encoding, data, pos, present, dict, io.alloc, scratch);
  if (values.length < present) throw new RangeError('the values end early');
  return { levels: n, reps: reps, defs: present === n ? undefined : defs, values, present };
}

/** The pages of one column chunk (one row group's column), in order. */
/** What a column's pages are read with, reused chunk after chunk: a cursor, memory for decompressing, arrays for values. */
interface PageIO {
  cursor: ByteCursor;
  scratch: Scratch;
  alloc: Alloc;
  /** For dictionaries: one lives at a time, until the next chunk's replaces it. */
  allocDict: Alloc;
}

/** A column reader's memory: kept for the next read on this thread when a read ends. */
interface Memory extends CursorBuffers {
  f32: boolean;
  pool: Pool;
  dicts: Pool;
  joined: Pool;
}

/**
 * Memory of finished reads, for the next ones on this thread: a split read opens a reader per
 * column per piece (the CLI: eight pieces over two threads), and fresh memory each time is
 * garbage the collector is slow to return (measured, the CLI on 1M x 11 columns in one row group:
 * 2.2-2.6 s and 330 MB peak RSS with fresh memory per read, 1.3 s and 275 MB reused). Scratch is
 * a read's, shared by its columns (see parquetBlocks).
 */
const spare: Memory[] = [];
const spareScratch: Scratch[] = [];

function memoryFor(f32: boolean): Memory {
  const i = spare.findIndex((m) => m.f32 === f32);
  if (i >= 0) return spare.splice(i, 1)[0]!;
  return { f32, pool: new Pool(f32), dicts: new Pool(f32), joined: new Pool(f32) };
}

function pageIO(source: ByteSource, leaf: Leaf, scratch: Scratch, memory?: Memory): PageIO {
  if (memory === undefined) return { cursor: new ByteCursor(source, scratch, {}), scratch, alloc: fresh(leaf), allocDict: fresh(leaf) };
  const { pool, dicts } = memory;
  // Dictionaries: the same array every time (a chunk's dictionary outlives its pages, not the chunk).
  return { cursor: new ByteCursor(source, scratch, memory), scratch, alloc: (n) => pool.get(n), allocDict: (n) => dicts.get(n, true) };
}

class ChunkPages {
  private readonly cursor: ByteCursor;
  private readonly codec: string;
  /** Levels still to come (the chunk's num_values): the chunk ends when none are left. */
  private levelsLeft: number;
  dict: Values | undefined;

  private constructor(
    private readonly leaf: Leaf,
    private readonly io: PageIO,
    private readonly what: string,
    m: ColumnMetaData,
  ) {
    this.cursor = io.cursor;
    this.codec = m.codec;
    this.levelsLeft = Number(m.num_values);
  }

  /** The pages of a column chunk, read through `io` (a cursor and memory reused chunk after chunk). */
  static async open(leaf: Leaf, chunk: ColumnChunk, what: string, io: PageIO): Promise<ChunkPages> {
    const m = chunk.meta_data;
    if (m === undefined) throw new ColumnarError(`${what}: the column chunk has no metadata (an encrypted or external file?)`);
    const dictAt = m.dictionary_page_offset !== undefined && m.dictionary_page_offset > 0n ? Number(m.dictionary_page_offset) : Infinity;
    const start = Math.min(Number(m.data_page_offset), dictAt);
    await io.cursor.reset(start, start + Number(m.total_compressed_size));
    return new ChunkPages(leaf, io, what, m);
  }

  /**
   * The next data page, decoded; undefined at the chunk's end. `skipRows`: rows the caller will
   * drop anyway; a page known to hold no more rows than that is passed over undecoded, and its
   * rows are returned as a number instead.
   */
  async next(skipRows = 0): Promise<Page | number | undefined> {
    try {
      while (this.levelsLeft > 0 && this.cursor.remaining > 0) {
        const h = await readPageHeader(this.cursor);
        if (h.type === 2) {
          const raw = await this.cursor.peek(h.compressed);
          const data = await decompress(this.codec, raw, h.uncompressed, this.io.scratch);
          this.dict = plainValues(this.leaf, data, 0, h.numValues, this.io.allocDict);
          this.cursor.advance(h.compressed);
          continue;
        }
        if (h.type !== 0 && h.type !== 3) {
          await this.cursor.skip(h.compressed);
          continue;
        }
        this.levelsLeft -= h.numValues;
        const rows = h.numRows ?? (this.leaf.maxRep === 0 ? h.numValues : undefined);
        if (rows !== undefined && rows <= skipRows) {
          await this.cursor.skip(h.compressed);
          return rows;
        }
        const raw = await this.cursor.peek(h.compressed);
        const page = await decodeDataPage(this.leaf, this.codec, h, raw, this.dict, this.io);
        this.cursor.advance(h.compressed);
        return page;
      }
      return undefined;
    } catch (err) {
      if (err instanceof ColumnarError && err.message.startsWith(this.what)) throw err;
      throw new ColumnarError(`${this.what}: ${err instanceof ColumnarError ? err.message : `a page cannot be decoded (${err instanceof Error ? err.message : String(err)}): the file is damaged`}`);
    }
  }

  close(): Promise<void> {
    return this.cursor.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Rows.

/** A scalar column's page as one value per row, null: NaN (numbers) or null (texts). */
function scalarRows(leaf: Leaf, page: Page, alloc: Alloc): Values {
  if (page.defs === undefined) return page.values;
  const out = leaf.conv === 'string' ? new Array<string | null>(page.levels) : alloc(page.levels);
  const defs = page.defs;
  const max = leaf.maxDef;
  let j = 0;
  if (Array.isArray(out)) {
    const v = page.values as (string | null)[];
    for (let i = 0; i < page.levels; i++) out[i] = defs[i] === max ? v[j++]! : null;
  } else {
    const v = page.values as Float64Array | Float32Array;
    for (let i = 0; i < page.levels; i++) out[i] = defs[i] === max ? v[j++]! : NaN;
  }
  return out;
}

/**
 * The class order of each text column whose writer recorded one (categories.ts): a pandas
 * Categorical's categories, which pyarrow writes as the column's dictionary, unused and unsorted
 * ones included (`pd.Categorical(names, categories=id2label)`: cat, dog, bird), read from the first
 * row group's dictionary page; a polars Enum's values, from the Arrow schema polars stores in the
 * file's metadata (`ARROW:schema`), as the column itself holds plain strings.
 */
async function labelCategories(ctx: FileCtx, leaves: Leaf[]): Promise<Map<string, Categories>> {
  const out = new Map<string, Categories>();
  const kv = (key: string) => ctx.metadata.key_value_metadata?.find((x) => x.key === key)?.value;
  const categorical = pandasCategoricalColumns(kv('pandas'));
  const arrowFields = arrowSchemaFields(kv('ARROW:schema'));
  for (const leaf of leaves) {
    if (leaf.info.kind !== 'string' || leaf.info.vector || leaf.chunk < 0) continue;
    const name = leaf.info.name;
    const values = polarsEnumValues(arrowFields.get(name) ?? new Map());
    if (values !== undefined) {
      out.set(name, { names: values, from: `the values of the polars Enum column ${name}, in their order (the file's Arrow schema)` });
      continue;
    }
    if (!categorical.has(name) || ctx.groups.length === 0) continue;
    const chunk = ctx.metadata.row_groups[0]!.columns[leaf.chunk]!;
    if (!(chunk.meta_data?.dictionary_page_offset !== undefined && chunk.meta_data.dictionary_page_offset > 0n)) continue;
    const pages = await ChunkPages.open(leaf, chunk, `${ctx.file}, column ${name}`, pageIO(ctx.source, leaf, newScratch()));
    try {
      await pages.next();
      const dict = pages.dict;
      if (Array.isArray(dict) && dict.every((x): x is string => typeof x === 'string')) {
        out.set(name, { names: [...dict], from: `the categories of the pandas Categorical column ${name}, in their order: the Parquet dictionary` });
      }
    } finally {
      await pages.close();
    }
  }
  return out;
}

/** The first row's list length of a list column (the first row that is not null). */
async function firstListLength(ctx: FileCtx, leaf: Leaf): Promise<number> {
  for (let g = 0; g < ctx.groups.length; g++) {
    if (ctx.groups[g] === 0) continue;
    const pages = await ChunkPages.open(leaf, ctx.metadata.row_groups[g]!.columns[leaf.chunk]!, `${ctx.file}, column ${leaf.info.name}`, pageIO(ctx.source, leaf, newScratch()));
    try {
      let count = -1;
      for (;;) {
        const page = await pages.next();
        if (page === undefined) return Math.max(count, 0);
        if (typeof page === 'number') continue;
        for (let i = 0; i < page.levels; i++) {
          const rep = page.reps?.[i] ?? 0;
          const def = page.defs?.[i] ?? leaf.maxDef;
          if (rep === 0) {
            if (count >= 0) return count;
            if (def >= leaf.defElem - 1) count = 0; // not a null list
          }
          if (count >= 0 && def >= leaf.defElem) count++;
        }
      }
    } finally {
      await pages.close();
    }
  }
  return 0;
}

/** One column's rows [start, end) in order, page by page, row group after row group. */
class ColumnReader {
  private g: number;
  /** Rows of the current group to drop before the range starts. */
  private skip: number;
  private left: number;
  private pages: ChunkPages | undefined;
  /** The row (file-wide) the current group's next assembled row will be. */
  private row = 0;
  /** Decoded rows not handed out yet. */
  private buf: Values | undefined;
  private bufPos = 0;
  private bufRows = 0;
  /** A list row begun on one page that may go on in the next (v1 pages). */
  private carry: Float64Array | Float32Array | undefined;
  private carryLen = 0;
  private readonly width: number;
  private readonly what: string;
  private readonly io: PageIO;
  /** Blocks of rows copied together from several pages (read), two in turn. */
  private readonly joined: Pool;
  private memory: Memory | undefined;

  constructor(
    private readonly ctx: FileCtx,
    private readonly leaf: Leaf,
    start: number,
    private readonly end: number,
    scratch: Scratch,
  ) {
    this.g = 0;
    while (this.g < ctx.groups.length && ctx.starts[this.g]! + ctx.groups[this.g]! <= start) this.g++;
    this.skip = this.g < ctx.groups.length ? start - ctx.starts[this.g]! : 0;
    this.left = Math.max(0, end - start);
    this.width = leaf.info.width;
    this.what = `${ctx.file}, column ${leaf.info.name}`;
    this.memory = memoryFor(isF32(leaf));
    this.io = pageIO(ctx.source, leaf, scratch, this.memory);
    this.joined = this.memory.joined;
  }

  /** Rows decoded and ready to take, at most n (at least 1: decodes the next page if none is). */
  async ready(n: number): Promise<number> {
    if (this.bufPos >= this.bufRows && !(await this.fill())) {
      throw new ColumnarError(`${this.what}: the row groups end before the ${Number(this.ctx.metadata.num_rows)} rows the footer says: the file is damaged`);
    }
    return Math.min(n, this.bufRows - this.bufPos);
  }

  /** The next n rows of those ready (n * width values, a view on the decoded page). */
  take(n: number): Values {
    const out = slice(this.buf!, this.bufPos * this.width, (this.bufPos + n) * this.width);
    this.bufPos += n;
    this.left -= n;
    // The range's last row: release the file now rather than when the caller closes the iteration.
    if (this.left <= 0) void this.close();
    return out;
  }

  /** The next n rows (n * width values), copied together when they span pages. */
  async read(n: number): Promise<Values> {
    const first = this.take(await this.ready(n));
    if (first.length === n * this.width) return first;
    // Copied as they come: the next page may reuse the memory of the one before.
    const w = this.width;
    let got = first.length / w;
    if (Array.isArray(first)) {
      const out = first.slice();
      while (got < n) {
        const part = this.take(await this.ready(n - got)) as (string | null)[];
        for (const v of part) out.push(v);
        got += part.length;
      }
      return out;
    }
    const out = this.joined.get(n * w);
    out.set(first, 0);
    while (got < n) {
      const part = this.take(await this.ready(n - got)) as Numbers;
      out.set(part, got * w);
      got += part.length / w;
    }
    return out;
  }

  /** Decodes the next page's rows into buf; false when the range's row groups are read. */
  private async fill(): Promise<boolean> {
    for (;;) {
      if (this.pages === undefined) {
        if (this.g >= this.ctx.groups.length) return false;
        this.pages = await ChunkPages.open(this.leaf, this.ctx.metadata.row_groups[this.g]!.columns[this.leaf.chunk]!, this.what, this.io);
        this.row = this.ctx.starts[this.g]!;
        this.carryLen = -1;
      }
      const page = await this.pages.next(this.skip);
      let rows: Values;
      if (page === undefined) {
        // The chunk's end: a list row still open is complete.
        const last = this.leaf.maxRep > 0 ? this.finishCarry() : undefined;
        this.pages = undefined;
        this.g++;
        if (last === undefined) continue;
        rows = last;
      } else if (typeof page === 'number') {
        this.skip -= page;
        this.row += page;
        continue;
      } else {
        rows = this.leaf.maxRep > 0 ? this.listRows(page) : scalarRows(this.leaf, page, this.io.alloc);
        if (this.leaf.maxRep === 0) this.row += page.levels;
      }
      const count = rows.length / this.width;
      const drop = Math.min(this.skip, count);
      this.skip -= drop;
      if (drop === count) continue;
      this.buf = rows;
      this.bufPos = drop;
      this.bufRows = count;
      return true;
    }
  }

  /** The row left open at a chunk's end, checked; undefined when there is none. */
  private finishCarry(): Values | undefined {
    if (this.carryLen < 0 || this.carry === undefined) return undefined;
    this.checkLength(this.carryLen);
    this.row++;
    const out = this.carry.slice(0, this.width);
    this.carryLen = -1;
    return out;
  }

  private checkLength(len: number): void {
    if (len !== this.width) {
      throw new ColumnarError(`${this.what}: row ${this.row + 1} holds ${len} value${len === 1 ? '' : 's'} where the rows before hold ${this.width}: a list column of scores needs the same length in every row`);
    }
  }

  /**
   * A list column's page as complete rows of `width` values; the last row begun stays open
   * (carry) until the next page shows whether it goes on.
   */
  private listRows(page: Page): Values {
    const { reps, defs, levels } = page;
    const w = this.width;
    const values = page.values as Float64Array | Float32Array;
    const maxDef = this.leaf.maxDef;
    const defElem = this.leaf.defElem;
    let starts = 0;
    for (let i = 0; i < levels; i++) if ((reps?.[i] ?? 0) === 0) starts++;
    const out = this.io.alloc((starts + 1) * w);
    let r = -1;
    let fill = 0;
    if (this.carryLen >= 0 && this.carry !== undefined) {
      out.set(this.carry.subarray(0, this.carryLen), 0);
      r = 0;
      fill = this.carryLen;
    }
    let j = 0;
    for (let i = 0; i < levels; i++) {
      const def = defs === undefined ? maxDef : defs[i]!;
      if ((reps === undefined ? 0 : reps[i]!) === 0) {
        if (r >= 0) {
          this.checkLength(fill);
          this.row++;
          if (this.row >= this.end) {
            // The range's rows are all here: what follows is not read (nor checked).
            this.carryLen = -1;
            return out.subarray(0, (r + 1) * w);
          }
        }
        r++;
        fill = 0;
        if (def < defElem - 1) {
          throw new ColumnarError(`${this.what}: row ${this.row + 1} is null (no list) where a list of ${w} values was expected: drop or fill the rows without scores`);
        }
      }
      if (def >= defElem) {
        if (fill >= w) throw new ColumnarError(`${this.what}: row ${this.row + 1} holds more than ${w} values where the rows before hold ${w}: a list column of scores needs the same length in every row`);
        out[r * w + fill++] = def === maxDef ? values[j++]! : NaN;
      }
    }
    if (r < 0) return out.subarray(0, 0);
    // Row r stays open.
    this.carry ??= fresh(this.leaf)(w);
    this.carry.set(out.subarray(r * w, r * w + fill));
    this.carryLen = fill;
    return out.subarray(0, r * w);
  }

  /** Hands the reader's memory on to the next read on this thread (once its blocks are no longer used). */
  release(): void {
    if (this.memory !== undefined && spare.length < 64) spare.push(this.memory);
    this.memory = undefined;
  }

  async close(): Promise<void> {
    this.pages = undefined;
    this.g = this.ctx.groups.length;
    await this.io.cursor.close();
  }
}

function slice(v: Values, from: number, to: number): Values {
  if (from === 0 && to === v.length) return v;
  return Array.isArray(v) ? v.slice(from, to) : v.subarray(from, to);
}
