/** Which file a command is about: its argument, the active editor's file, the active dashboard's, or one the user picks. */
import * as vscode from 'vscode';
import { DELIMITED_TEXT_EXTENSIONS, PREDICTION_EXTENSIONS, PREDICTION_FILE_RE, READABLE_FILE_RE } from '../shared/commands';
import type { DashboardManager } from './dashboard/manager';
import { isReadableScheme } from './schemes';

export function isPredictionFile(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return uri !== undefined && isReadableScheme(uri.scheme) && PREDICTION_FILE_RE.test(uri.path);
}

/** A file a command reads when asked (with `.txt` and `.dat`, which get no automatic features). */
export function isReadableFile(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return uri !== undefined && isReadableScheme(uri.scheme) && READABLE_FILE_RE.test(uri.path);
}

/** The file in view without asking: command argument, dashboard in front, or active editor. */
export function currentTarget(arg: unknown, dashboards: DashboardManager): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri && isReadableScheme(arg.scheme)) return arg;
  const dashboard = dashboards.active();
  if (dashboard) return dashboard.uri;
  const active = vscode.window.activeTextEditor?.document.uri;
  return isReadableFile(active) ? active : undefined;
}

export async function pickPredictionFile(title: string): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    openLabel: 'Select',
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: { 'Prediction files': [...PREDICTION_EXTENSIONS, ...DELIMITED_TEXT_EXTENSIONS, 'gz'], 'All files': ['*'] },
  });
  return picked?.[0];
}

/** The current target, else a file the user picks. */
export async function targetOrPick(arg: unknown, dashboards: DashboardManager, title: string): Promise<vscode.Uri | undefined> {
  return currentTarget(arg, dashboards) ?? (await pickPredictionFile(title));
}
