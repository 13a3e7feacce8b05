/**
 * Loss Lens in VS Code: wires the command table, the dashboards, the status bar and the settings
 * together. All file reading and computing runs in dist/file-worker.js, off this thread.
 */
import * as vscode from 'vscode';
import { AnalysisService } from './analysis-service';
import { registerCommands } from './commands';
import { Config } from './config';
import { DashboardManager } from './dashboard/manager';
import { defaultExplainServices, registerExplainFeatures } from './explain';
import { FileChoicesStore } from './file-choices';
import { LossStatusBar } from './status-bar';

export function activate(context: vscode.ExtensionContext): void {
  const config = new Config();
  const choices = new FileChoicesStore(context.workspaceState);
  const output = vscode.window.createOutputChannel('Loss Lens');
  const workerScript = vscode.Uri.joinPath(context.extensionUri, 'dist', 'file-worker.js').fsPath;
  const service = new AnalysisService(workerScript, config, choices, output);
  const dashboards = new DashboardManager(service, context.extensionUri);
  const statusBar = new LossStatusBar(service);
  context.subscriptions.push(
    config,
    choices,
    output,
    dashboards,
    statusBar,
    config.onDidChange(() => dashboards.refreshAll()),
    ...registerCommands({ service, dashboards, extensionUri: context.extensionUri }),
  );
  registerExplainFeatures(context, defaultExplainServices(context, { config, choices }), (m) => output.appendLine(m));
}

export function deactivate(): void {
  // Nothing to release: every disposable is owned by context.subscriptions.
}
