/**
 * The extension's worker thread: every read of a prediction file (layout, analysis, comparison,
 * per-sample export) runs here, never on the extension host's thread. Large plain files are split
 * further over dist/worker.js by analyzeFile. Bundled to dist/file-worker.js.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { AnalysisError, OptionsError, type Analysis, type AnalysisRequest } from '../core/analyze';
import { readLayout, type Layout, type LayoutOverrides } from '../core/parse';
import { analyzeFile, labelsBeside, type AnalyzeFileOptions } from './analyze-file';
import { layoutBeside, type ReadBeside } from './beside';
import { labelsEvidence } from '../core/columnar/pairing';
import { analyzeShards, EMPTY_FOLDER, folderFiles, pairedEntries, type ShardEntry } from './analyze-shards';
import type { DiagnosticKey, Diagnostics } from '../core/diagnostics';
import { diagnoseFiles, fileEntry } from './diagnose';
import { withFileSource } from './file-source';
import { PER_SAMPLE_HEADER, perSampleLine, topChanged, type ChangedSample } from './per-sample';
import { CompareError, poissonBootstrap, type BootstrapResult, type CompareOutcome, type Groups, type SampleColumns } from '../core/compare';
import { collectFile, compareInThreads, readBoth } from './compare-files';
import { sampleOnLine, type SampleHit } from '../core/sample-on-line';
import { previewBinary, type BinaryPreview } from '../core/columnar/preview';
import { estimateFile, type SampleEstimate } from './sample-file';
import { runJobOutcome, type RunIncremental, type RunJobOutcome, type RunSource } from './run-job';
import { failureOf, type FailureData } from '../shared/failure';

export interface FileJob {
  path: string;
  /** Shown in problems: a workspace-relative path. */
  name: string;
  request: AnalysisRequest;
  /**
   * The labels' file of an .npy pair, set by a host that finds pairs itself (the web build; the
   * desktop's analyzeFile looks beside the file on its own). `found`: by name, not chosen.
   */
  labels?: { path: string; name: string; found: boolean };
  /**
   * `path` is a folder read as one data set: its files in order (a .npy pair's with its labels'
   * file), listed by a host whose worker cannot list folders (the web build). The desktop's
   * worker lists the folder itself.
   */
  shards?: { path: string; name: string; labels?: { path: string; name: string } }[];
  /** A layout the host decided (the file read with the files beside it: the browser build's AnalysisService): not inferred. */
  layout?: Layout;
}

export type WorkerJob =
  | { op: 'analyze'; file: FileJob }
  /** Diagnostics after the analysis (`analysis`, the first pass's over the same file or folder). */
  | { op: 'diagnose'; file: FileJob; analysis: Analysis; keys: DiagnosticKey[] }
  /** A quick estimate from evenly spaced byte ranges (large files, while the full pass runs). */
  | { op: 'estimate'; file: FileJob }
  | { op: 'layout'; path: string; name: string; overrides: LayoutOverrides }
  /** `match`: as CompareOptions.match ('id': by each file's id column, its request's idColumn). */
  | { op: 'compare'; base: FileJob; other: FileJob; topN: number; match?: 'auto' | 'order' | 'id' }
  /** One side of a comparison read on its own thread (compare-files.ts): its analysis and samples. */
  | { op: 'collect'; file: FileJob }
  /** A share of a comparison's bootstrap: the resamples of the blocks [from, to). */
  | { op: 'bootstrap'; groups: Groups; resamples: number; seed: number; blocks: { from: number; to: number } }
  | { op: 'perSampleCsv'; file: FileJob; out: string }
  /** The sample starting on a 1-based line, read with the layout its analysis found. */
  | { op: 'sample'; path: string; name: string; layout: Layout; line: number; row?: number; labels?: FileJob['labels'] }
  /** A binary file's arrays or columns and first rows (the read-only preview). */
  | { op: 'preview'; path: string; name: string; labels?: FileJob['labels'] }
  /** The layout of a file that alone cannot settle it, from the first rows of the files beside it of its name (the editor's index). */
  | { op: 'layoutBeside'; path: string; name: string; request: AnalysisRequest; shards?: FileJob['shards'] }
  /** A run (Open Run...): files, or folders of files, over the same samples, one per epoch; `top` samples a list. */
  | { op: 'run'; sources: RunSource[]; request: AnalysisRequest; top: number; incremental?: RunIncremental };

export type JobResult =
  | { op: 'analyze'; analysis: Analysis }
  | { op: 'diagnose'; diagnostics: Diagnostics }
  /** null: the file cannot be sampled (gzip, a JSON document, quoted newlines, small). */
  | { op: 'estimate'; estimate: SampleEstimate | null }
  | { op: 'layout'; layout: Layout }
  /** `changed` is empty when the files were refused (`outcome.refused`): their rows do not pair. */
  | { op: 'compare'; base: Analysis; other: Analysis; changed: ChangedSample[]; outcome: CompareOutcome }
  | { op: 'collect'; analysis: Analysis; columns: SampleColumns }
  | { op: 'bootstrap'; boot: BootstrapResult }
  | { op: 'perSampleCsv'; analysis: Analysis; rows: number }
  | { op: 'sample'; hit: SampleHit | null }
  /** null: not a binary file Loss Lens knows. */
  | { op: 'preview'; preview: BinaryPreview | null }
  /** null: no file beside it settles it (or there is none, or the host cannot list them). */
  | { op: 'layoutBeside'; beside: ReadBeside | null }
  | ({ op: 'run' } & RunJobOutcome);

