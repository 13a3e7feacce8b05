/**
 * The browser build's runner: the host reads each file whole through vscode.workspace.fs (the
 * web extension host has no other access to files, local or virtual), transfers the bytes to a
 * Web Worker (dist/web/worker.js) and waits for its result. A file is held in memory while it is
 * analysed, so very large files are a desktop feature.
 */
import * as vscode from 'vscode';
import type { FileWorkerMessage } from '../node/file-worker';
import type { JobRunner, ResultOf, RunJobOptions, WorkerJob } from '../extension/job-runner';
import { CancelledError } from '../shared/cancelled';
import { errorOf } from './failure';
import { pathsOf, unsupportedOp, type WebWorkerRequest } from './job';

/** Jobs the worker does; the rest say so before reading anything. */
const SUPPORTED: ReadonlySet<string> = new Set(['analyze', 'layout', 'compare', 'sample']);

/** Grace for the worker to stop by itself before it is terminated outright. */
const CANCEL_GRACE_MS = 2000;

/** A buffer holding exactly the file's bytes, which can be transferred (not copied) to the worker. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : (Uint8Array.prototype.slice.call(bytes).buffer as ArrayBuffer);
}

export function webJobRunner(workerUrl: string): JobRunner {
  return {
    pathOf: (uri) => uri.toString(),
    async stamp(uri) {
      const info = await vscode.workspace.fs.stat(uri);
      return { mtimeMs: info.mtime, size: info.size };
    },
    async run<Op extends WorkerJob['op']>(job: Extract<WorkerJob, { op: Op }>, opts: RunJobOptions): Promise<ResultOf<Op>> {
      if (!SUPPORTED.has(job.op)) throw unsupportedOp(job.op);
      const files: Record<string, ArrayBuffer> = {};
      for (const path of pathsOf(job)) {
        if (opts.signal?.aborted) throw new CancelledError();
        files[path] = ownBuffer(await vscode.workspace.fs.readFile(vscode.Uri.parse(path)));
      }
      return inWorker<Op>(workerUrl, { type: 'job', job, files }, opts);
    },
  };
}

function inWorker<Op extends WorkerJob['op']>(workerUrl: string, request: Extract<WebWorkerRequest, { type: 'job' }>, opts: RunJobOptions): Promise<ResultOf<Op>> {
  return new Promise<ResultOf<Op>>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    const worker = new Worker(workerUrl);
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', cancel);
      if (timer) clearTimeout(timer);
      fn();
      worker.terminate();
    };
    function cancel() {
      worker.postMessage('cancel' satisfies WebWorkerRequest);
      timer = setTimeout(() => finish(() => reject(new CancelledError())), CANCEL_GRACE_MS);
    }
    opts.signal?.addEventListener('abort', cancel, { once: true });
    worker.onmessage = (event: MessageEvent<FileWorkerMessage>) => {
      const m = event.data;
      if (m.type === 'progress') opts.onProgress?.(m.fraction);
      else if (m.type === 'done') finish(() => resolve(m.result as ResultOf<Op>));
      else finish(() => reject(errorOf(m.failure)));
    };
    worker.onerror = (event) => finish(() => reject(new Error(`the analysis worker failed: ${event.message}`)));
    worker.postMessage(request, Object.values(request.files));
  });
}
