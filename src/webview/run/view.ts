/**
 * The run view's sections, built with the dashboard's DOM helpers (no innerHTML; styles by class):
 * the header with how samples were matched, the mean and accuracy across files, one class's loss
 * across files, the samples whose loss rose and those forgotten (paged tables), and the
 * cartography map, drawn on a canvas (one element whatever the number of samples).
 */
import type { RunReport } from '../../core/run';
import { REGIONS } from '../../core/run/stats';
import type { RunViewData, RunViewState, RunWebviewMessage } from '../../shared/run-protocol';
import { chartFigure, type Dom } from '../dom';
import { int, num, pct, raw } from '../format';
import { sortableTable, type Column, type SortState } from '../table';
import { accuracySeries, axisLabels, classSeries, defaultClass, domainOf, labelledFiles, tickText, mapGeometry, mapPoint, meanSeries, nearestSample, stepSample, ticks, type MapDirection, type MapGeometry, type Series } from './model';

export interface RunCtx {
  dom: Dom;
  post: (m: RunWebviewMessage) => void;
  state: RunViewState;
  saveState: (patch: Partial<RunViewState>) => void;
}

const W = 360;
const H = 180;
const PAD = { left: 46, right: 14, top: 10, bottom: 34 };

/** A small line chart of one value per file (SVG: one point each, labelled for tests and tooltips). */
export function lineChart(dom: Dom, s: Series, names: readonly string[], o: { testid: string; label: string; yTitle: string; format: (v: number) => string; percent?: boolean; cls?: string; context?: number[][] }): HTMLElement {
  // Faint lines behind the series (the other classes) share its axis.
  const [lo, hi] = o.context === undefined ? s.domain : domainOf([...s.values, ...o.context.flat()], [0, Infinity]);
  const n = s.values.length;
  const pw = W - PAD.left - PAD.right;
  const ph = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (n <= 1 ? pw / 2 : (i / (n - 1)) * pw);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * ph;
  const svg = dom.svg('svg', { class: 'chart-svg run-line', viewBox: `0 0 ${W} ${H}`, width: W, height: H });
  const axis = dom.svg('g', { class: 'axis' });
  for (const t of ticks(lo, hi)) {
    axis.append(dom.svg('line', { class: 'grid', x1: PAD.left, x2: W - PAD.right, y1: y(t), y2: y(t) }), dom.svg('text', { x: PAD.left - 6, y: y(t) + 3, 'text-anchor': 'end' }, tickText(t, o.percent)));
  }
  const axisNames = axisLabels(names);
  for (const i of labelledFiles(n, Math.max(2, Math.floor(pw / (7 * Math.max(...axisNames.labels.map((l) => Math.min(l.length, 14))) + 10))))) {
    const name = axisNames.labels[i] ?? String(i + 1);
    axis.append(dom.svg('text', { class: 'run-file-label', x: x(i), y: H - PAD.bottom + 14, 'text-anchor': 'middle' }, name.length > 14 ? `…${name.slice(-13)}` : name));
  }
  axis.append(dom.svg('line', { class: 'axis-line', x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom }));
  axis.append(dom.svg('text', { class: 'axis-title', x: PAD.left + pw / 2, y: H - 4, 'text-anchor': 'middle' }, `${axisNames.title} (run order)`));
  axis.append(dom.svg('text', { class: 'axis-title', x: 10, y: PAD.top + ph / 2, 'text-anchor': 'middle', transform: `rotate(-90 10 ${PAD.top + ph / 2})` }, o.yTitle));
  svg.append(axis);
  // A file without a value (a class absent from it) breaks the line rather than bridging it.
  const pathOf = (values: readonly number[]) => {
    let path = '';
    let pen = false;
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) pen = false;
      else {
        path += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
        pen = true;
      }
    });
    return path;
  };
  for (const c of o.context ?? []) svg.append(dom.svg('path', { class: 'run-context', d: pathOf(c) }));
  svg.append(dom.svg('path', { class: `run-series ${o.cls ?? ''}`, d: pathOf(s.values) }));
  s.values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    svg.append(dom.svg('circle', { class: `run-point ${o.cls ?? ''}`, cx: x(i), cy: y(v), r: n > 40 ? 1.5 : 3, 'data-file': i, 'data-value': raw(v) }, dom.svg('title', {}, `${names[i]}: ${o.format(v)}`)));
  });
  const alt = dom.h('span', {}, s.values.map((v, i) => `${names[i]}: ${o.format(v)}`).join('; '));
  return chartFigure(dom, svg, o.label, alt, o.testid);
}

