/**
 * What a comparison keeps of each sample while a file is read: its loss, weight, true and
 * predicted class and line, by row index, and its id when the layout names an id column (the
 * samples are then matched by it). Plain arrays, so a worker can hand them back whole.
 */
import type { Layout, RowFields } from '../parse';
import type { SampleEval } from '../types';
import { idPacker, type PackedIds } from './ids';

/** A row's state: never read (skipped or past the end), read, or ignored (ignore_index). */
export const ROW_MISSING = 0;
export const ROW_READ = 1;
export const ROW_IGNORED = 2;
/** Matched by id: the other file has no row of this sample (counted apart, not as unreadable). */
export const ROW_ABSENT = 3;

export interface SampleColumns {
  /** NaN = no loss: the row was skipped, never read, or ignored. */
  loss: Float64Array;
  /** Each row's share of the mean's denominator (SampleEval.weight): the bootstrap's weights. */
  weight: Float64Array;
  /**
   * The row's own sample weight, kept only when it differs from `weight` at some read row (class
   * weights, or the keras preset, whose mean divides by N): two files weighted apart are refused by it.
   */
  sampleWeight?: Float64Array;
  /** -1 for a multi-label sample (no one class). */
  trueClass: Int32Array;
  predicted: Int32Array;
  /** 1-based line each row starts on (0 when never read). */
  line: Float64Array;
  state: Uint8Array;
  /** The id column's text per row, packed (ids.ts), when the layout has an id column. */
  ids?: PackedIds;
}

/**
 * Grows by doubling: 33 bytes per row, so 10 M rows cost 330 MB at most while read, 8 more when
 * the sample weights are kept apart (sampleWeight), and with an id column 5 bytes and the id's
 * characters (packed, ids.ts). Pass onLayout with onEval to the
 * read: it names the id column.
 */
export function sampleCollector() {
  let cap = 1024;
  let cols = allocate(cap);
  let rows = 0;
  let idColumn: string | undefined;
  const ids = idPacker();
  // Allocated at the first read row whose sample weight is not its weight: until then they are equal.
  let raw: Float64Array | undefined;
  return {
    onLayout(layout: Layout) {
      idColumn = layout.idColumn;
    },
    onEval(e: SampleEval, row: number, at: number, fields: RowFields | undefined, sampleWeight: number) {
      if (idColumn !== undefined) ids.add(row, fields?.text(idColumn));
      if (row >= cap) {
        cap = Math.max(row + 1, cap * 2);
        const next = allocate(cap);
        for (const key of KEYS) (next[key] as Float64Array).set(cols[key] as Float64Array);
        cols = next;
        if (raw !== undefined) {
          const grown = new Float64Array(cap);
          grown.set(raw);
          raw = grown;
        }
      }
      if (raw === undefined && !e.ignored && sampleWeight !== e.weight) raw = cols.weight.slice();
      if (raw !== undefined) raw[row] = sampleWeight;
      cols.loss[row] = e.ignored ? NaN : e.loss;
      cols.weight[row] = e.weight;
      cols.trueClass[row] = e.trueClass;
      cols.predicted[row] = e.predictedClass;
      cols.line[row] = at;
      cols.state[row] = e.ignored ? ROW_IGNORED : ROW_READ;
      rows = Math.max(rows, row + 1);
    },
    result(): SampleColumns {
      return {
        ...(idColumn === undefined ? {} : { ids: ids.result(rows) }),
        ...(raw === undefined ? {} : { sampleWeight: raw.slice(0, rows) }),
        loss: cols.loss.slice(0, rows),
        weight: cols.weight.slice(0, rows),
        trueClass: cols.trueClass.slice(0, rows),
        predicted: cols.predicted.slice(0, rows),
        line: cols.line.slice(0, rows),
        state: cols.state.slice(0, rows),
      };
    },
  };
}

const KEYS = ['loss', 'weight', 'trueClass', 'predicted', 'line', 'state'] as const;

function allocate(n: number): SampleColumns {
  return {
    loss: new Float64Array(n).fill(NaN),
    weight: new Float64Array(n),
    trueClass: new Int32Array(n),
    predicted: new Int32Array(n),
    line: new Float64Array(n),
    state: new Uint8Array(n),
  };
}
