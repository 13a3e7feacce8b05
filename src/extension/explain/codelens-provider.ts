/**
 * "Loss Lens: mean CE 0.4213 nats over 10,000 samples (preset classic) · Open Dashboard" on line 1,
 * "Assumed probabilities · Read as logits" for each assumption, and "Stop renormalising rows"
 * while the file's rows are renormalised by choice.
 */
import * as vscode from 'vscode';
import type { DocumentIndexCache } from './document-cache';
import { codeLensTitle } from './codelens-content';
import { PRESETS } from '../../core/presets';
import { APPLY_READING_COMMAND, IGNORE_LABEL_COMMAND, RENORMALISE_COMMAND, SKIP_INVALID_COMMAND } from './quick-fixes';
import { assumptionLenses, besideTitle } from './codelens-content';
import { editorSpeaker } from '../../shared/speak';

export const STOP_RENORMALISING_TITLE = 'Stop renormalising rows';
export const STOP_SKIPPING_TITLE = 'Stop skipping invalid rows';
import type { ExplainServices } from './services';

export class LossCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly cache: DocumentIndexCache, private readonly services: ExplainServices) {
    this.subscriptions = [cache.onDidUpdate(() => this.changed.fire()), services.onDidChangeSettings(() => this.changed.fire())];
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.services.codeLensEnabled()) return [];
    // The latest index is fine while a newer one is computed: onDidUpdate refreshes the lens.
    const cached = this.cache.peek(doc) ?? (await this.cache.get(doc, token));
    if (!cached?.index.layout || token.isCancellationRequested) return [];
    const range = new vscode.Range(0, 0, 0, 0);
    const lenses = [
      new vscode.CodeLens(range, { title: codeLensTitle(cached.index), command: this.services.openDashboardCommand, arguments: [doc.uri] }),
      new vscode.CodeLens(range, { title: 'Open Dashboard', command: this.services.openDashboardCommand, arguments: [doc.uri] }),
    ];
    // Read with the layout of the files beside it of its name (a rank opened alone): said, the whole reason on hover.
    if (cached.beside !== undefined) {
      lenses.push(new vscode.CodeLens(range, { title: `$(info) ${besideTitle(cached.beside)}`, tooltip: editorSpeaker(`Loss Lens: ${cached.beside}`), command: this.services.openDashboardCommand, arguments: [doc.uri] }));
    }
    // What was assumed on weak evidence, and the other reading in one click.
    for (const a of assumptionLenses(cached.index.layout)) {
      lenses.push(
        new vscode.CodeLens(range, { title: a.title, tooltip: a.tooltip, command: this.services.openDashboardCommand, arguments: [doc.uri] }),
        new vscode.CodeLens(range, { title: a.otherTitle, tooltip: a.tooltip, command: APPLY_READING_COMMAND, arguments: [doc.uri, a.other] }),
      );
    }
    // The quick fix's choice leaves no diagnostic to undo it from: the lens that states it does.
    const options = cached.index.analysis?.options;
    if (options?.renormalise === true && !PRESETS[options.preset].params.renormalise) {
      lenses.push(new vscode.CodeLens(range, { title: STOP_RENORMALISING_TITLE, command: RENORMALISE_COMMAND, arguments: [doc.uri, false] }));
    }
    const ignored = this.services.requestFor(doc.uri).loss.ignoreIndex;
    if (ignored !== undefined) {
      lenses.push(new vscode.CodeLens(range, { title: `Stop ignoring label ${ignored}`, command: IGNORE_LABEL_COMMAND, arguments: [doc.uri, undefined] }));
    }
    // Chosen from an error's button: the lens that states it undoes it.
    if (this.services.requestFor(doc.uri).skipInvalid) {
      lenses.push(new vscode.CodeLens(range, { title: STOP_SKIPPING_TITLE, command: SKIP_INVALID_COMMAND, arguments: [doc.uri, false] }));
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
