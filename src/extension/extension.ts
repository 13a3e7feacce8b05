import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('lossLens.computeLoss', () => {
      void vscode.window.showInformationMessage('Loss Lens: no predictions file is open.');
    }),
  );
}

export function deactivate(): void {
  // Nothing to release: every disposable is owned by context.subscriptions.
}
