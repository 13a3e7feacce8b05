/**
 * One dashboard: a webview panel beside its file. Listeners go in before the HTML, nothing is
 * sent before the page says `ready`, and the last state is re-sent whenever the page (re)loads.
 */
import * as vscode from 'vscode';
import { uriBasename } from '../uri';
import { AnalysisError, type Analysis } from '../../core/analyze';
import { CancelledError } from '../../shared/cancelled';
import { describeChange, isFileChanged, type FileChangedError } from '../../core/file-changed';
import type { HostMessage, WebviewMessage, WhatIf } from '../../shared/protocol';
import type { AnalysisService } from '../analysis-service';
import type { AnalysisRequest } from '../../core/analyze';
import { CONFIG_SECTION, isLargeFile, LABEL_ISSUES_FILTERS, type LabelIssuesFilterSetting } from '../settings';
import { defaultWhatIf } from '../request';
import { appendHistory, comparisonData, dashboardData, dashboardHtml, derivationData } from './model';
import { revealLine } from '../reveal';
import { APPLY_READING_COMMAND } from '../explain/quick-fixes';
import { editorSpeaker } from '../../shared/speak';
import { compareSpeaker } from '../../shared/compare-speak';
import { pickMatching, type CompareMatching } from './compare-match';
import { DIAGNOSTIC_KEYS, type DiagnosticKey, type Diagnostics } from '../../core/diagnostics';
import type { DashboardData } from '../../shared/protocol';

/** The sample whose derivation is shown; `file` names its file in a data set of several. */
interface Selected {
  row: number;
  line: number;
  file?: string;
}

/** Samples listed as "changed most" in a comparison. */
const CHANGED_SAMPLES = 50;
const RELOAD_DEBOUNCE_MS = 500;

