/**
 * The dashboard: listens for HostMessages, renders the matching view into the root element and
 * keeps the UI state with the webview API. Everything is rebuilt from the message on each render
 * (a report is small: 50 worst rows, K classes), so no view holds stale numbers.
 */
import type { DashboardData, DerivationData, HostMessage, WebviewMessage } from '../shared/protocol';
import type { Ctx, ViewState } from './context';
import { Dom } from './dom';
import { renderCalibration } from './sections/calibration';
import { renderClassViews } from './sections/class-filter';
import { renderComparison } from './sections/comparison';
import { drawCanvases } from './sections/confusion';
import { renderDerivation } from './sections/derivation';
import { renderDistribution } from './sections/distribution';
import { renderAssumptions, renderLayout, renderWarnings } from './sections/layout';
import { renderLabelIssues } from './sections/label-issues';
import { renderOperatingPoints } from './sections/operating-points';
import { renderError, renderLoading, renderWriting } from './sections/status';
import { renderSummary } from './sections/summary';
import { renderTemperature } from './sections/temperature';
import { renderWhatIf } from './sections/whatif';
import { renderWorst, renderWorstPending } from './sections/worst';

/** The object acquireVsCodeApi() returns, as far as the dashboard uses it. */
export interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

function restoredState(api: VsCodeApi): ViewState {
  const s = api.getState();
  if (s && typeof s === 'object' && typeof (s as ViewState).uri === 'string') return s as ViewState;
  return { uri: '' };
}

export class Dashboard {
  readonly ctx: Ctx;
  private readonly root: HTMLElement;

  constructor(
    private readonly win: Window,
    private readonly api: VsCodeApi,
    root?: HTMLElement,
  ) {
    const doc = win.document;
    this.root = root ?? doc.getElementById('root') ?? doc.body;
    const state = restoredState(api);
    this.ctx = {
      dom: new Dom(doc),
      post: (m) => api.postMessage(m),
      state,
      saveState: (patch) => {
        Object.assign(this.ctx.state, patch);
        api.setState({ ...this.ctx.state });
      },
      setTimeout: (f, ms) => win.setTimeout(f, ms),
      clearTimeout: (h) => win.clearTimeout(h as number),
    };
  }

  /** Registers the message listener, then tells the host it may send (it waits for `ready`). */
  start(): void {
    this.win.addEventListener('message', (e: MessageEvent) => this.handle(e.data as HostMessage));
    // A theme change swaps VS Code's body class and the variables on <html>: CSS and SVG follow
    // by themselves, a canvas has to be drawn again with the new colours.
    const Observer = (this.win as Window & typeof globalThis).MutationObserver;
    if (Observer) {
      const redraw = new Observer(() => drawCanvases(this.root));
      const doc = this.win.document;
      redraw.observe(doc.body, { attributes: true, attributeFilter: ['class'] });
      redraw.observe(doc.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    }
    this.api.postMessage({ type: 'ready' });
  }

  handle(m: HostMessage): void {
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'loading':
        // A recomputation (what-if, reload) keeps the numbers on screen under a progress strip,
        // so the page neither flashes nor loses the control being typed in.
        if (this.view === 'data' || this.view === 'comparison') this.showBusy(m.label, m.fraction);
        else this.show(renderLoading(this.ctx, m.label, m.fraction), 'loading');
        return;
      case 'data':
        this.renderData(m.data);
        return;
      case 'comparison':
        this.remember(m.comparison.base.uri, m.comparison.other.uri);
        this.show(renderComparison(this.ctx, m.comparison), 'comparison');
        return;
      case 'error':
        this.show(renderError(this.ctx, m.label, m.message, m.problems, m.errorCount, m.badRows ?? false), 'error');
        return;
      case 'writing':
        // No numbers while the file is being written: neither a torn read's nor the last ones.
        this.show(renderWriting(this.ctx, m.label, m.message, m.waiting), 'writing');
        return;
      case 'derivation':
        this.showDerivation(m.derivation);
        return;
      default:
        m satisfies never;
    }
  }

