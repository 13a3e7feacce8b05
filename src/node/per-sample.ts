/**
 * The samples whose loss changed most between two reads (for comparisons), and per-sample losses
 * written as CSV (for exports).
 * Plain TypeScript: runs in the file worker and in unit tests.
 */
import type { SampleEval } from '../core/types';

/** Losses by row index (NaN = no loss: skipped or ignored), with the line of each row (core/compare's SampleColumns has both). */
export interface SampleLosses {
  loss: Float64Array;
  line: Float64Array;
}

export interface ChangedSample {
  row: number;
  line: number;
  before: number;
  after: number;
}

/** How much a sample's loss moved; an infinite loss that became finite (or back) moved most. */
function change(before: number, after: number): number {
  if (Number.isNaN(before) || Number.isNaN(after) || before === after) return before === after ? 0 : NaN;
  return Math.abs(after - before);
}

/**
 * The `n` samples whose loss changed most between two reads of the same samples (row i of one
 * is row i of the other), largest change first, ties by row. Rows missing on either side are left out.
 */
export function topChanged(base: SampleLosses, other: SampleLosses, n: number): ChangedSample[] {
  if (n <= 0) return [];
  const rows = Math.min(base.loss.length, other.loss.length);
  const best: { row: number; d: number }[] = [];
  for (let row = 0; row < rows; row++) {
    const d = change(base.loss[row] as number, other.loss[row] as number);
    if (!(d > 0)) continue;
    if (best.length === n && d <= (best[n - 1] as { d: number }).d) continue;
    let i = best.length;
    while (i > 0 && (best[i - 1] as { d: number }).d < d) i--;
    best.splice(i, 0, { row, d });
    if (best.length > n) best.pop();
  }
  return best.map(({ row }) => ({
    row,
    line: base.line[row] as number,
    before: base.loss[row] as number,
    after: other.loss[row] as number,
  }));
}

/** The CLI's --per-sample columns (src/cli/main.ts), so both exports read alike. */
export const PER_SAMPLE_HEADER = 'row,line,loss,weight,true_class,predicted_class,confidence\n';

export function perSampleLine(e: SampleEval, row: number, line: number): string {
  return `${row},${line},${e.loss},${e.weight},${e.trueClass},${e.predictedClass},${e.confidence}\n`;
}
