/** The reliability diagram (hand-written SVG, as the other charts) and the ECE. */
import type { ReportJson } from '../../core/report-json';
import type { Ctx } from '../context';
import { chartFigure, type Dom } from '../dom';
import { int, num, raw } from '../format';

const S = 240;
const M = { l: 40, r: 10, t: 10, b: 34 };

function diagram(dom: Dom, r: ReportJson): Element {
  const c = r.calibration;
  const w = S - M.l - M.r;
  const x = (v: number) => M.l + v * w;
  const y = (v: number) => M.t + (1 - v) * w;
  const svg = dom.svg('svg', { class: 'chart-svg reliability', viewBox: `0 0 ${S} ${S}`, preserveAspectRatio: 'xMidYMid meet' });
  const axes = dom.svg('g', { class: 'axis' });
  for (const t of [0, 0.5, 1]) {
    axes.appendChild(dom.svg('line', { class: 'grid', x1: x(0), x2: x(1), y1: y(t), y2: y(t) }));
    axes.appendChild(dom.svg('text', { x: x(t), y: y(0) + 14, 'text-anchor': 'middle' }, String(t)));
    axes.appendChild(dom.svg('text', { x: x(0) - 6, y: y(t) + 4, 'text-anchor': 'end' }, String(t)));
  }
  const what = c.definition === 'top-label' ? 'confidence' : 'predicted p(y=1)';
  axes.appendChild(dom.svg('text', { class: 'axis-title', x: x(0.5), y: S - 4, 'text-anchor': 'middle' }, what));
  axes.appendChild(dom.svg('line', { class: 'axis-line', x1: x(0), x2: x(1), y1: y(0), y2: y(0) }));
  svg.appendChild(axes);
  const bars = dom.svg('g', { class: 'bars' });
  for (const b of c.bins) {
    if (b.count === 0 || !Number.isFinite(b.accuracy)) continue;
    const x0 = x(b.lower) + 0.5;
    const bw = Math.max(0.5, x(b.upper) - x(b.lower) - 1);
    bars.appendChild(dom.svg('rect', { class: 'bar', x: x0.toFixed(2), y: y(b.accuracy).toFixed(2), width: bw.toFixed(2), height: (y(0) - y(b.accuracy)).toFixed(2) }));
    // The gap between what the model claimed and what happened: the part ECE sums.
    const top = Math.min(b.accuracy, b.meanConfidence);
    const bot = Math.max(b.accuracy, b.meanConfidence);
    bars.appendChild(dom.svg('rect', { class: 'gap', x: x0.toFixed(2), y: y(bot).toFixed(2), width: bw.toFixed(2), height: Math.max(0.5, y(top) - y(bot)).toFixed(2) }));
  }
  svg.appendChild(bars);
  svg.appendChild(dom.svg('line', { class: 'diagonal', x1: x(0), y1: y(0), x2: x(1), y2: y(1) }));
  return svg;
}

function binTable(dom: Dom, r: ReportJson): HTMLElement {
  return dom.h('table', {},
    dom.h('thead', {}, dom.h('tr', {}, ...['Bin', 'Count', 'Mean confidence', r.calibration.definition === 'top-label' ? 'Accuracy' : 'Frequency of y = 1'].map((t) => dom.h('th', { scope: 'col' }, t)))),
    dom.h('tbody', {}, ...r.calibration.bins.filter((b) => b.count > 0).map((b) =>
      dom.h('tr', {}, dom.h('td', {}, `${num(b.lower, 2)}–${num(b.upper, 2)}`), dom.h('td', {}, int(b.count)), dom.h('td', {}, num(b.meanConfidence)), dom.h('td', {}, num(b.accuracy))))));
}

export function renderCalibration(ctx: Ctx, r: ReportJson): HTMLElement {
  const { dom } = ctx;
  const c = r.calibration;
  const kind = c.definition === 'top-label' ? 'top-label confidence against accuracy' : 'predicted probability against the observed frequency of y = 1';
  const label = `Reliability diagram of ${kind} in ${c.bins.length} bins over ${int(c.count)} values; ECE ${num(c.ece)}, MCE ${num(c.mce)}. Bars on the diagonal mean calibrated.`;
  const figures = dom.h('dl', { class: 'figures compact' },
    dom.h('div', { class: 'figure' }, dom.h('dt', {}, 'ECE'), dom.h('dd', {}, dom.h('span', { class: 'figure-value', 'data-testid': 'calibration-ece', 'data-value': raw(c.ece) }, num(c.ece)))),
    dom.h('div', { class: 'figure' }, dom.h('dt', {}, 'MCE'), dom.h('dd', {}, dom.h('span', { class: 'figure-value', 'data-testid': 'mce', 'data-value': raw(c.mce) }, num(c.mce)))),
    dom.h('div', { class: 'figure' }, dom.h('dt', {}, 'Mean confidence'), dom.h('dd', {}, dom.h('span', { class: 'figure-value', 'data-value': raw(r.meanConfidence) }, num(r.meanConfidence)))));
  const legend = dom.h('p', { class: 'legend small' },
    dom.h('span', { class: 'swatch swatch-bar', 'aria-hidden': 'true' }), c.definition === 'top-label' ? 'accuracy ' : 'frequency ',
    dom.h('span', { class: 'swatch swatch-gap', 'aria-hidden': 'true' }), 'gap to the mean confidence ',
    dom.h('span', { class: 'swatch swatch-diag', 'aria-hidden': 'true' }), 'perfect calibration');
  return dom.section('calibration', 'Calibration', dom.h('div', { class: 'calibration-body' }, chartFigure(dom, diagram(dom, r), label, binTable(dom, r), 'reliability-diagram'), dom.h('div', {}, figures, legend,
    dom.h('p', { class: 'muted small' }, `Definition: ${c.definition}; ${c.bins.length} equal-width bins.`))));
}
