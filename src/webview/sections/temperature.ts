/**
 * Calibration versus refinement (core/diagnostics/temperature): T*, the log loss split into what
 * T* removes and what is left, per class, and the reliability diagram after T* drawn over the one
 * before (bars before, points and a line after). Shown once the diagnostics' pass is done.
 */
import type { TemperatureReport, TemperatureSide } from '../../core/diagnostics/temperature';
import type { DashboardData } from '../../shared/protocol';
import { temperatureFitText, temperatureHeadline, temperatureNotes } from '../../shared/render/temperature';
import type { Ctx } from '../context';
import { offeredNote } from './offered';
import { chartFigure, type Dom } from '../dom';
import { int, num, pct, raw } from '../format';
import { sortableTable, type Column } from '../table';

const TITLE = 'Calibration versus refinement';
const S = 240;
const M = { l: 40, r: 10, t: 10, b: 34 };
const SPLIT_W = 480;
const SPLIT_H = 22;

type ClassRow = TemperatureReport['classes'][number] & { index: number };

export function renderTemperature(ctx: Ctx, data: DashboardData): HTMLElement | null {
  const { dom } = ctx;
  const r = data.report;
  const found = r.diagnostics?.results.temperature;
  const note = (text: string, testid: string) => dom.section('temperature', TITLE, dom.h('p', { class: 'muted', 'data-testid': testid }, text));
  if (found !== undefined) return renderFound(ctx, found, data);
  const why = r.diagnostics?.unavailable.temperature;
  if (why !== undefined) return note(`Not worked out: ${why}.`, 'temperature-unavailable');
  const offered = offeredNote(ctx, data, 'temperature', 'fitting it takes up to four more passes over the rows', 'Fit the temperature');
  if (offered !== null) return dom.section('temperature', TITLE, offered);
  if (data.diagnosticsFailed !== undefined) return note(`Could not be worked out: ${data.diagnosticsFailed}`, 'temperature-failed');
  if (data.diagnosing?.includes('temperature')) return note('Fitting the temperature: one more pass over the rows…', 'temperature-pending');
  return null;
}

function figure(dom: Dom, label: string, value: number, testid: string, title: string, detail?: string): HTMLElement {
  return dom.h('div', { class: 'figure', title },
    dom.h('dt', {}, label),
    dom.h('dd', {}, dom.h('span', { class: 'figure-value', 'data-testid': testid, 'data-value': raw(value) }, num(value)), detail ? dom.h('span', { class: 'figure-detail' }, detail) : null));
}

/** One horizontal bar: the refinement part, then the calibration part, to scale. */
function splitBar(dom: Dom, t: TemperatureReport): HTMLElement {
  const total = t.before.loss;
  const w = Number.isFinite(total) && total > 0 ? (t.refinement / total) * SPLIT_W : SPLIT_W;
  const svg = dom.svg('svg', { class: 'temperature-split', viewBox: `0 0 ${SPLIT_W} ${SPLIT_H}`, preserveAspectRatio: 'none' },
    dom.svg('rect', { class: 'split-refinement', x: 0, y: 0, width: w.toFixed(2), height: SPLIT_H }),
    dom.svg('rect', { class: 'split-calibration', x: w.toFixed(2), y: 0, width: Math.max(0, SPLIT_W - w).toFixed(2), height: SPLIT_H }));
  const label = `The log loss ${num(total)} split: ${num(t.refinement)} refinement (left at T*), ${num(t.calibration)} calibration (${pct(t.calibration / total)}, removed by T*).`;
  return chartFigure(dom, svg, label, null, 'temperature-split-bar');
}

function points(side: TemperatureSide, x: (v: number) => number, y: (v: number) => number): [number, number][] {
  return side.bins.filter((b) => b.count > 0 && Number.isFinite(b.accuracy)).map((b) => [x(b.meanConfidence), y(b.accuracy)]);
}

