/**
 * safetensors (Hugging Face): an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian row-major data.
 * Specification: https://github.com/huggingface/safetensors (format section).
 */
import type { ByteSource } from '../parse/types';
import { readExactly } from './bytes';
import { columnShape, ndFile, rangeBytes, tokensIfPerToken, type DType, type NdArray } from './ndarray';
import { ColumnarError, type ColumnarFile } from './types';

const DTYPES: Record<string, [DType['kind'], number]> = {
  F64: ['f', 8], F32: ['f', 4], F16: ['f16', 2], BF16: ['bf16', 2],
  I64: ['i', 8], I32: ['i', 4], I16: ['i', 2], I8: ['i', 1],
  U64: ['u', 8], U32: ['u', 4], U16: ['u', 2], U8: ['u', 1], BOOL: ['b', 1],
};

/** A header no bigger than this is JSON a safetensors writer made (the format caps it at 100 MB). */
const MAX_HEADER = 100 * 1024 * 1024;

/** Whether the first bytes look like safetensors: a sane header length, then `{`. */
export function looksLikeSafetensors(head: Uint8Array): boolean {
  if (head.length < 9) return false;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const n = v.getUint32(0, true) + v.getUint32(4, true) * 4294967296;
  return n > 1 && n <= MAX_HEADER && head[8] === 0x7b;
}

interface TensorEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export async function openSafetensors(source: ByteSource): Promise<ColumnarFile> {
  const lenBytes = await readExactly(source, 0, 8, 'the safetensors header length');
  const lv = new DataView(lenBytes.buffer, lenBytes.byteOffset, 8);
  const n = lv.getUint32(0, true) + lv.getUint32(4, true) * 4294967296;
  if (n > MAX_HEADER) throw new ColumnarError(`${source.name} is not a safetensors file (its first 8 bytes give a header of ${n} bytes)`);
  const text = new TextDecoder().decode(await readExactly(source, 8, 8 + n, 'the safetensors header'));
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new ColumnarError(`${source.name}: the safetensors header is not JSON (${(err as Error).message})`);
  }
  const base = 8 + n;
  const arrays: NdArray[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const t = value as TensorEntry;
    if (t === null || typeof t !== 'object' || !Array.isArray(t.shape) || !Array.isArray(t.data_offsets)) {
      throw new ColumnarError(`${source.name}: the header entry for ${JSON.stringify(name)} has no shape or data_offsets`);
    }
    const spec = DTYPES[t.dtype];
    const dtype: DType | string = spec === undefined ? t.dtype : { text: t.dtype, kind: spec[0], size: spec[1], littleEndian: true };
    const info = columnShape(name, t.shape, source.name, dtype);
    const [from, to] = t.data_offsets;
    const elements = t.shape.reduce((a, b) => a * b, 1);
    if (spec !== undefined && to - from !== elements * spec[1]) {
      throw new ColumnarError(`${source.name}: tensor ${name} (${t.dtype}, shape [${t.shape.join(', ')}]) needs ${elements * spec[1]} bytes, its offsets give ${to - from}`);
    }
    if (source.size !== undefined && base + to > source.size) {
      throw new ColumnarError(`${source.name} is cut short: tensor ${name} ends at byte ${base + to}, the file has ${source.size} (still being written?)`);
    }
    arrays.push({ info, dtype: typeof dtype === 'string' ? { text: dtype, kind: 'u', size: 1, littleEndian: true } : dtype, fortran: false, bytes: rangeBytes(source, base + from) });
  }
  if (arrays.length === 0) throw new ColumnarError(`${source.name} holds no tensors`);
  return tokensIfPerToken(ndFile(`safetensors (${arrays.length} tensor${arrays.length === 1 ? '' : 's'})`, arrays, true));
}
