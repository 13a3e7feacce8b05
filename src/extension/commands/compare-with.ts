import * as vscode from 'vscode';
import { pickPredictionFile, targetOrPick } from '../target';
import type { CommandFactory } from './context';

/** A second predictions file over the same samples (say the next epoch), side by side. */
export const compareWith: CommandFactory = (ctx) => async (arg, second) => {
  const uri = await targetOrPick(arg, ctx.dashboards, 'Loss Lens: the first predictions file');
  if (!uri) return;
  const other = second instanceof vscode.Uri ? second : await pickPredictionFile(`Loss Lens: compare ${ctx.service.label(uri)} with...`);
  if (!other) return;
  const dashboard = ctx.dashboards.show(uri);
  await dashboard.showComparison(other);
};
