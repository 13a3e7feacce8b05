/**
 * DOM building without innerHTML: every piece of text from a file (class names, column names,
 * messages) becomes a text node, so nothing in a predictions file can be read as markup. Styles
 * go through classes (dashboard.css) or CSSOM, never through style="" attributes, which the
 * webview's CSP (no 'unsafe-inline') would block.
 */

export const SVG_NS = 'http://www.w3.org/2000/svg';

export type Child = Node | string | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el: Node, children: Child[]): void {
  const doc = el.ownerDocument as Document;
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' ? doc.createTextNode(c) : c);
  }
}

/** Element factories bound to one document (the webview's, or a happy-dom window's in tests). */
export class Dom {
  constructor(readonly doc: Document) {}

  h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
    const el = this.doc.createElement(tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }

  svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
    const el = this.doc.createElementNS(SVG_NS, tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }

  text(s: string): Text {
    return this.doc.createTextNode(s);
  }

  /** A section with a heading, the unit the dashboard is made of. */
  section(id: string, title: string, ...children: Child[]): HTMLElement {
    const headingId = `${id}-heading`;
    return this.h('section', { class: 'card', id, 'aria-labelledby': headingId }, this.h('h2', { id: headingId }, title), ...children);
  }
}

/** A chart's accessible wrapper: role="img" with a summary, plus a visible-to-screen-readers text alternative. */
export function chartFigure(dom: Dom, chart: Element, label: string, alternative: Node | null, testid: string): HTMLElement {
  chart.setAttribute('role', 'img');
  chart.setAttribute('aria-label', label);
  return dom.h('figure', { class: 'chart', 'data-testid': testid }, chart, alternative ? dom.h('figcaption', { class: 'visually-hidden' }, alternative) : null);
}
