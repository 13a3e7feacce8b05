/**
 * The confusion matrix in the text report and the exports: its largest confused pairs (true,
 * predicted, count, share of the true class), never its K x K cells, which at 1000 classes would
 * be a million numbers nobody reads. --json keeps the whole matrix.
 */
import { rankConfusedPairs } from '../../core/confusion-summary';

/** Pairs listed: more when there are many classes to be confused. */
export function confusedPairsLimit(classes: number): number {
  return classes > 30 ? 20 : 10;
}

export interface ConfusedPairsTable {
  title: string;
  header: string[];
  rows: string[][];
}

/** Null for a matrix with nothing off its diagonal (or no matrix: multi-label). */
export function confusedPairsTable(m: readonly (readonly number[])[] | null, names: readonly string[]): ConfusedPairsTable | null {
  if (!m) return null;
  const ranking = rankConfusedPairs(m, confusedPairsLimit(m.length));
  if (ranking.pairs.length === 0) return null;
  const name = (k: number) => names[k] ?? String(k);
  const int = (n: number) => n.toLocaleString('en-US');
  const pairs = `${int(ranking.cells)} pair${ranking.cells === 1 ? '' : 's'}`;
  const largest = ranking.pairs.length < ranking.cells ? `the ${ranking.pairs.length} largest of ${pairs}` : pairs;
  return {
    title: `Most confused pairs (${largest}; ${int(ranking.samples)} sample${ranking.samples === 1 ? '' : 's'} off the diagonal)`,
    // One column for the pair: tables here left-align the first column only.
    header: ['true -> predicted', 'count', 'share of true class'],
    rows: ranking.pairs.map((p) => [`${name(p.true)} -> ${name(p.predicted)}`, int(p.count), `${(p.share * 100).toFixed(1)}%`]),
  };
}