export type { FailureData };

export type FileWorkerMessage =
  | { type: 'progress'; fraction: number | null }
  | { type: 'done'; result: JobResult }
  | { type: 'failed'; failure: FailureData };

async function run(job: WorkerJob, signal: AbortSignal, progress: (f: number | null) => void): Promise<JobResult> {
  // Fraction of the whole job: a comparison reads two files, each half the bar.
  const onProgress = (offset: number, share: number) => (done: number, total: number | undefined) =>
    progress(total ? offset + (share * Math.min(done, total)) / total : null);
  switch (job.op) {
    case 'analyze': {
      const opts = { signal, name: job.file.name, onProgress: onProgress(0, 1) };
      const folder = (await stat(job.file.path)).isDirectory();
      const analysis = folder ? await analyzeFolder(job.file, opts) : await readFile(job.file, opts);
      return { op: 'analyze', analysis };
    }
    case 'diagnose': {
      const f = job.file;
      const folder = (await stat(f.path)).isDirectory();
      const entries = folder ? await folderEntries(f) : [await fileEntry(f.path, f.name, f.labels && { path: f.labels.path, name: f.labels.name })];
      return { op: 'diagnose', diagnostics: await diagnoseFiles(job.analysis, f.request, entries, job.keys, { signal }) };
    }
    case 'estimate': {
      // A folder is read whole: its files are small pieces of the work already.
      if ((await stat(job.file.path)).isDirectory()) return { op: 'estimate', estimate: null };
      const estimate = await estimateFile(job.file.path, job.file.request, { signal, name: job.file.name });
      return { op: 'estimate', estimate: estimate ?? null };
    }
    case 'layout': {
      const head = await withFileSource(job.path, job.name, (source) => readLayout(source, { overrides: job.overrides, skipInvalid: true, signal }));
      if (!head.ok) throw new AnalysisError(job.name, head.problems, Math.max(head.errorCount, 1), false, head.layout.columns);
      return { op: 'layout', layout: head.layout };
    }
    case 'compare': {
      // Both reads at once, 90% of the bar (compare-files.ts); the resampling the last 10%.
      const threads = { signal, onReadProgress: (f: number | null) => progress(f === null ? null : 0.9 * f) };
      const [sa, sb] = await readBoth(job.base, job.other, threads, (file, onRead) => collect(file, { signal, onProgress: onRead }));
      let outcome: CompareOutcome;
      let aligned: SampleColumns | undefined;
      try {
        const r = await compareInThreads(sa, sb, {
          ...threads,
          ...(job.match === undefined ? {} : { match: job.match }),
          unit: sa.analysis.options.base === '2' ? 'bits' : 'nats',
          onProgress: (f) => {
            signal.throwIfAborted();
            progress(0.9 + 0.1 * f);
          },
        });
        outcome = { stats: r.stats };
        aligned = r.other;
      } catch (err) {
        if (!(err instanceof CompareError)) throw err;
        outcome = { refused: err.message };
      }
      const changed = aligned === undefined ? [] : topChanged(sa.columns, aligned, job.topN);
      return { op: 'compare', base: sa.analysis, other: sb.analysis, changed, outcome };
    }
    case 'collect': {
      const { analysis, columns } = await collect(job.file, { signal, onProgress: onProgress(0, 1) });
      return { op: 'collect', analysis, columns };
    }
    case 'bootstrap':
      return { op: 'bootstrap', boot: poissonBootstrap(job.groups, { resamples: job.resamples, seed: job.seed, blocks: job.blocks, onProgress: () => signal.throwIfAborted() }) };
    case 'sample': {
      // A row of an .npy pair takes its label from the other half: the one chosen, or found as analyzeFile found it.
      const pair = job.labels === undefined ? await labelsBeside(job.path) : undefined;
      const labels = job.labels ?? (pair !== undefined && pair.predictions === job.path ? { path: pair.labels, name: pair.labels } : undefined);
      const hit = await withFileSource(job.path, job.name, (source) =>
        labels === undefined
          ? sampleOnLine(source, job.layout, job.line, signal, job.row)
          : withFileSource(labels.path, labels.name, (l) => sampleOnLine(source, job.layout, job.line, signal, job.row, l)),
      );
      return { op: 'sample', hit: hit ?? null };
    }
    case 'preview': {
      const pair = job.labels === undefined ? await labelsBeside(job.path) : undefined;
      const labels = job.labels ?? (pair !== undefined && pair.predictions === job.path ? { path: pair.labels, name: pair.labels } : undefined);
      const preview = await withFileSource(job.path, job.name, (source) =>
        labels === undefined ? previewBinary(source) : withFileSource(labels.path, labels.name, (l) => previewBinary(source, l)),
      );
      return { op: 'preview', preview: preview ?? null };
    }
    case 'layoutBeside':
      return { op: 'layoutBeside', beside: (await layoutBeside(job.path, job.name, job.request, signal)) ?? null };
    case 'run':
      return { op: 'run', ...(await runJobOutcome(job.sources, job.request, job.top, signal, progress, {}, job.incremental)) };
    case 'perSampleCsv': {
      const fd = openSync(job.out, 'w');
      let buffer = PER_SAMPLE_HEADER;
      let rows = 0;
      try {
        const analysis = await readFile(job.file, {
          signal,
          onProgress: onProgress(0, 1),
          onEval: (e, row, line) => {
            if (e.ignored) return;
            rows++;
            buffer += perSampleLine(e, row, line);
            if (buffer.length > 1 << 20) {
              writeSync(fd, buffer);
              buffer = '';
            }
          },
        });
        writeSync(fd, buffer);
        return { op: 'perSampleCsv', analysis, rows };
      } finally {
        closeSync(fd);
      }
    }
  }
}

