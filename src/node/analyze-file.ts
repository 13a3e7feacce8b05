/**
 * Analyses a file on disk, splitting plain CSV/JSONL files into pieces (byte ranges, one per
 * reader) that this thread and worker threads claim from a shared counter, each thread filling
 * one mergeable accumulator (see core/analyze.ts), and reading everything else in one pass.
 * Memory stays flat either way: nothing holds more than a chunk and the accumulators.
 *
 * Every reader records the file's identity when it opens it and checks it when it is done: a file
 * that changed while it was read (any reader seeing it, or readers that opened different files)
 * gives a FileChangedError, whatever the reads found (see withFileSource in file-source.ts).
 *
 * This thread reads too, rather than waiting on a worker per core: it is the first reader ready
 * (it inferred the layout), and the worker it does not start costs a thread's boot, some 40 ms of
 * CPU that competed with the reads on a two-core machine.
 */
import { readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  analyze, analyzeShare, inferFileLayout, mergeShares,
  type Analysis, type AnalysisRequest, type PartOptions, type SplitShare,
} from '../core/analyze';
import { foundBesideEvidence, npyPair } from '../core/columnar/pairing';
import { FileChangedError, sameIdentity, type FileIdentity } from '../core/file-changed';
import { MIN_SPLIT_BYTES, planRanges, type ByteRange, type Layout } from '../core/parse';
import type { WorkerInput } from './analysis-worker';
import { withFileSource, type FileSource } from './file-source';
import { runWorkerJob, spawnWorker, type SpareWorker } from './spare-worker';

export interface AnalyzeFileOptions {
  signal?: AbortSignal;
  /** Bytes of content read so far, out of `total` when it is known. */
  onProgress?: (bytesRead: number, total: number | undefined) => void;
  onEval?: PartOptions['onEval'];
  onLayout?: PartOptions['onLayout'];
  /** Threads that read, this one included (default: the machine's cores); 1 reads on this thread alone. */
  threads?: number;
  /** Path of the bundled worker (dist/worker.js); defaults to worker.js beside this bundle. */
  workerScript?: string;
  /** Name used in messages (a workspace-relative path); defaults to the path. */
  name?: string;
  /** A layout decided beforehand (the file read with the files beside it, beside.ts): not inferred. */
  layout?: Layout;
  /**
   * Binary formats: the file holding the labels, row for row, and its name in messages. Unset for
   * an `.npy` file: the other half of its pair is looked for beside it (see labelsBeside).
   */
  labels?: { path: string; name: string };
}

/** A worker's share, and the file as the worker found it when it opened it. */
interface WorkerShare {
  share: SplitShare;
  identity: FileIdentity;
}

function runWorker(spare: SpareWorker, input: WorkerInput, signal: AbortSignal | undefined, onProgress: (n: number) => void): Promise<WorkerShare> {
  return runWorkerJob(spare, { type: 'job', input }, signal, onProgress, (m: { share: SplitShare; identity: FileIdentity }): WorkerShare => ({ share: m.share, identity: m.identity }));
}

/** Reads the pieces on this thread and on `threads - 1` workers (the spares first), all claiming from one counter. */
async function analyzePieces(
  source: FileSource, labelSource: FileSource | undefined, layout: Layout, request: AnalysisRequest, ranges: ByteRange[], threads: number, spares: SpareWorker[], opts: AnalyzeFileOptions,
): Promise<SplitShare[]> {
  const script = opts.workerScript ?? join(__dirname, 'worker.js');
  const next = new SharedArrayBuffer(4);
  const counter = new Int32Array(next);
  const claim = () => Atomics.add(counter, 0, 1);
  const progress = Array.from({ length: threads }, () => 0);
  const report = () => opts.onProgress?.(progress.reduce((a, b) => a + b, 0), source.size);
  // A failed worker ends the read: this thread stops too instead of reading on for nothing.
  const stop = new AbortController();
  const abort = () => stop.abort();
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    const labels = opts.labels;
    const workers = Array.from({ length: threads - 1 }, (_, i) =>
      runWorker(spares.shift() ?? spawnWorker(script), { path: source.path, name: source.name, labels, request, layout, ranges, next }, opts.signal, (n) => {
        progress[i + 1] = n;
        report();
      }).catch((err: unknown) => {
        stop.abort();
        throw err;
      }),
    );
    const own = analyzeShare(source, request, {
      layout,
      labels: labelSource,
      ranges,
      claim,
      signal: stop.signal,
      // Typed arrays merge as they are: encoding a 1000-class state for JSON and decoding it took ~50 ms.
      typedState: true,
      onProgress: (n) => {
        progress[0] = n;
        report();
      },
    });
    const [mine, ...theirs] = await Promise.all([own, ...workers]);
    // Readers that opened different files (one before a rewrite, one after) read no one file.
    const other = theirs.find((w) => !sameIdentity(source.identity, w.identity));
    if (other) throw new FileChangedError(source.name, source.identity, other.identity);
    return [mine, ...theirs.map((w) => w.share)];
  } finally {
    opts.signal?.removeEventListener('abort', abort);
  }
}