  private renderData(data: DashboardData): void {
    this.remember(data.uri, undefined);
    const r = data.report;
    const { dom } = this.ctx;
    const classes = renderClassViews(this.ctx, r);
    const main = dom.h('div', { class: 'dashboard' },
      renderSummary(this.ctx, data),
      renderAssumptions(this.ctx, r),
      renderWarnings(this.ctx, r),
      dom.h('div', { class: 'columns' }, renderWhatIf(this.ctx, data.whatIf, r.layout.numClasses), renderLayout(this.ctx, r)),
      classes.filter,
      classes.classes,
      dom.h('div', { class: 'columns' }, renderDistribution(this.ctx, r), renderCalibration(this.ctx, r)),
      renderOperatingPoints(this.ctx, r),
      data.estimate ? null : renderTemperature(this.ctx, data),
      classes.confusion,
      data.estimate ? renderWorstPending(this.ctx) : renderWorst(this.ctx, r),
      data.estimate ? null : renderLabelIssues(this.ctx, data),
      this.derivation && !data.estimate ? renderDerivation(this.ctx, this.derivation) : null);
    this.show(main, 'data');
    drawCanvases(this.root);
  }

  /** What the host needs to rebuild this view after a window reload (WebviewPanelSerializer). */
  private remember(uri: string | undefined, compareWith: string | undefined): void {
    if (!uri) return;
    if (uri === this.ctx.state.uri && compareWith === this.ctx.state.compareWith) return;
    this.ctx.saveState({ uri, compareWith });
  }

  private view = '';
  /** The selected sample's derivation: kept across re-renders until the host sends a newer one. */
  private derivation: DerivationData | undefined;

  /** Puts the derivation after the worst samples (replacing an older one), then scrolls to it and focuses it. */
  private showDerivation(d: DerivationData): void {
    this.derivation = d;
    // Compare With...'s fixed and broken samples are the first file's: their derivation goes below the comparison.
    const main = this.root.querySelector(this.view === 'comparison' ? '.comparison' : '.dashboard');
    if ((this.view !== 'data' && this.view !== 'comparison') || !main) return; // renderData shows it with the data
    const section = renderDerivation(this.ctx, d);
    const old = main.querySelector('[data-testid="derivation"]');
    if (old) old.replaceWith(section);
    else main.appendChild(section);
    section.scrollIntoView?.({ block: 'start' });
    section.focus({ preventScroll: true });
  }

  private showBusy(label: string, fraction: number | null): void {
    const { dom } = this.ctx;
    const bar = dom.h('progress', { class: 'busy-bar', max: 1, 'aria-label': `Recomputing ${label}`, 'data-testid': 'busy' });
    if (fraction !== null && Number.isFinite(fraction)) bar.value = Math.max(0, Math.min(1, fraction));
    this.root.querySelector('.busy-bar')?.remove();
    this.root.prepend(bar);
    this.root.setAttribute('aria-busy', 'true');
  }

  private show(view: HTMLElement, kind: string): void {
    const { dom } = this.ctx;
    // Re-rendering replaces every element: the focused one (a what-if field being edited, a
    // sorted header) is found again by id or data-testid and refocused, caret included.
    const active = this.root.ownerDocument.activeElement as HTMLElement | null;
    const key = active && this.root.contains(active) ? (active.id ? `#${active.id}` : active.getAttribute('data-testid') ? `[data-testid="${active.getAttribute('data-testid')}"]` : null) : null;
    const input = active?.tagName === 'INPUT' ? (active as HTMLInputElement) : null;
    const caret = input ? [input.selectionStart, input.selectionEnd] : null;
    this.view = kind;
    this.root.removeAttribute('aria-busy');
    // The ready marker means "numbers on screen": only the data and comparison views carry it.
    const ready = kind === 'data' || kind === 'comparison' ? dom.h('span', { hidden: true, 'data-testid': 'dashboard-ready', 'data-view': kind }) : null;
    this.root.replaceChildren(...[view, ready].filter((n): n is HTMLElement => n !== null));
    this.root.setAttribute('data-view', kind);
    if (key) {
      const again = this.root.querySelector(key) as HTMLElement | null;
      again?.focus();
      if (caret && again?.tagName === 'INPUT' && typeof caret[0] === 'number' && typeof caret[1] === 'number') (again as HTMLInputElement).setSelectionRange(caret[0], caret[1]);
    }
  }
}
