/**
 * JSON files: an array of records, or parallel columns (`{"labels": [...], "logits": [[...]]}`),
 * at the top or one object down (`{"eval": {...}}`, `{"results": [...]}`), or a pandas frame as
 * `DataFrame.to_json` writes it in any orient (json-pandas.ts).
 *
 * Constant memory, in two passes. Pass 1 streams the whole document through the tokenizer and
 * keeps only: where each candidate array starts and ends (byte offsets, line, column), how many
 * elements it has, its first few elements (for layout inference), and a class-names field. Pass
 * 2 re-reads just the chosen arrays by byte range: one reader for a records array; for columns,
 * one reader per column, advanced in lockstep, each holding at most a chunk's worth of elements.
 * Why not one pass: the columns come one after the other, so pairing label i with prediction i in
 * one pass needs the whole first column in memory (N numbers for labels is fine, N x K for logits
 * is not). Why not a temp file: the core has no file system. The cost is reading the bytes twice
 * (three times for columns); a gzip source decompresses from the start for each range, so a
 * compressed columnar file is decompressed three times: still constant memory, just slower.
 * Measured: a 160 MB columnar file (2 M rows x 10 logits) reads at ~34 MB/s of file (both passes
 * included) and completes with the V8 heap capped at 64 MB (--max-old-space-size=64).
 */
import { FatalRead, type ReadContext } from './context';
import { JsonSyntaxError, JsonTokenizer, ValueBuilder, type JsonHandler, type JsonScalar } from './json';
import { FrameScan, frameReadings, integerLike, pandasShape, readPandas, splitReadings, valuesReading, type ArrayInfo, type PandasReading } from './json-pandas';
import { containerElements, type Batch } from './json-stream';
import { normName, type Cell } from './cells';
import { inferLayout, LABEL_NAMES, LayoutError, PRED_NAMES } from './layout';
import { makeRecordProcessor, recordTable, type Position } from './records';
import type { ByteSource, Layout } from './types';

const DEFAULT_SAMPLE_ROWS = 256;
const CLASS_FIELDS = ['classes', 'class_names', 'classnames', 'label_names', 'labelnames', 'id2label', 'target_names', 'categories'];
const RECORD_KEYS = ['results', 'predictions', 'records', 'data', 'samples', 'rows', 'examples', 'items', 'outputs'];
/**
 * Arrays kept per object, and objects one level down whose arrays are kept: an object of many
 * arrays is no set of parallel columns (a pandas frame's column of lists, `{"logits": {"0": [...],
 * ...}}`; its rows, `{"0": {"logits": [...]}, ...}`), and each array kept holds a sample.
 */
const MAX_GROUP_ARRAYS = 4096;
const MAX_NESTED_GROUPS = 64;

interface Frame {
  info?: ArrayInfo;
  /** Keys leading here (objects whose keys we follow). */
  path?: string[];
  /** Objects whose keys we follow: arrays found directly in them so far. */
  arrays?: number;
  /** More arrays than MAX_GROUP_ARRAYS (or too many such objects): none of its arrays is a candidate. */
  capped?: boolean;
}

/** Pass 1: finds arrays at the top or under one or two keys, samples them, and reads class names. */
class Discovery implements JsonHandler {
  arrays: ArrayInfo[] = [];
  classNames?: string[];
  classNamesAt?: Position;
  private frames: Frame[] = [];
  /** Objects one level down seen so far. */
  private nested = 0;
  private readonly owners = new Map<ArrayInfo, Frame>();
  private readonly classFieldKeys = new Map<string, boolean>();
  private pendingKey?: string;
  private builder?: ValueBuilder;
  private builderDepth = 0;

  constructor(
    private readonly t: JsonTokenizer,
    private readonly sampleRows: number,
  ) {}

  private capture(done: (v: unknown) => void): void {
    this.builder = new ValueBuilder((v) => {
      this.builder = undefined;
      done(v);
    });
  }

