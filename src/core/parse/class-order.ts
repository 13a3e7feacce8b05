/**
 * Whether the rows contradict the sorted class order taken for word labels beside scores whose
 * columns name no class. scikit-learn sorts predict_proba's columns, but a Hugging Face model's
 * logits are in its id2label order (dair-ai/emotion: sadness, joy, love, anger, fear, surprise),
 * and read in sorted order such a file gives a loss near that of a model worse than chance.
 */

/** The highest score's agreement with the labels, in sorted order and in the order that agrees best. */
export interface OrderCheck {
  rows: number;
  sortedAgree: number;
  /** Class names in the order the scores' columns agree with best (greedy matching). */
  bestOrder: string[];
  bestAgree: number;
}

/**
 * `labels[r]` is row r's class as an index into `names` (sorted), `scores[r]` its scores (any
 * monotone scale: logits or probabilities), `undefined` where either is missing. The best order
 * is found greedily, the largest label/argmax counts first: a lower bound on the best matching,
 * enough to show that the sorted order is not it.
 */
export function checkSortedOrder(names: string[], labels: (number | undefined)[], scores: (number[] | undefined)[]): OrderCheck {
  const k = names.length;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let rows = 0;
  labels.forEach((l, r) => {
    const s = scores[r];
    if (l === undefined || s === undefined || s.length !== k || s.some((x) => !Number.isFinite(x))) return;
    let top = 0;
    for (let j = 1; j < k; j++) if (s[j]! > s[top]!) top = j;
    counts[l]![top]!++;
    rows++;
  });
  let sortedAgree = 0;
  for (let i = 0; i < k; i++) sortedAgree += counts[i]![i]!;
  const pairs: [number, number, number][] = [];
  for (let l = 0; l < k; l++) for (let c = 0; c < k; c++) if (counts[l]![c]! > 0) pairs.push([counts[l]![c]!, l, c]);
  // Ties go to the sorted pairing, so that an order no worse than sorted stays sorted.
  pairs.sort((a, b) => b[0] - a[0] || Number(b[1] === b[2]) - Number(a[1] === a[2]) || a[1] - b[1] || a[2] - b[2]);
  const labelOf = new Array<number | undefined>(k).fill(undefined);
  const used = new Set<number>();
  let bestAgree = 0;
  for (const [n, l, c] of pairs) {
    if (used.has(l) || labelOf[c] !== undefined) continue;
    labelOf[c] = l;
    used.add(l);
    bestAgree += n;
  }
  const rest = names.map((_, i) => i).filter((i) => !used.has(i));
  const bestOrder = labelOf.map((l) => names[l ?? rest.shift()!]!);
  return { rows, sortedAgree, bestOrder, bestAgree };
}

/**
 * The sorted order is contradicted when another order agrees with clearly more rows: at least
 * twice as many, and by a quarter of the rows and 5 rows at least (a model at chance level
 * agrees with no order, and a small sample moves the counts by a few rows).
 */
export function sortedOrderContradicted(c: OrderCheck): boolean {
  return c.rows >= 8 && c.bestAgree >= 2 * c.sortedAgree && c.bestAgree - c.sortedAgree >= Math.max(5, c.rows / 4);
}
