/** One dashboard per file (reused and revealed), restored after a window reload. */
import * as vscode from 'vscode';
import { DASHBOARD_VIEW_TYPE, type DashboardState } from '../../shared/protocol';
import type { AnalysisService } from '../analysis-service';
import { DashboardPanel } from './panel';

export class DashboardManager implements vscode.Disposable, vscode.WebviewPanelSerializer<DashboardState> {
  private readonly panels = new Map<string, DashboardPanel>();
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly service: AnalysisService,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.registration = vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, this);
  }

  get(uri: vscode.Uri): DashboardPanel | undefined {
    return this.panels.get(uri.toString());
  }

  /** The dashboard the user is looking at, if any (commands run from it apply to its file). */
  active(): DashboardPanel | undefined {
    for (const p of this.panels.values()) if (p.panel.active) return p;
    return undefined;
  }

  /** Opens (or reveals) the file's dashboard; with a sample, also shows that sample's derivation. */
  show(uri: vscode.Uri, sample?: { row: number; line: number }): DashboardPanel {
    const open = this.get(uri);
    if (open) {
      open.reveal();
      if (sample) void open.select(sample);
      return open;
    }
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      'Loss Lens',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      // Hidden dashboards are rebuilt from their last message (cheap) rather than kept alive.
      { enableScripts: true, retainContextWhenHidden: false },
    );
    const dashboard = this.attach(panel, uri);
    if (sample) void dashboard.select(sample);
    return dashboard;
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: DashboardState | undefined): Promise<void> {
    if (!state?.uri) {
      panel.dispose();
      return;
    }
    this.attach(panel, vscode.Uri.parse(state.uri), state.compareWith ? vscode.Uri.parse(state.compareWith) : undefined);
  }

  private attach(panel: vscode.WebviewPanel, uri: vscode.Uri, compareWith?: vscode.Uri): DashboardPanel {
    const dashboard = new DashboardPanel(panel, uri, this.service, this.extensionUri, compareWith);
    this.panels.set(uri.toString(), dashboard);
    dashboard.onDidClose(() => {
      if (this.panels.get(uri.toString()) === dashboard) this.panels.delete(uri.toString());
    });
    return dashboard;
  }

  /** Settings changed (base, top-k, bins): every open dashboard recomputes. */
  refreshAll(): void {
    for (const p of this.panels.values()) void p.load({ force: false });
  }

  dispose(): void {
    this.registration.dispose();
    for (const p of [...this.panels.values()]) p.panel.dispose();
  }
}