function header(ctx: RunCtx, d: RunViewData): HTMLElement {
  const { dom } = ctx;
  const r = d.report;
  const first = r.files[0]!;
  const last = r.files[r.files.length - 1]!;
  const figure = (label: string, value: string, testid: string, v: number, detail?: string) =>
    dom.h('div', { class: 'figure' }, dom.h('dt', {}, label), dom.h('dd', {}, dom.h('span', { class: 'figure-value', 'data-testid': testid, 'data-value': raw(v) }, value), detail ? dom.h('span', { class: 'figure-detail' }, detail) : null));
  const refresh = dom.h('button', { type: 'button', class: 'secondary', 'data-testid': 'run-refresh' }, 'Refresh');
  refresh.addEventListener('click', () => ctx.post({ type: 'refresh' }));
  return dom.h('section', { class: 'card', 'aria-labelledby': 'run-title' },
    dom.h('div', { class: 'summary-head' }, dom.h('h1', { id: 'run-title' }, `Run: ${d.label}`), refresh),
    dom.h('p', { class: 'subtitle' }, `${int(r.files.length)} files, ${int(r.samples)} samples, read in ${(d.elapsedMs / 1000).toFixed(2)} s. ${r.order}`),
    dom.h('p', { class: `run-matching by-${r.matchedBy}`, 'data-testid': 'run-matching', 'data-by': r.matchedBy, 'data-column': r.idColumn ?? null },
      dom.h('strong', {}, r.matchedBy === 'id' ? `Matched by id column "${r.idColumn ?? ''}"` : 'Matched by row order'), ` · ${r.matching}`),
    dom.h('dl', { class: 'figures compact' },
      figure(`Mean loss (${d.unit}), last file`, num(last.mean), 'run-last-mean', last.mean, `first ${num(first.mean)}`),
      figure('Accuracy, last file', pct(last.accuracy), 'run-last-accuracy', last.accuracy, `first ${pct(first.accuracy)}`),
      figure('Forgotten', int(r.forgetting.forgotten), 'run-forgotten-count', r.forgetting.forgotten, `${int(r.forgetting.events)} events`),
      figure('Never learned', int(r.forgetting.neverLearned), 'run-never-learned', r.forgetting.neverLearned)),
    dom.h('p', { class: 'muted small' }, r.store.text));
}

function acrossFiles(ctx: RunCtx, d: RunViewData): HTMLElement {
  const { dom } = ctx;
  const r = d.report;
  const names = d.shortNames;
  const rows = r.files.map((f, i) => ({ i, name: names[i]!, mean: f.mean, accuracy: f.accuracy, rows: f.rows }));
  const columns: Column<(typeof rows)[number]>[] = [
    { key: 'file', label: 'File', value: (x) => x.i, cell: (x) => x.name },
    { key: 'mean', label: `Mean loss (${d.unit})`, numeric: true, value: (x) => x.mean, cell: (x) => num(x.mean), raw: (x) => x.mean },
    { key: 'accuracy', label: 'Accuracy', numeric: true, value: (x) => x.accuracy, cell: (x) => pct(x.accuracy), raw: (x) => x.accuracy },
    { key: 'rows', label: 'Rows', numeric: true, value: (x) => x.rows, cell: (x) => int(x.rows) },
  ];
  let sort: SortState | null = null;
  return dom.section('run-files', 'Across files',
    dom.h('div', { class: 'run-charts' },
      lineChart(dom, meanSeries(r), names, { testid: 'run-mean-chart', label: `Mean loss in each file, ${names[0]} to ${names[names.length - 1]}`, yTitle: `mean loss (${d.unit})`, format: (v) => num(v, 3) }),
      lineChart(dom, accuracySeries(r), names, { testid: 'run-accuracy-chart', label: `Accuracy in each file, ${names[0]} to ${names[names.length - 1]}`, yTitle: 'accuracy', format: pct, percent: true, cls: 'accuracy' })),
    dom.h('details', { class: 'run-details' }, dom.h('summary', {}, 'Each file\'s numbers'),
      sortableTable(dom, { caption: 'Each file of the run', testid: 'run-files-table', columns, rows, sort, onSort: (s) => (sort = s), rowAttrs: (x) => ({ 'data-file': x.i }) })));
}

