/** --label-issues's output: the text report's section and the --label-issues-csv file. */
import { writeFileSync } from 'node:fs';
import type { Analysis } from '../core/analyze';
import { isBinaryFormat } from '../core/formats';
import { labelIssuesCsv, labelIssuesText } from '../shared/render/label-issues';
import type { CliArgs } from './args';
import type { PreparedReport } from './report-output';

/**
 * Writes the CSV when asked and adds the section to a text report (--json carries the issues in
 * its diagnostics; Markdown, the export's renderer, gives the summary, the noise rate per class and
 * the first 20). When the file has no given class per row the reason is said on stderr, as --json
 * says it under diagnostics.unavailable.
 */
export function addLabelIssues(analysis: Analysis, args: CliArgs, report: PreparedReport): void {
  const asked = args.labelIssues;
  if (asked === undefined) return;
  const found = analysis.diagnostics?.results.labelIssues;
  if (found === undefined) {
    const why = analysis.diagnostics?.unavailable.labelIssues;
    if (why !== undefined) process.stderr.write(`loss-lens: --label-issues: ${why}\n`);
    return;
  }
  if (asked.csv !== undefined) writeFileSync(asked.csv, labelIssuesCsv(found, asked.ranking));
  if (args.json || args.format !== 'text') return;
  const withLines = analysis.files === undefined ? !isBinaryFormat(analysis.format) : analysis.files.some((f) => !isBinaryFormat(f.format));
  report.text += labelIssuesText(found, asked.ranking, args.top, withLines);
}
