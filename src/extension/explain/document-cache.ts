/**
 * One index per open document version, computed off the typing path: a change schedules a
 * re-index after a short pause (debounced), a newer change aborts the pass in flight, and the
 * pass itself yields to the event loop every chunk (document-index.ts), so the host is never
 * blocked for long. Readers get the latest finished index at once, or wait for the current one.
 */
import * as vscode from 'vscode';
import type { AnalysisRequest } from '../../core/analyze';
import type { DocumentIndex } from '../../core/explain';
import { PREDICTION_FILE_RE } from '../../shared/commands';
import { isReadableScheme } from '../schemes';
import { buildIndex, type IndexTiming } from './document-index';
import type { ExplainServices } from './services';

export const REINDEX_DELAY_MS = 300;

export interface CachedIndex {
  version: number;
  index: DocumentIndex;
  timing: IndexTiming;
  /** The file was read with the layout of the files beside it of its name: why (`read with ranks/rank0.jsonl's layout (...)`). */
  beside?: string;
}

interface Entry {
  latest?: CachedIndex;
  pending?: { version: number; promise: Promise<CachedIndex | undefined>; abort: AbortController };
  timer?: ReturnType<typeof setTimeout>;
}

/** Files Loss Lens may read: by extension (the index then decides whether the layout is recognised). */
export function isCandidate(doc: vscode.TextDocument): boolean {
  return (isReadableScheme(doc.uri.scheme) || doc.uri.scheme === 'untitled') && PREDICTION_FILE_RE.test(doc.uri.path);
}

export class DocumentIndexCache implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly updated = new vscode.EventEmitter<{ document: vscode.TextDocument; cached: CachedIndex }>();
  /** A new index is ready for a document. */
  readonly onDidUpdate = this.updated.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly services: ExplainServices, private readonly log?: (message: string) => void) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.schedule(e.document, REINDEX_DELAY_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      services.onDidChangeSettings(() => {
        for (const d of vscode.workspace.textDocuments) if (this.entries.has(d.uri.toString())) this.invalidate(d);
      }),
    ];
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** The latest finished index, whatever its version (for hovers that must be instant). */
  peek(doc: vscode.TextDocument): CachedIndex | undefined {
    return this.entries.get(doc.uri.toString())?.latest;
  }

  /** The index of the document's current version, computing it now if none is under way. */
  async get(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<CachedIndex | undefined> {
    if (!isCandidate(doc)) return undefined;
    const entry = this.entry(doc.uri);
    if (entry.latest?.version === doc.version) return entry.latest;
    const pending = entry.pending?.version === doc.version ? entry.pending.promise : this.start(doc, entry);
    if (!token) return pending;
    return new Promise((resolve) => {
      const sub = token.onCancellationRequested(() => resolve(undefined));
      void pending.then((r) => {
        sub.dispose();
        resolve(r);
      });
    });
  }

  private entry(uri: vscode.Uri): Entry {
    const key = uri.toString();
    let e = this.entries.get(key);
    if (!e) {
      e = {};
      this.entries.set(key, e);
    }
    return e;
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!isCandidate(doc)) return;
    const entry = this.entry(doc.uri);
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (!doc.isClosed && entry.latest?.version !== doc.version && entry.pending?.version !== doc.version) void this.start(doc, entry);
    }, delay);
  }

  private invalidate(doc: vscode.TextDocument): void {
    const entry = this.entry(doc.uri);
    entry.pending?.abort.abort();
    entry.pending = undefined;
    entry.latest = undefined;
    this.schedule(doc, 0);
  }

  private start(doc: vscode.TextDocument, entry: Entry): Promise<CachedIndex | undefined> {
    entry.pending?.abort.abort();
    const abort = new AbortController();
    const version = doc.version;
    const text = doc.getText();
    const request = this.services.requestFor(doc.uri);
    const promise = this.indexWithBeside(doc, text, request, abort.signal).then(
      ({ index, timing, beside }) => {
        if (abort.signal.aborted) return undefined;
        const cached: CachedIndex = { version, index, timing, ...(beside === undefined ? {} : { beside }) };
        if (entry.pending?.abort === abort) entry.pending = undefined;
        entry.latest = cached;
        this.log?.(`indexed ${doc.uri.path} v${version}: ${index.lines.length} rows, ${timing.totalMs.toFixed(1)} ms in ${timing.slices + 1} slices, longest block ${timing.longestBlockMs.toFixed(2)} ms`);
        this.updated.fire({ document: doc, cached });
        return cached;
      },
      (err: unknown) => {
        if (!abort.signal.aborted) this.log?.(`index of ${doc.uri.path} failed: ${(err as Error).message}`);
        return undefined;
      },
    );
    entry.pending = { version, promise, abort };
    return promise;
  }

  /**
   * The document's index; when its own rows cannot settle the layout (a rank opened alone whose
   * first rows use 2 of the 3 class names), read again with the layout the files beside it of its
   * name give (their first rows only), said in the lens and the Problems panel (`beside`).
   */
  private async indexWithBeside(doc: vscode.TextDocument, text: string, request: AnalysisRequest, signal: AbortSignal): Promise<Awaited<ReturnType<typeof buildIndex>> & { beside?: string }> {
    const first = await buildIndex(text, doc.uri.path, request, { signal });
    // No row read: its layout not settled (or the file is no predictions file: then nothing beside it settles it either).
    if (first.index.analysis !== undefined || this.services.layoutBeside === undefined || doc.uri.scheme === 'untitled' || doc.isDirty) return first;
    const found = await this.services.layoutBeside(doc.uri, request).catch(() => undefined);
    if (found === undefined || signal.aborted) return first;
    const again = await buildIndex(text, doc.uri.path, request, { signal, layout: found.layout });
    if (again.index.analysis === undefined) return first;
    return { ...again, beside: found.settled };
  }

  private forget(uri: vscode.Uri): void {
    const e = this.entries.get(uri.toString());
    if (!e) return;
    if (e.timer) clearTimeout(e.timer);
    e.pending?.abort.abort();
    this.entries.delete(uri.toString());
  }

  dispose(): void {
    for (const key of [...this.entries.keys()]) this.forget(vscode.Uri.parse(key));
    this.updated.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
