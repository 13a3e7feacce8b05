/**
 * Runs a file job (file-worker.ts) on a worker thread, so the calling thread (the extension host)
 * only waits: progress arrives as messages, cancel aborts the read and then ends the thread.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError } from '../shared/cancelled';
import { errorOf } from '../shared/failure';
import { workerEnding } from '../shared/worker-ending';
import type { FileWorkerMessage, JobResult, WorkerJob } from './file-worker';

export type { FileJob, JobResult, WorkerJob } from './file-worker';
export { CancelledError };

export interface InWorkerOptions {
  signal?: AbortSignal;
  /** 0..1 of the job, or null when the total is unknown (gzip). */
  onProgress?: (fraction: number | null) => void;
  /** Path of dist/file-worker.js; defaults to file-worker.js beside this bundle. */
  workerScript?: string;
}

/** The result of a job of kind `Op`. */
export type ResultOf<Op extends WorkerJob['op']> = Extract<JobResult, { op: Op }>;

export function runInWorker<Op extends WorkerJob['op']>(job: Extract<WorkerJob, { op: Op }>, opts: InWorkerOptions = {}): Promise<ResultOf<Op>> {
  return new Promise<ResultOf<Op>>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    const worker = new Worker(opts.workerScript ?? join(__dirname, 'file-worker.js'), { workerData: job });
    const finish = workerEnding({ cancel: () => worker.postMessage('cancel'), terminate: () => void worker.terminate() }, opts.signal, reject);
    worker.on('message', (m: FileWorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.(m.fraction);
      else if (m.type === 'done') finish(() => resolve(m.result as ResultOf<Op>));
      else finish(() => reject(errorOf(m.failure)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the analysis worker stopped (exit code ${code})`))));
  });
}
