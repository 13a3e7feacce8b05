/**
 * Which files Loss Lens reads, by URI scheme. The desktop build reads files on disk (`file:`)
 * in a worker thread; the browser build reads through vscode.workspace.fs, so it also reads the
 * folders a web workbench opens: code-server's `vscode-remote:` and vscode.dev's `vscode-vfs:`.
 * activate() sets it once from the job runner; until then (and in tests) it is the desktop's.
 */

/** The schemes of workspace folders a web workbench opens, besides local files. */
export const WEB_WORKSPACE_SCHEMES: readonly string[] = ['file', 'vscode-remote', 'vscode-vfs'];

let readable: ReadonlySet<string> = new Set(['file']);

export function setReadableSchemes(schemes: readonly string[]): void {
  readable = new Set(schemes);
}

/** True for a URI whose file the job runner can read (never `untitled:`: it has no file). */
export function isReadableScheme(scheme: string): boolean {
  return readable.has(scheme);
}
