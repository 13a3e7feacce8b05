/**
 * Node adapters for the core readers: a file as a ByteSource (fs streams), transparently
 * gunzipped when its first bytes are the gzip magic 1f 8b (whatever its name), with byte-range
 * reads so workers can each take a part of a plain file.
 *
 * A source records the file's identity when it is opened (fstat: size, modification time, inode
 * and device), so a read can tell at its end whether the file changed meanwhile: a training loop
 * rewriting, truncating or replacing its file. withFileSource keeps the descriptor it opened for
 * the whole read and checks both it and the path at the end.
 */
import { createReadStream, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { FileChangedError, sameIdentity, type FileIdentity } from '../core/file-changed';
import type { ByteRange, ByteSource, ChunkOptions } from '../core/parse/types';

/** 1 MiB reads: large enough that per-chunk overhead vanishes, small enough for a flat RSS. */
export const CHUNK_BYTES = 1 << 20;

export interface FileSource extends ByteSource {
  path: string;
  /** The file is gzip- or zstd-compressed (content is decompressed on the fly; no cheap ranges). */
  gzip: boolean;
  /** Size of the file on disk (compressed size for gzip). */
  fileSize: number;
  /** The file when the source was opened (fstat of the descriptor it opened). */
  identity: FileIdentity;
  /**
   * Whether the file changed since the source was opened: fstat on the descriptor, while it is
   * kept (a rewrite in place, a truncation), and stat on the path (another file renamed over it,
   * or none left).
   */
  changed(): Promise<FileChangedError | undefined>;
  /** Closes the descriptor kept by withFileSource (fileSource's is closed at once); reads open the file each. */
  close(): Promise<void>;
}

export function identityOf(info: Stats): FileIdentity {
  return { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino, dev: info.dev };
}

async function headBytes(fh: FileHandle, n: number): Promise<Uint8Array> {
  const buf = new Uint8Array(n);
  const { bytesRead } = await fh.read(buf, 0, n, 0);
  return buf.subarray(0, bytesRead);
}

/** The path's identity now, or null when it no longer names a file (removed, or its folder gone). */
async function identityAtPath(path: string): Promise<FileIdentity | null | undefined> {
  try {
    return identityOf(await stat(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Another failure (permissions changed) says nothing about the content: the descriptor decides.
    return code === 'ENOENT' || code === 'ENOTDIR' ? null : undefined;
  }
}

/** The change check of a source opened as `fh` (undefined: closed) with identity `before` (see FileSource.changed). */
function changeCheck(fh: FileHandle | undefined, path: string, name: string, before: FileIdentity): () => Promise<FileChangedError | undefined> {
  return async () => {
    const [fd, atPath] = await Promise.all([fh ? fh.stat().then(identityOf) : before, identityAtPath(path)]);
    // The path's view first: it is the file a run after this one will read.
    if (atPath === null) return new FileChangedError(name, before, null);
    if (atPath !== undefined && !sameIdentity(before, atPath)) return new FileChangedError(name, before, atPath);
    if (!sameIdentity(before, fd)) return new FileChangedError(name, before, fd);
    return undefined;
  };
}

/** Past a read's expected end, chunks this small: enough for the row that crosses it. */
const TAIL_CHUNK_BYTES = 64 * 1024;

/**
 * Buffer pairs of finished reads, for the next read on this thread: a split read opens one read per
 * piece, and a fresh pair each time is 2 MiB to allocate and fault in, then garbage.
 */
const sparePairs: Uint8Array[][] = [];

/**
 * Bytes [start, end) of a file through two buffers read in turn: the next read runs while the
 * consumer scans the current chunk, and the buffer it last saw is only overwritten once it asks
 * for another. No allocation per chunk, so RSS stays flat and the GC has nothing to do.
 */
async function* reusedChunks(path: string, start: number, end: number, expectedEnd = end): AsyncGenerator<Uint8Array> {
  const fh: FileHandle = await open(path, 'r');
  const buffers = sparePairs.pop() ?? [new Uint8Array(CHUNK_BYTES), new Uint8Array(CHUNK_BYTES)];
  const readInto = async (buf: Uint8Array, at: number): Promise<number> => {
    const want = Math.min(buf.length, end - at, at < expectedEnd ? expectedEnd - at : TAIL_CHUNK_BYTES);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await fh.read(buf, got, want - got, at + got);
      if (bytesRead === 0) break; // the file shrank: stop at what is there
      got += bytesRead;
    }
    return got;
  };
  let at = start;
  let which = 0;
  let pending = readInto(buffers[0]!, at);
  try {
    for (;;) {
      const n = await pending;
      if (n === 0) return;
      const current = buffers[which]!;
      at += n;
      which ^= 1;
      // The other buffer was yielded last time and the consumer has moved on: refill it now.
      pending = at < end ? readInto(buffers[which]!, at) : Promise.resolve(0);
      yield n === current.length ? current : current.subarray(0, n);
    }
  } finally {
    // A consumer that stops early leaves one read in flight: let it land before closing.
    await pending.catch(() => 0);
    await fh.close();
    sparePairs.push(buffers);
  }
}

/** Reads into the whole of `into` from `position`, or up to the end of the file. */
async function readFully(fh: FileHandle, into: Uint8Array, position: number): Promise<number> {
  let got = 0;
  while (got < into.length) {
    const { bytesRead } = await fh.read(into, got, into.length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/**
 * A Buffer's bytes as a plain Uint8Array view: the tokenizers then see one kind of array. Fed a
 * Buffer by one read and a Uint8Array by the next, V8 threw away their optimised code ("wrong map").
 */
function plainBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Opens a file for the readers; `name` (default: the path) is what problems are reported against.
 * Its descriptor is closed at once: readers that want to know whether the file changed while
 * they read it go through withFileSource.
 */
export function fileSource(path: string, name = path): Promise<FileSource> {
  return openSource(path, name, false);
}

/** A source; `keep`: its descriptor stays open (for the change check) until close(). */
async function openSource(path: string, name: string, keep: boolean): Promise<FileSource> {
  const fh = await open(path, 'r');
  let info: Stats;
  let magic: Uint8Array;
  try {
    info = await fh.stat();
    if (info.isDirectory()) throw new Error(`${path} is a directory`);
    magic = await headBytes(fh, 4);
  } catch (err) {
    await fh.close();
    throw err;
  }
  if (!keep) await fh.close();
  const identity = identityOf(info);
  const changed = changeCheck(keep ? fh : undefined, path, name, identity);
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= keep ? fh.close() : Promise.resolve());
  const isGzip = magic.length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  // pandas' to_csv('x.csv.zst') / compression='zstd': frame magic 28 b5 2f fd.
  const zstd = magic.length === 4 && magic[0] === 0x28 && magic[1] === 0xb5 && magic[2] === 0x2f && magic[3] === 0xfd;
  const gzip = isGzip || zstd;
  if (!gzip) {
    return {
      name,
      path,
      gzip,
      fileSize: info.size,
      size: info.size,
      identity,
      changed,
      close,
      // Only while the descriptor is kept (withFileSource): a source without one has nothing to read at.
      ...(keep ? { readInto: (into: Uint8Array, position: number) => readFully(fh, into, position) } : {}),
      async *chunks(range?: ByteRange, options?: ChunkOptions) {
        const start = Math.max(0, range?.start ?? 0);
        const end = Math.min(info.size, range?.end ?? info.size);
        if (end <= start) return;
        if (options?.reuseBuffers) {
          yield* reusedChunks(path, start, end, options.expectedEnd);
          return;
        }
        // createReadStream's end is inclusive.
        const stream = createReadStream(path, { start, end: end - 1, highWaterMark: CHUNK_BYTES });
        try {
          for await (const chunk of stream) yield plainBytes(chunk as Buffer);
        } finally {
          stream.destroy();
        }
      },
    };
  }
  return {
    name,
    path,
    gzip,
    fileSize: info.size,
    identity,
    changed,
    close,
    // A range of the decompressed content: decompress from the start, drop bytes before it.
    async *chunks(range?: ByteRange) {
      const start = Math.max(0, range?.start ?? 0);
      const end = range?.end ?? Number.POSITIVE_INFINITY;
      yield* rangeOf(zstd ? zstdChunks(path) : gunzipChunks(path), start, end);
    },
  };
}

/** The decompressed content of a gzip file, streamed. */
async function* gunzipChunks(path: string): AsyncGenerator<Uint8Array> {
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  file.on('error', (e) => gunzip.destroy(e));
  file.pipe(gunzip);
  try {
    for await (const c of gunzip) yield plainBytes(c as Buffer);
  } catch (e) {
    throw new Error(`the gzip data is corrupt or truncated (${(e as Error).message})`);
  } finally {
    file.unpipe(gunzip);
    file.destroy();
    gunzip.destroy();
  }
}

/** The decompressed content of a zstd file, streamed (fzstd's Decompress, chunk by chunk). */
async function* zstdChunks(path: string): AsyncGenerator<Uint8Array> {
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const out: Uint8Array[] = [];
  const zstd = new Decompress((data) => out.push(data));
  try {
    for await (const c of file) {
      zstd.push(plainBytes(c as Buffer));
      yield* out.splice(0);
    }
    // A truncated frame leaves fzstd waiting for more input: pushing the end makes it throw.
    zstd.push(new Uint8Array(0), true);
    yield* out.splice(0);
  } catch (e) {
    throw new Error(`the zstd data is corrupt or truncated (${(e as Error).message})`);
  } finally {
    file.destroy();
  }
}

/** The bytes [start, end) of a stream of chunks. */
async function* rangeOf(chunks: AsyncGenerator<Uint8Array>, start: number, end: number): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for await (const chunk of chunks) {
    const from = offset;
    offset += chunk.length;
    if (offset <= start) continue;
    const s = Math.max(0, start - from);
    const e = Math.min(chunk.length, end - from);
    if (e > s) yield s === 0 && e === chunk.length ? chunk : chunk.subarray(s, e);
    if (offset >= end) return;
  }
}

/**
 * Runs `read` over `source`, then checks that the file did not change meanwhile. A change is the
 * result, superseding what the read returned or threw (a truncation mid-read makes rows that
 * look malformed, a rewrite a mean over old and new rows). Closes the source either way.
 */
export async function checkedRead<T>(source: FileSource, read: (source: FileSource) => Promise<T>): Promise<T> {
  try {
    let result: T;
    try {
      result = await read(source);
    } catch (err) {
      const change = await source.changed().catch(() => undefined);
      throw change ?? err;
    }
    const change = await source.changed();
    if (change) throw change;
    return result;
  } finally {
    await source.close();
  }
}

/**
 * Opens `path` (as fileSource, keeping the descriptor) and reads it with checkedRead: the file's
 * identity from fstat when it was opened, against fstat on that descriptor and stat on the path
 * when the read is done.
 */
export async function withFileSource<T>(path: string, name: string, read: (source: FileSource) => Promise<T>): Promise<T> {
  return checkedRead(await openSource(path, name, true), read);
}
