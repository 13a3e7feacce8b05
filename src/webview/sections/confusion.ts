/**
 * The confusion matrix as a heatmap. Up to SVG_MAX_CLASSES classes the whole matrix is SVG (one
 * rect per cell, counts written in when they fit). Above, or when the class filter is set, the
 * heatmap shows the TOP_CLASSES most confused classes (of those the filter matches) with every
 * other class summed into "(other)", still SVG, and the full K x K matrix is one canvas in a closed
 * disclosure, drawn only once opened: 1000 classes cost a handful of elements, not a million.
 * Either heatmap is one focusable element: arrow keys (or the pointer) move a cursor whose cell is
 * read out as text in a live region; labels are thinned and the column labels rotated. The
 * largest confused pairs are listed as a table below (true, predicted, count, share of the true
 * class), which is also the chart's text alternative.
 *
 * Colour: the share of the true class's samples (row-normalised, so rare classes show), through a
 * square root so a few confusions among hundreds stay visible; correct cells in the blue of the
 * theme's charts, mistakes in its red, the "(other)" row and column in the muted foreground.
 */
import { foldConfusion, mostConfusedClasses, rankConfusedPairs, type ClassSet } from '../../core/confusion-summary';
import type { ReportJson } from '../../core/report-json';
import { className, type Ctx } from '../context';
import type { Dom } from '../dom';
import { int, pct } from '../format';

/** At most this many classes: the whole matrix as SVG. */
export const SVG_MAX_CLASSES = 30;
/** Classes kept when the matrix is folded (the rest are "(other)"). */
export const TOP_CLASSES = 20;
const TOP_PAIRS_SMALL = 10;
const TOP_PAIRS_LARGE = 20;
export const OTHER = '(other)';

/** The class filter as the per-class table, this section and the class chart share it. */
export interface ActiveFilter {
  query: string;
  matches: ClassSet;
  /** How many classes match. */
  count: number;
}

/** Every `step`-th label is drawn so labels never overlap: at least ~11 px apart. */
export function labelStep(cell: number): number {
  return Math.max(1, Math.ceil(11 / cell));
}

/** What a heatmap draws: rows true, columns predicted, `labels` naming both; the last is "(other)" when `other`. */
interface Heat {
  labels: string[];
  m: number[][];
  other: boolean;
}

