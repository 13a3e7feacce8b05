/**
 * Likely label errors (confident learning, core/diagnostics/label-issues): the estimated noise rate
 * per class and the rows most likely mislabelled, whose rows open the line and its derivation as
 * the worst samples' do. Shown once the diagnostics' passes are done; until then, says so.
 */
import { FILTERS, type IssueFilter, type IssueRanking } from '../../core/diagnostics/confident-learning';
import type { LabelIssue, LabelIssuesReport } from '../../core/diagnostics/label-issues';
import { isBinaryFormat } from '../../core/formats';
import type { DashboardData } from '../../shared/protocol';
import { labelIssuesSummary, RANKING_NAMES, rankedIssues } from '../../shared/render/label-issues';
import { className, type Ctx } from '../context';
import { offeredNote } from './offered';
import { int, num, pct, raw } from '../format';
import { sortableTable, type Column } from '../table';

/** Rows in the table: a page a person reads; the CSV export holds every listed issue. */
const SHOWN = 100;

const TITLE = 'Likely label errors';

/** The filters as the switch names them (short: it sits beside 'Rank by' in a narrow panel), and their tooltips. */
const FILTER_NAMES: Record<IssueFilter, [string, string]> = {
  'prune-by-noise-rate': ['prune by noise rate', "cleanlab's default: per pair of labels, as many rows as the joint estimates"],
  'confident-learning': ['confident learning', "every row off the confident joint's diagonal"],
};

type Row = LabelIssue & { rank: number };
interface ClassRow {
  index: number;
  name: string;
  labelled: number;
  threshold: number;
  noiseRate: number;
  estimatedErrors: number;
  flagged: number;
}

export function renderLabelIssues(ctx: Ctx, data: DashboardData): HTMLElement | null {
  const { dom } = ctx;
  const r = data.report;
  const found = r.diagnostics?.results.labelIssues;
  const note = (text: string, testid: string) => dom.section('label-issues', TITLE, dom.h('p', { class: 'muted', 'data-testid': testid }, text));
  if (found !== undefined) return renderFound(ctx, found, isBinaryFormat(r.format));
  const why = r.diagnostics?.unavailable.labelIssues;
  if (why !== undefined) return note(`Not worked out: ${why}.`, 'label-issues-unavailable');
  const offered = offeredNote(ctx, data, 'labelIssues', 'it takes four or more passes over the rows', 'Look for likely label errors');
  if (offered !== null) return dom.section('label-issues', TITLE, offered);
  if (data.diagnosticsFailed !== undefined) return note(`Could not be worked out: ${data.diagnosticsFailed}`, 'label-issues-failed');
  if (data.diagnosing?.includes('labelIssues')) return note('Looking for likely label errors: four or more passes over the rows…', 'label-issues-pending');
  return null;
}

