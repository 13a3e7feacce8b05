import * as vscode from 'vscode';
import { uriBasename } from '../uri';
import { reportJson, stringifyReport } from '../../core/report-json';
import { DIAGNOSTIC_KEYS } from '../../core/diagnostics';
import type { IssueRanking } from '../../core/diagnostics/confident-learning';
import { labelIssuesCsv } from '../../shared/render/label-issues';
import { reportHtml, reportMarkdown } from '../../shared/render/report-export';
import { targetOrPick } from '../target';
import type { CommandFactory } from './context';

type Format = 'md' | 'html' | 'json' | 'csv' | 'issues' | 'issues-margin';

/** The likely label errors' CSV in each ranking (the dashboard's section asks for the one it shows). */
const ISSUE_RANKINGS: Partial<Record<Format, IssueRanking>> = { issues: 'self-confidence', 'issues-margin': 'normalized-margin' };

const FORMATS: { label: string; detail: string; ext: Format }[] = [
  { label: 'Markdown', detail: 'Summary, per-class table and worst samples', ext: 'md' },
  { label: 'HTML', detail: 'One self-contained page with the tables and a bar chart', ext: 'html' },
  { label: 'JSON', detail: "The CLI's --json report (schema loss-lens.report/1)", ext: 'json' },
  { label: 'CSV', detail: 'The loss of every sample (row, line, loss, weight, classes, confidence)', ext: 'csv' },
  { label: 'Likely label errors (CSV)', detail: 'Rows most likely mislabelled, by self-confidence: given and suggested labels, both scores', ext: 'issues' },
  { label: 'Likely label errors by normalized margin (CSV)', detail: 'The same rows ranked by normalized margin', ext: 'issues-margin' },
];

/** Exports what the dashboard shows (its what-if settings if one is open) in the chosen format. */
export const exportReport: CommandFactory = (ctx) => async (arg, formatArg, outArg) => {
  const uri = await targetOrPick(arg, ctx.dashboards, 'Loss Lens: choose a predictions file');
  if (!uri) return;
  const format =
    FORMATS.find((f) => f.ext === formatArg) ??
    (await vscode.window.showQuickPick(FORMATS, { title: `Loss Lens: export the report of ${ctx.service.label(uri)}` }));
  if (!format) return;
  const ranking = ISSUE_RANKINGS[format.ext];
  const stem = uriBasename(uri).replace(/(\.gz)?$/i, '').replace(/\.[^.]+$/, '');
  const out =
    outArg instanceof vscode.Uri
      ? outArg
      : await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.joinPath(uri, '..', ranking !== undefined ? `${stem}.label-issues.csv` : `${stem}.${format.ext === 'csv' ? 'losses' : 'loss-report'}.${format.ext}`),
          filters: { [format.label]: [ranking !== undefined ? 'csv' : format.ext] },
        });
  if (!out) return;
  const request = ctx.service.request(uri, ctx.dashboards.get(uri)?.currentWhatIf);
  try {
    if (format.ext === 'csv') {
      // Streamed to disk by the desktop's worker (a per-sample file can be as large as the
      // input); the browser build's worker returns it whole and the host writes it.
      await ctx.service.perSampleCsv(uri, request, out);
    } else if (ranking !== undefined) {
      const analysis = await ctx.service.analyze(uri, request, { progressTitle: `Loss Lens: analysing ${ctx.service.label(uri)}` });
      // Every key, as the dashboard asks: its run when it has one (cached by the service), else the passes here.
      const diagnostics = await ctx.service.diagnose(uri, request, analysis, DIAGNOSTIC_KEYS);
      const found = diagnostics.results.labelIssues;
      if (found === undefined) throw new Error(`No likely label errors for ${ctx.service.label(uri)}: ${diagnostics.unavailable.labelIssues ?? 'not worked out'}`);
      await vscode.workspace.fs.writeFile(out, new TextEncoder().encode(labelIssuesCsv(found, ranking)));
    } else {
      const analysis = await ctx.service.analyze(uri, request, { progressTitle: `Loss Lens: analysing ${ctx.service.label(uri)}` });
      // What the dashboard shows under the report (temperature, label errors): its run when it has one, else the passes here.
      const diagnostics = await ctx.service.diagnose(uri, request, analysis, DIAGNOSTIC_KEYS);
      const report = reportJson({ ...analysis, diagnostics });
      const text = format.ext === 'md' ? reportMarkdown(report) : format.ext === 'html' ? reportHtml(report) : stringifyReport(report) + '\n';
      await vscode.workspace.fs.writeFile(out, new TextEncoder().encode(text));
    }
  } catch (err) {
    ctx.service.showError(err, uri);
    return;
  }
  // Not awaited inside the try: a notification still open when the window closes rejects, and
  // that is no export error (showError would then write to a closed output channel).
  void vscode.window.showInformationMessage(`Loss Lens: report written to ${vscode.workspace.asRelativePath(out, false)}`, 'Open').then(
    (action) => (action === 'Open' ? vscode.commands.executeCommand('vscode.open', out) : undefined),
    () => undefined,
  );
};
