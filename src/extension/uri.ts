import type * as vscode from 'vscode';

/** The last segment of a URI's path: works for file:, vscode-vfs: and the web host alike (no node:path). */
export function uriBasename(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