  private start(isArray: boolean): void {
    if (this.builder !== undefined) {
      this.builderDepth++;
      if (isArray) this.builder.startArray();
      else this.builder.startObject();
      return;
    }
    const parent = this.frames[this.frames.length - 1];
    const key = this.pendingKey;
    this.pendingKey = undefined;
    const at = { line: this.t.tokenLine, column: this.t.tokenColumn };
    if (parent?.info !== undefined) {
      const info = parent.info;
      if (info.sample.length < this.sampleRows) {
        this.builderDepth = 1;
        this.capture((v) => {
          info.sample.push(v);
          info.sampleAt.push(at);
          info.count++;
        });
        if (isArray) this.builder!.startArray();
        else this.builder!.startObject();
        return;
      }
      this.frames.push({});
      return;
    }
    if (parent !== undefined && parent.path === undefined) {
      this.frames.push({});
      return;
    }
    const path = parent === undefined ? [] : [...parent.path!, key!];
    if (key !== undefined && path.length <= 2 && this.isClassField(key)) {
      this.builderDepth = 1;
      this.capture((v) => this.setClassNames(v, at));
      if (isArray) this.builder!.startArray();
      else this.builder!.startObject();
      return;
    }
    if (isArray && path.length <= 2) {
      if (parent !== undefined && !this.admit(parent)) {
        this.frames.push({});
        return;
      }
      const info: ArrayInfo = { path, start: this.t.tokenOffset, end: -1, line: at.line, column: at.column, count: 0, sample: [], sampleAt: [] };
      this.arrays.push(info);
      if (parent !== undefined) this.owners.set(info, parent);
      this.frames.push({ info });
      return;
    }
    if (!isArray && path.length <= 1) {
      // Objects one level down past MAX_NESTED_GROUPS: their keys are still followed (class names), their arrays not kept.
      this.frames.push(path.length === 1 && ++this.nested > MAX_NESTED_GROUPS ? { path, capped: true } : { path });
      return;
    }
    this.frames.push({});
  }

  /** A key naming class names; remembered, as the keys of a frame's rows repeat (orient='index'). */
  private isClassField(key: string): boolean {
    if (integerLike(key)) return false;
    let is = this.classFieldKeys.get(key);
    if (is === undefined) {
      is = CLASS_FIELDS.includes(normName(key));
      if (this.classFieldKeys.size < 4096) this.classFieldKeys.set(key, is);
    }
    return is;
  }

  /** One more array directly in this object: kept unless the object holds too many (then none of them is). */
  private admit(owner: Frame): boolean {
    if (owner.capped) return false;
    owner.arrays = (owner.arrays ?? 0) + 1;
    if (owner.arrays <= MAX_GROUP_ARRAYS) return true;
    owner.capped = true;
    this.arrays = this.arrays.filter((a) => this.owners.get(a) !== owner);
    for (const [a, o] of this.owners) if (o === owner) this.owners.delete(a);
    return false;
  }

  private setClassNames(v: unknown, at: Position): void {
    if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) {
      this.classNames = v.map(String);
      this.classNamesAt = at;
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      // id2label: {"0": "cat", "1": "dog"}
      const entries = Object.entries(v as Record<string, unknown>);
      const names: string[] = [];
      for (const [k, name] of entries) {
        const i = Number(k);
        if (!Number.isInteger(i) || i < 0 || i >= entries.length || typeof name !== 'string') return;
        names[i] = name;
      }
      if (names.length === entries.length) {
        this.classNames = names;
        this.classNamesAt = at;
      }
    }
  }

  private finish(isArray: boolean): void {
    if (this.builder !== undefined) {
      this.builderDepth--;
      this.builder.end();
      return;
    }
    const frame = this.frames.pop()!;
    if (frame.info !== undefined) frame.info.end = this.t.tokenEnd;
    const parent = this.frames[this.frames.length - 1];
    if (parent?.info !== undefined) parent.info.count++;
    void isArray;
  }

  startObject(): void {
    this.start(false);
  }
  startArray(): void {
    this.start(true);
  }
  endObject(): void {
    this.finish(false);
  }
  endArray(): void {
    this.finish(true);
  }
  key(name: string): void {
    if (this.builder !== undefined) this.builder.key(name);
    else this.pendingKey = name;
  }
  value(v: JsonScalar): void {
    if (this.builder !== undefined) {
      this.builder.value(v);
      return;
    }
    const key = this.pendingKey;
    this.pendingKey = undefined;
    const parent = this.frames[this.frames.length - 1];
    if (parent?.info !== undefined) {
      const info = parent.info;
      if (info.sample.length < this.sampleRows) {
        info.sample.push(v);
        info.sampleAt.push({ line: this.t.tokenLine, column: this.t.tokenColumn });
      }
      info.count++;
    } else if (parent?.path !== undefined && key !== undefined && typeof v === 'string' && this.isClassField(key)) {
      // classes written as one string: "cat,dog" or "cat dog"
      this.classNames = v.split(/[,;|\s]+/).filter((x) => x !== '');
      this.classNamesAt = { line: this.t.tokenLine, column: this.t.tokenColumn };
    }
  }
}

