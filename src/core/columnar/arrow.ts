/**
 * Arrow IPC files (`.arrow`, Feather v2 `.feather`: pyarrow `write_feather`, pandas `to_feather`,
 * polars `write_ipc`) and IPC streams (Hugging Face datasets' `.arrow` cache files) as columns.
 *
 * Hand-written (the format is flatbuffer headers and raw little-endian buffers): apache-arrow
 * 21.2.0 would add 233 KB minified (56 KB gzipped) to every bundle, more than the rest of the
 * binary readers together, and reads an IPC *file* from a stream by loading it whole; here each
 * record batch is found by its position (the file's footer, or a walk over a stream's message
 * headers), so ranges of rows split the work and only the asked columns' buffers are read.
 * Compressed bodies: LZ4 frames (pyarrow's default for Feather; decoded here) and zstd (fzstd).
 *
 * Memory: one record batch of the asked columns (its buffers, decompressed), plus the block being
 * handed out; the dictionaries of dictionary-encoded columns (class names) are read when the file
 * is opened and kept. Blocks are views on the batch's memory, reused by the next batch: valid
 * until the next block is asked for, as the other binary readers' are.
 *
 * Nulls: NaN in a numeric column (the shared reader reports the row), null in a text column; a
 * null or a list of another length in a list column (List, LargeList, FixedSizeList) is a
 * ColumnarError naming the row (1-based) and the column.
 */
import { decompress as zstdDecompress } from 'fzstd';
import type { ByteSource } from '../parse/types';
import { readAt, readExactly, sizedSource } from './bytes';
import { type Categories, pandasCategoricalColumns, polarsEnumValues } from './categories';
import { classLabelNames, markClassIdLists } from './hf-features';
import { DecodeScratch, decodeNumbers } from './ndarray';
import { ColumnarError, type ColumnarFile, type ColumnBlock, type ColumnInfo, type NumericArray } from './types';

/**
 * Decodes one LZ4 block (the raw format, no frame) from `input` into `output` at `at`, where the
 * block may refer back to bytes already in `output` before `at` (linked blocks of a frame).
 * Returns the position after the last byte written.
 */
export function lz4Block(input: Uint8Array, output: Uint8Array, at: number): number {
  let o = at;
  let i = 0;
  const n = input.length;
  while (i < n) {
    const token = input[i++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        b = input[i++]!;
        literals += b;
      } while (b === 255 && i < n);
    }
    if (literals > 0) {
      if (o + literals > output.length || i + literals > n) throw new RangeError('lz4: a literal run goes past the end');
      if (literals < 16) for (let k = 0; k < literals; k++) output[o + k] = input[i + k]!;
      else output.set(input.subarray(i, i + literals), o);
      o += literals;
      i += literals;
    }
    if (i >= n) break; // the last sequence has literals only
    const offset = input[i]! | (input[i + 1]! << 8);
    i += 2;
    if (offset === 0 || offset > o) throw new RangeError('lz4: a match refers before the start of the data');
    let len = token & 15;
    if (len === 15) {
      let b: number;
      do {
        b = input[i++]!;
        len += b;
      } while (b === 255 && i < n);
    }
    len += 4;
    if (o + len > output.length) throw new RangeError('lz4: a match goes past the end');
    let from = o - offset;
    if (offset >= len && len >= 16) {
      output.copyWithin(o, from, from + len);
      o += len;
    } else {
      // Short, or overlapping: the match repeats the last `offset` bytes.
      const stop = o + len;
      while (o < stop) output[o++] = output[from++]!;
    }
  }
  return o;
}

/** An LZ4 frame (or several, back to back) decoded into `output`, whose size the caller knows. */
function lz4Frames(input: Uint8Array, output: Uint8Array): void {
  const u32 = (p: number) => (input[p]! | (input[p + 1]! << 8) | (input[p + 2]! << 16) | (input[p + 3]! << 24)) >>> 0;
  let i = 0;
  let o = 0;
  while (i + 4 <= input.length) {
    const magic = u32(i);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      i += 8 + u32(i + 4); // a skippable frame
      continue;
    }
    if (magic !== 0x184d2204) throw new RangeError('lz4: not an LZ4 frame');
    const flg = input[i + 4]!;
    i += 6 + (flg & 8 ? 8 : 0) + (flg & 1 ? 4 : 0) + 1; // magic, FLG, BD, content size, dictionary id, header checksum
    const blockChecksum = (flg & 16) !== 0;
    for (;;) {
      const size = u32(i);
      i += 4;
      if (size === 0) break;
      const len = size & 0x7fffffff;
      const block = input.subarray(i, i + len);
      if (size & 0x80000000) {
        output.set(block, o);
        o += len;
      } else {
        o = lz4Block(block, output, o);
      }
      i += len + (blockChecksum ? 4 : 0);
    }
    if (flg & 4) i += 4; // content checksum
  }
  if (o !== output.length) throw new RangeError(`lz4: the buffer decompressed to ${o} bytes, its header says ${output.length}`);
}

// ---------------------------------------------------------------------------------------------
// Flatbuffers: just what reading Arrow's Schema.fbs and Message.fbs needs.

class Table {
  constructor(
    readonly v: DataView,
    readonly pos: number,
  ) {}

  private field(i: number): number {
    const vt = this.pos - this.v.getInt32(this.pos, true);
    const vtSize = this.v.getUint16(vt, true);
    return 4 + 2 * i < vtSize ? this.v.getUint16(vt + 4 + 2 * i, true) : 0;
  }

  u8(i: number, dflt = 0): number {
    const o = this.field(i);
    return o === 0 ? dflt : this.v.getUint8(this.pos + o);
  }

  i16(i: number, dflt = 0): number {
    const o = this.field(i);
    return o === 0 ? dflt : this.v.getInt16(this.pos + o, true);
  }

  i32(i: number, dflt = 0): number {
    const o = this.field(i);
    return o === 0 ? dflt : this.v.getInt32(this.pos + o, true);
  }

  i64(i: number, dflt = 0): number {
    const o = this.field(i);
    return o === 0 ? dflt : i64(this.v, this.pos + o);
  }

  bool(i: number): boolean {
    return this.u8(i) !== 0;
  }

  table(i: number): Table | undefined {
    const o = this.field(i);
    if (o === 0) return undefined;
    const at = this.pos + o;
    return new Table(this.v, at + this.v.getUint32(at, true));
  }

  /** A vector's element count and where its elements start. */
  vector(i: number): { n: number; at: number } | undefined {
    const o = this.field(i);
    if (o === 0) return undefined;
    const start = this.pos + o + this.v.getUint32(this.pos + o, true);
    return { n: this.v.getUint32(start, true), at: start + 4 };
  }

