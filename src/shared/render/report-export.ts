/**
 * Export Report... builders: the CLI's JSON report as Markdown or as one self-contained HTML page
 * (inline CSS and SVG charts: per-class bars, the loss histogram, the reliability diagram; no
 * script, no remote resource). Free of `vscode`: unit-tested on real reports.
 */
import type { ReportJson } from '../../core/report-json';
import { PRESETS } from '../../core/presets';
import { visibleBins } from '../histogram-bins';
import { curveValue } from '../../core/gate';
import { confusedPairsTable } from './confused-pairs';
import { labelIssuesSummary } from './label-issues';
import { clippingLines } from './presets-line';
import { temperatureFitText, temperatureHeadline, temperatureNotes, temperatureSplit } from './temperature';

const KIND_NAMES = { bce: 'binary cross-entropy', ce: 'categorical cross-entropy', multilabel: 'multi-label binary cross-entropy' } as const;

/** 4 decimals; tiny values in scientific notation; NaN (undefined) as a dash. */
export function fmt(n: number | null, digits = 4): string {
  if (n === null || Number.isNaN(n)) return '-';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (n !== 0 && Math.abs(n) < 10 ** -digits) return n.toExponential(2);
  return n.toFixed(digits);
}

const pct = (n: number | null) => (n === null || !Number.isFinite(n) ? '-' : `${(n * 100).toFixed(1)}%`);

const defined = (ci: readonly (number | null)[]): ci is [number, number] => ci.length === 2 && ci.every((v) => v !== null && Number.isFinite(v));

/** A proportion with its 95% (Wilson) interval, "0.8000 (0.62-0.91)"; the value alone when the interval is undefined. */
const within = (n: number | null, ci: readonly (number | null)[]) => (defined(ci) ? `${fmt(n)} (${fmt(ci[0], 2)}-${fmt(ci[1], 2)})` : fmt(n));

/** A mean with the half-width of its 95% (normal) interval, "0.5108 ± 0.7947", as the text report writes it. */
const plusMinus = (n: number | null, ci: readonly (number | null)[]) => (defined(ci) ? `${fmt(n)} ± ${fmt((ci[1] - ci[0]) / 2)}` : fmt(n));

const BRIER_DEFINITIONS = { ce: 'mean of sum_k (p_k - y_k)^2', bce: 'mean of (p - y)^2', multilabel: 'mean of (p - y)^2 over samples and labels' } as const;

function className(r: ReportJson, index: number): string {
  if (index < 0) return '-';
  return r.perClass[index]?.name ?? String(index);
}

interface Section {
  title: string;
  header: string[];
  rows: string[][];
}

