/**
 * Editor features on prediction files: derivation hovers, the summary CodeLens, diagnostics with
 * quick fixes. The extension calls `registerExplainFeatures` once from `activate`.
 */
import * as vscode from 'vscode';
import { PREDICTION_EXTENSIONS } from '../../shared/commands';
import { WEB_WORKSPACE_SCHEMES } from '../schemes';
import { LossCodeLensProvider } from './codelens-provider';
import { DocumentIndexCache } from './document-cache';
import { LossDiagnostics } from './diagnostics';
import { hoverTimings, LossHoverProvider } from './hover-provider';
import { APPLY_READING_COMMAND, IGNORE_LABEL_COMMAND, LossQuickFixes, READ_AS_LOGITS_COMMAND, RENORMALISE_COMMAND, SKIP_INVALID_COMMAND } from './quick-fixes';
import type { LayoutOverrides } from '../../core/parse';
import type { ExplainServices } from './services';

export { defaultExplainServices, type ExplainServices } from './services';

/**
 * Recognised by file name, in any language mode (VS Code has no built-in CSV language). Every
 * scheme the browser build reads is listed; isCandidate narrows it to what this build reads.
 */
export const PREDICTION_SELECTOR: vscode.DocumentSelector = [...WEB_WORKSPACE_SCHEMES, 'untitled'].map((scheme) => ({
  scheme,
  pattern: `**/*.{${PREDICTION_EXTENSIONS.join(',')}}`,
}));

/** Internal: reports the last re-index and hover costs (used by the e2e tests and for support). */
export const EXPLAIN_STATS_COMMAND = 'lossLens.explain.stats';

export function registerExplainFeatures(context: vscode.ExtensionContext, services: ExplainServices, log?: (message: string) => void): void {
  const cache = new DocumentIndexCache(services, log);
  const codeLens = new LossCodeLensProvider(cache, services);
  const diagnostics = new LossDiagnostics(cache, services);
  context.subscriptions.push(
    cache,
    codeLens,
    diagnostics,
    vscode.languages.registerHoverProvider(PREDICTION_SELECTOR, new LossHoverProvider(cache, services)),
    vscode.languages.registerCodeLensProvider(PREDICTION_SELECTOR, codeLens),
    vscode.languages.registerCodeActionsProvider(PREDICTION_SELECTOR, new LossQuickFixes(services), LossQuickFixes.metadata),
    vscode.commands.registerCommand(READ_AS_LOGITS_COMMAND, (uri: vscode.Uri) => services.setInputOverride(uri, 'logits')),
    vscode.commands.registerCommand(SKIP_INVALID_COMMAND, (uri: vscode.Uri, on?: boolean) => services.setSkipInvalid(uri, on === false ? undefined : true)),
    vscode.commands.registerCommand(IGNORE_LABEL_COMMAND, (uri: vscode.Uri, label?: number) => services.setIgnoreIndex(uri, label)),
    vscode.commands.registerCommand(APPLY_READING_COMMAND, (uri: vscode.Uri, other: LayoutOverrides) => services.applyReading(uri, other)),
    // (uri) from the quick fix; (uri, false) from the lens that undoes it.
    vscode.commands.registerCommand(RENORMALISE_COMMAND, (uri: vscode.Uri, on?: boolean) => services.setRenormalise(uri, on === false ? undefined : true)),
    vscode.commands.registerCommand(EXPLAIN_STATS_COMMAND, (uri?: vscode.Uri) => {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === (uri ?? vscode.window.activeTextEditor?.document.uri)?.toString());
      const cached = doc ? cache.peek(doc) : undefined;
      return { index: cached?.timing, rows: cached?.index.lines.length, hoverMs: [...hoverTimings] };
    }),
  );
}
