import * as vscode from 'vscode';
import { pickPredictionFile, targetOrPick } from '../target';
import type { CommandFactory } from './context';

/**
 * The second file, when the command already names it: a URI (from code), or the explorer's
 * selection of two files (a context-menu command gets the clicked file and every selected one).
 */
function secondOf(first: vscode.Uri, arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (!Array.isArray(arg)) return undefined;
  const others = arg.filter((u): u is vscode.Uri => u instanceof vscode.Uri && u.toString() !== first.toString());
  return others.length === 1 ? others[0] : undefined;
}

/** A second predictions file over the same samples (say the next epoch), side by side. */
export const compareWith: CommandFactory = (ctx) => async (arg, second) => {
  const uri = await targetOrPick(arg, ctx.dashboards, 'Loss Lens: the first predictions file');
  if (!uri) return;
  const other = secondOf(uri, second) ?? (await pickPredictionFile(`Loss Lens: compare ${ctx.service.label(uri)} with...`));
  if (!other) return;
  const dashboard = ctx.dashboards.show(uri);
  await dashboard.showComparison(other);
};
