/** The per-class table with each class's share of the total loss drawn as an in-cell bar. */
import type { ReportJson } from '../../core/report-json';
import type { Ctx } from '../context';
import type { ActiveFilter } from './confusion';
import type { Dom } from '../dom';
import { int, num, pct } from '../format';
import { sortableTable, type Column } from '../table';

type ClassRow = ReportJson['perClass'][number];

/** A bound that is there: NaN in memory, null once through JSON, when the interval is undefined. */
const known = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * A value with its 95% interval beside it, muted: a mean loss as ± its half-width (the normal
 * interval is symmetric), a rate as its Wilson bounds (which are not). A small class then shows a
 * wide interval rather than a value that only looks bad.
 */
function withInterval(dom: Dom, value: number, ci: readonly (number | null)[], symmetric: boolean): Node {
  const [lo, hi] = ci;
  if (!known(lo) || !known(hi) || !Number.isFinite(value)) return dom.h('span', {}, num(value));
  const text = symmetric ? `± ${num((hi - lo) / 2, 2)}` : `${num(lo, 2)}–${num(hi, 2)}`;
  return dom.h('span', { class: 'with-ci', title: `95% interval ${num(lo)} to ${num(hi)}` }, num(value), ' ', dom.h('span', { class: 'ci-text', 'data-testid': 'ci', 'data-low': String(lo), 'data-high': String(hi) }, text));
}

/** The share as a bar scaled to the largest share, so small differences between classes stay visible. */
function shareBar(dom: Dom, share: number, max: number): Node {
  const w = 60;
  const frac = Number.isFinite(share) && max > 0 ? Math.max(0, Math.min(1, share / max)) : 0;
  const bar = dom.svg('svg', { class: 'share-bar', width: w, height: 10, viewBox: `0 0 ${w} 10`, 'aria-hidden': 'true' },
    dom.svg('rect', { class: 'share-track', x: 0, y: 1, width: w, height: 8, rx: 1 }),
    dom.svg('rect', { class: 'share-fill', x: 0, y: 1, width: (frac * w).toFixed(2), height: 8, rx: 1 }));
  return dom.h('span', { class: 'share-cell' }, bar, dom.h('span', { class: 'share-text' }, pct(share)));
}

/** Rows drawn at first (and per "Show more"): 1000 classes in full would be ~35,000 nodes. */
export const CLASS_ROWS = 50;

export function renderClasses(ctx: Ctx, r: ReportJson, filter?: ActiveFilter): HTMLElement {
  const { dom } = ctx;
  // Scaled to the largest share of all classes, so a bar reads the same filtered or not.
  const maxShare = Math.max(0, ...r.perClass.map((c) => (Number.isFinite(c.share) ? c.share : 0)));
  const multilabel = r.layout.kind === 'multilabel';
  const rows = filter ? r.perClass.filter((c) => filter.matches(c.index)) : r.perClass;
  const noun = multilabel ? 'labels' : 'classes';
  const columns: Column<ClassRow>[] = [
    { key: 'name', label: multilabel ? 'Label' : 'Class', value: (c) => c.name, cell: (c) => c.name },
    { key: 'support', label: 'Support', numeric: true, value: (c) => c.support, cell: (c) => int(c.support), raw: (c) => c.support },
    { key: 'meanLoss', label: `Mean loss (${r.unit})`, numeric: true, value: (c) => c.meanLoss, cell: (c) => withInterval(dom, c.meanLoss, c.meanLossCi, true), raw: (c) => c.meanLoss, title: 'Mean loss of the class\'s samples, ± the half-width of its 95% interval (normal approximation)' },
    { key: 'share', label: 'Share', numeric: true, value: (c) => c.share, cell: (c) => shareBar(dom, c.share, maxShare), raw: (c) => c.share, title: 'Fraction of the total loss from this class' },
    { key: 'precision', label: 'Precision', numeric: true, value: (c) => c.precision, cell: (c) => withInterval(dom, c.precision, c.precisionCi, false), raw: (c) => c.precision, title: 'With its 95% Wilson interval over the samples predicted as the class' },
    { key: 'recall', label: 'Recall', numeric: true, value: (c) => c.recall, cell: (c) => withInterval(dom, c.recall, c.recallCi, false), raw: (c) => c.recall, title: 'The class\'s accuracy, with its 95% Wilson interval over the class\'s samples' },
    { key: 'f1', label: 'F1', numeric: true, value: (c) => c.f1, cell: (c) => num(c.f1), raw: (c) => c.f1 },
    { key: 'meanConfidence', label: 'Confidence', numeric: true, value: (c) => c.meanConfidence, cell: (c) => num(c.meanConfidence), raw: (c) => c.meanConfidence, title: 'Mean confidence of the samples predicted as this class' },
    { key: 'meanTrueProb', label: 'p(true)', numeric: true, value: (c) => c.meanTrueProb, cell: (c) => num(c.meanTrueProb), raw: (c) => c.meanTrueProb, title: 'Mean probability given to this class by its own samples' },
    { key: 'ece', label: 'ECE', numeric: true, value: (c) => c.ece, cell: (c) => num(c.ece), raw: (c) => c.ece, title: 'The class\'s one-vs-rest ECE: p(class) against "is this class"; their mean is the class-wise ECE' },
  ];
  const table = sortableTable(dom, {
    caption: `Per-${multilabel ? 'label' : 'class'} loss and scores, ${rows.length} rows${filter ? ` of ${r.perClass.length} (filter “${filter.query}”)` : ''}`,
    testid: 'class-table',
    columns,
    rows,
    pageSize: CLASS_ROWS,
    rowNoun: filter ? `${noun} matching “${filter.query}”` : noun,
    sort: ctx.state.sort ?? null,
    onSort: (sort) => ctx.saveState({ sort }),
    rowAttrs: (c) => ({ 'data-testid': 'class-row', 'data-index': c.index }),
  });
  const avg = r.averages;
  const averages = dom.h('p', { class: 'muted small', 'data-testid': 'averages' },
    `Macro F1 ${num(avg.macro.f1)}, weighted F1 ${num(avg.weighted.f1)}, micro F1 ${num(avg.micro.f1)}. Muted beside a value: its 95% interval, wide for a small class.`);
  const none = filter && rows.length === 0 ? dom.h('p', { class: 'muted', 'data-testid': 'class-filter-none' }, `No ${multilabel ? 'label' : 'class'} name contains “${filter.query}”.`) : null;
  return dom.section('classes', multilabel ? 'Per label' : 'Per class', none ?? table, averages);
}
