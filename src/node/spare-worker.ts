/**
 * Worker threads (dist/worker.js) that read a share of a file or of a set of files, for
 * analyze-file.ts and analyze-shards.ts: started before their job is known, given one job, ended
 * when it is done.
 */
import { Worker } from 'node:worker_threads';
import { errorOf, type FailureData } from '../shared/failure';
import type { WorkerRequest } from './analysis-worker';

/**
 * A worker started before its job is known: a thread takes some 30 ms to boot, which overlaps the
 * layout inference on this thread instead of following it. Failures before the job are kept
 * (an 'error' event without a listener would be thrown).
 */
export interface SpareWorker {
  worker: Worker;
  failure?: Error;
}

export function spawnWorker(script: string): SpareWorker {
  const spare: SpareWorker = { worker: new Worker(script) };
  spare.worker.on('error', (err) => (spare.failure ??= err));
  spare.worker.on('exit', (code) => (spare.failure ??= new Error(`worker stopped (exit code ${code})`)));
  return spare;
}

/** What a worker posts while it reads: progress, its result (`done`: the job's), or its failure. */
type JobMessage<T> = { type: 'progress'; bytesRead: number } | { type: 'failed'; failure: FailureData } | ({ type: 'done' | 'shards-done' } & T);

/**
 * Gives the worker one job and resolves with what its `done` message carries (`result` picks it
 * out); a cancel on `signal` is passed on, and the worker ends either way.
 */
export function runWorkerJob<T, R>(
  spare: SpareWorker, request: Exclude<WorkerRequest, 'cancel'>, signal: AbortSignal | undefined, onProgress: (bytesRead: number) => void, result: (done: T) => R,
): Promise<R> {
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
    worker.on('message', (m: JobMessage<T>) => {
      if (m.type === 'progress') onProgress(m.bytesRead);
      else if (m.type === 'failed') finish(() => reject(errorOf(m.failure)));
      else finish(() => resolve(result(m)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`worker stopped (exit code ${code})`))));
    worker.postMessage(request);
  });
}
