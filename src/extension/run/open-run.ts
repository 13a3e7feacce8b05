/**
 * Open Run...: a folder of epoch (or checkpoint) files, files selected together in the explorer,
 * or one file whose rows a column (epoch, step, ...) groups into epochs, as one run (files over
 * the same samples); from the palette, the files or folder are picked. Reading happens in the
 * worker (RunPanel.load).
 */
import * as vscode from 'vscode';
import type { CommandFactory } from '../commands/context';
import { RunPanel, runLabel } from './panel';

/** The explorer passes the clicked item and every selected one; code may pass a URI or a list. */
function given(arg: unknown, selection: unknown): vscode.Uri[] {
  const uris = (x: unknown) => (Array.isArray(x) ? x.filter((u): u is vscode.Uri => u instanceof vscode.Uri) : []);
  const selected = uris(selection);
  if (selected.length > 0) return selected;
  if (Array.isArray(arg)) return uris(arg);
  return arg instanceof vscode.Uri ? [arg] : [];
}

async function pick(near: vscode.Uri | undefined): Promise<vscode.Uri[] | undefined> {
  return vscode.window.showOpenDialog({
    title: 'Loss Lens: the files of a run (one per epoch or checkpoint), or their folder',
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: true,
    openLabel: 'Open Run',
    ...(near === undefined ? {} : { defaultUri: near }),
  });
}

export const openRun: CommandFactory = (ctx) => async (arg, selection) => {
  try {
    // One file is a run when a column numbers its epochs (epoch, step, ...); the view says so when it is not.
    let uris = given(arg, selection);
    if (uris.length === 0) uris = (await pick(vscode.workspace.workspaceFolders?.[0]?.uri)) ?? [];
    if (uris.length === 0) return;
    RunPanel.show(ctx.service, ctx.extensionUri, uris, runLabel(ctx.service, uris));
  } catch (err) {
    ctx.service.showError(err);
  }
};
