/**
 * Reading a binary file's columns as samples: the layout is inferred from the first rows by the
 * same rules as text files (the columns' names say which is the label and which the scores),
 * then the rows stream block by block. Rows whose label is a class index go straight into the
 * evaluator's batch; the others (class names, weights, multi-label targets) go through the same
 * record checks as JSON, so every format reports the same problems the same way.
 *
 * Positions: a binary file has rows, not lines. A problem's `line` holds the 1-based row, and
 * the layout's format tells front ends to say "row" (isBinaryFormat).
 */
import { batchFor, type ReadContext } from '../parse/context';
import { inferLayout, LayoutError, type LayoutHints } from '../parse/layout';
import type { Cell } from '../parse/cells';
import { checkSortedOrder, sortedOrderContradicted } from '../parse/class-order';
import { makeRecordProcessor } from '../parse/records';
import type { ByteRange, FileFormat, Layout, LayoutOverrides } from '../parse/types';
import type { Categories } from './categories';
import type { ColumnarFile, ColumnBlock, ColumnInfo, NumericArray } from './types';

/** Rows inspected to infer the layout. */
const SAMPLE_ROWS = 256;

/** Names of a column of class names beside the data (`np.savez(..., class_names=names)`). */
const CLASS_NAME_COLUMNS = new Set(['class_names', 'classes', 'label_names', 'labels_names', 'target_names', 'id2label', 'names']);

