/**
 * The reliability diagrams (hand-written SVG, as the other charts) and the calibration figures:
 * equal-width bins as bars with each bin's count under it, equal-mass bins as points, both with the
 * 95% Wilson interval of each bin's accuracy as a whisker, so a bar far off the diagonal on a
 * dozen samples reads as the guess it is.
 */
import type { ReportJson } from '../../core/report-json';
import type { Ctx } from '../context';
import { chartFigure, type Dom } from '../dom';
import { int, num, raw } from '../format';

type Bin = ReportJson['calibration']['bins'][number];

const S = 240;
/** Room under the axis for the count strip. */
const COUNTS = 30;
const M = { l: 40, r: 10, t: 10, b: 34 + COUNTS };

/** A bound of an interval, missing (null from JSON, NaN in memory) when the bin is empty. */
const known = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

function whisker(dom: Dom, g: Element, cx: number, y: (v: number) => number, ci: Bin['accuracyCi']): void {
  const [lo, hi] = ci as [number | null, number | null];
  if (!known(lo) || !known(hi)) return;
  const x = cx.toFixed(2);
  g.appendChild(dom.svg('line', { class: 'ci', x1: x, x2: x, y1: y(lo).toFixed(2), y2: y(hi).toFixed(2) }));
  for (const v of [lo, hi]) g.appendChild(dom.svg('line', { class: 'ci', x1: (cx - 2).toFixed(2), x2: (cx + 2).toFixed(2), y1: y(v).toFixed(2), y2: y(v).toFixed(2) }));
}

