/**
 * The loss distribution: the histogram on its log-spaced bins, and for hard labels the curve
 * loss = -log p(true) with the samples laid along it. A hard-label sample's loss is -log of the
 * probability it gave its true class, so each histogram bin [a, b) of losses is the stretch of the
 * curve with p in (base^-b, base^-a]; the stroke width of that stretch shows how many samples sit there.
 *
 * Charts here are hand-written SVG (no library): a hundred bars and a curve are small, SVG
 * attributes pass the webview's strict CSP, and the DOM stays testable in happy-dom.
 */
import type { ReportJson } from '../../core/report-json';
import type { Ctx } from '../context';
import { chartFigure, type Dom } from '../dom';
import { int, num, tick } from '../format';
import { visibleBins, type Bin } from '../../shared/histogram-bins';

const unset = (v: number | readonly number[] | null | undefined) => v === null || v === undefined || (typeof v === 'number' ? Number.isNaN(v) : v.length === 0);

/** Whether every loss is -log p(true) of one probability: then the bins map onto the curve. */
export function lossIsNegLogP(r: ReportJson): boolean {
  const o = r.options;
  return (
    r.layout.kind !== 'multilabel' &&
    (r.layout.targetKind === 'sparse' || r.layout.targetKind === 'onehot') &&
    !(o.labelSmoothing > 0) &&
    unset(o.focalGamma) &&
    (o.classWeights === null || o.classWeights.length === 0) &&
    unset(o.posWeight)
  );
}

const W = 560;
const H = 200;
const M = { l: 44, r: 12, t: 10, b: 30 };

function histogramChart(dom: Dom, r: ReportJson, bins: Bin[]): Element {
  const lx0 = Math.log10(bins[0]?.lo ?? 1);
  const lx1 = Math.log10(bins[bins.length - 1]?.hi ?? 10);
  const maxC = Math.max(1, ...bins.map((b) => b.count));
  const x = (v: number) => M.l + ((Math.log10(v) - lx0) / (lx1 - lx0)) * (W - M.l - M.r);
  const y = (c: number) => H - M.b - (c / maxC) * (H - M.t - M.b);
  const svg = dom.svg('svg', { class: 'chart-svg', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'xMidYMid meet' });
  const g = dom.svg('g', { class: 'bars' });
  for (const b of bins) {
    if (b.count === 0) continue;
    const x0 = x(b.lo);
    const x1 = x(b.hi);
    g.appendChild(dom.svg('rect', { class: 'bar', x: (x0 + 0.5).toFixed(2), y: y(b.count).toFixed(2), width: Math.max(0.5, x1 - x0 - 1).toFixed(2), height: (H - M.b - y(b.count)).toFixed(2), 'data-count': b.count }));
  }
  const axes = dom.svg('g', { class: 'axis' });
  axes.appendChild(dom.svg('line', { x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b }));
  for (let e = Math.ceil(lx0 - 1e-9); e <= Math.floor(lx1 + 1e-9); e++) {
    const v = 10 ** e;
    axes.appendChild(dom.svg('line', { x1: x(v).toFixed(2), x2: x(v).toFixed(2), y1: H - M.b, y2: H - M.b + 4 }));
    axes.appendChild(dom.svg('text', { x: x(v).toFixed(2), y: H - M.b + 16, 'text-anchor': 'middle' }, tick(v)));
  }
  axes.appendChild(dom.svg('text', { x: W - M.r, y: H - 2, 'text-anchor': 'end', class: 'axis-title' }, `loss (${r.unit}, log scale)`));
  for (const c of [0, Math.round(maxC / 2), maxC]) {
    axes.appendChild(dom.svg('line', { class: 'grid', x1: M.l, x2: W - M.r, y1: y(c).toFixed(2), y2: y(c).toFixed(2) }));
    axes.appendChild(dom.svg('text', { x: M.l - 6, y: (y(c) + 4).toFixed(2), 'text-anchor': 'end' }, int(c)));
  }
  if (Number.isFinite(r.mean) && r.mean > 0 && Math.log10(r.mean) >= lx0 && Math.log10(r.mean) <= lx1) {
    axes.appendChild(dom.svg('line', { class: 'mean-line', x1: x(r.mean).toFixed(2), x2: x(r.mean).toFixed(2), y1: M.t, y2: H - M.b }));
    axes.appendChild(dom.svg('text', { class: 'mean-label', x: (x(r.mean) + 4).toFixed(2), y: M.t + 10 }, `mean ${num(r.mean)}`));
  }
  svg.append(axes, g);
  return svg;
}

