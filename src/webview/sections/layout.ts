/** How the file was read (the layout inference's evidence) and the file's warnings. */
import type { ReportJson } from '../../core/report-json';
import type { Ctx } from '../context';
import { int } from '../format';
import { problemItem } from './status';

export function renderLayout(ctx: Ctx, r: ReportJson): HTMLElement {
  const { dom } = ctx;
  const l = r.layout;
  const button = dom.h('button', { type: 'button', class: 'secondary', 'data-testid': 'choose-columns' }, 'Choose columns…');
  button.addEventListener('click', () => ctx.post({ type: 'command', command: 'chooseColumns' }));
  const facts = dom.h('dl', { class: 'facts' },
    dom.h('dt', {}, 'Label column'), dom.h('dd', {}, l.labelColumn ?? '–'),
    dom.h('dt', {}, 'Prediction columns'), dom.h('dd', {}, l.predictionColumns.length > 6 ? `${l.predictionColumns.slice(0, 3).join(', ')} … ${l.predictionColumns.slice(-2).join(', ')} (${l.predictionColumns.length})` : l.predictionColumns.join(', ')),
    dom.h('dt', {}, 'Targets'), dom.h('dd', {}, `${l.targetKind}, labels as ${l.labelEncoding}`));
  return dom.section('layout', 'How the file was read',
    facts,
    dom.h('ul', { class: 'evidence', 'data-testid': 'evidence' }, ...l.evidence.map((e) => dom.h('li', {}, e))),
    dom.h('div', { class: 'actions' }, button, dom.h('span', { class: 'muted small' }, ` ${int(r.rows)} rows read.`)));
}

export function renderWarnings(ctx: Ctx, r: ReportJson): HTMLElement | null {
  const { dom } = ctx;
  if (r.warnings.length === 0) return null;
  const more = r.warningCount > r.warnings.length ? dom.h('p', { class: 'muted small' }, `${int(r.warningCount - r.warnings.length)} more not listed.`) : null;
  return dom.section('warnings', `Warnings (${int(r.warningCount)})`,
    dom.h('ul', { class: 'problems', 'data-testid': 'warnings' }, ...r.warnings.map((w) => problemItem(ctx, w, 'problem warning'))),
    more);
}
