/**
 * A ByteSource over bytes already in memory (tests, the webview, small pasted files), cut into
 * chunks so the readers see the same chunk boundaries a stream would give.
 */
import type { ByteRange, ByteSource } from './types';

export function bytesSource(name: string, data: Uint8Array | string, chunkSize = 65536): ByteSource {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    name,
    size: bytes.length,
    async *chunks(range?: ByteRange) {
      const start = Math.max(0, range?.start ?? 0);
      const end = Math.min(bytes.length, range?.end ?? bytes.length);
      for (let i = start; i < end; i += chunkSize) yield bytes.subarray(i, Math.min(end, i + chunkSize));
    },
    async readInto(into: Uint8Array, position: number) {
      const part = bytes.subarray(Math.min(position, bytes.length), Math.min(position + into.length, bytes.length));
      into.set(part);
      return part.length;
    },
  };
}
