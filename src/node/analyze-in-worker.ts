/**
 * Runs a file job (file-worker.ts) on a worker thread, so the calling thread (the extension host)
 * only waits: progress arrives as messages, cancel aborts the read and then ends the thread.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError } from '../shared/cancelled';
import { errorOf } from '../shared/failure';
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

/** Grace for the worker to abort its own sub-workers before it is terminated outright. */
const CANCEL_GRACE_MS = 2000;

/** The result of a job of kind `Op`. */
export type ResultOf<Op extends WorkerJob['op']> = Extract<JobResult, { op: Op }>;

export function runInWorker<Op extends WorkerJob['op']>(job: Extract<WorkerJob, { op: Op }>, opts: InWorkerOptions = {}): Promise<ResultOf<Op>> {
  return new Promise<ResultOf<Op>>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    const worker = new Worker(opts.workerScript ?? join(__dirname, 'file-worker.js'), { workerData: job });
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', cancel);
      if (timer) clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    function cancel() {
      worker.postMessage('cancel');
      timer = setTimeout(() => finish(() => reject(new CancelledError())), CANCEL_GRACE_MS);
    }
    opts.signal?.addEventListener('abort', cancel, { once: true });
    worker.on('message', (m: FileWorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.(m.fraction);
      else if (m.type === 'done') finish(() => resolve(m.result as ResultOf<Op>));
      else finish(() => reject(errorOf(m.failure)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the analysis worker stopped (exit code ${code})`))));
  });
}