function renderFound(ctx: Ctx, found: LabelIssuesReport, binary: boolean): HTMLElement {
  const { dom } = ctx;
  const names = found.classNames;
  const classRows: ClassRow[] = names.map((name, k) => ({
    index: k, name, labelled: found.labelCounts[k]!, threshold: found.thresholds[k]!, noiseRate: found.noiseRate[k]!,
    estimatedErrors: found.estimatedErrors[k]!, flagged: found.issuesPerClass[k]!,
  }));
  const classColumns: Column<ClassRow>[] = [
    { key: 'class', label: 'Label', value: (c) => c.index, cell: (c) => c.name },
    { key: 'labelled', label: 'Rows', numeric: true, value: (c) => c.labelled, cell: (c) => int(c.labelled) },
    { key: 'threshold', label: 'Threshold', numeric: true, value: (c) => c.threshold, cell: (c) => num(c.threshold), raw: (c) => c.threshold,
      title: 'The mean probability the model gives the class over the rows labelled with it' },
    { key: 'noiseRate', label: 'Noise', numeric: true, value: (c) => c.noiseRate, cell: (c) => pct(c.noiseRate), raw: (c) => c.noiseRate,
      title: 'Estimated share of the rows with this label whose label is wrong (the calibrated confident joint)' },
    { key: 'estimatedErrors', label: 'Est. wrong', numeric: true, value: (c) => c.estimatedErrors, cell: (c) => c.estimatedErrors.toFixed(1) },
    { key: 'flagged', label: 'Flagged', numeric: true, value: (c) => c.flagged, cell: (c) => int(c.flagged) },
  ];
  const classTable = sortableTable(dom, {
    caption: 'Estimated noise rate per given label',
    testid: 'label-noise-table',
    columns: classColumns,
    rows: classRows,
    sort: ctx.state.labelNoiseSort ?? null,
    onSort: (labelNoiseSort) => ctx.saveState({ labelNoiseSort }),
    rowAttrs: (c) => ({ 'data-testid': 'label-noise-row', 'data-class': c.index }),
  });

  const ranking: IssueRanking = ctx.state.labelIssueRanking ?? 'self-confidence';
  const rows: Row[] = rankedIssues(found, ranking).slice(0, SHOWN).map((i, n) => ({ ...i, rank: n + 1 }));
  const shards = rows.some((i) => i.file !== undefined);
  const columns: Column<Row>[] = [
    { key: 'rank', label: '#', numeric: true, value: (i) => i.rank, cell: (i) => String(i.rank) },
    ...(shards ? [{ key: 'file', label: 'File', value: (i: Row) => i.file ?? '', cell: (i: Row) => i.file ?? '' }] : []),
    binary
      ? { key: 'row', label: 'Row', numeric: true, value: (i) => i.row, cell: (i) => int(i.row), raw: (i) => i.row }
      : { key: 'line', label: 'Line', numeric: true, value: (i) => i.line, cell: (i) => int(i.line), raw: (i) => i.line },
    { key: 'given', label: 'Given', value: (i) => className(names, i.given), cell: (i) => className(names, i.given) },
    { key: 'suggested', label: 'Suggested', value: (i) => className(names, i.suggested), cell: (i) => className(names, i.suggested) },
    // The ranking's own score: the other is in the CSV, and both would not fit a panel beside the editor.
    ranking === 'self-confidence'
      ? { key: 'selfConfidence', label: 'Self-confidence', numeric: true, value: (i) => i.selfConfidence, cell: (i) => num(i.selfConfidence), raw: (i) => i.selfConfidence,
        title: 'p of the given label' }
      : { key: 'normalizedMargin', label: 'Margin', numeric: true, value: (i) => i.normalizedMargin, cell: (i) => num(i.normalizedMargin), raw: (i) => i.normalizedMargin,
        title: 'Normalized margin: (p of the given label − the highest other p + 1) / 2' },
  ];
  const activate = (i: Row) => {
    const file = i.file === undefined ? {} : { file: i.file };
    if (!binary) ctx.post({ type: 'revealLine', line: i.line, ...file });
    ctx.post({ type: 'selectSample', row: i.row, line: i.line, ...file });
  };
  const rankBy = dom.h('select', { 'data-testid': 'label-issues-ranking', 'aria-label': 'Rank the issues by' },
    ...(['self-confidence', 'normalized-margin'] as const).map((k) => dom.h('option', { value: k, selected: k === ranking, title: RANKING_NAMES[k] }, k.replace('-', ' '))));
  // Sets lossLens.labelIssues.filter: the host reloads the dashboards with it.
  const filterBy = dom.h('select', { 'data-testid': 'label-issues-filter', 'aria-label': 'Flag rows by', title: 'lossLens.labelIssues.filter' },
    ...FILTERS.map((k) => dom.h('option', { value: k, selected: k === found.filter, title: FILTER_NAMES[k][1] }, FILTER_NAMES[k][0])));
  filterBy.addEventListener('change', () => ctx.post({ type: 'labelIssuesFilter', filter: filterBy.value as IssueFilter }));
  const exportCsv = dom.h('button', { type: 'button', class: 'secondary', 'data-testid': 'export-label-issues' }, 'Export as CSV…');
  exportCsv.addEventListener('click', () => ctx.post({ type: 'command', command: 'exportReport', format: ranking === 'self-confidence' ? 'issues' : 'issues-margin' }));

  const listed = Math.min(found.issueCount, found.listed);
  const table = rows.length === 0
    ? dom.h('p', { class: 'muted', 'data-testid': 'label-issues-none' }, 'No row is confidently another class than its label.')
    : sortableTable(dom, {
      caption: `The ${rows.length} rows most likely mislabelled, lowest ${ranking === 'self-confidence' ? 'self-confidence' : 'normalized margin'} first; press Enter on a row to ${binary ? 'see how its loss is computed' : 'open its line'}`,
      testid: 'label-issues-table',
      columns,
      rows,
      sort: ctx.state.labelIssuesSort ?? null,
      onSort: (labelIssuesSort) => ctx.saveState({ labelIssuesSort }),
      rowAttrs: (i) => ({ 'data-testid': 'label-issue-row', 'data-row': i.row, 'data-line': i.line, 'data-given': i.given, 'data-suggested': i.suggested,
        ...(i.file === undefined ? {} : { 'data-file': i.file }), title: binary ? `Show how the loss of row ${i.row} is computed` : `Open line ${i.line} and show how its loss is computed` }),
      onActivate: activate,
    });
  const section = dom.section('label-issues', TITLE,
    dom.h('p', { 'data-testid': 'label-issues-summary', 'data-count': found.issueCount, 'data-noise': raw(found.overallNoiseRate) }, labelIssuesSummary(found), '.'),
    dom.h('p', { class: 'muted small' },
      'Confident learning (Northcutt, Jiang and Chuang, 2021): per-class thresholds (the mean probability the model gives ',
      'a class on the rows labelled with it) give the confident joint, calibrated to the label counts: the noise rate is its estimate. ',
      found.filter === 'prune-by-noise-rate'
        ? 'Flagged (cleanlab\'s default, prune by noise rate): for each pair of given label i and class j, as many rows labelled i as the joint estimates, those where p(j) - p(i) is largest, unless the model predicts i. '
        : 'Flagged (confident_learning): a row whose most probable class above its threshold is not its given label, unless the model predicts that label. ',
      'It assumes out-of-sample predictions: on the training rows a model has fitted, errors hide.'),
    classTable,
    dom.h('div', { class: 'actions' }, dom.h('label', {}, 'Flag by ', filterBy), dom.h('label', {}, 'Rank by ', rankBy), exportCsv),
    dom.h('p', { class: 'muted small' },
      rows.length < listed ? `Showing ${rows.length} of the ${int(listed)} listed; the CSV holds every one. ` : '',
      found.issueCount > found.listed ? `The first ${int(found.listed)} by each ranking are kept (all ${int(found.issueCount)} are counted). ` : '',
      'Click a row or press Enter to open the line and see its derivation.'),
    table);
  rankBy.addEventListener('change', () => {
    ctx.saveState({ labelIssueRanking: rankBy.value as IssueRanking, labelIssuesSort: undefined });
    const again = renderFound(ctx, found, binary);
    section.replaceWith(again);
    again.querySelector<HTMLElement>('[data-testid="label-issues-ranking"]')?.focus();
  });
  return section;
}
