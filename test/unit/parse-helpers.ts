/** Shared helpers for the reader tests: read a text or bytes source and copy every sample. */
import { bytesSource } from '../../src/core/parse/memory-source';
import { readSamples } from '../../src/core/parse/read';
import { formatProblem } from '../../src/core/parse/problems';
import type { ByteSource, ReadOptions, ReadResult } from '../../src/core/parse/types';

export interface Row {
  row: number;
  line: number;
  prediction: number[];
  target: number | number[];
  weight?: number;
  id?: string;
}

export async function readAll(
  source: ByteSource,
  options: ReadOptions = {},
  idColumn?: string,
  onEach?: () => void,
  signal?: AbortSignal,
): Promise<{ result: ReadResult; rows: Row[]; messages: string[] }> {
  const rows: Row[] = [];
  const result = await readSamples(source, signal === undefined ? options : { ...options, signal }, (s, row, line, fields) => {
    onEach?.();
    const r: Row = {
      row,
      line,
      prediction: Array.from(s.prediction),
      target: typeof s.target === 'number' ? s.target : Array.from(s.target),
    };
    if (s.weight !== undefined) r.weight = s.weight;
    if (idColumn !== undefined) r.id = fields.text(idColumn);
    rows.push(r);
  });
  const messages = [...result.problems, ...result.warnings].map((p) => formatProblem(source.name, p));
  return { result, rows, messages };
}

export function readText(name: string, text: string, options: ReadOptions = {}, chunkSize = 65536, idColumn?: string) {
  return readAll(bytesSource(name, text, chunkSize), options, idColumn);
}