function curveChart(dom: Dom, r: ReportJson, bins: Bin[]): Element {
  const base = r.unit === 'bits' ? 2 : Math.E;
  const ln = Math.log(base);
  const yMax = Math.max(1, bins[bins.length - 1]?.hi ?? 1);
  const x = (p: number) => M.l + p * (W - M.l - M.r);
  const y = (loss: number) => H - M.b - (Math.min(loss, yMax) / yMax) * (H - M.t - M.b);
  const lossAt = (p: number) => -Math.log(p) / ln;
  const path = (p0: number, p1: number, steps: number) => {
    const pts: string[] = [];
    // Sampled in log p, where the curve is a straight line, so short stretches near p = 0 stay smooth.
    const a = Math.log(Math.max(p0, base ** -yMax));
    const b = Math.log(p1);
    for (let i = 0; i <= steps; i++) {
      const p = Math.exp(a + ((b - a) * i) / steps);
      pts.push(`${i === 0 ? 'M' : 'L'}${x(p).toFixed(2)},${y(lossAt(p)).toFixed(2)}`);
    }
    return pts.join('');
  };
  const svg = dom.svg('svg', { class: 'chart-svg', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'xMidYMid meet' });
  const axes = dom.svg('g', { class: 'axis' });
  axes.appendChild(dom.svg('line', { x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b }));
  axes.appendChild(dom.svg('line', { x1: M.l, x2: M.l, y1: M.t, y2: H - M.b }));
  for (const p of [0, 0.25, 0.5, 0.75, 1]) {
    axes.appendChild(dom.svg('text', { x: x(p).toFixed(2), y: H - M.b + 16, 'text-anchor': 'middle' }, String(p)));
  }
  for (const l of [0, yMax / 2, yMax]) {
    axes.appendChild(dom.svg('text', { x: M.l - 6, y: (y(l) + 4).toFixed(2), 'text-anchor': 'end' }, tick(Number(l.toPrecision(2)))));
  }
  axes.appendChild(dom.svg('text', { x: W - M.r, y: H - 2, 'text-anchor': 'end', class: 'axis-title' }, 'p(true class)'));
  axes.appendChild(dom.svg('text', { x: M.l + 4, y: M.t + 10, class: 'axis-title' }, `loss = −log${r.unit === 'bits' ? '₂' : ''} p (${r.unit})`));
  svg.append(axes, dom.svg('path', { class: 'curve', d: path(base ** -yMax, 1, 80), fill: 'none' }));
  const maxC = Math.max(1, ...bins.map((b) => b.count));
  const density = dom.svg('g', { class: 'density' });
  for (const b of bins) {
    if (b.count === 0) continue;
    const pHi = base ** -b.lo;
    const pLo = base ** -b.hi;
    density.appendChild(dom.svg('path', { class: 'density-seg', d: path(pLo, pHi, 6), fill: 'none', 'stroke-width': (1.5 + (10 * b.count) / maxC).toFixed(2), 'data-count': b.count }));
  }
  svg.appendChild(density);
  return svg;
}

function binTable(dom: Dom, r: ReportJson, bins: Bin[], curve: boolean): HTMLElement {
  const base = r.unit === 'bits' ? 2 : Math.E;
  return dom.h('table', {},
    dom.h('thead', {}, dom.h('tr', {}, dom.h('th', { scope: 'col' }, `Loss from (${r.unit})`), dom.h('th', { scope: 'col' }, 'to'), curve ? dom.h('th', { scope: 'col' }, 'p(true) range') : null, dom.h('th', { scope: 'col' }, 'Samples'))),
    dom.h('tbody', {}, ...bins.filter((b) => b.count > 0).map((b) =>
      dom.h('tr', {}, dom.h('td', {}, num(b.lo)), dom.h('td', {}, num(b.hi)), curve ? dom.h('td', {}, `${num(base ** -b.hi)} – ${num(base ** -b.lo)}`) : null, dom.h('td', {}, int(b.count))))));
}

export function renderDistribution(ctx: Ctx, r: ReportJson): HTMLElement {
  const { dom } = ctx;
  const h = r.histogram;
  const bins = visibleBins(h);
  const extras = [
    h.zero ? `${int(h.zero)} exactly zero` : '',
    h.underflow ? `${int(h.underflow)} below ${tick(h.edges[0] ?? 0)}` : '',
    h.overflow ? `${int(h.overflow)} at or above ${tick(h.edges[h.edges.length - 1] ?? 0)}` : '',
    h.infinite ? `${int(h.infinite)} infinite (∞)` : '',
  ].filter(Boolean);
  const body: Node[] = [];
  if (bins.length === 0) {
    body.push(dom.h('p', { class: 'muted' }, 'No finite positive losses to show.'));
  } else {
    const peak = bins.reduce((a, b) => (b.count > a.count ? b : a));
    const total = bins.reduce((s, b) => s + b.count, 0);
    body.push(chartFigure(dom, histogramChart(dom, r, bins),
      `Histogram of ${int(total)} per-sample losses on a log scale from ${tick(bins[0]?.lo ?? 0)} to ${tick(bins[bins.length - 1]?.hi ?? 0)} ${r.unit}; the most common range is ${num(peak.lo)} to ${num(peak.hi)} with ${int(peak.count)} samples`,
      binTable(dom, r, bins, false), 'loss-histogram'));
    if (lossIsNegLogP(r)) {
      body.push(dom.h('h3', {}, 'Where the samples sit on −log p'));
      body.push(chartFigure(dom, curveChart(dom, r, bins),
        `The curve loss = −log p(true) for p from 0 to 1; the thickness along it shows how many samples gave their true class each probability. Most samples (${int(peak.count)}) have p(true) between ${num((r.unit === 'bits' ? 2 : Math.E) ** -peak.hi)} and ${num((r.unit === 'bits' ? 2 : Math.E) ** -peak.lo)}`,
        binTable(dom, r, bins, true), 'loss-curve'));
    } else {
      const why = r.layout.kind === 'multilabel' ? 'each loss here is a mean over labels' : 'these settings or targets make a loss more than −log of one probability';
      body.push(dom.h('p', { class: 'muted small', 'data-testid': 'no-curve' }, `No −log p curve: ${why}. It is drawn for hard labels without smoothing, focal terms or weights.`));
    }
  }
  if (extras.length) body.push(dom.h('p', { class: 'small', 'data-testid': 'histogram-extras' }, `Outside the bins: ${extras.join(', ')}.`));
  return dom.section('distribution', 'Loss distribution', ...body);
}
