/**
 * One sample's derivation: each step typeset by KaTeX (bundled, fonts shipped in dist/katex/),
 * with the renderer's plain-text sentence as the step's text for screen readers, and the chain
 * from Bayes' rule to the mean loss folded away under a disclosure.
 *
 * The markup parsed is KaTeX's output for our own TeX, with `trust` off; class names from the
 * file reach it only escaped into \text{} by the renderer, so the file never supplies markup.
 */
import katex from 'katex';
import type { TexEntry } from '../../shared/render/tex';
import type { DerivationData } from '../../shared/protocol';
import type { Ctx } from '../context';
// The hover's formatter: the panel shows the number the hover showed.
import { formatNumber } from '../../shared/render/format';

/**
 * KaTeX sizes struts, fraction bars and the vertical lists of sub/superscripts with inline
 * `style` attributes; the webview's CSP (no 'unsafe-inline' in style-src) drops those, which
 * breaks the layout and logs a violation per element. So the attribute is renamed before the
 * markup is parsed and its declarations are applied through the CSSOM, which the CSP allows.
 */
const STYLE_ATTR = / style="([^"]*)"/g;

/** KaTeX's markup with every `style` attribute renamed to `data-katex-style`. */
export function withoutInlineStyles(html: string): string {
  return html.replace(STYLE_ATTR, ' data-katex-style="$1"');
}

function applyStyles(root: DocumentFragment): void {
  for (const el of root.querySelectorAll<HTMLElement | SVGElement>('[data-katex-style]')) {
    for (const decl of (el.getAttribute('data-katex-style') ?? '').split(';')) {
      const colon = decl.indexOf(':');
      if (colon > 0) el.style.setProperty(decl.slice(0, colon).trim(), decl.slice(colon + 1).trim());
    }
    el.removeAttribute('data-katex-style');
  }
}

/**
 * Typesets `tex` into `el`; a formula KaTeX rejects shows as its source rather than breaking the
 * panel. KaTeX's DOM builder reaches for the global `document`; rendering to a string and parsing
 * it in `el`'s own document works the same in a webview and in a test window. KaTeX escapes text
 * (a quote becomes &quot;), so ` style="` in its output is always an attribute.
 */
export function typeset(el: HTMLElement, tex: string): void {
  const doc = el.ownerDocument;
  try {
    const html = katex.renderToString(tex, { displayMode: true, throwOnError: false, output: 'html', trust: false, strict: 'ignore' });
    const template = doc.createElement('template');
    template.innerHTML = withoutInlineStyles(html);
    applyStyles(template.content);
    el.replaceChildren(template.content);
  } catch {
    el.replaceChildren(doc.createTextNode(tex));
  }
}

function step(ctx: Ctx, e: TexEntry): HTMLElement {
  const { dom } = ctx;
  const math = dom.h('div', { class: 'derivation-math', 'aria-hidden': 'true' });
  const rows = e.rows ?? [e.tex];
  if (rows.length === 1) typeset(math, rows[0] as string);
  else {
    // Row by row, so each row wraps on its own in a narrow panel.
    math.replaceChildren(...rows.map((r) => {
      const row = dom.h('div', { class: 'derivation-row' });
      typeset(row, r);
      return row;
    }));
  }
  // The sentence is what assistive technology reads; the typeset math is hidden from it.
  return dom.h('li', { class: 'derivation-step', 'data-testid': 'derivation-step', 'data-kind': e.kind },
    dom.h('h3', { class: 'derivation-title' }, e.title),
    math,
    dom.h('p', { class: 'visually-hidden', 'data-testid': 'derivation-text' }, e.text));
}

export function renderDerivation(ctx: Ctx, d: DerivationData): HTMLElement {
  const { dom } = ctx;
  const title = `Sample on line ${d.line}${d.file === undefined ? '' : ` of ${d.file}`} (row ${d.row})`;
  const section = dom.section('derivation', title,
    dom.h('p', { class: 'derivation-value' }, 'Loss ', dom.h('strong', { 'data-testid': 'derivation-value' }, formatNumber(d.value, 'text')), ` ${d.unit}`),
    dom.h('ol', { class: 'derivation-steps' }, ...d.entries.map((e) => step(ctx, e))),
    d.presets ? dom.h('p', { class: 'muted small', 'data-testid': 'derivation-presets' }, `Under the presets: ${d.presets}`) : null,
    d.logVsSquared ? dom.h('details', { class: 'derivation-preamble', 'data-testid': 'derivation-log-vs-squared' },
      dom.h('summary', {}, 'Why log loss and not squared error?'),
      ...d.logVsSquared.map((t) => dom.h('p', {}, t))) : null,
    dom.h('details', { class: 'derivation-preamble', 'data-testid': 'derivation-preamble' },
      dom.h('summary', {}, "Where the loss comes from: Bayes' rule, maximum likelihood, the mean over the data set"),
      dom.h('ol', { class: 'derivation-steps' }, ...d.preamble.map((e) => step(ctx, e)))));
  section.setAttribute('data-testid', 'derivation');
  section.setAttribute('data-value', String(d.value));
  section.setAttribute('data-line', String(d.line));
  section.setAttribute('data-row', String(d.row));
  // Focusable without joining the tab order, so it can be focused when it arrives.
  section.setAttribute('tabindex', '-1');
  return section;
}
