/**
 * The read-only preview of a binary file: its arrays or columns, its first rows, and its loss
 * (or why there is none). DOM built from data, never from HTML strings.
 */
import type { BinaryPreview } from '../../core/columnar/preview';
import type { ReportJson } from '../../core/report-json';
import type { PreviewHostMessage, PreviewWebviewMessage } from '../../shared/preview-protocol';
import { Dom } from '../dom';
import { int, num } from '../format';

export interface PreviewApi {
  postMessage(m: PreviewWebviewMessage): void;
}

export class PreviewView {
  private readonly dom: Dom;
  private readonly root: HTMLElement;
  private readonly loss: HTMLElement;
  private readonly contents: HTMLElement;
  private readonly header: HTMLElement;

  constructor(
    private readonly win: Window,
    private readonly api: PreviewApi,
  ) {
    this.dom = new Dom(win.document);
    this.root = win.document.getElementById('root')!;
    this.loss = this.dom.h('div', { 'data-testid': 'preview-loss' });
    this.contents = this.dom.h('div', { 'data-testid': 'preview-contents' });
    this.header = this.dom.h('header', {});
    this.root.replaceChildren(this.dom.h('main', { class: 'dashboard preview' }, this.header, this.loss, this.contents));
  }

  start(): void {
    this.win.addEventListener('message', (e: MessageEvent<PreviewHostMessage>) => this.on(e.data));
    this.api.postMessage({ type: 'ready' });
  }

  on(m: PreviewHostMessage): void {
    switch (m.type) {
      case 'contents':
        this.header.replaceChildren(this.dom.h('h1', {}, m.label), this.dom.h('p', { class: 'muted' }, m.preview.description));
        this.contents.replaceChildren(...this.renderContents(m.preview));
        return;
      case 'loading':
        this.loss.replaceChildren(this.dom.section('preview-summary', 'Loss', this.dom.h('p', { class: 'muted' }, 'Computing the loss...')));
        return;
      case 'report':
        this.loss.replaceChildren(this.renderReport(m.report, m.unit));
        return;
      case 'failed':
        this.loss.replaceChildren(this.renderFailure(m.message, m.chooseColumns));
        return;
    }
  }

  private button(label: string, command: 'openDashboard' | 'chooseColumns' | 'computeLoss', testid: string): HTMLButtonElement {
    const b = this.dom.h('button', { type: 'button', 'data-testid': testid }, label);
    b.addEventListener('click', () => this.api.postMessage({ type: 'command', command }));
    return b;
  }

  private renderReport(r: ReportJson, unit: string): HTMLElement {
    const d = this.dom;
    const kind = r.layout.kind === 'bce' ? 'binary cross-entropy' : r.layout.kind === 'ce' ? 'categorical cross-entropy' : 'multi-label binary cross-entropy';
    const mean = typeof r.mean === 'number' ? num(r.mean, 6) : String(r.mean);
    return d.section(
      'preview-summary',
      'Loss',
      d.h('p', { class: 'headline' }, d.h('strong', { 'data-testid': 'preview-mean', 'data-value': String(r.mean) }, mean), ` ${unit}, mean ${kind} from ${r.layout.input === 'logits' ? 'logits' : 'probabilities'} over ${int(r.count)} samples (preset ${r.preset})`),
      ...r.warnings.slice(0, 3).map((w) => d.h('p', { class: 'warning', 'data-testid': 'preview-warning' }, w.message)),
      d.h('ul', { class: 'evidence' }, ...r.layout.evidence.map((e) => d.h('li', {}, e))),
      d.h('p', {}, this.button('Open Dashboard', 'openDashboard', 'preview-open-dashboard'), ' ', this.button('Choose Columns...', 'chooseColumns', 'preview-choose-columns')),
    );
  }

  private renderFailure(message: string, chooseColumns: boolean): HTMLElement {
    const d = this.dom;
    return d.section(
      'preview-summary',
      'Loss',
      d.h('pre', { class: 'error', 'data-testid': 'preview-error' }, message),
      chooseColumns ? d.h('p', {}, this.button('Choose Columns...', 'chooseColumns', 'preview-choose-columns')) : null,
    );
  }

  private renderContents(p: BinaryPreview): HTMLElement[] {
    const d = this.dom;
    const arrays = d.h(
      'table',
      { 'data-testid': 'preview-columns' },
      d.h('thead', {}, d.h('tr', {}, d.h('th', {}, 'Name'), d.h('th', {}, 'Type'), d.h('th', {}, 'Shape'), d.h('th', {}, 'Notes'))),
      d.h(
        'tbody',
        {},
        ...p.columns.map((c) =>
          d.h('tr', {}, d.h('td', {}, c.name), d.h('td', {}, c.dtype), d.h('td', { class: 'num' }, `(${c.shape.join(', ')})`), d.h('td', { class: 'muted note' }, c.unsupported ?? '')),
        ),
      ),
    );
    const head = d.h(
      'table',
      { 'data-testid': 'preview-rows' },
      d.h('thead', {}, d.h('tr', {}, d.h('th', { class: 'num' }, 'row'), ...p.head.columns.map((c) => d.h('th', {}, c)))),
      d.h('tbody', {}, ...p.head.rows.map((row, i) => d.h('tr', {}, d.h('td', { class: 'num' }, String(i)), ...row.map((v) => d.h('td', { class: 'num' }, v))))),
    );
    return [
      d.section('preview-arrays', p.format === 'parquet' || p.format === 'arrow' ? 'Columns' : 'Arrays', d.h('div', { class: 'table-wrap' }, arrays)),
      ...(p.head.rows.length > 0 ? [d.section('preview-head', `First ${p.head.rows.length} rows`, d.h('div', { class: 'table-wrap' }, head))] : []),
    ];
  }
}
