/**
 * Analyses a file on disk, splitting plain CSV/JSONL files over worker threads by byte range
 * (each fills a mergeable accumulator; see core/analyze.ts) and reading everything else in one
 * pass. Memory stays flat either way: nothing holds more than a chunk and the accumulators.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  analyze, inferFileLayout, mergeParts,
  type Analysis, type AnalysisPart, type AnalysisRequest, type PartOptions,
} from '../core/analyze';
import { MIN_SPLIT_BYTES, planRanges, type ByteRange, type Layout } from '../core/parse';
import type { WorkerInput, WorkerMessage, WorkerRequest } from './analysis-worker';
import { fileSource, type FileSource } from './file-source';

export interface AnalyzeFileOptions {
  signal?: AbortSignal;
  /** Bytes of content read so far, out of `total` when it is known. */
  onProgress?: (bytesRead: number, total: number | undefined) => void;
  onEval?: PartOptions['onEval'];
  /** Worker threads to use (default: the machine's cores); 1 reads on this thread. */
  threads?: number;
  /** Path of the bundled worker (dist/worker.js); defaults to worker.js beside this bundle. */
  workerScript?: string;
  /** Name used in messages (a workspace-relative path); defaults to the path. */
  name?: string;
}

/**
 * A worker started before its job is known: a thread takes some 30 ms to boot, which overlaps the
 * layout inference on this thread instead of following it. Failures before the job are kept
 * (an 'error' event without a listener would be thrown).
 */
interface SpareWorker {
  worker: Worker;
  failure?: Error;
}

function spawnWorker(script: string): SpareWorker {
  const spare: SpareWorker = { worker: new Worker(script) };
  spare.worker.on('error', (err) => (spare.failure ??= err));
  spare.worker.on('exit', (code) => (spare.failure ??= new Error(`worker stopped (exit code ${code})`)));
  return spare;
}

function runWorker(spare: SpareWorker, input: WorkerInput, signal: AbortSignal | undefined, onProgress: (n: number) => void): Promise<AnalysisPart> {
  return new Promise((resolve, reject) => {
    const worker = spare.worker;
    if (spare.failure !== undefined) {
      reject(spare.failure);
      return;
    }
    const cancel = () => worker.postMessage('cancel');
    signal?.addEventListener('abort', cancel, { once: true });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', cancel);
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress(m.bytesRead);
      else if (m.type === 'done') finish(() => resolve(m.part));
      else finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`worker stopped (exit code ${code})`))));
    worker.postMessage({ type: 'job', input } satisfies WorkerRequest);
  });
}

async function analyzeRanges(
  source: FileSource, layout: Layout, request: AnalysisRequest, ranges: ByteRange[], spares: SpareWorker[], opts: AnalyzeFileOptions,
): Promise<AnalysisPart[]> {
  const script = opts.workerScript ?? join(__dirname, 'worker.js');
  const progress = ranges.map(() => 0);
  const report = () => opts.onProgress?.(progress.reduce((a, b) => a + b, 0), source.size);
  return Promise.all(
    ranges.map((range, i) =>
      runWorker(spares.shift() ?? spawnWorker(script), { path: source.path, name: source.name, request, layout, range }, opts.signal, (n) => {
        progress[i] = n;
        report();
      }),
    ),
  );
}

export async function analyzeFile(path: string, request: AnalysisRequest, opts: AnalyzeFileOptions = {}): Promise<Analysis> {
  const source = await fileSource(path, opts.name ?? path);
  const threads = opts.threads ?? availableParallelism();
  // Boot the workers while the layout is inferred when the file will most likely be split: a plain
  // (not gzip) file big enough, not a JSON document, no per-sample output (that wants one reader).
  const likelySplit =
    opts.onEval === undefined && threads >= 2 && source.size !== undefined && source.size >= MIN_SPLIT_BYTES && !/\.json$/i.test(path);
  const script = opts.workerScript ?? join(__dirname, 'worker.js');
  const spares = likelySplit ? Array.from({ length: threads }, () => spawnWorker(script)) : [];
  try {
    const layout = await inferFileLayout(source, request, opts.signal);
    const onProgress = opts.onProgress && ((n: number) => opts.onProgress?.(n, source.size));
    // Per-sample output wants rows in file order from one reader.
    const ranges = opts.onEval === undefined ? planRanges(layout, source.size, threads) : undefined;
    if (ranges !== undefined) {
      const parts = await analyzeRanges(source, layout, request, ranges, spares, opts);
      // A quoted newline seen only past the inference sample makes byte ranges unsafe: read again in one pass.
      if (!parts.some((p) => p.read.splitUnsafe)) return mergeParts(source.name, layout, request, parts);
    }
    for (const s of spares.splice(0)) void s.worker.terminate();
    return analyze(source, request, { layout, signal: opts.signal, onProgress, onEval: opts.onEval });
  } finally {
    // Workers not given a job (inference failed, or the file was not split after all).
    for (const s of spares) void s.worker.terminate();
  }
}
