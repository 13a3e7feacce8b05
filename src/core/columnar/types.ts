/**
 * Binary prediction files (NumPy, safetensors, Arrow, Parquet) seen as named columns of equal
 * length: a column holds one value per row (a label, a probability) or a fixed-width vector per
 * row (logits, a one-hot target). Each format's reader turns its file into a ColumnarFile; the
 * shared reader (read.ts) infers the layout from the first rows and streams blocks of rows into
 * the loss, whatever the format.
 */
import type { ByteRange, ByteSource } from '../parse/types';
import type { Categories } from './categories';

/** Numbers of one block, row-major (a vector column: `width` values per row). */
export type NumericArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

export interface ColumnInfo {
  /** The array's, tensor's or column's name (an `.npy` file: its name without `.npy`). */
  name: string;
  /** The type as the file writes it (`<f4`, `F32`, `list<float>`), for messages and the viewer. */
  dtype: string;
  /**
   * number: read as numbers; string: read as text (class names); unsupported: listed but never
   * read (an object array, a struct column), with `unsupported` saying why and what to do.
   */
  kind: 'number' | 'string' | 'unsupported';
  /** Rows; a vector column's row has `width` values, a scalar column's one (width 1, vector false). */
  rows: number;
  width: number;
  /** The column holds a vector of K > 1 values per row (shape (N, K), a list column); (N, 1) is a scalar column. */
  vector: boolean;
  /** The shape as the file writes it (`[300, 10]`), for the viewer and messages. */
  shape: number[];
  /** Why the column cannot be read, naming the fix (kind 'unsupported'). */
  unsupported?: string;
  /** The file the column comes from (a pair of `.npy` files: each its own). */
  file: string;
  /** Numbers of shape (N, T, K): scores per token, read one token a row beside labels of shape (N, T) (tokenGrid). */
  perToken?: boolean;
}

/** Rows [start, start + size) of some columns. */
export interface ColumnBlock {
  start: number;
  size: number;
  /** By column name: numbers (row-major, `width` per row) or strings (one per row; null: missing). */
  values: Map<string, NumericArray | (string | null)[]>;
}

export interface ColumnarFile {
  /** What kind of file it is, for evidence and the viewer: `NumPy .npz (2 arrays, deflated)`. */
  description: string;
  columns: ColumnInfo[];
  /** Rows can be read from any row on without reading those before (not a deflated member): ranges of rows split the work. */
  seekable: boolean;
  /**
   * Class names the writer recorded for a column of class indices (a Hugging Face `ClassLabel`
   * feature, in the schema's `huggingface` metadata), by column name.
   */
  labelNames?: Map<string, string[]>;
  /**
   * The class order the writer recorded for a text column, by column name: a pandas Categorical's
   * categories, a polars Enum's values, an ordered Arrow dictionary (categories.ts).
   */
  categories?: Map<string, Categories>;
  /** Rows where a read starts at no cost (Layout.splitPoints): row groups, record batches. */
  splitPoints?: number[];
  /**
   * Rows [range.start, range.end) of the named columns, in blocks of about `blockRows` rows (a
   * reader may give whole row groups instead). Breaking out of the iteration releases the file.
   */
  blocks(names: string[], range?: ByteRange, blockRows?: number, signal?: AbortSignal): AsyncIterable<ColumnBlock>;
  /** Arrays stored raw: the same file read one token a row (see tokenGrid). */
  perToken?(grid: TokenGrid): ColumnarFile;
}

/** Examples and tokens per example of arrays saved per token: (N, T, K) scores, (N, T) labels. */
export interface TokenGrid {
  n: number;
  t: number;
}

/** Opens one binary file's columns (the source's bytes are read on demand, by ranges). */
export type ColumnarOpener = (source: ByteSource) => Promise<ColumnarFile>;

/** A file that is not what its name or magic bytes say, or that cannot be read: a message naming the fix. */
export class ColumnarError extends Error {
  override name = 'ColumnarError';
}
