/**
 * A run held in one file on disk (core/run/epochs.ts reads it): `loss-lens run FILE` and Open
 * Run... on one file whose column numbers the epochs.
 */
import type { AnalysisRequest } from '../core/analyze';
import { readEpochSource, type EpochRunRead } from '../core/run/epochs';
import { withFileSource } from './file-source';
import type { ShardEntry } from './shard-source';

export { EPOCH_NAMES, epochColumn, type EpochRunRead } from '../core/run/epochs';

/**
 * Reads a one-file run, or undefined when the file has no epoch column (the caller then says a
 * run is two files or more). Throws RunMatchError naming the line of a row without an epoch, or
 * when the file holds one epoch only.
 */
export async function readEpochRun(entry: ShardEntry, request: AnalysisRequest, opts: { signal?: AbortSignal; top: number; match?: 'auto' | 'order' }): Promise<EpochRunRead | undefined> {
  return withFileSource(entry.path, entry.name, (source) => readEpochSource(entry.name, source, request, opts));
}
