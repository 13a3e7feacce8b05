/**
 * Records (JSON objects, from a JSON array, a JSONL line, or parallel columns zipped together)
 * into Samples, and record samples into the table that layout inference reads.
 */
import { batchFor, type ReadContext } from './context';
import type { Cell } from './cells';
import type { SampleTable } from './layout';
import { describe, SampleFiller } from './sample-filler';
import type { FileFormat, Layout, RowFields } from './types';

export interface Position {
  line: number;
  column: number;
}

/** Where a record's field sits; readers that know more than the record's start pass it. */
export type FieldPosition = (field: string) => Position;

export function recordTable(format: FileFormat, records: unknown[], lines: number[], classNames?: string[]): SampleTable {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) continue;
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
    }
  }
  const rows = records.map((r) =>
    columns.map((c) => (r !== null && typeof r === 'object' && !Array.isArray(r) ? (r as Record<string, Cell>)[c] : undefined)),
  );
  return classNames === undefined ? { format, columns, rows, lines } : { format, columns, rows, lines, classNames };
}

export function makeRecordProcessor(layout: Layout, ctx: ReadContext): (rec: unknown, at: Position, where?: FieldPosition) => void {
  const filler = new SampleFiller(layout);
  const sample = filler.sample;
  const K = layout.numClasses;
  const preds = layout.predictionColumns;
  const vector = layout.predictionIsVector;
  const targets = layout.targetColumns;
  const label = layout.labelColumn;
  const weight = layout.weightColumn;
  // Valid records go into the batch when the reader's consumer takes batches (ReadOptions.batch).
  const batch = batchFor(layout, ctx);
  let current: Record<string, unknown> | undefined;
  const fields: RowFields = {
    text(column: string): string | undefined {
      const v = current?.[column];
      if (v === undefined) return undefined;
      return typeof v === 'string' ? v : JSON.stringify(v);
    },
  };

  return (rec, at, where) => {
    const rowIndex = ctx.rows++;
    const bad = (field: string | undefined, message: string): void => {
      const p = field !== undefined && where !== undefined ? where(field) : at;
      ctx.bad(p.line, p.column, message);
    };
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      return bad(undefined, `expected a record (an object with "${label}" and ${vector || preds.length === 1 ? `"${preds[0]}"` : 'prediction fields'}), found ${describe(rec)}`);
    }
    const r = rec as Record<string, unknown>;
    if (vector) {
      const v = r[preds[0]!];
      if (v === undefined) return bad(undefined, `missing field "${preds[0]}"`);
      const m = filler.predictionVector(v);
      if (m !== undefined) return bad(preds[0], m);
    } else {
      for (let k = 0; k < K; k++) {
        const v = r[preds[k]!];
        if (v === undefined) return bad(undefined, `missing field "${preds[k]}"`);
        const m = filler.predictionCell(v, k);
        if (m !== undefined) return bad(preds[k], m);
      }
    }
    if (targets !== undefined) {
      for (let k = 0; k < K; k++) {
        const v = r[targets[k]!];
        if (typeof v !== 'number') return bad(v === undefined ? undefined : targets[k], v === undefined ? `missing field "${targets[k]}"` : `expected a number, found ${describe(v)} (${targets[k]})`);
        const m = filler.targetValue(v, k);
        if (m !== undefined) return bad(targets[k], m);
      }
      sample.target = filler.target!;
    } else {
      const v = r[label];
      if (v === undefined) return bad(undefined, `missing field "${label}"`);
      const m = filler.labelCell(v);
      if (m !== undefined) return bad(label, m);
    }
    if (weight !== undefined) {
      const v = r[weight];
      const m = typeof v === 'number' ? filler.weight(v) : `sample weight ${describe(v)} is not a number`;
      if (m !== undefined) return bad(weight, m);
    }
    if (batch !== undefined && !ctx.failed && typeof sample.target === 'number') {
      const i = batch.size;
      batch.labels[i] = sample.target;
      batch.preds.set(filler.pred, i * K);
      batch.rows[i] = rowIndex;
      batch.lines[i] = at.line;
      batch.size = i + 1;
      ctx.valid++;
      if (i + 1 === batch.capacity) ctx.batch!.flush();
      return;
    }
    current = r;
    ctx.deliver(sample, rowIndex, at.line, fields);
    current = undefined;
  };
}
