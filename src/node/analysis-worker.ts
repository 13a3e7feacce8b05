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

export type WorkerMessage =
  | { type: 'progress'; bytesRead: number }
  | { type: 'done'; part: Awaited<ReturnType<typeof analyzePart>> }
  | { type: 'failed'; message: string };

async function main(input: WorkerInput): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const controller = new AbortController();
  port.on('message', (m: unknown) => {
    if (m === 'cancel') controller.abort();
  });
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

void main(workerData as WorkerInput);
