/**
 * Every analysis the extension runs goes through here: in a worker thread (never on the
 * extension host), cached by file, modification time and options, with a cancellable progress
 * notification when a user is waiting for it.
 */
import * as vscode from 'vscode';
import { AnalysisError, OptionsError, type Analysis, type AnalysisRequest } from '../core/analyze';
import { formatProblems, type Layout, type LayoutOverrides } from '../core/parse';
import { describeChange, isFileChanged, type FileChangedError } from '../core/file-changed';
import { editorSpeaker } from '../shared/speak';
import { CancelledError } from '../shared/cancelled';
import type { WhatIf } from '../shared/protocol';
import { cacheKey, ResultCache } from './cache';
import type { Config } from './config';
import type { FileChoicesStore } from './file-choices';
import type { BinaryPreview } from '../core/columnar/preview';
import type { FileJob, FileStamp, JobRunner, ResultOf, WorkerJob } from './job-runner';
import { requestFor } from './request';
import { CAP_MS, readSettled } from './settle';
import type { SampleEstimate } from '../node/sample-file';
import type { RunIncremental } from '../node/run-job';
import type { DiagnosticKey, Diagnostics } from '../core/diagnostics';
import type { CompareMatching } from './dashboard/compare-match';

export interface RunOptions {
  /** Title of the progress notification; none = a silent background run (the status bar). */
  progressTitle?: string;
  /** Recompute even if the cache holds this file, mtime and request. */
  force?: boolean;
  signal?: AbortSignal;
  /** Fraction done (0..1, null = unknown), besides the notification (the dashboard's bar). */
  onProgress?: (fraction: number | null) => void;
  /**
   * The file changed while it was read (it is being written): it is read again once it has been
   * quiet for a second. Called when the wait begins; what it returns, when the wait ends.
   */
  onWaiting?: (change: FileChangedError) => (() => void) | void;
}

/** An analysis with when and how long it was computed: a cache hit says so, with the original time. */
export interface TimedAnalysis {
  analysis: Analysis;
  /** Milliseconds the computation took (the worker's job, not the lookup). */
  elapsedMs: number;
  /** When it finished (epoch ms). */
  computedAt: number;
  /** Served from the cache: computed before this caller asked (the file has not changed since). */
  fromCache: boolean;
}

type Computed = Omit<TimedAnalysis, 'fromCache'>;

export class AnalysisService {
  private readonly cache = new ResultCache<Computed>(16);
  private readonly diagnosed = new ResultCache<Diagnostics>(16);

  constructor(
    private readonly runner: JobRunner,
    readonly config: Config,
    readonly choices: FileChoicesStore,
    readonly output: vscode.OutputChannel,
  ) {}

  /** Size and modification time of the file as it is now (what the cache keys on). */
  stamp(uri: vscode.Uri): Promise<FileStamp> {
    return this.runner.stamp(uri);
  }

  /** A workspace-relative path, for titles and problem messages. */
  label(uri: vscode.Uri): string {
    return vscode.workspace.asRelativePath(uri, false);
  }

  request(uri: vscode.Uri, whatIf?: WhatIf): AnalysisRequest {
    return requestFor(this.config.all, this.choices.get(uri), whatIf);
  }

  /** The labels' file the user chose for a binary file (two files selected together), if any. */
  labelsOf(uri: vscode.Uri): vscode.Uri | undefined {
    const chosen = this.choices.get(uri).labelsFile;
    return chosen === undefined ? undefined : vscode.Uri.parse(chosen);
  }

  /** The chosen labels' file as a job names it: `{ labels }`, or nothing. */
  private labelsPart(uri: vscode.Uri): { labels?: NonNullable<FileJob['labels']> } {
    const labels = this.labelsOf(uri);
    return labels === undefined ? {} : { labels: { path: this.runner.pathOf(labels), name: this.label(labels), found: false } };
  }

