/**
 * The confusion matrix as a heatmap, readable from 2 to a few hundred classes. Up to
 * SVG_MAX_CLASSES it is SVG (one rect per cell, counts written in when they fit); above, one canvas,
 * so 100 classes cost one element rather than 10,000 nodes. Either way the chart is one focusable
 * element: arrow keys (or the pointer) move a cursor whose cell is read out as text in a live
 * region, labels are thinned and the column labels rotated, and the largest confusions are listed
 * as text below, which is also the chart's text alternative.
 *
 * Colour: the share of the true class's samples (row-normalised, so rare classes show), through a
 * square root so a few confusions among hundreds stay visible; correct cells in the blue of the
 * theme's charts, mistakes in its red.
 */
import type { ReportJson } from '../../core/report-json';
import { className, type Ctx } from '../context';
import type { Dom } from '../dom';
import { int, pct } from '../format';

export const SVG_MAX_CLASSES = 30;
const TOP_CONFUSIONS = 10;

export interface Confusion {
  true: number;
  predicted: number;
  count: number;
}

/** Off-diagonal cells by count, largest first (ties by true then predicted class). */
export function topConfusions(m: number[][], n = TOP_CONFUSIONS): Confusion[] {
  const out: Confusion[] = [];
  m.forEach((row, t) => row.forEach((count, p) => {
    if (t !== p && count > 0) out.push({ true: t, predicted: p, count });
  }));
  out.sort((a, b) => b.count - a.count || a.true - b.true || a.predicted - b.predicted);
  return out.slice(0, n);
}

/** Every `step`-th label is drawn so labels never overlap: at least ~11 px apart. */
export function labelStep(cell: number): number {
  return Math.max(1, Math.ceil(11 / cell));
}

function cellText(names: string[], m: number[][], t: number, p: number): string {
  const row = m[t] ?? [];
  const count = row[p] ?? 0;
  const support = row.reduce((s, v) => s + v, 0);
  const share = support > 0 ? ` (${pct(count / support)} of true ${className(names, t)})` : '';
  return `True ${className(names, t)}, predicted ${className(names, p)}: ${int(count)} sample${count === 1 ? '' : 's'}${share}`;
}

function rowFractions(m: number[][]): number[][] {
  return m.map((row) => {
    const s = row.reduce((a, v) => a + v, 0);
    return row.map((v) => (s > 0 ? v / s : 0));
  });
}

function themeColour(el: Element, name: string, fallback: string): string {
  const view = el.ownerDocument.defaultView;
  const v = view?.getComputedStyle ? view.getComputedStyle(el).getPropertyValue(name).trim() : '';
  return v || fallback;
}

interface Geometry {
  k: number;
  cell: number;
  left: number;
  top: number;
}

/** Room for the labels: ~6 px per character at 10 px, column labels rotated (sin 50° for SVG, upright for canvas). */
function geometry(names: readonly string[]): Geometry {
  const k = names.length;
  const cell = Math.max(3, Math.min(36, Math.floor(600 / k)));
  const longest = Math.min(16, Math.max(1, ...names.map((n) => n.length)));
  const left = Math.round(Math.min(120, 12 + 6 * longest));
  const top = Math.round(Math.min(110, 12 + 6 * longest * (k <= SVG_MAX_CLASSES ? 0.77 : 1)));
  return { k, cell, left, top };
}

function svgMatrix(dom: Dom, names: string[], m: number[][], g: Geometry): SVGSVGElement {
  const frac = rowFractions(m);
  const w = g.left + g.k * g.cell + 4;
  const h = g.top + g.k * g.cell + 4;
  const svg = dom.svg('svg', { class: 'confusion-svg', width: w, height: h, viewBox: `0 0 ${w} ${h}` });
  const step = labelStep(g.cell);
  const showCounts = g.cell >= 22;
  for (let t = 0; t < g.k; t++) {
    if (t % step === 0) {
      svg.appendChild(dom.svg('text', { class: 'label', x: g.left - 4, y: g.top + t * g.cell + g.cell / 2 + 4, 'text-anchor': 'end' }, className(names, t)));
      const cx = g.left + t * g.cell + g.cell / 2;
      svg.appendChild(dom.svg('text', { class: 'label', x: cx, y: g.top - 4, transform: `rotate(-50 ${cx} ${g.top - 4})` }, className(names, t)));
    }
    for (let p = 0; p < g.k; p++) {
      const f = frac[t]?.[p] ?? 0;
      const count = m[t]?.[p] ?? 0;
      svg.appendChild(dom.svg('rect', {
        class: `cell ${t === p ? 'diag' : 'off'}${count === 0 ? ' empty' : ''}`,
        x: g.left + p * g.cell, y: g.top + t * g.cell, width: g.cell - 1, height: g.cell - 1,
        'fill-opacity': count === 0 ? null : (0.12 + 0.88 * Math.sqrt(f)).toFixed(3),
        'data-true': t, 'data-predicted': p,
      }));
      if (showCounts && count > 0) {
        svg.appendChild(dom.svg('text', { class: `count${Math.sqrt(f) > 0.55 ? ' on-dark' : ''}`, x: g.left + p * g.cell + (g.cell - 1) / 2, y: g.top + t * g.cell + g.cell / 2 + 4, 'text-anchor': 'middle' }, String(count)));
      }
    }
  }
  return svg;
}

