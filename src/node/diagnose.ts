/**
 * Diagnostics (core/diagnostics) over files on disk, after their first pass: the files opened
 * again on this thread, as the first pass opened them (a .npy pair with its labels, every shard).
 */
import { basename, dirname, join } from 'node:path';
import type { Analysis, AnalysisRequest } from '../core/analyze';
import { dataRowReader, runDiagnostics, type DiagnosticKey, type Diagnostics } from '../core/diagnostics';
import type { Layout } from '../core/parse';
import { inferByOpening, inferShardLayouts } from '../core/shards';
import { labelsBeside } from './analyze-file';
import { shardOpener, type ShardEntry } from './shard-source';

/** The entry analyzeFile read for `path`: with the labels given, or the pair's found beside it. */
export async function fileEntry(path: string, name: string, labels?: ShardEntry['labels']): Promise<ShardEntry> {
  if (labels !== undefined) return { path, name, labels };
  const pair = await labelsBeside(path);
  if (pair === undefined) return { path, name };
  const nameOf = (p: string) => (p === path ? name : join(dirname(name), basename(p)));
  return { path: pair.predictions, name: nameOf(pair.predictions), labels: { path: pair.labels, name: nameOf(pair.labels) } };
}

export interface DiagnoseOptions {
  signal?: AbortSignal;
  progress?: (message: string) => void;
}

/** Runs the diagnostics `keys` over the files `analysis` was made of: one entry, or a data set's in its order. */
export async function diagnoseFiles(analysis: Analysis, request: AnalysisRequest, entries: readonly ShardEntry[], keys: readonly DiagnosticKey[], opts: DiagnoseOptions = {}): Promise<Diagnostics> {
  const { open } = shardOpener(entries);
  // A data set's files each have their own layout (a binary file's row count), inferred as the first pass did; one file's is the analysis's.
  const layouts: Layout[] = entries.length === 1 && analysis.files === undefined
    ? [analysis.layout]
    : (await inferShardLayouts(entries.map((e) => e.name), inferByOpening(open, request, opts.signal), open, request, opts.signal)).map((x) => x.layout);
  const reader = dataRowReader(analysis, request, layouts, open, opts.signal);
  return runDiagnostics(analysis, request, reader, keys, opts.signal, opts.progress);
}
