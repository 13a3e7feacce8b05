/**
 * Binary and multi-label operating points: the ROC and precision-recall curves of one label (a
 * picker for multi-label), AUC and average precision with their bounds, and a threshold slider
 * whose read-out gives precision, recall, F1 and the confusion counts there, with the point marked
 * on both curves. The slider moves over the report's thresholds (bucket edges, and 0.5), so every
 * number it shows is one the report computed; it starts at 0.5, the threshold of the other tables.
 */
import type { OperatingCurves, OperatingPoint } from '../../core/breakdown/operating-points';
import { curveValue } from '../../core/gate';
import type { ReportJson } from '../../core/report-json';
import type { Ctx } from '../context';
import { chartFigure, type Dom } from '../dom';
import { int, num, raw } from '../format';

const S = 220;
const M = { l: 36, r: 8, t: 8, b: 30 };
const W = S - M.l - M.r;
const x = (v: number): number => M.l + v * W;
const y = (v: number): number => M.t + (1 - v) * W;
/** NaN in memory, null once through JSON. */
const known = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

function axes(dom: Dom, xTitle: string, yTitle: string): SVGGElement {
  const g = dom.svg('g', { class: 'axis' });
  for (const t of [0, 0.5, 1]) {
    g.appendChild(dom.svg('line', { class: 'grid', x1: x(0), x2: x(1), y1: y(t), y2: y(t) }));
    g.appendChild(dom.svg('text', { x: x(t), y: y(0) + 13, 'text-anchor': 'middle' }, String(t)));
    g.appendChild(dom.svg('text', { x: x(0) - 5, y: y(t) + 4, 'text-anchor': 'end' }, String(t)));
  }
  g.appendChild(dom.svg('line', { class: 'axis-line', x1: x(0), x2: x(1), y1: y(0), y2: y(0) }));
  g.appendChild(dom.svg('text', { class: 'axis-title', x: x(0.5), y: S - 3, 'text-anchor': 'middle' }, xTitle));
  g.appendChild(dom.svg('text', { class: 'axis-title', x: 10, y: y(0.5), 'text-anchor': 'middle', transform: `rotate(-90 10 ${y(0.5)})` }, yTitle));
  return g;
}

interface Chart {
  svg: SVGSVGElement;
  marker: SVGCircleElement;
}

/** A step curve through (xs, ys), starting at `start`, with a marker to move. */
function curveChart(dom: Dom, cls: string, start: [number, number], pts: [number, number][], xTitle: string, yTitle: string, reference: Element): Chart {
  const svg = dom.svg('svg', { class: `chart-svg op-chart ${cls}`, viewBox: `0 0 ${S} ${S}`, preserveAspectRatio: 'xMidYMid meet' });
  svg.appendChild(axes(dom, xTitle, yTitle));
  svg.appendChild(reference);
  const d = [start, ...pts].map(([a, b], i) => `${i === 0 ? 'M' : 'L'}${x(a).toFixed(2)},${y(b).toFixed(2)}`).join('');
  svg.appendChild(dom.svg('path', { class: 'op-curve', d }));
  const marker = dom.svg('circle', { class: 'op-marker', r: 4, cx: x(start[0]), cy: y(start[1]) });
  svg.appendChild(marker);
  return { svg, marker };
}

/**
 * A threshold as it tells one from its neighbours: the buckets near 1 are 0.54% of 1 - p wide, so
 * 0.99996 would read 1.0000 at four decimals (and "p ≥ 1.0000" with 30 samples above it).
 */
export function thresholdText(t: number): string {
  if (t > 0.9999 && t < 1) return `1 − ${(1 - t).toExponential(1)}`;
  return num(t);
}

function figure(dom: Dom, label: string, value: number, shown: string, testid: string, detail: string, title: string): HTMLElement {
  return dom.h('div', { class: 'figure', title },
    dom.h('dt', {}, label),
    dom.h('dd', {}, dom.h('span', { class: 'figure-value', 'data-testid': testid, 'data-value': raw(value) }, shown), dom.h('span', { class: 'figure-detail' }, detail)));
}

