/**
 * Book-keeping shared by the readers: counts, the problem log, and the skip-or-fail rule.
 */
import { ProblemLog } from './problems';
import type { Layout, ReadOptions, ReadResult, RowFields, SampleHandler } from './types';
import type { BatchSink, RowBatch } from '../batch';
import type { Sample } from '../types';

/** Signals a problem that ends the read (thrown inside a reader, caught by readSamples). */
export class FatalRead extends Error {
  constructor(
    readonly line: number,
    readonly column: number | undefined,
    message: string,
    /** The columns the file has, when the layout could not be made of them (for a picker). */
    readonly columns?: string[],
  ) {
    super(message);
    this.name = 'FatalRead';
  }
}

export class ReadContext {
  readonly log = new ProblemLog();
  rows = 0;
  valid = 0;
  skipped = 0;
  bytesRead = 0;
  newlines = 0;
  splitUnsafe = false;
  /** Some row was bad and skipInvalid is off: no more samples are delivered. */
  failed = false;
  private lastProgress = 0;
  readonly limitRows: number;

  constructor(
    readonly name: string,
    readonly opts: ReadOptions,
    private readonly onSample: SampleHandler,
  ) {
    this.limitRows = opts.limitRows ?? Number.POSITIVE_INFINITY;
    this.batch = opts.batch;
  }

  /** The row cap is reached: readers stop. */
  get full(): boolean {
    return this.rows >= this.limitRows;
  }

  /** A bad row: a warning and a skip with skipInvalid, else an error that fails the read. */
  bad(line: number, column: number | undefined, message: string): void {
    if (this.opts.skipInvalid) {
      this.skipped++;
      this.log.warning(line, column, `${message} (row skipped)`);
    } else {
      this.failed = true;
      this.log.error(line, column, message);
    }
  }

  /** Where a reader may write numeric rows in bulk instead of delivering them (ReadOptions.batch). */
  readonly batch: BatchSink | undefined;

  deliver(sample: Sample, row: number, line: number, fields: RowFields): void {
    if (this.failed) return;
    // Rows already batched come first: the consumer sees rows in file order.
    this.flushBatch();
    this.valid++;
    this.onSample(sample, row, line, fields);
  }

  /** Hands the batched rows on (at the end of a read, and before a row delivered on its own). */
  flushBatch(): void {
    const b = this.batch;
    if (b !== undefined && b.batch.size > 0) b.flush();
  }

  progress(bytes: number): void {
    this.bytesRead += bytes;
    if (this.opts.signal?.aborted) throw new FatalRead(0, undefined, 'read cancelled');
    if (this.opts.onProgress !== undefined && this.bytesRead - this.lastProgress >= 1 << 20) {
      this.lastProgress = this.bytesRead;
      this.opts.onProgress(this.bytesRead);
    }
  }

  result(layout: Layout): ReadResult {
    return {
      layout,
      rows: this.rows,
      valid: this.valid,
      skipped: this.skipped,
      problems: this.log.errors,
      errorCount: this.log.errorCount,
      warnings: this.log.warnings,
      warningCount: this.log.warningCount,
      bytesRead: this.bytesRead,
      newlines: this.newlines,
      splitUnsafe: this.splitUnsafe,
      ok: this.log.errorCount === 0,
    };
  }
}

/**
 * The batch a reader may write this layout's valid rows into (ReadOptions.batch), when they are
 * what a RowBatch holds: a number for the label (a class index or y) and one per prediction.
 */
export function batchFor(layout: Layout, ctx: ReadContext): RowBatch | undefined {
  const sink = ctx.batch;
  return sink !== undefined && sink.batch.width === layout.numClasses && layout.kind !== 'multilabel' &&
    layout.targetColumns === undefined && layout.labelEncoding === 'index' && layout.weightColumn === undefined &&
    // Its predicted classes are read from each row's fields, which a batch does not keep.
    layout.hardPredictionColumn === undefined
    ? sink.batch
    : undefined;
}