  /** A job's file: its path, name and request, and the labels' file chosen for it. */
  private fileJob(uri: vscode.Uri, request: AnalysisRequest): FileJob {
    return { path: this.runner.pathOf(uri), name: this.label(uri), request, ...this.labelsPart(uri) };
  }

  /** The files a read of `uri` reads: it, and its chosen labels' file. */
  private filesOf(uri: vscode.Uri): vscode.Uri[] {
    const labels = this.labelsOf(uri);
    return labels === undefined ? [uri] : [uri, labels];
  }

  /**
   * A chosen labels' file that is gone (deleted, renamed) is forgotten, and the user told, rather
   * than every read of the scores failing with the file system's error.
   */
  private async forgetMissingLabels(uri: vscode.Uri): Promise<void> {
    const labels = this.labelsOf(uri);
    if (labels === undefined) return;
    try {
      await this.runner.stamp(labels);
    } catch {
      await this.choices.update(uri, { labelsFile: undefined });
      void vscode.window.showWarningMessage(
        `Loss Lens: ${this.label(labels)}, chosen as the labels of ${this.label(uri)}, is gone: ${this.label(uri)} is read without it (with labels found beside it by name, if any). To choose another, select both files in the explorer and run Open Dashboard.`,
      );
    }
  }

  /** The cache's key for the file (and its chosen labels' file) as they are now, under `request`. */
  private async keyOf(uri: vscode.Uri, request: AnalysisRequest): Promise<string> {
    await this.forgetMissingLabels(uri);
    const stamps = await Promise.all(this.filesOf(uri).map((u) => this.runner.stamp(u)));
    const paths = this.filesOf(uri).map((u) => this.runner.pathOf(u)).join('\u0000');
    return cacheKey({ path: paths, mtimeMs: Math.max(...stamps.map((s) => s.mtimeMs)), size: stamps.reduce((n, s) => n + s.size, 0) }, request);
  }

  private job<Op extends WorkerJob['op']>(job: Extract<WorkerJob, { op: Op }>, opts: RunOptions): Promise<ResultOf<Op>> {
    const run = (signal: AbortSignal | undefined, report: (f: number | null) => void) =>
      this.runner.run<Op>(job, {
        signal,
        onProgress: (f) => {
          report(f);
          opts.onProgress?.(f);
        },
      });
    if (!opts.progressTitle) return run(opts.signal, () => undefined);
    return withProgress(opts.progressTitle, opts.signal, run);
  }

  /**
   * `read()`, and when a file it reads (`uris`) changed meanwhile, once more after the file has
   * been quiet for a second (see settle.ts): the user sees that the file is being written
   * (opts.onWaiting; with a progress title, a cancellable notification), never rows a rewrite
   * tore or a mean over two versions. A change during the second read is the error.
   */
  private settled<T>(uris: vscode.Uri[], opts: RunOptions, read: () => Promise<T>): Promise<T> {
    return readSettled(read, {
      stamp: () => Promise.all(uris.map((u) => this.runner.stamp(u))),
      signal: opts.signal,
      onWaiting: (change) => {
        this.output.appendLine(`${change.file}: the file changed while it was read (${describeChange(change.before, change.after)}): reading it again once it has not changed for a second.`);
        return opts.onWaiting?.(change);
      },
      wait: opts.progressTitle
        ? (run, change) => withProgress(`Loss Lens: ${change.file} is being written; waiting until it stops changing`, opts.signal, (signal) => run(signal))
        : undefined,
      onSettled: (quiet) => {
        if (!quiet) this.output.appendLine(`Still changing after ${CAP_MS / 1000} s: reading it again anyway.`);
      },
    });
  }

  async analyze(uri: vscode.Uri, request: AnalysisRequest, opts: RunOptions = {}): Promise<Analysis> {
    return (await this.analyzeTimed(uri, request, opts)).analysis;
  }

  /** As analyze(), also saying how long the computation took and whether it came from the cache. */
  analyzeTimed(uri: vscode.Uri, request: AnalysisRequest, opts: RunOptions = {}): Promise<TimedAnalysis> {
    return this.settled(this.filesOf(uri), opts, () => this.analyzeOnce(uri, request, opts));
  }