function cellText(h: Heat, t: number, p: number): string {
  const row = h.m[t] ?? [];
  const count = row[p] ?? 0;
  const support = row.reduce((s, v) => s + v, 0);
  const name = (k: number) => h.labels[k] ?? `#${k}`;
  const share = support > 0 ? ` (${pct(count / support)} of true ${name(t)})` : '';
  return `True ${name(t)}, predicted ${name(p)}: ${int(count)} sample${count === 1 ? '' : 's'}${share}`;
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
function geometry(labels: readonly string[], svg: boolean): Geometry {
  const k = labels.length;
  // A canvas of 600 classes and more draws one pixel per cell: 1000 classes stay 1000 px wide.
  const cell = Math.max(svg ? 3 : 1, Math.min(36, Math.floor(600 / k)));
  const longest = Math.min(16, Math.max(1, ...labels.map((n) => n.length)));
  const left = Math.round(Math.min(120, 12 + 6 * longest));
  const top = Math.round(Math.min(110, 12 + 6 * longest * (svg ? 0.77 : 1)));
  return { k, cell, left, top };
}

function svgMatrix(dom: Dom, h: Heat, g: Geometry): SVGSVGElement {
  const frac = rowFractions(h.m);
  const w = g.left + g.k * g.cell + 4;
  const ht = g.top + g.k * g.cell + 4;
  const svg = dom.svg('svg', { class: 'confusion-svg', width: w, height: ht, viewBox: `0 0 ${w} ${ht}` });
  const step = labelStep(g.cell);
  const showCounts = g.cell >= 22;
  const last = g.k - 1;
  for (let t = 0; t < g.k; t++) {
    if (t % step === 0 || (h.other && t === last)) {
      const other = h.other && t === last ? ' other' : '';
      svg.appendChild(dom.svg('text', { class: `label${other}`, x: g.left - 4, y: g.top + t * g.cell + g.cell / 2 + 4, 'text-anchor': 'end' }, h.labels[t]));
      const cx = g.left + t * g.cell + g.cell / 2;
      svg.appendChild(dom.svg('text', { class: `label${other}`, x: cx, y: g.top - 4, transform: `rotate(-50 ${cx} ${g.top - 4})` }, h.labels[t]));
    }
    for (let p = 0; p < g.k; p++) {
      const f = frac[t]?.[p] ?? 0;
      const count = h.m[t]?.[p] ?? 0;
      const kind = h.other && (t === last || p === last) ? 'folded' : t === p ? 'diag' : 'off';
      svg.appendChild(dom.svg('rect', {
        class: `cell ${kind}${count === 0 ? ' empty' : ''}`,
        x: g.left + p * g.cell, y: g.top + t * g.cell, width: g.cell - 1, height: g.cell - 1,
        'fill-opacity': count === 0 ? null : (0.12 + 0.88 * Math.sqrt(f)).toFixed(3),
        'data-true': t, 'data-predicted': p,
      }));
      if (showCounts && count > 0) {
        svg.appendChild(dom.svg('text', { class: `count${Math.sqrt(f) > 0.55 && kind !== 'folded' ? ' on-dark' : ''}`, x: g.left + p * g.cell + (g.cell - 1) / 2, y: g.top + t * g.cell + g.cell / 2 + 4, 'text-anchor': 'middle' }, String(count)));
      }
    }
  }
  return svg;
}

function canvasMatrix(dom: Dom, h: Heat, g: Geometry): HTMLCanvasElement {
  const w = g.left + g.k * g.cell + 4;
  const ht = g.top + g.k * g.cell + 4;
  const canvas = dom.h('canvas', { class: 'confusion-canvas', width: w, height: ht });
  canvas.style.setProperty('width', `${w}px`);
  canvas.style.setProperty('height', `${ht}px`);
  // Drawn once attached and visible, when the theme's colours can be read from the computed style.
  (canvas as HTMLCanvasElement & { draw?: () => void }).draw = () => {
    const ctx = typeof canvas.getContext === 'function' ? canvas.getContext('2d') : null;
    if (!ctx) return;
    const view = canvas.ownerDocument.defaultView;
    const ratio = view?.devicePixelRatio ?? 1;
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(ht * ratio);
    ctx.scale(ratio, ratio);
    const blue = themeColour(canvas, '--vscode-charts-blue', '#3794ff');
    const red = themeColour(canvas, '--vscode-charts-red', '#f14c4c');
    const fg = themeColour(canvas, '--vscode-descriptionForeground', '#999999');
    const empty = themeColour(canvas, '--vscode-editorWidget-background', 'rgba(128,128,128,0.08)');
    const font = themeColour(canvas, '--vscode-font-family', 'sans-serif');
    const gap = g.cell > 5 ? 1 : 0;
    // Empty cells are most of a large matrix: one rectangle under all of them (with gaps drawn as
    // cells when they are wide enough to show), then only the counted cells on top.
    ctx.fillStyle = empty;
    if (gap === 0) ctx.fillRect(g.left, g.top, g.k * g.cell, g.k * g.cell);
    for (let t = 0; t < g.k; t++) {
      const row = h.m[t] ?? [];
      const support = row.reduce((s, v) => s + v, 0);
      for (let p = 0; p < g.k; p++) {
        const count = row[p] ?? 0;
        if (count === 0) {
          if (gap === 0) continue;
          ctx.globalAlpha = 1;
          ctx.fillStyle = empty;
        } else {
          ctx.globalAlpha = 0.12 + 0.88 * Math.sqrt(count / support);
          ctx.fillStyle = t === p ? blue : red;
        }
        ctx.fillRect(g.left + p * g.cell, g.top + t * g.cell, g.cell - gap, g.cell - gap);
      }
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = fg;
    ctx.font = `10px ${font}`;
    const step = labelStep(g.cell);
    for (let t = 0; t < g.k; t += step) {
      const label = (h.labels[t] ?? '').slice(0, 16);
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

/** Draws the canvases in `root` that are shown (call after the dashboard is attached to the document); one in a closed disclosure waits for it to open. */
export function drawCanvases(root: ParentNode): void {
  root.querySelectorAll('canvas').forEach((c) => {
    if (c.closest('details:not([open])')) return;
    (c as HTMLCanvasElement & { draw?: () => void }).draw?.();
  });
}

/** One interactive heatmap: the chart, a cursor over it and the live region reading its cell. */
function heatmap(dom: Dom, h: Heat, renderer: 'svg' | 'canvas', testid: string, label: string, describedBy: string): { stage: HTMLElement; readout: HTMLElement } {
  const g = geometry(h.labels, renderer === 'svg');
  const chart = renderer === 'svg' ? svgMatrix(dom, h, g) : canvasMatrix(dom, h, g);
  const cursor = dom.svg('rect', { class: 'cursor', width: g.cell + 1, height: g.cell + 1, x: g.left - 1, y: g.top - 1, visibility: 'hidden' });
  const readout = dom.h('p', { class: 'readout small', 'aria-live': 'polite', 'data-testid': `${testid}-readout` }, 'Hover or focus the matrix and use the arrow keys to read a cell.');
  const overlay = dom.svg('svg', { class: 'confusion-overlay', width: g.left + g.k * g.cell + 4, height: g.top + g.k * g.cell + 4, 'aria-hidden': 'true' }, cursor);
  // Not role="img": the stage is interactive, so it is a labelled group whose cells are read out
  // by the live region, with the confused pairs as its description.
  const stage = dom.h('div', { class: 'confusion-stage', tabindex: 0, role: 'group', 'aria-roledescription': 'heatmap', 'aria-label': label, 'aria-describedby': describedBy, 'data-testid': testid, 'data-classes': g.k, 'data-renderer': renderer }, chart, overlay);
  let at: [number, number] | null = null;
  const move = (t: number, p: number) => {
    at = [Math.max(0, Math.min(g.k - 1, t)), Math.max(0, Math.min(g.k - 1, p))];
    cursor.setAttribute('x', String(g.left + at[1] * g.cell - 1));
    cursor.setAttribute('y', String(g.top + at[0] * g.cell - 1));
    cursor.setAttribute('visibility', 'visible');
    readout.textContent = cellText(h, at[0], at[1]);
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
  return { stage, readout };
}

/** The largest confused pairs as a table, largest first. */
function pairsTable(dom: Dom, names: readonly string[], m: number[][], limit: number, filter: ActiveFilter | undefined): HTMLElement {
  const ranking = rankConfusedPairs(m, limit, filter?.matches);
  if (ranking.pairs.length === 0) {
    return dom.h('p', { class: 'muted', id: 'top-confusions', 'data-testid': 'confused-pairs-none' },
      filter ? `No confusions involve a class matching “${filter.query}”.` : 'No confusions: every sample predicted as its true class.');
  }
  const caption = `${int(ranking.cells)} confused pair${ranking.cells === 1 ? '' : 's'} (${int(ranking.samples)} samples)${filter ? ` with a class matching “${filter.query}”` : ''}; the ${ranking.pairs.length === ranking.cells ? '' : `${ranking.pairs.length} `}largest:`;
  const head = dom.h('tr', {}, ...['True', 'Predicted', 'Count', 'Share of true class'].map((t, i) => dom.h('th', { scope: 'col', class: i >= 2 ? 'num' : null }, t)));
  const rows = ranking.pairs.map((p) => dom.h('tr', { 'data-testid': 'confused-pair', 'data-true': p.true, 'data-predicted': p.predicted, 'data-count': p.count, 'data-share': String(p.share) },
    dom.h('td', { class: 'name' }, className(names, p.true)),
    dom.h('td', { class: 'name' }, className(names, p.predicted)),
    dom.h('td', { class: 'num' }, int(p.count)),
    dom.h('td', { class: 'num' }, pct(p.share))));
  return dom.h('div', { id: 'top-confusions' },
    dom.h('p', { class: 'muted small', 'data-testid': 'confused-pairs-caption' }, caption),
    dom.h('div', { class: 'table-wrap' }, dom.h('table', { class: 'confused-pairs', 'data-testid': 'confused-pairs' }, dom.h('caption', { class: 'visually-hidden' }, caption), dom.h('thead', {}, head), dom.h('tbody', {}, ...rows))));
}

export function renderConfusion(ctx: Ctx, r: ReportJson, filter?: ActiveFilter): HTMLElement | null {
  const { dom } = ctx;
  const m = r.confusion;
  if (!m) return null;
  const k = m.length;
  const names = r.layout.classNames.length === k ? r.layout.classNames : m.map((_, i) => String(i));
  const large = k > SVG_MAX_CLASSES;
  const total = m.reduce((s, row) => s + row.reduce((a, v) => a + v, 0), 0);
  const correct = m.reduce((s, row, i) => s + (row[i] ?? 0), 0);
  const pairs = pairsTable(dom, names, m, large ? TOP_PAIRS_LARGE : TOP_PAIRS_SMALL, filter);
  const parts: (Node | null)[] = [];
  if (!large && !filter) {
    const { stage, readout } = heatmap(dom, { labels: [...names], m, other: false }, 'svg', 'confusion',
      `Confusion matrix of ${k} classes, rows the true class and columns the predicted class; ${int(correct)} of ${int(total)} samples on the diagonal.`, 'top-confusions');
    parts.push(dom.h('figure', { class: 'chart', 'data-testid': 'confusion-figure' }, dom.h('div', { class: 'confusion-scroll' }, stage)), readout);
  } else {
    const kept = mostConfusedClasses(m, TOP_CLASSES, filter?.matches);
    const f = foldConfusion(m, kept);
    const labels = [...f.classes.map((c) => className(names, c)), ...(f.folded > 0 ? [OTHER] : [])];
    const what = filter ? `the ${f.classes.length} most confused of the ${int(filter.count)} classes matching “${filter.query}”` : `the ${f.classes.length} most confused classes`;
    const note = dom.h('p', { class: 'small', 'data-testid': 'confusion-folded-note', 'data-kept': f.classes.join(','), 'data-folded': f.folded },
      `${int(k)} classes: ${what} (by samples taken for another class plus other classes' samples taken for them)${f.folded > 0 ? `, the other ${int(f.folded)} summed into ${OTHER}` : ''}.`);
    parts.push(note);
    if (f.classes.length > 0) {
      const { stage, readout } = heatmap(dom, { labels, m: f.matrix, other: f.folded > 0 }, 'svg', 'confusion',
        `Confusion matrix of ${what}${f.folded > 0 ? `, the other ${f.folded} classes as ${OTHER}` : ''}; rows the true class and columns the predicted class.`, 'top-confusions');
      stage.setAttribute('data-folded', String(f.folded));
      parts.push(dom.h('figure', { class: 'chart', 'data-testid': 'confusion-figure' }, dom.h('div', { class: 'confusion-scroll' }, stage)), readout);
    }
    if (large) {
      const full = heatmap(dom, { labels: [...names], m, other: false }, 'canvas', 'confusion-full',
        `The full confusion matrix, ${k} by ${k} classes; ${int(correct)} of ${int(total)} samples on the diagonal.`, 'top-confusions');
      // Open or closed as it was left: the dashboard is rebuilt on every recomputation and filter change.
      const details = dom.h('details', { class: 'confusion-full', 'data-testid': 'confusion-full-details', open: ctx.state.confusionFullOpen === true },
        dom.h('summary', {}, `The full ${int(k)} × ${int(k)} matrix`),
        dom.h('div', { class: 'confusion-scroll' }, full.stage), full.readout);
      details.addEventListener('toggle', () => {
        if (details.open) drawCanvases(details);
        if (details.open !== (ctx.state.confusionFullOpen === true)) ctx.saveState({ confusionFullOpen: details.open });
      });
      parts.push(details);
    }
  }
  // Each swatch with its word in one span: the legend wraps between entries, never inside one.
  const entry = (swatch: string, text: string) => dom.h('span', {}, dom.h('span', { class: `swatch ${swatch}`, 'aria-hidden': 'true' }), ` ${text}`);
  const scale = dom.h('p', { class: 'legend small' },
    entry('swatch-diag-cell', 'correct'), entry('swatch-off-cell', 'confused'),
    large || filter ? entry('swatch-folded-cell', OTHER) : null,
    dom.h('span', {}, '— darker = larger share of the true class (rows: true, columns: predicted)'));
  return dom.section('confusion-section', 'Confusion matrix', ...parts, scale, dom.h('h3', {}, 'Most confused pairs'), pairs);
}
