/**
 * A sortable data table: each header is a button (Enter / Space sort it, again to reverse) with
 * aria-sort on its th; rows are focusable and can be activated by click or Enter. Sorting re-renders
 * the body only; NaN sorts last whatever the direction, so undefined figures never lead.
 */
import type { Dom } from './dom';

export interface Column<R> {
  key: string;
  label: string;
  numeric?: boolean;
  /** The sort key. */
  value: (r: R) => number | string;
  cell: (r: R) => Node | string;
  title?: string;
  /** Full-precision value for the cell's data-value hook (e2e tests compare it with the CLI). */
  raw?: (r: R) => number;
}

export interface SortState {
  column: string;
  descending: boolean;
}

export interface TableOptions<R> {
  caption: string;
  testid: string;
  columns: Column<R>[];
  rows: R[];
  sort: SortState | null;
  onSort: (s: SortState) => void;
  rowAttrs: (r: R) => Record<string, string | number>;
  onActivate?: (r: R) => void;
  /**
   * Rows drawn at first, and added per "Show more": a table of 1000 classes would be some 30,000
   * nodes. Sorting orders every row and shows the first of them. Unset: PAGE_SIZE rows at a time
   * when there are more than PAGED_FROM, every row otherwise.
   */
  pageSize?: number;
  /** What the rows are, for "Showing 50 of 1,000 classes". */
  rowNoun?: string;
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') {
    const an = Number.isNaN(a);
    const bn = Number.isNaN(b);
    if (an || bn) return an === bn ? 0 : an ? 1 : -1;
    return a === b ? 0 : a < b ? -1 : 1;
  }
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

export function sortRows<R>(rows: readonly R[], col: Column<R>, descending: boolean): R[] {
  const indexed = rows.map((r, i) => ({ r, i, v: col.value(r) }));
  indexed.sort((x, y) => {
    const xn = typeof x.v === 'number' && Number.isNaN(x.v);
    const yn = typeof y.v === 'number' && Number.isNaN(y.v);
    if (xn || yn) return xn === yn ? x.i - y.i : xn ? 1 : -1;
    const c = compare(x.v, y.v);
    return (descending ? -c : c) || x.i - y.i;
  });
  return indexed.map((x) => x.r);
}

/** Any table longer than this is drawn PAGE_SIZE rows at a time unless its pageSize says otherwise. */
export const PAGED_FROM = 100;
export const PAGE_SIZE = 50;

export function sortableTable<R>(dom: Dom, o: TableOptions<R>): HTMLElement {
  const pageSize = o.pageSize ?? (o.rows.length > PAGED_FROM ? PAGE_SIZE : undefined);
  let sort = o.sort && o.columns.some((c) => c.key === o.sort?.column) ? o.sort : null;
  const tbody = dom.h('tbody');
  const headRow = dom.h('tr');
  const ths: HTMLTableCellElement[] = [];

  let shown = pageSize ?? Infinity;
  const more = dom.h('p', { class: 'table-more small', 'data-testid': `${o.testid}-more` });
  const renderMore = () => {
    if (o.rows.length <= shown) {
      more.replaceChildren();
      more.hidden = true;
      return;
    }
    const step = Math.min(pageSize ?? 0, o.rows.length - shown);
    const button = dom.h('button', { type: 'button', class: 'secondary', 'data-testid': `${o.testid}-show-more` }, `Show ${step} more`);
    button.addEventListener('click', () => {
      shown += step;
      renderBody();
      // The new rows' first one, so the keyboard carries on from where it was.
      (tbody.children[shown - step] as HTMLElement | undefined)?.focus();
    });
    more.hidden = false;
    more.replaceChildren(`Showing ${shown.toLocaleString('en-US')} of ${o.rows.length.toLocaleString('en-US')} ${o.rowNoun ?? 'rows'}, sorted as the header says. `, button);
  };

  const renderBody = () => {
    const col = sort ? o.columns.find((c) => c.key === sort?.column) : undefined;
    const sorted = col && sort ? sortRows(o.rows, col, sort.descending) : o.rows;
    const rows = sorted.length > shown ? sorted.slice(0, shown) : sorted;
    renderMore();
    tbody.replaceChildren(
      ...rows.map((r) => {
        const tr = dom.h('tr', { tabindex: 0, ...o.rowAttrs(r) });
        for (const c of o.columns) {
          tr.appendChild(dom.h('td', { class: c.numeric ? 'num' : null, 'data-col': c.key, 'data-value': c.raw ? String(c.raw(r)) : null }, c.cell(r)));
        }
        if (o.onActivate) {
          const act = o.onActivate;
          tr.classList.add('activatable');
          tr.addEventListener('click', () => act(r));
          tr.addEventListener('keydown', (e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              act(r);
            }
          });
        }
        return tr;
      }),
    );
    o.columns.forEach((c, i) => {
      const th = ths[i];
      if (!th) return;
      th.setAttribute('aria-sort', sort?.column === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none');
    });
  };

  for (const c of o.columns) {
    const button = dom.h('button', { type: 'button', class: 'sort', 'data-column': c.key, title: c.title ?? null }, c.label, dom.h('span', { class: 'sort-indicator', 'aria-hidden': 'true' }));
    button.addEventListener('click', () => {
      // Numbers start from the largest (the worst loss, the biggest class), names from A.
      sort = sort?.column === c.key ? { column: c.key, descending: !sort.descending } : { column: c.key, descending: !!c.numeric };
      renderBody();
      o.onSort(sort);
    });
    const th = dom.h('th', { scope: 'col', class: c.numeric ? 'num' : null }, button);
    ths.push(th);
    headRow.appendChild(th);
  }
  renderBody();
  const table = dom.h('div', { class: 'table-wrap' }, dom.h('table', { 'data-testid': o.testid }, dom.h('caption', { class: 'visually-hidden' }, o.caption), dom.h('thead', {}, headRow), tbody));
  return pageSize === undefined ? table : dom.h('div', {}, table, more);
}