function pathText(path: string[]): string {
  return path.length === 0 ? 'the top-level array' : `"${path.join('.')}"`;
}

export async function readJson(source: ByteSource, ctx: ReadContext): Promise<Layout> {
  const opts = ctx.opts;
  if (opts.range !== undefined) throw new FatalRead(0, undefined, 'JSON files cannot be read by byte ranges (use JSONL to split a file)');
  const maxTokenBytes = opts.maxRowBytes ?? 16 * 1024 * 1024;
  const sampleRows = opts.sampleRows ?? DEFAULT_SAMPLE_ROWS;
  let discovery: Discovery | undefined;
  let scan: FrameScan | undefined;
  let t: JsonTokenizer | undefined;
  const start = (firstOffset: number, frame: boolean): JsonTokenizer => {
    // A document that opens with '[' is no object of objects: its pass 1 is discovery's alone.
    const handler: JsonHandler = frame
      ? {
          startObject: () => {
            scan!.startObject();
            discovery!.startObject();
          },
          endObject: () => {
            scan!.endObject();
            discovery!.endObject();
          },
          startArray: () => {
            scan!.startArray();
            discovery!.startArray();
          },
          endArray: () => discovery!.endArray(),
          key: (k) => {
            scan!.key(k);
            discovery!.key(k);
          },
          value: (v) => {
            scan!.value();
            discovery!.value(v);
          },
        }
      : {
          startObject: () => discovery!.startObject(),
          endObject: () => discovery!.endObject(),
          startArray: () => discovery!.startArray(),
          endArray: () => discovery!.endArray(),
          key: (k) => discovery!.key(k),
          value: (v) => discovery!.value(v),
        };
    // A BOM is skipped, not removed: offsets stay those of the file for pass 2's ranges.
    const tok = new JsonTokenizer(handler, { maxTokenBytes, firstOffset });
    discovery = new Discovery(tok, sampleRows);
    scan = new FrameScan(tok);
    return tok;
  };
  for await (let chunk of source.chunks()) {
    ctx.progress(chunk.length);
    if (t === undefined) {
      const bom = chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
      if (bom) chunk = chunk.subarray(3);
      let i = 0;
      while (i < chunk.length && (chunk[i] === 32 || chunk[i] === 9 || chunk[i] === 10 || chunk[i] === 13)) i++;
      t = start(bom ? 3 : 0, chunk[i] !== 91 /* [ */);
    }
    t.push(chunk);
  }
  if (t === undefined) throw new FatalRead(0, undefined, 'the file is empty');
  t.end();
  const d = discovery!;
  ctx.bytesRead = 0; // pass 2 counts the bytes that matter again

  const records = d.arrays.filter((a) => a.sample.length > 0 && a.sample.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x)));
  const recordOrder = (a: ArrayInfo): number => (a.path.length === 0 ? -1 : RECORD_KEYS.indexOf(normName(a.path[a.path.length - 1]!)) + 1 || 99);
  records.sort((a, b) => recordOrder(a) - recordOrder(b));
  const columns = d.arrays.filter((a) => !records.includes(a) && a.path.length > 0);
  const groups = new Map<string, ArrayInfo[]>();
  for (const a of columns) {
    const parent = a.path.slice(0, -1).join('\u0000');
    groups.set(parent, [...(groups.get(parent) ?? []), a]);
  }
  const hasLabel = (g: ArrayInfo[]): boolean => g.some((a) => LABEL_NAMES.includes(normName(a.path[a.path.length - 1]!)));
  // Arrays keyed 0, 1, 2, ... are rows (a pandas column of lists, {"logits": {"0": [...], ...}}), not named columns.
  const rowKeyed = (g: ArrayInfo[]): boolean => g.every((a) => integerLike(a.path[a.path.length - 1]!));
  const columnGroups = [...groups.values()]
    .filter((g) => g.length >= 2 && !rowKeyed(g))
    .sort((a, b) => Number(hasLabel(b)) - Number(hasLabel(a)) || b.length - a.length);

  // pandas' orients: 'split' by its keys, 'values' (no names) last. An object of objects is read
  // as orient 'columns' or 'index' before parallel arrays one level down, unless it could be
  // parallel arrays under a few keys ({"test": {"loss": 0.3, "labels": [...], "probs": [...]}},
  // {"val": {...}, "test": {...}}, cross-validation folds {"0": {...}, "1": {...}}): one entry, or
  // rows (orient 'index') fewer than the entries of a group of arrays in one of them.
  const split = splitReadings(d.arrays, source, maxTokenBytes);
  const frames = frameReadings(scan!, source, maxTokenBytes);
  const values = valuesReading(d.arrays, source, maxTokenBytes);
  const entries = scan!.top?.count ?? 0;
  const nestedRows = Math.max(0, ...columnGroups.filter((g) => g[0]!.path.length === 2).map((g) => Math.min(...g.map((a) => a.count))));
  const framesFirst = frames.length > 0 && entries > 1 && (frames[0]!.orient === 'columns' || nestedRows < entries);
  const pandas = (list: PandasReading[]): (() => Promise<Layout>)[] =>
    list
      .filter((r) => opts.layout === undefined || opts.layout.jsonShape === pandasShape(r.orient))
      .map((r) => () => readPandas(ctx, r));
  const pinned = opts.layout?.jsonShape?.startsWith('pandas-') === true;
  const attempts: (() => Promise<Layout>)[] = [...pandas(split)];
  if (!pinned) {
    if (records[0] !== undefined) attempts.push(() => readRecordsArray(source, ctx, records[0]!, d, maxTokenBytes));
    if (framesFirst) attempts.push(...pandas(frames));
    for (const g of columnGroups) attempts.push(() => readColumns(source, ctx, g, d, maxTokenBytes));
    if (!framesFirst) attempts.push(...pandas(frames));
  } else {
    attempts.push(...pandas(frames));
  }
  attempts.push(...pandas(values ? [values] : []));
  if (attempts.length === 0) {
    throw new FatalRead(
      1,
      1,
      'no predictions found: expected an array of records ([{"label": 1, "probs": [...]}, ...]) or parallel arrays ({"labels": [...], "logits": [...]}), ' +
        "at the top or one level down, or a pandas DataFrame.to_json file (orient 'columns', 'split', 'index', 'records', 'table' or 'values')",
    );
  }
  let firstError: LayoutError | undefined;
  for (const attempt of attempts) {
    try {
      return await attempt();
    } catch (e) {
      // A layout that does not fit: try the next candidate; report the first one's reason.
      if (!(e instanceof LayoutError)) throw e;
      firstError ??= e;
    }
  }
  // Its fields go with it: Choose Columns... offers them.
  throw new FatalRead(firstError!.line || 1, undefined, firstError!.message, firstError!.columns);
}

