/**
 * Dense n-dimensional arrays stored raw (NumPy `.npy` and `.npz` members, safetensors tensors):
 * their element types, and reading blocks of rows of several arrays side by side.
 *
 * Why hand-written: the formats are a header and raw bytes; the npm readers load whole buffers
 * (npyjs) or miss int64, NumPy's default label dtype (numpy-parser). Measured (formats.md): a
 * streamed hand-written reader does 1.5-2 GB/s of float32 on this machine.
 */
import { PullReader } from './bytes';
import type { ByteSource } from '../parse/types';
import { ColumnarError, type ColumnarFile, type ColumnBlock, type ColumnInfo, type NumericArray, type TokenGrid } from './types';

/** An element type: how many bytes, and how they become numbers or text. */
export interface DType {
  /** As the file writes it: `<f4`, `F32`. */
  text: string;
  kind: 'f' | 'i' | 'u' | 'b' | 'f16' | 'bf16' | 'U' | 'S';
  /** Bytes per element. */
  size: number;
  littleEndian: boolean;
}

/** Where an array's raw bytes are: a range of a file, or a stream that only goes forward (a deflated zip member). */
export interface ArrayBytes {
  /** Bytes [start, end) of the array's data. */
  stream(start: number, end: number): AsyncIterable<Uint8Array>;
  /** Positioned reads are cheap (a file range), not a decompression from the start. */
  seekable: boolean;
}

export interface NdArray {
  info: ColumnInfo;
  dtype: DType;
  /** Column-major (NumPy's fortran_order): element (i, k) at k * rows + i. */
  fortran: boolean;
  bytes: ArrayBytes;
}

/** Bytes [base + start, base + end) of a source. */
export function rangeBytes(source: ByteSource, base: number): ArrayBytes {
  // The readers copy what they take (PullReader), so the source may reuse its buffers.
  return { seekable: true, stream: (start, end) => source.chunks({ start: base + start, end: base + end }, { reuseBuffers: true }) };
}

/** An array's shape as a column: one row per sample, a value or a vector each. */
export function columnShape(name: string, shape: number[], file: string, dtype: DType | string): ColumnInfo {
  const text = typeof dtype === 'string' ? dtype : dtype.text;
  const base = { name, dtype: text, shape, file };
  const kind = typeof dtype === 'string' ? 'unsupported' : dtype.kind === 'U' || dtype.kind === 'S' ? 'string' : 'number';
  const why = typeof dtype === 'string' ? `its element type ${dtype} is not one of numbers or text` : undefined;
  if (shape.length === 1) return { ...base, kind, rows: shape[0]!, width: 1, vector: false, unsupported: why };
  // (N, 1) is one value per row, as (N,) is: a Keras sigmoid output keeps its last axis.
  if (shape.length === 2 && shape[1] === 1) return { ...base, kind, rows: shape[0]!, width: 1, vector: false, unsupported: why };
  if (shape.length === 2 && kind === 'number') return { ...base, kind, rows: shape[0]!, width: shape[1]!, vector: true, unsupported: why };
  const rows = shape[0] ?? 0;
  const what = shape.length === 0 ? 'a single value' : `shape (${shape.join(', ')})`;
  // (N, T, K): Trainer.predict's output for token classification, a score vector per token.
  const tokens =
    shape.length === 3 && kind === 'number'
      ? `; scores per token (token classification)? Save them one token a row: ${name}.reshape(-1, ${shape[2]}) with the labels' .reshape(-1), and leave the padding's -100 out with --ignore-index -100`
      : '';
  return {
    ...base, kind: 'unsupported', rows, width: 0, vector: false,
    unsupported: why ?? `it holds ${what}; a prediction array has one row per sample, shape (N,) or (N, K)${kind === 'string' ? ' (text: (N,))' : ''}${tokens}`,
    ...(tokens !== '' && why === undefined ? { perToken: true } : {}),
  };
}

