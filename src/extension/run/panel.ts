/**
 * One run view: a webview panel over a run (a folder of epoch files, or files chosen together).
 * The run is read by the worker (AnalysisService.readRun); the host keeps only what a click needs
 * (each sample's line in every file, the layout) and answers a click on the map or a list with
 * the sample's line in the editor and its derivation, as the dashboard's worst samples do.
 */
import * as vscode from 'vscode';
import type { AnalysisRequest } from '../../core/analyze';
import { AnalysisError } from '../../core/analyze';
import { formatProblem, type Problem } from '../../core/parse';
import type { RunPart } from '../../core/run/parts';
import type { LeftOut } from '../../node/run';
import { CancelledError } from '../../shared/cancelled';
import { errorOf } from '../../shared/failure';
import { RUN_VIEW_TYPE, type LiveNotice, type RunHostMessage, type RunViewState, type RunWebviewMessage } from '../../shared/run-protocol';
import { editorSpeaker } from '../../shared/speak';
import type { AnalysisService } from '../analysis-service';
import { dashboardHtml, derivationData } from '../dashboard/model';
import type { RunJobResult } from '../../node/run-job';
import { revealLine } from '../reveal';
import { uriBasename } from '../uri';
import { LiveRun } from './live';
import { derivationSource, RUN_LIST_SIZE, runViewData, sampleLine } from './model';

const open = new Map<string, RunPanel>();
const keyOf = (uris: readonly vscode.Uri[]) => uris.map((u) => u.toString()).join('\n');

export class RunPanel implements vscode.Disposable {
  private ready = false;
  private last: RunHostMessage | undefined;
  private derivation: RunHostMessage | undefined;
  private run: { result: RunJobResult; request: AnalysisRequest } | undefined;
  private running: AbortController | undefined;
  private generation = 0;
  private derivationGeneration = 0;
  private readonly disposables: vscode.Disposable[] = [];
  /** A run opened on a folder grows as files settle in it (live.ts); undefined for files. */
  private live: LiveRun | undefined;
  private liveNotice: LiveNotice | undefined;
  /** Files settled since the run was last read, said once it is read again. */
  private arrived: string[] = [];
  private disposed = false;
  /**
   * The run's parts (each file's summary and trajectory columns, core/run/parts.ts) by key (file,
   * size, modification time, request), from the last read: a live run reads only new or changed
   * files. The desktop's; the browser build returns none.
   */
  private parts = new Map<string, RunPart>();
  /** Files of a live run left out of it (they could not be read), said in the live line and in Problems. */
  private leftOut: { name: string; why: string }[] = [];
  /** The last live read failed whole: the run shown is the one before. */
  private failed: string | undefined;
  private problems: vscode.DiagnosticCollection | undefined;

  /** Opens the run over `uris` (a folder, or files), or reveals the one already open. */
  static show(service: AnalysisService, extensionUri: vscode.Uri, uris: readonly vscode.Uri[], label: string): RunPanel {
    const existing = open.get(keyOf(uris));
    if (existing) {
      existing.panel.reveal(undefined, true);
      return existing;
    }
    // Hidden, the page is rebuilt from its last message (the run is not read again).
    const panel = vscode.window.createWebviewPanel(RUN_VIEW_TYPE, `Run: ${label}`, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, { enableScripts: true, retainContextWhenHidden: false });
    return RunPanel.attach(panel, service, extensionUri, uris, label);
  }

  private static attach(panel: vscode.WebviewPanel, service: AnalysisService, extensionUri: vscode.Uri, uris: readonly vscode.Uri[], label: string): RunPanel {
    const key = keyOf(uris);
    const view = new RunPanel(panel, uris, label, service, extensionUri);
    open.set(key, view);
    panel.onDidDispose(() => {
      if (open.get(key) === view) open.delete(key);
    });
    return view;
  }

