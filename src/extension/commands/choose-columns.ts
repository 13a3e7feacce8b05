import * as vscode from 'vscode';
import { AnalysisError } from '../../core/analyze';
import { listValue, parseNameList, type Layout } from '../../core/parse';
import type { InputKind, LossKind } from '../../core/types';
import type { FileChoices } from '../request';
import { targetOrPick } from '../target';
import type { CommandFactory } from './context';

interface Pick<T> extends vscode.QuickPickItem {
  value: T;
}

/**
 * Quick picks over the inferred layout: label column, prediction columns, loss kind,
 * probabilities / logits, and the class names (an input box). Each starts on what Loss Lens inferred; the answers are kept per file.
 */
export const chooseColumns: CommandFactory = (ctx) => async (arg) => {
  const uri = await targetOrPick(arg, ctx.dashboards, 'Loss Lens: choose a predictions file');
  if (!uri) return;
  const title = `Loss Lens: columns of ${ctx.service.label(uri)}`;
  let layout: Layout;
  try {
    // Infer afresh, ignoring earlier choices, so the picker can say what was inferred.
    layout = await ctx.service.layout(uri, {});
  } catch (err) {
    // A file Loss Lens cannot make sense of alone is what this command is for: offer its columns.
    if (!(err instanceof AnalysisError) || err.columns === undefined || err.columns.length === 0) {
      ctx.service.showError(err, uri);
      return;
    }
    layout = uninferred(err.columns);
  }
  const previous = ctx.service.choices.get(uri);
  const label = await vscode.window.showQuickPick<Pick<string>>(
    layout.columns.map((c) => ({
      label: c,
      value: c,
      description: [c === layout.labelColumn ? 'inferred' : '', c === previous.labelColumn ? 'current' : ''].filter(Boolean).join(', '),
    })),
    { title: `${title} (1/5): the label column`, placeHolder: layout.labelColumn ? `Inferred: ${layout.labelColumn}` : 'Not inferred: pick the column of true labels' },
  );
  if (!label) return;
  const candidates = layout.columns.filter((c) => c !== label.value);
  const chosenPreds = previous.predColumns ?? layout.predictionColumns;
  const predItems = candidates.map((c) => ({ label: c, value: c, picked: chosenPreds.includes(c), description: layout.predictionColumns.includes(c) ? 'inferred' : '' }));
  const preds = await vscode.window.showQuickPick<Pick<string>>(predItems, {
    title: `${title} (2/5): the prediction columns, in class order`,
    canPickMany: true,
    placeHolder: layout.predictionColumns.length > 0 ? `Inferred: ${layout.predictionColumns.join(', ')}` : 'Not inferred: tick the score columns, in class order',
  });
  if (!preds) return;
  const kind = await vscode.window.showQuickPick<Pick<LossKind | undefined>>(
    [
      { label: 'Infer', value: undefined, description: `inferred: ${layout.kind}` },
      { label: 'bce', value: 'bce', description: 'binary: one probability or logit per row' },
      { label: 'ce', value: 'ce', description: 'categorical: one column per class, one true class' },
      { label: 'multilabel', value: 'multilabel', description: 'independent sigmoid per label' },
    ],
    { title: `${title} (3/5): the loss` },
  );
  if (!kind) return;
  const input = await vscode.window.showQuickPick<Pick<InputKind | undefined>>(
    [
      { label: 'Infer', value: undefined, description: `inferred: ${layout.input}` },
      { label: 'probs', value: 'probs', description: 'probabilities in [0, 1]' },
      { label: 'logits', value: 'logits', description: 'raw scores: sigmoid / softmax applied first' },
    ],
    { title: `${title} (4/5): probabilities or logits` },
  );
  if (!input) return;
  const names = await vscode.window.showInputBox({
    title: `${title} (5/5): the class names, in column order${layout.kind === 'bce' ? ' (negative, positive: the column is P(positive))' : ''}`,
    value: listValue(previous.classNames ?? layout.classNames),
    prompt: `Comma-separated, or a JSON array for names with commas; empty to infer them.${layout.classNames.length > 0 ? ` Inferred: ${layout.classNames.slice(0, 12).join(', ')}${layout.classNames.length > 12 ? ', ...' : ''}` : ''}`,
    validateInput: (v) => {
      if (v.trim() === '') return undefined;
      const parsed = parseNameList(v);
      return Array.isArray(parsed) ? undefined : parsed.error;
    },
  });
  if (names === undefined) return;
  const parsedNames = names.trim() === '' ? [] : (parseNameList(names) as string[]);
  const choices: Partial<FileChoices> = {
    labelColumn: label.value === layout.labelColumn ? undefined : label.value,
    predColumns: preds.length === 0 || sameList(preds.map((p) => p.value), layout.predictionColumns) ? undefined : preds.map((p) => p.value),
    kind: kind.value,
    input: input.value,
    classNames: parsedNames.length === 0 || sameList(parsedNames, layout.classNames) ? undefined : parsedNames,
  };
  await ctx.service.choices.update(uri, choices);
};

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The picker's starting point for a file whose layout could not be inferred: its columns, nothing chosen. */
function uninferred(columns: string[]): Layout {
  return {
    format: 'csv', kind: 'ce', input: 'probs', labelColumn: '', labelEncoding: 'index', targetKind: 'sparse',
    predictionColumns: [], predictionIsVector: false, classNames: [], numClasses: 0, columns, evidence: [],
  };
}
