/**
 * The file formats as people call them, and which are binary: a binary file's positions are
 * rows (a problem's `line` holds the 1-based row), a text file's are lines and columns.
 */
import type { FileFormat } from './parse/types';

export type BinaryFormat = 'npy' | 'npz' | 'safetensors' | 'parquet' | 'arrow';

export const FORMAT_NAMES: Record<FileFormat, string> = {
  csv: 'CSV', tsv: 'TSV', json: 'JSON', jsonl: 'JSONL',
  npy: 'NumPy .npy', npz: 'NumPy .npz', safetensors: 'safetensors', parquet: 'Parquet', arrow: 'Arrow',
};

export function isBinaryFormat(format: FileFormat): format is BinaryFormat {
  return format === 'npy' || format === 'npz' || format === 'safetensors' || format === 'parquet' || format === 'arrow';
}