function perClass(ctx: RunCtx, d: RunViewData): HTMLElement {
  const { dom } = ctx;
  const r = d.report;
  const classes = r.files[0]!.classes;
  const chosen = ctx.state.classIndex !== undefined && ctx.state.classIndex < classes.length ? ctx.state.classIndex : defaultClass(r);
  const select = dom.h('select', { id: 'run-class', 'data-testid': 'run-class-select' },
    ...classes.map((c, k) => dom.h('option', { value: k }, `${c.name} (${int(c.support)} samples)`)));
  select.value = String(chosen);
  const holder = dom.h('div', {});
  const draw = (k: number) => {
    const name = classes[k]?.name ?? String(k);
    // Up to a dozen classes, the others stay in view as faint lines; beyond, they would be a smear.
    const others = classes.length <= MAX_CONTEXT_CLASSES ? classes.map((_, j) => j).filter((j) => j !== k).map((j) => classSeries(r, j).values) : [];
    holder.replaceChildren(lineChart(dom, classSeries(r, k), d.shortNames, { testid: 'run-class-chart', label: `Mean loss of class ${name} in each file`, yTitle: `class ${name} (${d.unit})`, format: (v) => num(v, 3), cls: 'class', context: others }));
    holder.firstElementChild?.setAttribute('data-class', String(k));
  };
  select.addEventListener('change', () => {
    const k = Number(select.value);
    ctx.saveState({ classIndex: k });
    draw(k);
  });
  draw(chosen);
  return dom.section('run-class', 'Per class',
    dom.h('div', { class: 'field run-class-field' }, dom.h('label', { for: 'run-class' }, 'Class'), select),
    dom.h('p', { class: 'muted small' }, `Its samples' mean loss in each file${classes.length <= MAX_CONTEXT_CLASSES ? ', the other classes faint behind it' : ''}. It starts on the class whose loss rose most from the first file to the last, or when none rose, the one with the highest loss in the last file.`),
    holder);
}

/** Classes drawn faint behind the one chosen, up to this many. */
const MAX_CONTEXT_CLASSES = 12;

const sampleName = (s: { sample: number; id?: string }) => (s.id === undefined ? `#${s.sample + 1}` : `#${s.sample + 1} (${s.id})`);