async function readRecordsArray(source: ByteSource, ctx: ReadContext, info: ArrayInfo, d: Discovery, maxTokenBytes: number): Promise<Layout> {
  const opts = ctx.opts;
  const layout =
    opts.layout ?? inferLayout(recordTable('json', info.sample, info.sampleAt.map((p) => p.line), d.classNames), opts.overrides);
  layout.format = 'json';
  layout.jsonShape = 'records';
  layout.jsonPath = info.path;
  if (opts.layout === undefined) layout.evidence.unshift(`records: ${pathText(info.path)} holds ${info.count} objects (line ${info.line})`);
  const process = makeRecordProcessor(layout, ctx);
  for await (const batch of containerElements(source, info, { maxTokenBytes })) {
    for (let j = 0; j < batch.values.length; j++) {
      if (ctx.full) return layout;
      const at = { line: batch.lines[j]!, column: batch.columns[j]! };
      const fields = batch.fields?.[j];
      process(batch.values[j], at, fields && ((field) => fields.get(field) ?? at));
    }
    if (opts.signal?.aborted) throw new FatalRead(0, undefined, 'read cancelled');
  }
  return layout;
}

async function readColumns(source: ByteSource, ctx: ReadContext, group: ArrayInfo[], d: Discovery, maxTokenBytes: number): Promise<Layout> {
  const opts = ctx.opts;
  const name = (a: ArrayInfo): string => a.path[a.path.length - 1]!;
  const byName = new Map(group.map((a) => [name(a), a]));
  const n = Math.min(...group.map((a) => a.sample.length));
  const predLike = group.find((a) => PRED_NAMES.includes(normName(name(a)))) ?? group[0]!;
  const rows: Cell[][] = [];
  for (let r = 0; r < n; r++) rows.push(group.map((a) => a.sample[r]));
  const table = {
    format: 'json' as const,
    columns: group.map(name),
    rows,
    lines: predLike.sampleAt.slice(0, n).map((p) => p.line),
    ...(d.classNames !== undefined ? { classNames: d.classNames } : {}),
  };
  const layout = opts.layout ?? inferLayout(table, opts.overrides);
  layout.format = 'json';
  layout.jsonShape = 'columns';
  layout.jsonPath = group[0]!.path.slice(0, -1);
  const used = [layout.labelColumn, ...(layout.targetColumns ?? []), ...layout.predictionColumns, ...(layout.weightColumn !== undefined ? [layout.weightColumn] : [])];
  const cols = [...new Set(used)].map((c) => byName.get(c)!);
  const count = cols[0]!.count;
  for (const c of cols) {
    if (c.count !== count) {
      throw new FatalRead(c.line, c.column, `"${name(c)}" has ${c.count} entries but "${name(cols[0]!)}" has ${count}: parallel arrays must have the same length`);
    }
  }
  if (opts.layout === undefined) {
    layout.evidence.unshift(
      `columns: parallel arrays ${cols.map((c) => `"${c.path.join('.')}"`).join(', ')} of ${count} entries each`,
    );
  }
  const process = makeRecordProcessor(layout, ctx);
  // Lockstep: each column's reader hands over a batch; a row is made when every column has one.
  const its = cols.map((c) => containerElements(source, c, { maxTokenBytes })[Symbol.asyncIterator]());
  const bufs: Batch[] = cols.map(() => ({ values: [], lines: [], columns: [] }));
  const pos = cols.map(() => 0);
  const names = cols.map(name);
  const predCol = Math.max(0, names.indexOf(layout.predictionColumns[0]!));
  const where = (field: string): Position => {
    const i = Math.max(0, names.indexOf(field));
    const j = pos[i]! - 1;
    return { line: bufs[i]!.lines[j]!, column: bufs[i]!.columns[j]! };
  };
  try {
    for (;;) {
      for (let i = 0; i < cols.length; i++) {
        if (pos[i]! >= bufs[i]!.values.length) {
          const next = await its[i]!.next();
          if (next.done) return layout;
          bufs[i] = next.value;
          pos[i] = 0;
        }
      }
      let m = Infinity;
      for (let i = 0; i < cols.length; i++) m = Math.min(m, bufs[i]!.values.length - pos[i]!);
      for (let j = 0; j < m; j++) {
        if (ctx.full) return layout;
        const rec: Record<string, unknown> = {};
        for (let i = 0; i < cols.length; i++) rec[names[i]!] = bufs[i]!.values[pos[i]!++];
        // The row's line: where its prediction sits (the label column is often on one line).
        const pb = bufs[predCol]!;
        const pj = pos[predCol]! - 1;
        process(rec, { line: pb.lines[pj]!, column: pb.columns[pj]! }, where);
      }
      if (opts.signal?.aborted) throw new FatalRead(0, undefined, 'read cancelled');
    }
  } finally {
    await Promise.all(its.map((it) => it.return?.(undefined)));
  }
}

export { JsonSyntaxError };
