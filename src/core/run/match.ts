/**
 * Which row of each file holds which sample: by an id column when every file has the same one,
 * else by row order. Pure and small, for any reader of several files over the same samples: a
 * run, and a comparison of two files (core/compare, with alignByIds).
 */

/** How a run's rows were matched to samples. */
export type Matching = { by: 'id'; column: string } | { by: 'order'; asked?: boolean };

/** The files do not hold the same samples: the message names the file and line. */
export class RunMatchError extends Error {
  override name = 'RunMatchError';
}

/** What matching needs of a file: its name, rows, each row's line and, by id, each row's id. */
export interface MatchSide {
  name: string;
  rows: number;
  line: ArrayLike<number>;
  ids?: readonly (string | undefined)[];
}

/** By id when every file's layout found the same id column, else by order; by order when asked (`--match order`). */
export function chooseMatching(idColumns: readonly (string | undefined)[], ask: 'auto' | 'order' = 'auto'): Matching {
  if (ask === 'order') return { by: 'order', asked: true };
  const first = idColumns[0];
  return first !== undefined && idColumns.every((c) => c === first) ? { by: 'id', column: first } : { by: 'order' };
}

/** The matching as a sentence for a run's report. */
export function matchingText(m: Matching, idColumns: readonly (string | undefined)[]): string {
  if (m.by === 'id') return `Samples were matched by the id column "${m.column}" (every file has it).`;
  const found = [...new Set(idColumns.filter((c): c is string => c !== undefined))];
  if (m.asked) return `Samples were matched by row order, as asked (--match order)${found.length === 0 ? '' : `; the id column ${found.map((c) => `"${c}"`).join(', ')} was not used`}.`;
  const why = found.length === 0 ? 'no file has an id column' : `an id column (${found.map((c) => `"${c}"`).join(', ')}) is not in every file under one name`;
  return `Samples were matched by row order (row i of every file is sample i): ${why}.`;
}

const where = (side: Pick<MatchSide, 'name' | 'line'>, row: number) => `${side.name}:${side.line[row] || `row ${row + 1}`}`;

/** Row `row` of a file read has no id (idIndex's refusal, also core/compare/ids.ts's). */
export const noIdMessage = (side: Pick<MatchSide, 'name' | 'line'>, row: number) => `${where(side, row)}: no id: every row needs one to be matched with the other files`;

/** Row `row`'s id was on row `seen` already. */
export const repeatedIdMessage = (side: Pick<MatchSide, 'name' | 'line'>, row: number, id: string, seen: number) =>
  `${where(side, row)}: id ${JSON.stringify(id)} again (first on line ${side.line[seen]}): ids must name one sample each`;
const count = (n: number) => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;

/** Each id of a file's rows, and its row; throws on an empty or repeated id. */
export function idIndex(side: MatchSide): Map<string, number> {
  const ids = side.ids ?? [];
  const index = new Map<string, number>();
  for (let r = 0; r < side.rows; r++) {
    const id = ids[r];
    if (id === undefined && side.line[r] === 0) continue; // not read (skipped as invalid)
    if (id === undefined || id === '') throw new RunMatchError(noIdMessage(side, r));
    const seen = index.get(id);
    if (seen !== undefined) throw new RunMatchError(repeatedIdMessage(side, r, id, seen));
    index.set(id, r);
  }
  return index;
}

/**
 * For each sample (a row of `first`), the row of `other` that holds it (-1: none, a row `other`
 * skipped), or undefined when they match row for row. Throws RunMatchError, naming file and line,
 * when `other` holds a sample `first` does not, or lacks one, or has another number of rows.
 */
export function matchRows(first: MatchSide, firstIndex: Map<string, number> | undefined, other: MatchSide, m: Matching): Int32Array | undefined {
  if (m.by === 'order') {
    if (first.rows === other.rows) return undefined;
    const [long, short] = first.rows > other.rows ? [first, other] : [other, first];
    throw new RunMatchError(
      `${first.name} has ${count(first.rows)} and ${other.name} ${count(other.rows)}: not the same samples (matched by row order). ` +
        `${short.name} ends at row ${short.rows}; ${where(long, short.rows)} is row ${short.rows + 1}.`,
    );
  }
  const index = firstIndex ?? idIndex(first);
  const rowOf = new Int32Array(first.rows).fill(-1);
  const seen = idIndex(other);
  for (const [id, r] of seen) {
    const sample = index.get(id);
    if (sample === undefined) throw new RunMatchError(`${where(other, r)}: id ${JSON.stringify(id)} is not in ${first.name}: the files of a run hold the same samples`);
    rowOf[sample] = r;
  }
  // Ids `other` lacks are samples without a value there when it skipped as many rows, else refused.
  const missing = index.size - seen.size;
  if (missing > other.rows - seen.size) {
    for (const [id, sample] of index) {
      if (rowOf[sample] === -1) throw new RunMatchError(`${where(first, sample)}: id ${JSON.stringify(id)} is not in ${other.name}: the files of a run hold the same samples`);
    }
  }
  return rowOf;
}

/** The first row of a file whose id the other file lacks, and how many there are. */
export interface OneSideOnly {
  count: number;
  first: { row: number; line: number; id: string } | null;
}

/** Two files matched by id: each row of `first`'s row in `other` (-1: not there), and the ids in one file only. */
export interface IdAlignment {
  rowOf: Int32Array;
  shared: number;
  onlyFirst: OneSideOnly;
  onlyOther: OneSideOnly;
}

/**
 * Matches `other`'s rows to `first`'s by id, keeping what only one holds (counted, the first of
 * each named) for the caller to judge; throws RunMatchError on an empty or repeated id.
 */
export function alignByIds(first: MatchSide, other: MatchSide): IdAlignment {
  const index = idIndex(first);
  const seen = idIndex(other);
  const rowOf = new Int32Array(first.rows).fill(-1);
  const onlyOther: OneSideOnly = { count: 0, first: null };
  for (const [id, r] of seen) {
    const sample = index.get(id);
    if (sample !== undefined) rowOf[sample] = r;
    else {
      onlyOther.count++;
      if (onlyOther.first === null || r < onlyOther.first.row) onlyOther.first = { row: r, line: other.line[r]!, id };
    }
  }
  const onlyFirst: OneSideOnly = { count: 0, first: null };
  for (const [id, r] of index) {
    if (rowOf[r] !== -1) continue;
    onlyFirst.count++;
    if (onlyFirst.first === null || r < onlyFirst.first.row) onlyFirst.first = { row: r, line: first.line[r]!, id };
  }
  return { rowOf, shared: index.size - onlyFirst.count, onlyFirst, onlyOther };
}
