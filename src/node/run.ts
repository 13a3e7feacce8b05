/**
 * Reads a run (several files over the same samples, one per epoch or checkpoint) on disk: each
 * file with its own layout (which must agree with the first's) and its own report, its samples
 * matched to the first file's and added to the trajectory store, then dropped (core/run).
 * The files are the ones shard-args.ts lists for the CLI's arguments, in natural order.
 */
import { analyze, inferFileLayout, type AnalysisRequest } from '../core/analyze';
import { chooseMatching, fileSamplesCollector, runFile, runReport, RunMatchError, trajectoryBuilder, type Matching, type RunDetail, type RunFile, type TrajectoryStore } from '../core/run';
import { layoutDifference } from '../core/shards';
import type { Layout } from '../core/parse';
import { withFileSource } from './file-source';
import type { ShardEntry } from './shard-source';

export interface ReadRunOptions {
  signal?: AbortSignal;
  /** Files read so far, of all. */
  onProgress?: (filesRead: number, total: number) => void;
  /** Samples in each list (rose, forgotten). */
  top: number;
}

export interface RunRead extends RunDetail {
  store: TrajectoryStore;
  layout: Layout;
}

/** The files of a run disagree on what the loss is made of, or on the id column. */
export class RunLayoutError extends Error {
  override name = 'RunLayoutError';
}

export async function readRun(entries: readonly ShardEntry[], request: AnalysisRequest, opts: ReadRunOptions): Promise<RunRead> {
  if (entries.length < 2) throw new RunLayoutError(`a run is two files or more over the same samples; ${entries.length === 0 ? 'none was given' : `only ${entries[0]!.name} was`}`);
  const files: RunFile[] = [];
  const idColumns: (string | undefined)[] = [];
  let first: { name: string; layout: Layout; matching: Matching; builder: ReturnType<typeof trajectoryBuilder> } | undefined;
  for (const [f, e] of entries.entries()) {
    await withFileSource(e.path, e.name, async (source) => {
      const read = async (labels: typeof source | undefined) => {
        const layout = await inferFileLayout(source, request, opts.signal, labels);
        idColumns.push(layout.idColumn);
        if (first === undefined) {
          if (layout.kind === 'multilabel') throw new RunLayoutError(`${e.name}: a run follows each sample's true class across files; multi-label files have none`);
          const matching = chooseMatching([layout.idColumn]);
          first = { name: e.name, layout, matching, builder: trajectoryBuilder(entries.length, matching, layout.classNames) };
        } else {
          const difference = layoutDifference(first.layout, layout);
          if (difference !== undefined) throw new RunLayoutError(`${e.name}: its layout differs from that of ${first.name} (${difference}): the files of a run must share one layout`);
          if (first.matching.by === 'id' && layout.idColumn !== first.matching.column) {
            throw new RunMatchError(`${e.name}: no id column "${first.matching.column}" (${first.name} has one, so the samples are matched by it): give every file of the run its id column, or none`);
          }
        }
        const collector = fileSamplesCollector(e.name, first.matching.by === 'id' ? first.matching.column : undefined);
        const analysis = await analyze(source, request, { layout, labels, signal: opts.signal, onEval: collector.onEval });
        first.builder.add(collector.result(analysis.rows));
        files.push(runFile(analysis));
      };
      if (e.labels === undefined) await read(undefined);
      else await withFileSource(e.labels.path, e.labels.name, read);
    });
    opts.onProgress?.(f + 1, entries.length);
  }
  const run = first!;
  const store = run.builder.finish();
  return { ...runReport(files, store, run.matching, idColumns, run.layout.classNames, opts.top), store, layout: run.layout };
}
