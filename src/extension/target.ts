/** Which file a command is about: its argument, the active editor's file, the active dashboard's, or one the user picks. */
import * as vscode from 'vscode';
import { BINARY_EXTENSIONS, DELIMITED_TEXT_EXTENSIONS, LOSS_FILE_RE, PREDICTION_EXTENSIONS, READABLE_FILE_RE } from '../shared/commands';
import type { DashboardManager } from './dashboard/manager';
import { isReadableScheme } from './schemes';

export function isPredictionFile(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return uri !== undefined && isReadableScheme(uri.scheme) && LOSS_FILE_RE.test(uri.path);
}

/** A file a command reads when asked (with `.txt` and `.dat`, which get no automatic features). */
export function isReadableFile(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return uri !== undefined && isReadableScheme(uri.scheme) && READABLE_FILE_RE.test(uri.path);
}

/**
 * The file of the active editor tab: a text editor's document, or, where VS Code hands no
 * document over, the tab's file: a binary file in the preview, a text file over 50 MB.
 */
export function activeFileUri(): vscode.Uri | undefined {
  const text = vscode.window.activeTextEditor?.document.uri;
  if (text) return text;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
}

/** The file in view without asking: command argument, dashboard in front, or active editor. */
export function currentTarget(arg: unknown, dashboards: DashboardManager): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri && isReadableScheme(arg.scheme)) return arg;
  const dashboard = dashboards.active();
  if (dashboard) return dashboard.uri;
  const active = activeFileUri();
  return isReadableFile(active) ? active : undefined;
}

export async function pickPredictionFile(title: string): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    openLabel: 'Select',
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: { 'Prediction files': [...PREDICTION_EXTENSIONS, ...DELIMITED_TEXT_EXTENSIONS, 'gz', ...BINARY_EXTENSIONS], 'All files': ['*'] },
  });
  return picked?.[0];
}

/** The current target, else a file the user picks. */
export async function targetOrPick(arg: unknown, dashboards: DashboardManager, title: string): Promise<vscode.Uri | undefined> {
  return currentTarget(arg, dashboards) ?? (await pickPredictionFile(title));
}
