/**
 * A confusion matrix read at 100 to 1000 classes, where its K x K cells can be neither drawn as
 * elements nor printed: the confused pairs ranked, the classes most involved in confusions, the
 * matrix folded onto a few of them with the rest summed into "(other)", and the class filter
 * that narrows all three. Rows are the true class, columns the predicted class, as everywhere.
 */

export type Matrix = readonly (readonly number[])[];

export interface ConfusedPair {
  true: number;
  predicted: number;
  count: number;
  /** count / the true class's samples: the share of that class predicted as `predicted`. */
  share: number;
}

export interface PairRanking {
  /** The largest confusions, at most `limit`: by count, then share, then true and predicted class. */
  pairs: ConfusedPair[];
  /** Off-diagonal cells with a count, among those considered. */
  cells: number;
  /** Samples in those cells. */
  samples: number;
}

/** Which classes to look at: the filter's matches, or every class when undefined. */
export type ClassSet = (k: number) => boolean;

function before(a: ConfusedPair, b: ConfusedPair): number {
  return b.count - a.count || b.share - a.share || a.true - b.true || a.predicted - b.predicted;
}

/**
 * The `limit` largest off-diagonal cells (a pair counts when its true or its predicted class is
 * in `classes`). One pass over the matrix keeping at most 2 x limit candidates, cut back to
 * `limit` whenever full: a million cells cost no sort of every non-zero one.
 */
export function rankConfusedPairs(m: Matrix, limit: number, classes?: ClassSet): PairRanking {
  const k = m.length;
  const support = m.map((row) => row.reduce((s, v) => s + v, 0));
  const inSet = classes ? Array.from({ length: k }, (_, i) => classes(i)) : null;
  let kept: ConfusedPair[] = [];
  let cells = 0;
  let samples = 0;
  let floor: ConfusedPair | null = null;
  for (let t = 0; t < k; t++) {
    const row = m[t] as readonly number[];
    const trueIn = inSet === null || inSet[t] === true;
    for (let p = 0; p < k; p++) {
      const count = row[p] as number;
      if (count === 0 || p === t || !(trueIn || inSet?.[p] === true)) continue;
      cells++;
      samples += count;
      if (limit <= 0) continue;
      const pair = { true: t, predicted: p, count, share: count / (support[t] as number) };
      if (floor !== null && before(pair, floor) >= 0) continue;
      kept.push(pair);
      if (kept.length >= 2 * limit) {
        kept = kept.sort(before).slice(0, limit);
        floor = kept[limit - 1] as ConfusedPair;
      }
    }
  }
  return { pairs: kept.sort(before).slice(0, Math.max(0, limit)), cells, samples };
}

/** Each class's confusions, both ways: its samples predicted as another class plus other classes' samples predicted as it. */
export function confusionScores(m: Matrix): number[] {
  const k = m.length;
  const score = new Array<number>(k).fill(0);
  for (let t = 0; t < k; t++) {
    const row = m[t] as readonly number[];
    for (let p = 0; p < k; p++) {
      if (p === t) continue;
      const c = row[p] as number;
      score[t] = (score[t] as number) + c;
      score[p] = (score[p] as number) + c;
    }
  }
  return score;
}

/**
 * The `n` classes (of `classes`) with the highest confusion score, ties to the lower index,
 * returned in class order so the folded matrix reads as the full one does.
 */
export function mostConfusedClasses(m: Matrix, n: number, classes?: ClassSet): number[] {
  const score = confusionScores(m);
  const candidates: number[] = [];
  for (let c = 0; c < m.length; c++) if (!classes || classes(c)) candidates.push(c);
  candidates.sort((a, b) => (score[b] as number) - (score[a] as number) || a - b);
  return candidates.slice(0, Math.max(0, n)).sort((a, b) => a - b);
}

export interface FoldedConfusion {
  /** The classes kept, in class order: row and column i of `matrix` is class classes[i]. */
  classes: number[];
  /** How many classes were folded into the last row and column, "(other)"; 0: there is none. */
  folded: number;
  /** (n + 1) x (n + 1) when classes were folded, n x n otherwise; every sample of `m` is in it once. */
  matrix: number[][];
}

/** `m` with every class outside `keep` summed into one "(other)" row (true) and column (predicted). */
export function foldConfusion(m: Matrix, keep: readonly number[]): FoldedConfusion {
  const k = m.length;
  const classes = [...new Set(keep)].filter((c) => c >= 0 && c < k).sort((a, b) => a - b);
  const folded = k - classes.length;
  const n = classes.length + (folded > 0 ? 1 : 0);
  const at = new Array<number>(k).fill(classes.length);
  classes.forEach((c, i) => (at[c] = i));
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let t = 0; t < k; t++) {
    const row = m[t] as readonly number[];
    const out = matrix[at[t] as number] as number[];
    for (let p = 0; p < k; p++) {
      const c = row[p] as number;
      if (c !== 0) out[at[p] as number] = (out[at[p] as number] as number) + c;
    }
  }
  return { classes, folded, matrix };
}

/**
 * The class filter as typed: comma-separated parts, each matched case-insensitively anywhere in a
 * class name; a class matches when any part does. Undefined when nothing is typed (no filter).
 */
export function classFilter(query: string, names: readonly string[]): ClassSet | undefined {
  const parts = query.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
  if (parts.length === 0) return undefined;
  const lower = names.map((n) => n.toLowerCase());
  return (k) => {
    const name = lower[k];
    return name !== undefined && parts.some((p) => name.includes(p));
  };
}
