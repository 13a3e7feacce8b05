/**
 * NumPy's `.npy` format (np.save): a magic string, a Python dict literal saying the dtype, the
 * order and the shape, then the raw elements. Specification: numpy/lib/format.py (versions 1.0,
 * 2.0 with a 4-byte header length, 3.0 with a UTF-8 header).
 */
import type { ByteSource } from '../parse/types';
import { readAt } from './bytes';
import { columnShape, ndFile, rangeBytes, type ArrayBytes, type DType, type NdArray } from './ndarray';
import { ColumnarError, type ColumnarFile } from './types';

export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function isNpy(head: Uint8Array): boolean {
  return NPY_MAGIC.every((b, i) => head[i] === b);
}

/** How to turn an array NumPy cannot save without pickle into one it can. */
const PICKLE_FIX =
  'it is an object array (dtype=object), which NumPy stores as a pickle: running a pickle can run any code, so Loss Lens does not load it. ' +
  'Save numbers or fixed-width text instead: np.save(path, np.asarray(a, dtype=np.float32)) for scores, np.asarray(a, dtype=str) for class names';

/** A NumPy dtype string (`<f4`, `>i8`, `|b1`, `<U10`) as a DType, or why it cannot be read. */
export function parseDescr(descr: string): DType | string {
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (m === null) return descr;
  const [, order, code, digits] = m;
  const n = digits === '' ? 0 : Number(digits);
  // '=' is native, and every machine NumPy runs on today is little-endian; '|' is no order (bytes).
  const littleEndian = order !== '>';
  const d = (kind: DType['kind'], size: number): DType => ({ text: descr, kind, size, littleEndian });
  switch (code) {
    case 'f':
      if (n === 2) return d('f16', 2);
      if (n === 4 || n === 8) return d('f', n);
      return descr;
    case 'i':
    case 'u':
      return n === 1 || n === 2 || n === 4 || n === 8 ? d(code, n) : descr;
    case 'b':
      return n === 1 ? d('b', 1) : descr;
    case '?':
      return d('b', 1);
    case 'U':
      return n > 0 ? d('U', 4 * n) : descr;
    case 'S':
    case 'a':
      return n > 0 ? d('S', n) : descr;
    default:
      return descr;
  }
}

export interface NpyHeader {
  descr: string;
  fortran: boolean;
  shape: number[];
  /** Where the elements start. */
  dataOffset: number;
}

/** Parses the header at the start of `head` (at least the first 12 bytes plus the header). */
export function parseNpyHeader(head: Uint8Array, what: string): NpyHeader | { needBytes: number } {
  if (!isNpy(head)) throw new ColumnarError(`${what} is not a NumPy .npy array (it does not start with \\x93NUMPY)`);
  const major = head[6]!;
  if (major < 1 || major > 3) throw new ColumnarError(`${what} is a .npy file of format version ${major}.${head[7]}, which Loss Lens does not know (1.0 to 3.0)`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (head.length < 8 + lenBytes) return { needBytes: 8 + lenBytes };
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lenBytes + hlen;
  if (head.length < dataOffset) return { needBytes: dataOffset };
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(head.subarray(8 + lenBytes, dataOffset));
  const descr = /['"]descr['"]\s*:\s*(['"])(.*?)\1/.exec(text)?.[2];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined) {
    if (/['"]descr['"]\s*:\s*\[/.test(text)) {
      throw new ColumnarError(`${what} is a structured (record) array; save each field as its own array (np.savez(path, **{name: a[name] for name in a.dtype.names}))`);
    }
    throw new ColumnarError(`${what}: the .npy header has no dtype ("descr"): ${JSON.stringify(text.trim())}`);
  }
  if (fortran === undefined || shape === undefined) throw new ColumnarError(`${what}: the .npy header is malformed: ${JSON.stringify(text.trim())}`);
  const dims = shape.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (dims.some((x) => !Number.isInteger(x) || x < 0)) throw new ColumnarError(`${what}: the .npy header has a bad shape (${shape})`);
  return { descr, fortran: fortran === 'True', shape: dims, dataOffset };
}

/** The array described by an .npy header whose elements `bytes` holds; `name` names its column. */
export function npyArray(name: string, file: string, header: NpyHeader, bytes: ArrayBytes): NdArray {
  const parsed = header.descr.endsWith('O') ? undefined : parseDescr(header.descr);
  if (parsed === undefined) {
    return { info: { ...columnShape(name, header.shape, file, header.descr), kind: 'unsupported', unsupported: PICKLE_FIX }, dtype: { text: 'O', kind: 'u', size: 8, littleEndian: true }, fortran: header.fortran, bytes };
  }
  const info = columnShape(name, header.shape, file, parsed);
  const dtype = typeof parsed === 'string' ? { text: parsed, kind: 'u' as const, size: 1, littleEndian: true } : parsed;
  return { info, dtype, fortran: header.fortran, bytes };
}

/** The column name of an array saved as `path`: its file name without the folder and `.npy`. */
export function npyStem(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.npy$/i, '');
}

/** The header of an .npy file, reading more of it when the first KiB does not hold it all. */
async function readNpyHeader(source: ByteSource): Promise<NpyHeader> {
  let want = 1024;
  for (;;) {
    const bytes = await readAt(source, 0, want);
    const h = parseNpyHeader(bytes, source.name);
    if (!('needBytes' in h)) return h;
    if (bytes.length < want || h.needBytes <= bytes.length) throw new ColumnarError(`${source.name}: the .npy header is cut short`);
    want = h.needBytes;
  }
}

/** One `.npy` file: a single column named after the file. */
export async function openNpy(source: ByteSource): Promise<ColumnarFile> {
  const header = await readNpyHeader(source);
  const array = npyArray(npyStem(source.name), source.name, header, rangeBytes(source, header.dataOffset));
  const expected = header.dataOffset + header.shape.reduce((a, b) => a * b, 1) * array.dtype.size;
  if (source.size !== undefined && array.info.kind !== 'unsupported' && source.size < expected) {
    throw new ColumnarError(`${source.name} is cut short: shape (${header.shape.join(', ')}) of ${header.descr} needs ${expected} bytes, the file has ${source.size} (still being written?)`);
  }
  return ndFile(`NumPy .npy (${header.descr}, shape (${header.shape.join(', ')})${header.fortran && header.shape.length > 1 ? ', Fortran order' : ''})`, [array], true);
}
