/**
 * Loss Lens in the web extension host (vscode.dev, code-server's browser host): the same
 * commands, dashboard, status bar and editor features as the desktop, with jobs run in a Web
 * Worker over the bytes of the file (see runner.ts). Bundled to dist/web/extension.js; nothing
 * here may need Node.
 */
import * as vscode from 'vscode';
import { activateWith } from '../extension/wiring';
import { blobWorkers, webJobRunner } from './runner';

export function activate(context: vscode.ExtensionContext): void {
  const workerUrl = vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', 'worker.js').toString(true);
  activateWith(context, webJobRunner(blobWorkers(workerUrl)));
}

export function deactivate(): void {
  // Nothing to release: every disposable is owned by context.subscriptions.
}