/** The reliability diagram before T* (bars) with the one after T* over it (points joined by a line). */
function overlay(dom: Dom, t: TemperatureReport, binary: boolean): Element {
  const w = S - M.l - M.r;
  const x = (v: number) => M.l + v * w;
  const y = (v: number) => M.t + (1 - v) * w;
  const svg = dom.svg('svg', { class: 'chart-svg reliability', viewBox: `0 0 ${S} ${S}`, preserveAspectRatio: 'xMidYMid meet' });
  const axes = dom.svg('g', { class: 'axis' });
  for (const v of [0, 0.5, 1]) {
    axes.appendChild(dom.svg('line', { class: 'grid', x1: x(0), x2: x(1), y1: y(v), y2: y(v) }));
    axes.appendChild(dom.svg('text', { x: x(v), y: y(0) + 14, 'text-anchor': 'middle' }, String(v)));
    axes.appendChild(dom.svg('text', { x: x(0) - 6, y: y(v) + 4, 'text-anchor': 'end' }, String(v)));
  }
  axes.appendChild(dom.svg('text', { class: 'axis-title', x: x(0.5), y: S - 4, 'text-anchor': 'middle' }, binary ? 'predicted p(y=1)' : 'confidence'));
  axes.appendChild(dom.svg('line', { class: 'axis-line', x1: x(0), x2: x(1), y1: y(0), y2: y(0) }));
  svg.appendChild(axes);
  const before = dom.svg('g', { class: 'bars temperature-before' });
  for (const b of t.before.bins) {
    if (b.count === 0 || !Number.isFinite(b.accuracy)) continue;
    const x0 = x(b.lower) + 0.5;
    const bw = Math.max(0.5, x(b.upper) - x(b.lower) - 1);
    before.appendChild(dom.svg('rect', { class: 'bar', x: x0.toFixed(2), y: y(b.accuracy).toFixed(2), width: bw.toFixed(2), height: (y(0) - y(b.accuracy)).toFixed(2), 'data-count': b.count }));
  }
  svg.appendChild(before);
  svg.appendChild(dom.svg('line', { class: 'diagonal', x1: x(0), y1: y(0), x2: x(1), y2: y(1) }));
  const after = dom.svg('g', { class: 'temperature-after' });
  const pts = points(t.after, x, y);
  if (pts.length > 1) after.appendChild(dom.svg('polyline', { class: 'after-line', points: pts.map(([px, py]) => `${px.toFixed(2)},${py.toFixed(2)}`).join(' ') }));
  for (const [px, py] of pts) after.appendChild(dom.svg('circle', { class: 'after-point', cx: px.toFixed(2), cy: py.toFixed(2), r: 3 }));
  svg.appendChild(after);
  return svg;
}

function binTable(dom: Dom, t: TemperatureReport): HTMLElement {
  const row = (when: string, s: TemperatureSide) =>
    s.bins.filter((b) => b.count > 0).map((b) => dom.h('tr', {}, dom.h('td', {}, when), dom.h('td', {}, `${num(b.lower, 2)}–${num(b.upper, 2)}`), dom.h('td', {}, int(b.count)), dom.h('td', {}, num(b.meanConfidence)), dom.h('td', {}, num(b.accuracy))));
  return dom.h('table', {},
    dom.h('thead', {}, dom.h('tr', {}, ...['When', 'Bin', 'Count', 'Mean confidence', 'Accuracy'].map((h) => dom.h('th', { scope: 'col' }, h)))),
    dom.h('tbody', {}, ...row('before', t.before), ...row('at T*', t.after)));
}

/** Applying T* in the what-if (the report above is then at T*), or the note that it is. */
function whatIfControl(ctx: Ctx, t: TemperatureReport, data: DashboardData): HTMLElement | null {
  const { dom } = ctx;
  const current = data.whatIf.temperature ?? null;
  if (current !== null) {
    return dom.h('p', { class: 'muted small', 'data-testid': 'temperature-whatif-note' },
      `The report above is at the what-if temperature T = ${num(current)}; T* and the split here are of the scores as written.`);
  }
  if (t.limit !== undefined) return null;
  const apply = dom.h('button', { type: 'button', class: 'secondary', 'data-testid': 'temperature-apply' }, `Apply T* = ${num(t.temperature)} in the what-if`);
  apply.addEventListener('click', () => ctx.post({ type: 'setWhatIf', whatIf: { ...data.whatIf, temperature: t.temperature } }));
  return dom.h('p', {}, apply);
}

