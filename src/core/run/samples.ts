/**
 * One file of a run, kept per sample while it is read: the probability of the true class, the
 * loss, whether the prediction is right, the true class, the line, and the id when the layout found
 * an id column. Fed by the reader's onEval (analyze.ts, PartOptions.onEval), rows in file order.
 */
import type { EvalBatch } from '../batch';
import type { RowFields } from '../parse';
import type { SampleEval } from '../types';

/** `correct` of a row with no value: ignored (ignore index), or not read (skipped as invalid). */
export const NO_VALUE = 255;

export interface FileSamples {
  name: string;
  /** Data rows, read or skipped: row i of every array below is the file's row i. */
  rows: number;
  /** P(true class) after sigmoid / softmax, NaN with no value. */
  pTrue: Float32Array;
  loss: Float32Array;
  /** 1 right, 0 wrong, NO_VALUE with no value. */
  correct: Uint8Array;
  /** The true class, -1 when the row was not read. */
  trueClass: Int32Array;
  /** 1-based line where the row starts (binary formats: the row), 0 when not read. */
  line: Float64Array;
  /** The id column's text per row (undefined where not read), when the layout has an id column. */
  ids?: (string | undefined)[];
}

/** P(true class) of an evaluated ce or bce sample (bce: probs[0] is P(y = 1)). */
export function trueClassProbability(e: SampleEval): number {
  if (e.probs.length === 1) return e.trueClass === 1 ? e.probs[0]! : 1 - e.probs[0]!;
  return e.probs[e.trueClass] ?? NaN;
}

/** Collects a file's samples; arrays grow by doubling while the file is read. */
export function fileSamplesCollector(name: string, idColumn: string | undefined) {
  let cap = 1024;
  let pTrue = new Float32Array(cap).fill(NaN);
  let loss = new Float32Array(cap).fill(NaN);
  let correct = new Uint8Array(cap).fill(NO_VALUE);
  let trueClass = new Int32Array(cap).fill(-1);
  let line = new Float64Array(cap);
  const ids: (string | undefined)[] | undefined = idColumn === undefined ? undefined : [];
  let rows = 0;
  const grow = <T extends Float32Array | Uint8Array | Int32Array | Float64Array>(a: T, size: number, fill: number): T => {
    const b = new (a.constructor as new (n: number) => T)(size);
    b.fill(fill);
    b.set(a);
    return b;
  };
  const ensure = (row: number) => {
    if (row < cap) return;
    const size = Math.max(row + 1, cap * 2);
    pTrue = grow(pTrue, size, NaN);
    loss = grow(loss, size, NaN);
    correct = grow(correct, size, NO_VALUE);
    trueClass = grow(trueClass, size, -1);
    line = grow(line, size, 0);
    cap = size;
  };
  return {
    onEval(e: SampleEval, row: number, at: number, fields?: RowFields) {
      ensure(row);
      rows = Math.max(rows, row + 1);
      line[row] = at;
      trueClass[row] = e.trueClass;
      if (ids !== undefined && idColumn !== undefined) ids[row] = fields?.text(idColumn);
      if (e.ignored) return;
      pTrue[row] = trueClassProbability(e);
      loss[row] = e.loss;
      correct[row] = e.predictedClass === e.trueClass ? 1 : 0;
    },
    /** A batch of rows evaluated together (the reader's fast path: no fields, so no ids). */
    onEvalBatch(b: EvalBatch) {
      for (let j = 0; j < b.size; j++) {
        const row = b.rows[j]!;
        ensure(row);
        rows = Math.max(rows, row + 1);
        line[row] = b.lines[j]!;
        const y = b.trueClass[j]!;
        trueClass[row] = y;
        if (b.ignored[j]) continue;
        pTrue[row] = b.trueProb[j]!;
        loss[row] = b.loss[j]!;
        correct[row] = b.predictedClass[j] === y ? 1 : 0;
      }
    },
    /** The file's samples, `dataRows` long (the read's row count: skipped rows at the end count too). */
    result(dataRows: number): FileSamples {
      ensure(Math.max(0, dataRows - 1));
      const out: FileSamples = {
        name,
        rows: dataRows,
        pTrue: pTrue.slice(0, dataRows),
        loss: loss.slice(0, dataRows),
        correct: correct.slice(0, dataRows),
        trueClass: trueClass.slice(0, dataRows),
        line: line.slice(0, dataRows),
      };
      if (ids !== undefined) {
        ids.length = dataRows;
        out.ids = ids;
      }
      return out;
    },
  };
}