  /** One read of the file as it is now, through the cache. */
  private async analyzeOnce(uri: vscode.Uri, request: AnalysisRequest, opts: RunOptions): Promise<TimedAnalysis> {
    const asked = Date.now();
    const key = await this.keyOf(uri, request);
    if (opts.force) {
      this.cache.deleteFile(this.runner.pathOf(uri));
      this.diagnosed.deleteFile(this.runner.pathOf(uri));
    }
    // The computation is shared by everyone asking for the same key (status bar, dashboard,
    // Compute Loss): one caller's signal only stops its own wait, never the others' result.
    // The notification's Cancel button (a user's explicit choice) does stop the worker.
    const shared = this.cache.getOrCompute(key, async () => {
      const started = Date.now();
      const r = await this.job({ op: 'analyze', file: this.fileJob(uri, request) }, { ...opts, signal: undefined }).catch((err: unknown) => this.readBeside(err, uri, request, opts));
      return { analysis: r.analysis, elapsedMs: Date.now() - started, computedAt: Date.now() };
    });
    const done = await (opts.signal ? untilAborted(shared, opts.signal) : shared);
    // Finished before this caller asked: a cache hit. Joining a computation already running is not.
    return { ...done, fromCache: done.computedAt < asked };
  }

  /**
   * The diagnostics `keys` (a fitted temperature, likely label errors) over the file or folder
   * whose first pass gave `analysis`, in the worker, cached as analyses are. A caller's signal
   * stops its own wait, not the computation others may share.
   */
  async diagnose(uri: vscode.Uri, request: AnalysisRequest, analysis: Analysis, keys: readonly DiagnosticKey[], signal?: AbortSignal): Promise<Diagnostics> {
    const key = `${await this.keyOf(uri, request)}\u0000${keys.join(',')}`;
    const shared = this.diagnosed.getOrCompute(key, async () => (await this.job({ op: 'diagnose', file: this.fileJob(uri, request), analysis, keys: [...keys] }, {})).diagnostics);
    return signal ? untilAborted(shared, signal) : shared;
  }

  /** Which of `keys` diagnose(uri, request, analysis, [key]) has worked out or is working out (the dashboard asks one key at a time), starting none. */
  async diagnosedKeys(uri: vscode.Uri, request: AnalysisRequest, keys: readonly DiagnosticKey[]): Promise<DiagnosticKey[]> {
    const file = await this.keyOf(uri, request);
    return keys.filter((k) => this.diagnosed.get(`${file}\u0000${k}`) !== undefined);
  }

  /**
   * A quick estimate from evenly spaced samples of the file (see src/node/sample-file.ts), or
   * undefined when it cannot be sampled or the runner has no such job (the web worker). Not cached:
   * it only stands in until the full analysis arrives.
   */
  async estimate(uri: vscode.Uri, request: AnalysisRequest, signal?: AbortSignal): Promise<SampleEstimate | undefined> {
    try {
      const r = await this.runner.run<'estimate'>({ op: 'estimate', file: this.fileJob(uri, request) }, { signal });
      return r.estimate ?? undefined;
    } catch (err) {
      if (err instanceof AnalysisError || err instanceof OptionsError || err instanceof CancelledError) throw err;
      return undefined;
    }
  }

  /**
   * The layout of a file that alone cannot settle it, as the files beside it of its name settle it
   * (their first rows only: src/node/beside.ts), and why; undefined when they do not (or the build reads no files beside it).
   */
  async layoutBeside(uri: vscode.Uri, request: AnalysisRequest, signal?: AbortSignal): Promise<{ layout: Layout; settled: string } | undefined> {
    const r = await this.runner.run<'layoutBeside'>({ op: 'layoutBeside', path: this.runner.pathOf(uri), name: this.label(uri), request }, { signal });
    return r.beside ?? undefined;
  }