function renderFound(ctx: Ctx, t: TemperatureReport, data: DashboardData): HTMLElement {
  const { dom } = ctx;
  const unit = t.base === '2' ? 'bits' : 'nats';
  const headline = dom.h('p', { 'data-testid': 'temperature-headline' }, temperatureHeadline(t));
  if (t.notFitted !== undefined) return dom.section('temperature', TITLE, headline);
  const share = t.calibration / t.before.loss;
  const figures = dom.h('dl', { class: 'figures compact' },
    figure(dom, 'T*', t.temperature, 'temperature-t', 'The temperature that minimises the log loss of this file', t.limit === 'sharpen' ? '→ 0' : t.limit === 'flatten' ? '→ ∞' : undefined),
    figure(dom, 'Log loss', t.before.loss, 'temperature-before', `At T = 1: the mean log loss, in ${unit}, without smoothing, weights or a focal term`),
    figure(dom, 'Refinement', t.refinement, 'temperature-refinement', 'The log loss left at T*: what a better temperature cannot remove'),
    figure(dom, 'Calibration', t.calibration, 'temperature-calibration', 'The log loss T* removes', pct(share)),
    figure(dom, 'ECE', t.before.ece, 'temperature-ece-before', 'Equal-width ECE at T = 1'),
    figure(dom, 'ECE at T*', t.after.ece, 'temperature-ece-after', 'Equal-width ECE after dividing the scores by T*'));
  const binary = t.definition === 'positive-probability';
  const label = `Reliability diagram before T* (bars) and at T* = ${num(t.temperature)} (points joined by a line), in ${t.before.bins.length} equal-width bins: ECE ${num(t.before.ece)} before, ${num(t.after.ece)} at T*.`;
  const legend = dom.h('p', { class: 'legend small' },
    dom.h('span', { class: 'swatch swatch-before', 'aria-hidden': 'true' }), 'before (T = 1) ',
    dom.h('span', { class: 'swatch swatch-after', 'aria-hidden': 'true' }), 'at T* ',
    dom.h('span', { class: 'swatch swatch-diag', 'aria-hidden': 'true' }), 'perfect calibration');
  const splitLegend = dom.h('p', { class: 'legend small' },
    dom.h('span', { class: 'swatch swatch-refinement', 'aria-hidden': 'true' }), `refinement ${num(t.refinement)} `,
    dom.h('span', { class: 'swatch swatch-calibration', 'aria-hidden': 'true' }), `calibration ${num(t.calibration)} (${pct(share)})`);
  const rows: ClassRow[] = t.classes.map((c, index) => ({ ...c, index }));
  const columns: Column<ClassRow>[] = [
    { key: 'class', label: 'Class', value: (c) => c.index, cell: (c) => c.name },
    { key: 'support', label: 'Support', numeric: true, value: (c) => c.support, cell: (c) => int(c.support) },
    { key: 'before', label: 'Log loss', numeric: true, value: (c) => c.before, cell: (c) => num(c.before), raw: (c) => c.before, title: 'Mean log loss of the class\'s rows at T = 1' },
    { key: 'after', label: 'At T*', numeric: true, value: (c) => c.after, cell: (c) => num(c.after), raw: (c) => c.after, title: 'Mean log loss of the class\'s rows at T*: its refinement part' },
    { key: 'calibration', label: 'Calibration', numeric: true, value: (c) => c.calibration, cell: (c) => num(c.calibration), raw: (c) => c.calibration,
      title: 'What T* removes from the class\'s mean loss; negative where one temperature for all classes makes this one worse' },
  ];
  const table = sortableTable(dom, {
    caption: 'The split per class (by given class)',
    testid: 'temperature-class-table',
    columns,
    rows,
    sort: ctx.state.temperatureSort ?? null,
    onSort: (temperatureSort) => ctx.saveState({ temperatureSort }),
    rowAttrs: (c) => ({ 'data-testid': 'temperature-class-row', 'data-class': c.index }),
    pageSize: 20,
    rowNoun: 'classes',
  });
  const fit = dom.h('p', { class: 'muted small', 'data-testid': 'temperature-fit' },
    `How T* was fitted: ${temperatureFitText(t.fit, t.rows)}. `,
    t.scores === 'logits' ? 'The logits are divided by T before the softmax.' : 'The probabilities are raised to 1/T and renormalised (ln p divided by T before the softmax).',
    temperatureNotes(t) === '' ? '' : ` ${temperatureNotes(t)}.`);
  return dom.section('temperature', TITLE,
    headline,
    figures,
    splitBar(dom, t),
    splitLegend,
    dom.h('div', { class: 'calibration-body' },
      chartFigure(dom, overlay(dom, t, binary), label, binTable(dom, t), 'temperature-reliability'),
      dom.h('div', { class: 'temperature-side' }, legend, table)),
    whatIfControl(ctx, t, data),
    fit);
}
