/** How the file was read (the layout inference's evidence) and the file's warnings. */
import type { ReportJson } from '../../core/report-json';
import type { Ctx } from '../context';
import { int } from '../format';
import { problemItems } from './status';

export function renderLayout(ctx: Ctx, r: ReportJson): HTMLElement {
  const { dom } = ctx;
  const l = r.layout;
  const button = dom.h('button', { type: 'button', class: 'secondary', 'data-testid': 'choose-columns' }, 'Choose columns…');
  button.addEventListener('click', () => ctx.post({ type: 'command', command: 'chooseColumns' }));
  const facts = dom.h('dl', { class: 'facts' },
    dom.h('dt', {}, 'Label column'), dom.h('dd', {}, l.labelColumn ?? '–'),
    dom.h('dt', {}, 'Prediction columns'), dom.h('dd', {}, l.predictionColumns.length > 6 ? `${l.predictionColumns.slice(0, 3).join(', ')} … ${l.predictionColumns.slice(-2).join(', ')} (${l.predictionColumns.length})` : l.predictionColumns.join(', ')),
    dom.h('dt', {}, 'Targets'), dom.h('dd', {}, `${l.targetKind}, labels as ${l.labelEncoding}`));
  // A folder's files (shards): Choose Columns... reads one file, so it is offered on each file, not here.
  const files = r.files;
  const actions = files === undefined
    ? dom.h('div', { class: 'actions' }, button, dom.h('span', { class: 'muted small' }, ` ${int(r.rows)} rows read.`))
    : dom.h('p', { class: 'muted small', 'data-testid': 'shard-files' },
      `${int(r.rows)} rows read from ${files.length} files: ${files.slice(0, 8).map((f) => `${f.name} (${int(f.rows)})`).join(', ')}${files.length > 8 ? `, … ${files.length - 8} more` : ''}.`);
  return dom.section('layout', files === undefined ? 'How the file was read' : 'How the files were read',
    facts,
    dom.h('ul', { class: 'evidence', 'data-testid': 'evidence' }, ...l.evidence.map((e) => dom.h('li', {}, e))),
    actions);
}

/**
 * What was assumed on weak evidence, above every number it qualifies, each with a button for the
 * other reading. The report lists the same assumptions first among its warnings.
 */
export function renderAssumptions(ctx: Ctx, r: ReportJson): HTMLElement | null {
  const { dom } = ctx;
  if (r.layout.assumptions.length === 0) return null;
  const items = r.layout.assumptions.map((a, i) => {
    const other = dom.h('button', { type: 'button', class: 'secondary', 'data-testid': `other-reading-${i}` }, a.otherReading[0]!.toUpperCase() + a.otherReading.slice(1));
    other.addEventListener('click', () => ctx.post({ type: 'otherReading', assumption: i }));
    return dom.h('li', { class: 'assumption' }, dom.h('span', {}, a.text), ' ', other);
  });
  return dom.section('assumptions', r.layout.assumptions.length === 1 ? 'Assumed' : `Assumed (${r.layout.assumptions.length})`,
    dom.h('ul', { class: 'assumptions', 'data-testid': 'assumptions' }, ...items));
}

export function renderWarnings(ctx: Ctx, r: ReportJson): HTMLElement | null {
  const { dom } = ctx;
  // The assumptions lead the report's warnings; renderAssumptions shows them.
  const listed = r.warnings.slice(r.layout.assumptions.length);
  const count = r.warningCount - r.layout.assumptions.length;
  if (listed.length === 0) return null;
  const more = count > listed.length ? dom.h('p', { class: 'muted small' }, `${int(count - listed.length)} more not listed.`) : null;
  return dom.section('warnings', `Warnings (${int(count)})`,
    dom.h('ul', { class: 'problems', 'data-testid': 'warnings' }, ...problemItems(ctx, listed, 'problem warning')),
    more);
}
