/**
 * The run view's data as the host assembles it from the worker's run job, free of `vscode`: the
 * view's message, a sample's line in a file, and what a sample's derivation is read with.
 */
import { lossOptionsFor, type AnalysisRequest } from '../../core/analyze';
import type { RunFile } from '../../core/run';
import { sharedFolder } from '../../core/shards';
import type { RunJobResult } from '../../node/run-job';
import type { RunViewData } from '../../shared/run-protocol';
import type { DerivationSource } from '../dashboard/model';

/** Samples in each of the view's lists (rose, forgotten), drawn 50 at a time. */
export const RUN_LIST_SIZE = 200;

export function runViewData(run: RunJobResult, request: AnalysisRequest, label: string, uris: string[], elapsedMs: number): RunViewData {
  const names = run.report.files.map((f) => f.name);
  const dir = sharedFolder(names);
  return {
    label,
    uris,
    report: run.report,
    shortNames: names.map((n) => n.slice(dir.length)),
    // Every file of a run is read under one request: its base is the unit of every mean.
    unit: lossOptionsFor(run.layout, request).base === '2' ? 'bits' : 'nats',
    confidence: run.confidence,
    variability: run.variability,
    region: run.region,
    elapsedMs,
  };
}

/** The 1-based line of sample `sample` in file `file` (run order); undefined when it has no row there. */
export function sampleLine(run: Pick<RunJobResult, 'lines' | 'report'>, sample: number, file: number): number | undefined {
  const N = run.report.samples;
  if (!(sample >= 0 && sample < N && file >= 0 && file < run.report.files.length)) return undefined;
  const line = run.lines[file * N + sample]!;
  return line > 0 ? line : undefined;
}

/** What a derivation of a sample of `file` is read with: the run's layout, the request's options, the file's mean and N. */
export function derivationSource(run: Pick<RunJobResult, 'layout'>, request: AnalysisRequest, file: RunFile): DerivationSource {
  return { layout: run.layout, options: lossOptionsFor(run.layout, request), breakdown: { mean: file.mean, count: file.count } };
}
