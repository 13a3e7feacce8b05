import * as vscode from 'vscode';
import type { CommandFactory } from './context';
import { labelsAmong } from '../../core/columnar/pairing';
import { BINARY_FILE_RE } from '../../shared/commands';
import { targetOrPick } from '../target';
import { uriBasename } from '../uri';
import type { FileChoicesStore } from '../file-choices';

/** A sample to select, as a hover's link passes it: `{ row, line }`. */
function sampleArg(x: unknown): { row: number; line: number } | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const { row, line } = x as Record<string, unknown>;
  return Number.isInteger(row) && Number.isInteger(line) ? { row: row as number, line: line as number } : undefined;
}

/** Two binary files selected together in the explorer (the explorer passes every selected file). */
function binaryPair(x: unknown): [vscode.Uri, vscode.Uri] | undefined {
  if (!Array.isArray(x) || x.length !== 2) return undefined;
  const [a, b] = x as unknown[];
  return a instanceof vscode.Uri && b instanceof vscode.Uri && BINARY_FILE_RE.test(a.path) && BINARY_FILE_RE.test(b.path) ? [a, b] : undefined;
}

/**
 * The scores' file of two chosen together, its labels' file remembered for it: which is which by
 * their names (labels.npy, y_true.npy...), else the user says.
 */
async function choosePair(pair: [vscode.Uri, vscode.Uri], choices: FileChoicesStore): Promise<vscode.Uri | undefined> {
  let which = labelsAmong(pair[0].path, pair[1].path);
  if (which === undefined) {
    const picked = await vscode.window.showQuickPick(
      pair.map((u, i) => ({ label: uriBasename(u), description: vscode.workspace.asRelativePath(u, false), index: i as 0 | 1 })),
      { title: 'Loss Lens: which file holds the labels?', placeHolder: 'The other holds the scores (probabilities or logits), row for row' },
    );
    if (picked === undefined) return undefined;
    which = picked.index;
  }
  const labels = pair[which];
  const scores = pair[1 - which]!;
  await choices.update(scores, { labelsFile: labels.toString() });
  return scores;
}

/**
 * The dashboard of the active file, or of a file picked when no predictions file is active; a
 * second argument `{ row, line }` (the hover's link) also opens that sample's derivation. From the
 * explorer with two binary files selected, the scores of one and the labels of the other.
 */
export const openDashboard: CommandFactory = (ctx) => async (arg, second) => {
  const pair = binaryPair(second);
  const uri = pair !== undefined ? await choosePair(pair, ctx.service.choices) : await targetOrPick(arg, ctx.dashboards, 'Loss Lens: open the dashboard of a predictions file');
  if (uri) ctx.dashboards.show(uri, sampleArg(second));
};
