/**
 * The dashboard's data as the host assembles it, free of `vscode`: the page's HTML shell, the
 * history of mean losses across reloads, and a comparison of two files.
 */
import type { Analysis } from '../../core/analyze';
import { derive } from '../../core/derivation';
import { lossUnderPresets } from '../../core/losses';
import { reportJson, type ReportJson } from '../../core/report-json';
import { editorSpeaker } from '../../shared/speak';
import type { ChangedSample } from '../../node/per-sample';
import type { CompareOutcome } from '../../core/compare';
import type { SampleHit } from '../../core/sample-on-line';
import type { ComparisonData, DashboardData, DerivationData, WhatIf } from '../../shared/protocol';
import { logVersusSquared } from '../../core/log-vs-squared';
import { logVersusSquaredText, presetsLine, renderPreamble, renderTexSteps } from '../../shared/render';

/** Reloads remembered for the sparkline. */
export const HISTORY_LENGTH = 30;

export function appendHistory(history: DashboardData['history'], mean: number, time: number): DashboardData['history'] {
  return [...history, { time, mean }].slice(-HISTORY_LENGTH);
}

/** How the numbers came about, besides the time they took: a cache hit, or a sampled estimate. */
export type Provenance = Pick<DashboardData, 'fromCache' | 'computedAt' | 'estimate'>;

export function dashboardData(a: Analysis, whatIf: WhatIf, label: string, uri: string, history: DashboardData['history'], elapsedMs: number, provenance: Provenance = {}): DashboardData {
  const data: DashboardData = { report: spokenInEditor(reportJson(a)), whatIf, label, uri, history, elapsedMs };
  if (provenance.fromCache !== undefined) data.fromCache = provenance.fromCache;
  if (provenance.computedAt !== undefined) data.computedAt = provenance.computedAt;
  if (provenance.estimate !== undefined) data.estimate = provenance.estimate;
  return data;
}

/** The report's advice in the editor's words: its commands, not the CLI's flags. */
function spokenInEditor(r: ReportJson): ReportJson {
  return {
    ...r,
    layout: { ...r.layout, evidence: r.layout.evidence.map(editorSpeaker), assumptions: r.layout.assumptions.map((x) => ({ ...x, text: editorSpeaker(x.text) })) },
    warnings: r.warnings.map((w) => ({ ...w, message: editorSpeaker(w.message) })),
  };
}

export function comparisonData(base: DashboardData, other: DashboardData, changed: ChangedSample[], outcome: CompareOutcome): ComparisonData {
  return { base, other, changed: changed.map((c) => ({ ...c })), outcome };
}

/** What a derivation needs of a file's read: its options and layout, its mean and count (a run's file has no whole Analysis). */
export type DerivationSource = Pick<Analysis, 'options' | 'layout'> & { breakdown: Pick<Analysis['breakdown'], 'mean' | 'count'> };

/** A sample's derivation under the analysis's options, with the data set's mean and count (what --explain prints). */
export function derivationData(a: DerivationSource, hit: SampleHit, line: number, file?: string): DerivationData {
  const d = derive(hit.sample, a.options, a.layout.numClasses, a.layout.classNames);
  const contrast = logVersusSquared(d);
  return {
    ...(file === undefined ? {} : { file }),
    row: hit.row,
    line,
    entries: renderTexSteps(d),
    preamble: renderPreamble(d, { mean: a.breakdown.mean, count: a.breakdown.count }),
    presets: presetsLine(lossUnderPresets(hit.sample, a.options, a.layout.numClasses)),
    value: d.value,
    unit: a.options.base === '2' ? 'bits' : 'nats',
    ...(contrast === undefined ? {} : { logVsSquared: logVersusSquaredText(contrast, a.layout.kind === 'bce') }),
  };
}

export interface ShellParts {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** KaTeX's stylesheet (its fonts sit beside it, loaded from the extension under font-src). */
  katexStyleUri: string;
  title: string;
  /** Further stylesheets of the extension's, after the dashboard's (the run view's). */
  extraStyleUris?: string[];
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The page: no data in it (everything arrives by postMessage after the ready handshake), one
 * script with the nonce, styles and images from the extension only.
 */
export function dashboardHtml(p: ShellParts): string {
  const csp = [
    "default-src 'none'",
    `style-src ${p.cspSource}`,
    `script-src 'nonce-${p.nonce}'`,
    `img-src ${p.cspSource} data:`,
    `font-src ${p.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(p.katexStyleUri)}">
<link rel="stylesheet" href="${attr(p.styleUri)}">
${(p.extraStyleUris ?? []).map((u) => `<link rel="stylesheet" href="${attr(u)}">\n`).join('')}<title>${attr(p.title)}</title>
</head>
<body>
<div id="root"></div>
<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>
`;
}