/** The report as titled tables: both formats render the same content. */
function sections(r: ReportJson): { title: string; summary: [string, string][]; tables: Section[] } {
  const summary: [string, string][] = [
    [`Mean loss (${KIND_NAMES[r.layout.kind]})`, `${fmt(r.mean)} ${r.unit}`],
    ['Preset', `${r.preset}: ${PRESETS[r.preset].description}`],
    ['Samples', `${r.count} of ${r.rows} rows${r.skipped > 0 ? ` (${r.skipped} skipped)` : ''}`],
    ['Accuracy', pct(r.accuracy)],
    ['Expected calibration error', `${fmt(r.ece)} (${r.calibration.bins.length} equal-width bins, ${r.calibration.definition}); equal-mass ${fmt(r.adaptiveEce)}; class-wise ${fmt(r.classwiseEce)}`],
    ['Brier score', `${fmt(r.brier)} (${BRIER_DEFINITIONS[r.layout.kind]})`],
    ['Perplexity', fmt(r.perplexity)],
    ['Input', `${r.layout.input} in ${r.layout.predictionColumns.join(', ')}; labels in ${r.layout.labelColumn}`],
  ];
  const options = optionsSet(r);
  if (options !== null) summary.splice(2, 0, ['Options', options]);
  if (r.infinite > 0) summary.push(['Infinite losses', String(r.infinite)]);
  summary.push(...operatingSummary(r), ...clippingSummary(r), ...temperatureSummary(r), ...labelIssuesSummaryRows(r));
  const perClass: Section = {
    title: r.layout.kind === 'multilabel' ? 'Per label' : 'Per class',
    header: ['class', 'support', 'mean loss ± 95%', 'share of loss', 'precision (95%)', 'recall (95%)', 'F1', 'ECE'],
    rows: r.perClass.map((c) => [c.name, String(c.support), plusMinus(c.meanLoss, c.meanLossCi), pct(c.share), within(c.precision, c.precisionCi), within(c.recall, c.recallCi), fmt(c.f1), fmt(c.ece)]),
  };
  // Every reliability bin with its count: a gap in a bin of 12 samples is not a gap in one of 12,000.
  const calibration: Section = {
    title: `Calibration (${r.calibration.bins.length} equal-width bins, ${r.calibration.definition}; 95% Wilson intervals)`,
    header: ['bin', 'count', 'confidence', `${r.calibration.definition === 'top-label' ? 'accuracy' : 'freq. y=1'} (95%)`],
    rows: r.calibration.bins.filter((b) => b.count > 0).map((b) => [`${fmt(b.lower, 2)}-${fmt(b.upper, 2)}`, String(b.count), fmt(b.meanConfidence), within(b.accuracy, b.accuracyCi)]),
  };
  const pairs = confusedPairsTable(r.confusion, r.perClass.map((c) => c.name));
  const worst: Section = {
    title: 'Worst samples',
    header: ['row', 'line', 'loss', 'true', 'predicted', 'confidence'],
    rows: r.worst.map((w) => [String(w.row), String(w.line), fmt(w.loss), className(r, w.trueClass), className(r, w.predictedClass), fmt(w.confidence)]),
  };
  return {
    title: `Loss Lens report: ${r.file}`,
    summary,
    tables: [perClass, calibration, ...(pairs === null ? [] : [pairs]), ...operatingTables(r), ...temperatureTables(r), ...labelIssuesTables(r), worst],
  };
}

/**
 * The loss options set away from their defaults (the dashboard's what-if settings an export was
 * made with): every figure of the report depends on them. Null when none is.
 */
function optionsSet(r: ReportJson): string | null {
  const o = r.options;
  // As given (typed in the what-if or on the command line), not rounded.
  const set: string[] = [];
  if (o.labelSmoothing > 0) set.push(`label smoothing ${o.labelSmoothing}`);
  if (o.classWeights !== null) set.push(`class weights ${o.classWeights.join(', ')}`);
  if (o.posWeight !== null) set.push(`pos_weight ${o.posWeight}`);
  if (o.ignoreIndex !== null) set.push(`label ${o.ignoreIndex} ignored`);
  if (o.focalGamma !== null) set.push(`focal gamma ${o.focalGamma}`);
  if (o.focalAlpha !== null) set.push(`focal alpha ${o.focalAlpha}`);
  if (o.temperature !== null) {
    // The diagnostics pass over the scores as written: say which figures the temperature moved.
    set.push(`temperature T = ${o.temperature} (the scores divided by T, probabilities raised to 1/T and renormalised, before the loss and every figure of the report; ` +
      'the temperature split and the likely label errors are of the scores as written)');
  }
  return set.length === 0 ? null : set.join('; ');
}

/** "0.9123 (exact value in 0.9121-0.9125)": AUC and AP come from bucketed scores (core/breakdown/operating-points.ts). */
function bounded(name: 'auc' | 'ap', r: ReportJson): string {
  const b = curveValue(name, r.operatingPoints);
  if (Number.isNaN(b.value)) return `- (${b.note ?? 'undefined'})`;
  // Bounds that round to one figure are not worth a parenthesis.
  const range = b.range === undefined || fmt(b.range[0]) === fmt(b.range[1]) ? '' : `exact value in ${fmt(b.range[0])}-${fmt(b.range[1])}`;
  const said = [b.note, range].filter((x) => x !== undefined && x !== '');
  return said.length === 0 ? fmt(b.value) : `${fmt(b.value)} (${said.join('; ')})`;
}

