/** The loading and error states that replace the dashboard while no report is available. */
import { suggestedIgnoreLabel } from '../../shared/ignore-label';
import type { ProblemData } from '../../shared/protocol';
import type { Ctx } from '../context';
import { int } from '../format';

/** One located problem; its line opens in the editor on click or Enter. Line 0: the whole file, no place to open. */
export function problemItem(ctx: Ctx, p: ProblemData, cls: string): HTMLElement {
  const { dom } = ctx;
  if (p.line === 0) return dom.h('li', { class: cls, 'data-line': 0 }, p.file === undefined ? p.message : `${p.file}: ${p.message}`);
  const where = p.file === undefined ? '' : `${p.file}:`;
  const li = dom.h('li', { class: cls, 'data-line': p.line, tabindex: 0, title: `Open line ${p.line}${p.file === undefined ? '' : ` of ${p.file}`}` },
    dom.h('span', { class: 'loc' }, `${where}${p.line}${p.column !== null ? `:${p.column}` : ''}`), ' ', p.message);
  const open = () => ctx.post({ type: 'revealLine', line: p.line, ...(p.file === undefined ? {} : { file: p.file }) });
  li.addEventListener('click', open);
  li.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      open();
    }
  });
  return li;
}

/**
 * The problems as list items, the same message said once: its places first (each opens its line),
 * then the message. A file with one fault repeated (every -100 label) lists it as one item.
 */
export function problemItems(ctx: Ctx, problems: ProblemData[], cls: string): HTMLElement[] {
  const groups = new Map<string, ProblemData[]>();
  for (const p of problems) {
    const key = `${p.file ?? ''}\u0000${p.message}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()].map((g) => (g.length === 1 || g[0]!.line === 0 ? problemItem(ctx, g[0]!, cls) : groupItem(ctx, g, cls)));
}

function groupItem(ctx: Ctx, group: ProblemData[], cls: string): HTMLElement {
  const { dom } = ctx;
  const first = group[0]!;
  const places = group.map((p) => {
    const b = dom.h('button', { type: 'button', class: 'loc link', title: `Open line ${p.line}${p.file === undefined ? '' : ` of ${p.file}`}` },
      `${p.file === undefined ? '' : `${p.file}:`}${p.line}${p.column !== null ? `:${p.column}` : ''}`);
    b.addEventListener('click', () => ctx.post({ type: 'revealLine', line: p.line, ...(p.file === undefined ? {} : { file: p.file }) }));
    return b;
  });
  return dom.h('li', { class: `${cls} grouped`, 'data-line': first.line, 'data-count': group.length },
    dom.h('div', { class: 'locs' }, ...places), dom.h('div', { class: 'message' }, first.message));
}

export function renderLoading(ctx: Ctx, label: string, fraction: number | null): HTMLElement {
  const { dom } = ctx;
  const bar = dom.h('progress', { max: 1, 'aria-label': `Reading ${label}`, 'data-testid': 'loading-progress' });
  if (fraction !== null && Number.isFinite(fraction)) bar.value = Math.max(0, Math.min(1, fraction));
  const pctText = fraction !== null && Number.isFinite(fraction) ? ` ${Math.round(Math.max(0, Math.min(1, fraction)) * 100)}%` : '';
  return dom.h('section', { class: 'card status loading', 'data-testid': 'loading', 'aria-busy': 'true' },
    dom.h('h2', {}, `Reading ${label}…`), bar, dom.h('span', { class: 'muted', role: 'status' }, pctText));
}

/**
 * The file changed while it was read (a training loop still writing it): waiting until it stops
 * changing, or (`waiting` false) it changed again when it was read once more.
 */
export function renderWriting(ctx: Ctx, label: string, message: string, waiting: boolean): HTMLElement {
  const { dom } = ctx;
  const retry = waiting ? null : dom.h('button', { type: 'button' }, 'Retry');
  retry?.addEventListener('click', () => ctx.post({ type: 'command', command: 'refresh' }));
  return dom.h('section', { class: `card status writing${waiting ? '' : ' error'}`, 'data-testid': 'writing', role: waiting ? 'status' : 'alert', 'aria-busy': waiting ? 'true' : 'false' },
    dom.h('h2', {}, waiting ? `Waiting for ${label} to be written…` : `${label} is still being written`),
    dom.h('p', { 'data-testid': 'writing-message' }, message),
    retry ? dom.h('div', { class: 'actions' }, retry) : null);
}

export function renderError(ctx: Ctx, label: string, message: string, problems: ProblemData[], errorCount: number, badRows = false): HTMLElement {
  const { dom } = ctx;
  // A whole-file problem that the headline already says is not said twice.
  const listed = problems.filter((p) => !(p.line === 0 && message.includes(p.message)));
  const more = errorCount > problems.length ? dom.h('p', { class: 'muted small' }, `${int(errorCount - problems.length)} more not listed.`) : null;
  const choose = dom.h('button', { type: 'button', class: 'secondary' }, 'Choose columns…');
  choose.addEventListener('click', () => ctx.post({ type: 'command', command: 'chooseColumns' }));
  const retry = dom.h('button', { type: 'button' }, 'Retry');
  retry.addEventListener('click', () => ctx.post({ type: 'command', command: 'refresh' }));
  // Bad rows need not stop the whole file: leave them out, counted, as --skip-invalid does.
  const skip = badRows ? dom.h('button', { type: 'button', class: 'secondary', 'data-testid': 'skip-invalid' }, 'Skip invalid rows') : null;
  skip?.addEventListener('click', () => ctx.post({ type: 'skipInvalid', skip: true }));
  // A negative whole label (-100) is most often a mask: one click reads it as PyTorch's ignore_index does.
  const mask = problems.map((p) => suggestedIgnoreLabel(p.message)).find((l) => l !== undefined) ?? suggestedIgnoreLabel(message);
  const ignore = mask === undefined ? null : dom.h('button', { type: 'button', 'data-testid': 'ignore-label' }, `Ignore label ${mask}`);
  ignore?.addEventListener('click', () => ctx.post({ type: 'ignoreLabel', label: mask! }));
  return dom.h('section', { class: 'card status error', 'data-testid': 'error', role: 'alert' },
    dom.h('h2', {}, `Could not read ${label}`),
    dom.h('p', { 'data-testid': 'error-message' }, message),
    // The ways out before the list: twenty problems alike would push them out of sight.
    dom.h('div', { class: 'actions' }, ignore, retry, skip, choose),
    listed.length ? dom.h('ul', { class: 'problems', 'data-testid': 'problems' }, ...problemItems(ctx, listed, 'problem')) : null,
    more);
}
