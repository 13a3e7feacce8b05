/**
 * `loss-lens compare` and the editor's Compare With... on two threads: the two files are read at
 * once (the second on a file worker, dist/file-worker.js), then the bootstrap's blocks of
 * resamples are split between this thread and a worker. A read that keeps every sample is not
 * split over threads itself (its rows arrive in order), so the two reads fill the two cores; the
 * blocks give the same replicates on any number of threads (core/compare/bootstrap.ts).
 */
import { availableParallelism } from 'node:os';
import type { Analysis } from '../core/analyze';
import { blockCount, joinBootstrap, poissonBootstrap, prepareComparison, sampleCollector, type BootstrapResult, type CompareOptions, type CompareSide, type CompareStats, type Groups, type SampleColumns } from '../core/compare';
import { compareSide } from '../core/compare/side';
import { runInWorker } from './analyze-in-worker';
import type { FileJob } from './file-worker';
import { analyzeFile, type AnalyzeFileOptions } from './analyze-file';

export interface CompareFilesOptions {
  signal?: AbortSignal;
  /** 0..1 of both reads together (null: a total unknown, gzip). */
  onReadProgress?: (fraction: number | null) => void;
  /** Path of dist/file-worker.js; defaults to file-worker.js beside this bundle. */
  workerScript?: string;
  /** Threads to use (default: the machine's, at most 2); 1 reads and resamples on this thread alone. */
  threads?: number;
}

/** One file read keeping its samples, on this thread. */
export async function collectFile(file: FileJob, opts: Omit<AnalyzeFileOptions, 'name' | 'labels' | 'onEval' | 'onLayout'>): Promise<{ analysis: Analysis; columns: SampleColumns }> {
  const c = sampleCollector();
  const labels = file.labels;
  const analysis = await analyzeFile(file.path, file.request, { ...opts, name: file.name, onEval: c.onEval, onLayout: c.onLayout, ...(labels === undefined ? {} : { labels: { path: labels.path, name: labels.name } }) });
  return { analysis, columns: c.result() };
}

const threadsOf = (opts: CompareFilesOptions) => Math.min(2, opts.threads ?? availableParallelism());

/**
 * Both files read at once, `a` here and `b` on a worker; `readHere` reads one on this thread (the
 * extension's file worker adds the labels' evidence to its analysis).
 */
export async function readBoth(
  a: FileJob,
  b: FileJob,
  opts: CompareFilesOptions,
  readHere: (file: FileJob, onProgress: (done: number, total: number | undefined) => void) => Promise<{ analysis: Analysis; columns: SampleColumns }>,
): Promise<[CompareSide & { analysis: Analysis }, CompareSide & { analysis: Analysis }]> {
  const fractions: [number | null, number | null] = [0, 0];
  const report = (i: 0 | 1, f: number | null) => {
    fractions[i] = f;
    const [x, y] = fractions;
    opts.onReadProgress?.(x === null || y === null ? null : (x + y) / 2);
  };
  const here = (file: FileJob, i: 0 | 1) => readHere(file, (done, total) => report(i, total ? Math.min(done, total) / total : null));
  let read: [{ analysis: Analysis; columns: SampleColumns }, { analysis: Analysis; columns: SampleColumns }];
  if (threadsOf(opts) < 2) read = [await here(a, 0), await here(b, 1)];
  else {
    const there = runInWorker({ op: 'collect', file: b }, { ...(opts.signal === undefined ? {} : { signal: opts.signal }), ...(opts.workerScript === undefined ? {} : { workerScript: opts.workerScript }), onProgress: (f) => report(1, f) });
    // Both settle before either failure is thrown: no worker is left reading.
    const [ra, rb] = await Promise.allSettled([here(a, 0), there]);
    if (ra.status === 'rejected') throw ra.reason;
    if (rb.status === 'rejected') throw rb.reason;
    read = [ra.value, rb.value];
  }
  const side = (file: FileJob, r: { analysis: Analysis; columns: SampleColumns }) => ({ ...compareSide(file.name, r.analysis, r.columns), analysis: r.analysis });
  return [side(a, read[0]), side(b, read[1])];
}

/**
 * The bootstrap's blocks split in two: the first half here, the second on a worker; the same
 * replicates as poissonBootstrap on one thread. `onProgress` follows this thread's half.
 */
export async function bootstrapInThreads(groups: Groups, resamples: number, seed: number, opts: CompareFilesOptions & { onProgress?: (fraction: number) => void }): Promise<BootstrapResult> {
  const blocks = blockCount(resamples);
  const progress = opts.onProgress === undefined ? {} : { onProgress: opts.onProgress };
  if (threadsOf(opts) < 2 || blocks < 2) return poissonBootstrap(groups, { resamples, seed, ...progress });
  const half = Math.ceil(blocks / 2);
  const there = runInWorker(
    { op: 'bootstrap', groups, resamples, seed, blocks: { from: half, to: blocks } },
    { ...(opts.signal === undefined ? {} : { signal: opts.signal }), ...(opts.workerScript === undefined ? {} : { workerScript: opts.workerScript }) },
  );
  let mine: BootstrapResult;
  try {
    mine = poissonBootstrap(groups, { resamples, seed, blocks: { from: 0, to: half }, ...progress });
  } catch (err) {
    // A cancel (onProgress threw): the worker is stopped by the same signal; its outcome is moot.
    there.catch(() => undefined);
    throw err;
  }
  return joinBootstrap([mine, (await there).boot]);
}

/** compareSamples with the bootstrap on two threads; throws CompareError as it does. Also B's samples row for row with A's. */
export async function compareInThreads(a: CompareSide, b: CompareSide, opts: CompareOptions & CompareFilesOptions): Promise<{ stats: CompareStats; other: SampleColumns }> {
  const p = prepareComparison(a, b, opts);
  const boot = await bootstrapInThreads(p.groups, p.resamples, p.seed, opts);
  return { stats: p.finish(boot), other: p.other };
}
