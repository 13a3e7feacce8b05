/**
 * The editor's run job (Open Run..., src/extension/run): the files of a run read in the file
 * worker as `loss-lens run` reads them (readRun: this thread and dist/worker.js threads), and what
 * the run view needs besides the report: each sample's place on the cartography map and its line
 * in every file (a click opens it there). Named in the report by the workspace-relative names
 * the host gives.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AnalysisRequest } from '../core/analyze';
import { runJobResult, type RunJobResult } from '../core/run/assemble';
import { naturalCompare } from '../core/shards';
import { EMPTY_FOLDER, folderFiles, pairedEntries, type ShardEntry } from './analyze-shards';
import type { RunPart } from '../core/run/parts';
import { readRun, readRunParts, RunLayoutError, type LeftOut, type ReadRunOptions } from './run';
import { readEpochRun } from './run-epochs';
import { saying } from '../shared/run-subfolders';
import { subfolderFiles } from './run-subfolders';

/** A file of the run, or a folder whose files are the run's (not recursing). */
export interface RunSource {
  path: string;
  name: string;
  /** A .npy file's labels' file (the browser build's host pairs them; the desktop's worker finds them). */
  labels?: { path: string; name: string };
}

export type { RunJobResult };

/** The run's files in run order (natural order of names), named by the host's names for them. */
export async function runEntries(sources: readonly RunSource[]): Promise<ShardEntry[]> {
  return (await runFiles(sources)).entries;
}

/** runEntries, and for a folder read as a file per subfolder (run-subfolders.ts) the sentence saying so. */
async function runFiles(sources: readonly RunSource[]): Promise<{ entries: ShardEntry[]; said: string[] }> {
  const named = new Map<string, string>();
  const paths: string[] = [];
  const said: string[] = [];
  for (const s of sources) {
    const folder = (await stat(s.path)).isDirectory();
    const sub = folder ? await subfolderFiles(s.path, s.name) : undefined;
    if (sub !== undefined) {
      for (const f of sub.files) named.set(f.path, f.name);
      paths.push(...sub.files.map((f) => f.path));
      said.push(sub.text);
    } else if (folder) {
      const files = await folderFiles(s.path);
      if (files.length === 0) throw new RunLayoutError(`${s.name}: ${EMPTY_FOLDER}`);
      for (const f of files) named.set(f, `${s.name}/${basename(f)}`);
      paths.push(...files);
    } else {
      named.set(s.path, s.name);
      paths.push(s.path);
    }
  }
  const nameOf = (p: string) => named.get(p) ?? p;
  const entries = (await pairedEntries(paths)).map((e) => ({
    ...e,
    name: nameOf(e.path),
    ...(e.labels === undefined ? {} : { labels: { path: e.labels.path, name: nameOf(e.labels.path) } }),
  }));
  // pairedEntries sorted by path; the run's order is by the names shown, which the user reads.
  return { entries: entries.sort((a, b) => naturalCompare(a.name, b.name)), said };
}


/**
 * A live run read file by file (core/run/parts.ts): the parts the host kept from the last read,
 * and whether a file other than the first that cannot be read is left out (said) rather than
 * failing the run.
 */
export interface RunIncremental {
  cached: RunPart[];
  leaveOut: boolean;
}

export interface RunJobOutcome {
  run: RunJobResult;
  /** With RunIncremental: the keys of the run's parts in run order, and those read now (the host keeps them). */
  parts?: { keys: string[]; fresh: RunPart[] };
  /** With leaveOut: the files left out, and why. */
  leftOut?: LeftOut[];
}

/** `readers`: readRun's threads and worker script (tests; the file worker takes the defaults). */
export async function runJob(sources: readonly RunSource[], request: AnalysisRequest, top: number, signal: AbortSignal, progress: (fraction: number) => void, readers: Pick<ReadRunOptions, 'threads' | 'workerScript'> = {}): Promise<RunJobResult> {
  return (await runJobOutcome(sources, request, top, signal, progress, readers)).run;
}

/** runJob, and with `incremental` the run read file by file (readRunParts): its parts and the files left out. */
export async function runJobOutcome(sources: readonly RunSource[], request: AnalysisRequest, top: number, signal: AbortSignal, progress: (fraction: number) => void, readers: Pick<ReadRunOptions, 'threads' | 'workerScript'> = {}, incremental?: RunIncremental): Promise<RunJobOutcome> {
  const { entries, said } = await runFiles(sources);
  // One file may hold the whole run, its epochs told apart by a column (node/run-epochs.ts), as `loss-lens run FILE` reads it.
  const epochs = entries.length === 1 && entries[0]!.labels === undefined ? await readEpochRun(entries[0]!, request, { top, signal }) : undefined;
  if (epochs !== undefined) return { run: runJobResult(saying(epochs, said)) };
  const onProgress = (done: number, total: number) => progress(done / total);
  if (incremental === undefined) return { run: runJobResult(saying(await readRun(entries, request, { ...readers, top, signal, onProgress }), said)) };
  const r = await readRunParts(entries, request, { ...readers, top, signal, onProgress, cached: incremental.cached, leaveOut: incremental.leaveOut });
  return { run: runJobResult(saying(r.run, said)), parts: { keys: r.keys, fresh: r.fresh }, leftOut: r.leftOut };
}
