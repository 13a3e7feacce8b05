/**
 * JSON as pandas' `DataFrame.to_json` writes it, in each orient (`df.to_dict(orient)` dumped
 * with json is the same document):
 *
 *   columns (the default)  {"p_0": {"133": 0.05, "170": 0.02, ...}, "label": {"133": 2, ...}}
 *   split                  {"columns": ["p_0", ..., "label"], "index": [133, ...], "data": [[0.05, ..., 2], ...]}
 *   index                  {"133": {"p_0": 0.05, ..., "label": 2}, "170": {...}}
 *   values                 [[0.05, ..., 2], ...]  (no names: `column 1`, `column 2`, ... as a headerless CSV)
 *   records, table         arrays of records: the JSON reader's own records path
 *
 * Each is turned into records, row by row, for the same layout inference and record processor as
 * every other JSON file. Memory stays bounded as in the rest of the reader: pass 1 (the reader's
 * discovery) keeps where each part is; the rows are then streamed by byte range. 'columns' is the
 * one orient whose rows are spread over the file: one reader per column, advanced in lockstep as
 * for parallel arrays, each reading its column's bytes a window at a time (1 MiB of windows in
 * all, so 100 columns hold 100 small windows, not 100 streams' buffers; a gzip source, which
 * cannot read a range without decompressing up to it, streams each column instead). Rows are
 * paired by their index key: a column whose keys are not the first column's, in the same order,
 * is an error at that key. Measured: 400,000 rows x 11 columns (90 MB) read with the V8 heap
 * capped at 64 MB in each orient.
 */
import { FatalRead, type ReadContext } from './context';
import { defaultSampleRows } from './csv-reader';
import { columnFlag } from './flags';
import { headerlessColumns, headerlessHints, type HeaderlessGuess } from './headerless';
import type { JsonTokenizer } from './json';
import { containerElements, type Batch, type Span } from './json-stream';
import { normName } from './cells';
import { inferLayout, LABEL_NAMES, LayoutError } from './layout';
import { labelScores, makeRecordProcessor, recordTable, type FieldPosition, type Position } from './records';
import { describe } from './sample-filler';
import type { ByteSource, Layout } from './types';

/** One array found by the reader's pass 1. */
export interface ArrayInfo extends Span {
  /** Keys from the top object to the array ([] for a top-level array). */
  path: string[];
  count: number;
  sample: unknown[];
  sampleAt: Position[];
}

export type PandasOrient = 'split' | 'index' | 'columns' | 'values';

/** The orient as Layout.jsonShape says it. */
export function pandasShape(orient: PandasOrient): NonNullable<Layout['jsonShape']> {
  return `pandas-${orient}`;
}

/** Object-valued entries of the top-level object whose ranges are kept (a frame of more columns is not read). */
const MAX_MAPS = 16384;
/** A frame's cells, as seen in pass 1. */
const SCALAR = 1;
const FLAT_ARRAY = 2;
const NESTED = 4;
const OBJECT = 8;

/** An entry of the top-level object whose value is an object: a column (orient 'columns') or a row (orient 'index'). */
export interface MapInfo extends Span {
  key: string;
  /** Entries. */
  count: number;
  /** Where its closing brace is. */
  endLine: number;
  endColumn: number;
}

