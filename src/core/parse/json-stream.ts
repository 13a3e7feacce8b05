/**
 * Pass 2 of the JSON reader: the elements of one array (or the entries of one object) streamed
 * over its byte range, a chunk's worth at a time, each with where it starts. Memory: one chunk
 * and the elements built from it.
 */
import { JsonTokenizer, ValueBuilder, type JsonHandler } from './json';
import type { Position } from './records';
import type { ByteSource } from './types';

/** Where a JSON value sits: its bytes [start, end), and its first byte's line and column. */
export interface Span {
  start: number;
  end: number;
  line: number;
  column: number;
}

/** A chunk's worth of one container's elements, with where each starts (parallel arrays: no object per element). */
export interface Batch {
  values: unknown[];
  lines: number[];
  columns: number[];
  /**
   * Per element that is a record (or, with `itemNames`, a row array): where each of its fields'
   * values starts (problems point there, as in JSONL).
   */
  fields?: (Map<string, Position> | undefined)[];
  /** With `keys` (an object read as a container): each entry's key, and where the key sits. */
  keys?: string[];
  keyLines?: number[];
  keyColumns?: number[];
}

export interface ElementOptions {
  /** The longest string or number accepted, in bytes. */
  maxTokenBytes: number;
  /** The container is an object: keep each entry's key and its position (Batch.keys). */
  keys?: boolean;
  /** Elements that are arrays are rows: their items' positions are kept under these names, as a record's fields. */
  itemNames?: string[];
  /**
   * Read the range in windows of this many bytes, one range read each, instead of one stream:
   * many containers read in lockstep then hold a window each, not a stream's buffers.
   */
  window?: number;
}

/** Streams one container's elements (an array's, or an object's entry values), a chunk's worth at a time. */
export async function* containerElements(source: ByteSource, span: Span, opts: ElementOptions): AsyncGenerator<Batch> {
  const wantKeys = opts.keys === true;
  const itemNames = opts.itemNames;
  const newBatch = (): Batch => (wantKeys ? { values: [], lines: [], columns: [], fields: [], keys: [], keyLines: [], keyColumns: [] } : { values: [], lines: [], columns: [], fields: [] });
  let batch = newBatch();
  let depth = 0;
  let line = 0;
  let column = 0;
  // The element being built, when it is a record (or a named row): its fields' value positions.
  let fields: Map<string, Position> | undefined;
  let fieldKey: string | undefined;
  let item = 0;
  // An entry's key waits for its value: a chunk may end between them, and a batch holds both.
  let key = '';
  let keyLine = 0;
  let keyColumn = 0;
  const builder = new ValueBuilder((v) => {
    batch.values.push(v);
    batch.lines.push(line);
    batch.columns.push(column);
    batch.fields!.push(fields);
    fields = undefined;
    if (wantKeys) {
      batch.keys!.push(key);
      batch.keyLines!.push(keyLine);
      batch.keyColumns!.push(keyColumn);
    }
  });
  const elementStart = (record: boolean): void => {
    line = t.tokenLine;
    column = t.tokenColumn;
    fields = record ? new Map() : undefined;
  };
  const rowStart = (): void => {
    line = t.tokenLine;
    column = t.tokenColumn;
    fields = itemNames !== undefined ? new Map() : undefined;
    item = 0;
  };
  const fieldValue = (): void => {
    if (fields !== undefined) {
      // A repeated key: the last value is the one the record keeps, so its position is kept too.
      if (fieldKey !== undefined) fields.set(fieldKey, { line: t.tokenLine, column: t.tokenColumn });
      else if (itemNames !== undefined && item < itemNames.length) fields.set(itemNames[item++]!, { line: t.tokenLine, column: t.tokenColumn });
    }
    fieldKey = undefined;
  };
  const handler: JsonHandler = {
    startObject() {
      if (depth === 1) elementStart(true);
      else if (depth === 2) fieldValue();
      if (depth++ >= 1) builder.startObject();
    },
    startArray() {
      if (depth === 1) rowStart();
      else if (depth === 2) fieldValue();
      if (depth++ >= 1) builder.startArray();
    },
    endObject() {
      if (--depth >= 1) builder.end();
    },
    endArray() {
      if (--depth >= 1) builder.end();
    },
    key(k) {
      if (depth === 2) fieldKey = k;
      else if (depth === 1) {
        key = k;
        keyLine = t.tokenLine;
        keyColumn = t.tokenColumn;
      }
      builder.key(k);
    },
    value(v) {
      if (depth === 1) elementStart(false);
      else if (depth === 2) fieldValue();
      builder.value(v);
    },
  };
  const t = new JsonTokenizer(handler, { firstLine: span.line, firstColumn: span.column, firstOffset: span.start, maxTokenBytes: opts.maxTokenBytes });
  const step = opts.window;
  for (let from = span.start; from < span.end; ) {
    const to = step === undefined ? span.end : Math.min(span.end, from + step);
    for await (const chunk of source.chunks({ start: from, end: to })) {
      t.push(chunk);
      if (batch.values.length > 0) {
        yield batch;
        batch = newBatch();
      }
    }
    from = to;
  }
  t.end();
  if (batch.values.length > 0) yield batch;
}