/** One file keeping its samples (a side of a comparison), with its labels' evidence as readFile gives it. */
async function collect(file: FileJob, opts: { signal: AbortSignal; onProgress: (done: number, total: number | undefined) => void }): Promise<{ analysis: Analysis; columns: SampleColumns }> {
  const r = await collectFile(file, opts);
  if (file.labels !== undefined) r.analysis.layout.evidence.splice(1, 0, labelsEvidence(file.labels, file.name));
  return r;
}

/**
 * One file, with the labels' file the host chose for it (said in the evidence), if any. A file
 * whose first rows cannot settle its layout alone (a rank of a distributed evaluation opened by
 * itself) is read with the layout the files beside it of its name give, said as a warning.
 */
async function readFile(file: FileJob, opts: Omit<AnalyzeFileOptions, 'name' | 'labels' | 'layout'>): Promise<Analysis> {
  const labels = file.labels;
  const read = (layout?: Layout) =>
    analyzeFile(file.path, file.request, { ...opts, name: file.name, ...(labels === undefined ? {} : { labels: { path: labels.path, name: labels.name } }), ...(layout === undefined ? {} : { layout }) });
  let analysis: Analysis;
  try {
    analysis = await read(file.layout);
  } catch (err) {
    if (!(err instanceof AnalysisError) || err.badRows || labels !== undefined || file.layout !== undefined) throw err;
    const beside = await layoutBeside(file.path, file.name, file.request, opts.signal);
    if (beside === undefined) throw err;
    analysis = await read(beside.layout);
    analysis.warnings.unshift({ line: 0, severity: 'warning', message: beside.settled });
    analysis.warningCount++;
  }
  if (labels !== undefined) analysis.layout.evidence.splice(1, 0, labelsEvidence(labels, file.name));
  return analysis;
}

/**
 * A folder's files read as one data set, as `loss-lens FOLDER` reads them (analyzeShards), named
 * in the report by the folder's name and their own (`preds/rank3.jsonl`): the dashboard finds a
 * worst sample's file by that name.
 */
async function analyzeFolder(file: FileJob, opts: { signal: AbortSignal; onProgress: (done: number, total: number | undefined) => void }): Promise<Analysis> {
  return (await analyzeShards(await folderEntries(file), file.request, opts)).analysis;
}

/** A folder's files as the entries of one data set, in order, named by the folder's name and their own. */
async function folderEntries(file: FileJob): Promise<ShardEntry[]> {
  const named = (path: string) => `${file.name}/${basename(path)}`;
  const paths = await folderFiles(file.path);
  if (paths.length === 0) throw new OptionsError(`${file.name}: ${EMPTY_FOLDER}`);
  return (await pairedEntries(paths)).map((e) => ({
    ...e,
    name: named(e.path),
    ...(e.labels === undefined ? {} : { labels: { path: e.labels.path, name: named(e.labels.path) } }),
  }));
}

/** A comparison side's arrays are moved to the host, not copied: some 40 bytes a row, freed here anyway. */
function transferOf(result: JobResult): ArrayBuffer[] {
  if (result.op !== 'collect') return [];
  const c = result.columns;
  const arrays = [c.loss, c.weight, c.trueClass, c.predicted, c.line, c.state, ...(c.sampleWeight === undefined ? [] : [c.sampleWeight]), ...(c.ids === undefined ? [] : [c.ids.end, c.ids.present])];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}

async function main(job: WorkerJob): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const controller = new AbortController();
  port.on('message', (m: unknown) => {
    if (m === 'cancel') controller.abort();
  });
  // At most ~10 progress messages a second: the host has better things to do than read them.
  let last = 0;
  const progress = (fraction: number | null) => {
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    port.postMessage({ type: 'progress', fraction } satisfies FileWorkerMessage);
  };
  try {
    const result = await run(job, controller.signal, progress);
    port.postMessage({ type: 'done', result } satisfies FileWorkerMessage, transferOf(result));
  } catch (err) {
    port.postMessage({ type: 'failed', failure: failureOf(err, controller.signal) } satisfies FileWorkerMessage);
  }
}

void main(workerData as WorkerJob);
