/**
 * What the read-only preview of a binary file shows before any loss: its arrays or columns
 * (name, type, shape) and its first rows as text.
 */
import type { BinaryFormat } from '../formats';
import type { ByteSource } from '../parse/types';
import { readAt } from './bytes';
import { binaryFormat, openColumnar } from './open';
import type { ColumnInfo, NumericArray } from './types';

export interface BinaryPreview {
  format: BinaryFormat;
  description: string;
  columns: ColumnInfo[];
  /** The first rows of the readable columns with as many rows as the longest, as text. */
  head: { columns: string[]; rows: string[][] };
}

/** Rows shown. */
export const PREVIEW_ROWS = 20;
/** Values of a vector shown in its cell. */
const VECTOR_VALUES = 4;

function numberText(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

export async function previewBinary(source: ByteSource, labels?: ByteSource): Promise<BinaryPreview | undefined> {
  const kind = binaryFormat(source.name, await readAt(source, 0, 64));
  if (kind === undefined) return undefined;
  const paired = [];
  if (labels !== undefined) {
    const l = binaryFormat(labels.name, await readAt(labels, 0, 64));
    if (l !== undefined) paired.push({ source: labels, format: l.format });
  }
  const file = await openColumnar(source, kind.format, paired);
  const rows = Math.max(0, ...file.columns.filter((c) => c.kind !== 'unsupported').map((c) => c.rows));
  const shown = file.columns.filter((c) => c.kind !== 'unsupported' && c.rows === rows);
  const n = Math.min(rows, PREVIEW_ROWS);
  const cells: string[][] = Array.from({ length: n }, () => []);
  if (shown.length > 0 && n > 0) {
    for await (const b of file.blocks(shown.map((c) => c.name), { start: 0, end: n })) {
      for (const c of shown) {
        const values = b.values.get(c.name)!;
        for (let r = 0; r < b.size; r++) {
          let text: string;
          if (c.kind === 'string') text = (values as (string | null)[])[r] ?? '';
          else if (!c.vector) text = numberText((values as NumericArray)[r]!);
          else {
            const v = (values as NumericArray).subarray(r * c.width, (r + 1) * c.width);
            const first = Array.from(v.subarray(0, VECTOR_VALUES), numberText).join(', ');
            text = c.width > VECTOR_VALUES ? `[${first}, … ${c.width} values]` : `[${first}]`;
          }
          cells[b.start + r]!.push(text);
        }
      }
    }
  }
  return { format: kind.format, description: file.description, columns: file.columns, head: { columns: shown.map((c) => c.name), rows: cells } };
}
