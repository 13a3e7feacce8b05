/**
 * Positioned reads over a ByteSource, and a pull reader over a stream of chunks: what binary
 * formats need (a header here, an array's bytes there) from sources that stream.
 */
import { concatBytes } from '../parse/bytes';
import { bytesSource } from '../parse/memory-source';
import type { ByteSource } from '../parse/types';
import { ColumnarError } from './types';

/**
 * The source itself when its size is known, else its whole content in memory: formats whose
 * index is at the end (Parquet's footer, an Arrow IPC file's) cannot be read from a stream of
 * unknown length (a gzip-compressed file) otherwise.
 */
export async function sizedSource(source: ByteSource): Promise<ByteSource & { size: number }> {
  if (source.size !== undefined) return source as ByteSource & { size: number };
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const c of source.chunks()) {
    parts.push(c.slice());
    size += c.length;
  }
  return { ...bytesSource(source.name, concatBytes(parts, size)), size };
}

/** Bytes [start, end) of the source, in one fresh array (shorter when the source ends first). */
export async function readAt(source: ByteSource, start: number, end: number): Promise<Uint8Array> {
  const out = new Uint8Array(Math.max(0, end - start));
  if (source.readInto !== undefined) {
    const n = await source.readInto(out, start);
    return n === out.length ? out : out.subarray(0, n);
  }
  let o = 0;
  for await (const chunk of source.chunks({ start, end })) {
    const take = Math.min(chunk.length, out.length - o);
    out.set(chunk.subarray(0, take), o);
    o += take;
    if (o >= out.length) break;
  }
  return o === out.length ? out : out.subarray(0, o);
}

/** Bytes [start, end) of the source, or an error naming what was cut short. */
export async function readExactly(source: ByteSource, start: number, end: number, what: string): Promise<Uint8Array> {
  const bytes = await readAt(source, start, end);
  if (bytes.length < end - start) {
    throw new ColumnarError(`the file ends after ${start + bytes.length} bytes, inside ${what} (bytes ${start} to ${end}): it was cut short, or is still being written`);
  }
  return bytes;
}

/**
 * Takes exactly n bytes at a time from a stream of chunks of any size. The bytes returned are
 * the reader's own buffer, valid until the next call, and 8-byte aligned (typed-array views of
 * any element size may be made on them).
 */
export class PullReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private chunk: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private buf: Uint8Array = new Uint8Array(0);
  /** Bytes handed out so far. */
  consumed = 0;

  constructor(stream: AsyncIterable<Uint8Array>) {
    this.it = stream[Symbol.asyncIterator]();
  }

  /** The next n bytes, or fewer when the stream ends first. */
  async take(n: number): Promise<Uint8Array> {
    if (this.buf.length < n) this.buf = new Uint8Array(Math.max(n, this.buf.length * 2));
    let o = 0;
    while (o < n) {
      if (this.pos >= this.chunk.length) {
        const next = await this.it.next();
        if (next.done === true) break;
        this.chunk = next.value;
        this.pos = 0;
        continue;
      }
      const take = Math.min(n - o, this.chunk.length - this.pos);
      this.buf.set(this.chunk.subarray(this.pos, this.pos + take), o);
      this.pos += take;
      o += take;
    }
    this.consumed += o;
    return this.buf.subarray(0, o);
  }

  /** Ends the stream early (releases the file). */
  async close(): Promise<void> {
    await this.it.return?.();
  }
}