  tables(i: number): Table[] {
    const vec = this.vector(i);
    if (vec === undefined) return [];
    return Array.from({ length: vec.n }, (_, k) => {
      const at = vec.at + 4 * k;
      return new Table(this.v, at + this.v.getUint32(at, true));
    });
  }

  string(i: number): string | undefined {
    const vec = this.vector(i);
    return vec === undefined ? undefined : utf8.decode(new Uint8Array(this.v.buffer, this.v.byteOffset + vec.at, vec.n));
  }
}

function i64(v: DataView, at: number): number {
  return v.getInt32(at + 4, true) * 4294967296 + v.getUint32(at, true);
}

function root(bytes: Uint8Array): Table {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new Table(v, v.getUint32(0, true));
}

const utf8 = new TextDecoder();

// ---------------------------------------------------------------------------------------------
// The schema.

// Type union (Schema.fbs).
const T = {
  Null: 1, Int: 2, FloatingPoint: 3, Binary: 4, Utf8: 5, Bool: 6, Decimal: 7, Date: 8, Time: 9, Timestamp: 10, Interval: 11, List: 12, Struct: 13,
  Union: 14, FixedSizeBinary: 15, FixedSizeList: 16, Map: 17, Duration: 18, LargeBinary: 19, LargeUtf8: 20, LargeList: 21, RunEndEncoded: 22,
  BinaryView: 23, Utf8View: 24, ListView: 25, LargeListView: 26,
} as const;
const TYPE_NAMES = ['none', 'null', 'int', 'float', 'binary', 'string', 'bool', 'decimal', 'date', 'time', 'timestamp', 'interval', 'list', 'struct', 'union', 'fixed_size_binary', 'fixed_size_list', 'map', 'duration', 'large_binary', 'large_string', 'large_list', 'run_end_encoded', 'binary_view', 'string_view', 'list_view', 'large_list_view'];

interface Field {
  name: string;
  typeId: number;
  type: Table | undefined;
  children: Field[];
  /** Dictionary-encoded: the dictionary's id, the indices' integer type, and whether its order means something (isOrdered). */
  dictionary?: { id: number; bits: number; signed: boolean; ordered: boolean };
  /** The field's custom metadata (polars: `_PL_ENUM_VALUES2`). */
  metadata: Map<string, string>;
}

function fieldOf(t: Table): Field {
  const dict = t.table(4);
  const index = dict?.table(1);
  return {
    name: t.string(0) ?? '',
    typeId: t.u8(2),
    type: t.table(3),
    children: t.tables(5).map(fieldOf),
    dictionary: dict === undefined ? undefined : { id: dict.i64(0), bits: index?.i32(0, 32) ?? 32, signed: index === undefined ? true : index.bool(1), ordered: dict.bool(2) },
    metadata: keyValues(t, 6),
  };
}

/** A table's vector of KeyValue (custom metadata) as a map. */
function keyValues(t: Table, i: number): Map<string, string> {
  return new Map(t.tables(i).map((kv) => [kv.string(0) ?? '', kv.string(1) ?? '']));
}

/**
 * The top-level fields' custom metadata of an Arrow schema serialised as an IPC message and
 * base64-encoded, as pyarrow and polars store it in a Parquet file's metadata (`ARROW:schema`),
 * by field name; empty when there is none or it cannot be read (it is a courtesy of the writer).
 */
export function arrowSchemaFields(base64: string | undefined): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  if (base64 === undefined) return out;
  try {
    const raw = atob(base64);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    const v = new DataView(bytes.buffer);
    // The continuation marker (Arrow >= 0.15) and the length, then the Message flatbuffer.
    const at = v.getUint32(0, true) === 0xffffffff ? 8 : 4;
    const m = root(bytes.subarray(at));
    if (m.u8(1) !== MSG_SCHEMA) return out;
    for (const f of m.table(2)?.tables(1) ?? []) out.set(f.string(0) ?? '', keyValues(f, 6));
  } catch {
    return new Map();
  }
  return out;
}

/** How a primitive column's values become numbers or texts. */
type Prim =
  | { kind: 'int'; bits: number; signed: boolean }
  | { kind: 'float'; bits: 16 | 32 | 64 }
  | { kind: 'bool' }
  | { kind: 'utf8'; large: boolean }
  | { kind: 'utf8view' };

/** A field's type as a primitive, its dtype text, or why it cannot be read. */
function primOf(f: Field): { prim?: Prim; dtype: string; why?: string } {
  const name = TYPE_NAMES[f.typeId] ?? `type ${f.typeId}`;
  switch (f.typeId) {
    case T.Int: {
      const bits = f.type?.i32(0) ?? 32;
      const signed = f.type?.bool(1) ?? true;
      return { prim: { kind: 'int', bits, signed }, dtype: `${signed ? 'int' : 'uint'}${bits}` };
    }
    case T.FloatingPoint: {
      const p = f.type?.i16(0) ?? 2;
      return p === 0 ? { prim: { kind: 'float', bits: 16 }, dtype: 'halffloat' } : p === 1 ? { prim: { kind: 'float', bits: 32 }, dtype: 'float' } : { prim: { kind: 'float', bits: 64 }, dtype: 'double' };
    }
    case T.Bool:
      return { prim: { kind: 'bool' }, dtype: 'bool' };
    case T.Utf8:
    case T.LargeUtf8:
      return { prim: { kind: 'utf8', large: f.typeId === T.LargeUtf8 }, dtype: name };
    case T.Utf8View:
      return { prim: { kind: 'utf8view' }, dtype: name };
    case T.Date:
    case T.Time:
    case T.Timestamp:
    case T.Duration:
    case T.Interval:
      return { dtype: name, why: `it holds ${name} values, not numbers a loss is computed from` };
    case T.Decimal:
      return { dtype: name, why: 'it holds decimals; cast the column to float64 (pyarrow: table.cast(...), pandas: df[col].astype(float))' };
    default:
      return { dtype: name, why: `its type (${name}) is not numbers or text` };
  }
}

/** A column as read: its field, where its nodes and buffers are in each batch, how to decode it. */
interface Column {
  info: ColumnInfo;
  field: Field;
  /** Index of the field's first node, and of its first buffer not counting view columns' data buffers, in a record batch. */
  node: number;
  buffer: number;
  /** How many string or binary view fields come before this one: which of the batch's variadic buffer counts is its own. */
  variadic: number;
  /** Scalar columns: the values; list columns: the child's (`list` says how rows find them). */
  prim?: Prim;
  list?: 'list' | 'large' | 'fixed';
}

