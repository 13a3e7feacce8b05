/**
 * A worker thread's share of a file: reads one byte range and posts back its mergeable part.
 * Bundled to dist/worker.js; the CLI and the extension host start it (see analyze-file.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzePart, type AnalysisRequest } from '../core/analyze';
import type { ByteRange, Layout } from '../core/parse';
import { fileSource } from './file-source';

export interface WorkerInput {
  path: string;
  name: string;
  request: AnalysisRequest;
  layout: Layout;
  range: ByteRange;
}

/** What the host posts: the job (once; the worker may be started before it is known), or a cancel. */
export type WorkerRequest = { type: 'job'; input: WorkerInput } | 'cancel';

export type WorkerMessage =
  | { type: 'progress'; bytesRead: number }
  | { type: 'done'; part: Awaited<ReturnType<typeof analyzePart>> }
  | { type: 'failed'; message: string };

const controller = new AbortController();
parentPort?.on('message', (m: WorkerRequest) => {
  if (m === 'cancel') controller.abort();
  else if (m.type === 'job') void run(m.input);
});
// A host that passes the job at start (workerData) rather than by message.
if (workerData) void run(workerData as WorkerInput);

async function run(input: WorkerInput): Promise<void> {
  const port = parentPort;
  if (!port) return;
  try {
    const source = await fileSource(input.path, input.name);
    const part = await analyzePart(source, input.request, {
      layout: input.layout,
      range: input.range,
      signal: controller.signal,
      onProgress: (bytesRead) => port.postMessage({ type: 'progress', bytesRead } satisfies WorkerMessage),
      typedState: true,
    });
    // Moved, not copied: with 1000 classes the confusion matrix alone is 8 MB per worker.
    const transfer = Object.values(part.state.arrays).flatMap((a) => (a instanceof Float64Array ? [a.buffer as ArrayBuffer] : []));
    port.postMessage({ type: 'done', part } satisfies WorkerMessage, transfer);
  } catch (err) {
    port.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies WorkerMessage);
  }
}

