/**
 * The browser build's Web Worker (dist/web/worker.js): one job per worker, like the desktop's
 * worker thread, so the extension host only waits. The logic is in job.ts.
 */
import type { FileWorkerMessage } from '../node/file-worker';
import { createJobHandler, type WebWorkerRequest } from './job';

/** The part of a dedicated worker's global scope used here (the project's lib has no WebWorker). */
interface WorkerScope {
  postMessage(message: FileWorkerMessage): void;
  onmessage: ((event: MessageEvent<WebWorkerRequest>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
const handle = createJobHandler((m) => scope.postMessage(m));
scope.onmessage = (event) => void handle(event.data);