function diagram(dom: Dom, r: ReportJson, equalMass: boolean): Element {
  const c = r.calibration;
  const w = S - M.l - M.r;
  const x = (v: number) => M.l + v * w;
  const y = (v: number) => M.t + (1 - v) * w;
  const svg = dom.svg('svg', { class: 'chart-svg reliability', viewBox: `0 0 ${S} ${S + COUNTS}`, preserveAspectRatio: 'xMidYMid meet' });
  const axes = dom.svg('g', { class: 'axis' });
  for (const t of [0, 0.5, 1]) {
    axes.appendChild(dom.svg('line', { class: 'grid', x1: x(0), x2: x(1), y1: y(t), y2: y(t) }));
    axes.appendChild(dom.svg('text', { x: x(t), y: y(0) + 14, 'text-anchor': 'middle' }, String(t)));
    axes.appendChild(dom.svg('text', { x: x(0) - 6, y: y(t) + 4, 'text-anchor': 'end' }, String(t)));
  }
  const what = c.definition === 'top-label' ? 'confidence' : 'predicted p(y=1)';
  axes.appendChild(dom.svg('text', { class: 'axis-title', x: x(0.5), y: S + COUNTS - 4, 'text-anchor': 'middle' }, what));
  axes.appendChild(dom.svg('line', { class: 'axis-line', x1: x(0), x2: x(1), y1: y(0), y2: y(0) }));
  svg.appendChild(axes);
  const bars = dom.svg('g', { class: 'bars' });
  const counts = dom.svg('g', { class: 'bin-counts' });
  // Below the tick labels (y(0) + 14), each count written upward and centred here.
  const countY = y(0) + 34;
  counts.appendChild(dom.svg('text', { class: 'count-label', x: x(0) - 6, y: countY + 4, 'text-anchor': 'end' }, 'n'));
  const bins = equalMass ? c.adaptive.bins : c.bins;
  for (const b of bins) {
    if (b.count === 0 || !known(b.accuracy)) continue;
    if (equalMass) {
      // Equal-mass bins can be a hair wide near 1: a point at the bin's mean confidence, not a bar.
      const cx = x(b.meanConfidence);
      whisker(dom, bars, cx, y, b.accuracyCi);
      bars.appendChild(dom.svg('circle', { class: 'point', cx: cx.toFixed(2), cy: y(b.accuracy).toFixed(2), r: 2.5, 'data-count': b.count }));
      continue;
    }
    const x0 = x(b.lower) + 0.5;
    const bw = Math.max(0.5, x(b.upper) - x(b.lower) - 1);
    bars.appendChild(dom.svg('rect', { class: 'bar', x: x0.toFixed(2), y: y(b.accuracy).toFixed(2), width: bw.toFixed(2), height: (y(0) - y(b.accuracy)).toFixed(2), 'data-count': b.count }));
    // The gap between what the model claimed and what happened: the part ECE sums.
    const top = Math.min(b.accuracy, b.meanConfidence);
    const bot = Math.max(b.accuracy, b.meanConfidence);
    bars.appendChild(dom.svg('rect', { class: 'gap', x: x0.toFixed(2), y: y(bot).toFixed(2), width: bw.toFixed(2), height: Math.max(0.5, y(top) - y(bot)).toFixed(2) }));
    const cx = x0 + bw / 2;
    whisker(dom, bars, cx, y, b.accuracyCi);
    // Vertical, so five digits fit under a bin 13 units wide.
    counts.appendChild(dom.svg('text', { class: 'bin-count', x: cx.toFixed(2), y: countY.toFixed(2), transform: `rotate(-90 ${cx.toFixed(2)} ${countY.toFixed(2)})`, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, compactCount(b.count)));
  }
  svg.appendChild(bars);
  if (!equalMass) svg.appendChild(counts);
  svg.appendChild(dom.svg('line', { class: 'diagonal', x1: x(0), y1: y(0), x2: x(1), y2: y(1) }));
  return svg;
}

/** 12, 1.2k, 34k, 1.2M: short enough to stand under a bar. */
function compactCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)}M`;
}

function interval(ci: Bin['accuracyCi']): string {
  const [lo, hi] = ci as [number | null, number | null];
  return known(lo) && known(hi) ? `${num(lo, 3)}–${num(hi, 3)}` : '–';
}

function binTable(dom: Dom, r: ReportJson, bins: readonly Bin[]): HTMLElement {
  return dom.h('table', {},
    dom.h('thead', {}, dom.h('tr', {}, ...['Bin', 'Count', 'Mean confidence', r.calibration.definition === 'top-label' ? 'Accuracy' : 'Frequency of y = 1', '95% interval (Wilson)'].map((t) => dom.h('th', { scope: 'col' }, t)))),
    dom.h('tbody', {}, ...bins.filter((b) => b.count > 0).map((b) =>
      dom.h('tr', {}, dom.h('td', {}, `${num(b.lower, 2)}–${num(b.upper, 2)}`), dom.h('td', {}, int(b.count)), dom.h('td', {}, num(b.meanConfidence)), dom.h('td', {}, num(b.accuracy)), dom.h('td', {}, interval(b.accuracyCi))))));
}

function figure(dom: Dom, label: string, value: number, testid: string, title?: string): HTMLElement {
  return dom.h('div', { class: 'figure', ...(title ? { title } : {}) }, dom.h('dt', {}, label), dom.h('dd', {}, dom.h('span', { class: 'figure-value', 'data-testid': testid, 'data-value': raw(value) }, num(value))));
}

export function renderCalibration(ctx: Ctx, r: ReportJson): HTMLElement {
  const { dom } = ctx;
  const c = r.calibration;
  const kind = c.definition === 'top-label' ? 'top-label confidence against accuracy' : 'predicted probability against the observed frequency of y = 1';
  const label = `Reliability diagram of ${kind} in ${c.bins.length} equal-width bins over ${int(c.count)} values, with each bin's count under it and the 95% Wilson interval of its accuracy; ECE ${num(c.ece)}, MCE ${num(c.mce)}. Bars on the diagonal mean calibrated.`;
  const massLabel = `The same values in ${c.adaptive.bins.length} equal-mass bins of about ${int(Math.round(c.count / Math.max(1, c.adaptive.bins.length)))} values each, as points at each bin's mean confidence with the 95% Wilson interval of its accuracy; equal-mass ECE ${num(c.adaptive.ece)}.`;
  const figures = dom.h('dl', { class: 'figures compact' },
    figure(dom, 'ECE', c.ece, 'calibration-ece', `${c.bins.length} equal-width bins`),
    figure(dom, 'ECE, equal-mass', c.adaptive.ece, 'adaptive-ece', `${c.adaptive.bins.length} bins of about equal counts`),
    figure(dom, 'Class-wise ECE', c.classwise.ece, 'classwise-ece', 'Mean over the classes of each class\'s one-vs-rest ECE (Kull et al. 2019)'),
    figure(dom, 'MCE', c.mce, 'mce'),
    figure(dom, 'Brier', r.brier, 'calibration-brier'),
    figure(dom, 'Mean confidence', r.meanConfidence, 'mean-confidence'));
  const legend = dom.h('p', { class: 'legend small' },
    dom.h('span', { class: 'swatch swatch-bar', 'aria-hidden': 'true' }), c.definition === 'top-label' ? 'accuracy ' : 'frequency ',
    dom.h('span', { class: 'swatch swatch-gap', 'aria-hidden': 'true' }), 'gap to the mean confidence ',
    dom.h('span', { class: 'swatch swatch-ci', 'aria-hidden': 'true' }), '95% interval ',
    dom.h('span', { class: 'swatch swatch-diag', 'aria-hidden': 'true' }), 'perfect calibration');
  const res = c.adaptive.resolution;
  const note = dom.h('p', { class: 'muted small' },
    `Definition: ${c.definition}. Under the bars: each bin's count. Equal-mass bins are cut from a fine histogram of the values (${int(res.bucketsPerOctave)} buckets per halving of the distance to 0 or 1), so ties stay together. `,
    `Class-wise ECE averages each class's ECE of p(class) against "is this class" on the ${c.classwise.bins} equal-width bins.`);
  return dom.section('calibration', 'Calibration', dom.h('div', { class: 'calibration-body' },
    chartFigure(dom, diagram(dom, r, false), label, binTable(dom, r, c.bins), 'reliability-diagram'),
    chartFigure(dom, diagram(dom, r, true), massLabel, binTable(dom, r, c.adaptive.bins), 'reliability-diagram-mass'),
    dom.h('div', {}, figures, legend, note)));
}
