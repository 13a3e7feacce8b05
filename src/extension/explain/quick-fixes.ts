/** Quick fixes on Loss Lens diagnostics: read the file as logits, renormalise its rows, ignore a label value, or choose its columns. */
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, specOf } from './diagnostics';
import type { QuickFix } from './diagnostic-content';
import type { ExplainServices } from './services';

export const READ_AS_LOGITS_COMMAND = 'lossLens.explain.readAsLogits';
export const RENORMALISE_COMMAND = 'lossLens.explain.renormaliseRows';
/** (uri, skip): leave the rows that cannot be read out of the loss, or (false) stop. */
export const SKIP_INVALID_COMMAND = 'lossLens.explain.skipInvalidRows';
/** (uri, label): leave rows with this label out of the loss (ignore_index), or (uri, undefined) stop. */
export const IGNORE_LABEL_COMMAND = 'lossLens.explain.ignoreLabel';
/** (uri, overrides): read the file the other way an assumption offers. */
export const APPLY_READING_COMMAND = 'lossLens.explain.applyReading';

export const QUICK_FIX_TITLES: Record<QuickFix, string> = {
  'read-as-logits': 'Loss Lens: read this file as logits',
  renormalise: 'Loss Lens: renormalise rows on read',
  'ignore-label': 'Loss Lens: leave rows with this label out of the loss (ignore_index)',
  'choose-columns': 'Loss Lens: choose columns...',
};

export class LossQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly services: ExplainServices) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const wanted = new Map<QuickFix, vscode.Diagnostic[]>();
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      for (const fix of specOf.get(d)?.fixes ?? []) wanted.set(fix, [...(wanted.get(fix) ?? []), d]);
    }
    return [...wanted].map(([fix, diagnostics]) => {
      const action = new vscode.CodeAction(QUICK_FIX_TITLES[fix], vscode.CodeActionKind.QuickFix);
      action.diagnostics = diagnostics;
      // A diagnostic's first fix fits it best; picking columns always needs the user's choice.
      action.isPreferred = fix !== 'choose-columns' && diagnostics.some((d) => specOf.get(d)?.fixes[0] === fix);
      if (fix === 'ignore-label') {
        const label = specOf.get(diagnostics[0]!)!.ignoreLabel!;
        action.title = `Loss Lens: leave rows labelled ${label} out of the loss (ignore_index)`;
        action.command = { title: action.title, command: IGNORE_LABEL_COMMAND, arguments: [doc.uri, label] };
        return action;
      }
      const command = fix === 'read-as-logits' ? READ_AS_LOGITS_COMMAND : fix === 'renormalise' ? RENORMALISE_COMMAND : this.services.chooseColumnsCommand;
      action.command = { title: action.title, command, arguments: [doc.uri] };
      return action;
    });
  }
}
