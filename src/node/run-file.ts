/**
 * One file of a run read whole (its layout inferred, its report, its samples for the trajectory
 * store), on the host's thread or a worker's; and a worker's loop over the files of a run, which
 * claims them from a counter shared with the other readers and posts each as it is done.
 */
import type { MessagePort } from 'node:worker_threads';
import type { AnalysisRequest } from '../core/analyze';
import { readRunSource, type RunFileRead } from '../core/run/assemble';
import { failureOf, type FailureData } from '../shared/failure';
import { withFileSource } from './file-source';
import type { ShardEntry } from './shard-source';

export type { RunFileRead };

/** `ids`: keep the id column's values (when the layout has one), which the samples are matched by. */
export async function readRunFile(e: ShardEntry, request: AnalysisRequest, ids: boolean, signal?: AbortSignal): Promise<RunFileRead> {
  return withFileSource(e.path, e.name, (source) =>
    e.labels === undefined ? readRunSource(e.name, source, request, ids, signal) : withFileSource(e.labels.path, e.labels.name, (labels) => readRunSource(e.name, source, request, ids, signal, labels)),
  );
}

/** A worker's job over a run: the files, and an Int32Array's buffer whose slot 0 is the next file to claim. */
export interface RunWorkerInput {
  files: ShardEntry[];
  request: AnalysisRequest;
  /** Keep the id column's values (readRunFile). */
  ids: boolean;
  next: SharedArrayBuffer;
  /** A file that cannot be read is posted as failed and the others read on (a live run leaves it out). */
  leaveOut?: boolean;
}

export type RunWorkerMessage =
  | ({ type: 'run-file'; file: number } & RunFileRead)
  | { type: 'run-file-failed'; file: number; failure: FailureData }
  | { type: 'run-done' }
  | { type: 'failed'; failure: FailureData };

/** Reads files claimed from `next` until none is left, posting each (its arrays moved, not copied). */
export async function runFilesInWorker(input: RunWorkerInput, port: MessagePort, signal: AbortSignal): Promise<void> {
  try {
    const next = new Int32Array(input.next);
    for (let f = Atomics.add(next, 0, 1); f < input.files.length; f = Atomics.add(next, 0, 1)) {
      let read: RunFileRead;
      try {
        read = await readRunFile(input.files[f]!, input.request, input.ids, signal);
      } catch (err) {
        if (!input.leaveOut || signal.aborted) throw err;
        port.postMessage({ type: 'run-file-failed', file: f, failure: failureOf(err, signal) } satisfies RunWorkerMessage);
        continue;
      }
      const s = read.samples;
      const transfer = [s.pTrue, s.loss, s.correct, s.trueClass, s.line].map((a) => a.buffer as ArrayBuffer);
      port.postMessage({ type: 'run-file', file: f, ...read } satisfies RunWorkerMessage, transfer);
    }
    port.postMessage({ type: 'run-done' } satisfies RunWorkerMessage);
  } catch (err) {
    port.postMessage({ type: 'failed', failure: failureOf(err, signal) } satisfies RunWorkerMessage);
  }
}
