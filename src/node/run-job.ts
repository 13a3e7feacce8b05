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
import type { Layout } from '../core/parse';
import type { RunReport } from '../core/run';
import { naturalCompare } from '../core/shards';
import { EMPTY_FOLDER, folderFiles, pairedEntries, type ShardEntry } from './analyze-shards';
import { readRun, RunLayoutError, type ReadRunOptions } from './run';

/** A file of the run, or a folder whose files are the run's (not recursing). */
export interface RunSource {
  path: string;
  name: string;
}

export interface RunJobResult {
  report: RunReport;
  /** The files' shared layout: a sample's derivation is read with it. */
  layout: Layout;
  /** Per sample (the first file's rows): the map's coordinates and its region (REGIONS). */
  confidence: Float32Array;
  variability: Float32Array;
  region: Uint8Array;
  /** The sample's line in each file: file f's at f * samples + i (0: no row there). */
  lines: Uint32Array;
}

/** The run's files in run order (natural order of names), named by the host's names for them. */
export async function runEntries(sources: readonly RunSource[]): Promise<ShardEntry[]> {
  const named = new Map<string, string>();
  const paths: string[] = [];
  for (const s of sources) {
    if ((await stat(s.path)).isDirectory()) {
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
  return entries.sort((a, b) => naturalCompare(a.name, b.name));
}

/** `readers`: readRun's threads and worker script (tests; the file worker takes the defaults). */
export async function runJob(sources: readonly RunSource[], request: AnalysisRequest, top: number, signal: AbortSignal, progress: (fraction: number) => void, readers: Pick<ReadRunOptions, 'threads' | 'workerScript'> = {}): Promise<RunJobResult> {
  const entries = await runEntries(sources);
  const run = await readRun(entries, request, { ...readers, top, signal, onProgress: (done, total) => progress(done / total) });
  const N = run.store.samples;
  return {
    report: run.report,
    layout: run.layout,
    confidence: Float32Array.from(run.carto.confidence),
    variability: Float32Array.from(run.carto.variability),
    region: run.regions.region,
    lines: run.store.line.slice(0, N * run.store.files),
  };
}
