/**
 * The document index (see src/core/explain.ts) built so the extension host stays responsive: the
 * text is fed to the reader in small chunks with a macrotask yield between them, so typing, hovers
 * and other extensions run between chunks, and an abort stops the pass at the next chunk.
 * Free of `vscode`: unit-tested in plain Node.
 */
import type { AnalysisRequest } from '../../core/analyze';
import { readIndex, type DocumentIndex } from '../../core/explain';
import type { ByteRange, ByteSource, Layout } from '../../core/parse';

/** ~16 K characters of CSV is a few hundred rows: well under a millisecond of parsing and evaluating. */
export const INDEX_CHUNK_CHARS = 16 * 1024;

export interface IndexTiming {
  /** Longest synchronous stretch between two yields, in ms: how long the host was blocked at most. */
  longestBlockMs: number;
  totalMs: number;
  slices: number;
}

/**
 * The next macrotask: setImmediate in Node; in the web extension host (a Web Worker, no
 * setImmediate) a MessageChannel message, which setTimeout(0) is not (clamped to 4 ms once nested).
 */
const nextMacrotask = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof setImmediate === 'function') {
      setImmediate(resolve);
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });

/**
 * A ByteSource over the document text that encodes it chunk by chunk (encoding 10 MB at once
 * blocks ~9 ms), yields to the event loop before each chunk and records the longest stretch
 * between yields. A range read (not used by a one-pass analysis) encodes the whole text.
 */
function yieldingSource(name: string, text: string, chunkChars: number, clock: Clock): ByteSource {
  const encoder = new TextEncoder();
  async function* pieces(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < text.length; ) {
      let end = Math.min(text.length, i + chunkChars);
      // Never split a surrogate pair: each half alone would encode as U+FFFD.
      const last = text.charCodeAt(end - 1);
      if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
      yield encoder.encode(text.slice(i, end));
      i = end;
      endSlice(clock);
      await nextMacrotask();
      clock.slices++;
      clock.sliceStart = performance.now();
    }
  }
  return {
    name,
    async *chunks(range?: ByteRange) {
      if (range) {
        const bytes = encoder.encode(text);
        yield bytes.subarray(Math.max(0, range.start), Math.min(bytes.length, range.end));
        return;
      }
      yield* pieces();
    },
  };
}

/** Sorts in decreasing order in slices (runs of 8192, then merges), yielding between them. */
export async function sortDescending(values: ArrayLike<number>, clock: Clock, signal?: AbortSignal): Promise<Float64Array> {
  const RUN = 8192;
  const WORK = 65536;
  let a = Float64Array.from(values);
  for (let i = 0; i < a.length; i += RUN) {
    a.subarray(i, Math.min(a.length, i + RUN)).sort().reverse();
    if ((i / RUN) % 8 === 7) await yieldSlice(clock, signal);
  }
  let b = new Float64Array(a.length);
  let done = 0;
  for (let width = RUN; width < a.length; width *= 2) {
    for (let lo = 0; lo < a.length; lo += 2 * width) {
      const mid = Math.min(a.length, lo + width);
      const hi = Math.min(a.length, lo + 2 * width);
      let i = lo;
      let j = mid;
      let k = lo;
      // NaN first, as core's indexDocument orders them (ascending sort puts NaN last, then reversed).
      while (i < mid && j < hi) b[k++] = greaterFirst(a[i] as number, a[j] as number) ? (a[i++] as number) : (a[j++] as number);
      while (i < mid) b[k++] = a[i++] as number;
      while (j < hi) b[k++] = a[j++] as number;
      done += hi - lo;
      if (done >= WORK) {
        done = 0;
        await yieldSlice(clock, signal);
      }
    }
    [a, b] = [b, a];
  }
  return a;
}

function greaterFirst(x: number, y: number): boolean {
  if (Number.isNaN(x)) return true;
  if (Number.isNaN(y)) return false;
  return x >= y;
}

async function yieldSlice(clock: Clock, signal?: AbortSignal): Promise<void> {
  endSlice(clock);
  await nextMacrotask();
  signal?.throwIfAborted();
  clock.slices++;
  clock.sliceStart = performance.now();
}

export interface Clock extends IndexTiming {
  sliceStart: number;
}

function endSlice(clock: Clock): void {
  clock.longestBlockMs = Math.max(clock.longestBlockMs, performance.now() - clock.sliceStart);
}

/**
 * The same index as core's indexDocument (bad rows skipped and reported as errors), read in
 * yielding chunks. Rejects with the signal's reason when aborted.
 */
export async function buildIndex(
  text: string,
  name: string,
  request: AnalysisRequest,
  options: { signal?: AbortSignal; chunkChars?: number; layout?: Layout } = {},
): Promise<{ index: DocumentIndex; timing: IndexTiming }> {
  const t0 = performance.now();
  const clock: Clock = { longestBlockMs: 0, totalMs: 0, slices: 0, sliceStart: t0 };
  const source = yieldingSource(name, text, options.chunkChars ?? INDEX_CHUNK_CHARS, clock);
  const pass = await readIndex(source, request, options.signal, options.layout).catch((err: unknown) => {
    options.signal?.throwIfAborted();
    throw err;
  });
  options.signal?.throwIfAborted();
  const sortedLosses = await sortDescending(pass.losses, clock, options.signal);
  endSlice(clock);
  const timing: IndexTiming = { longestBlockMs: clock.longestBlockMs, totalMs: performance.now() - t0, slices: clock.slices };
  return { index: { ...pass, sortedLosses }, timing };
}
