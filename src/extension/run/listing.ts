/**
 * A folder's listing through the workspace file system, for shared/run-subfolders.ts: the browser
 * build's runner (web/runner.ts) and the live run (live.ts) choose a folder's subfolder files as
 * the desktop's worker does on disk (node/run-subfolders.ts).
 */
import * as vscode from 'vscode';
import { ownFilesRead, type FolderListing } from '../../shared/run-subfolders';

const isFile = ([, type]: [string, vscode.FileType]) => (type & vscode.FileType.File) !== 0;

/** The folder's files and, when none of them is read (ownFilesRead), its subfolders' files (dot folders aside). */
export async function workspaceListing(dir: vscode.Uri): Promise<FolderListing> {
  const entries = await vscode.workspace.fs.readDirectory(dir);
  const files = entries.filter(isFile).map(([n]) => n);
  if (ownFilesRead(files)) return { files, folders: [] };
  const subfolders = entries.filter(([n, type]) => (type & vscode.FileType.Directory) !== 0 && !n.startsWith('.')).map(([n]) => n);
  const folders = await Promise.all(subfolders.map(async (name) => ({ name, files: (await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(dir, name))).filter(isFile).map(([n]) => n) })));
  return { files, folders };
}
