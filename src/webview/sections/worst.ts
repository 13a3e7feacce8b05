/** The worst samples: a sortable table whose rows open the sample's line and its derivation. */
import type { ReportJson } from '../../core/report-json';
import { isBinaryFormat } from '../../core/formats';
import { className, type Ctx } from '../context';
import { int, num } from '../format';
import { sortableTable, type Column } from '../table';

type Worst = ReportJson['worst'][number] & { rank: number };

export function renderWorst(ctx: Ctx, r: ReportJson): HTMLElement {
  const { dom } = ctx;
  const names = r.layout.classNames;
  const multilabel = r.layout.kind === 'multilabel';
  const binary = isBinaryFormat(r.format);
  const rows: Worst[] = r.worst.map((w, i) => ({ ...w, rank: i + 1 }));
  // A data set of several files: each sample's row and line are its own file's.
  const shards = r.files !== undefined;
  const columns: Column<Worst>[] = [
    { key: 'rank', label: '#', numeric: true, value: (w) => w.rank, cell: (w) => String(w.rank) },
    ...(shards ? [{ key: 'file', label: 'File', value: (w: Worst) => w.file ?? '', cell: (w: Worst) => w.file ?? '' }] : []),
    // A binary file has rows (from 0, as NumPy indexes them), no lines to open.
    binary
      ? { key: 'row', label: 'Row', numeric: true, value: (w) => w.row, cell: (w) => int(w.row), raw: (w) => w.row }
      : { key: 'line', label: 'Line', numeric: true, value: (w) => w.line, cell: (w) => int(w.line), raw: (w) => w.line },
    { key: 'loss', label: `Loss (${r.unit})`, numeric: true, value: (w) => w.loss, cell: (w) => num(w.loss), raw: (w) => w.loss },
    ...(multilabel
      ? [{ key: 'worstLabel', label: 'Worst label', value: (w: Worst) => className(names, w.worstLabel), cell: (w: Worst) => className(names, w.worstLabel) }]
      : [
        { key: 'true', label: 'True', value: (w: Worst) => className(names, w.trueClass), cell: (w: Worst) => className(names, w.trueClass) },
        { key: 'predicted', label: 'Predicted', value: (w: Worst) => className(names, w.predictedClass), cell: (w: Worst) => className(names, w.predictedClass) },
      ]),
    { key: 'trueProb', label: 'p(true)', numeric: true, value: (w) => w.trueProb, cell: (w) => num(w.trueProb), raw: (w) => w.trueProb },
    { key: 'confidence', label: 'Confidence', numeric: true, value: (w) => w.confidence, cell: (w) => num(w.confidence), raw: (w) => w.confidence },
  ];
  const activate = (w: Worst) => {
    const file = w.file === undefined ? {} : { file: w.file };
    if (!binary) ctx.post({ type: 'revealLine', line: w.line, ...file });
    ctx.post({ type: 'selectSample', row: w.row, line: w.line, ...file });
  };
  if (rows.length === 0) return dom.section('worst', 'Worst samples', dom.h('p', { class: 'muted' }, 'No samples.'));
  const table = sortableTable(dom, {
    caption: `The ${rows.length} samples with the highest loss; press Enter on a row to ${binary ? 'see how its loss is computed' : 'open its line'}`,
    testid: 'worst-table',
    columns,
    rows,
    sort: ctx.state.worstSort ?? null,
    onSort: (worstSort) => ctx.saveState({ worstSort }),
    rowAttrs: (w) => ({ 'data-testid': 'worst-row', 'data-row': w.row, 'data-line': w.line, ...(w.file === undefined ? {} : { 'data-file': w.file }), title: binary ? `Show how the loss of row ${w.row} is computed` : `Open line ${w.line} and show how its loss is computed` }),
    onActivate: activate,
  });
  return dom.section('worst', 'Worst samples', dom.h('p', { class: 'muted small' }, 'Click a row or press Enter to open the line and see its derivation.'), table);
}

/**
 * In place of the table while the numbers are a sampled estimate: a row read mid-file has no
 * known line number (the lines before it have not been counted), and a made-up one would open
 * the wrong line.
 */
export function renderWorstPending(ctx: Ctx): HTMLElement {
  const { dom } = ctx;
  return dom.section('worst', 'Worst samples',
    dom.h('p', { class: 'muted', 'data-testid': 'worst-pending' },
      'Listed when the full pass finishes: the rows of the estimate were read from the middle of the file, where their line numbers are not known yet.'));
}