/**
 * Token classification as Trainer.predict returns it: scores (N, T, K) beside labels (N, T),
 * the padding and the sub-word pieces after the first labelled -100. The grid when the columns
 * hold such a pair (one grid only), else undefined: a 3-D array alone stays refused, naming the fix.
 */
export function tokenGrid(columns: ColumnInfo[]): TokenGrid | undefined {
  const grids = new Set(columns.filter((c) => c.perToken === true).map((c) => `${c.shape[0]},${c.shape[1]}`));
  if (grids.size !== 1) return undefined;
  const [n, t] = [...grids][0]!.split(',').map(Number) as [number, number];
  return columns.some((c) => c.shape.length === 2 && c.shape[0] === n && c.shape[1] === t && c.kind !== 'unsupported') ? { n, t } : undefined;
}

/** An array read one token a row: (N, T, ...) as (N * T, ...); arrays of one value per example are left out. */
function tokenArray(a: NdArray, { n, t }: TokenGrid): NdArray {
  const { shape, name } = a.info;
  const readable = a.info.kind !== 'unsupported' || a.info.perToken === true;
  if (!readable || shape[0] !== n || shape[1] !== t) {
    if (!readable) return a;
    const unsupported = `it holds shape (${shape.join(', ')}) beside arrays of one value per token (${n} examples x ${t} tokens): not read with them`;
    return { ...a, info: { ...a.info, kind: 'unsupported', width: 0, vector: false, unsupported } };
  }
  if (a.fortran) {
    const unsupported = `it is stored in Fortran (column-major) order, whose tokens are not stored one after another: save it with np.ascontiguousarray(${name})`;
    return { ...a, info: { ...a.info, kind: 'unsupported', width: 0, vector: false, unsupported } };
  }
  // Row-major (N, T, K) bytes are the (N * T, K) array's bytes: only the shape read changes.
  return { ...a, info: { ...columnShape(name, [n * t, ...shape.slice(2)], a.info.file, a.dtype), shape } };
}

/** Arrays stored raw as one ColumnarFile, which can also be read one token a row. */
export function ndFile(description: string, arrays: NdArray[], seekable: boolean): ColumnarFile {
  return {
    description,
    columns: arrays.map((a) => a.info),
    seekable,
    blocks: (names, range, blockRows, signal) => ndBlocks(arrays, names, range, blockRows, signal),
    perToken: (grid) => {
      const tokens = `one token a row: ${grid.n} examples x ${grid.t} tokens, row r is example floor(r / ${grid.t}), token r mod ${grid.t}`;
      return { ...ndFile(`${description}, ${tokens}`, arrays.map((a) => tokenArray(a, grid)), seekable), perToken: undefined };
    },
  };
}

/** The file read one token a row when its arrays are scores and labels per token (tokenGrid). */
export function tokensIfPerToken(file: ColumnarFile): ColumnarFile {
  const grid = tokenGrid(file.columns);
  return grid !== undefined && file.perToken !== undefined ? file.perToken(grid) : file;
}

const F16 = (() => {
  // All 65,536 half-precision values, decoded once: a table lookup per element.
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    t[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m === 0 ? s * Infinity : NaN) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return t;
})();

const nativeLittle = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The arrays a reader decodes into block after block (int64 labels as float64, swapped bytes):
 * a fresh one a block was garbage that the GC freed late, some MB of RSS meanwhile on a .npy pair
 * (more, the less the row loop allocated to prompt a collection).
 */
export class DecodeScratch {
  private f64s = new Float64Array(0);
  private f32s = new Float32Array(0);

  f64(n: number): Float64Array {
    if (this.f64s.length < n) this.f64s = new Float64Array(n);
    return this.f64s.subarray(0, n);
  }

  f32(n: number): Float32Array {
    if (this.f32s.length < n) this.f32s = new Float32Array(n);
    return this.f32s.subarray(0, n);
  }
}

/**
 * `n` elements of `bytes` (8-byte aligned, the reader's own buffer) as numbers. The result may
 * be a view on `bytes` (valid until its next read), an array of `scratch` (valid until its next
 * use) or a new array.
 */