/** ROC AUC and average precision, as the dashboard's operating-points section gives them (bce and multilabel). */
function operatingSummary(r: ReportJson): [string, string][] {
  if (r.operatingPoints === null) return [];
  return [['ROC AUC', bounded('auc', r)], ['Average precision', bounded('ap', r)]];
}

/** Multi-label: each label's AUC and AP (the summary's are their macro mean). */
function operatingTables(r: ReportJson): Section[] {
  const op = r.operatingPoints;
  if (op === null || op.curves.length < 2) return [];
  return [{
    title: 'Operating points per label (ROC AUC and average precision)',
    header: ['label', 'positives', 'negatives', 'ROC AUC', '± bound', 'average precision', 'exact AP in'],
    rows: op.curves.map((c) => [c.name, String(c.positives), String(c.negatives), fmt(c.auc), fmt(c.aucError), fmt(c.ap), `${fmt(c.apRange[0])}-${fmt(c.apRange[1])}`]),
  }];
}

/** The presets line and the sentence saying which samples make its gap (the dashboard's presets line). */
function clippingSummary(r: ReportJson): [string, string][] {
  const lines = clippingLines(r.clipping, r.layout.kind, { style: 'markdown' });
  if (lines === null) return [];
  return [['Mean under each preset', lines.means], ["Clipping's share", lines.why]];
}

/** Calibration versus refinement (--temperature; the dashboard always works it out). */
function temperatureSummary(r: ReportJson): [string, string][] {
  const t = r.diagnostics?.results.temperature;
  if (t === undefined) {
    const why = r.diagnostics?.unavailable.temperature;
    return why === undefined ? [] : [['Temperature', `not worked out: ${why}`]];
  }
  const rows: [string, string][] = [['Temperature', temperatureHeadline(t)]];
  if (t.notFitted !== undefined) return rows;
  rows.push(['Calibration versus refinement', temperatureSplit(t)], ['ECE before and at T*', `${fmt(t.before.ece)} before, ${fmt(t.after.ece)} at T*`], ['Temperature fit', temperatureFitText(t.fit, t.rows)]);
  const notes = temperatureNotes(t);
  if (notes !== '') rows.push(['Temperature notes', notes]);
  return rows;
}

function temperatureTables(r: ReportJson): Section[] {
  const t = r.diagnostics?.results.temperature;
  if (t === undefined || t.notFitted !== undefined) return [];
  return [{
    title: `Calibration versus refinement per class (log loss before and at T*, ${t.base === '2' ? 'bits' : 'nats'})`,
    header: ['class', 'support', 'before', 'at T*', 'calibration'],
    rows: t.classes.map((c) => [c.name, String(c.support), fmt(c.before), fmt(c.after), fmt(c.calibration)]),
  }];
}

/** Likely label errors listed in an export: the first of the self-confidence ranking (the CSV export lists 1,000). */
export const EXPORT_LABEL_ISSUES = 20;

function labelIssuesSummaryRows(r: ReportJson): [string, string][] {
  const li = r.diagnostics?.results.labelIssues;
  if (li === undefined) {
    const why = r.diagnostics?.unavailable.labelIssues;
    return why === undefined ? [] : [['Likely label errors', `not worked out: ${why}`]];
  }
  return [['Likely label errors', `${labelIssuesSummary(li)} (confident learning, Northcutt et al. 2021)`]];
}

function labelIssuesTables(r: ReportJson): Section[] {
  const li = r.diagnostics?.results.labelIssues;
  if (li === undefined) return [];
  const name = (k: number) => li.classNames[k] ?? String(k);
  const perClass: Section = {
    title: 'Likely label errors per class (estimated noise rate)',
    header: ['class', 'labelled', 'threshold', 'noise rate', 'est. wrong', 'flagged'],
    rows: li.classNames.map((c, k) => [c, String(li.labelCounts[k]), fmt(li.thresholds[k] ?? null), pct(li.noiseRate[k] ?? null), fmt(li.estimatedErrors[k] ?? null, 1), String(li.issuesPerClass[k])]),
  };
  const top = li.bySelfConfidence.slice(0, EXPORT_LABEL_ISSUES);
  const files = top.some((i) => i.file !== undefined);
  const issues: Section = {
    title: `The ${top.length} most likely label errors of ${li.issueCount} flagged (by self-confidence, p of the given label, lowest first)`,
    header: ['rank', ...(files ? ['file'] : []), 'row', 'line', 'given', 'suggested', 'p(given)', 'p(suggested)'],
    rows: top.map((i, n) => [String(n + 1), ...(files ? [i.file ?? ''] : []), String(i.row), String(i.line), name(i.given), name(i.suggested), fmt(i.givenProb), fmt(i.suggestedProb)]),
  };
  return top.length === 0 ? [perClass] : [perClass, issues];
}

