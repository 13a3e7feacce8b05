/**
 * Likely label errors (core/diagnostics/label-issues) as the CLI's text and as CSV, which the CLI's
 * --label-issues-csv and the dashboard's export write alike.
 */
import type { IssueRanking } from '../../core/diagnostics/confident-learning';
import type { LabelIssue, LabelIssuesReport } from '../../core/diagnostics/label-issues';
import { formatNumber } from './format';

export const RANKING_NAMES: Record<IssueRanking, string> = {
  'self-confidence': 'self-confidence (p of the given label)',
  'normalized-margin': 'normalized margin ((p given - highest other p + 1) / 2)',
};

export function rankedIssues(report: LabelIssuesReport, ranking: IssueRanking): LabelIssue[] {
  return ranking === 'self-confidence' ? report.bySelfConfidence : report.byNormalizedMargin;
}

export function issueScore(issue: LabelIssue, ranking: IssueRanking): number {
  return ranking === 'self-confidence' ? issue.selfConfidence : issue.normalizedMargin;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');
const int = (n: number) => n.toLocaleString('en-US');

/** One sentence: what was counted and how many issues, for every front end. */
export function labelIssuesSummary(report: LabelIssuesReport): string {
  return (
    `${int(report.issueCount)} of ${int(report.rows)} rows flagged (${pct(report.issueCount / report.rows)}); ` +
    `estimated share of wrong labels ${pct(report.overallNoiseRate)}` +
    (report.leftOut > 0 ? `; ${int(report.leftOut)} rows without a class left out` : '')
  );
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The listed issues in `ranking`'s order, one row each, with both scores and the class names. */
export function labelIssuesCsv(report: LabelIssuesReport, ranking: IssueRanking): string {
  const issues = rankedIssues(report, ranking);
  const files = issues.some((i) => i.file !== undefined);
  const name = (k: number) => csvField(report.classNames[k] ?? String(k));
  const header = ['rank', ...(files ? ['file'] : []), 'row', 'line', 'given', 'given_name', 'suggested', 'suggested_name', 'self_confidence', 'normalized_margin', 'p_given', 'p_suggested'];
  const rows = issues.map((i, r) =>
    [String(r + 1), ...(files ? [csvField(i.file ?? '')] : []), String(i.row), String(i.line), String(i.given), name(i.given), String(i.suggested), name(i.suggested),
      String(i.selfConfidence), String(i.normalizedMargin), String(i.givenProb), String(i.suggestedProb)].join(','),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}

/** Left-aligns the first `left` columns, right-aligns the rest. */
function table(header: string[], rows: string[][], left = 1): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

/** The text report's section: noise rate per class, then the first `top` issues by `ranking`. */
export function labelIssuesText(report: LabelIssuesReport, ranking: IssueRanking, top: number, withLines: boolean): string {
  const out: string[] = ['', 'Likely label errors (confident learning, Northcutt et al. 2021)'];
  out.push(`  ${labelIssuesSummary(report)}`);
  const name = (k: number) => report.classNames[k] ?? String(k);
  out.push(
    ...table(
      ['class', 'labelled', 'threshold', 'noise rate', 'est. wrong', 'flagged'],
      report.classNames.map((c, k) => [c, int(report.labelCounts[k]!), formatNumber(report.thresholds[k]!), pct(report.noiseRate[k]!), report.estimatedErrors[k]!.toFixed(1), int(report.issuesPerClass[k]!)]),
    ),
  );
  const issues = rankedIssues(report, ranking).slice(0, top);
  if (issues.length > 0) {
    const files = issues.some((i) => i.file !== undefined);
    out.push('', `  The ${issues.length} most likely by ${RANKING_NAMES[ranking]}, lowest first`);
    out.push(
      ...table(
        ['rank', ...(files ? ['file'] : []), 'row', ...(withLines ? ['line'] : []), 'given', 'suggested', 'score', 'p(given)', 'p(suggested)'],
        issues.map((i, r) => [String(r + 1), ...(files ? [i.file ?? ''] : []), String(i.row), ...(withLines ? [String(i.line)] : []), name(i.given), name(i.suggested),
          formatNumber(issueScore(i, ranking)), formatNumber(i.givenProb), formatNumber(i.suggestedProb)]),
        files ? 2 : 1,
      ),
    );
  }
  return out.join('\n') + '\n';
}
