/**
 * What layout inference decided from the first rows, verified on every row after them: a row of
 * probabilities that does not sum to 1 in a file whose sampled rows all did contradicts the reading,
 * and is reported on its line (a warning: its loss is still taken as written); a column of
 * predicted classes beside the scores is compared with their argmax.
 */
import type { RowBatch } from './batch';
import type { Layout, ReadResult, RowFields } from './parse';
import { classLookup } from './parse/sample-filler';
import type { Sample } from './types';
import { rowSumTolerance } from './parse/infer-input';
import { isBinaryFormat } from './formats';
import { MAX_LISTED_PROBLEMS, ProblemLog } from './parse/problems';

export class RowSumCheck {
  private log: ProblemLog;

  private constructor(
    private readonly width: number,
    private readonly tolerance: number,
    private readonly unit: 'row' | undefined,
  ) {
    this.log = new ProblemLog(MAX_LISTED_PROBLEMS, unit);
  }

  /** The check for a layout, or undefined when inference saw nothing to hold later rows to. */
  static for(layout: Layout): RowSumCheck | undefined {
    if (layout.kind !== 'ce' || layout.input !== 'probs' || layout.rowSumTolerance === undefined) return undefined;
    return new RowSumCheck(layout.numClasses, layout.rowSumTolerance, isBinaryFormat(layout.format) ? 'row' : undefined);
  }

  /** The rows of a batch, before it is evaluated. */
  batch(b: RowBatch): void {
    const K = this.width;
    const preds = b.preds;
    for (let i = 0; i < b.size; i++) {
      let s = 0;
      for (let k = i * K, end = k + K; k < end; k++) s += preds[k] as number;
      if (Math.abs(s - 1) > this.tolerance) this.confirm(preds.subarray(i * K, i * K + K), s, b.lines[i] as number);
    }
  }

  /** One row delivered on its own. */
  row(preds: ArrayLike<number>, line: number): void {
    let s = 0;
    for (let k = 0; k < this.width; k++) s += preds[k] as number;
    if (Math.abs(s - 1) > this.tolerance) this.confirm(preds, s, line);
  }

  /** Rows rounded more coarsely than the sampled ones may stray further: held to their own digits. */
  private confirm(preds: ArrayLike<number>, s: number, line: number): void {
    if (Math.abs(s - 1) <= rowSumTolerance(preds)) return;
    this.log.warning(
      line,
      undefined,
      `probabilities sum to ${Math.round(s * 1e6) / 1e6}, not 1 (the layout was inferred from rows that sum to 1): this row's loss is taken as written; a row cut short, or scores that are not probabilities?`,
    );
  }

  /** Adds this read's findings to its result, and starts afresh for the next range. */
  takeInto(read: ReadResult): void {
    const l = this.log;
    read.warnings.push(...l.warnings);
    read.warningCount += l.warningCount;
    this.log = new ProblemLog(MAX_LISTED_PROBLEMS, this.unit);
  }
}

/** How often the scores' argmax names the class a file's own prediction column names. */
export interface HardAgreement {
  compared: number;
  agree: number;
  /** The first row where they differ (1-based line, relative to the range read). */
  firstDisagreement?: number;
}

/** The scores' argmax against a `y_pred` column: agreement near 1 confirms the class order read. */
export class HardPredictionCheck {
  private counts: HardAgreement = { compared: 0, agree: 0 };
  private readonly lookup: (text: string) => number | undefined;

  private constructor(
    private readonly layout: Layout,
    private readonly column: string,
  ) {
    this.lookup = classLookup(layout);
  }

  static for(layout: Layout): HardPredictionCheck | undefined {
    return layout.hardPredictionColumn === undefined ? undefined : new HardPredictionCheck(layout, layout.hardPredictionColumn);
  }

  row(sample: Sample, fields: RowFields, line: number): void {
    const text = fields.text(this.column);
    if (text === undefined || text.trim() === '') return;
    const said = this.lookup(text.trim());
    if (said === undefined) return;
    const p = sample.prediction;
    let argmax = 0;
    if (this.layout.kind === 'bce') {
      // A logit's sign, a probability's side of 0.5.
      argmax = (this.layout.input === 'logits' ? (p[0] as number) >= 0 : (p[0] as number) >= 0.5) ? 1 : 0;
    } else {
      for (let k = 1; k < p.length; k++) if ((p[k] as number) > (p[argmax] as number)) argmax = k;
    }
    const c = this.counts;
    c.compared++;
    if (argmax === said) c.agree++;
    else c.firstDisagreement ??= line;
  }

  takeInto(read: ReadResult): void {
    read.hardAgreement = this.counts;
    this.counts = { compared: 0, agree: 0 };
  }
}
