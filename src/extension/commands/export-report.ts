import * as vscode from 'vscode';
import { uriBasename } from '../uri';
import { reportJson, stringifyReport } from '../../core/report-json';
import type { Analysis, AnalysisRequest } from '../../core/analyze';
import { DIAGNOSTIC_KEYS, extraPassesCost, type DiagnosticKey, type Diagnostics } from '../../core/diagnostics';
import type { IssueRanking } from '../../core/diagnostics/confident-learning';
import { labelIssuesCsv } from '../../shared/render/label-issues';
import { reportHtml, reportMarkdown } from '../../shared/render/report-export';
import { targetOrPick } from '../target';
import type { CommandContext, CommandFactory } from './context';

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
      const { diagnostics } = (await diagnosticsFor(ctx, uri, request, ['labelIssues'], true)) ?? {};
      if (diagnostics === undefined) return;
      const found = diagnostics.results.labelIssues;
      if (found === undefined) throw new Error(`No likely label errors for ${ctx.service.label(uri)}: ${diagnostics.unavailable.labelIssues ?? 'not worked out'}`);
      await vscode.workspace.fs.writeFile(out, new TextEncoder().encode(labelIssuesCsv(found, ranking)));
    } else {
      // What the dashboard shows under the report (temperature, label errors), decided as it does.
      const found = await diagnosticsFor(ctx, uri, request, DIAGNOSTIC_KEYS, false);
      if (found === undefined) return;
      const { analysis, diagnostics } = found;
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

/**
 * The diagnostics `keys` for an export, decided as the dashboard decides (its own runs reused: the
 * service caches each key on its own): all of them on a file of at most
 * lossLens.extraPasses.autoMaxMillionScores million scores. Above, those already worked out, and
 * for the rest a modal says what they would cost and asks: work them out, or (unless `required`)
 * export without them. With the first pass's analysis; undefined when the user cancels.
 */
async function diagnosticsFor(ctx: CommandContext, uri: vscode.Uri, request: AnalysisRequest, keys: readonly DiagnosticKey[], required: boolean): Promise<{ analysis: Analysis; diagnostics: Diagnostics } | undefined> {
  const label = ctx.service.label(uri);
  const { analysis, elapsedMs } = await ctx.service.analyzeTimed(uri, request, { progressTitle: `Loss Lens: analysing ${label}` });
  const scores = analysis.rows * analysis.layout.numClasses;
  const limit = ctx.service.config.get('extraPasses.autoMaxMillionScores');
  let run = [...keys];
  if (scores > limit * 1e6) {
    const done = await ctx.service.diagnosedKeys(uri, request, keys);
    const missing = keys.filter((k) => !done.includes(k));
    if (missing.length > 0) {
      const cost = extraPassesCost(missing, request, elapsedMs);
      const compute = 'Work them out';
      const without = 'Export without them';
      const asked = await vscode.window.showInformationMessage(
        `Also work out ${cost.names.join(' and ')} for the export (about ${Math.max(1, Math.round(cost.seconds))} s)?`,
        {
          modal: true,
          detail: `${label} holds ${scores.toLocaleString('en-US')} scores, above lossLens.extraPasses.autoMaxMillionScores (${limit} million): ` +
            `about ${cost.passes} more passes over the rows, each about as long as the report's (${(elapsedMs / 1000).toFixed(1)} s).` +
            (required ? '' : done.length > 0 ? ' Without them, the export holds what the dashboard already worked out.' : ' Without them, the export holds the report alone.'),
        },
        ...(required ? [compute] : [compute, without]),
      );
      if (asked === undefined) return undefined;
      if (asked === without) run = done;
    }
  }
  // One key at a time, as the dashboard asks: each is then its cached run when it has one.
  const diagnostics: Diagnostics = { results: {}, unavailable: {} };
  for (const k of run) {
    const d = await ctx.service.diagnose(uri, request, analysis, [k]);
    Object.assign(diagnostics.results, d.results);
    Object.assign(diagnostics.unavailable, d.unavailable);
  }
  return { analysis, diagnostics };
}
