import * as vscode from 'vscode';
import { renderTextReport } from '../../shared/render/report-text';
import { editorSpeaker } from '../../shared/speak';
import type { Analysis } from '../../core/analyze';
import { PRESETS } from '../../core/presets';
import { currentTarget } from '../target';
import type { CommandFactory } from './context';

export const NO_FILE_MESSAGE = 'Loss Lens: no predictions file is open.';

export function summaryLine(label: string, a: Analysis): string {
  const unit = a.options.base === '2' ? 'bits' : 'nats';
  const acc = Number.isFinite(a.breakdown.accuracy) ? `, accuracy ${(a.breakdown.accuracy * 100).toFixed(1)}%` : '';
  return `Loss Lens: ${label}: mean loss ${a.breakdown.mean.toFixed(4)} ${unit} over ${a.breakdown.count} samples${acc} (${PRESETS[a.preset].label} preset)`;
}

/** The summary in a notification, the whole text report in the "Loss Lens" output channel. */
export const computeLoss: CommandFactory = (ctx) => async (arg) => {
  const uri = currentTarget(arg, ctx.dashboards);
  if (!uri) {
    void vscode.window.showInformationMessage(NO_FILE_MESSAGE);
    return;
  }
  const label = ctx.service.label(uri);
  let analysis: Analysis;
  try {
    const request = ctx.service.request(uri, ctx.dashboards.get(uri)?.currentWhatIf);
    analysis = await ctx.service.analyze(uri, request, { progressTitle: `Loss Lens: computing the loss of ${label}` });
  } catch (err) {
    ctx.service.showError(err, uri);
    return;
  }
  ctx.service.output.appendLine(renderTextReport(analysis, editorSpeaker));
  // A notification left open when the window closes rejects: not an analysis error.
  void vscode.window.showInformationMessage(summaryLine(label, analysis), 'Open Dashboard', 'Show Output').then((action) => {
    if (action === 'Open Dashboard') ctx.dashboards.show(uri);
    else if (action === 'Show Output') ctx.service.output.show(true);
  }, () => undefined);
};
