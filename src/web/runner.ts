/**
 * The browser build's runner: the host reads each file whole through vscode.workspace.fs (the
 * web extension host has no other access to files, local or virtual), transfers the bytes to a
 * Web Worker (dist/web/worker.js) and waits for its result. A file is held in memory while it is
 * analysed, so very large files are a desktop feature. A per-sample export comes back as bytes,
 * which the host writes with vscode.workspace.fs.
 */
import * as vscode from 'vscode';
import type { JobRunner, ResultOf, RunJobOptions, WorkerJob } from '../extension/job-runner';
import { WEB_WORKSPACE_SCHEMES } from '../extension/schemes';
import { CancelledError } from '../shared/cancelled';
import { errorOf } from './failure';
import { pathsOf, type WebJobOutcome, type WebWorkerMessage, type WebWorkerRequest } from './job';

/** Grace for the worker to stop by itself before it is terminated outright. */
const CANCEL_GRACE_MS = 2000;

/** A buffer holding exactly the file's bytes, which can be transferred (not copied) to the worker. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : (Uint8Array.prototype.slice.call(bytes).buffer as ArrayBuffer);
}

/**
 * Workers started from a blob: URL holding the worker script. The web extension host refuses
 * `new Worker` on an extension's own `vscode-remote:` URI (code-server serves extensions so:
 * "Creating workers from remote extensions is currently not supported"), and a page may not
 * start a worker from another origin's script (vscode.dev's extension CDN). Its fetch resolves
 * both, and a blob: URL belongs to the extension host's own origin.
 */
export function blobWorkers(scriptUrl: string): () => Promise<Worker> {
  let url: Promise<string> | undefined;
  const load = async () => {
    const response = await fetch(scriptUrl);
    if (!response.ok) throw new Error(`cannot load the analysis worker ${scriptUrl}: HTTP ${response.status}`);
    return URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
  };
  return async () => {
    url ??= load().catch((err: unknown) => {
      url = undefined; // Tried again by the next job (a network hiccup is not forever).
      throw err;
    });
    return new Worker(await url, { name: 'Loss Lens analysis' });
  };
}

export function webJobRunner(newWorker: () => Promise<Worker>): JobRunner {
  return {
    schemes: WEB_WORKSPACE_SCHEMES,
    where: 'browser build (web extension host): jobs run in a Web Worker over files read whole through the workspace file system',
    pathOf: (uri) => uri.toString(),
    async stamp(uri) {
      const info = await vscode.workspace.fs.stat(uri);
      return { mtimeMs: info.mtime, size: info.size };
    },
    async run<Op extends WorkerJob['op']>(job: Extract<WorkerJob, { op: Op }>, opts: RunJobOptions): Promise<ResultOf<Op>> {
      const asked: WorkerJob = job;
      // A sampled estimate stands in while a large file is read in full; here the file is read
      // whole either way, so there is nothing quicker to show.
      if (asked.op === 'estimate') return { op: 'estimate', estimate: null } as ResultOf<Op>;
      const files: Record<string, ArrayBuffer> = {};
      for (const path of pathsOf(job)) {
        if (opts.signal?.aborted) throw new CancelledError();
        files[path] = ownBuffer(await vscode.workspace.fs.readFile(vscode.Uri.parse(path)));
      }
      if (opts.signal?.aborted) throw new CancelledError();
      const { result, output } = await inWorker(await newWorker(), { type: 'job', job, files }, opts);
      if (asked.op === 'perSampleCsv') {
        if (!output) throw new Error('the analysis worker sent no CSV');
        await vscode.workspace.fs.writeFile(vscode.Uri.parse(asked.out), new Uint8Array(output));
      }
      return result as ResultOf<Op>;
    },
  };
}

function inWorker(worker: Worker, request: Extract<WebWorkerRequest, { type: 'job' }>, opts: RunJobOptions): Promise<WebJobOutcome> {
  return new Promise<WebJobOutcome>((resolve, reject) => {
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
    if (opts.signal?.aborted) {
      finish(() => reject(new CancelledError()));
      return;
    }
    opts.signal?.addEventListener('abort', cancel, { once: true });
    worker.onmessage = (event: MessageEvent<WebWorkerMessage>) => {
      const m = event.data;
      if (m.type === 'progress') opts.onProgress?.(m.fraction);
      else if (m.type === 'done') finish(() => resolve(m.output ? { result: m.result, output: m.output } : { result: m.result }));
      else finish(() => reject(errorOf(m.failure)));
    };
    worker.onerror = (event) => finish(() => reject(new Error(`the analysis worker failed: ${event.message}`)));
    worker.postMessage(request, Object.values(request.files));
  });
}