function curvesBody(ctx: Ctx, c: OperatingCurves, scheme: NonNullable<ReportJson['operatingPoints']>['scheme']): HTMLElement {
  const { dom } = ctx;
  // Rising threshold left to right, as a slider reads.
  const points: OperatingPoint[] = [...c.points].reverse();
  const prevalence = c.positives / (c.positives + c.negatives);
  const roc = curveChart(dom, 'roc', [0, 0], [...c.points].map((p) => [known(p.fpr) ? p.fpr : 0, known(p.recall) ? p.recall : 0]),
    'false-positive rate', 'recall (TPR)', dom.svg('line', { class: 'diagonal', x1: x(0), y1: y(0), x2: x(1), y2: y(1) }));
  const prPoints = c.points.filter((p) => known(p.precision)).map((p) => [known(p.recall) ? p.recall : 0, p.precision] as [number, number]);
  const pr = curveChart(dom, 'pr', [0, prPoints[0]?.[1] ?? 1], prPoints, 'recall', 'precision',
    dom.svg('line', { class: 'diagonal', x1: x(0), y1: y(prevalence), x2: x(1), y2: y(prevalence) }));

  const cells = new Map<string, HTMLElement>();
  const cell = (key: string, label: string): HTMLElement => {
    const v = dom.h('span', { class: 'figure-value', 'data-testid': `op-${key}` });
    cells.set(key, v);
    return dom.h('div', { class: 'figure' }, dom.h('dt', {}, label), dom.h('dd', {}, v));
  };
  // The rates on one line, the counts on the next: eight figures in one row wrap two of them alone.
  const readout = dom.h('div', { class: 'op-readout', 'aria-live': 'polite' },
    dom.h('dl', { class: 'figures compact' }, cell('threshold', 'Threshold (p ≥)'), cell('precision', 'Precision'), cell('recall', 'Recall'), cell('f1', 'F1')),
    dom.h('dl', { class: 'figures compact' }, cell('tp', 'TP'), cell('fp', 'FP'), cell('fn', 'FN'), cell('tn', 'TN')));
  const start = Math.max(0, points.findIndex((p) => p.threshold === 0.5));
  const slider = dom.h('input', {
    type: 'range', min: 0, max: Math.max(0, points.length - 1), step: 1, value: start,
    class: 'op-slider', id: `op-slider-${c.index}`, 'data-testid': 'op-slider',
  });
  const show = (i: number): void => {
    const p = points[i];
    if (!p) return;
    const set = (key: string, value: number, text: string): void => {
      const el = cells.get(key)!;
      el.textContent = text;
      el.setAttribute('data-value', raw(value));
    };
    set('threshold', p.threshold, thresholdText(p.threshold));
    set('precision', p.precision, num(p.precision));
    set('recall', p.recall, num(p.recall));
    set('f1', p.f1, num(p.f1));
    for (const k of ['tp', 'fp', 'fn', 'tn'] as const) set(k, p[k], int(p[k]));
    slider.setAttribute('aria-valuetext', `threshold ${thresholdText(p.threshold)}: precision ${num(p.precision)}, recall ${num(p.recall)}`);
    roc.marker.setAttribute('cx', x(known(p.fpr) ? p.fpr : 0).toFixed(2));
    roc.marker.setAttribute('cy', y(known(p.recall) ? p.recall : 0).toFixed(2));
    const hasPrecision = known(p.precision);
    pr.marker.setAttribute('visibility', hasPrecision ? 'visible' : 'hidden');
    if (hasPrecision) {
      pr.marker.setAttribute('cx', x(known(p.recall) ? p.recall : 0).toFixed(2));
      pr.marker.setAttribute('cy', y(p.precision).toFixed(2));
    }
  };
  slider.addEventListener('input', () => show(Number(slider.value)));
  show(start);

  const figures = dom.h('dl', { class: 'figures compact' },
    figure(dom, 'ROC AUC', c.auc, num(c.auc), 'op-auc', known(c.aucError) ? `± ${num(c.aucError)}` : '', 'The exact AUC is within this bound: pairs of a positive and a negative in one score bucket are counted half, as ties.'),
    figure(dom, 'Average precision', c.ap, num(c.ap), 'op-ap', `${num(c.apRange[0], 3)}–${num(c.apRange[1], 3)}`, 'scikit-learn\'s average_precision_score with a bucket as one threshold; the exact value lies in the range shown.'),
    figure(dom, 'Positives', c.positives, int(c.positives), 'op-positives', `of ${int(c.positives + c.negatives)}`, 'Samples (multi-label: of this label) with y = 1'));
  const rocLabel = `ROC curve of ${c.name}: recall against false-positive rate as the threshold falls; AUC ${num(c.auc)}.`;
  const prLabel = `Precision-recall curve of ${c.name}; average precision ${num(c.ap)}; the dashed line is the share of positives, ${num(prevalence)}.`;
  const note = dom.h('p', { class: 'muted small' },
    `Scores bucketed in one pass: ${int(scheme.buckets)} buckets, ${scheme.bucketsPerOctave} per halving of the distance to 0 or 1 (each ${(scheme.widthOfDistance * 100).toFixed(2)}% of it wide); thresholds are the buckets' edges and 0.5.`);
  return dom.h('div', { class: 'op-body', 'data-testid': 'op-body', 'data-label': c.name },
    dom.h('div', { class: 'calibration-body' },
      chartFigure(dom, roc.svg, rocLabel, null, 'roc-curve'),
      chartFigure(dom, pr.svg, prLabel, null, 'pr-curve'),
      dom.h('div', {}, figures, dom.h('label', { class: 'op-slider-label', for: `op-slider-${c.index}` }, 'Threshold'), slider, readout, note)));
}

export function renderOperatingPoints(ctx: Ctx, r: ReportJson): HTMLElement | null {
  const op = r.operatingPoints;
  if (op === null || op.curves.length === 0) return null;
  const { dom } = ctx;
  let body = curvesBody(ctx, op.curves[0]!, op.scheme);
  const section = dom.section('operating-points', 'Operating points: ROC and precision-recall');
  if (op.curves.length > 1) {
    const picker = dom.h('select', { 'data-testid': 'op-label', 'aria-label': 'Label' }, ...op.curves.map((c, i) => dom.h('option', { value: i }, c.name)));
    picker.addEventListener('change', () => {
      const next = curvesBody(ctx, op.curves[Number(picker.value)]!, op.scheme);
      body.replaceWith(next);
      body = next;
    });
    // The figures --fail-if auc / ap and the exports give for the file as a whole.
    const auc = curveValue('auc', op);
    const ap = curveValue('ap', op);
    const macro = Number.isNaN(auc.value) || Number.isNaN(ap.value)
      ? `Macro mean over the ${op.curves.length} labels: undefined (${auc.note ?? ap.note ?? ''})`
      : `Macro mean over the ${op.curves.length} labels (what --fail-if auc and ap read): ROC AUC ${num(auc.value)}, average precision ${num(ap.value)}`;
    section.appendChild(dom.h('p', {}, dom.h('label', {}, 'Label ', picker)));
    section.appendChild(dom.h('p', { class: 'muted small', 'data-testid': 'op-macro', 'data-auc': raw(auc.value), 'data-ap': raw(ap.value) }, macro));
  }
  section.appendChild(body);
  return section;
}
