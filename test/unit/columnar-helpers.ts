/** Columnar readers' test helpers: sources over bytes in memory, and whole reads of columns. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { ColumnarError, type ColumnarFile } from '../../src/core/columnar/types';
import type { ByteRange, ByteSource } from '../../src/core/parse/types';

export const DIR = 'test/fixtures/binary';

/** Bytes as a source of small chunks (pages then straddle chunks), counting the streams still open. */
export function memSource(bytes: Uint8Array, name: string, opts: { chunk?: number; sized?: boolean } = {}): ByteSource & { open: number } {
  const chunk = opts.chunk ?? 4096;
  const src = {
    name,
    size: opts.sized === false ? undefined : bytes.length,
    open: 0,
    async *chunks(range?: ByteRange) {
      const start = range?.start ?? 0;
      const end = Math.min(bytes.length, range?.end ?? bytes.length);
      src.open++;
      try {
        for (let at = start; at < end; at += chunk) yield bytes.slice(at, Math.min(end, at + chunk));
      } finally {
        src.open--;
      }
    },
  };
  return src;
}

export const fixture = (file: string, opts?: { chunk?: number; sized?: boolean }) => memSource(new Uint8Array(readFileSync(`${DIR}/${file}`)), file, opts);
export const embedded = (b64: string[], name: string) => memSource(new Uint8Array(Buffer.from(b64.join(''), 'base64')), name);

export interface Read {
  blocks: { start: number; size: number; types: string[] }[];
  values: Map<string, (number | string | null)[]>;
}

/** Every block of the named columns, copied as it comes (a block's arrays are valid until the next). */
export async function readAll(file: ColumnarFile, names: string[], range?: ByteRange, blockRows?: number): Promise<Read> {
  const out: Read = { blocks: [], values: new Map(names.map((n) => [n, []])) };
  for await (const b of file.blocks(names, range, blockRows)) {
    out.blocks.push({ start: b.start, size: b.size, types: names.map((n) => b.values.get(n)!.constructor.name) });
    for (const n of names) {
      const into = out.values.get(n)!;
      for (const v of Array.from(b.values.get(n)! as ArrayLike<number | string | null>)) into.push(v);
    }
  }
  return out;
}

/** The promise fails with a ColumnarError whose message matches. */
export async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.ok(err instanceof ColumnarError, `${err.name}: ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  });
}
