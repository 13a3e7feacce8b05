/**
 * Reads a run (several files over the same samples, one per epoch or checkpoint) on disk: each
 * file whole, with its own layout (which must agree with the first's) and its own report, its
 * samples matched to the first file's and added to the trajectory store, then dropped (core/run).
 * The files are claimed from one counter by this thread and worker threads (dist/worker.js, a
 * 'run' job: run-file.ts), a file a reader, as a file's per-sample values want one reader in row
 * order. The files are the ones shard-args.ts lists for the CLI's arguments, in natural order.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { AnalysisRequest } from '../core/analyze';
import { checkRunFiles, runAssembler, type RunRead } from '../core/run/assemble';
import { errorOf } from '../shared/failure';
import type { WorkerRequest } from './analysis-worker';
import { readRunFile, type RunFileRead, type RunWorkerInput, type RunWorkerMessage } from './run-file';
import type { ShardEntry } from './shard-source';

export interface ReadRunOptions {
  signal?: AbortSignal;
  /** Files read so far, of all. */
  onProgress?: (filesRead: number, total: number) => void;
  /** Samples in each list (rose, forgotten). */
  top: number;
  /** Threads that read, this one included (default: the machine's cores). */
  threads?: number;
  /** Path of the bundled worker (dist/worker.js); defaults to worker.js beside this bundle. */
  workerScript?: string;
  /** 'order': match the samples by row order even when the files have an id column (default 'auto'). */
  match?: 'auto' | 'order';
}

export { RunLayoutError, type RunRead } from '../core/run/assemble';

/** A worker reading the files it claims; resolves when none is left. */
function workerReads(script: string, input: RunWorkerInput, take: (f: number, read: RunFileRead) => void, stop: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script);
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      stop.removeEventListener('abort', cancel);
      void worker.terminate();
      fn();
    };
    const cancel = () => finish(() => reject(new Error('cancelled')));
    stop.addEventListener('abort', cancel, { once: true });
    worker.on('message', (m: RunWorkerMessage) => {
      if (m.type === 'run-file') {
        try {
          take(m.file, { layout: m.layout, analysis: m.analysis, samples: m.samples });
        } catch (err) {
          finish(() => reject(err));
        }
      } else if (m.type === 'run-done') finish(resolve);
      else finish(() => reject(errorOf(m.failure)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`worker stopped (exit code ${code})`))));
    worker.postMessage({ type: 'run', input } satisfies WorkerRequest);
  });
}

export async function readRun(entries: readonly ShardEntry[], request: AnalysisRequest, opts: ReadRunOptions): Promise<RunRead> {
  checkRunFiles(entries.map((e) => e.name));
  const readers = Math.max(1, Math.min(opts.threads ?? availableParallelism(), entries.length));
  const next = new Int32Array(new SharedArrayBuffer(4));
  const ask = opts.match ?? 'auto';
  const assembler = runAssembler(entries.map((e) => e.name), ask);
  let done = 0;
  const take = (f: number, read: RunFileRead) => {
    assembler.take(f, read);
    opts.onProgress?.(++done, entries.length);
  };
  // A failure anywhere (a read, a file that does not match) ends every reader.
  const stop = new AbortController();
  const abort = () => stop.abort();
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    const script = opts.workerScript ?? join(__dirname, 'worker.js');
    const input: RunWorkerInput = { files: [...entries], request, ids: ask === 'auto', next: next.buffer as SharedArrayBuffer };
    const workers = Array.from({ length: readers - 1 }, () => workerReads(script, input, take, stop.signal));
    const own = (async () => {
      for (let f = Atomics.add(next, 0, 1); f < entries.length && !stop.signal.aborted; f = Atomics.add(next, 0, 1)) take(f, await readRunFile(entries[f]!, request, input.ids, stop.signal));
    })();
    const all = [own, ...workers].map((p) => p.catch((err: unknown) => {
      stop.abort();
      throw err;
    }));
    // Rejects with the first failure, not the cancellations it causes.
    await Promise.all(all);
    return assembler.finish(opts.top);
  } finally {
    stop.abort();
    opts.signal?.removeEventListener('abort', abort);
  }
}