/** Nodes and buffers a field takes in a record batch (with its children), and how many variadic buffer counts. */
function layoutOf(f: Field): { nodes: number; buffers: number; variadic: number } {
  if (f.dictionary !== undefined) return { nodes: 1, buffers: 2, variadic: 0 };
  const kids = f.children.map(layoutOf).reduce((a, b) => ({ nodes: a.nodes + b.nodes, buffers: a.buffers + b.buffers, variadic: a.variadic + b.variadic }), { nodes: 0, buffers: 0, variadic: 0 });
  let own: number;
  let variadic = 0;
  switch (f.typeId) {
    case T.Null:
    case T.RunEndEncoded:
      own = 0;
      break;
    case T.Struct:
    case T.FixedSizeList:
      own = 1;
      break;
    case T.Union:
      own = (f.type?.i16(0) ?? 0) === 1 ? 2 : 1;
      break;
    case T.Binary:
    case T.Utf8:
    case T.LargeBinary:
    case T.LargeUtf8:
    case T.ListView:
    case T.LargeListView:
      own = 3;
      break;
    case T.BinaryView:
    case T.Utf8View:
      own = 2;
      variadic = 1;
      break;
    default:
      own = 2; // validity and values, or validity and offsets (List, LargeList, Map)
  }
  return { nodes: 1 + kids.nodes, buffers: own + kids.buffers, variadic: variadic + kids.variadic };
}

function columnOf(f: Field, at: { node: number; buffer: number; variadic: number }, rows: number, file: string): Column {
  const base = { field: f, node: at.node, buffer: at.buffer, variadic: at.variadic };
  const unsupported = (dtype: string, why: string): Column => ({ ...base, info: { name: f.name, dtype, kind: 'unsupported', rows, width: 0, vector: false, shape: [rows], unsupported: why, file } });
  if (f.dictionary !== undefined) {
    const p = primOf(f);
    const dtype = `dictionary<values=${p.dtype}, indices=${f.dictionary.signed ? 'int' : 'uint'}${f.dictionary.bits}>`;
    if (p.prim === undefined) return unsupported(dtype, p.why ?? 'its dictionary holds neither numbers nor text');
    const kind = p.prim.kind === 'utf8' || p.prim.kind === 'utf8view' ? 'string' : 'number';
    return { ...base, prim: p.prim, info: { name: f.name, dtype, kind, rows, width: 1, vector: false, shape: [rows], file } };
  }
  const list = f.typeId === T.List ? 'list' : f.typeId === T.LargeList ? 'large' : f.typeId === T.FixedSizeList ? 'fixed' : undefined;
  if (list !== undefined) {
    const child = f.children[0];
    const p = child === undefined ? undefined : primOf(child);
    const dtype = `${TYPE_NAMES[f.typeId]}<${p?.dtype ?? '?'}${list === 'fixed' ? `, ${f.type?.i32(0) ?? '?'}` : ''}>`;
    if (child === undefined || p?.prim === undefined || child.dictionary !== undefined || p.prim.kind === 'utf8' || p.prim.kind === 'utf8view') {
      return unsupported(dtype, child !== undefined && (p?.prim?.kind === 'utf8' || p?.prim?.kind === 'utf8view') ? 'it is a list of texts; store it as one text per row (e.g. "cat|dog") or as a multi-hot list of numbers' : 'it is a list of something else than numbers (a nested list, structs); a prediction column holds one number, one text or one list of numbers per row');
    }
    const width = list === 'fixed' ? f.type?.i32(0) ?? 0 : 0;
    return { ...base, prim: p.prim, list, info: { name: f.name, dtype, kind: 'number', rows, width, vector: true, shape: [rows, width], file } };
  }
  if (f.typeId === T.Struct) return unsupported('struct', `it is a struct column (fields ${f.children.map((c) => c.name).join(', ')}); store its fields as columns of their own`);
  if (f.typeId === T.Map) return unsupported('map', 'it is a map column (key-value pairs); store the scores as a list<float> column or one column per class');
  const p = primOf(f);
  if (p.prim === undefined) return unsupported(p.dtype, p.why ?? 'its type is not numbers or text');
  const kind = p.prim.kind === 'utf8' || p.prim.kind === 'utf8view' ? 'string' : 'number';
  return { ...base, prim: p.prim, info: { name: f.name, dtype: p.dtype, kind, rows, width: 1, vector: false, shape: [rows], file } };
}

// ---------------------------------------------------------------------------------------------
// Messages and record batches.

const MSG_SCHEMA = 1;
const MSG_DICTIONARY = 2;
const MSG_RECORD_BATCH = 3;

/** Where one message is: its flatbuffer, its body. */
interface MessageAt {
  /** Offset of the flatbuffer, its length, and the body's offset and length. */
  meta: number;
  metaLength: number;
  body: number;
  bodyLength: number;
}

/** A message's header: its type, the header table, and the body length. */
function parseMessage(bytes: Uint8Array, what: string): { type: number; header: Table; bodyLength: number } {
  try {
    const m = root(bytes);
    const header = m.table(2);
    if (header === undefined) throw new RangeError('no header');
    return { type: m.u8(1), header, bodyLength: m.i64(3) };
  } catch (err) {
    if (err instanceof ColumnarError) throw err;
    throw new ColumnarError(`${what}: a message header cannot be read (${err instanceof Error ? err.message : String(err)}): the file is damaged`);
  }
}

/** The message starting at `p`: its prefix (continuation marker, length), or undefined at an end-of-stream marker or the file's end. */
async function messageAt(source: ByteSource, p: number, end: number): Promise<MessageAt | undefined> {
  if (p + 4 > end) return undefined;
  const head = await readAt(source, p, Math.min(end, p + 8));
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let len: number;
  let meta: number;
  if (head.length >= 4 && v.getUint32(0, true) === 0xffffffff) {
    if (head.length < 8) return undefined;
    len = v.getInt32(4, true);
    meta = p + 8;
  } else {
    len = v.getInt32(0, true); // before Arrow 0.15: no continuation marker
    meta = p + 4;
  }
  if (len <= 0) return undefined;
  return { meta, metaLength: len, body: meta + len, bodyLength: 0 };
}

interface Batch {
  rows: number;
  /** The message: where its header and its body are. */
  at: MessageAt;
  /** The dictionaries in force for this batch, by id. */
  dictionaries: Map<number, Values>;
}

type Numbers = Float64Array | Float32Array;
type Values = NumericArray | (string | null)[];

