/**
 * A worker thread's share of a split file: claims pieces (byte ranges) from a counter shared
 * with the other readers until none is left, and posts back its share (see analyzeShare) with
 * the file's identity when it opened it; a file that changed while it read fails its share.
 * Bundled to dist/worker.js; the CLI and the extension host start it (see analyze-file.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeShare, type AnalysisRequest, type SplitShare } from '../core/analyze';
import type { FileIdentity } from '../core/file-changed';
import type { ByteRange, Layout } from '../core/parse';
import { failureOf, type FailureData } from '../shared/failure';
import { withFileSource, type FileSource } from './file-source';

export interface WorkerInput {
  path: string;
  name: string;
  /** Binary formats: the file holding the labels, row for row. */
  labels?: { path: string; name: string };
  request: AnalysisRequest;
  layout: Layout;
  /** The file's pieces, in file order. */
  ranges: ByteRange[];
  /** An Int32Array's buffer: slot 0 is the next piece to claim, shared by every reader. */
  next: SharedArrayBuffer;
}

/** What the host posts: the job (once; the worker may be started before it is known), or a cancel. */
export type WorkerRequest = { type: 'job'; input: WorkerInput } | 'cancel';

export type WorkerMessage =
  | { type: 'progress'; bytesRead: number }
  /** `identity`: the file when this worker opened it (the host compares it with its own). */
  | { type: 'done'; share: SplitShare; identity: FileIdentity }
  | { type: 'failed'; failure: FailureData };

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
    const next = new Int32Array(input.next);
    const labels = input.labels;
    const read = (source: FileSource, labelSource: FileSource | undefined) =>
      analyzeShare(source, input.request, {
        layout: input.layout,
        labels: labelSource,
        ranges: input.ranges,
        claim: () => Atomics.add(next, 0, 1),
        signal: controller.signal,
        onProgress: (bytesRead) => port.postMessage({ type: 'progress', bytesRead } satisfies WorkerMessage),
        typedState: true,
      });
    const { share, identity } = await withFileSource(input.path, input.name, async (source) => ({
      identity: source.identity,
      share: labels === undefined ? await read(source, undefined) : await withFileSource(labels.path, labels.name, (l) => read(source, l)),
    }));
    // Moved, not copied: with 1000 classes the confusion matrix alone is 8 MB.
    const transfer = Object.values(share.state.arrays).flatMap((a) => (a instanceof Float64Array ? [a.buffer as ArrayBuffer] : []));
    port.postMessage({ type: 'done', share, identity } satisfies WorkerMessage, transfer);
  } catch (err) {
    port.postMessage({ type: 'failed', failure: failureOf(err, controller.signal) } satisfies WorkerMessage);
  }
}
