/**
 * A worker thread's share of a split file: claims pieces (byte ranges) from a counter shared
 * with the other readers until none is left, and posts back its share (see analyzeShare) with
 * the file's identity when it opened it; a file that changed while it read fails its share.
 * Or the same over the units of a data set of several files (a 'shards' job, analyze-shards.ts),
 * or the files of a run (a 'run' job, run-file.ts).
 * Bundled to dist/worker.js; the CLI and the extension host start it (see analyze-file.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeShare, type AnalysisRequest, type SplitShare } from '../core/analyze';
import type { FileIdentity } from '../core/file-changed';
import type { ByteRange, Layout } from '../core/parse';
import { analyzeShardShare, type ShardShare, type ShardUnit } from '../core/shards';
import { failureOf, type FailureData } from '../shared/failure';
import { withFileSource, type FileSource } from './file-source';
import { shardOpener, type ShardEntry } from './shard-source';
import { runFilesInWorker, type RunWorkerInput } from './run-file';

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

/** A share of a data set of several files (shards.ts): units of work (a file, or a piece of one) claimed from `next`. */
export interface ShardsWorkerInput {
  files: ShardEntry[];
  /** Each file's own layout (they agree on what the loss is made of). */
  layouts: Layout[];
  units: ShardUnit[];
  request: AnalysisRequest;
  next: SharedArrayBuffer;
}

/** What the host posts: the job (once; the worker may be started before it is known), or a cancel. */
export type WorkerRequest = { type: 'job'; input: WorkerInput } | { type: 'shards'; input: ShardsWorkerInput } | { type: 'run'; input: RunWorkerInput } | 'cancel';

export type WorkerMessage =
  | { type: 'progress'; bytesRead: number }
  /** `identity`: the file when this worker opened it (the host compares it with its own). */
  | { type: 'done'; share: SplitShare; identity: FileIdentity }
  | { type: 'failed'; failure: FailureData };

/** What a 'shards' job posts: `identities`, each file as this worker first opened it (null: not opened). */
export type ShardsWorkerMessage =
  | { type: 'progress'; bytesRead: number }
  | { type: 'shards-done'; share: ShardShare; identities: (FileIdentity | null)[] }
  | { type: 'failed'; failure: FailureData };

const controller = new AbortController();
parentPort?.on('message', (m: WorkerRequest) => {
  if (m === 'cancel') controller.abort();
  else if (m.type === 'job') void run(m.input);
  else if (m.type === 'shards') void runShards(m.input);
  else if (m.type === 'run' && parentPort) void runFilesInWorker(m.input, parentPort, controller.signal);
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

async function runShards(input: ShardsWorkerInput): Promise<void> {
  const port = parentPort;
  if (!port) return;
  try {
    const next = new Int32Array(input.next);
    const opener = shardOpener(input.files);
    const share = await analyzeShardShare(input.request, input.layouts, input.units, opener.open, {
      claim: () => Atomics.add(next, 0, 1),
      signal: controller.signal,
      onProgress: (bytesRead) => port.postMessage({ type: 'progress', bytesRead } satisfies ShardsWorkerMessage),
      typedState: true,
    });
    const transfer = Object.values(share.state.arrays).flatMap((a) => (a instanceof Float64Array ? [a.buffer as ArrayBuffer] : []));
    port.postMessage({ type: 'shards-done', share, identities: opener.identities } satisfies ShardsWorkerMessage, transfer);
  } catch (err) {
    port.postMessage({ type: 'failed', failure: failureOf(err, controller.signal) } satisfies WorkerMessage);
  }
}
