/**
 * Everything activate() wires, for both extension hosts: only the job runner differs (a Node
 * worker thread on the desktop, a Web Worker in the browser), so both get the same commands,
 * dashboards, status bar and editor features.
 */
import * as vscode from 'vscode';
import { AnalysisService } from './analysis-service';
import { registerCommands } from './commands';
import { Config } from './config';
import { DashboardManager } from './dashboard/manager';
import { defaultExplainServices, registerExplainFeatures } from './explain';
import { FileChoicesStore } from './file-choices';
import type { JobRunner } from './job-runner';
import { setReadableSchemes } from './schemes';
import { BinaryPreviewProvider } from './preview/provider';
import { LossStatusBar } from './status-bar';
import { RunPanel } from './run/panel';

export function activateWith(context: vscode.ExtensionContext, runner: JobRunner): void {
  setReadableSchemes(runner.schemes);
  const config = new Config();
  const choices = new FileChoicesStore(context.workspaceState);
  const output = vscode.window.createOutputChannel('Loss Lens');
  output.appendLine(`Loss Lens ${String(context.extension.packageJSON.version)}, ${runner.where}.`);
  const service = new AnalysisService(runner, config, choices, output);
  const dashboards = new DashboardManager(service, context.extensionUri);
  const statusBar = new LossStatusBar(service);
  context.subscriptions.push(
    config,
    choices,
    output,
    dashboards,
    statusBar,
    BinaryPreviewProvider.register(service, context.extensionUri),
    config.onDidChange(() => dashboards.refreshAll()),
    ...registerCommands({ service, dashboards, extensionUri: context.extensionUri }),
    RunPanel.registerSerializer(service, context.extensionUri),
  );
  const layoutBeside = (uri: vscode.Uri, request: Parameters<typeof service.layoutBeside>[1]) => service.layoutBeside(uri, request);
  registerExplainFeatures(context, defaultExplainServices(context, { config, choices, layoutBeside }), (m) => output.appendLine(m));
}