export class DashboardPanel implements vscode.Disposable {
  private ready = false;
  private last: HostMessage | undefined;
  private whatIf: WhatIf;
  private history: { time: number; mean: number }[] = [];
  private running: AbortController | undefined;
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private compareWith: vscode.Uri | undefined;
  /** The first file's read in the comparison shown: the derivations of its samples come from it. */
  private comparedBase: Analysis | undefined;
  /** How the comparison's samples are matched, when chosen (Match samples by...); the columns offered. */
  private compareMatching: CompareMatching | undefined;
  private comparedColumns: { a: readonly string[]; b: readonly string[] } | undefined;
  /** The sample whose derivation is shown; derived again after every (re)computation. */
  private selected: Selected | undefined;
  /** Diagnostics asked for with a section's button (a file too large to run them by itself): run on every load after. */
  private readonly asked = new Set<DiagnosticKey>();
  /** The last report shown, for a diagnostic asked for later. */
  private shownReport: { generation: number; analysis: Analysis; request: AnalysisRequest; data: DashboardData; signal: AbortSignal } | undefined;
  /** Set once a load finds the dashboard's uri to be a folder read as one data set (shards). */
  private folderWatch: vscode.Disposable | undefined;
  private derivation: HostMessage | undefined;
  private derivationGeneration = 0;
  /** Loads waiting for their file to stop changing (it was being written while read). */
  private settling = 0;
  /** The last load whose read found the file being written: its estimate, if any, is not shown. */
  private tornGeneration = 0;
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
    private readonly service: AnalysisService,
    extensionUri: vscode.Uri,
    /** A comparison to show from the start (a dashboard restored after a window reload). */
    compareWith?: vscode.Uri,
  ) {
    this.compareWith = compareWith;
    this.whatIf = defaultWhatIf(service.config.all, service.choices.get(uri));
    const roots = [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
    panel.webview.options = { enableScripts: true, localResourceRoots: roots };
    panel.title = `Loss: ${uriBasename(uri)}`;
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: WebviewMessage) => this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
      this.watch(new vscode.RelativePattern(vscode.Uri.joinPath(this.uri, '..'), uriBasename(this.uri))),
      service.choices.onDidChange((changed) => {
        if (changed.toString() !== uri.toString()) return;
        this.whatIf = defaultWhatIf(service.config.all, service.choices.get(uri));
        void this.load({ force: false });
      }),
    );
    // Web Crypto: the same code runs in the desktop and the web extension host.
    const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    panel.webview.html = dashboardHtml({
      cspSource: panel.webview.cspSource,
      nonce,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'dashboard.css')).toString(),
      katexStyleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'katex', 'katex.min.css')).toString(),
      title: panel.title,
    });
    void this.load({ force: false, record: true });
  }

  /** Live reload when what `pattern` matches changes: the file, or a folder's files. */
  private watch(pattern: vscode.RelativePattern): vscode.Disposable {
    const watcher = vscode.workspace.createFileSystemWatcher(pattern);
    const changed = () => {
      if (!this.service.config.get('liveReload')) return;
      // A load waiting for the file to stop changing watches it already, and reads it then.
      if (this.settling > 0) return;
      if (this.reloadTimer) clearTimeout(this.reloadTimer);
      // Writers flush in bursts: wait until the file has been quiet for a moment.
      this.reloadTimer = setTimeout(() => void this.load({ force: false, record: true, quiet: true }), RELOAD_DEBOUNCE_MS);
    };
    return vscode.Disposable.from(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed));
  }

  /**
   * A file of the dashboard's data set by its name in the report (`preds/rank3.jsonl`, the
   * folder's name and its own): a folder's files are its direct children.
   */
  private fileUri(file: string | undefined): vscode.Uri {
    return file === undefined ? this.uri : vscode.Uri.joinPath(this.uri, file.slice(file.lastIndexOf('/') + 1));
  }

  private post(m: HostMessage): void {
    // A loading message is transient: what a reloaded page needs is the last result.
    if (m.type !== 'loading') this.last = m;
    if (this.ready) void this.panel.webview.postMessage(m);
  }

  private onMessage(m: WebviewMessage): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.last) {
          void this.panel.webview.postMessage(this.last);
          if (this.derivation) void this.panel.webview.postMessage(this.derivation);
        } else void this.panel.webview.postMessage({ type: 'loading', label: this.service.label(this.uri), fraction: null } satisfies HostMessage);
        return;
      case 'revealLine':
        void revealLine(this.fileUri(m.file), m.line, this.panel.viewColumn);
        return;
      case 'selectSample':
        void this.select({ row: m.row, line: m.line, ...(m.file === undefined ? {} : { file: m.file }) });
        return;
      case 'setWhatIf':
        this.whatIf = m.whatIf;
        void this.load({ force: false });
        return;
      case 'matchBy':
        void this.chooseMatching();
        return;
      case 'closeComparison':
        this.compareWith = undefined;
        this.compareMatching = undefined;
        void this.load({ force: false });
        return;
      case 'skipInvalid':
        void this.service.choices.update(this.uri, { skipInvalid: m.skip ? true : undefined });
        break;
      case 'diagnose':
        if (!(DIAGNOSTIC_KEYS as readonly string[]).includes(m.key)) return;
        this.asked.add(m.key as DiagnosticKey);
        void this.showDiagnostics();
        return;
      case 'ignoreLabel':
        void this.service.choices.update(this.uri, { ignoreIndex: m.label });
        break;
      case 'otherReading': {
        const a = this.last?.type === 'data' ? this.last.data.report.layout.assumptions[m.assumption] : undefined;
        if (a !== undefined) void vscode.commands.executeCommand(APPLY_READING_COMMAND, this.uri, a.overrides);
        break;
      }
      case 'labelIssuesFilter': {
        const value = (Object.keys(LABEL_ISSUES_FILTERS) as LabelIssuesFilterSetting[]).find((k) => LABEL_ISSUES_FILTERS[k] === m.filter);
        if (value === undefined) return;
        // Where the setting is in force: the workspace's when it sets one (a user value would not win over it), else the user's.
        // The change reloads every dashboard (wiring.ts), this one with the new filter's issues.
        const c = vscode.workspace.getConfiguration(CONFIG_SECTION);
        const target = c.inspect('labelIssues.filter')?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
        void c.update('labelIssues.filter', value, target);
        return;
      }
      case 'command':
        if (m.command === 'refresh') void this.load({ force: true, record: true });
        else if (m.format !== undefined) void vscode.commands.executeCommand(`lossLens.${m.command}`, this.uri, m.format);
        else void vscode.commands.executeCommand(`lossLens.${m.command}`, this.uri);
        return;
      default: {
        const never: never = m;
        throw new Error(`unknown message ${JSON.stringify(never)}`);
      }
    }
  }

  /** The what-if settings in force: exports and comparisons use what the dashboard shows. */
  get currentWhatIf(): WhatIf {
    return this.whatIf;
  }

  /** (Re)computes and sends the result; a newer load makes an older one's result moot. */
  async load(opts: { force: boolean; record?: boolean; quiet?: boolean }): Promise<void> {
    const generation = ++this.generation;
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    const label = this.service.label(this.uri);
    this.post({ type: 'loading', label, fraction: 0 });
    try {
      const request = this.service.request(this.uri, this.whatIf);
      const full = this.service.analyzeTimed(this.uri, request, {
        force: opts.force,
        signal: controller.signal,
        // A live reload updates in place: no notification for every epoch the trainer writes.
        progressTitle: opts.quiet ? undefined : `Loss Lens: analysing ${label}`,
        onProgress: (fraction) => {
          if (generation === this.generation) this.post({ type: 'loading', label, fraction });
        },
        onWaiting: this.whileWritten(generation, label),
      });
      void this.showEstimate(generation, request, full, controller.signal);
      const timed = await full;
      if (generation !== this.generation) return;
      const analysis = timed.analysis;
      if (analysis.files !== undefined && this.folderWatch === undefined) {
        this.folderWatch = this.watch(new vscode.RelativePattern(this.uri, '*'));
        this.disposables.push(this.folderWatch);
      }
      if (opts.record || this.history.length === 0) this.history = appendHistory(this.history, analysis.breakdown.mean, Date.now());
      const data = dashboardData(analysis, this.whatIf, label, this.uri.toString(), this.history, timed.elapsedMs, { fromCache: timed.fromCache, computedAt: timed.computedAt });
      if (this.compareWith) await this.showComparison(this.compareWith);
      else if (DIAGNOSTIC_KEYS.length > 0) {
        this.shownReport = { generation, analysis, request, data, signal: controller.signal };
        void this.showDiagnostics();
      } else {
        this.post({ type: 'data', data });
        // The numbers in the derivation follow the what-if settings and the file as it is now.
        if (this.selected) void this.showDerivation(analysis);
      }
    } catch (err) {
      if (generation !== this.generation) return;
      this.postError(label, err);
    }
  }

  /**
   * The report at once, saying which diagnostics are being worked out; then again with them (a
   * worker's further passes over the file), unless a newer load came first.
   */
  private async showDiagnostics(): Promise<void> {
    if (this.shownReport === undefined) return;
    const { generation, analysis, request, data, signal } = this.shownReport;
    // Each takes more passes over the rows: by themselves only on a file of at most so many scores.
    const scores = analysis.rows * analysis.layout.numClasses;
    const auto = scores <= this.service.config.get('extraPasses.autoMaxMillionScores') * 1e6;
    const keys = DIAGNOSTIC_KEYS.filter((k) => auto || this.asked.has(k));
    const offered = DIAGNOSTIC_KEYS.filter((k) => !keys.includes(k));
    const pending = { ...data, diagnosing: keys, ...(offered.length > 0 ? { offered } : {}) };
    this.post({ type: 'data', data: pending });
    if (this.selected) void this.showDerivation(analysis);
    if (keys.length === 0) return;
    let shown: DashboardData;
    try {
      // One key at a time: each is cached on its own, so asking for a second does not redo the first.
      const diagnostics: Diagnostics = { results: {}, unavailable: {} };
      for (const k of keys) {
        const d = await this.service.diagnose(this.uri, request, analysis, [k], signal);
        Object.assign(diagnostics.results, d.results);
        Object.assign(diagnostics.unavailable, d.unavailable);
      }
      shown = { ...pending, diagnosing: [], report: { ...data.report, diagnostics } };
    } catch (err) {
      if (err instanceof CancelledError) return;
      shown = { ...pending, diagnosing: [], diagnosticsFailed: editorSpeaker(err instanceof Error ? err.message : String(err)) };
    }
    if (generation === this.generation) this.post({ type: 'data', data: shown });
  }

  /**
   * For a file above lossLens.largeFileThresholdMB: numbers from evenly spaced samples of it
   * within a second, labelled as an estimate, until the full pass (`full`) replaces them.
   */
  private async showEstimate(generation: number, request: AnalysisRequest, full: Promise<unknown>, signal: AbortSignal): Promise<void> {
    if (this.compareWith) return;
    const stop = new AbortController();
    let done = false;
    const finished = () => {
      done = true;
      stop.abort();
    };
    full.then(finished, finished);
    signal.addEventListener('abort', () => stop.abort(), { once: true });
    try {
      const { size } = await this.service.stamp(this.uri);
      // A cache hit has settled by now (its own stamp was asked first): nothing to estimate.
      if (done || !isLargeFile(size, this.service.config.get('largeFileThresholdMB'))) return;
      const started = Date.now();
      const estimate = await this.service.estimate(this.uri, request, stop.signal);
      if (!estimate || done || generation !== this.generation || generation === this.tornGeneration) return;
      const data = dashboardData(estimate.analysis, this.whatIf, this.service.label(this.uri), this.uri.toString(), this.history, Date.now() - started, {
        estimate: { sampledRows: estimate.sampledRows, sampledBytes: estimate.sampledBytes, totalBytes: estimate.totalBytes, ranges: estimate.ranges.length },
      });
      this.post({ type: 'data', data });
    } catch {
      // The estimate is a courtesy: the full pass reports whatever is wrong with the file.
    }
  }

  /**
   * What a load shows while the file it read was being written (see AnalysisService.settled):
   * no numbers (neither the torn read's nor the last ones), but that it waits for the writer.
   */
  private whileWritten(generation: number, label: string): (change: FileChangedError) => (() => void) | undefined {
    return (change) => {
      if (generation !== this.generation) return undefined;
      this.tornGeneration = generation;
      this.settling++;
      const message = `The file changed while it was read (${describeChange(change.before, change.after)}). It is read again once it has not changed for a second.`;
      this.post({ type: 'writing', label, message, waiting: true });
      return () => {
        this.settling--;
      };
    };
  }

  private postError(label: string, err: unknown): void {
    if (err instanceof CancelledError) {
      this.post({ type: 'error', label, message: 'Cancelled. Run Refresh to analyse the file again.', problems: [], errorCount: 0 });
    } else if (isFileChanged(err)) {
      this.post({ type: 'writing', label, message: err.message, waiting: false });
    } else if (err instanceof AnalysisError) {
      const problems = err.problems.map((p) => ({ ...(p.file === undefined ? {} : { file: p.file }), line: p.line, column: p.column ?? null, message: editorSpeaker(p.message) }));
      this.post({ type: 'error', label, message: editorSpeaker(err.message), problems, errorCount: err.errorCount, badRows: err.badRows });
    } else {
      this.post({ type: 'error', label, message: editorSpeaker(err instanceof Error ? err.message : String(err)), problems: [], errorCount: 1 });
    }
  }

  /** Both files side by side, with the samples whose loss moved most; stays on across reloads. */
  async showComparison(other: vscode.Uri): Promise<void> {
    // Another second file: its samples are matched as by default until chosen otherwise.
    if (other.toString() !== this.compareWith?.toString()) this.compareMatching = undefined;
    this.compareWith = other;
    const generation = ++this.generation;
    const label = this.service.label(this.uri);
    const request = this.service.request(this.uri, this.whatIf);
    const started = Date.now();
    try {
      const r = await this.service.compare(this.uri, other, request, CHANGED_SAMPLES, this.compareMatching, {
        progressTitle: `Loss Lens: comparing ${label} with ${this.service.label(other)}`,
        onWaiting: this.whileWritten(generation, label),
        onProgress: (fraction) => {
          if (generation === this.generation) this.post({ type: 'loading', label, fraction });
        },
      });
      if (generation !== this.generation) return;
      this.comparedBase = r.base;
      // The columns that can name samples: not the label, the scores or the weights (the layout refuses those as ids).
      const idCandidates = (l: Analysis['layout']) => l.columns.filter((c) => c !== l.labelColumn && c !== l.weightColumn && !l.predictionColumns.includes(c));
      this.comparedColumns = { a: idCandidates(r.base.layout), b: idCandidates(r.other.layout) };
      const elapsed = Date.now() - started;
      const base = dashboardData(r.base, this.whatIf, label, this.uri.toString(), this.history, elapsed);
      const otherData = dashboardData(r.other, this.whatIf, this.service.label(other), other.toString(), [], elapsed);
      // Core names the CLI's flags (--match order, --id-column): here, the button that does it.
      const outcome = 'refused' in r.outcome ? { refused: compareSpeaker(r.outcome.refused) } : { stats: { ...r.outcome.stats, matching: compareSpeaker(r.outcome.stats.matching) } };
      this.post({ type: 'comparison', comparison: comparisonData(base, otherData, r.changed, outcome) });
    } catch (err) {
      if (generation === this.generation) this.postError(label, err);
    }
  }

  /** Match samples by...: asks how, then compares again that way. */
  private async chooseMatching(): Promise<void> {
    const other = this.compareWith;
    if (other === undefined || this.comparedColumns === undefined) return;
    const names = { a: this.service.label(this.uri), b: this.service.label(other) };
    const chosen = await pickMatching(names, this.comparedColumns, this.compareMatching);
    if (chosen === undefined || other !== this.compareWith) return;
    this.compareMatching = chosen;
    await this.showComparison(other);
  }

  /** Shows a sample's derivation (a worst-samples row, a hover's link): once the data is there. */
  async select(sample: Selected): Promise<void> {
    this.selected = sample;
    // In a comparison, a sample of the first file (fixed, broken, changed most): derived from its read.
    if (this.last?.type === 'comparison') {
      if (this.comparedBase !== undefined) await this.showDerivation(this.comparedBase);
      return;
    }
    if (this.last?.type !== 'data') return; // load() derives it when its result arrives
    const request = this.service.request(this.uri, this.whatIf);
    const analysis = await this.service.cached(this.uri, request);
    if (analysis) await this.showDerivation(analysis);
    else await this.load({ force: false });
  }

  private async showDerivation(analysis: Analysis): Promise<void> {
    const selected = this.selected;
    if (!selected) return;
    const generation = ++this.derivationGeneration;
    try {
      const uri = this.fileUri(selected.file);
      const hit = await this.service.sampleOnLine(uri, analysis.layout, selected.line, selected.row);
      if (generation !== this.derivationGeneration) return;
      if (!hit) {
        void vscode.window.showWarningMessage(`Loss Lens: no sample starts on line ${selected.line} of ${this.service.label(uri)}.`);
        return;
      }
      this.derivation = { type: 'derivation', derivation: derivationData(analysis, hit, selected.line, selected.file) };
      if (this.ready) void this.panel.webview.postMessage(this.derivation);
    } catch (err) {
      if (generation === this.derivationGeneration) this.service.output.appendLine(`Derivation of line ${selected.line}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  dispose(): void {
    this.running?.abort();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.closed.fire();
    this.closed.dispose();
  }
}