/** `12`, `-3`: a key pandas writes for a row of an integer index. */
export function integerLike(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Pass 1 for the frames written as an object of objects (orients 'columns' and 'index'): the
 * top-level object's entries, where each object-valued one is, how many entries each holds, what
 * their values are (scalars, lists of numbers, or something no frame holds), and what the keys
 * look like on either level. Driven by the tokenizer's events (depth as the tokenizer counts it).
 */
export class FrameScan {
  /** Off once the top-level value is not an object. */
  private active = true;
  top?: Span & { count: number };
  maps: MapInfo[] = [];
  /** More object-valued entries than MAX_MAPS: their ranges were not all kept. */
  overflow = false;
  /** Every entry of the top-level object is an object. */
  allObjects = true;
  /** The kinds of value the inner objects hold (SCALAR | FLAT_ARRAY | NESTED | OBJECT). */
  kinds = 0;
  topKeysIntegers = true;
  innerKeysIntegers = true;
  topKeysNameLabels = false;
  firstMapNamesLabels = false;
  /** The first inner object's first keys (for messages). */
  firstKeys: string[] = [];
  private current?: MapInfo;
  private inMap = false;
  private innerKey = '';

  constructor(private readonly t: JsonTokenizer) {}

  private entry(kind: number): void {
    this.kinds |= kind;
    if (this.current !== undefined) this.current.count++;
    if (this.maps.length === 1 && this.current !== undefined) {
      if (this.firstKeys.length < 8) this.firstKeys.push(this.innerKey);
      if (!this.firstMapNamesLabels && LABEL_NAMES.includes(normName(this.innerKey))) this.firstMapNamesLabels = true;
    }
  }

  private start(isObject: boolean): void {
    if (!this.active) return;
    const d = this.t.depth;
    if (d > 4) return;
    const t = this.t;
    if (d === 1) {
      if (!isObject) this.active = false;
      else this.top = { start: t.tokenOffset, end: -1, line: t.tokenLine, column: t.tokenColumn, count: 0 };
    } else if (d === 2) {
      this.top!.count++;
      this.inMap = isObject;
      this.current = undefined;
      if (!isObject) this.allObjects = false;
      else if (this.maps.length < MAX_MAPS) {
        this.current = { key: this.topKey, start: t.tokenOffset, end: -1, line: t.tokenLine, column: t.tokenColumn, count: 0, endLine: 0, endColumn: 0 };
        this.maps.push(this.current);
      } else {
        this.overflow = true;
      }
    } else if (d === 3) {
      if (this.inMap) this.entry(isObject ? OBJECT : FLAT_ARRAY);
    } else if (this.inMap) {
      this.kinds |= NESTED;
    }
  }

  private topKey = '';

  startObject(): void {
    this.start(true);
  }
  startArray(): void {
    this.start(false);
  }
  endObject(): void {
    if (!this.active) return;
    const d = this.t.depth;
    if (d === 1 && this.current !== undefined) {
      this.current.end = this.t.tokenEnd;
      this.current.endLine = this.t.tokenLine;
      this.current.endColumn = this.t.tokenColumn;
      this.current = undefined;
    } else if (d === 0 && this.top !== undefined) {
      this.top.end = this.t.tokenEnd;
    }
  }
  key(k: string): void {
    if (!this.active) return;
    const d = this.t.depth;
    if (d === 1) {
      this.topKey = k;
      if (this.topKeysIntegers && !integerLike(k)) this.topKeysIntegers = false;
      if (!this.topKeysNameLabels && this.top!.count < MAX_MAPS && LABEL_NAMES.includes(normName(k))) this.topKeysNameLabels = true;
    } else if (d === 2 && this.inMap) {
      this.innerKey = k;
      if (this.innerKeysIntegers && !integerLike(k)) this.innerKeysIntegers = false;
    }
  }
  value(): void {
    if (!this.active) return;
    const d = this.t.depth;
    if (d === 0) this.active = false;
    else if (d === 1) {
      this.top!.count++;
      this.allObjects = false;
    } else if (d === 2 && this.inMap) {
      this.entry(SCALAR);
    }
  }

  /** The top-level value is an object of objects holding scalars and lists: a frame as orient 'columns' or 'index' writes it. */
  get isFrame(): boolean {
    return this.active && this.top !== undefined && this.top.end >= 0 && this.top.count > 0 && this.allObjects && (this.kinds & (NESTED | OBJECT)) === 0;
  }
}

/** A row that cannot be a record (a row of `data` with the wrong number of values): an error on its line. */
class BadRow {
  constructor(readonly message: string) {}
}

/** Rows as records, a chunk's worth at a time. */
interface RowBatch {
  recs: unknown[];
  at: Position[];
  where: (FieldPosition | undefined)[];
}

interface RowsOptions {
  /** Only these columns are needed (the layout's). */
  only?: string[];
  /** The column whose value's position is the row's (the first prediction column). */
  lineColumn?: string;
}

export interface PandasReading {
  orient: PandasOrient;
  /** Keys to the object holding the frame ([] at the top). */
  path: string[];
  /** What was recognised, for the evidence. */
  evidence: string;
  /** Columns, when known before rows are read (for the sample size). */
  width?: number;
  /** Reads whatever the rows need first (split: all of "columns"). */
  prepare?(): Promise<void>;
  rows(o: RowsOptions): AsyncGenerator<RowBatch>;
  /** The columns' names for a headerless guess (orient 'values'). */
  unnamed?: { columns: string[]; line: number; column: number };
}

/** Arrays of values (split's "data", values' rows) as records by `names`; a row of another shape is a BadRow saying why. */
function namedRows(b: Batch, names: string[], misfit: (v: unknown) => string): RowBatch {
  const n = names.length;
  const out: RowBatch = { recs: [], at: [], where: [] };
  for (let j = 0; j < b.values.length; j++) {
    const v = b.values[j];
    const at = { line: b.lines[j]!, column: b.columns[j]! };
    let rec: unknown;
    if (!Array.isArray(v) || v.length !== n) {
      rec = new BadRow(misfit(v));
    } else {
      const r: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) r[names[i]!] = v[i];
      rec = r;
    }
    out.recs.push(rec);
    out.at.push(at);
    const fields = b.fields?.[j];
    out.where.push(fields && ((f: string) => fields.get(f) ?? at));
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

function quoteList(keys: string[], total: number): string {
  const shown = keys.slice(0, 3).map((k) => JSON.stringify(k));
  return total > shown.length ? `${shown.join(', ')}, ...` : shown.join(', ');
}

/**
 * Windowed reads for readers in lockstep, when the source can read ranges cheaply (not gzip: it
 * would decompress from the start for each): 1 MiB of windows in all, at least 16 KiB each.
 */
function lockstepWindow(source: ByteSource, readers: number): number | undefined {
  if (source.size === undefined) return undefined;
  return Math.max(16 << 10, Math.min(256 << 10, Math.floor((1 << 20) / Math.max(1, readers))));
}

/** Rows zipped from lockstep columns per batch: each row holds an object and a position per column. */
const ZIP_ROWS = 512;

/** orient='split': an object (at the top or one level down) with "columns" and "data" (rows as arrays), "index" optional. */
export function splitReadings(arrays: ArrayInfo[], source: ByteSource, maxTokenBytes: number): PandasReading[] {
  const out: PandasReading[] = [];
  const parents = new Map<string, ArrayInfo[]>();
  for (const a of arrays) {
    if (a.path.length === 0 || a.path.length > 2) continue;
    const p = a.path.slice(0, -1).join('\u0000');
    parents.set(p, [...(parents.get(p) ?? []), a]);
  }
  for (const group of parents.values()) {
    const named = (k: string): ArrayInfo | undefined => group.find((a) => a.path[a.path.length - 1] === k);
    const columns = named('columns');
    const data = named('data');
    if (columns === undefined || data === undefined || columns.count === 0) continue;
    if (!columns.sample.every((c) => typeof c === 'string' || typeof c === 'number')) continue;
    if (!data.sample.every((r) => Array.isArray(r))) continue;
    const index = named('index');
    const path = data.path.slice(0, -1);
    let names = columns.sample.map(String);
    const where = path.length === 0 ? '' : ` (in "${path.join('.')}")`;
    out.push({
      orient: 'split',
      path,
      width: columns.count,
      evidence:
        `pandas to_json, orient='split'${where}: "data" holds ${plural(data.count, 'row')} of the ${plural(columns.count, 'column')} named in "columns" (line ${columns.line})` +
        (index === undefined ? ', without an "index" (index=False)' : ', its "index" not read'),
      async prepare() {
        if (names.length === columns.count) return;
        // More names than pass 1 samples: read them all (one name per column).
        const all: string[] = [];
        for await (const b of containerElements(source, columns, { maxTokenBytes })) for (const v of b.values) all.push(String(v));
        names = all;
      },
      async *rows() {
        const n = names.length;
        for await (const b of containerElements(source, data, { maxTokenBytes, itemNames: names })) {
          yield namedRows(b, names, (v) =>
            !Array.isArray(v)
              ? `expected a row of "data" (an array of ${n} values, one per name in "columns"), found ${describe(v)}`
              : `this row of "data" has ${plural(v.length, 'value')}, but "columns" names ${plural(n, 'column')}`,
          );
        }
      },
    });
  }
  return out;
}

/** orient='values': a top-level array of arrays, no names; the columns are `column 1`, `column 2`, ... (as a headerless CSV's). */
export function valuesReading(arrays: ArrayInfo[], source: ByteSource, maxTokenBytes: number): PandasReading | undefined {
  const top = arrays.find((a) => a.path.length === 0);
  if (top === undefined || top.sample.length === 0 || !top.sample.every((r) => Array.isArray(r))) return undefined;
  if (top.sample.every((r) => labelScores(r) !== undefined)) {
    // Read as columns, each cell a {label, score} of a different class per row: refused whole.
    throw new FatalRead(
      top.line,
      top.column,
      `an array of lists of {"label", "score"} (transformers' pipeline(..., top_k=None) output), with no true label in the file: nothing to score against. ` +
        `Write one record per sample with its label beside the scores: json.dump([{"label": y, "scores": out} for y, out in zip(labels, outputs)], f); the scores are then matched to classes by label`,
    );
  }
  const n = (top.sample[0] as unknown[]).length;
  if (n === 0) return undefined;
  const names = headerlessColumns(n);
  return {
    orient: 'values',
    path: [],
    width: n,
    evidence: `pandas to_json, orient='values': an array of ${plural(top.count, 'row')} of ${n} values with no column names, named ${n > 2 ? `${names[0]} .. ${names[n - 1]}` : names.join(', ')} (as in ${columnFlag('label-column', 'column N')})`,
    unnamed: { columns: names, line: top.line, column: top.column },
    async *rows() {
      for await (const b of containerElements(source, top, { maxTokenBytes, itemNames: names })) {
        yield namedRows(b, names, (v) =>
          !Array.isArray(v)
            ? `expected a row (an array of ${n} values, as the first row), found ${describe(v)}`
            : `this row has ${plural(v.length, 'value')}, but the first row has ${n}`,
        );
      }
    },
  };
}

/**
 * orient='columns' and orient='index' (both an object of objects), in the order to try them:
 * the side whose keys are a row index's numbers, else the side that names a label column, else
 * the longer side, is the rows.
 */
export function frameReadings(scan: FrameScan, source: ByteSource, maxTokenBytes: number): PandasReading[] {
  if (!scan.isFrame) return [];
  const top = scan.top!;
  const maps = scan.maps;
  const first = maps[0]!;
  const byColumns = scan.overflow ? undefined : columnsReading(maps, source, maxTokenBytes);
  const byIndex: PandasReading = {
    orient: 'index',
    path: [],
    width: first.count,
    evidence: `pandas to_json, orient='index': ${plural(top.count, 'row')} keyed by the row index (${quoteList(maps.slice(0, 3).map((m) => m.key), top.count)}), each an object of the columns (${quoteList(scan.firstKeys, first.count)})`,
    async *rows() {
      for await (const b of containerElements(source, top, { maxTokenBytes })) {
        const out: RowBatch = { recs: b.values, at: [], where: [] };
        for (let j = 0; j < b.values.length; j++) {
          const at = { line: b.lines[j]!, column: b.columns[j]! };
          out.at.push(at);
          const fields = b.fields?.[j];
          out.where.push(fields && ((f: string) => fields.get(f) ?? at));
        }
        yield out;
      }
    },
  };
  let columnsFirst: boolean;
  if (scan.innerKeysIntegers !== scan.topKeysIntegers) columnsFirst = scan.innerKeysIntegers;
  else if (scan.topKeysNameLabels !== scan.firstMapNamesLabels) columnsFirst = scan.topKeysNameLabels;
  else columnsFirst = top.count <= first.count;
  if (byColumns === undefined) return [byIndex];
  return columnsFirst ? [byColumns, byIndex] : [byIndex, byColumns];
}

function columnsReading(maps: MapInfo[], source: ByteSource, maxTokenBytes: number): PandasReading {
  const first = maps[0]!;
  const byName = new Map(maps.map((m) => [m.key, m]));
  return {
    orient: 'columns',
    path: [],
    width: maps.length,
    evidence: `pandas to_json, orient='columns' (the default): ${plural(maps.length, 'column')}, each an object of ${plural(first.count, 'row')} keyed by the row index; rows paired by their keys`,
    async *rows(o: RowsOptions) {
      const cols: MapInfo[] = [first];
      for (const name of o.only ?? maps.map((m) => m.key)) {
        const m = byName.get(name);
        if (m === undefined) throw new FatalRead(first.line, first.column, `no column "${name}" in this frame (its columns: ${quoteList(maps.map((x) => x.key), maps.length)})`);
        if (!cols.includes(m)) cols.push(m);
      }
      const names = cols.map((c) => c.key);
      const window = lockstepWindow(source, cols.length);
      const its = cols.map((c) => containerElements(source, c, { maxTokenBytes, keys: true, window })[Symbol.asyncIterator]());
      const bufs: Batch[] = cols.map(() => ({ values: [], lines: [], columns: [], keys: [], keyLines: [], keyColumns: [] }));
      const pos = cols.map(() => 0);
      const lineCol = Math.max(0, o.lineColumn === undefined ? 0 : names.indexOf(o.lineColumn));
      let row = 0;
      /** Column i has ended: any other with a row left has a row the others do not. */
      const ended = async (i: number): Promise<void> => {
        for (let k = 0; k < cols.length; k++) {
          if (k === i) continue;
          let b = bufs[k]!;
          let p = pos[k]!;
          if (p >= b.values.length) {
            const next = await its[k]!.next();
            if (next.done) continue;
            b = next.value;
            p = 0;
          }
          throw new FatalRead(
            b.keyLines![p]!,
            b.keyColumns![p]!,
            `"${names[k]}" has a row "${b.keys![p]}" after ${plural(row, 'row')}, where "${names[i]}" has no more (line ${cols[i]!.endLine}): the columns hold different rows, so they cannot be paired`,
          );
        }
      };
      try {
        for (;;) {
          for (let i = 0; i < cols.length; i++) {
            if (pos[i]! >= bufs[i]!.values.length) {
              const next = await its[i]!.next();
              if (next.done) {
                await ended(i);
                return;
              }
              bufs[i] = next.value;
              pos[i] = 0;
            }
          }
          let m = ZIP_ROWS;
          for (let i = 0; i < cols.length; i++) m = Math.min(m, bufs[i]!.values.length - pos[i]!);
          const out: RowBatch = { recs: [], at: [], where: [] };
          const ref = bufs[0]!;
          let misaligned: FatalRead | undefined;
          rows: for (let j = 0; j < m; j++) {
            const key = ref.keys![pos[0]!]!;
            const rec: Record<string, unknown> = {};
            const at: Record<string, Position> = {};
            for (let i = 0; i < cols.length; i++) {
              const b = bufs[i]!;
              const p = pos[i]!++;
              if (i > 0 && b.keys![p] !== key) {
                misaligned = new FatalRead(
                  b.keyLines![p]!,
                  b.keyColumns![p]!,
                  `row key "${b.keys![p]}" in column "${names[i]}" where column "${names[0]}" has "${key}" (row ${row + 1}, line ${ref.keyLines![pos[0]! - 1]}): ` +
                    `the columns do not list the same rows in the same order (pandas writes every column with the index in one order), so their values cannot be paired`,
                );
                break rows;
              }
              rec[names[i]!] = b.values[p];
              at[names[i]!] = { line: b.lines[p]!, column: b.columns[p]! };
            }
            const here = at[names[lineCol]!]!;
            out.recs.push(rec);
            out.at.push(here);
            out.where.push((f: string) => at[f] ?? here);
            row++;
          }
          // The rows before a misaligned key are read; the read then ends there.
          if (out.recs.length > 0) yield out;
          if (misaligned !== undefined) throw misaligned;
        }
      } finally {
        await Promise.all(its.map((it) => it.return?.(undefined)));
      }
    },
  };
}

/** The columns a layout reads. */
function usedColumns(layout: Layout): string[] {
  const cols = [layout.labelColumn, ...(layout.targetColumns ?? []), ...layout.predictionColumns];
  for (const c of [layout.weightColumn, layout.hardPredictionColumn, layout.idColumn]) if (c !== undefined) cols.push(c);
  return [...new Set(cols)];
}

/** A frame of the given orient: a sample of rows for layout inference, then every row through the record processor. */
export async function readPandas(ctx: ReadContext, reading: PandasReading): Promise<Layout> {
  const opts = ctx.opts;
  await reading.prepare?.();
  let layout: Layout;
  if (opts.layout !== undefined) {
    layout = opts.layout;
  } else {
    const n = Math.min(opts.sampleRows ?? defaultSampleRows(reading.width ?? 1), ctx.limitRows);
    const recs: unknown[] = [];
    const lines: number[] = [];
    outer: for await (const b of reading.rows({})) {
      for (let j = 0; j < b.recs.length; j++) {
        if (b.recs[j] instanceof BadRow) continue;
        recs.push(b.recs[j]);
        lines.push(b.at[j]!.line);
        if (recs.length >= n) break outer;
      }
    }
    if (recs.length === 0) throw new LayoutError(`${reading.evidence}, but no rows to read`);
    const table = recordTable('json', recs, lines);
    let hints: HeaderlessGuess | undefined;
    const u = reading.unnamed;
    if (u !== undefined) {
      hints = headerlessHints(u.columns, table.rows, opts.overrides);
      if (hints.labelColumn === undefined && opts.overrides?.labelColumn === undefined) {
        throw new FatalRead(
          u.line,
          u.column,
          `an array of rows with no column names (pandas to_json, orient='values'), and which column holds the labels is unclear: ` +
            `name it with ${columnFlag('label-column', 'column N')} (and the scores with --pred-columns; the columns are ${u.columns.length > 2 ? `${u.columns[0]} .. ${u.columns[u.columns.length - 1]}` : u.columns.join(', ')}), ` +
            `or write the file with orient='records' or orient='split', which keep the names`,
        );
      }
      // The guess's evidence, in a JSON file's words (the headerless CSV's first sentence is this reading's).
      hints.evidence = hints.evidence.filter((e) => !e.startsWith('no header'));
      table.hints = hints;
    }
    layout = inferLayout(table, opts.overrides);
    const guessed = hints?.assumption;
    if (guessed !== undefined && opts.overrides?.labelColumn === undefined) layout.assumptions = [guessed, ...(layout.assumptions ?? [])];
  }
  layout.format = 'json';
  layout.jsonShape = pandasShape(reading.orient);
  layout.jsonPath = reading.path;
  if (opts.layout === undefined) layout.evidence.unshift(reading.evidence);
  const process = makeRecordProcessor(layout, ctx);
  for await (const b of reading.rows({ only: usedColumns(layout), lineColumn: layout.predictionColumns[0] })) {
    for (let j = 0; j < b.recs.length; j++) {
      if (ctx.full) return layout;
      const rec = b.recs[j];
      const at = b.at[j]!;
      if (rec instanceof BadRow) {
        ctx.rows++;
        ctx.bad(at.line, at.column, rec.message);
      } else {
        process(rec, at, b.where[j]);
      }
    }
    if (opts.signal?.aborted) throw new FatalRead(0, undefined, 'read cancelled');
  }
  return layout;
}
