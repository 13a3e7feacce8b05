/**
 * The active predictions file's mean loss in the status bar, computed in the background (in the
 * worker, cached) for files up to the large-file threshold; a click opens the dashboard.
 */
import * as vscode from 'vscode';
import { uriBasename } from './uri';
import { CancelledError } from '../shared/cancelled';
import type { AnalysisService } from './analysis-service';
import { isLargeFile } from './settings';
import { activeFileUri, isPredictionFile } from './target';

export class LossStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lossLens.meanLoss', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private running: AbortController | undefined;
  private generation = 0;
  /** The file the item is about (the active tab's when update ran). */
  private shown: string | undefined;
  /** Watches the shown file on disk (a trainer rewriting it), so the figure never goes stale. */
  private watched: { uri: string; watcher: vscode.Disposable } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly service: AnalysisService) {
    this.item.name = 'Loss Lens: mean loss';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => void this.update()),
      // A binary file's preview, or a text file too large to be handed over, changes no text editor.
      vscode.window.tabGroups.onDidChangeTabs(() => {
        if (activeFileUri()?.toString() !== this.shown) void this.update();
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.uri.toString() === vscode.window.activeTextEditor?.document.uri.toString()) void this.update();
      }),
      service.choices.onDidChange(() => void this.update()),
      service.config.onDidChange(() => void this.update()),
    );
    void this.update();
  }

  async update(): Promise<void> {
    const generation = ++this.generation;
    this.running?.abort();
    const uri = activeFileUri();
    this.shown = uri?.toString();
    if (!isPredictionFile(uri)) {
      this.item.hide();
      return;
    }
    this.watch(uri);
    this.item.command = { title: 'Open Dashboard', command: 'lossLens.openDashboard', arguments: [uri] };
    const request = this.service.request(uri);
    try {
      const cached = await this.service.cached(uri, request);
      const { size } = await this.service.stamp(uri);
      if (!cached && isLargeFile(size, this.service.config.get('largeFileThresholdMB'))) {
        this.show('$(graph) Loss Lens', `${this.service.label(uri)} is larger than lossLens.largeFileThresholdMB: click for the dashboard (an estimate first, then the full pass)`);
        return;
      }
      if (!cached) this.show('$(sync~spin) Loss', `Computing the loss of ${this.service.label(uri)}...`);
      const controller = new AbortController();
      this.running = controller;
      // A file being written is read again once it stops changing: no number from a torn read meanwhile.
      const onWaiting = () => {
        if (generation === this.generation) this.show('$(sync~spin) Loss', `${this.service.label(uri)} is being written: waiting until it stops changing...`);
      };
      const a = cached ?? (await this.service.analyze(uri, request, { signal: controller.signal, onWaiting }));
      if (generation !== this.generation) return;
      const unit = a.options.base === '2' ? 'bits' : 'nats';
      this.show(`$(graph) Loss ${a.breakdown.mean.toFixed(4)}`, `Mean ${a.layout.kind} loss of ${this.service.label(uri)}: ${a.breakdown.mean} ${unit} over ${a.breakdown.count} samples (${a.preset}). Click for the dashboard.`);
    } catch (err) {
      if (generation !== this.generation || err instanceof CancelledError) return;
      this.show('$(warning) Loss Lens', `Cannot compute the loss: ${(err as Error).message}. Click for details.`);
    }
  }

  private watch(uri: vscode.Uri): void {
    if (this.watched?.uri === uri.toString()) return;
    this.watched?.watcher.dispose();
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), uriBasename(uri)));
    const changed = () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.update(), 500);
    };
    this.watched = { uri: uri.toString(), watcher: vscode.Disposable.from(w, w.onDidChange(changed), w.onDidCreate(changed)) };
  }

  private show(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.running?.abort();
    if (this.timer) clearTimeout(this.timer);
    this.watched?.watcher.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
