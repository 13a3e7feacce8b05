/**
 * A quick estimate of a large file's loss from a few evenly spaced byte ranges, while the full
 * pass runs. Built on the core's range machinery (the same protocol as the parallel reader, see
 * planRanges in core/parse/read.ts): each range starts at a line start and is read with the
 * layout inferred from the head (no range needs the header), all of them in one pass over a
 * source that stitches them together.
 *
 * Evenly spaced rather than the head alone: prediction files are often sorted (by class, by
 * data-loader shard, by time), and the first rows of such a file say little about the rest.
 */
import { analyzePart, inferFileLayout, mergeParts, type Analysis, type AnalysisRequest } from '../core/analyze';
import type { ByteRange, ByteSource, Layout } from '../core/parse';
import { binaryFormat } from '../core/columnar/open';
import { readAt } from '../core/columnar/bytes';
import { withFileSource, type FileSource } from './file-source';

async function isBinaryFile(source: FileSource): Promise<boolean> {
  try {
    return binaryFormat(source.name, await readAt(source, 0, 64)) !== undefined;
  } catch {
    return true; // a binary file refused (a pickle): nothing to sample either
  }
}

/** Ranges read for an estimate, and bytes per range: 16 × 256 KiB = 4 MiB, a fraction of a second. */
export const SAMPLE_RANGES = 16;
export const SAMPLE_RANGE_BYTES = 256 * 1024;

export interface SampleEstimate {
  analysis: Analysis;
  /** Rows read across the ranges (the analysis's rows). */
  sampledRows: number;
  /** Bytes of content the ranges cover, and the file's size. */
  sampledBytes: number;
  totalBytes: number;
  ranges: ByteRange[];
}

/** The first line start at or after `offset`: offset itself when the byte before it ends a line. */
export async function lineStartAtOrAfter(source: ByteSource, offset: number, size: number, signal?: AbortSignal): Promise<number> {
  if (offset <= 0) return 0;
  let at = offset - 1;
  // Rows are short (a few hundred bytes; at most maxRowBytes): a small window usually suffices.
  const WINDOW = 64 * 1024;
  while (at < size) {
    if (signal?.aborted) throw new Error('cancelled');
    let pos = at;
    for await (const chunk of source.chunks({ start: at, end: Math.min(size, at + WINDOW) })) {
      const nl = chunk.indexOf(10);
      if (nl >= 0) return pos + nl + 1;
      pos += chunk.length;
    }
    at += WINDOW;
  }
  return size;
}

/**
 * `count` ranges of about `bytes` each, one in the middle of each of `count` equal shares of
 * [0, size), each starting at a line start and ending before the next begins. Centred, because a
 * range at the start of its share is biased wherever the file drifts (sorted by difficulty, say);
 * a centred one is not, for a linear drift. Undefined when the file is too small for sampling to
 * save anything (the ranges would cover a quarter of it).
 */
export async function sampleRanges(source: ByteSource, size: number, count = SAMPLE_RANGES, bytes = SAMPLE_RANGE_BYTES, signal?: AbortSignal): Promise<ByteRange[] | undefined> {
  if (count < 1 || bytes < 1 || size < 4 * count * bytes) return undefined;
  const starts: number[] = [];
  for (let i = 0; i < count; i++) {
    const centre = Math.floor((size * (2 * i + 1)) / (2 * count) - bytes / 2);
    const start = await lineStartAtOrAfter(source, Math.max(0, centre), size, signal);
    if (start >= size || (starts.length > 0 && start <= (starts[starts.length - 1] as number))) continue;
    starts.push(start);
  }
  return starts.map((start, i) => ({ start, end: Math.min(start + bytes, starts[i + 1] ?? size, size) }));
}

/** Whether a file with this layout and size can be sampled by byte ranges (plain CSV/TSV/JSONL, rows on their own lines). */
export function canSample(layout: Layout, size: number | undefined): size is number {
  return size !== undefined && layout.format !== 'json' && !layout.quotedNewlines;
}

/**
 * The sampled ranges as one source of whole lines: a newline, then each range's bytes up to the
 * end of its last line. Read with { range: { start: 1 } } (a range reader skips up to the first
 * newline), every sampled row goes through ONE reader and ONE accumulator: with 1000 classes a
 * reader per range would also mean a 1000 x 1000 confusion matrix per range, allocated and merged.
 */
export async function stitchedSource(source: ByteSource, size: number, ranges: ByteRange[], signal?: AbortSignal): Promise<ByteSource> {
  // Each range runs on to the end of the row that crosses its end (the next range starts later).
  const pieces: ByteRange[] = [];
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i] as ByteRange;
    const next = ranges[i + 1]?.start ?? size;
    const end = Math.min(next, await lineStartAtOrAfter(source, r.end, size, signal));
    pieces.push({ start: r.start, end });
  }
  const total = 1 + pieces.reduce((n, p) => n + (p.end - p.start), 0);
  const NEWLINE = new Uint8Array([10]);
  return {
    name: source.name,
    size: total,
    async *chunks(range, options) {
      const from = Math.max(0, range?.start ?? 0);
      const to = Math.min(total, range?.end ?? total);
      // Offsets in the stitched content: the newline at 0, then the pieces one after another.
      let at = 0;
      if (from < 1 && to > 0) yield NEWLINE;
      at = 1;
      for (const p of pieces) {
        const len = p.end - p.start;
        const lo = Math.max(from, at);
        const hi = Math.min(to, at + len);
        if (lo < hi) yield* source.chunks({ start: p.start + (lo - at), end: p.start + (hi - at) }, options);
        at += len;
        if (at >= to) return;
      }
    },
  };
}

export interface EstimateOptions {
  signal?: AbortSignal;
  name?: string;
  count?: number;
  bytes?: number;
}

/**
 * The analysis of evenly spaced samples of a file, or undefined when the file cannot be sampled
 * (gzip, a JSON document, quoted newlines, too small). Its rows are a sample: counts and sums are
 * the sample's, means and rates estimate the file's; row and line numbers past the first range
 * are relative to their range, so a caller must not show them as the file's.
 */
export async function estimateFile(path: string, request: AnalysisRequest, opts: EstimateOptions = {}): Promise<SampleEstimate | undefined> {
  // A file rewritten while it is sampled gives a FileChangedError, not an estimate of two files.
  return withFileSource(path, opts.name ?? path, (source) => estimateSource(source, request, opts));
}

async function estimateSource(source: FileSource, request: AnalysisRequest, opts: EstimateOptions): Promise<SampleEstimate | undefined> {
  if (source.gzip) return undefined;
  // A binary file is read whole at its own speed (the loss math's); its rows are not sampled.
  if (await isBinaryFile(source)) return undefined;
  const layout = await inferFileLayout(source, request, opts.signal);
  if (!canSample(layout, source.size)) return undefined;
  const ranges = await sampleRanges(source, source.size, opts.count, opts.bytes, opts.signal);
  if (ranges === undefined) return undefined;
  const stitched = await stitchedSource(source, source.size, ranges, opts.signal);
  const part = await analyzePart(stitched, request, { layout, range: { start: 1, end: stitched.size as number }, signal: opts.signal });
  // A quoted newline met in a range means rows may have been cut: no estimate rather than a wrong one.
  if (part.read.splitUnsafe) return undefined;
  const analysis = mergeParts(source.name, layout, request, [part]);
  return {
    analysis,
    sampledRows: analysis.rows,
    sampledBytes: ranges.reduce((n, r) => n + (r.end - r.start), 0),
    totalBytes: source.size,
    ranges,
  };
}