  /**
   * A file that alone cannot settle its layout, read with the layout of the files beside it of its
   * name, said as a warning (where the worker does not do so itself: the browser build); `err`
   * rethrown when they do not settle it either.
   */
  private async readBeside(err: unknown, uri: vscode.Uri, request: AnalysisRequest, opts: RunOptions): Promise<ResultOf<'analyze'>> {
    if (this.runner.readsBeside || !(err instanceof AnalysisError) || err.badRows || this.labelsOf(uri) !== undefined || (await this.runner.isFolder(uri))) throw err;
    const beside = await this.layoutBeside(uri, request).catch(() => undefined);
    if (beside === undefined) throw err;
    const r = await this.job({ op: 'analyze', file: { ...this.fileJob(uri, request), layout: beside.layout } }, { ...opts, signal: undefined });
    r.analysis.warnings.unshift({ line: 0, severity: 'warning', message: beside.settled });
    r.analysis.warningCount++;
    return r;
  }

  /** A cached analysis if there is one for the file as it is now; never computes. */
  async cached(uri: vscode.Uri, request: AnalysisRequest): Promise<Analysis | undefined> {
    return this.cache.get(await this.keyOf(uri, request))?.then((c) => c.analysis, () => undefined);
  }

  /**
   * Only the analysis reads a folder (its files as one data set); the jobs that read one file
   * (columns, comparisons, per-sample exports) say so rather than fail on a folder's bytes.
   */
  private async oneFile(uri: vscode.Uri, what: string): Promise<void> {
    if (await this.runner.isFolder(uri)) {
      throw new OptionsError(`${this.label(uri)} is a folder, read as one data set by Open Dashboard and Compute Loss; ${what} reads one file: run it on a file of the folder.`);
    }
  }

  async layout(uri: vscode.Uri, overrides: LayoutOverrides): Promise<Layout> {
    await this.oneFile(uri, 'Choose Columns...');
    const opts: RunOptions = { progressTitle: `Loss Lens: reading the columns of ${this.label(uri)}` };
    const r = await this.settled([uri], opts, () => this.job({ op: 'layout', path: this.runner.pathOf(uri), name: this.label(uri), overrides }, opts));
    return r.layout;
  }

  /** A binary file's arrays or columns and first rows; undefined when it is no binary file Loss Lens reads. */
  async preview(uri: vscode.Uri, signal?: AbortSignal): Promise<BinaryPreview | undefined> {
    const opts: RunOptions = { signal };
    const r = await this.settled(this.filesOf(uri), opts, () => this.job({ op: 'preview', path: this.runner.pathOf(uri), name: this.label(uri), ...this.labelsPart(uri) }, opts));
    return r.preview ?? undefined;
  }

  /** The sample starting on `line` (1-based), read with `layout` (its analysis's); null when none does. */
  async sampleOnLine(uri: vscode.Uri, layout: Layout, line: number, row?: number, opts: RunOptions = {}) {
    const r = await this.job({ op: 'sample', path: this.runner.pathOf(uri), name: this.label(uri), layout, line, row, ...this.labelsPart(uri) }, opts);
    return r.hit;
  }

  /** `matching`: as the user chose it (Match samples by...), else by an id column both files have, else by order. */
  async compare(base: vscode.Uri, other: vscode.Uri, request: AnalysisRequest, topN: number, matching: CompareMatching | undefined, opts: RunOptions = {}) {
    await this.oneFile(base, 'Compare With...');
    await this.oneFile(other, 'Compare With...');
    const requestOf = (side: 'a' | 'b'): AnalysisRequest => (matching?.by === 'id' ? { ...request, overrides: { ...request.overrides, idColumn: matching[side] } } : request);
    return this.settled([...this.filesOf(base), ...this.filesOf(other)], opts, () =>
      this.job(
        {
          op: 'compare',
          base: this.fileJob(base, requestOf('a')),
          other: this.fileJob(other, requestOf('b')),
          topN,
          ...(matching === undefined ? {} : { match: matching.by }),
        },
        opts,
      ),
    );
  }

