/**
 * Loss Lens in VS Code (desktop): all file reading and computing runs in dist/file-worker.js, a
 * worker thread, off the extension host. The browser build is src/web/extension.ts.
 */
import * as vscode from 'vscode';
import { nodeJobRunner } from './node-runner';
import { activateWith } from './wiring';

export function activate(context: vscode.ExtensionContext): void {
  const workerScript = vscode.Uri.joinPath(context.extensionUri, 'dist', 'file-worker.js').fsPath;
  activateWith(context, nodeJobRunner(workerScript));
}

export function deactivate(): void {
  // Nothing to release: every disposable is owned by context.subscriptions.
}