  /** Run views come back after a window reload: the page kept the run's URIs (RunViewState). */
  static registerSerializer(service: AnalysisService, extensionUri: vscode.Uri): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(RUN_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: RunViewState | undefined) => {
        if (!state?.uris?.length) {
          panel.dispose();
          return;
        }
        RunPanel.attach(panel, service, extensionUri, state.uris.map((u) => vscode.Uri.parse(u)), state.label ?? panel.title.replace(/^Run: /, ''));
      },
    });
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly uris: readonly vscode.Uri[],
    private readonly label: string,
    private readonly service: AnalysisService,
    extensionUri: vscode.Uri,
  ) {
    const roots = [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
    panel.webview.options = { enableScripts: true, localResourceRoots: roots };
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: RunWebviewMessage) => this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    const asUri = (...path: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
    panel.webview.html = dashboardHtml({
      cspSource: panel.webview.cspSource,
      nonce,
      scriptUri: asUri('dist', 'run.js'),
      styleUri: asUri('media', 'dashboard.css'),
      extraStyleUris: [asUri('media', 'run.css')],
      katexStyleUri: asUri('dist', 'katex', 'katex.min.css'),
      title: panel.title,
    });
    void this.load();
    void this.watchFolder();
  }

  /** A run opened on one folder follows it (lossLens.liveReload, as the dashboard's live reload). */
  private async watchFolder(): Promise<void> {
    if (this.uris.length !== 1) return;
    const stat = await vscode.workspace.fs.stat(this.uris[0]!).then((s) => s, () => undefined);
    if (stat === undefined || (stat.type & vscode.FileType.Directory) === 0 || this.disposed) return;
    this.live = new LiveRun(this.uris[0]!, (u) => {
      const change = u.ready ?? (u.removed === undefined ? undefined : `${u.removed} (removed)`);
      if (change !== undefined) this.arrived.push(change);
      this.postLive(u.notice);
      if (change !== undefined) void this.load({ live: true });
    }, () => this.service.config.get('liveReload'));
    this.disposables.push(this.live);
  }

  /** The live line; while the run is read again for files that settled, it says so (the view stays, no notification). */
  private postLive(notice: LiveNotice): void {
    if (this.arrived.length > 0) notice = { ...notice, reading: [...this.arrived] };
    if (this.leftOut.length > 0) notice = { ...notice, leftOut: this.leftOut };
    if (this.failed !== undefined) notice = { ...notice, failed: this.failed };
    this.liveNotice = notice;
    if (this.ready) void this.panel.webview.postMessage({ type: 'live', notice } satisfies RunHostMessage);
  }

  private post(m: RunHostMessage): void {
    if (m.type !== 'loading') this.last = m;
    if (this.ready) void this.panel.webview.postMessage(m);
  }

  private onMessage(m: RunWebviewMessage): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        void this.panel.webview.postMessage(this.last ?? ({ type: 'loading', label: this.label, fraction: null } satisfies RunHostMessage));
        if (this.derivation) void this.panel.webview.postMessage(this.derivation);
        if (this.liveNotice) void this.panel.webview.postMessage({ type: 'live', notice: this.liveNotice } satisfies RunHostMessage);
        return;
      case 'openSample':
        void this.openSample(m.sample, m.file);
        return;
      case 'refresh':
        // Read again from the files, whatever the parts kept say.
        this.parts.clear();
        void this.load();
        return;
      default:
        m satisfies never;
    }
  }

  /**
   * A file of the run by its name in the report: a folder's files are its direct children; the
   * epochs of a run held in one file are named `FILE [epoch 3]` (node/run-epochs.ts), all FILE.
   */
  private fileUri(name: string): vscode.Uri {
    for (const u of this.uris) {
      const label = this.service.label(u);
      if (name === label || name.startsWith(`${label} [`)) return u;
      if (name.startsWith(`${label}/`)) return vscode.Uri.joinPath(u, name.slice(label.length + 1));
    }
    return vscode.Uri.joinPath(this.uris[0]!, '..', name.slice(name.lastIndexOf('/') + 1));
  }

  /**
   * Reads the run. `live`: a file of the folder settled (or went): the run is read again, the
   * view kept on screen meanwhile (no loading card: the page keeps its class, file and scroll),
   * over the folder's files that are whole only.
   */
  async load(opts: { live?: boolean } = {}): Promise<void> {
    const generation = ++this.generation;
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    const quiet = opts.live === true && this.run !== undefined;
    // A live run's new file that cannot be read is left out (said), the run it joins kept on screen.
    const leaveOut = quiet && this.live !== undefined;
    if (!quiet) this.post({ type: 'loading', label: this.label, fraction: 0 });
    const started = Date.now();
    try {
      const request = this.service.request(this.uris[0]!);
      const sources = this.live === undefined || this.live.whole ? this.uris : await this.live.readyFiles();
      const r = await this.service.readRun(sources, request, RUN_LIST_SIZE, {
        signal: controller.signal,
        ...(quiet ? {} : { progressTitle: `Loss Lens: reading the run ${this.label}` }),
        onProgress: (fraction) => {
          if (generation === this.generation && !quiet) this.post({ type: 'loading', label: this.label, fraction });
        },
      }, { cached: [...this.parts.values()], leaveOut });
      if (generation !== this.generation) return;
      this.run = { result: r.run, request };
      this.keepParts(r.parts);
      this.failed = undefined;
      this.leaveOutFiles(r.leftOut ?? []);
      const elapsed = Date.now() - started;
      this.service.output.appendLine(`Run ${this.label}: ${r.run.report.files.length} files x ${r.run.report.samples.toLocaleString('en-US')} samples in ${(elapsed / 1000).toFixed(2)} s.${opts.live ? ` Read again as ${this.arrived.join(', ')} settled.` : ''}`);
      this.post({ type: 'run', data: runViewData(r.run, request, this.label, this.uris.map((u) => u.toString()), elapsed) });
      if (opts.live && this.live) {
        const left = new Set(this.leftOut.map((l) => l.name));
        const taken = this.arrived.filter((a) => !left.has(a));
        const added = taken.length === 0 ? undefined : `${taken.join(', ')} ${taken.some((a) => !a.endsWith('(removed)')) ? 'added' : 'taken out'}: the run read again in ${(elapsed / 1000).toFixed(2)} s`;
        this.arrived = [];
        this.postLive({ ...this.live.notice(), ...(added === undefined ? {} : { added }) });
      }
    } catch (err) {
      if (generation !== this.generation) return;
      if (leaveOut && this.live && !(err instanceof CancelledError)) {
        // The run read before stays on screen; the live line and Problems say what failed.
        const why = this.whyOf(err);
        this.service.output.appendLine(`Run ${this.label}: reading it again for ${this.arrived.join(', ')} failed: ${why}`);
        this.failed = `Reading the run again for ${this.arrived.join(', ')} failed: ${why}. The run shown is the one read before`;
        this.markProblems(err);
        this.arrived = [];
        this.postLive(this.live.notice());
        return;
      }
      const message = err instanceof CancelledError ? 'Cancelled. Refresh to read the run again.' : editorSpeaker(err instanceof Error ? err.message : String(err));
      if (!(err instanceof CancelledError)) this.service.output.appendLine(`Run ${this.label}: ${message}`);
      this.post({ type: 'error', label: this.label, message });
      if (opts.live && this.live) {
        this.arrived = [];
        this.postLive(this.live.notice());
      }
    }
  }

  /** The parts of the run just read: those it kept (by key) and those read now; the others dropped. */
  private keepParts(parts: { keys: string[]; fresh: RunPart[] } | undefined): void {
    const next = new Map<string, RunPart>();
    for (const p of parts?.fresh ?? []) next.set(p.key, p);
    for (const k of parts?.keys ?? []) {
      const p = next.get(k) ?? this.parts.get(k);
      if (p !== undefined) next.set(k, p);
    }
    this.parts = next;
  }

  /** What a failure says, as the output channel says a read error: file, line and column first. */
  private whyOf(err: unknown): string {
    if (err instanceof AnalysisError && err.problems[0] !== undefined) return editorSpeaker(formatProblem(err.file, err.problems[0]));
    return editorSpeaker(err instanceof Error ? err.message : String(err));
  }

  /** Files left out of a live run: named in the live line, their problems in Problems and the output channel. */
  private leaveOutFiles(leftOut: LeftOut[]): void {
    this.problems?.clear();
    this.leftOut = leftOut.map((l) => {
      const err = errorOf(l.failure);
      const why = this.whyOf(err);
      this.service.output.appendLine(`Run ${this.label}: ${l.name} left out: ${why}`);
      // By its name in the run (the desktop's path and the browser build's URI differ in kind).
      const uri = this.fileUri(l.name);
      this.markProblems(err, uri);
      // Named as the live line names the files that arrive (checkpoint-N/predictions.jsonl one level down).
      return { name: this.live?.nameOf(uri) ?? uriBasename(uri), why };
    });
  }

  /** A read error in the Problems panel, on its file (`uri`, or the one AnalysisError names in the run's folder). */
  private markProblems(err: unknown, uri?: vscode.Uri): void {
    const target = uri ?? (err instanceof AnalysisError ? this.fileUri(err.file) : undefined);
    if (target === undefined) return;
    this.problems ??= vscode.languages.createDiagnosticCollection('lossLens.run');
    const located: Problem[] = err instanceof AnalysisError && err.problems.length > 0 ? err.problems : [{ line: 0, message: err instanceof Error ? err.message : String(err), severity: 'error' }];
    this.problems.set(target, located.map((p) => {
      // A binary file's problem is a row's (no line in the file); a whole-file problem is put on its first line.
      const line = p.unit === 'row' || p.line < 1 ? 0 : p.line - 1;
      const col = p.unit === 'row' || p.column === undefined ? 0 : p.column - 1;
      const d = new vscode.Diagnostic(new vscode.Range(line, col, line, col + 1), `${p.message} (left out of the run ${this.label})`, p.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error);
      d.source = 'Loss Lens';
      return d;
    }));
  }

  /** The sample's line in file `file`, in the editor beside the view, and its derivation in the view. */
  private async openSample(sample: number, file: number): Promise<void> {
    const run = this.run;
    if (!run) return;
    const line = sampleLine(run.result, sample, file);
    const f = run.result.report.files[file];
    if (line === undefined || f === undefined) {
      void vscode.window.showWarningMessage(`Loss Lens: sample ${sample + 1} has no row in ${f?.name ?? `file ${file + 1}`} of the run.`);
      return;
    }
    const uri = this.fileUri(f.name);
    void revealLine(uri, line, this.panel.viewColumn);
    const generation = ++this.derivationGeneration;
    try {
      const hit = await this.service.sampleOnLine(uri, run.result.layout, line);
      if (generation !== this.derivationGeneration) return;
      if (!hit) {
        void vscode.window.showWarningMessage(`Loss Lens: no sample starts on line ${line} of ${this.service.label(uri)}.`);
        return;
      }
      this.derivation = { type: 'derivation', sample, derivation: derivationData(derivationSource(run.result, run.request, f), hit, line, f.name) };
      if (this.ready) void this.panel.webview.postMessage(this.derivation);
    } catch (err) {
      this.service.output.appendLine(`Derivation of line ${line} of ${f.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.running?.abort();
    this.problems?.dispose();
    this.parts.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** What a run is called: its folder (or its one file), or its files' count, folder and first names. */
export function runLabel(service: AnalysisService, uris: readonly vscode.Uri[]): string {
  if (uris.length === 1) return service.label(uris[0]!);
  const parentUri = vscode.Uri.joinPath(uris[0]!, '..');
  const parent = service.label(parentUri);
  const together = uris.every((u) => vscode.Uri.joinPath(u, '..').toString() === parentUri.toString());
  // The workspace folder itself has no relative path: asRelativePath gives it whole, which says nothing.
  const where = together && parent !== parentUri.fsPath && parent !== '' ? ` in ${parent}` : '';
  return `${uris.length} files${where} (${uris.map(uriBasename).slice(0, 2).join(', ')}${uris.length > 2 ? ', ...' : ''})`;
}