/** A record batch's header: rows, nodes, buffers, compression, variadic buffer counts. */
interface BatchHeader {
  rows: number;
  nodes: { length: number; nulls: number }[];
  buffers: { offset: number; length: number }[];
  codec: number | undefined;
  variadic: number[];
}

function batchHeader(t: Table): BatchHeader {
  const v = t.v;
  const nodesVec = t.vector(1);
  const buffersVec = t.vector(2);
  const nodes = Array.from({ length: nodesVec?.n ?? 0 }, (_, k) => ({ length: i64(v, nodesVec!.at + 16 * k), nulls: i64(v, nodesVec!.at + 16 * k + 8) }));
  const buffers = Array.from({ length: buffersVec?.n ?? 0 }, (_, k) => ({ offset: i64(v, buffersVec!.at + 16 * k), length: i64(v, buffersVec!.at + 16 * k + 8) }));
  const comp = t.table(3);
  const variadicVec = t.vector(4);
  const variadic = Array.from({ length: variadicVec?.n ?? 0 }, (_, k) => i64(v, variadicVec!.at + 8 * k));
  return { rows: t.i64(0), nodes, buffers, codec: comp === undefined ? undefined : comp.u8(0), variadic };
}

// ---------------------------------------------------------------------------------------------
// Opening.


const MAGIC = 'ARROW1';
const text = (b: Uint8Array) => String.fromCharCode(...b);

/** The first row of each record batch after the first. */
function batchStarts(batches: readonly { rows: number }[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const b of batches) {
    if (at > 0) starts.push(at);
    at += b.rows;
  }
  return starts;
}

/** Opens an Arrow IPC file (Feather v2) or stream: its schema, its batches' places, its dictionaries. */
export async function openArrow(input: ByteSource): Promise<ColumnarFile> {
  const source = await sizedSource(input);
  const file = source.name;
  const head = await readAt(source, 0, 8);
  const isFile = text(head.subarray(0, 6)) === MAGIC;
  let schema: Table | undefined;
  const messages: { type: number; header: Table; at: MessageAt }[] = [];
  if (isFile) {
    const tail = await readAt(source, Math.max(0, source.size - 10), source.size);
    if (source.size < 18 || text(tail.subarray(4)) !== MAGIC) {
      throw new ColumnarError(`${file} is cut short: an Arrow IPC file ends with its footer and ARROW1, and this one does not (is it still being written?)`);
    }
    const footerLength = new DataView(tail.buffer, tail.byteOffset, 4).getInt32(0, true);
    const footerStart = source.size - 10 - footerLength;
    if (footerLength <= 0 || footerStart < 8) throw new ColumnarError(`${file}: the Arrow footer's length (${footerLength}) is impossible: the file is damaged`);
    const footer = root(await readExactly(source, footerStart, footerStart + footerLength, 'the Arrow footer'));
    schema = footer.table(1);
    const blocks = (i: number) => {
      const vec = footer.vector(i);
      return Array.from({ length: vec?.n ?? 0 }, (_, k) => ({ offset: i64(footer.v, vec!.at + 24 * k), metaLength: footer.v.getInt32(vec!.at + 24 * k + 8, true), bodyLength: i64(footer.v, vec!.at + 24 * k + 16) }));
    };
    // Dictionaries first (the file format allows no replacement), then the record batches.
    for (const b of [...blocks(2), ...blocks(3)]) {
      const at = await messageAt(source, b.offset, b.offset + b.metaLength);
      if (at === undefined) throw new ColumnarError(`${file}: the footer points at byte ${b.offset}, where no message is: the file is damaged`);
      const body = b.offset + b.metaLength;
      const m = parseMessage(await readExactly(source, at.meta, body, 'a message header'), file);
      messages.push({ type: m.type, header: m.header, at: { ...at, metaLength: body - at.meta, body, bodyLength: b.bodyLength } });
    }
  } else {
    // A stream: message after message, each header read and its body passed over.
    const notArrow = () =>
      new ColumnarError(`${file} is not an Arrow IPC file or stream (it neither starts with ARROW1 nor with a schema message): Loss Lens reads Arrow IPC / Feather v2, written by pyarrow, pandas to_feather or polars write_ipc`);
    for (let p = 0; ; ) {
      const at = await messageAt(source, p, source.size);
      if (at === undefined) {
        if (p === 0) throw notArrow();
        break;
      }
      if (p === 0 && at.body > source.size) throw notArrow();
      const m = parseMessage(await readExactly(source, at.meta, at.body, 'a message header'), file);
      if (p === 0 && m.type !== MSG_SCHEMA) throw notArrow();
      if (at.body + m.bodyLength > source.size) throw new ColumnarError(`${file} is cut short: a message's body goes on to byte ${at.body + m.bodyLength}, the file has ${source.size} (is it still being written?)`);
      if (m.type === MSG_SCHEMA) schema ??= m.header;
      else messages.push({ type: m.type, header: m.header, at: { ...at, bodyLength: m.bodyLength } });
      p = at.body + m.bodyLength;
    }
  }
  if (schema === undefined) {
    throw new ColumnarError(`${file} is not an Arrow IPC file or stream (no schema${isFile ? ' in its footer' : ' message at its start'}): Loss Lens reads Arrow IPC / Feather v2, written by pyarrow, pandas to_feather or polars write_ipc`);
  }
  if (schema.i16(0) === 1) throw new ColumnarError(`${file} is a big-endian Arrow file, which Loss Lens does not read: write it again on a little-endian machine`);
  const fields = schema.tables(1).map(fieldOf);
  const batches: Batch[] = [];
  const ctx: Ctx = { source, file };
  // The dictionaries in force at each batch: a stream may replace one, or add to it (a delta).
  let dictionaries = new Map<number, Values>();
  const dictFields = new Map<number, Field>();
  const collect = (fs: Field[]) => fs.forEach((f) => (f.dictionary !== undefined && dictFields.set(f.dictionary.id, f), collect(f.children)));
  collect(fields);
  for (const m of messages) {
    if (m.type === MSG_DICTIONARY) {
      const id = m.header.i64(0);
      const data = m.header.table(1);
      const f = dictFields.get(id);
      if (data === undefined || f === undefined) continue;
      const values = await readDictionary(ctx, f, batchHeader(data), m.at);
      const old = dictionaries.get(id);
      dictionaries = new Map(dictionaries);
      dictionaries.set(id, m.header.bool(2) && old !== undefined ? appendValues(old, values) : values);
    } else if (m.type === MSG_RECORD_BATCH) {
      batches.push({ rows: m.header.i64(0), at: m.at, dictionaries });
    }
  }
  const rows = batches.reduce((a, b) => a + b.rows, 0);
  const columns: Column[] = [];
  const at = { node: 0, buffer: 0, variadic: 0 };
  for (const f of fields) {
    columns.push(columnOf(f, at, rows, file));
    const l = layoutOf(f);
    at.node += l.nodes;
    at.buffer += l.buffers;
    at.variadic += l.variadic;
  }
  // A list column's width: its first row's length.
  for (const c of columns) {
    if (c.list === undefined || c.list === 'fixed') continue;
    const first = batches.find((b) => b.rows > 0);
    const width = first === undefined ? 0 : await firstListLength(ctx, c, first);
    if (width === 0 && rows > 0) {
      Object.assign(c.info, { kind: 'unsupported', vector: false, unsupported: 'its first list is empty: a column of scores holds a list of one number per class in every row' });
      continue;
    }
    c.info.width = width;
    c.info.shape = [rows, width];
  }
  for (const c of columns) if (c.list !== undefined && c.info.width === 1) c.info.vector = false;
  const metadata = keyValues(schema, 2);
  markClassIdLists(columns.map((c) => c.info), metadata.get('huggingface'));
  const categories = labelCategories(columns, batches[0]?.dictionaries ?? dictionaries, pandasCategoricalColumns(metadata.get('pandas')));
  const codecs = new Set(messages.filter((m) => m.type === MSG_RECORD_BATCH).map((m) => m.header.table(3)?.u8(0)));
  const compression = [...codecs].map((c) => (c === undefined ? 'uncompressed' : c === 0 ? 'lz4' : c === 1 ? 'zstd' : `codec ${c}`)).join('/');
  const kind = isFile ? (/\.feather$/i.test(file) ? 'Feather v2' : 'Arrow IPC file') : 'Arrow IPC stream';
  return {
    description: `${kind} (${batches.length} record batch${batches.length === 1 ? '' : 'es'}${compression === '' ? '' : `, ${compression}`})`,
    columns: columns.map((c) => c.info),
    seekable: true,
    labelNames: classLabelNames(metadata.get('huggingface')),
    ...(categories.size > 0 ? { categories } : {}),
    splitPoints: batchStarts(batches),
    blocks: (names, range, blockRows, signal) => arrowBlocks(ctx, columns, batches, names, range, blockRows, signal),
  };
}