const mdCell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');

function mdTable(header: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.map(mdCell).join(' | ')} |`;
  return [line(header), `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map(line)];
}

export function reportMarkdown(r: ReportJson): string {
  const s = sections(r);
  const out = [`# ${s.title}`, '', ...mdTable(['', ''], s.summary.map(([k, v]) => [k, v]))];
  for (const t of s.tables) out.push('', `## ${t.title}`, '', ...mdTable(t.header, t.rows));
  return out.join('\n') + '\n';
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Bars drawn at most: 1000 classes would make an 18,000 px chart; the table below lists them all. */
export const MAX_CLASS_BARS = 40;

/**
 * Horizontal bars of each class's mean loss, as inline SVG (infinite losses drawn full length);
 * above MAX_CLASS_BARS classes, those with the highest mean loss, in class order.
 */
export function classBarsSvg(r: ReportJson): string {
  const rowH = 18;
  const labelW = 120;
  const barW = 300;
  const values = r.perClass.map((c) => c.meanLoss);
  const finite = values.filter((v) => Number.isFinite(v));
  const max = Math.max(...finite, 0);
  const shown = r.perClass.length <= MAX_CLASS_BARS ? r.perClass : [...r.perClass]
    .sort((x, y) => (Number.isNaN(x.meanLoss) ? 1 : 0) - (Number.isNaN(y.meanLoss) ? 1 : 0) || y.meanLoss - x.meanLoss || x.index - y.index)
    .slice(0, MAX_CLASS_BARS)
    .sort((x, y) => x.index - y.index);
  const h = rowH * shown.length + 4;
  const bars = shown.map((c, i) => {
    const v = c.meanLoss;
    const w = Number.isFinite(v) ? (max > 0 ? (v / max) * barW : 0) : Number.isNaN(v) ? 0 : barW;
    const y = i * rowH + 2;
    return (
      `<text x="${labelW - 6}" y="${y + 12}" text-anchor="end">${escapeHtml(c.name)}</text>` +
      `<rect x="${labelW}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 6}"><title>${escapeHtml(`${c.name}: ${fmt(v)}`)}</title></rect>` +
      `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + 12}">${fmt(v)}</text>`
    );
  });
  const label = shown.length < r.perClass.length ? `mean loss of the ${shown.length} classes (of ${r.perClass.length}) with the highest` : 'mean loss per class';
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${label}" width="${labelW + barW + 80}" height="${h}" viewBox="0 0 ${labelW + barW + 80} ${h}">${bars.join('')}</svg>`;
}

/**
 * The loss histogram on the dashboard's log-spaced bins (from the first to the last non-empty
 * decade): one bar per bin, its height the count, ticks at each decade.
 */
export function histogramSvg(r: ReportJson): string {
  const bins = visibleBins(r.histogram);
  const w = 480;
  const h = 160;
  const left = 40;
  const bottom = 24;
  if (bins.length === 0) return '';
  const max = Math.max(...bins.map((b) => b.count), 1);
  const bw = (w - left - 8) / bins.length;
  const bars = bins.map((b, j) => {
    const bh = (b.count / max) * (h - bottom - 8);
    const x = left + j * bw;
    return `<rect class="hist" x="${x.toFixed(1)}" y="${(h - bottom - bh).toFixed(1)}" width="${Math.max(bw - 1, 1).toFixed(1)}" height="${bh.toFixed(1)}"><title>${escapeHtml(`[${fmt(b.lo)}, ${fmt(b.hi)}): ${b.count}`)}</title></rect>`;
  });
  const ticks = bins
    .map((b, j) => ({ b, j }))
    .filter(({ b }) => Math.abs(Math.log10(b.lo) - Math.round(Math.log10(b.lo))) < 1e-9)
    .map(({ b, j }) => `<text x="${(left + j * bw).toFixed(1)}" y="${h - 8}" text-anchor="middle">${escapeHtml(String(Number(b.lo.toPrecision(3))))}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="histogram of per-sample loss (${escapeHtml(r.unit)}, log scale)" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><line x1="${left}" y1="${h - bottom}" x2="${w - 8}" y2="${h - bottom}" class="axis"/><text x="4" y="14">${max}</text>${bars.join('')}${ticks.join('')}</svg>`;
}

/** The reliability diagram: accuracy against mean confidence per non-empty bin, and the diagonal of perfect calibration. */
export function reliabilitySvg(r: ReportJson): string {
  const size = 200;
  const pad = 28;
  const span = size - 2 * pad;
  const px = (v: number) => (pad + v * span).toFixed(1);
  const py = (v: number) => (size - pad - v * span).toFixed(1);
  const bins = r.calibration.bins.filter((b) => b.count > 0 && Number.isFinite(b.accuracy) && Number.isFinite(b.meanConfidence));
  const most = Math.max(...bins.map((b) => b.count), 1);
  const dots = bins.map(
    (b) =>
      `<circle class="bin" cx="${px(b.meanConfidence)}" cy="${py(b.accuracy)}" r="${(2 + 4 * Math.sqrt(b.count / most)).toFixed(1)}"><title>${escapeHtml(`confidence ${fmt(b.meanConfidence)}, accuracy ${fmt(b.accuracy)}, ${b.count} samples`)}</title></circle>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="reliability diagram, ECE ${fmt(r.ece)}" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}"><rect class="frame" x="${pad}" y="${pad}" width="${span}" height="${span}"/><line class="diagonal" x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}"/>${dots.join('')}<text x="${pad}" y="${size - 8}">0</text><text x="${size - pad}" y="${size - 8}" text-anchor="end">confidence 1</text><text x="4" y="${pad - 8}">accuracy</text></svg>`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222;background:#fff}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{padding:.2em .7em;border-bottom:1px solid #ddd;text-align:right}
th:first-child,td:first-child{text-align:left}svg text{font-size:12px;fill:currentColor}svg rect{fill:#3b7dd8}
svg rect.frame{fill:none;stroke:#999}svg .axis,svg .diagonal{stroke:#999;stroke-dasharray:4 3}svg .bin{fill:#d8693b;fill-opacity:.8}
@media (prefers-color-scheme:dark){body{color:#ddd;background:#1e1e1e}th,td{border-color:#444}}`;

export function reportHtml(r: ReportJson): string {
  const s = sections(r);
  const table = (header: string[], rows: string[][]) =>
    `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const [perClass, calibration, ...rest] = s.tables;
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(s.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(s.title)}</h1>`,
    `<table><tbody>${s.summary.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`,
  ];
  if (perClass) {
    const note = r.perClass.length > MAX_CLASS_BARS ? `<p>Bars: the ${MAX_CLASS_BARS} classes with the highest mean loss; the table lists all ${r.perClass.length}.</p>` : '';
    parts.push(`<h2>${escapeHtml(perClass.title)}</h2>`, classBarsSvg(r), note, table(perClass.header, perClass.rows));
  }
  parts.push(`<h2>Loss distribution</h2>`, histogramSvg(r), `<h2>Calibration (ECE ${escapeHtml(fmt(r.ece))})</h2>`, reliabilitySvg(r));
  if (calibration) parts.push(`<p>${escapeHtml(calibration.title)}</p>`, table(calibration.header, calibration.rows));
  for (const t of rest) parts.push(`<h2>${escapeHtml(t.title)}</h2>`, table(t.header, t.rows));
  parts.push('</body></html>');
  return parts.join('\n') + '\n';
}