/** The number of rows of the data: the rows of the vector columns (scores), else the most common count. */
function dataRows(columns: ColumnInfo[]): number {
  const readable = columns.filter((c) => c.kind !== 'unsupported');
  const vectors = readable.filter((c) => c.vector && c.kind === 'number');
  const pool = vectors.length > 0 ? vectors : readable;
  const counts = new Map<number, number>();
  for (const c of pool) counts.set(c.rows, (counts.get(c.rows) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [rows, n] of counts) {
    if (n > bestCount || (n === bestCount && rows > best)) {
      best = rows;
      bestCount = n;
    }
  }
  return best;
}

function columnText(c: ColumnInfo): string {
  return `${c.name} (${c.dtype}, shape (${c.shape.join(', ')}))`;
}

/** Row r of a block's column as a cell: a number, a list of numbers, or text. */
function cellAt(values: NumericArray | (string | null)[], c: ColumnInfo, r: number): Cell {
  if (c.kind === 'string') return (values as (string | null)[])[r] ?? null;
  const v = values as NumericArray;
  // An integer column's nulls (pandas' Int64, Arrow's validity bitmap) come as NaN, which no
  // integer is: a missing cell, said as one ("missing label"), not a number that is not finite.
  // A float column's NaN (pandas writes its missing values as nulls, read as NaN) is a missing
  // cell to the sample too: as a value it made class names of nothing (float labels with a NaN at
  // row 5: '0 class names () but 4 predictions per row'); the rows' reader then names the row.
  if (!c.vector) return Number.isNaN(v[r]) ? null : v[r];
  return Array.from(v.subarray(r * c.width, (r + 1) * c.width));
}

/** Reads the first rows and infers the layout (the table's format is the binary format's). */
async function inferColumnarLayout(file: ColumnarFile, format: FileFormat, overrides: LayoutOverrides): Promise<Layout> {
  const rows = dataRows(file.columns);
  const evidence: string[] = [`format: ${file.description}`];
  let classNames: string[] | undefined;
  const table: ColumnInfo[] = [];
  for (const c of file.columns) {
    if (c.kind === 'unsupported') {
      evidence.push(`${columnText(c)} left out: ${c.unsupported}`);
      continue;
    }
    if (c.rows !== rows) {
      if (c.kind === 'string' && !c.vector && CLASS_NAME_COLUMNS.has(c.name.toLowerCase())) {
        for await (const b of file.blocks([c.name], { start: 0, end: c.rows })) classNames = [...(classNames ?? []), ...(b.values.get(c.name) as (string | null)[]).map((s) => s ?? '')];
        evidence.push(`class names from ${c.name} (${c.rows} names)`);
      } else {
        evidence.push(`${columnText(c)} left out: ${c.rows} rows, not one per sample (${rows})`);
      }
      continue;
    }
    table.push(c);
  }
  if (table.length === 0) {
    const unsupported = file.columns.find((c) => c.kind === 'unsupported');
    throw new LayoutError(unsupported !== undefined ? `${unsupported.name} cannot be read: ${unsupported.unsupported}` : 'the file has no columns of numbers or text');
  }
  const n = Math.min(rows, SAMPLE_ROWS);
  const cells: Cell[][] = Array.from({ length: n }, () => new Array<Cell>(table.length));
  const names = table.map((c) => c.name);
  for await (const b of file.blocks(names, { start: 0, end: n })) {
    table.forEach((c, j) => {
      const values = b.values.get(c.name)!;
      for (let r = 0; r < b.size; r++) cells[b.start + r]![j] = cellAt(values, c, r);
    });
  }
  const onlyOne = table.length === 1 ? table[0] : undefined;
  if (onlyOne !== undefined && overrides.labelColumn === undefined) {
    // The other array was left out: its reason is the fix, not "no labels" (often it is the labels that remain).
    const left = file.columns.find((c) => c.kind === 'unsupported');
    if (left !== undefined) throw new LayoutError(`${columnText(left)} cannot be read: ${left.unsupported}`);
    throw new LayoutError(
      `the file holds one array, ${columnText(onlyOne)}, and no labels: ` +
        (format === 'npy' ? `pass the labels' file too (--labels labels.npy), or save both with np.savez(path, ${onlyOne.name}=..., labels=...)` : 'the labels are in another file?'),
    );
  }
  // A writer's names for a column of class indices (one such column: the label), when the file has no class names array.
  let classNamesFrom: string | undefined;
  const named = [...(file.labelNames ?? [])].filter(([column]) => names.includes(column));
  if (classNames === undefined && named.length === 1) {
    classNames = named[0]![1];
    classNamesFrom = `from the Hugging Face ClassLabel feature of ${named[0]![0]}`;
  }
  const hints = unnamedSavez(format, table, overrides);
  const sample = {
    format, columns: names, rows: cells, lines: Array.from({ length: n }, (_, i) => i + 1), ...(classNames ? { classNames } : {}), ...(classNamesFrom ? { classNamesFrom } : {}), ...(hints ? { hints } : {}),
  };
  const left = file.columns.filter((c) => c.kind === 'unsupported');
  // A pandas Categorical's categories (a polars Enum's values) are its classes in the writer's order
  // (categories=id2label), when it is the label and names as many classes as there are scores; else the rows decide.
  // Sorted categories say no more than the labels do: astype('category') sorts them whatever the
  // scores' order (the scores in id2label order were read at 2.308 where torch gives 0.428), so the
  // rows decide then, as for plain text labels; and the rows may still contradict an unsorted order.
  const categorical = [...(file.categories ?? [])].filter(([column]) => names.includes(column));
  let layout: Layout | undefined;
  if (classNames === undefined && overrides.classNames === undefined && categorical.length === 1) {
    const [column, categories] = categorical[0]!;
    const sorted = [...categories.names].sort();
    let taken: Layout | undefined;
    try {
      if (categories.names.some((x, i) => x !== sorted[i])) taken = inferLayout({ ...sample, classNames: categories.names, classNamesFrom: categories.from }, overrides);
    } catch (e) {
      if (!(e instanceof LayoutError)) throw e;
    }
    if (taken?.labelColumn === column) {
      refuseContradictedCategories(taken, categories, names, cells);
      layout = taken;
    }
  }
  layout ??= inferWithLeftOut(sample, overrides, left);
  // Inference speaks of lines (1-based, as the sample table numbers its rows); a binary file has rows, from 0.
  const rowsNotLines = (text: string) => text.replace(/\bline (\d+)/g, (_, n: string) => `row ${Number(n) - 1}`);
  layout.evidence = [...evidence, ...layout.evidence.map(rowsNotLines)];
  for (const a of layout.assumptions ?? []) a.text = rowsNotLines(a.text);
  if (file.seekable) layout.splitRows = rows;
  if (file.seekable && file.splitPoints !== undefined) layout.splitPoints = file.splitPoints;
  const used = [layout.labelColumn, ...(layout.targetColumns ?? []), ...layout.predictionColumns, ...(layout.weightColumn ? [layout.weightColumn] : [])];
  const counts = used.map((u) => table.find((c) => c.name === u)!).filter((c) => c !== undefined);
  const preds = counts.find((c) => c.name === layout.predictionColumns[0]);
  // bfloat16 keeps 8 bits of mantissa: a softmax row's sum strays from 1 by up to ~0.4% per value.
  if (layout.rowSumTolerance !== undefined && preds?.dtype.toUpperCase() === 'BF16') layout.rowSumTolerance = Math.max(layout.rowSumTolerance, 0.01);
  return layout;
}

/**
 * `np.savez(path, logits, labels)` names its arrays arr_0, arr_1: when they are one array of
 * integers, one value a row, beside one of floats, K a row, the shapes say which is which (the
 * labels' values are still checked against the K classes). Anything else is left to the names and
 * --label-column.
 */
function unnamedSavez(format: FileFormat, table: ColumnInfo[], overrides: LayoutOverrides): LayoutHints | undefined {
  if (format !== 'npz' || table.length !== 2 || !table.every((c) => /^arr_\d+$/.test(c.name) && c.kind === 'number' && c.perToken !== true)) return undefined;
  if (overrides.labelColumn !== undefined || overrides.predColumns !== undefined) return undefined;
  const labels = table.find((c) => !c.vector && /^[<>|=]?[iu]\d$/.test(c.dtype));
  const scores = table.find((c) => c.vector && /^[<>|=]?f\d$/.test(c.dtype));
  if (labels === undefined || scores === undefined) return undefined;
  return {
    labelColumn: labels.name,
    predColumns: [scores.name],
    evidence: [`unnamed arrays (np.savez(path, a, b) names them arr_0, arr_1): ${columnText(labels)}, integers one a row, read as the labels of ${columnText(scores)}`],
  };
}

/** A layout whose class order is a label column's categories, refused when the sampled rows' highest scores clearly follow another order. */
function refuseContradictedCategories(layout: Layout, categories: Categories, names: string[], cells: Cell[][]): void {
  if (layout.kind !== 'ce') return;
  const order = categories.names;
  const label = names.indexOf(layout.labelColumn);
  const preds = layout.predictionColumns.map((c) => names.indexOf(c));
  const one = preds.length === 1 ? preds[0]! : -1;
  const check = checkSortedOrder(
    order,
    cells.map((r) => {
      const i = typeof r[label] === 'string' ? order.indexOf(r[label]) : -1;
      return i < 0 ? undefined : i;
    }),
    cells.map((r) => (one >= 0 && Array.isArray(r[one]) ? (r[one] as number[]) : preds.map((i) => (typeof r[i] === 'number' ? r[i] : Number.NaN)))),
  );
  if (!sortedOrderContradicted(check)) return;
  throw new LayoutError(
    `the class order taken from ${categories.from} (${order.join(', ')}) is not the scores' order: in it the highest score is the label on ${check.sortedAgree} of ${check.rows} of the first rows; in the order ${check.bestOrder.join(', ')} on ${check.bestAgree}. ` +
      `Give the class names in the scores' column order (the model's config.json id2label) with --class-names ${check.bestOrder.join(',')}, or write the labels with that order (pd.Categorical(labels, categories=id2label), pl.Enum(id2label))`,
  );
}

/** inferLayout; when it fails, the arrays left out come first: the missing column is most often one of them. */
function inferWithLeftOut(sample: Parameters<typeof inferLayout>[0], overrides: LayoutOverrides, left: ColumnInfo[]): Layout {
  try {
    return inferLayout(sample, overrides);
  } catch (e) {
    if (!(e instanceof LayoutError) || left.length === 0) throw e;
    const why = left.map((c) => `${columnText(c)} cannot be read: ${c.unsupported}`).join('; ');
    const err = new LayoutError(`${why}. Without it: ${e.message}`, e.line);
    err.columns = e.columns;
    throw err;
  }
}

/** The columns a layout reads. */
function usedColumns(layout: Layout): string[] {
  const out = [...layout.predictionColumns];
  if (layout.targetColumns !== undefined) out.push(...layout.targetColumns);
  else out.push(layout.labelColumn);
  if (layout.weightColumn !== undefined) out.push(layout.weightColumn);
  if (layout.hardPredictionColumn !== undefined) out.push(layout.hardPredictionColumn);
  if (layout.idColumn !== undefined) out.push(layout.idColumn);
  return [...new Set(out)];
}

/**
 * Reads rows `range` (all when unset) of a columnar file into the context's batch or handler.
 * Returns the layout (inferred unless given).
 */
export async function readColumnar(
  file: ColumnarFile, format: FileFormat, ctx: ReadContext, layoutGiven: Layout | undefined, range: ByteRange | undefined, overrides: LayoutOverrides,
): Promise<Layout> {
  const opts = ctx.opts;
  const layout = layoutGiven ?? (await inferColumnarLayout(file, format, overrides));
  if (opts.layoutOnly === true) return layout;
  const names = usedColumns(layout);
  const infos = names.map((n) => {
    const c = file.columns.find((x) => x.name === n);
    if (c === undefined) throw new LayoutError(`there is no column ${JSON.stringify(n)} (there are: ${file.columns.map((x) => x.name).join(', ')})`);
    return c;
  });
  const rows = Math.min(...infos.map((c) => c.rows));
  const longer = infos.find((c) => c.rows !== rows);
  if (longer !== undefined) {
    const shorter = infos.find((c) => c.rows === rows)!;
    throw new LayoutError(`${shorter.name} has ${shorter.rows} rows and ${longer.name} ${longer.rows}: one row per sample in each (were they saved from different splits?)`);
  }
  const start = Math.max(0, range?.start ?? 0);
  const end = Math.min(rows, range?.end ?? rows, ctx.limitRows === Number.POSITIVE_INFINITY ? rows : start + ctx.limitRows);
  const process = makeRecordProcessor(layout, ctx);
  const batch = batchFor(layout, ctx);
  const K = layout.numClasses;
  const probs = layout.input === 'probs';
  const bce = layout.kind === 'bce';
  const record: Record<string, Cell> = {};
  const bytesPerRow = infos.reduce((a, c) => a + c.width * (c.kind === 'number' ? 4 : 8), 0);
  // One class-per-column block interleaved into rows, reused block after block.
  const interleaved = { rows: new Float64Array(0) };
  for await (const b of file.blocks(names, { start, end }, undefined, opts.signal)) {
    const labels = batch !== undefined ? (b.values.get(layout.labelColumn) as NumericArray | undefined) : undefined;
    const fast = labels !== undefined && typeof labels[0] === 'number';
    const scores = fast ? predictionsOf(b, layout, interleaved) : undefined;
    let r = 0;
    while (r < b.size) {
      if (fast && !ctx.failed && scores !== undefined) {
        // Runs of rows with a class index and K finite scores (probabilities in [0, 1]) go into the
        // batch in bulk (typed-array copies); a row that fails goes the record way, which says why.
        const into = batch!;
        const i0 = into.size;
        const n = validRun(labels, scores, r, Math.min(b.size, r + into.capacity - i0), K, bce, probs) - r;
        if (n > 0) {
          into.labels.set(labels.subarray(r, r + n), i0);
          into.preds.set(scores.subarray(r * K, (r + n) * K), i0 * K);
          for (let i = 0; i < n; i++) {
            const row = b.start + r + i - start;
            into.rows[i0 + i] = row;
            into.lines[i0 + i] = row + 1;
          }
          into.size = i0 + n;
          ctx.valid += n;
          ctx.rows += n;
          r += n;
          if (into.size === into.capacity) ctx.batch!.flush();
          continue;
        }
      }
      // Rows and their positions relative to the range, as a text range read counts them.
      const row = b.start + r - start;
      for (let j = 0; j < names.length; j++) record[names[j]!] = cellAt(b.values.get(names[j]!)!, infos[j]!, r);
      process(record, { line: row + 1, column: 0 });
      r++;
    }
    ctx.progress(b.size * bytesPerRow);
  }
  // Each row counts as a line, so a range's rows offset the next range's positions as lines do.
  ctx.newlines = ctx.rows;
  return layout;
}

/** The end of the run of rows from `from` (before `to`) that a batch takes as they are. */
function validRun(labels: NumericArray, scores: NumericArray, from: number, to: number, K: number, bce: boolean, probs: boolean): number {
  for (let r = from; r < to; r++) {
    const y = labels[r]!;
    if (bce ? !(y >= 0 && y <= 1) : !(y >= 0 && y < K && Number.isInteger(y))) return r;
    for (let o = r * K, e = o + K; o < e; o++) {
      const v = scores[o]!;
      if (probs ? !(v >= 0 && v <= 1) : v - v !== 0) return r;
    }
  }
  return to;
}

/** The block's scores as K values per row: the vector column itself, or the K columns interleaved. */
function predictionsOf(b: ColumnBlock, layout: Layout, scratch: { rows: Float64Array }): NumericArray | undefined {
  const K = layout.numClasses;
  if (layout.predictionIsVector) return b.values.get(layout.predictionColumns[0]!) as NumericArray;
  const cols = layout.predictionColumns.map((c) => b.values.get(c) as NumericArray);
  if (cols.length === 1) return cols[0];
  if (scratch.rows.length < b.size * K) scratch.rows = new Float64Array(b.size * K);
  const out = scratch.rows.subarray(0, b.size * K);
  for (let k = 0; k < K; k++) {
    const col = cols[k]!;
    for (let r = 0; r < b.size; r++) out[r * K + k] = col[r]!;
  }
  return out;
}
