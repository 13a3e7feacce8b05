/**
 * Files without a header (np.savetxt's default, `to_csv(header=False)`): the columns get names a
 * user counts by (`column 1`, `column 2`, ...), and which one holds the labels is guessed from the
 * sampled values, said as an assumption with the flag that changes it, or not guessed at all.
 */
import { cellNumber, isBlank, normName, type Cell } from './cells';
import { columnFlag } from './flags';
import type { LayoutHints } from './layout';

/**
 * A first column of distinct whole numbers over more rows than the file has columns is no label
 * (there are fewer classes than columns) and no score (a model's scores are not all whole): it is
 * a row index, as `to_csv(header=False)` writes pandas' and `write.table(col.names = FALSE)` R's.
 */
function rowIndex(rows: Cell[][]): boolean {
  const seen = new Set<number>();
  for (const row of rows) {
    const x = cellNumber(row[0]);
    if (x === undefined || !Number.isInteger(x) || x < 0 || seen.has(x)) return false;
    seen.add(x);
  }
  return seen.size > (rows[0]?.length ?? 0);
}

/** `column 1` .. `column n`: 1-based, as a user counts, and as --label-column / --pred-columns take them. */
export function headerlessColumns(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `column ${i + 1}`);
}

export interface HeaderlessGuess extends LayoutHints {
  /** No label column was chosen: why, naming the flag that says it (the reader refuses with this). */
  unclear?: string;
  /**
   * The label column chosen, as an assumption for Layout.assumptions (a warning in every report,
   * a CodeLens): `taken` pins it, `other` reads the other end column as the labels.
   */
  assumption?: { text: string; short: string; taken: { labelColumn: string }; other: { labelColumn: string }; otherLabel: string };
}

/** The roles the user gave, which the guess works around. */
export interface HeaderlessUser {
  labelColumn?: string;
  predColumns?: string[];
}

/** The column a user's name means: as written, or the same once normalised (`Column 1`, `column_1`). */
function findColumn(columns: string[], name: string): number {
  const exact = columns.indexOf(name);
  return exact >= 0 ? exact : columns.findIndex((c) => normName(c) === normName(name));
}

function range(columns: string[]): string {
  return columns.length > 2 ? `${columns[0]} .. ${columns[columns.length - 1]}` : columns.join(', ');
}

/**
 * The label and prediction columns of a headerless file, from its sampled rows (`rows[r][c]`, cells
 * as the reader hands them to layout inference). The label is the first or the last column whose
 * values are all whole numbers in 0..K-1, K the number of other columns (K = 1: 0 and 1, binary
 * labels beside one score column): chosen when exactly one of the two qualifies, never when both
 * or neither do (then `unclear` says why). The predictions are all the other columns. A label or
 * predictions the user named win: then only what they left open is filled in.
 *
 * With `named: 'pandas'` the columns have names, pandas' default 0..n-1, which say no more.
 */
export function headerlessHints(columns: string[], rows: Cell[][], user: HeaderlessUser = {}, opts: { named?: 'pandas' } = {}): HeaderlessGuess {
  const n = columns.length;
  const pandas = opts.named === 'pandas';
  const intro = pandas
    ? `the column names ${range(columns)} are pandas' default names, which do not say which column is which`
    : `the file has no header (the first line holds only numbers), so its columns are named ${range(columns)}`;
  const evidence = pandas
    ? []
    : [`no header (the first line holds only numbers): every line is a row, and the columns are named ${range(columns)} (as in ${columnFlag('label-column', 'column N')})`];
  const userPreds = user.predColumns?.map((c) => findColumn(columns, c));
  const index = userPreds === undefined && findColumn(columns, user.labelColumn ?? '') !== 0 && rowIndex(rows) ? 0 : -1;
  if (index === 0) {
    evidence.push(`${pandas ? 'column ' : ''}${columns[0]} holds distinct whole numbers over more rows than there are columns: a row index (as pandas' to_csv(header=False) writes it), neither a label nor a prediction`);
  }
  if (user.labelColumn !== undefined) {
    const label = findColumn(columns, user.labelColumn);
    // An unknown name is left to the layout, which lists the columns.
    if (label < 0 || userPreds !== undefined) return { evidence };
    return { predColumns: columns.filter((_, i) => i !== label && i !== index), evidence };
  }
  const k = userPreds?.length ?? n - 1 - (index + 1);
  const sampled = `the first ${rows.length} row${rows.length === 1 ? '' : 's'}`;
  const flag = columnFlag('label-column', pandas ? 'N' : 'column N');
  if (n < 2 || k < 1) {
    return { evidence, unclear: `${intro}: which holds the labels? Name it with ${flag}` };
  }
  const max = Math.max(1, k - 1);
  const what = k === 1 ? 'whole numbers 0 and 1 (binary labels beside one score column)' : `whole numbers in 0..${max} (class indices for the ${k} other columns)`;
  const qualifies = (c: number): boolean => {
    let seen = 0;
    for (const row of rows) {
      const cell = row[c];
      if (isBlank(cell)) continue;
      const x = cellNumber(cell);
      if (x === undefined || !Number.isInteger(x) || x < 0 || x > max) return false;
      seen++;
    }
    return seen > 0;
  };
  const ends = [...new Set([index + 1, n - 1])].filter((c) => userPreds === undefined || !userPreds.includes(c));
  const fit = ends.filter(qualifies);
  if (fit.length !== 1) {
    const which =
      fit.length === 0
        ? `neither the first nor the last column holds only ${what} in ${sampled}`
        : `both ${columns[fit[0]!]} and ${columns[fit[1]!]} hold only ${what} in ${sampled}`;
    return {
      evidence,
      unclear: `${intro}, and which one holds the labels is unclear: ${which}. Name it with ${flag}, e.g. ${columnFlag('label-column', columns[fit[0] ?? 0]!)}`,
    };
  }
  const label = fit[0]!;
  const name = columns[label]!;
  const preds = columns.filter((_, i) => i !== label && i !== index);
  const other = ends.find((c) => c !== label) ?? (label === index + 1 ? n - 1 : index + 1);
  const said = `${pandas ? 'column ' : ''}${name}`;
  const otherSaid = `${pandas ? 'column ' : ''}${columns[other]}`;
  const why = `${said} holds the labels: ${ends.length === 1 ? 'it' : 'of the first and the last column, only it'} holds ${what} in ${sampled}`;
  evidence.push(`assumed: ${why}; if the labels are in another column, name it with ${flag}`);
  const assumption = {
    text: `${why} (the file does not name its columns)`,
    short: `labels in ${said}`,
    taken: { labelColumn: name },
    other: { labelColumn: columns[other]! },
    otherLabel: `read ${otherSaid} as the labels`,
  };
  if (userPreds === undefined) {
    evidence.push(`prediction column${preds.length === 1 ? '' : 's'} ${range(preds)}: the other column${preds.length === 1 ? '' : 's'}`);
    return { labelColumn: name, predColumns: preds, evidence, assumption };
  }
  return { labelColumn: name, evidence, assumption };
}
