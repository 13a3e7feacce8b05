/** Opens a predictions file at a 1-based line, selecting it (a dashboard row was clicked). */
import * as vscode from 'vscode';

/**
 * `beside`: the column of the dashboard that asks, which the file must not cover (a dashboard
 * opened with no editor open, as on a folder, sits in the first column itself).
 */
export async function revealLine(uri: vscode.Uri, line: number, beside?: vscode.ViewColumn): Promise<void> {
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    const at = Math.max(0, Math.min(doc.lineCount - 1, line - 1));
    const range = doc.lineAt(at).range;
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: beside === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One, selection: range, preserveFocus: false });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
  } catch (err) {
    // VS Code does not open files over ~50 MB as documents (microsoft/vscode#31078).
    void vscode.window.showWarningMessage(`Loss Lens: cannot open ${uri.fsPath} at line ${line} in the editor (${(err as Error).message}).`);
  }
}
