/** The index's problems in the Problems panel, refreshed whenever a new index is ready. */
import * as vscode from 'vscode';
import type { CachedIndex, DocumentIndexCache } from './document-cache';
import { diagnosticSpecs, type DiagnosticSpec } from './diagnostic-content';
import { editorSpeaker } from '../../shared/speak';
import type { ExplainServices } from './services';

export const DIAGNOSTIC_SOURCE = 'Loss Lens';

/** Diagnostic → the spec it came from, so quick fixes know which fixes apply. */
export const specOf = new WeakMap<vscode.Diagnostic, DiagnosticSpec>();

const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
} as const;

export class LossDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('lossLens');
  private readonly subscriptions: vscode.Disposable[];

  constructor(cache: DocumentIndexCache, private readonly services: ExplainServices) {
    this.subscriptions = [
      cache.onDidUpdate(({ document, cached }) => this.update(document, cached)),
      vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
      services.onDidChangeSettings(() => {
        if (!services.diagnosticsEnabled()) this.collection.clear();
      }),
    ];
  }

  private update(doc: vscode.TextDocument, cached: CachedIndex): void {
    const layout = cached.index.layout;
    // A file whose layout is not recognised is not a predictions file: say nothing about it.
    if (!this.services.diagnosticsEnabled() || !layout || doc.isClosed) {
      this.collection.delete(doc.uri);
      return;
    }
    const lineText = (line: number): string | undefined => (line >= 1 && line <= doc.lineCount ? doc.lineAt(line - 1).text : undefined);
    const specs = diagnosticSpecs(cached.index, layout.format, layout.delimiter, lineText);
    // Read with the layout of the files beside it: said where a reading's doubts are, on the first line.
    if (cached.beside !== undefined) specs.unshift({ line: 0, start: 0, end: (lineText(1) ?? '').length, message: editorSpeaker(cached.beside), code: 'layout', severity: 'warning', fixes: [] });
    this.collection.set(doc.uri, specs.map((s) => {
      const d = new vscode.Diagnostic(new vscode.Range(s.line, s.start, s.line, s.end), s.message, SEVERITY[s.severity]);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = s.code;
      specOf.set(d, s);
      return d;
    }));
  }

  dispose(): void {
    this.collection.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
