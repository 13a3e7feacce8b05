/**
 * The run view's page: listens for RunHostMessages, renders the run, keeps the UI's choices (the
 * class followed, the file a click opens) with the webview API, and shows a sample's derivation
 * with the dashboard's panel.
 */
import type { DerivationData } from '../../shared/protocol';
import type { LiveNotice, RunHostMessage, RunViewData, RunViewState, RunWebviewMessage } from '../../shared/run-protocol';
import type { Ctx } from '../context';
import { Dom } from '../dom';
import { renderDerivation } from '../sections/derivation';
import { drawCanvases } from '../sections/confusion';
import { renderLoading } from '../sections/status';
import { renderRun, type RunCtx } from './view';

export interface RunVsCodeApi {
  postMessage(message: RunWebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export class RunApp {
  readonly ctx: RunCtx;
  private readonly root: HTMLElement;
  private data: RunViewData | undefined;
  private derivation: DerivationData | undefined;
  /** A live run's files not read yet, and the last one taken in (shown above the run). */
  private live: LiveNotice | undefined;

  constructor(
    private readonly win: Window,
    private readonly api: RunVsCodeApi,
    root?: HTMLElement,
  ) {
    const doc = win.document;
    this.root = root ?? doc.getElementById('root') ?? doc.body;
    const saved = api.getState();
    const state: RunViewState = saved && typeof saved === 'object' ? { ...(saved as RunViewState) } : {};
    this.ctx = {
      dom: new Dom(doc),
      post: (m) => api.postMessage(m),
      state,
      saveState: (patch) => {
        Object.assign(this.ctx.state, patch);
        api.setState({ ...this.ctx.state });
      },
    };
  }

  start(): void {
    this.win.addEventListener('message', (e: MessageEvent) => this.handle(e.data as RunHostMessage));
    // A theme change swaps the colours the canvas was drawn with: draw it again.
    const Observer = (this.win as Window & typeof globalThis).MutationObserver;
    if (Observer) {
      const redraw = new Observer(() => drawCanvases(this.root));
      redraw.observe(this.win.document.body, { attributes: true, attributeFilter: ['class'] });
      redraw.observe(this.win.document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    }
    this.api.postMessage({ type: 'ready' });
  }

  handle(m: RunHostMessage): void {
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'loading':
        // The dashboard's loading card asks Ctx for nothing but its element factories.
        this.show(renderLoading(this.dashboardCtx(), m.label, m.fraction), 'loading');
        return;
      case 'run': {
        this.data = m.data;
        if (this.ctx.state.uris?.join('\n') !== m.data.uris.join('\n')) this.ctx.saveState({ uris: m.data.uris, label: m.data.label });
        // A live run read again redraws under the reader: where they had scrolled stays.
        const scroll = this.win.scrollY;
        this.show(renderRun(this.ctx, m.data), 'run');
        drawCanvases(this.root);
        if (this.derivation) this.showDerivation(this.derivation);
        if (scroll > 0) this.win.scrollTo(0, scroll);
        return;
      }
      case 'live':
        this.live = m.notice;
        this.root.querySelector('[data-testid="run-live"]')?.replaceWith(this.liveLine());
        return;
      case 'error': {
        const { dom } = this.ctx;
        const retry = dom.h('button', { type: 'button' }, 'Retry');
        retry.addEventListener('click', () => this.ctx.post({ type: 'refresh' }));
        this.show(dom.h('section', { class: 'card status error', role: 'alert', 'data-testid': 'run-error' }, dom.h('h2', {}, `Could not read the run ${m.label}`), dom.h('p', { 'data-testid': 'run-error-message' }, m.message),
          dom.h('p', { class: 'muted small' }, 'A run is files over the same samples, one per epoch or checkpoint: a folder of them, files selected together in the explorer, or one file with a column numbering the epochs (epoch, global_step, step, checkpoint...).'),
          dom.h('div', { class: 'actions' }, retry)), 'error');
        return;
      }
      case 'derivation':
        this.derivation = m.derivation;
        this.showDerivation(m.derivation, true);
        return;
      default:
        m satisfies never;
    }
  }

  /** The derivation panel under the map (replacing an older one); scrolled to when it arrives. */
  private showDerivation(d: DerivationData, scroll = false): void {
    const map = this.root.querySelector('#run-map-section');
    if (!map || !this.data) return;
    const section = renderDerivation(this.dashboardCtx(), d);
    const old = this.root.querySelector('[data-testid="derivation"]');
    if (old) old.replaceWith(section);
    else map.after(section);
    if (scroll) {
      section.scrollIntoView?.({ block: 'nearest' });
      section.focus({ preventScroll: true });
    }
  }

  /** A dashboard Ctx for the dashboard's sections reused here (they post nothing). */
  private dashboardCtx(): Ctx {
    return {
      dom: this.ctx.dom,
      post: () => undefined,
      state: { uri: '' },
      saveState: () => undefined,
      setTimeout: (f, ms) => this.win.setTimeout(f, ms),
      clearTimeout: (h) => this.win.clearTimeout(h as number),
    };
  }

  /** The live run's line: files waiting to be whole, files that settled incomplete, the last taken in. */
  private liveLine(): HTMLElement {
    const { dom } = this.ctx;
    const n = this.live;
    const parts = n === undefined ? [] : [
      ...n.waiting.map((w) => dom.h('span', { class: 'run-live-waiting', 'data-testid': 'run-live-waiting', 'data-file': w }, `Waiting: ${w} is being written.`)),
      ...n.incomplete.map((i) => dom.h('span', { class: 'run-live-incomplete', 'data-testid': 'run-live-incomplete', 'data-file': i.name }, `${i.name} is not read: ${i.why}. It is read once it is complete.`)),
      ...(n.leftOut ?? []).map((l) => dom.h('span', { class: 'run-live-left-out', 'data-testid': 'run-live-left-out', 'data-file': l.name }, `${l.name} left out: ${l.why}.`)),
      ...(n.failed === undefined ? [] : [dom.h('span', { class: 'run-live-failed', 'data-testid': 'run-live-failed' }, `${n.failed}.`)]),
      ...(n.reading === undefined ? [] : [dom.h('span', { class: 'run-live-reading', 'data-testid': 'run-live-reading' }, `Reading the run again for ${n.reading.join(', ')}...`)]),
      ...(n.added === undefined || n.reading !== undefined ? [] : [dom.h('span', { class: 'run-live-added', 'data-testid': 'run-live-added' }, `${n.added}.`)]),
    ];
    return dom.h('p', { class: 'run-live muted small', role: 'status', 'aria-live': 'polite', 'data-testid': 'run-live', hidden: parts.length === 0 ? true : null }, ...parts.flatMap((p, i) => (i === 0 ? [p] : [' ', p])));
  }

  private show(view: HTMLElement, kind: string): void {
    const { dom } = this.ctx;
    const ready = kind === 'run' ? dom.h('span', { hidden: true, 'data-testid': 'run-ready' }) : null;
    this.root.replaceChildren(...[this.liveLine(), view, ready].filter((n): n is HTMLElement => n !== null));
    this.root.setAttribute('data-view', kind);
  }
}
