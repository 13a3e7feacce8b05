/**
 * Compare With...'s statistics (src/core/compare): the paired difference of the mean loss with its
 * 95% bootstrap interval, McNemar's exact test, the samples fixed and broken (a click opens the
 * line and its derivation, as the worst samples do), and whether each difference is within noise.
 */
import { formatP, type ChangedCorrectness, type CompareOutcome, type CompareStats } from '../../core/compare';
import type { Ctx } from '../context';
import type { Dom } from '../dom';
import { int, num, pct, raw } from '../format';
import { sortableTable } from '../table';

const signed = (n: number) => (Number.isFinite(n) && n > 0 ? `+${num(n)}` : num(n));

export function intervalText(iv: readonly [number, number]): string {
  return Number.isNaN(iv[0]) ? '–' : `${signed(iv[0])} to ${signed(iv[1])}`;
}

function figure(dom: Dom, testid: string, label: string, shown: string, attrs: Record<string, string>, detail?: string): HTMLElement {
  return dom.h('div', { class: 'figure' },
    dom.h('dt', {}, label),
    dom.h('dd', {}, dom.h('span', { class: 'figure-value', 'data-testid': testid, ...attrs }, shown), detail ? dom.h('span', { class: 'figure-detail' }, detail) : null));
}

function changedTable(ctx: Ctx, testid: string, caption: string, list: ChangedCorrectness[], names: { a: string; b: string }): HTMLElement {
  const { dom } = ctx;
  return sortableTable(dom, {
    caption,
    testid,
    columns: [
      { key: 'lineA', label: `Line in ${names.a}`, numeric: true, value: (s) => s.lineA, cell: (s) => int(s.lineA), raw: (s) => s.lineA },
      { key: 'lineB', label: `Line in ${names.b}`, numeric: true, value: (s) => s.lineB, cell: (s) => int(s.lineB), raw: (s) => s.lineB },
      { key: 'label', label: 'Label', value: (s) => s.label, cell: (s) => s.label },
      { key: 'lossA', label: `Loss in ${names.a}`, numeric: true, value: (s) => s.lossA, cell: (s) => num(s.lossA), raw: (s) => s.lossA },
      { key: 'lossB', label: `Loss in ${names.b}`, numeric: true, value: (s) => s.lossB, cell: (s) => num(s.lossB), raw: (s) => s.lossB },
    ],
    rows: list,
    sort: null,
    onSort: () => undefined,
    rowAttrs: (s) => ({ 'data-testid': `${testid}-row`, 'data-row': s.row, 'data-line': s.lineA }),
    onActivate: (s) => {
      // The dashboard is the first file's: its line, and the sample's derivation there.
      ctx.post({ type: 'revealLine', line: s.lineA });
      ctx.post({ type: 'selectSample', row: s.row, line: s.lineA });
    },
  });
}

function listSection(ctx: Ctx, s: CompareStats, which: 'fixed' | 'broken', total: number, names: { a: string; b: string }): HTMLElement {
  const { dom } = ctx;
  const list = s[which];
  const title = which === 'fixed' ? `Fixed: wrong in ${names.a}, right in ${names.b}` : `Broken: right in ${names.a}, wrong in ${names.b}`;
  const more = total > list.length ? dom.h('p', { class: 'muted' }, `The first ${int(list.length)} of ${int(total)}, in line order.`) : null;
  return dom.h('div', { class: 'compare-list', 'data-testid': `compare-${which}` },
    dom.h('h3', {}, `${title} (${int(total)})`),
    list.length === 0 ? dom.h('p', { class: 'muted' }, 'None.') : dom.h('div', { class: 'table-wrap' }, changedTable(ctx, `compare-${which}-table`, title, list, names)),
    more);
}

/** The statistics card, or why the files cannot be compared sample by sample. */
export function renderCompareStats(ctx: Ctx, outcome: CompareOutcome, names: { a: string; b: string }): HTMLElement[] {
  const { dom } = ctx;
  // The editor's --match order / --id-column: a quick pick of row order or a column, then compared again.
  const matchBy = () => {
    const b = dom.h('button', { type: 'button', class: 'secondary', 'data-testid': 'compare-match-by' }, 'Match samples by...');
    b.addEventListener('click', () => ctx.post({ type: 'matchBy' }));
    return b;
  };
  if ('refused' in outcome) {
    return [dom.section('compare-stats', 'Paired statistics',
      dom.h('p', { class: 'compare-refused', 'data-testid': 'compare-refused', role: 'alert' }, outcome.refused),
      dom.h('p', {}, matchBy()),
      dom.h('p', { class: 'muted' }, 'Only the files’ own figures are compared above: no interval, test or sample list without the same samples in both.'))];
  }
  const s = outcome.stats;
  const c = s.correctness;
  const figures = dom.h('dl', { class: 'figures' },
    figure(dom, 'compare-delta', `Δ mean loss (${s.unit})`, signed(s.mean.delta), { 'data-value': raw(s.mean.delta) }),
    figure(dom, 'compare-interval', '95% interval', intervalText(s.mean.interval), { 'data-low': raw(s.mean.interval[0]), 'data-high': raw(s.mean.interval[1]) }, `${int(s.resamples)} paired resamples`),
    ...(c === null
      ? []
      : [
          figure(dom, 'compare-p', 'McNemar exact p', formatP(c.p, c.log10p), { 'data-value': raw(c.p) }, `accuracy ${pct(c.accuracyA)} → ${pct(c.accuracyB)}`),
          figure(dom, 'compare-fixed-count', 'Fixed', int(c.fixed), { 'data-value': raw(c.fixed) }, 'wrong, then right'),
          figure(dom, 'compare-broken-count', 'Broken', int(c.broken), { 'data-value': raw(c.broken) }, 'right, then wrong'),
        ]));
  const verdict = (testid: string, text: string, within: boolean) => dom.h('p', { class: within ? 'compare-verdict within' : 'compare-verdict', 'data-testid': testid }, text);
  const f = s.leftOut.first;
  const stats = dom.section('compare-stats', 'Paired statistics',
    verdict('compare-mean-verdict', s.mean.text, s.mean.withinNoise),
    c === null ? dom.h('p', { class: 'muted' }, 'Multi-label files: no one class per sample, so no right or wrong to test.') : verdict('compare-mcnemar-verdict', c.text, c.withinNoise),
    figures,
    dom.h('div', { class: 'compare-matching-row' }, dom.h('p', { class: 'muted', 'data-testid': 'compare-matching' }, s.matching), matchBy()),
    s.leftOut.count > 0 && f !== null ? dom.h('p', { class: 'muted' }, `${int(s.leftOut.count)} row(s) read in one file only were left out; the first is row ${int(f.row + 1)} (line ${int(f.lineA)} of ${names.a}, line ${int(f.lineB)} of ${names.b}).`) : null,
    dom.h('p', { class: 'muted' }, `${int(s.paired)} paired samples. Interval: ${int(s.resamples)} resamples, ${s.method}, seed ${s.seed}; McNemar: the two-sided exact binomial test on the samples right in one file only.`));
  if (c === null) return [stats];
  return [stats, dom.section('compare-correctness', 'Samples fixed and broken', listSection(ctx, s, 'fixed', c.fixed, names), listSection(ctx, s, 'broken', c.broken, names))];
}
