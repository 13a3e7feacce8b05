/**
 * The document index (see src/core/explain.ts) built so the extension host stays responsive: the
 * text is fed to the reader in small chunks with a macrotask yield between them, so typing, hovers
 * and other extensions run between chunks, and an abort stops the pass at the next chunk.
 * Free of `vscode`: unit-tested in plain Node.
 */
import { analyze, AnalysisError, OptionsError, type Analysis, type AnalysisRequest } from '../../core/analyze';
import type { DocumentIndex } from '../../core/explain';
import type { ByteRange, ByteSource, Problem } from '../../core/parse';

/** ~16 KB of CSV is a few hundred rows: well under a millisecond of parsing and evaluating. */
export const INDEX_CHUNK_BYTES = 16 * 1024;

export interface IndexTiming {
  /** Longest synchronous stretch between two yields, in ms: how long the host was blocked at most. */
  longestBlockMs: number;
  totalMs: number;
  slices: number;
}

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A ByteSource that yields to the event loop before each chunk and records the longest stretch between yields. */
function yieldingSource(name: string, bytes: Uint8Array, chunkBytes: number, timing: Clock): ByteSource {
  return {
    name,
    size: bytes.length,
    async *chunks(range?: ByteRange) {
      const start = Math.max(0, range?.start ?? 0);
      const end = Math.min(bytes.length, range?.end ?? bytes.length);
      for (let i = start; i < end; i += chunkBytes) {
        yield bytes.subarray(i, Math.min(end, i + chunkBytes));
        endSlice(timing);
        await nextMacrotask();
        timing.slices++;
        timing.sliceStart = performance.now();
      }
    },
  };
}

interface Clock extends IndexTiming {
  sliceStart: number;
}

function endSlice(clock: Clock): void {
  clock.longestBlockMs = Math.max(clock.longestBlockMs, performance.now() - clock.sliceStart);
}

const SKIPPED_SUFFIX = / \(row skipped\)$/;
const asError = (p: Problem): Problem => ({ ...p, message: p.message.replace(SKIPPED_SUFFIX, ''), severity: 'error' });

/**
 * The same index as core's indexDocument (bad rows skipped and reported as errors), read in
 * yielding chunks. Rejects with the signal's reason when aborted.
 */
export async function buildIndex(
  text: string,
  name: string,
  request: AnalysisRequest,
  options: { signal?: AbortSignal; chunkBytes?: number } = {},
): Promise<{ index: DocumentIndex; timing: IndexTiming }> {
  const t0 = performance.now();
  const clock: Clock = { longestBlockMs: 0, totalMs: 0, slices: 0, sliceStart: t0 };
  const lines: number[] = [];
  const rows: number[] = [];
  const losses: number[] = [];
  const source = yieldingSource(name, new TextEncoder().encode(text), options.chunkBytes ?? INDEX_CHUNK_BYTES, clock);
  let analysis: Analysis | undefined;
  let problems: Problem[] = [];
  let problemCount = 0;
  try {
    analysis = await analyze(source, { ...request, skipInvalid: true }, {
      signal: options.signal,
      onEval: (e, row, line) => {
        if (e.ignored) return;
        lines.push(line);
        rows.push(row);
        losses.push(e.loss);
      },
    });
    problems = analysis.warnings.map(asError);
    problemCount = analysis.warningCount;
  } catch (err) {
    options.signal?.throwIfAborted();
    if (err instanceof AnalysisError) {
      problems = err.problems.map(asError);
      problemCount = err.errorCount;
    } else if (err instanceof OptionsError) {
      problems = [{ line: 0, message: err.message, severity: 'error' }];
      problemCount = 1;
    } else {
      throw err;
    }
  }
  options.signal?.throwIfAborted();
  // The tail since the last yield (the breakdown's merge, then this sort) is one more stretch.
  const sortedLosses = Float64Array.from(losses).sort().reverse();
  endSlice(clock);
  const timing: IndexTiming = { longestBlockMs: clock.longestBlockMs, totalMs: performance.now() - t0, slices: clock.slices };
  return {
    index: {
      analysis,
      layout: analysis?.layout,
      problems,
      problemCount,
      lines: Int32Array.from(lines),
      rows: Int32Array.from(rows),
      losses: Float64Array.from(losses),
      sortedLosses,
    },
    timing,
  };
}