function lists(ctx: RunCtx, d: RunViewData): HTMLElement {
  const { dom } = ctx;
  const r = d.report;
  const names = d.shortNames;
  type Rise = RunReport['rose'][number];
  type Forgot = RunReport['forgetting']['top'][number];
  let riseSort: SortState | null = null;
  let forgotSort: SortState | null = null;
  const rise: Column<Rise>[] = [
    { key: 'sample', label: 'Sample', value: (s) => s.sample, cell: (s) => sampleName(s) },
    { key: 'label', label: 'Label', value: (s) => s.label, cell: (s) => s.label },
    { key: 'from', label: 'First', numeric: true, value: (s) => s.lossFrom, cell: (s) => num(s.lossFrom), title: 'Loss in the first file with a value' },
    { key: 'to', label: 'Last', numeric: true, value: (s) => s.lossTo, cell: (s) => num(s.lossTo), title: 'Loss in the last file with a value' },
    { key: 'rise', label: 'Rise', numeric: true, value: (s) => s.rise, cell: (s) => `+${num(s.rise)}`, raw: (s) => s.rise },
    { key: 'at', label: 'Line', value: (s) => s.line, cell: (s) => `${names[s.to]}:${s.line}` },
  ];
  const forgot: Column<Forgot>[] = [
    { key: 'sample', label: 'Sample', value: (s) => s.sample, cell: (s) => sampleName(s) },
    { key: 'label', label: 'Label', value: (s) => s.label, cell: (s) => s.label },
    { key: 'events', label: 'Events', numeric: true, value: (s) => s.events, cell: (s) => int(s.events), raw: (s) => s.events },
    { key: 'file', label: 'Last forgotten in', value: (s) => s.file, cell: (s) => `${names[s.file]}:${s.line}` },
    { key: 'loss', label: 'Loss there', numeric: true, value: (s) => s.loss, cell: (s) => num(s.loss), raw: (s) => s.loss },
  ];
  const fg = r.forgetting;
  return dom.h('div', { class: 'columns run-lists' },
    dom.section('run-rose', 'Loss rose most',
      dom.h('p', { class: 'muted small' }, r.rose.length === 0 ? 'No sample ends with a higher loss than it started with.' : `From its first file to its last, largest rise first (top ${int(r.rose.length)}). A row opens the sample's line in its last file, and its derivation.`),
      r.rose.length === 0 ? null : sortableTable(dom, { caption: 'Samples whose loss rose most', testid: 'run-rose-table', columns: rise, rows: r.rose, sort: riseSort, onSort: (s) => (riseSort = s), pageSize: 50, rowNoun: 'samples',
        rowAttrs: (s) => ({ 'data-sample': s.sample, 'data-file': s.to, 'data-line': s.line, 'data-testid': 'run-rose-row' }), onActivate: (s) => ctx.post({ type: 'openSample', sample: s.sample, file: s.to }) })),
    dom.section('run-forgotten', 'Forgotten',
      dom.h('p', { class: 'muted small' }, `${int(fg.forgotten)} samples forgotten (${int(fg.events)} events); ${int(fg.unforgettable)} learned and never forgotten; ${int(fg.neverLearned)} never learned. ${fg.text} A row opens the sample where it was last forgotten.`),
      fg.top.length === 0 ? null : sortableTable(dom, { caption: 'Forgotten samples, most events first', testid: 'run-forgotten-table', columns: forgot, rows: fg.top, sort: forgotSort, onSort: (s) => (forgotSort = s), pageSize: 50, rowNoun: 'samples',
        rowAttrs: (s) => ({ 'data-sample': s.sample, 'data-file': s.file, 'data-line': s.line, 'data-testid': 'run-forgotten-row' }), onActivate: (s) => ctx.post({ type: 'openSample', sample: s.sample, file: s.file }) })));
}

const REGION_LABEL: Record<(typeof REGIONS)[number], string> = { easy: 'easy to learn', ambiguous: 'ambiguous', hard: 'hard to learn', other: 'other' };
const REGION_VAR: Record<(typeof REGIONS)[number], [string, string]> = {
  easy: ['--vscode-charts-blue', '#3794ff'],
  ambiguous: ['--vscode-charts-orange', '#d18616'],
  hard: ['--vscode-charts-red', '#f14c4c'],
  other: ['--vscode-descriptionForeground', '#9d9d9d'],
};

function themeColour(el: Element, name: string, fallback: string): string {
  const view = el.ownerDocument.defaultView;
  const v = view?.getComputedStyle ? view.getComputedStyle(el).getPropertyValue(name).trim() : '';
  return v || fallback;
}

const MAP_W = 520;
const MAP_H = 380;

