/**
 * Reads a run (several files over the same samples, one per epoch or checkpoint) on disk: each
 * file whole, with its own layout (which must agree with the first's) and its own report, its
 * samples matched to the first file's and added to the trajectory store, then dropped (core/run).
 * The files are claimed from one counter by this thread and worker threads (dist/worker.js, a
 * 'run' job: run-file.ts), a file a reader, as a file's per-sample values want one reader in row
 * order. The files are the ones shard-args.ts lists for the CLI's arguments, in natural order.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { AnalysisRequest } from '../core/analyze';
import { stat } from 'node:fs/promises';
import { checkRunFiles, runAssembler, RunLayoutError, type RunRead } from '../core/run/assemble';
import { idIndex, RunMatchError } from '../core/run/match';
import { assembleParts, firstPart, otherPart, type RunPart } from '../core/run/parts';
import { errorOf, failureOf, type FailureData } from '../shared/failure';
import type { WorkerRequest } from './analysis-worker';
import { readRunFile, type RunFileRead, type RunWorkerInput, type RunWorkerMessage } from './run-file';
import type { ShardEntry } from './shard-source';

export interface ReadRunOptions {
  signal?: AbortSignal;
  /** Files read so far, of all. */
  onProgress?: (filesRead: number, total: number) => void;
  /** Samples in each list (rose, forgotten). */
  top: number;
  /** Threads that read, this one included (default: the machine's cores). */
  threads?: number;
  /** Path of the bundled worker (dist/worker.js); defaults to worker.js beside this bundle. */
  workerScript?: string;
  /** 'order': match the samples by row order even when the files have an id column (default 'auto'). */
  match?: 'auto' | 'order';
}

export { RunLayoutError, type RunRead };

/** A worker reading the files it claims; resolves when none is left. `fail`: a file it could not read, when the input leaves such files out. */
function workerReads(script: string, input: RunWorkerInput, take: (f: number, read: RunFileRead) => void, stop: AbortSignal, fail?: (f: number, err: Error) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script);
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      stop.removeEventListener('abort', cancel);
      void worker.terminate();
      fn();
    };
    const cancel = () => finish(() => reject(new Error('cancelled')));
    stop.addEventListener('abort', cancel, { once: true });
    worker.on('message', (m: RunWorkerMessage) => {
      try {
        if (m.type === 'run-file') take(m.file, { layout: m.layout, analysis: m.analysis, samples: m.samples });
        else if (m.type === 'run-file-failed') fail!(m.file, errorOf(m.failure));
        else if (m.type === 'run-done') finish(resolve);
        else finish(() => reject(errorOf(m.failure)));
      } catch (err) {
        finish(() => reject(err));
      }
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`worker stopped (exit code ${code})`))));
    worker.postMessage({ type: 'run', input } satisfies WorkerRequest);
  });
}

/**
 * Reads `entries` on this thread and worker threads, a file a reader, handing each read to `take`
 * as it is done (in any order). With `fail`, a file that cannot be read is handed to it and the
 * others read on; without, the first failure ends every reader and is thrown.
 */
async function readFiles(entries: readonly ShardEntry[], request: AnalysisRequest, ids: boolean, opts: Pick<ReadRunOptions, 'signal' | 'threads' | 'workerScript'>, take: (f: number, read: RunFileRead) => void, fail?: (f: number, err: Error) => void): Promise<void> {
  if (entries.length === 0) return;
  const readers = Math.max(1, Math.min(opts.threads ?? availableParallelism(), entries.length));
  const next = new Int32Array(new SharedArrayBuffer(4));
  // A failure anywhere (a read, a file that does not match) ends every reader.
  const stop = new AbortController();
  const abort = () => stop.abort();
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    const script = opts.workerScript ?? join(__dirname, 'worker.js');
    const input: RunWorkerInput = { files: [...entries], request, ids, next: next.buffer as SharedArrayBuffer, ...(fail === undefined ? {} : { leaveOut: true }) };
    const workers = Array.from({ length: readers - 1 }, () => workerReads(script, input, take, stop.signal, fail));
    const own = (async () => {
      for (let f = Atomics.add(next, 0, 1); f < entries.length && !stop.signal.aborted; f = Atomics.add(next, 0, 1)) {
        let read: RunFileRead;
        try {
          read = await readRunFile(entries[f]!, request, ids, stop.signal);
        } catch (err) {
          if (fail === undefined || stop.signal.aborted) throw err;
          fail(f, err instanceof Error ? err : new Error(String(err)));
          continue;
        }
        take(f, read);
      }
    })();
    const all = [own, ...workers].map((p) => p.catch((err: unknown) => {
      stop.abort();
      throw err;
    }));
    // Rejects with the first failure, not the cancellations it causes.
    await Promise.all(all);
  } finally {
    stop.abort();
    opts.signal?.removeEventListener('abort', abort);
  }
}

