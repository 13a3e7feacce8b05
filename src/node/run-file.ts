/**
 * One file of a run read whole (its layout inferred, its report, its samples for the trajectory
 * store), on the host's thread or a worker's; and a worker's loop over the files of a run, which
 * claims them from a counter shared with the other readers and posts each as it is done.
 */
import type { MessagePort } from 'node:worker_threads';
import { analyze, inferFileLayout, type Analysis, type AnalysisRequest } from '../core/analyze';
import type { Layout } from '../core/parse';
import { fileSamplesCollector, type FileSamples } from '../core/run';
import { failureOf, type FailureData } from '../shared/failure';
import { withFileSource, type FileSource } from './file-source';
import type { ShardEntry } from './shard-source';

export interface RunFileRead {
  layout: Layout;
  analysis: Analysis;
  /** Ids kept when asked and the file's layout has an id column (the host decides whether they match the samples). */
  samples: FileSamples;
}

/** `ids`: keep the id column's values (when the layout has one), which the samples are matched by. */
export async function readRunFile(e: ShardEntry, request: AnalysisRequest, ids: boolean, signal?: AbortSignal): Promise<RunFileRead> {
  return withFileSource(e.path, e.name, async (source) => {
    const read = async (labels: FileSource | undefined): Promise<RunFileRead> => {
      const layout = await inferFileLayout(source, request, signal, labels);
      const idColumn = ids ? layout.idColumn : undefined;
      const collector = fileSamplesCollector(e.name, idColumn);
      // Ids are read from each row's fields, which only the row-by-row path has: without them, batches.
      const per = idColumn === undefined ? { evals: { batch: collector.onEvalBatch, row: collector.onEval } } : { onEval: collector.onEval };
      const analysis = await analyze(source, request, { layout, labels, signal, ...per });
      return { layout, analysis, samples: collector.result(analysis.rows) };
    };
    return e.labels === undefined ? read(undefined) : withFileSource(e.labels.path, e.labels.name, read);
  });
}

/** A worker's job over a run: the files, and an Int32Array's buffer whose slot 0 is the next file to claim. */
export interface RunWorkerInput {
  files: ShardEntry[];
  request: AnalysisRequest;
  /** Keep the id column's values (readRunFile). */
  ids: boolean;
  next: SharedArrayBuffer;
}

export type RunWorkerMessage =
  | ({ type: 'run-file'; file: number } & RunFileRead)
  | { type: 'run-done' }
  | { type: 'failed'; failure: FailureData };

/** Reads files claimed from `next` until none is left, posting each (its arrays moved, not copied). */
export async function runFilesInWorker(input: RunWorkerInput, port: MessagePort, signal: AbortSignal): Promise<void> {
  try {
    const next = new Int32Array(input.next);
    for (let f = Atomics.add(next, 0, 1); f < input.files.length; f = Atomics.add(next, 0, 1)) {
      const read = await readRunFile(input.files[f]!, input.request, input.ids, signal);
      const s = read.samples;
      const transfer = [s.pTrue, s.loss, s.correct, s.trueClass, s.line].map((a) => a.buffer as ArrayBuffer);
      port.postMessage({ type: 'run-file', file: f, ...read } satisfies RunWorkerMessage, transfer);
    }
    port.postMessage({ type: 'run-done' } satisfies RunWorkerMessage);
  } catch (err) {
    port.postMessage({ type: 'failed', failure: failureOf(err, signal) } satisfies RunWorkerMessage);
  }
}