interface Ctx {
  source: ByteSource;
  file: string;
}

/**
 * The class order of each dictionary-encoded text column whose writer recorded one
 * (categories.ts): the dictionary in force at the first record batch, when pandas' metadata says
 * the column is a Categorical (pyarrow writes the categories, unused ones included, in their
 * order), when it is a polars Enum, or when the dictionary is marked ordered.
 */
function labelCategories(columns: Column[], dictionaries: Map<number, Values>, pandasCategorical: Set<string>): Map<string, Categories> {
  const out = new Map<string, Categories>();
  for (const c of columns) {
    const d = c.field.dictionary;
    const dict = d === undefined ? undefined : dictionaries.get(d.id);
    if (d === undefined || c.info.kind !== 'string' || !Array.isArray(dict) || dict.some((x) => x === null)) continue;
    const name = c.info.name;
    const names = dict as string[];
    const enumValues = polarsEnumValues(c.field.metadata);
    if (enumValues !== undefined) {
      // The values as polars recorded them; the dictionary must agree, or neither is trusted.
      if (enumValues.length === names.length && enumValues.every((x, i) => x === names[i])) out.set(name, { names, from: `the values of the polars Enum column ${name}, in their order: the Arrow dictionary` });
    } else if (pandasCategorical.has(name)) {
      out.set(name, { names, from: `the categories of the pandas Categorical column ${name}, in their order: the Arrow dictionary` });
    } else if (d.ordered) {
      out.set(name, { names, from: `the ordered dictionary of column ${name}, in its order` });
    }
  }
  return out;
}

function appendValues(a: Values, b: Values): Values {
  if (Array.isArray(a)) return [...a, ...(b as (string | null)[])];
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b as NumericArray, a.length);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading buffers.

/**
 * Memory for batches' bytes, reused batch after batch. The next batch is read only once the
 * caller asks for a block past the current one (a block's values are valid until then), so one
 * array serves: two in turn held a second batch for nothing (the CLI on Feather LZ4, 1M x 11
 * columns in 64K-row batches: 11 MB a thread).
 */
class Slots {
  private slot: Uint8Array | undefined;

  get(n: number): Uint8Array {
    let a = this.slot;
    if (a === undefined || a.length < n) {
      a = new Uint8Array(Math.ceil(n * 1.25) + 8);
      this.slot = a;
    }
    return a.subarray(0, n);
  }
}

/** A read's memory: the batches' bytes as read, as decompressed (LZ4), and as decoded. */
interface Memory {
  read: Slots;
  unpacked: Slots;
  /** Each asked column's decoded numbers (int64 as float64, float16, nulls as NaN), by its place among the asked. */
  scratch: DecodeScratch[];
}

/**
 * Memory of finished reads, for the next ones on this thread: a split read reads several pieces
 * one after the other, and fresh memory for each is garbage the collector is slow to return.
 */
const spare: Memory[] = [];

/** Bytes [start, end) of the source into `out`. */
async function readInto(source: ByteSource, start: number, end: number, out: Uint8Array): Promise<void> {
  let o = 0;
  for await (const chunk of source.chunks({ start, end }, { reuseBuffers: true })) {
    const take = Math.min(chunk.length, out.length - o);
    out.set(chunk.subarray(0, take), o);
    o += take;
    if (o >= out.length) break;
  }
  if (o < out.length) throw new ColumnarError(`the file ends at byte ${start + o}, inside a record batch that goes on to byte ${end}: it was cut short`);
}

/**
 * The buffers a batch's columns need, read (one read when they lie close together) and
 * decompressed: by buffer index, a byte array whose start is 8-byte aligned.
 */
