/**
 * How Compare With... matches the samples of its two files, chosen in the editor: the equivalent
 * of the CLI's `--match order` and `--id-column` (one name, or `a=NAME` / `b=NAME` per file), asked
 * by a quick pick from the comparison's "Match samples by..." button (src/shared/compare-speak.ts
 * names it in core's messages).
 */
import * as vscode from 'vscode';
import { MATCH_BY } from '../../shared/compare-speak';

/** The user's choice; undefined (the default) is core's: by an id column both files have, else by order. */
export type CompareMatching = { by: 'order' } | { by: 'id'; a: string; b: string };

type Item = vscode.QuickPickItem & { pick: string | null };

/**
 * Asks how to match: row order, or a column of A (then B's column holding the same ids, when B
 * has no column of that name). Undefined when dismissed.
 */
export async function pickMatching(names: { a: string; b: string }, columns: { a: readonly string[]; b: readonly string[] }, current: CompareMatching | undefined): Promise<CompareMatching | undefined> {
  const byColumn = (cols: readonly string[], chosen: string | undefined): Item[] =>
    cols.map((c) => ({ label: `Column "${c}"`, description: c === chosen ? 'chosen now' : undefined, pick: c }));
  const first = await vscode.window.showQuickPick<Item>(
    [
      { label: 'Row order', detail: 'Row i of each file is the same sample', description: current?.by === 'order' ? 'chosen now' : undefined, pick: null },
      { label: `Columns of ${names.a}`, kind: vscode.QuickPickItemKind.Separator, pick: null },
      ...byColumn(columns.a, current?.by === 'id' ? current.a : undefined),
    ],
    { title: `Loss Lens: ${MATCH_BY}`, placeHolder: `Match the samples of ${names.a} and ${names.b} by row order, or by a column naming each sample` },
  );
  if (first === undefined) return undefined;
  if (first.pick === null) return { by: 'order' };
  if (columns.b.includes(first.pick)) return { by: 'id', a: first.pick, b: first.pick };
  const second = await vscode.window.showQuickPick<Item>(byColumn(columns.b, current?.by === 'id' ? current.b : undefined), {
    title: `Loss Lens: ${MATCH_BY}`,
    placeHolder: `${names.b} has no column "${first.pick}": the column of ${names.b} holding the same ids`,
  });
  return second === undefined || second.pick === null ? undefined : { by: 'id', a: first.pick, b: second.pick };
}