/** The canvas's points, in each region's theme colour; drawn again on a theme change (its `draw`). */
function drawMap(canvas: HTMLCanvasElement, d: RunViewData, g: MapGeometry): void {
  const c = canvas.getContext?.('2d');
  if (!c) return;
  const ratio = canvas.ownerDocument.defaultView?.devicePixelRatio ?? 1;
  canvas.width = Math.round(g.width * ratio);
  canvas.height = Math.round(g.height * ratio);
  c.setTransform(ratio, 0, 0, ratio, 0, 0);
  c.clearRect(0, 0, g.width, g.height);
  const n = d.confidence.length;
  // Many points: small and see-through, so density shows; few: dots one can aim at.
  const size = n > 20_000 ? 1.5 : n > 2_000 ? 2.5 : 4;
  c.globalAlpha = n > 20_000 ? 0.35 : n > 2_000 ? 0.6 : 0.85;
  // 'other' first, so the named regions sit on top.
  for (const k of [0, 3, 1, 2]) {
    const [name, fallback] = REGION_VAR[REGIONS[k]!];
    c.fillStyle = themeColour(canvas, name, fallback);
    for (let i = 0; i < n; i++) {
      if (d.region[i] !== k || Number.isNaN(d.confidence[i]!)) continue;
      const [x, y] = mapPoint(g, d.confidence[i]!, d.variability[i]!);
      c.fillRect(x - size / 2, y - size / 2, size, size);
    }
  }
  c.globalAlpha = 1;
}

