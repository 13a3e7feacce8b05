/**
 * A run put together from its files' reads, on any runtime: one file read whole (its layout, its
 * report, its samples for the trajectory store), and the assembler that takes the reads in any
 * order but the first file's first, checks that each file has the first's layout and matches its
 * samples, and makes the report. The desktop reads the files on worker threads (node/run.ts); the
 * browser build's Web Worker reads them one after the other (web/job.ts).
 */
import { analyze, inferFileLayout, type Analysis, type AnalysisRequest } from '../analyze';
import type { ByteSource, Layout } from '../parse';
import { layoutDifference } from '../shards';
import { chooseMatching, RunMatchError, type Matching } from './match';
import { fileSamplesCollector, type FileSamples } from './samples';
import { trajectoryBuilder, type TrajectoryStore } from './store';
import { runFile, runReport, type RunDetail, type RunFile } from './index';

/** The files of a run disagree on what the loss is made of, or are too few. */
export class RunLayoutError extends Error {
  override name = 'RunLayoutError';
}

export interface RunRead extends RunDetail {
  store: TrajectoryStore;
  layout: Layout;
}

export interface RunFileRead {
  layout: Layout;
  analysis: Analysis;
  /** Ids kept when asked and the file's layout has an id column (the assembler decides whether they match the samples). */
  samples: FileSamples;
}

/** A run is two files or more: fewer are refused, saying what was given. */
export function checkRunFiles(names: readonly string[]): void {
  if (names.length < 2) throw new RunLayoutError(`a run is two files or more over the same samples; ${names.length === 0 ? 'none was given' : `only ${names[0]} was`}`);
}

/** `ids`: keep the id column's values (when the layout has one), which the samples are matched by. */
export async function readRunSource(name: string, source: ByteSource, request: AnalysisRequest, ids: boolean, signal?: AbortSignal, labels?: ByteSource): Promise<RunFileRead> {
  const layout = await inferFileLayout(source, request, signal, labels);
  const idColumn = ids ? layout.idColumn : undefined;
  const collector = fileSamplesCollector(name, idColumn);
  // Ids are read from each row's fields, which only the row-by-row path has: without them, batches.
  const per = idColumn === undefined ? { evals: { batch: collector.onEvalBatch, row: collector.onEval } } : { onEval: collector.onEval };
  const analysis = await analyze(source, request, { layout, labels, signal, ...per });
  return { layout, analysis, samples: collector.result(analysis.rows) };
}

/** Takes the files as they are read, in any order but the first file's first; the rest wait for it. */
export function runAssembler(names: readonly string[], ask: 'auto' | 'order') {
  const files = new Array<RunFile>(names.length);
  const idColumns = new Array<string | undefined>(names.length);
  const waiting = new Map<number, RunFileRead>();
  let first: { layout: Layout; matching: Matching; builder: ReturnType<typeof trajectoryBuilder> } | undefined;
  const add = (f: number, read: RunFileRead) => {
    const { layout, analysis, samples } = read;
    const name = names[f]!;
    if (first === undefined) {
      if (layout.kind === 'multilabel') throw new RunLayoutError(`${name}: a run follows each sample's true class across files; multi-label files have none`);
      const matching = chooseMatching([layout.idColumn], ask);
      first = { layout, matching, builder: trajectoryBuilder(names.length, matching, layout.classNames) };
    } else {
      const difference = layoutDifference(first.layout, layout);
      if (difference !== undefined) throw new RunLayoutError(`${name}: its layout differs from that of ${names[0]!} (${difference}): the files of a run must share one layout`);
      if (first.matching.by === 'id' && layout.idColumn !== first.matching.column) {
        throw new RunMatchError(`${name}: no id column "${first.matching.column}" (${names[0]!} has one, so the samples are matched by it): give every file of the run its id column, or none`);
      }
    }
    if (first.matching.by === 'order') delete samples.ids;
    first.builder.add(samples, f);
    files[f] = runFile(analysis);
    idColumns[f] = layout.idColumn;
  };
  return {
    take(f: number, read: RunFileRead): void {
      if (f !== 0 && first === undefined) {
        waiting.set(f, read);
        return;
      }
      add(f, read);
      for (const [g, r] of waiting) add(g, r);
      waiting.clear();
    },
    finish(top: number): RunRead {
      const run = first!;
      const store = run.builder.finish();
      return { ...runReport(files, store, run.matching, idColumns, run.layout.classNames, top), store, layout: run.layout };
    },
  };
}

/** What the editor's run view needs of a run besides its report (Open Run..., src/extension/run). */
export interface RunJobResult {
  report: RunRead['report'];
  /** The files' shared layout: a sample's derivation is read with it. */
  layout: Layout;
  /** Per sample (the first file's rows): the map's coordinates and its region (REGIONS). */
  confidence: Float32Array;
  variability: Float32Array;
  region: Uint8Array;
  /** The sample's line in each file: file f's at f * samples + i (0: no row there). */
  lines: Uint32Array;
}

export function runJobResult(run: RunRead): RunJobResult {
  return {
    report: run.report,
    layout: run.layout,
    confidence: Float32Array.from(run.carto.confidence),
    variability: Float32Array.from(run.carto.variability),
    region: run.regions.region,
    lines: run.store.line,
  };
}
