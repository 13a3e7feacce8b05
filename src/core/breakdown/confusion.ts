/**
 * Precision, recall and F1 from one-vs-rest counts, with scikit-learn's conventions: a ratio
 * whose denominator is 0 is 0 (precision_recall_fscore_support's zero_division default), and
 * macro / weighted averages are taken over every class, including classes absent from the file.
 */

export interface OneVsRest {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface Prf {
  precision: number;
  recall: number;
  f1: number;
}

export interface PrfAverages {
  /** Unweighted mean over classes of each score (macro F1 is the mean of the F1s). */
  macro: Prf;
  /** Mean weighted by support (tp + fn). */
  weighted: Prf;
  /** Scores of the summed counts; ce and bce: all three equal the accuracy. */
  micro: Prf;
}

function ratio(num: number, den: number): number {
  return den > 0 ? num / den : 0;
}

export function prf(c: OneVsRest): Prf {
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  // 2tp / (2tp + fp + fn) equals 2PR / (P + R) and is what scikit-learn computes.
  const f1 = ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn);
  return { precision, recall, f1 };
}

/** One-vs-rest counts of class k from a row-major K x K matrix (rows true, columns predicted). */
export function oneVsRest(confusion: ArrayLike<number>, k: number, classes: number, total: number): OneVsRest {
  let rowSum = 0;
  let colSum = 0;
  for (let j = 0; j < classes; j++) {
    rowSum += confusion[k * classes + j] as number;
    colSum += confusion[j * classes + k] as number;
  }
  const tp = confusion[k * classes + k] as number;
  const fn = rowSum - tp;
  const fp = colSum - tp;
  return { tp, fp, fn, tn: total - tp - fn - fp };
}

/**
 * Every class's one-vs-rest counts from a row-major K x K matrix in one pass over it: a column
 * read per class strides through the whole matrix (1000 classes: a million scattered reads, twice).
 * The same counts as oneVsRest for each class (sums of integer counts are exact in any order).
 */
export function allOneVsRest(confusion: ArrayLike<number>, classes: number, total: number): OneVsRest[] {
  const rowSums = new Float64Array(classes);
  const colSums = new Float64Array(classes);
  for (let t = 0; t < classes; t++) {
    const base = t * classes;
    let row = 0;
    for (let p = 0; p < classes; p++) {
      const c = confusion[base + p] as number;
      row += c;
      colSums[p] = (colSums[p] as number) + c;
    }
    rowSums[t] = row;
  }
  const out: OneVsRest[] = [];
  for (let k = 0; k < classes; k++) {
    const tp = confusion[k * classes + k] as number;
    const fn = (rowSums[k] as number) - tp;
    const fp = (colSums[k] as number) - tp;
    out.push({ tp, fp, fn, tn: total - tp - fn - fp });
  }
  return out;
}

export function averages(perClass: readonly OneVsRest[]): PrfAverages {
  const k = perClass.length;
  const macro = { precision: 0, recall: 0, f1: 0 };
  const weighted = { precision: 0, recall: 0, f1: 0 };
  const sum: OneVsRest = { tp: 0, fp: 0, fn: 0, tn: 0 };
  let support = 0;
  for (const c of perClass) {
    const s = prf(c);
    const n = c.tp + c.fn;
    macro.precision += s.precision;
    macro.recall += s.recall;
    macro.f1 += s.f1;
    weighted.precision += s.precision * n;
    weighted.recall += s.recall * n;
    weighted.f1 += s.f1 * n;
    support += n;
    sum.tp += c.tp;
    sum.fp += c.fp;
    sum.fn += c.fn;
    sum.tn += c.tn;
  }
  return {
    macro: { precision: ratio(macro.precision, k), recall: ratio(macro.recall, k), f1: ratio(macro.f1, k) },
    weighted: {
      precision: ratio(weighted.precision, support),
      recall: ratio(weighted.recall, support),
      f1: ratio(weighted.f1, support),
    },
    micro: prf(sum),
  };
}
