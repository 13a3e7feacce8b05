/** Two files side by side (e.g. two epochs): headline deltas, per-class deltas, samples that moved most. */
import type { ComparisonData } from '../../shared/protocol';
import type { Ctx } from '../context';
import type { Dom } from '../dom';
import { int, num, raw } from '../format';
import { sortableTable, type Column } from '../table';
import { intervalText, renderCompareStats } from './comparison-stats';

interface ClassDelta {
  index: number;
  name: string;
  before: number;
  after: number;
  delta: number;
  /** The paired difference's 95% bootstrap interval (NaN when the files were refused). */
  interval: [number, number];
  withinNoise: boolean;
}

function signed(n: number): string {
  return Number.isFinite(n) && n > 0 ? `+${num(n)}` : num(n);
}

/** A delta cell: its sign as a word for screen readers and a colour class (lower loss is better). */
function deltaCell(dom: Dom, d: number, lowerIsBetter = true): Node {
  const better = lowerIsBetter ? d < 0 : d > 0;
  const cls = d === 0 || !Number.isFinite(d) ? 'delta' : better ? 'delta better' : 'delta worse';
  return dom.h('span', { class: cls }, signed(d));
}

export function renderComparison(ctx: Ctx, c: ComparisonData): HTMLElement {
  const { dom } = ctx;
  const a = c.base.report;
  const b = c.other.report;
  const head = (label: string, key: string, x: number, y: number, lowerIsBetter: boolean) =>
    dom.h('tr', { 'data-testid': `compare-${key}` },
      dom.h('th', { scope: 'row' }, label),
      dom.h('td', { class: 'num', 'data-value': raw(x) }, num(x)),
      dom.h('td', { class: 'num', 'data-value': raw(y) }, num(y)),
      dom.h('td', { class: 'num', 'data-value': raw(y - x) }, deltaCell(dom, y - x, lowerIsBetter)));
  const summary = dom.h('table', { class: 'compare-summary', 'data-testid': 'compare-summary' },
    dom.h('thead', {}, dom.h('tr', {}, dom.h('th', { scope: 'col' }, ''), dom.h('th', { scope: 'col', class: 'num' }, c.base.label, ' ', dom.h('span', { class: 'badge', 'data-testid': 'compare-preset-base' }, a.preset)), dom.h('th', { scope: 'col', class: 'num' }, c.other.label, ' ', dom.h('span', { class: 'badge', 'data-testid': 'compare-preset-other' }, b.preset)), dom.h('th', { scope: 'col', class: 'num' }, 'Δ'))),
    dom.h('tbody', {},
      head(`Mean loss (${a.unit})`, 'mean', a.value, b.value, true),
      head('Accuracy', 'accuracy', a.accuracy, b.accuracy, false),
      head('ECE', 'ece', a.ece, b.ece, true)));
  const byIndex = new Map(b.perClass.map((p) => [p.index, p]));
  const paired = new Map('stats' in c.outcome ? c.outcome.stats.perClass.map((p) => [p.index, p]) : []);
  const deltas: ClassDelta[] = a.perClass.map((p) => {
    const after = byIndex.get(p.index)?.meanLoss ?? NaN;
    const s = paired.get(p.index);
    return { index: p.index, name: p.name, before: p.meanLoss, after, delta: after - p.meanLoss, interval: s?.interval ?? [NaN, NaN], withinNoise: s?.withinNoise ?? false };
  });
  const columns: Column<ClassDelta>[] = [
    { key: 'name', label: 'Class', value: (d) => d.name, cell: (d) => d.name },
    { key: 'before', label: c.base.label, numeric: true, value: (d) => d.before, cell: (d) => num(d.before), raw: (d) => d.before },
    { key: 'after', label: c.other.label, numeric: true, value: (d) => d.after, cell: (d) => num(d.after), raw: (d) => d.after },
    { key: 'delta', label: 'Δ mean loss', numeric: true, value: (d) => d.delta, cell: (d) => deltaCell(dom, d.delta), raw: (d) => d.delta },
    {
      key: 'interval',
      label: '95% interval',
      numeric: true,
      value: (d) => d.interval[0],
      // Within noise: the interval holds 0, said in words beside it.
      cell: (d) => dom.h('span', { class: d.withinNoise ? 'muted' : '' }, intervalText(d.interval), d.withinNoise ? ' · within noise' : ''),
      raw: (d) => d.interval[0],
    },
  ];
  const classTable = sortableTable(dom, {
    caption: `Mean loss per class in ${c.base.label} and ${c.other.label}`,
    testid: 'compare-class-table',
    columns,
    rows: deltas,
    sort: ctx.state.compareSort ?? null,
    onSort: (compareSort) => ctx.saveState({ compareSort }),
    rowAttrs: (d) => ({ 'data-testid': 'compare-class-row', 'data-index': d.index }),
  });
  const changed = c.changed.map((s, i) => ({ ...s, rank: i + 1, delta: s.after - s.before }));
  const changedTable = sortableTable(dom, {
    caption: 'Samples whose loss changed most',
    testid: 'changed-table',
    columns: [
      { key: 'rank', label: '#', numeric: true, value: (s) => s.rank, cell: (s) => String(s.rank) },
      { key: 'line', label: 'Line', numeric: true, value: (s) => s.line, cell: (s) => int(s.line), raw: (s) => s.line },
      { key: 'before', label: c.base.label, numeric: true, value: (s) => s.before, cell: (s) => num(s.before), raw: (s) => s.before },
      { key: 'after', label: c.other.label, numeric: true, value: (s) => s.after, cell: (s) => num(s.after), raw: (s) => s.after },
      { key: 'delta', label: 'Δ loss', numeric: true, value: (s) => s.delta, cell: (s) => deltaCell(dom, s.delta), raw: (s) => s.delta },
    ],
    rows: changed,
    sort: null,
    onSort: () => undefined,
    rowAttrs: (s) => ({ 'data-testid': 'changed-row', 'data-row': s.row, 'data-line': s.line }),
    onActivate: (s) => {
      ctx.post({ type: 'revealLine', line: s.line });
      ctx.post({ type: 'selectSample', row: s.row, line: s.line });
    },
  });
  const alone = dom.h('button', { type: 'button', class: 'secondary', 'data-testid': 'close-comparison' }, `Show ${c.base.label} alone`);
  alone.addEventListener('click', () => ctx.post({ type: 'closeComparison' }));
  return dom.h('div', { class: 'comparison', 'data-testid': 'comparison' },
    dom.h('section', { class: 'card', id: 'compare', 'aria-labelledby': 'compare-heading' },
      dom.h('div', { class: 'compare-head' }, dom.h('h1', { id: 'compare-heading' }, `${c.base.label} → ${c.other.label}`), alone),
      dom.h('div', { class: 'table-wrap' }, summary)),
    ...renderCompareStats(ctx, c.outcome, { a: c.base.label, b: c.other.label }),
    dom.section('compare-classes', 'Per class', classTable),
    // Refused files do not pair row by row: no sample list to show.
    'refused' in c.outcome ? null : dom.section('compare-changed', 'Samples whose loss changed most', changed.length ? changedTable : dom.h('p', { class: 'muted' }, 'No sample changed.')));
}
