/**
 * How the host ends one worker job, the same for the desktop's worker thread and the browser's
 * Web Worker: the job settles once; a cancel asks the worker to stop by itself and, after a grace,
 * gives up waiting; the worker is terminated whatever the outcome.
 */
import { CancelledError } from './cancelled';

/** Grace for the worker to stop by itself (and its own sub-workers) before it is terminated outright. */
export const CANCEL_GRACE_MS = 2000;

export interface EndableWorker {
  /** Asks the worker to stop (posts 'cancel'). */
  cancel(): void;
  terminate(): void;
}

/**
 * Listens to `signal` and returns `finish`: the first call runs its settling function (resolve or
 * reject the job's promise), stops listening and terminates the worker; later calls do nothing.
 */
export function workerEnding(worker: EndableWorker, signal: AbortSignal | undefined, reject: (err: Error) => void): (settle: () => void) => void {
  let settled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const finish = (settle: () => void) => {
    if (settled) return;
    settled = true;
    signal?.removeEventListener('abort', cancel);
    if (timer) clearTimeout(timer);
    settle();
    worker.terminate();
  };
  function cancel() {
    worker.cancel();
    timer = setTimeout(() => finish(() => reject(new CancelledError())), CANCEL_GRACE_MS);
  }
  signal?.addEventListener('abort', cancel, { once: true });
  return finish;
}
