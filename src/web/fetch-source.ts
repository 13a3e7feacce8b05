/**
 * A ByteSource streamed from a URL the Web Worker can fetch: code-server serves a workspace file
 * at an http URL of its own (what the web extension host's fetch resolves a `vscode-remote:` URI
 * to), so the worker reads it a chunk at a time instead of holding the whole file. Each read is
 * one request; a range read skips to its start (the server sends whole files, no Range).
 * Binary formats, read at many places (Parquet's column windows, an .npz's directory at its
 * end), would restart the download for each: they are fetched once, whole (fetchWhole).
 */
import { FileChangedError } from '../core/file-changed';
import type { ByteRange, ByteSource } from '../core/parse';

/** A file the worker fetches itself; `size` is unknown for gzip (its inflated size). */
export interface StreamedFile {
  url: string;
  size?: number;
  gzip: boolean;
  /** The file's modification time when the host looked (for the message if it changes). */
  mtimeMs?: number;
}

/** The whole file in one request (a file that changed since the host looked is said so). */
export async function fetchWhole(name: string, file: StreamedFile, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(file.url, signal ? { signal } : {});
  if (!response.ok) throw new Error(`${name}: cannot read the file (HTTP ${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (file.size !== undefined && bytes.length !== file.size) {
    throw new FileChangedError(name, { size: file.size, mtimeMs: file.mtimeMs ?? NaN }, { size: bytes.length, mtimeMs: NaN });
  }
  return bytes;
}

export function fetchSource(name: string, file: StreamedFile, signal?: AbortSignal): ByteSource {
  return {
    name,
    ...(file.size === undefined ? {} : { size: file.size }),
    async *chunks(range?: ByteRange) {
      const response = await fetch(file.url, signal ? { signal } : {});
      if (!response.ok || !response.body) throw new Error(`${name}: cannot read the file (HTTP ${response.status})`);
      const body: ReadableStream<Uint8Array> = file.gzip ? response.body.pipeThrough(new DecompressionStream('gzip')) : response.body;
      const reader = body.getReader();
      const start = Math.max(0, range?.start ?? 0);
      const end = range?.end ?? Infinity;
      let at = 0;
      try {
        while (at < end) {
          const { done, value } = await reader.read();
          if (done) {
            // The whole file came, and not the size the host saw: it changed since (cheap to tell;
            // the host's stat after the job tells the rest).
            if (!file.gzip && file.size !== undefined && at !== file.size) {
              throw new FileChangedError(name, { size: file.size, mtimeMs: file.mtimeMs ?? NaN }, { size: at, mtimeMs: NaN });
            }
            break;
          }
          const from = Math.max(0, start - at);
          const to = Math.min(value.length, end - at);
          at += value.length;
          if (to > from) yield value.subarray(from, to);
        }
      } finally {
        // Stops the download when the reader stops early (a layout reads the first rows only).
        await reader.cancel().catch(() => undefined);
      }
    },
  };
}