function mapSection(ctx: RunCtx, d: RunViewData): HTMLElement {
  const { dom } = ctx;
  const r = d.report;
  const g = mapGeometry(d.variability, MAP_W, MAP_H);
  const canvas = dom.h('canvas', { class: 'run-map-canvas', width: MAP_W, height: MAP_H, 'aria-hidden': 'true' }) as HTMLCanvasElement & { draw?: () => void };
  canvas.draw = () => drawMap(canvas, d, g);
  // Axes, the regions' edges and the picked sample: SVG over the canvas, themed by CSS.
  const overlay = dom.svg('svg', { class: 'run-map-overlay', width: MAP_W, height: MAP_H, viewBox: `0 0 ${MAP_W} ${MAP_H}`, 'aria-hidden': 'true' });
  const axis = dom.svg('g', { class: 'axis' });
  const bottom = g.top + g.plotHeight;
  for (const t of ticks(0, 1, 5)) {
    const y = g.top + (1 - t) * g.plotHeight;
    axis.append(dom.svg('line', { class: 'grid', x1: g.left, x2: g.left + g.plotWidth, y1: y, y2: y }), dom.svg('text', { x: g.left - 6, y: y + 3, 'text-anchor': 'end' }, String(t)));
  }
  for (const t of ticks(0, g.maxVariability, 5)) {
    const x = g.left + (t / g.maxVariability) * g.plotWidth;
    axis.append(dom.svg('line', { class: 'grid', x1: x, x2: x, y1: g.top, y2: bottom }), dom.svg('text', { x, y: bottom + 14, 'text-anchor': 'middle' }, String(t)));
  }
  axis.append(
    dom.svg('line', { class: 'axis-line', x1: g.left, x2: g.left + g.plotWidth, y1: bottom, y2: bottom }),
    dom.svg('line', { class: 'axis-line', x1: g.left, x2: g.left, y1: g.top, y2: bottom }),
    dom.svg('text', { class: 'axis-title', x: g.left + g.plotWidth / 2, y: MAP_H - 6, 'text-anchor': 'middle' }, 'variability (std of P(true class) across files)'),
    dom.svg('text', { class: 'axis-title', x: 12, y: g.top + g.plotHeight / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${g.top + g.plotHeight / 2})` }, 'confidence (mean P(true class))'),
  );
  const t = r.cartography.thresholds;
  const edge = (cls: string, x1: number, y1: number, x2: number, y2: number, label: string, lx: number, ly: number, anchor: string) =>
    [dom.svg('line', { class: `run-edge ${cls}`, x1, y1, x2, y2 }), dom.svg('text', { class: `run-edge-label ${cls}`, x: lx, y: ly, 'text-anchor': anchor }, label)];
  const yOf = (c: number) => g.top + (1 - c) * g.plotHeight;
  const xOf = (v: number) => g.left + (v / g.maxVariability) * g.plotWidth;
  if (Number.isFinite(t.easyConfidence)) axis.append(...edge('easy', g.left, yOf(t.easyConfidence), g.left + g.plotWidth, yOf(t.easyConfidence), `easy ≥ ${num(t.easyConfidence, 3)}`, g.left + 6, yOf(t.easyConfidence) - 4, 'start'));
  if (Number.isFinite(t.hardConfidence)) axis.append(...edge('hard', g.left, yOf(t.hardConfidence), g.left + g.plotWidth, yOf(t.hardConfidence), `hard ≤ ${num(t.hardConfidence, 3)}`, g.left + 6, yOf(t.hardConfidence) + 12, 'start'));
  if (Number.isFinite(t.ambiguousVariability) && t.ambiguousVariability <= g.maxVariability) {
    const ax = xOf(t.ambiguousVariability);
    const right = ax > g.left + 0.6 * g.plotWidth;
    axis.append(...edge('ambiguous', ax, g.top, ax, bottom, `ambiguous ≥ ${num(t.ambiguousVariability, 3)}`, right ? ax - 4 : ax + 4, g.top + 12, right ? 'end' : 'start'));
  }
  const ring = dom.svg('circle', { class: 'run-pick', r: 6, cx: 0, cy: 0, visibility: 'hidden' });
  overlay.append(axis, ring);

  const files = r.files;
  const openFile = ctx.state.openFile !== undefined && ctx.state.openFile < files.length ? ctx.state.openFile : files.length - 1;
  const fileSelect = dom.h('select', { id: 'run-open-file', 'data-testid': 'run-open-file' },
    ...d.shortNames.map((n, i) => dom.h('option', { value: i }, n)));
  fileSelect.value = String(openFile);
  fileSelect.addEventListener('change', () => ctx.saveState({ openFile: Number(fileSelect.value) }));
  const readout = dom.h('p', { id: 'run-map-readout', class: 'readout small', 'aria-live': 'polite', 'data-testid': 'run-map-readout' }, 'Click a point to open its sample\'s line and derivation; or focus the map (Tab) and move between points with the arrow keys, Enter opening one.');
  // Focusable: the arrow keys move a focused point, Enter opens it, as a click does (the readout says which).
  const stage = dom.h('div', { class: 'run-map-stage', tabindex: 0, 'data-testid': 'run-map', 'data-samples': d.confidence.length, 'data-max-variability': g.maxVariability }, canvas, overlay);
  const counts = r.cartography.counts;
  const label = `Dataset cartography of ${int(r.samples)} samples: easy to learn ${int(counts.easy)}, ambiguous ${int(counts.ambiguous)}, hard to learn ${int(counts.hard)}, other ${int(counts.other)}. Arrow keys move between points, Enter opens one.`;
  stage.setAttribute('role', 'application');
  stage.setAttribute('aria-roledescription', 'scatter plot');
  stage.setAttribute('aria-label', label);
  stage.setAttribute('aria-describedby', 'run-map-readout');
  const at = (e: MouseEvent) => {
    const box = stage.getBoundingClientRect();
    // The stage may be drawn narrower than its 520 px (a narrow panel): back to the map's own pixels.
    const sx = box.width > 0 ? MAP_W / box.width : 1;
    const sy = box.height > 0 ? MAP_H / box.height : 1;
    return nearestSample(g, d.confidence, d.variability, (e.clientX - box.left) * sx, (e.clientY - box.top) * sy, 10);
  };
  const describe = (i: number) => `Sample #${i + 1}: confidence ${num(d.confidence[i]!, 3)}, variability ${num(d.variability[i]!, 3)}, ${REGION_LABEL[REGIONS[d.region[i]!]!]}`;
  // Hovering names the point a click would open (a scan of every sample: at most once a frame).
  let hovering: MouseEvent | undefined;
  stage.addEventListener('mousemove', (e: MouseEvent) => {
    const first = hovering === undefined;
    hovering = e;
    if (!first) return;
    const view = stage.ownerDocument.defaultView;
    const later = (f: () => void) => (view?.requestAnimationFrame ? view.requestAnimationFrame(f) : f());
    later(() => {
      const i = hovering === undefined ? -1 : at(hovering);
      hovering = undefined;
      stage.classList.toggle('over-point', i >= 0);
      stage.title = i < 0 ? '' : `${describe(i)}. Click to open it.`;
    });
  });
  /** Rings sample `i` (the one the keys move from, and a click picked). */
  const mark = (i: number) => {
    const [x, y] = mapPoint(g, d.confidence[i]!, d.variability[i]!);
    ring.setAttribute('cx', String(x));
    ring.setAttribute('cy', String(y));
    ring.setAttribute('visibility', 'visible');
    stage.setAttribute('data-picked', String(i));
  };
  const open = (i: number) => {
    mark(i);
    const file = Number(fileSelect.value);
    readout.textContent = `${describe(i)}. Opening it in ${d.shortNames[file]}…`;
    ctx.post({ type: 'openSample', sample: i, file });
  };
  const picked = () => Number(stage.getAttribute('data-picked') ?? -1);
  stage.addEventListener('click', (e: MouseEvent) => {
    const i = at(e);
    if (i < 0) {
      readout.textContent = 'No sample there: click on a point.';
      return;
    }
    open(i);
  });
  const KEYS: Record<string, MapDirection> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };
  const focusOn = (i: number, moved: boolean) => {
    if (i < 0) return;
    mark(i);
    readout.textContent = `${describe(i)}.${moved ? '' : ' Arrow keys move to the next point that way;'} Enter opens it in ${d.shortNames[Number(fileSelect.value)]}.`;
  };
  // Focus starts on the sample picked last, else the one nearest the centre.
  stage.addEventListener('focus', () => focusOn(picked() >= 0 ? picked() : stepSample(g, d.confidence, d.variability, -1, 'up'), false));
  stage.addEventListener('keydown', (e: KeyboardEvent) => {
    const dir = KEYS[e.key];
    if (dir !== undefined) {
      e.preventDefault();
      const from = picked();
      const next = stepSample(g, d.confidence, d.variability, from, dir);
      if (next < 0 && from >= 0) readout.textContent = `No point ${dir === 'up' ? 'above' : dir === 'down' ? 'below' : `to the ${dir}`}: ${describe(from)}.`;
      else focusOn(next, true);
    } else if ((e.key === 'Enter' || e.key === ' ') && picked() >= 0) {
      e.preventDefault();
      open(picked());
    }
  });
  const legend = dom.h('p', { class: 'legend small' },
    ...(['easy', 'ambiguous', 'hard', 'other'] as const).map((k) => dom.h('span', { class: 'run-legend-item', 'data-testid': `run-region-${k}`, 'data-value': counts[k] },
      dom.h('span', { class: `swatch run-swatch-${k}` }), ` ${REGION_LABEL[k]} ${int(counts[k])}`)));
  return dom.section('run-map-section', 'Dataset cartography',
    dom.h('p', { class: 'muted small' }, r.cartography.text),
    legend,
    dom.h('div', { class: 'field run-open-field' }, dom.h('label', { for: 'run-open-file' }, 'A click opens the sample in'), fileSelect),
    stage,
    readout);
}

export function renderRun(ctx: RunCtx, d: RunViewData): HTMLElement {
  const { dom } = ctx;
  return dom.h('div', { class: 'dashboard run' }, header(ctx, d), acrossFiles(ctx, d), perClass(ctx, d), mapSection(ctx, d), lists(ctx, d));
}