export async function readRun(entries: readonly ShardEntry[], request: AnalysisRequest, opts: ReadRunOptions): Promise<RunRead> {
  checkRunFiles(entries.map((e) => e.name));
  const ask = opts.match ?? 'auto';
  const assembler = runAssembler(entries.map((e) => e.name), ask);
  let done = 0;
  await readFiles(entries, request, ask === 'auto', opts, (f, read) => {
    assembler.take(f, read);
    opts.onProgress?.(++done, entries.length);
  });
  return assembler.finish(opts.top);
}

/** A file of a live run left out of it: it could not be read, or does not match the run's first file. */
export interface LeftOut {
  name: string;
  path: string;
  failure: FailureData;
}

export interface RunPartsRead {
  run: RunRead;
  /** The keys of the run's parts, in run order (the cache keeps those, and drops the others). */
  keys: string[];
  /** The parts read now (not in `cached`). */
  fresh: RunPart[];
  leftOut: LeftOut[];
}

/** A file's part's key: its path and the name shown, size and modification time (its labels' file's too), and the request. */
async function partKey(e: ShardEntry, request: AnalysisRequest): Promise<string> {
  const stamp = async (path: string) => {
    const s = await stat(path);
    return `${path}\n${s.size}\n${s.mtimeMs}`;
  };
  return [e.name, await stamp(e.path), e.labels === undefined ? '' : await stamp(e.labels.path), JSON.stringify(request)].join('\n');
}

/**
 * Reads a run keeping it file by file (core/run/parts.ts): files whose part is in `cached` (same
 * file, size, modification time and request, matched to the same first file) are not read again.
 * `leaveOut`: a file other than the first that cannot be read, or does not match the first, is left
 * out and said (a live run's new file), rather than failing the run.
 */
export async function readRunParts(entries: readonly ShardEntry[], request: AnalysisRequest, opts: ReadRunOptions & { cached: readonly RunPart[]; leaveOut: boolean }): Promise<RunPartsRead> {
  checkRunFiles(entries.map((e) => e.name));
  const ask = opts.match ?? 'auto';
  const keys = await Promise.all(entries.map((e) => partKey(e, request)));
  const cached = new Map(opts.cached.map((p) => [p.key, p]));
  const parts = new Array<RunPart | undefined>(entries.length);
  const first = cached.get(keys[0]!);
  if (first?.first !== undefined) {
    parts[0] = first;
    for (let f = 1; f < entries.length; f++) {
      const p = cached.get(keys[f]!);
      if (p !== undefined && p.firstKey === first.key && p.first === undefined) parts[f] = p;
    }
  }
  const toRead = entries.map((_, f) => f).filter((f) => parts[f] === undefined);
  const fresh: RunPart[] = [];
  const leftOut: { f: number; err: Error }[] = [];
  const waiting = new Map<number, RunFileRead>();
  let index: Map<string, number> | undefined;
  const fail = (f: number, err: Error) => {
    if (f === 0 || !opts.leaveOut) throw err;
    leftOut.push({ f, err });
  };
  const add = (f: number, read: RunFileRead) => {
    if (f === 0) {
      parts[0] = firstPart(read, keys[0]!, ask);
      fresh.push(parts[0]);
      return;
    }
    const head = parts[0]!;
    if (index === undefined && head.first?.ids !== undefined) index = idIndex({ name: head.name, rows: head.first.rows, line: head.line, ids: head.first.ids });
    try {
      parts[f] = otherPart(head, read, keys[f]!, ask, index);
      fresh.push(parts[f]);
    } catch (err) {
      if (!(err instanceof RunLayoutError || err instanceof RunMatchError)) throw err;
      fail(f, err);
    }
  };
  let done = 0;
  await readFiles(toRead.map((f) => entries[f]!), request, ask === 'auto', opts, (j, read) => {
    const f = toRead[j]!;
    if (f !== 0 && parts[0] === undefined) waiting.set(f, read);
    else {
      add(f, read);
      for (const [g, r] of waiting) add(g, r);
      waiting.clear();
    }
    opts.onProgress?.(++done, toRead.length);
  }, opts.leaveOut ? (j, err) => fail(toRead[j]!, err) : undefined);
  const kept = parts.filter((p, f): p is RunPart => p !== undefined && !leftOut.some((l) => l.f === f));
  // Left with one file, the run is its first and the file left out: say why that one is not in it.
  if (kept.length < 2 && leftOut.length > 0) throw leftOut[0]!.err;
  const run = assembleParts(kept, ask, opts.top);
  return {
    run,
    keys: kept.map((p) => p.key),
    fresh: fresh.filter((p) => kept.includes(p)),
    leftOut: leftOut.sort((a, b) => a.f - b.f).map(({ f, err }) => ({ name: entries[f]!.name, path: entries[f]!.path, failure: failureOf(err, new AbortController().signal) })),
  };
}