  /**
   * A run's files (or a folder of them), one job in the worker; not cached here (Open Run...,
   * extension/run/). `incremental`: the parts its view kept from the last read (the desktop reads
   * only files new or changed since; the browser build reads them all and keeps none).
   */
  readRun(uris: readonly vscode.Uri[], request: AnalysisRequest, top: number, opts: RunOptions, incremental?: RunIncremental) {
    return this.job({ op: 'run', sources: uris.map((u) => ({ path: this.runner.pathOf(u), name: this.label(u) })), request, top, ...(incremental === undefined ? {} : { incremental }) }, opts);
  }

  async perSampleCsv(uri: vscode.Uri, request: AnalysisRequest, out: vscode.Uri) {
    await this.oneFile(uri, 'the per-sample export');
    const opts: RunOptions = { progressTitle: `Loss Lens: writing the per-sample losses of ${this.label(uri)}` };
    return this.settled(this.filesOf(uri), opts, () =>
      this.job({ op: 'perSampleCsv', file: this.fileJob(uri, request), out: this.runner.pathOf(out) }, opts),
    );
  }

  /**
   * Says what went wrong (problems in the output channel); a cancel is not an error. With the
   * file's uri, bad rows get a button to leave them out of the loss (the CLI's --skip-invalid).
   */
  showError(err: unknown, uri?: vscode.Uri): void {
    if (err instanceof CancelledError) return;
    // It supersedes the problems the torn read met: one message, with the file's name.
    if (isFileChanged(err)) {
      this.output.appendLine(`error: ${err.file}: ${err.message}`);
      void vscode.window.showErrorMessage(`Loss Lens: ${err.file}: ${err.message}`);
      return;
    }
    if (err instanceof AnalysisError) {
      const lines = formatProblems(err.file, err.problems, err.errorCount - err.problems.length).map(editorSpeaker);
      this.output.appendLine(lines.join('\n'));
      // A message that points at Choose Columns... gets a button for it; bad rows one to skip them.
      const actions = [
        ...(err.badRows && uri !== undefined ? [SKIP_INVALID] : []),
        ...(lines.some((l) => l.includes('Choose Columns...')) ? ['Choose Columns...'] : []),
        'Show Output',
      ];
      void vscode.window.showErrorMessage(`Loss Lens: ${lines[0] ?? err.message}`, ...actions).then((a) => {
        if (a === SKIP_INVALID && uri !== undefined) void this.choices.update(uri, { skipInvalid: true });
        else if (a === 'Choose Columns...') void vscode.commands.executeCommand('lossLens.chooseColumns', uri);
        else if (a) this.output.show(true);
      });
      return;
    }
    const message = editorSpeaker(err instanceof OptionsError || err instanceof Error ? err.message : String(err));
    this.output.appendLine(`error: ${message}`);
    void vscode.window.showErrorMessage(`Loss Lens: ${message}`);
  }
}

/** The button that leaves a file's unreadable rows out of its loss (a per-file choice). */
export const SKIP_INVALID = 'Skip Invalid Rows';

/** `p`, or a CancelledError as soon as `signal` aborts (p itself runs on). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new CancelledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A cancellable notification with the percentage done; Cancel aborts the worker's read. */
export function withProgress<T>(
  title: string,
  outer: AbortSignal | undefined,
  run: (signal: AbortSignal, report: (fraction: number | null) => void) => Promise<T>,
): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      outer?.addEventListener('abort', () => controller.abort(), { once: true });
      let shown = 0;
      return run(controller.signal, (fraction) => {
        if (fraction === null) return progress.report({ message: 'reading...' });
        const pct = Math.floor(fraction * 100);
        if (pct <= shown) return;
        progress.report({ increment: pct - shown, message: `${pct}%` });
        shown = pct;
      });
    }),
  );
}
