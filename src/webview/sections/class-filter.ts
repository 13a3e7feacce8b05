/**
 * The class filter of a file with many classes: what is typed narrows the per-class table (and
 * its share bars) and the confusion matrix and its pairs to the classes whose names match, and
 * both sections are rebuilt in place as it changes; the field itself stays, focus and caret too.
 * The query is kept in the view state, so a recomputation or a reload shows the same classes.
 */
import { classFilter } from '../../core/confusion-summary';
import type { ReportJson } from '../../core/report-json';
import type { Ctx } from '../context';
import { int } from '../format';
import { renderClasses } from './classes';
import { drawCanvases, renderConfusion, type ActiveFilter } from './confusion';

/** From this many classes (or labels) the filter is offered. */
export const CLASS_FILTER_FROM = 20;
const DEBOUNCE_MS = 150;

function activeFilter(query: string, names: readonly string[]): ActiveFilter | undefined {
  const matches = classFilter(query, names);
  if (!matches) return undefined;
  let count = 0;
  for (let k = 0; k < names.length; k++) if (matches(k)) count++;
  return { query: query.trim(), matches, count };
}

export interface ClassViews {
  filter: HTMLElement | null;
  classes: HTMLElement;
  confusion: HTMLElement | null;
}

export function renderClassViews(ctx: Ctx, r: ReportJson): ClassViews {
  const { dom } = ctx;
  const names = r.perClass.map((c) => c.name);
  if (names.length < CLASS_FILTER_FROM) return { filter: null, classes: renderClasses(ctx, r), confusion: renderConfusion(ctx, r) };
  let active = activeFilter(ctx.state.classFilter ?? '', names);
  let classes = renderClasses(ctx, r, active);
  let confusion = renderConfusion(ctx, r, active);
  const what = r.layout.kind === 'multilabel' ? 'labels' : 'classes';
  const countText = () => (active ? `${int(active.count)} of ${int(names.length)} ${what} match` : `${int(names.length)} ${what}`);
  const count = dom.h('span', { id: 'class-filter-count', class: 'muted small', 'aria-live': 'polite', 'data-testid': 'class-filter-count' }, countText());
  const input = dom.h('input', { type: 'search', id: 'class-filter', 'data-testid': 'class-filter', placeholder: 'a name, or several: cat, dog', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'class-filter-count' });
  input.value = ctx.state.classFilter ?? '';
  const apply = () => {
    ctx.saveState({ classFilter: input.value });
    active = activeFilter(input.value, names);
    const c = renderClasses(ctx, r, active);
    classes.replaceWith(c);
    classes = c;
    const f = renderConfusion(ctx, r, active);
    if (confusion && f) {
      confusion.replaceWith(f);
      confusion = f;
      drawCanvases(f);
    }
    count.textContent = countText();
  };
  let timer: unknown;
  input.addEventListener('input', () => {
    ctx.clearTimeout(timer);
    timer = ctx.setTimeout(apply, DEBOUNCE_MS);
  });
  const filter = dom.h('div', { class: 'card class-filter', role: 'search', 'data-testid': 'class-filter-bar' },
    dom.h('label', { for: 'class-filter' }, `Filter ${what}`), input, count,
    dom.h('span', { class: 'muted small' }, `Narrows the per-${what === 'labels' ? 'label' : 'class'} table${r.confusion ? ' and the confusion matrix' : ''}.`));
  return { filter, classes, confusion };
}