export function decodeNumbers(bytes: Uint8Array, dtype: DType, n: number, scratch?: DecodeScratch): NumericArray {
  const { kind, size } = dtype;
  const buf = bytes.buffer;
  const off = bytes.byteOffset;
  const native = dtype.littleEndian === nativeLittle || size === 1;
  if (native) {
    if (kind === 'f' && size === 4) return new Float32Array(buf, off, n);
    if (kind === 'f' && size === 8) return new Float64Array(buf, off, n);
    if (kind === 'i' && size === 4) return new Int32Array(buf, off, n);
    if (kind === 'u' && size === 4) return new Uint32Array(buf, off, n);
    if (kind === 'i' && size === 2) return new Int16Array(buf, off, n);
    if (kind === 'u' && size === 2) return new Uint16Array(buf, off, n);
    if (kind === 'i' && size === 1) return new Int8Array(buf, off, n);
    if ((kind === 'u' || kind === 'b') && size === 1) return new Uint8Array(buf, off, n);
  }
  const view = new DataView(buf, off, n * size);
  const le = dtype.littleEndian;
  const f32 = (m: number) => scratch?.f32(m) ?? new Float32Array(m);
  const f64 = (m: number) => scratch?.f64(m) ?? new Float64Array(m);
  if (kind === 'f16' || kind === 'bf16') {
    const out = f32(n);
    if (kind === 'f16') for (let i = 0; i < n; i++) out[i] = F16[view.getUint16(2 * i, le)]!;
    else {
      // bfloat16 is the upper half of a float32.
      const bits = new Uint32Array(out.buffer, out.byteOffset, n);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(2 * i, le) << 16;
    }
    return out;
  }
  if (kind === 'f') {
    if (size === 4) {
      const out = f32(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, le);
      return out;
    }
    const out = f64(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, le);
    return out;
  }
  const out = f64(n);
  if (size === 8) {
    // 64-bit integers as two 32-bit halves: exact up to 2^53, enough for any label or id.
    const lo = le ? 0 : 4;
    const hi = le ? 4 : 0;
    for (let i = 0; i < n; i++) {
      const h = kind === 'i' ? view.getInt32(8 * i + hi, le) : view.getUint32(8 * i + hi, le);
      out[i] = h * 4294967296 + view.getUint32(8 * i + lo, le);
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const at = size * i;
    out[i] = size === 4 ? (kind === 'i' ? view.getInt32(at, le) : view.getUint32(at, le)) : size === 2 ? (kind === 'i' ? view.getInt16(at, le) : view.getUint16(at, le)) : view.getUint8(at);
  }
  return out;
}

const utf8 = new TextDecoder('utf-8');

/** `n` fixed-width strings: `U` (UTF-32, `size` bytes each) or `S` (bytes), trailing NULs dropped. */
export function decodeStrings(bytes: Uint8Array, dtype: DType, n: number): string[] {
  const out: string[] = new Array<string>(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, n * dtype.size);
  for (let i = 0; i < n; i++) {
    const at = i * dtype.size;
    if (dtype.kind === 'S') {
      let e = at + dtype.size;
      while (e > at && bytes[e - 1] === 0) e--;
      out[i] = utf8.decode(bytes.subarray(at, e));
      continue;
    }
    let s = '';
    for (let c = 0; c < dtype.size / 4; c++) {
      const cp = view.getUint32(at + 4 * c, dtype.littleEndian);
      if (cp === 0) break;
      s += String.fromCodePoint(cp);
    }
    out[i] = s;
  }
  return out;
}

/** Rows per block: about 1 MiB of the widest array, at least 256 rows. */
function blockRowsFor(arrays: NdArray[], asked?: number): number {
  if (asked !== undefined) return asked;
  const widest = Math.max(1, ...arrays.map((a) => a.info.width * a.dtype.size));
  return Math.max(256, Math.floor((1 << 20) / widest));
}

/** Reads one array's rows block by block, whatever its order and storage. */
interface RowReader {
  next(rows: number): Promise<NumericArray | string[]>;
  close(): Promise<void>;
}

function rowReader(a: NdArray, start: number, end: number): RowReader {
  const { width } = a.info;
  const item = a.dtype.size;
  const scratch = new DecodeScratch();
  const decode = (bytes: Uint8Array, n: number): NumericArray | string[] =>
    a.info.kind === 'string' ? decodeStrings(bytes, a.dtype, n) : decodeNumbers(bytes, a.dtype, n, scratch);
  const short = (got: number, want: number) =>
    new ColumnarError(`${a.info.name}: the data ends ${want - got} bytes early (the file was cut short, or is still being written)`);
  if (!a.fortran || width === 1) {
    const reader = new PullReader(a.bytes.stream(start * width * item, end * width * item));
    return {
      async next(rows) {
        const want = rows * width * item;
        const bytes = await reader.take(want);
        if (bytes.length < want) throw short(bytes.length, want);
        return decode(bytes, rows * width);
      },
      close: () => reader.close(),
    };
  }
  // Column-major: each row's K values lie N elements apart. One reader per column, in step, and
  // the block transposed to row-major.
  const n = a.info.rows;
  const columns = Array.from({ length: width }, (_, k) => new PullReader(a.bytes.stream((k * n + start) * item, (k * n + end) * item)));
  return {
    async next(rows) {
      let out: Float64Array | Float32Array | undefined;
      for (let k = 0; k < width; k++) {
        const want = rows * item;
        const bytes = await columns[k]!.take(want);
        if (bytes.length < want) throw short(bytes.length, want);
        const col = decodeNumbers(bytes, a.dtype, rows);
        out ??= col instanceof Float32Array ? new Float32Array(rows * width) : new Float64Array(rows * width);
        for (let i = 0; i < rows; i++) out[i * width + k] = col[i]!;
      }
      return out ?? new Float64Array(0);
    },
    close: async () => {
      await Promise.all(columns.map((c) => c.close()));
    },
  };
}

/**
 * Fortran-order arrays read through a stream that only goes forward (a deflated member) need a
 * decompression per column: refused past this many columns, naming the fix.
 */
const MAX_FORWARD_ONLY_COLUMNS = 64;

/** Blocks of rows [range.start, range.end) of the named arrays, side by side. */
export async function* ndBlocks(arrays: NdArray[], names: string[], range?: { start: number; end: number }, blockRows?: number, signal?: AbortSignal): AsyncGenerator<ColumnBlock> {
  const chosen = names.map((n) => {
    const a = arrays.find((x) => x.info.name === n);
    if (a === undefined) throw new ColumnarError(`there is no array named ${JSON.stringify(n)} (there are: ${arrays.map((x) => x.info.name).join(', ')})`);
    if (a.info.kind === 'unsupported') throw new ColumnarError(`${a.info.name} cannot be read: ${a.info.unsupported}`);
    if (a.fortran && !a.bytes.seekable && a.info.width > MAX_FORWARD_ONLY_COLUMNS) {
      throw new ColumnarError(`${a.info.name} is a compressed array in Fortran (column-major) order with ${a.info.width} columns, which would be decompressed once per column: save it with np.savez(..., ${a.info.name}=np.ascontiguousarray(${a.info.name})) or uncompressed`);
    }
    return a;
  });
  const rows = Math.min(...chosen.map((a) => a.info.rows));
  const start = Math.max(0, range?.start ?? 0);
  const end = Math.min(rows, range?.end ?? rows);
  const step = blockRowsFor(chosen, blockRows);
  const readers = chosen.map((a) => rowReader(a, start, end));
  try {
    for (let at = start; at < end; at += step) {
      if (signal?.aborted) throw new ColumnarError('read cancelled');
      const size = Math.min(step, end - at);
      const values = new Map<string, NumericArray | string[]>();
      for (let i = 0; i < chosen.length; i++) values.set(chosen[i]!.info.name, await readers[i]!.next(size));
      yield { start: at, size, values };
    }
  } finally {
    await Promise.all(readers.map((r) => r.close()));
  }
}