function canvasMatrix(dom: Dom, names: string[], m: number[][], g: Geometry): HTMLCanvasElement {
  const w = g.left + g.k * g.cell + 4;
  const h = g.top + g.k * g.cell + 4;
  const canvas = dom.h('canvas', { class: 'confusion-canvas', width: w, height: h });
  canvas.style.setProperty('width', `${w}px`);
  canvas.style.setProperty('height', `${h}px`);
  // Drawn once attached, when the theme's colours can be read from the computed style.
  (canvas as HTMLCanvasElement & { draw?: () => void }).draw = () => {
    const ctx = typeof canvas.getContext === 'function' ? canvas.getContext('2d') : null;
    if (!ctx) return;
    const view = canvas.ownerDocument.defaultView;
    const ratio = view?.devicePixelRatio ?? 1;
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
    ctx.scale(ratio, ratio);
    const blue = themeColour(canvas, '--vscode-charts-blue', '#3794ff');
    const red = themeColour(canvas, '--vscode-charts-red', '#f14c4c');
    const fg = themeColour(canvas, '--vscode-descriptionForeground', '#999999');
    const empty = themeColour(canvas, '--vscode-editorWidget-background', 'rgba(128,128,128,0.08)');
    const font = themeColour(canvas, '--vscode-font-family', 'sans-serif');
    const frac = rowFractions(m);
    for (let t = 0; t < g.k; t++) {
      for (let p = 0; p < g.k; p++) {
        const count = m[t]?.[p] ?? 0;
        if (count === 0) {
          ctx.globalAlpha = 1;
          ctx.fillStyle = empty;
        } else {
          ctx.globalAlpha = 0.12 + 0.88 * Math.sqrt(frac[t]?.[p] ?? 0);
          ctx.fillStyle = t === p ? blue : red;
        }
        ctx.fillRect(g.left + p * g.cell, g.top + t * g.cell, Math.max(1, g.cell - (g.cell > 5 ? 1 : 0)), Math.max(1, g.cell - (g.cell > 5 ? 1 : 0)));
      }
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = fg;
    ctx.font = `10px ${font}`;
    const step = labelStep(g.cell);
    for (let t = 0; t < g.k; t += step) {
      const label = className(names, t).slice(0, 16);
      ctx.textAlign = 'right';
      ctx.fillText(label, g.left - 4, g.top + t * g.cell + g.cell / 2 + 3);
      ctx.save();
      ctx.translate(g.left + t * g.cell + g.cell / 2 + 3, g.top - 4);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'left';
      ctx.fillText(label, 0, 0);
      ctx.restore();
    }
  };
  return canvas;
}

/** Draws canvases placed in `root` (call after the dashboard is attached to the document). */
export function drawCanvases(root: ParentNode): void {
  root.querySelectorAll('canvas').forEach((c) => (c as HTMLCanvasElement & { draw?: () => void }).draw?.());
}

export function renderConfusion(ctx: Ctx, r: ReportJson): HTMLElement | null {
  const { dom } = ctx;
  const m = r.confusion;
  if (!m) return null;
  const names = r.layout.classNames.length === m.length ? r.layout.classNames : m.map((_, i) => String(i));
  const g = geometry(names);
  const useSvg = m.length <= SVG_MAX_CLASSES;
  const chart = useSvg ? svgMatrix(dom, names, m, g) : canvasMatrix(dom, names, m, g);
  const cursor = dom.svg('rect', { class: 'cursor', width: g.cell + 1, height: g.cell + 1, x: g.left - 1, y: g.top - 1, visibility: 'hidden' });
  const readout = dom.h('p', { class: 'readout small', 'aria-live': 'polite', 'data-testid': 'confusion-readout' }, 'Hover or focus the matrix and use the arrow keys to read a cell.');
  const top = topConfusions(m);
  const total = m.reduce((s, row) => s + row.reduce((a, v) => a + v, 0), 0);
  const correct = m.reduce((s, row, i) => s + (row[i] ?? 0), 0);
  const list = top.length
    ? dom.h('ol', { class: 'top-confusions', id: 'top-confusions', 'data-testid': 'top-confusions' }, ...top.map((c) =>
      dom.h('li', { 'data-true': c.true, 'data-predicted': c.predicted, 'data-count': c.count }, dom.h('span', { class: 'name' }, className(names, c.true)), ' → ', dom.h('span', { class: 'name' }, className(names, c.predicted)), `: ${int(c.count)}`)))
    : dom.h('p', { class: 'muted', id: 'top-confusions' }, 'No confusions: every sample predicted as its true class.');
  const label = `Confusion matrix of ${m.length} classes, rows the true class and columns the predicted class; ${int(correct)} of ${int(total)} samples on the diagonal. ${top[0] ? `The largest confusion: ${className(names, top[0].true)} predicted as ${className(names, top[0].predicted)}, ${int(top[0].count)} times.` : ''}`;
  const overlay = dom.svg('svg', { class: 'confusion-overlay', width: g.left + g.k * g.cell + 4, height: g.top + g.k * g.cell + 4, 'aria-hidden': 'true' }, cursor);
  // Not role="img": the stage is interactive, so it is a labelled group whose cells are read out
  // by the live region, with the top-confusions list as its description.
  const stage = dom.h('div', { class: 'confusion-stage', tabindex: 0, role: 'group', 'aria-roledescription': 'heatmap', 'aria-label': label, 'aria-describedby': 'top-confusions', 'data-testid': 'confusion', 'data-classes': m.length, 'data-renderer': useSvg ? 'svg' : 'canvas' }, chart, overlay);
  let at: [number, number] | null = null;
  const move = (t: number, p: number) => {
    at = [Math.max(0, Math.min(g.k - 1, t)), Math.max(0, Math.min(g.k - 1, p))];
    cursor.setAttribute('x', String(g.left + at[1] * g.cell - 1));
    cursor.setAttribute('y', String(g.top + at[0] * g.cell - 1));
    cursor.setAttribute('visibility', 'visible');
    readout.textContent = cellText(names, m, at[0], at[1]);
    stage.setAttribute('data-cursor', `${at[0]},${at[1]}`);
  };
  stage.addEventListener('keydown', (e) => {
    const [t, p] = at ?? [0, 0];
    const page = Math.max(1, Math.floor(g.k / 10));
    const moves: Record<string, [number, number]> = {
      ArrowUp: [t - 1, p], ArrowDown: [t + 1, p], ArrowLeft: [t, p - 1], ArrowRight: [t, p + 1],
      PageUp: [t - page, p], PageDown: [t + page, p], Home: [t, 0], End: [t, g.k - 1],
    };
    const next = at ? moves[e.key] : e.key.startsWith('Arrow') ? [0, 0] as [number, number] : undefined;
    if (!next) return;
    e.preventDefault();
    move(next[0], next[1]);
  });
  stage.addEventListener('focus', () => {
    if (!at) move(0, 0);
  });
  stage.addEventListener('mousemove', (e) => {
    const rect = stage.getBoundingClientRect();
    const p = Math.floor((e.clientX - rect.left - g.left) / g.cell);
    const t = Math.floor((e.clientY - rect.top - g.top) / g.cell);
    if (p >= 0 && t >= 0 && p < g.k && t < g.k) move(t, p);
  });
  const scale = dom.h('p', { class: 'legend small' },
    dom.h('span', { class: 'swatch swatch-diag-cell', 'aria-hidden': 'true' }), 'correct ',
    dom.h('span', { class: 'swatch swatch-off-cell', 'aria-hidden': 'true' }), 'confused; darker = larger share of the true class (rows: true, columns: predicted)');
  return dom.section('confusion-section', 'Confusion matrix',
    dom.h('figure', { class: 'chart', 'data-testid': 'confusion-figure' }, dom.h('div', { class: 'confusion-scroll' }, stage)),
    readout, scale, dom.h('h3', {}, 'Top confusions'), list);
}