async function readBuffers(ctx: Ctx, at: MessageAt, h: BatchHeader, wanted: number[], memory: Memory | undefined): Promise<Map<number, Uint8Array>> {
  const out = new Map<number, Uint8Array>();
  const ranges = wanted.map((i) => ({ i, b: h.buffers[i] })).filter((x) => x.b !== undefined && x.b.length > 0) as { i: number; b: { offset: number; length: number } }[];
  for (const i of wanted) if (!ranges.some((r) => r.i === i)) out.set(i, new Uint8Array(0));
  if (ranges.length === 0) return out;
  for (const r of ranges) {
    if (r.b.offset < 0 || r.b.offset + r.b.length > at.bodyLength) throw new ColumnarError(`${ctx.file}: a buffer lies outside its record batch: the file is damaged`);
  }
  const from = Math.min(...ranges.map((r) => r.b.offset));
  const to = Math.max(...ranges.map((r) => r.b.offset + r.b.length));
  const need = ranges.reduce((a, r) => a + r.b.length, 0);
  const pieces = new Map<number, Uint8Array>();
  if (to - from <= 2 * need + 65536) {
    const bytes = memory === undefined ? new Uint8Array(to - from) : memory.read.get(to - from);
    await readInto(ctx.source, at.body + from, at.body + to, bytes);
    for (const r of ranges) pieces.set(r.i, bytes.subarray(r.b.offset - from, r.b.offset - from + r.b.length));
  } else {
    for (const r of ranges) pieces.set(r.i, await readExactly(ctx.source, at.body + r.b.offset, at.body + r.b.offset + r.b.length, 'a record batch'));
  }
  // LZ4 buffers are decompressed into one region of the read's memory, each 8-byte aligned.
  const align = (n: number) => Math.ceil(n / 8) * 8;
  let region: Uint8Array | undefined;
  let regionAt = 0;
  if (h.codec === 0 && memory !== undefined) {
    let total = 0;
    for (const raw of pieces.values()) {
      const length = raw.length >= 8 ? i64(new DataView(raw.buffer, raw.byteOffset, 8), 0) : -1;
      if (length > 0) total += align(length);
    }
    region = memory.unpacked.get(total);
  }
  for (const [i, raw] of pieces) {
    if (h.codec === undefined) {
      out.set(i, raw);
      continue;
    }
    // Compressed: the uncompressed length first (-1: left uncompressed), then the codec's bytes.
    const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const length = i64(v, 0);
    const body = raw.subarray(8);
    if (length === -1) {
      out.set(i, body.slice());
      continue;
    }
    try {
      if (h.codec === 0) {
        const bytes = region === undefined ? new Uint8Array(length) : region.subarray(regionAt, regionAt + length);
        regionAt += align(length);
        lz4Frames(body, bytes);
        out.set(i, bytes);
      } else if (h.codec === 1) {
        // No output buffer: fzstd compares it with 1 (w == 1), which turns a big array into a string.
        const bytes = zstdDecompress(body);
        if (bytes.length !== length) throw new RangeError(`the buffer decompressed to ${bytes.length} bytes, its header says ${length}`);
        out.set(i, bytes.byteOffset % 8 === 0 ? bytes : bytes.slice());
      } else {
        throw new ColumnarError(`${ctx.file}: its record batches are compressed with codec ${h.codec}, which Loss Lens does not know (LZ4 and zstd are read)`);
      }
    } catch (err) {
      if (err instanceof ColumnarError) throw err;
      throw new ColumnarError(`${ctx.file}: a compressed buffer cannot be decoded (${err instanceof Error ? err.message : String(err)}): the file is damaged`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding.

const F16 = { text: '<f2', kind: 'f16' as const, size: 2, littleEndian: true };

const isValid = (bits: Uint8Array, i: number) => ((bits[i >> 3]! >> (i & 7)) & 1) === 1;

/**
 * n values of a primitive buffer as numbers; with nulls (validity given), NaN there. The result
 * is a view on `data` or an array of `scratch` (one a column: valid until the column's next batch),
 * or, without a scratch, a new array.
 */
function numbersOf(p: Prim, data: Uint8Array, n: number, validity: Uint8Array | undefined, scratch?: DecodeScratch): NumericArray {
  const buf = data.buffer;
  const off = data.byteOffset;
  const need = p.kind === 'bool' ? Math.ceil(n / 8) : p.kind === 'int' || p.kind === 'float' ? (n * p.bits) / 8 : 0;
  if (data.length < need) throw new RangeError(`a buffer holds ${data.length} bytes where ${n} values need ${need}`);
  let v: NumericArray;
  // Decoded into memory of our own (not a view on the file's bytes): nulls are written over in place.
  let own = false;
  if (p.kind === 'float') {
    own = p.bits === 16;
    v = p.bits === 64 ? new Float64Array(buf, off, n) : p.bits === 32 ? new Float32Array(buf, off, n) : (decodeNumbers(data, F16, n, scratch) as Float32Array);
  } else if (p.kind === 'bool') {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (data[i >> 3]! >> (i & 7)) & 1;
    v = out;
  } else if (p.kind === 'int' && p.bits === 64) {
    const w = new Int32Array(buf, off, 2 * n);
    // A fresh float64 array a batch for an int64 label column (pandas' default) was large-object
    // garbage the collector returned late: Feather at 8M rows peaked at 114-120 MB.
    const out = scratch?.f64(n) ?? new Float64Array(n);
    own = true;
    // Two 32-bit halves: exact up to 2^53, enough for any label or id.
    if (p.signed) for (let i = 0; i < n; i++) out[i] = w[2 * i + 1]! * 4294967296 + (w[2 * i]! >>> 0);
    else for (let i = 0; i < n; i++) out[i] = (w[2 * i + 1]! >>> 0) * 4294967296 + (w[2 * i]! >>> 0);
    v = out;
  } else if (p.kind === 'int') {
    if (p.bits === 8) v = p.signed ? new Int8Array(buf, off, n) : new Uint8Array(buf, off, n);
    else if (p.bits === 16) v = p.signed ? new Int16Array(buf, off, n) : new Uint16Array(buf, off, n);
    else v = p.signed ? new Int32Array(buf, off, n) : new Uint32Array(buf, off, n);
  } else {
    throw new RangeError('not numbers');
  }
  if (validity === undefined) return v;
  if (own && (v instanceof Float64Array || v instanceof Float32Array)) {
    for (let i = 0; i < n; i++) if (!isValid(validity, i)) v[i] = NaN;
    return v;
  }
  const out = v instanceof Float32Array ? (scratch?.f32(n) ?? new Float32Array(n)) : (scratch?.f64(n) ?? new Float64Array(n));
  for (let i = 0; i < n; i++) out[i] = isValid(validity, i) ? v[i]! : NaN;
  return out;
}

/** n texts from offsets and data (Utf8 / LargeUtf8), or from 16-byte views (Utf8View). */
function textsOf(p: Prim, bufs: Uint8Array[], n: number, validity: Uint8Array | undefined): (string | null)[] {
  const out = new Array<string | null>(n);
  if (p.kind === 'utf8') {
    const [offsets, data] = bufs as [Uint8Array, Uint8Array];
    const ov = new DataView(offsets.buffer, offsets.byteOffset, offsets.byteLength);
    const at = p.large ? (i: number) => i64(ov, 8 * i) : (i: number) => ov.getInt32(4 * i, true);
    for (let i = 0; i < n; i++) out[i] = validity !== undefined && !isValid(validity, i) ? null : utf8.decode(data.subarray(at(i), at(i + 1)));
    return out;
  }
  const [views, ...data] = bufs as [Uint8Array, ...Uint8Array[]];
  const vv = new DataView(views.buffer, views.byteOffset, views.byteLength);
  for (let i = 0; i < n; i++) {
    if (validity !== undefined && !isValid(validity, i)) {
      out[i] = null;
      continue;
    }
    const len = vv.getInt32(16 * i, true);
    if (len <= 12) out[i] = utf8.decode(views.subarray(16 * i + 4, 16 * i + 4 + len));
    else {
      const b = data[vv.getInt32(16 * i + 8, true)];
      const o = vv.getInt32(16 * i + 12, true);
      if (b === undefined) throw new RangeError('a string view points at a missing buffer');
      out[i] = utf8.decode(b.subarray(o, o + len));
    }
  }
  return out;
}

/** A dictionary batch's values (the dictionary's value type is the field's). */
async function readDictionary(ctx: Ctx, f: Field, h: BatchHeader, at: MessageAt): Promise<Values> {
  const p = primOf(f).prim;
  const node = h.nodes[0];
  if (p === undefined || node === undefined) return [];
  const nb = p.kind === 'utf8' ? 3 : p.kind === 'utf8view' ? 2 + (h.variadic[0] ?? 0) : 2;
  const bufs = await readBuffers(ctx, at, h, Array.from({ length: nb }, (_, k) => k), undefined);
  const validity = node.nulls > 0 ? bufs.get(0) : undefined;
  const rest = Array.from({ length: nb - 1 }, (_, k) => bufs.get(k + 1)!);
  if (p.kind === 'utf8' || p.kind === 'utf8view') return textsOf(p, rest, node.length, validity);
  return Float64Array.from(numbersOf(p, rest[0]!, node.length, validity));
}

/** The index of a column's first buffer in a batch: after the data buffers of the view columns before it, which vary by batch. */
function firstBuffer(c: Column, h: BatchHeader): number {
  let b = c.buffer;
  for (let k = 0; k < c.variadic; k++) b += h.variadic[k] ?? 0;
  return b;
}

/** The buffer indices a column needs in a batch: its own, and its child's for a list. */
function buffersOf(c: Column, h: BatchHeader): number[] {
  const b = firstBuffer(c, h);
  if (c.field.dictionary !== undefined) return [b, b + 1];
  if (c.list === undefined) {
    if (c.prim?.kind === 'utf8') return [b, b + 1, b + 2];
    if (c.prim?.kind === 'utf8view') return Array.from({ length: 2 + (h.variadic[c.variadic] ?? 0) }, (_, k) => b + k);
    return [b, b + 1];
  }
  const own = c.list === 'fixed' ? 1 : 2;
  return [...Array.from({ length: own }, (_, k) => b + k), b + own, b + own + 1];
}

/** A list's offsets (List: int32, LargeList: int64) as a function of the row. */
function offsetsOf(c: Column, bytes: Uint8Array): (i: number) => number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return c.list === 'large' ? (i) => i64(v, 8 * i) : (i) => v.getInt32(4 * i, true);
}

async function firstListLength(ctx: Ctx, c: Column, batch: Batch): Promise<number> {
  const h = batchHeader(await batchMessage(ctx, batch));
  const node = h.nodes[c.node];
  if (node === undefined) return 0;
  const b = firstBuffer(c, h);
  const bufs = await readBuffers(ctx, batch.at, h, [b, b + 1], undefined);
  const validity = node.nulls > 0 ? bufs.get(b) : undefined;
  const at = offsetsOf(c, bufs.get(b + 1)!);
  for (let i = 0; i < node.length; i++) if (validity === undefined || isValid(validity, i)) return at(i + 1) - at(i);
  return 0;
}

async function batchMessage(ctx: Ctx, b: Batch): Promise<Table> {
  return parseMessage(await readExactly(ctx.source, b.at.meta, b.at.meta + b.at.metaLength, 'a record batch header'), ctx.file).header;
}

/**
 * One batch's values of the asked columns (rows of a list column: `width` values each); list
 * columns only up to row `upto` of the batch (the rows after the range are neither needed nor checked).
 */
async function readBatch(ctx: Ctx, b: Batch, first: number, upto: number, chosen: Column[], memory: Memory): Promise<Values[]> {
  const h = batchHeader(await batchMessage(ctx, b));
  if (h.rows !== b.rows) throw new ColumnarError(`${ctx.file}: a record batch says ${h.rows} rows, then ${b.rows}: the file is damaged`);
  const wanted = [...new Set(chosen.flatMap((c) => buffersOf(c, h)))];
  const bufs = await readBuffers(ctx, b.at, h, wanted, memory);
  return chosen.map((c, k) => {
    const what = `${ctx.file}, column ${c.info.name}`;
    const scratch = (memory.scratch[k] ??= new DecodeScratch());
    try {
      const node = h.nodes[c.node];
      if (node === undefined || node.length !== b.rows) throw new RangeError('its node does not match the batch');
      const get = (i: number) => bufs.get(i)!;
      const b0 = firstBuffer(c, h);
      const validity = node.nulls > 0 ? get(b0) : undefined;
      if (c.field.dictionary !== undefined) return dictionaryValues(c, b, get(b0 + 1), node.length, validity, what, scratch);
      if (c.list === undefined) {
        if (c.prim!.kind === 'utf8' || c.prim!.kind === 'utf8view') return textsOf(c.prim!, buffersOf(c, h).slice(1).map(get), node.length, validity);
        return numbersOf(c.prim!, get(b0 + 1), node.length, validity, scratch);
      }
      return listValues(c, h, (i) => get(b0 + i), upto, validity, first, what, scratch);
    } catch (err) {
      if (err instanceof ColumnarError) throw err;
      throw new ColumnarError(`${what}: a record batch cannot be decoded (${err instanceof Error ? err.message : String(err)}): the file is damaged`);
    }
  });
}

function dictionaryValues(c: Column, b: Batch, indices: Uint8Array, n: number, validity: Uint8Array | undefined, what: string, scratch: DecodeScratch): Values {
  const d = c.field.dictionary!;
  const dict = b.dictionaries.get(d.id);
  if (dict === undefined) throw new ColumnarError(`${what}: the dictionary (id ${d.id}) is missing: the file is damaged`);
  // The indices in an array of their own: the scratch holds the values.
  const idx = numbersOf({ kind: 'int', bits: d.bits, signed: d.signed }, indices, n, undefined);
  if (Array.isArray(dict)) {
    const out = new Array<string | null>(n);
    for (let i = 0; i < n; i++) out[i] = validity !== undefined && !isValid(validity, i) ? null : (dict[idx[i]!] ?? null);
    return out;
  }
  const nums = dict as NumericArray;
  const out = scratch.f64(n);
  for (let i = 0; i < n; i++) out[i] = validity !== undefined && !isValid(validity, i) ? NaN : (nums[idx[i]!] ?? NaN);
  return out;
}

/** A list column's rows, each of `width` values: a ColumnarError at a null row or one of another length. `get(k)`: the column's k-th buffer. */
function listValues(c: Column, h: BatchHeader, get: (i: number) => Uint8Array, n: number, validity: Uint8Array | undefined, first: number, what: string, scratch: DecodeScratch): Values {
  const w = c.info.width;
  const own = c.list === 'fixed' ? 1 : 2;
  const child = h.nodes[c.node + 1];
  if (child === undefined) throw new RangeError('the list has no values');
  const childValidity = child.nulls > 0 ? get(own) : undefined;
  const values = get(own + 1);
  for (let i = 0; i < n; i++) {
    if (validity !== undefined && !isValid(validity, i)) {
      throw new ColumnarError(`${what}: row ${first + i + 1} is null (no list) where a list of ${w} values was expected: drop or fill the rows without scores`);
    }
  }
  let start = 0;
  if (c.list !== 'fixed') {
    const at = offsetsOf(c, get(1));
    start = at(0);
    for (let i = 0; i < n; i++) {
      const len = at(i + 1) - at(i);
      if (len !== w) throw new ColumnarError(`${what}: row ${first + i + 1} holds ${len} value${len === 1 ? '' : 's'} where the rows before hold ${w}: a list column of scores needs the same length in every row`);
    }
  }
  const p = c.prim!;
  const size = p.kind === 'float' || p.kind === 'int' ? p.bits / 8 : 0;
  if (size > 0 && size * start === Math.floor(size * start) && childValidity === undefined) {
    // The rows' values, contiguous from the first row's.
    return numbersOf(p, values.subarray(size * start), n * w, undefined, scratch);
  }
  const all = numbersOf(p, values, start + n * w, childValidity, scratch);
  return all.subarray(start, start + n * w);
}

// ---------------------------------------------------------------------------------------------
// Blocks.

async function* arrowBlocks(
  ctx: Ctx, columns: Column[], batches: Batch[], names: string[], range: { start: number; end: number } | undefined, blockRows: number | undefined, signal: AbortSignal | undefined,
): AsyncGenerator<ColumnBlock> {
  const chosen = names.map((n) => {
    const c = columns.find((x) => x.info.name === n);
    if (c === undefined) throw new ColumnarError(`there is no column named ${JSON.stringify(n)} (there are: ${columns.map((x) => x.info.name).join(', ')})`);
    if (c.info.kind === 'unsupported') throw new ColumnarError(`${c.info.name} cannot be read: ${c.info.unsupported}`);
    return c;
  });
  const rows = batches.reduce((a, b) => a + b.rows, 0);
  const start = Math.max(0, range?.start ?? 0);
  const end = Math.min(rows, range?.end ?? rows);
  const widest = Math.max(1, ...chosen.map((c) => c.info.width * 8));
  const step = Math.max(1, blockRows ?? Math.max(256, Math.floor((1 << 20) / widest)));
  const memory = spare.pop() ?? { read: new Slots(), unpacked: new Slots(), scratch: [] };
  // Rows of the current batch not handed out yet: [pos, count) of `values`.
  let values: Values[] = [];
  let pos = 0;
  let count = 0;
  let b = 0;
  let first = 0;
  while (b < batches.length && first + batches[b]!.rows <= start) first += batches[b++]!.rows;
  const next = async (): Promise<void> => {
    const batch = batches[b]!;
    count = Math.min(batch.rows, end - first);
    values = await readBatch(ctx, batch, first, count, chosen, memory);
    pos = Math.max(0, start - first);
    first += batch.rows;
    b++;
  };
  try {
    for (let at = start; at < end; ) {
      if (signal?.aborted) throw new ColumnarError('read cancelled');
      let size = Math.min(step, end - at);
      while (pos >= count) await next();
      let parts: Values[];
      const take = (n: number) => values.map((v, i) => part(v, chosen[i]!.info.width, pos, pos + n));
      if (blockRows === undefined || count - pos >= size) {
        // Within the batch: views on its memory.
        size = Math.min(size, count - pos);
        parts = take(size);
        pos += size;
      } else {
        // Across batches (an exact size was asked): copied together.
        const pieces: Values[][] = [];
        let got = 0;
        while (got < size) {
          while (pos >= count) await next();
          const k = Math.min(size - got, count - pos);
          pieces.push(take(k).map(copy));
          pos += k;
          got += k;
        }
        parts = chosen.map((_, i) => join(pieces.map((p) => p[i]!)));
      }
      const map = new Map<string, NumericArray | (string | null)[]>();
      chosen.forEach((c, i) => map.set(c.info.name, parts[i]!));
      yield { start: at, size, values: map };
      at += size;
    }
  } finally {
    // The caller is done with the last block: the memory may serve the next read on this thread.
    if (spare.length < 16) spare.push(memory);
  }
}

function part(v: Values, width: number, from: number, to: number): Values {
  return Array.isArray(v) ? v.slice(from, to) : v.subarray(from * width, to * width);
}

function copy(v: Values): Values {
  return Array.isArray(v) ? v : v.slice();
}

function join(pieces: Values[]): Values {
  if (pieces.length === 1) return pieces[0]!;
  if (Array.isArray(pieces[0])) return ([] as (string | null)[]).concat(...(pieces as (string | null)[][]));
  const n = pieces.reduce((a, p) => a + p.length, 0);
  // Pieces of different types (an int column with nulls in one batch only): numbers as float64.
  const same = pieces.every((p) => p.constructor === pieces[0]!.constructor);
  const Ctor = (same ? pieces[0]!.constructor : Float64Array) as new (n: number) => Numbers;
  const out = new Ctor(n);
  let o = 0;
  for (const p of pieces as NumericArray[]) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
