/**
 * The browser build's Web Worker (dist/web/worker.js): one job per worker, like the desktop's
 * worker thread, so the extension host only waits. The logic is in job.ts.
 */
import { createJobHandler, type WebWorkerMessage, type WebWorkerRequest } from './job';

/** The part of a dedicated worker's global scope used here (the project's lib has no WebWorker). */
interface WorkerScope {
  postMessage(message: WebWorkerMessage, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<WebWorkerRequest>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
const handle = createJobHandler((m, transfer) => scope.postMessage(m, transfer ?? []));
scope.onmessage = (event) => void handle(event.data);
