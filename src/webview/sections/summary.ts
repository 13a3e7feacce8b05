/** The headline: mean loss with its unit and preset, count, accuracy, ECE, and the history sparkline. */
import type { DashboardData, SampleInfo } from '../../shared/protocol';
import { FORMAT_NAMES } from '../../core/formats';
import { PRESETS } from '../../core/presets';
import { chartFigure, type Dom } from '../dom';
import { KIND_NAMES, type Ctx } from '../context';
import { int, num, raw } from '../format';
import { clippingLines } from '../../shared/render/presets-line';

function figure(dom: Dom, testid: string, label: string, value: number, shown: string, detail?: Node | string): HTMLElement {
  return dom.h(
    'div',
    { class: 'figure' },
    dom.h('dt', {}, label),
    dom.h('dd', {}, dom.h('span', { class: 'figure-value', 'data-testid': testid, 'data-value': raw(value) }, shown), detail ? dom.h('span', { class: 'figure-detail' }, detail) : null),
  );
}

/** Mean loss after each reload, oldest first: a polyline scaled to its own range. */
export function sparkline(dom: Dom, history: DashboardData['history'], unit: string): HTMLElement | null {
  const pts = history.filter((h) => Number.isFinite(h.mean));
  if (pts.length < 2) return null;
  const w = 120;
  const hgt = 28;
  const lo = Math.min(...pts.map((p) => p.mean));
  const hi = Math.max(...pts.map((p) => p.mean));
  const span = hi - lo || 1;
  const xy = pts.map((p, i) => [2 + (i * (w - 4)) / (pts.length - 1), hgt - 3 - ((p.mean - lo) / span) * (hgt - 6)] as const);
  const svg = dom.svg(
    'svg',
    { class: 'sparkline', width: w, height: hgt, viewBox: `0 0 ${w} ${hgt}` },
    dom.svg('polyline', { points: xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '), class: 'spark-line' }),
  );
  const last = xy[xy.length - 1];
  if (last) svg.appendChild(dom.svg('circle', { cx: last[0].toFixed(1), cy: last[1].toFixed(1), r: 2.5, class: 'spark-dot' }));
  const first = pts[0]?.mean ?? NaN;
  const final = pts[pts.length - 1]?.mean ?? NaN;
  const label = `Mean loss over the last ${pts.length} loads, from ${num(first)} to ${num(final)} ${unit}`;
  const alt = dom.h('ol', {}, ...pts.map((p) => dom.h('li', {}, `${new Date(p.time).toISOString()}: ${num(p.mean)} ${unit}`)));
  return chartFigure(dom, svg, label, alt, 'history-sparkline');
}

/** Bytes as a person reads them: 4.0 MB, 1.02 GB. */
export function size(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

/** How long the numbers took, and whether they were looked up rather than computed just now. */
export function computedText(data: DashboardData): string {
  const ms = `${int(Math.round(data.elapsedMs))} ms`;
  if (data.estimate) return `Estimated in ${ms}; the full pass is running.`;
  if (!data.fromCache) return `Computed in ${ms}.`;
  const at = data.computedAt !== undefined ? ` at ${new Date(data.computedAt).toLocaleTimeString()}` : '';
  return `Computed in ${ms}${at}; shown from the cache, as the file has not changed since.`;
}

/** The banner over an estimate: what was sampled, and that the full result will replace it. */
function estimateNote(dom: Dom, e: SampleInfo): HTMLElement {
  return dom.h('p', { class: 'estimate-note', role: 'status', 'data-testid': 'estimate', 'data-value': e.sampledRows },
    dom.h('strong', {}, 'Estimate'),
    ` from ${int(e.sampledRows)} sampled rows (${int(e.ranges)} evenly spaced parts of the file, ${size(e.sampledBytes)} of ${size(e.totalBytes)}). `,
    'The full pass is running and will replace these numbers; counts below are the sample\'s.');
}

export function renderSummary(ctx: Ctx, data: DashboardData): HTMLElement {
  const { dom } = ctx;
  const r = data.report;
  const preset = PRESETS[r.preset];
  const meanLabel = r.options.reduction === 'sum' ? 'Sum loss' : 'Mean loss';
  const presetBadge = dom.h('span', { class: 'badge', 'data-testid': 'preset', 'data-value': r.preset, title: preset.description }, preset.label);
  const unit = dom.h('span', { class: 'unit', 'data-testid': 'unit' }, r.unit);
  // A what-if temperature moves every figure here: said beside the preset, not only in the what-if form.
  const t = r.options.temperature;
  const temperatureBadge = t === null ? null
    : dom.h('span', { class: 'badge', 'data-testid': 'temperature-badge', 'data-value': t, title: 'What-if temperature: the scores divided by T (probabilities raised to 1/T and renormalised) before every figure of the report' }, `T = ${num(t)}`);
  const meanDetail = dom.h('span', {}, unit, ' ', presetBadge, temperatureBadge === null ? null : ' ', temperatureBadge);
  const list = dom.h(
    'dl',
    { class: 'figures' },
    figure(dom, 'mean-loss', meanLabel, r.value, num(r.value, 6), meanDetail),
    figure(dom, 'count', data.estimate ? 'Sampled rows' : 'Samples', r.count, int(r.count), [r.ignored ? `${int(r.ignored)} ignored` : '', r.skipped ? `${int(r.skipped)} skipped` : ''].filter(Boolean).join(', ')),
    figure(dom, 'accuracy', r.layout.kind === 'multilabel' ? 'Exact-match accuracy' : 'Accuracy', r.accuracy, num(r.accuracy)),
    // Beside the log loss: the Brier score punishes a confident mistake at most 1 (2 over K classes), the log loss without bound.
    figure(dom, 'brier', 'Brier score', r.brier, num(r.brier), r.layout.kind === 'ce' ? 'sum over classes' : 'mean of (p − y)²'),
    figure(dom, 'ece', 'ECE', r.ece, num(r.ece), `${r.calibration.bins.length} bins; equal-mass ${num(r.adaptiveEce)}, class-wise ${num(r.classwiseEce)}`),
    figure(dom, 'perplexity', 'Perplexity', r.perplexity, num(r.perplexity)),
    figure(dom, 'entropy', 'Mean entropy', r.meanEntropy, num(r.meanEntropy), r.unit),
  );
  if (r.infinite > 0) {
    list.appendChild(figure(dom, 'infinite', 'Infinite losses', r.infinite, int(r.infinite)));
  }
  const h = r.hardAgreement;
  if (h !== null && h.compared > 0) {
    const rate = h.agree / h.compared;
    list.appendChild(figure(dom, 'agreement', `Argmax = ${h.column}`, rate, num(rate), `${int(h.agree)} of ${int(h.compared)} rows`));
  }
  const desc = dom.h(
    'p',
    { class: 'subtitle' },
    `${KIND_NAMES[r.layout.kind]} from ${r.layout.input === 'logits' ? 'logits' : 'probabilities'}, ${int(r.rows)} ${data.estimate ? 'sampled ' : ''}rows${r.files === undefined ? '' : ` in ${r.files.length} files`}, ${FORMAT_NAMES[r.format]}. `,
    dom.h('span', { class: 'muted' }, `Preset ${r.preset}: ${preset.description}`),
  );
  // The file under every preset, and which samples make the gap (clipping's share).
  const clip = clippingLines(r.clipping, r.layout.kind, { style: 'markdown' });
  const presets = clip
    ? dom.h('p', { class: 'presets-gap', 'data-testid': 'presets-gap' }, dom.h('strong', {}, 'Mean under each preset: '), clip.means, dom.h('span', { class: 'presets-gap-why', 'data-testid': 'presets-gap-why' }, clip.why))
    : null;
  const spark = sparkline(dom, data.history, r.unit);
  const meta = dom.h('p', { class: 'muted small', 'data-testid': 'computed' }, computedText(data));
  return dom.h('section', { class: 'card summary', id: 'summary', 'aria-labelledby': 'summary-heading' },
    dom.h('header', { class: 'summary-head' }, dom.h('h1', { id: 'summary-heading', 'data-testid': 'title' }, data.label), spark),
    data.estimate ? estimateNote(dom, data.estimate) : null,
    desc, list, presets, meta);
}