export async function analyzeFile(path: string, request: AnalysisRequest, opts: AnalyzeFileOptions = {}): Promise<Analysis> {
  const name = opts.name ?? path;
  const pair = opts.labels === undefined ? await labelsBeside(path) : undefined;
  if (pair === undefined) return analyzeWithLabels(path, name, opts.labels, request, opts);
  // Asked for either half of a pair, read the pair: the scores' file with its labels.
  const nameOf = (p: string) => (p === path ? name : join(dirname(name), basename(p)));
  const analysis = await analyzeWithLabels(pair.predictions, nameOf(pair.predictions), { path: pair.labels, name: nameOf(pair.labels) }, request, opts);
  analysis.layout.evidence.splice(1, 0, foundBesideEvidence(pair.labels, pair.predictions));
  return analysis;
}

async function analyzeWithLabels(path: string, name: string, labels: AnalyzeFileOptions['labels'], request: AnalysisRequest, opts: AnalyzeFileOptions): Promise<Analysis> {
  const withLabels = { ...opts, labels };
  return withFileSource(path, name, (source) =>
    labels === undefined ? analyzeSource(source, undefined, request, withLabels) : withFileSource(labels.path, labels.name, (l) => analyzeSource(source, l, request, withLabels)),
  );
}

/** The pair an `.npy` file belongs to, from the names of the files beside it. */
export async function labelsBeside(path: string): Promise<{ predictions: string; labels: string } | undefined> {
  if (!/\.npy$/i.test(path)) return undefined;
  const siblings = await readdir(dirname(path)).catch(() => [] as string[]);
  return npyPair(path, siblings);
}

async function analyzeSource(source: FileSource, labelSource: FileSource | undefined, request: AnalysisRequest, opts: AnalyzeFileOptions): Promise<Analysis> {
  const path = source.path;
  const threads = opts.threads ?? availableParallelism();
  // Boot the workers while the layout is inferred when the file will most likely be split: a plain
  // (not gzip) file big enough, not a JSON document, no per-sample output (that wants one reader).
  const likelySplit =
    opts.onEval === undefined && threads >= 2 && source.size !== undefined && source.size >= MIN_SPLIT_BYTES && !/\.json$/i.test(path);
  const script = opts.workerScript ?? join(__dirname, 'worker.js');
  const spares = likelySplit ? Array.from({ length: threads - 1 }, () => spawnWorker(script)) : [];
  try {
    const layout = opts.layout ?? (await inferFileLayout(source, request, opts.signal, labelSource));
    const onProgress = opts.onProgress && ((n: number) => opts.onProgress?.(n, source.size));
    // Per-sample output wants rows in file order from one reader.
    // One piece per reader: each further piece is a fresh read whose row processor the JIT warms up
    // again (measured: 4 pieces for 2 readers took 8% more instructions than 2 on a 22 MB CSV).
    const ranges = opts.onEval === undefined ? planRanges(layout, source.size, threads) : undefined;
    if (ranges !== undefined) {
      const shares = await analyzePieces(source, labelSource, layout, request, ranges, threads, spares, opts);
      // A quoted newline seen only past the inference sample makes byte ranges unsafe: read again in one pass.
      if (!shares.some((s) => s.pieces.some((p) => p.read.splitUnsafe))) return mergeShares(source.name, layout, request, shares);
    }
    for (const s of spares.splice(0)) void s.worker.terminate();
    return analyze(source, request, { layout, labels: labelSource, signal: opts.signal, onProgress, onEval: opts.onEval, onLayout: opts.onLayout });
  } finally {
    // Workers not given a job (inference failed, or the file was not split after all).
    for (const s of spares) void s.worker.terminate();
  }
}
