/**
 * A data set of several files read as one (shards: one file per rank of a distributed evaluation,
 * `part-*.jsonl`, `shard_*.npz`): every file is read with its own layout, which must agree with the
 * first file's on what the loss is made of (kind, input, class names, the columns used), and the
 * files' pieces are units of work that threads claim from one counter, as the pieces of one file
 * are (analyze.ts, analyzeShare). Each thread fills one accumulator over all the units it reads.
 *
 * Rows are counted over the files in their order: a worst sample's row decides ties as in one
 * file holding all the rows, and is then said as its file's own row with the file's name.
 *
 * A `ShardPart` is what a set of files adds up to (the accumulator state, the files and their rows,
 * the first problems): parts merge into the report one read of all their files gives, which is
 * what state files carry between machines (state-file.ts). Pure: files are opened by the caller.
 */
import { accumulatorConfig, AnalysisError, hardAgreementWarning, inferFileLayout, lossOptionsFor, pieceReader, readingOverrides, shiftTopK, type Analysis, type AnalysisRequest } from './analyze';
import { foundBesideEvidence } from './columnar/pairing';
import { createAccumulator, type AccumulatorState, type TopKState, type WorstSample } from './breakdown';
import { inferLayout, LayoutError, MAX_LISTED_PROBLEMS, planRanges, readSamples, type ByteRange, type ByteSource, type FileFormat, type Layout, type LayoutOverrides, type Problem, type ReadResult, type SampleTable, type SampleTap } from './parse';
import { checkSortedOrder, sortedOrderContradicted } from './parse/class-order';
import { classNamesFlag } from './parse/flags';

/** One file of a data set, as the report lists it. */
export interface ShardFile {
  name: string;
  format: FileFormat;
  /** Data rows (valid and skipped). */
  rows: number;
  skipped: number;
  bytesRead: number;
}

const collator = new Intl.Collator('en', { numeric: true });

/** Natural order of names: `shard_2` before `shard_10`; names equal to the collator by code points. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A file's name family: its name with each run of digits made one mark (`rank#.jsonl`, `part-#-of-#.parquet`). */
export function nameFamily(name: string): string {
  return name.replace(/\d+/g, '#');
}

/** Files of its name read beside one: enough to find one that settles, few enough to stay quick in a folder of a thousand ranks. */
export const MAX_BESIDE = 16;

/**
 * The names among `names` (a folder's, that Loss Lens reads) of `own`'s family, it among them, in
 * natural order: the MAX_BESIDE nearest to it; none when it has no numbers or is alone of its name.
 */
export function besideNames(own: string, names: readonly string[]): string[] {
  const family = nameFamily(own);
  if (family === own) return [];
  const kin = [...new Set(names)].filter((n) => nameFamily(n) === family).sort(naturalCompare);
  const at = kin.indexOf(own);
  if (at < 0 || kin.length < 2) return [];
  const from = Math.max(0, Math.min(at - MAX_BESIDE / 2, kin.length - MAX_BESIDE));
  return kin.slice(from, from + MAX_BESIDE);
}

/** The folder every name is in (with its trailing separator), or '' when they share none. */
export function sharedFolder(names: readonly string[]): string {
  const dirOf = (n: string) => n.slice(0, Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1);
  let dir = dirOf(names[0] ?? '');
  for (const n of names) while (dir !== '' && !n.startsWith(dir)) dir = dirOf(dir.slice(0, -1));
  return dir;
}

/** The name of a set of files in messages and reports: the file itself, or `8 files in preds/`. */
export function setName(names: readonly string[]): string {
  if (names.length === 1) return names[0]!;
  const dir = sharedFolder(names);
  return `${names.length} files${dir === '' ? '' : ` in ${dir}`}`;
}

function listText(xs: readonly string[]): string {
  const shown = xs.slice(0, 6).map((x) => JSON.stringify(x));
  return `[${shown.join(', ')}${xs.length > shown.length ? `, ... (${xs.length})` : ''}]`;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** How two lists of names differ, in a few words: both lists, or where long lists of one length first differ. */
function listDifference(a: readonly string[], b: readonly string[]): string {
  if (a.length !== b.length || a.length <= 6) return `${listText(a)} vs ${listText(b)}`;
  const i = a.findIndex((x, j) => x !== b[j]);
  return `${JSON.stringify(a[i])} vs ${JSON.stringify(b[i])} at position ${i + 1} of ${a.length}`;
}

/**
 * How layout `b` differs from `a` in what the loss is made of (kind, input, class names, the columns
 * used), or undefined when they agree; their formats and other details (delimiters, headers) may differ.
 */
export function layoutDifference(a: Layout, b: Layout): string | undefined {
  const out: string[] = [];
  if (a.kind !== b.kind) out.push(`loss ${a.kind} vs ${b.kind}`);
  if (a.input !== b.input) out.push(`input ${a.input} vs ${b.input}`);
  if (!sameList(a.classNames, b.classNames)) out.push(`class names ${listDifference(a.classNames, b.classNames)}`);
  if (a.labelColumn !== b.labelColumn) out.push(`label column ${JSON.stringify(a.labelColumn)} vs ${JSON.stringify(b.labelColumn)}`);
  if (!sameList(a.targetColumns ?? [], b.targetColumns ?? [])) out.push(`target columns ${listDifference(a.targetColumns ?? [], b.targetColumns ?? [])}`);
  if (!sameList(a.predictionColumns, b.predictionColumns)) out.push(`prediction columns ${listDifference(a.predictionColumns, b.predictionColumns)}`);
  if ((a.weightColumn ?? '') !== (b.weightColumn ?? '')) out.push(`weight column ${JSON.stringify(a.weightColumn ?? null)} vs ${JSON.stringify(b.weightColumn ?? null)}`);
  return out.length === 0 ? undefined : out.join('; ');
}

/** Files of one data set whose layouts disagree: names the file that differs and how. */
export class ShardLayoutError extends Error {
  override name = 'ShardLayoutError';
  constructor(
    readonly file: string,
    readonly first: string,
    readonly difference: string,
  ) {
    super(`${file}: its layout differs from that of ${first} (${difference}): the files of one data set must share one layout (give the others apart, or pin the layout with --label-column, --pred-columns, --class-names, --loss, --input)`);
  }
}

/** Throws ShardLayoutError for the first file whose layout does not agree with the first file's. */
export function checkShardLayouts(files: readonly ShardLayout[]): void {
  const first = files[0];
  if (first === undefined) return;
  for (const f of files.slice(1)) {
    const difference = layoutDifference(first.layout, f.layout);
    if (difference !== undefined) throw new ShardLayoutError(f.name, first.name, difference);
  }
}

/** One file of a data set with its layout; `settled`: that it was read with another file's layout, and why (inferShardLayouts). */
export interface ShardLayout {
  name: string;
  layout: Layout;
  settled?: string;
}

/** Infers one file's layout, with these overrides in place of the request's when given. */
export type InferShard = (file: number, overrides?: LayoutOverrides) => Promise<Layout>;

/** InferShard over files opened by `open`, as inferFileLayout reads one file. */
export function inferByOpening(open: OpenShard, request: AnalysisRequest, signal?: AbortSignal): InferShard {
  return (file, overrides) => open(file, (source, labels) => inferFileLayout(source, overrides === undefined ? request : { ...request, overrides }, signal, labels));
}

/**
 * What a layout says of the columns and classes, as overrides: another file read with them names
 * its classes alike. Probabilities or logits are left to the file's own rows (their checks:
 * percentages, class ids in a score column, a pipeline's confidence), but where it only assumed them.
 */
function classOverrides(layout: Layout): LayoutOverrides {
  return { labelColumn: layout.labelColumn, predColumns: [...layout.predictionColumns], classNames: [...layout.classNames] };
}

/** The first clause of an inference's refusal (its question and the flag to give follow the first colon). */
function refusalClause(err: AnalysisError): string {
  const m = err.problems[0]?.message ?? err.message;
  const colon = m.indexOf(': ');
  return colon > 0 ? m.slice(0, colon) : m;
}

/** The reading of probabilities or logits a layout assumed (its first rows in [0, 1] whose sums say nothing), if any. */
function assumedInput(layout: Layout) {
  return layout.assumptions?.find((a) => a.taken.input !== undefined);
}

/**
 * Every file's layout, the set's evidence shared: a file whose first rows cannot settle its layout
 * alone (word labels using 2 of the 3 classes beside unnamed scores, one label of a binary file:
 * one rank of a distributed evaluation with few samples of a class) is read with the layout of a
 * file that settles it, and says so (`settled`, a warning of the report). So is a file that only
 * assumed probabilities or logits (values in [0, 1] whose rows say nothing) where another file's
 * rows decide (values outside [0, 1]). The file that settles is the first whose input is not
 * assumed, else the first that reads alone: files that settle alone must agree
 * (checkShardLayouts), so which one it is changes only the name said, not the reading.
 * The file's rows are still held to the layout: its labels must be among the classes (else an
 * error on the line), probabilities in [0, 1], and when the class order is the sorted order
 * assumed from the other file's labels, its first rows must not contradict that order (as they
 * are held to it alone). A file that reads no better with the other's layout, or when no file
 * settles, fails with its own refusal. A binary file's positive class taken from another file is
 * not checked against a file of one label (its scores' share right is that class's recall alone).
 */
export async function inferShardLayouts(
  names: readonly string[], infer: InferShard, open: OpenShard, request: AnalysisRequest, signal?: AbortSignal,
): Promise<ShardLayout[]> {
  type Alone = { layout?: Layout; error?: AnalysisError };
  // The first files' first rows as inference saw them, pooled when no file settles alone (pooledLayout);
  // dropped once a file settles (no pooling then), so a wide set holds at most its refused files' samples.
  const samples: (SampleTable | undefined)[] = names.map(() => undefined);
  const alone = await mapLimit(names, 4, (_, i) => {
    const tap: SampleTap = { ...request.overrides, ...(i < MAX_POOLED_FILES ? { onSample: (t: SampleTable) => (samples[i] = t) } : {}) };
    return infer(i, tap).then(
      (layout): Alone => {
        samples.fill(undefined);
        return { layout };
      },
      (err: unknown): Alone => {
        if (err instanceof AnalysisError) return { error: err };
        throw err;
      },
    );
  });
  const read = alone.flatMap((r, i) => (r.layout === undefined ? [] : [i]));
  const firm = read.find((i) => assumedInput(alone[i]!.layout!) === undefined);
  const settledBy = firm ?? read[0];
  // Why a file is read with another's layout: its refusal, or the reading of its input it assumed where the other's rows decide.
  const unsettled = alone.map((r): string | undefined => {
    if (r.error !== undefined) return refusalClause(r.error);
    if (firm === undefined) return undefined;
    const other = alone[firm]!.layout!;
    const own = assumedInput(r.layout!);
    return own !== undefined && r.layout!.input !== other.input && layoutDifference(r.layout!, { ...other, input: r.layout!.input }) === undefined ? own.text : undefined;
  });
  if (unsettled.every((u) => u === undefined)) return names.map((name, i) => ({ name, layout: alone[i]!.layout! }));
  const pooled = settledBy === undefined ? pooledLayout(names, samples, alone.map((r) => r.error!), request) : undefined;
  const donor = pooled?.layout ?? alone[settledBy!]!.layout!;
  const donorName = names[settledBy ?? 0]!;
  const out: ShardLayout[] = [];
  for (const [i, r] of alone.entries()) {
    const name = names[i]!;
    const why = unsettled[i];
    if (why === undefined) {
      out.push({ name, layout: r.layout! });
      continue;
    }
    const retry = (overrides: LayoutOverrides) =>
      infer(i, { ...request.overrides, ...classOverrides(donor), ...overrides }).catch((err: unknown) => {
        if (err instanceof AnalysisError) throw r.error ?? err;
        throw err;
      });
    // Pooled rows decide the input for every file, as in their concatenation.
    let retried = await retry(r.error === undefined || pooled !== undefined ? { input: donor.input } : {});
    // Its input only assumed, where the other file's rows decide it: read as the other file's.
    if (retried.input !== donor.input && assumedInput(retried) !== undefined && assumedInput(donor) === undefined) retried = await retry({ input: donor.input });
    const what = `${donor.kind === 'bce' ? `binary, ${listText(donor.classNames)}` : `${donor.numClasses} classes ${listText(donor.classNames)}`}, ${donor.input}`;
    const settled = `read with ${pooled === undefined ? `${donorName}'s layout (${what})` : `the layout of the set's first rows pooled, as their concatenation is read (${what}; ${pooled.rows})`}: alone its first rows do not settle it (${why})`;
    const { assumptions: _, rowSumTolerance: __, ...own } = retried;
    const layout: Layout = {
      ...own,
      // The other file's reasons, its assumptions among them, are this file's: the overrides were not the user's.
      evidence: [retried.evidence[0]!, `${name} ${settled}`, ...donor.evidence.slice(1)],
      ...(donor.assumptions !== undefined ? { assumptions: donor.assumptions } : {}),
      // Probabilities are held to the other file's row sums, as that file's rows are.
      ...(donor.rowSumTolerance !== undefined ? { rowSumTolerance: donor.rowSumTolerance } : {}),
    };
    if (donor.assumptions?.some((a) => a.short === 'sorted class order')) await checkSharedOrder(i, name, layout, pooled === undefined ? `${donorName}'s` : `the files' pooled first rows'`, open, request, signal);
    out.push({ name, layout, settled });
  }
  return out;
}

/** The name of a file without its folders. */
function baseName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}

/** Files whose first rows are pooled when none settles alone: the first rows of a data set, as its concatenation's are, within a bounded memory. */
const MAX_POOLED_FILES = 32;

/**
 * The files' first rows as one sample table, in file order, as their concatenation's first rows
 * would be (columns matched by name); undefined when they cannot be one table (formats, duplicate
 * columns, class names fields or a headerless file's guessed roles that differ). `at[r]`: the file
 * and own line of pooled row r, whose line in the table is r + 1.
 */
function poolSamples(tables: readonly SampleTable[]): { table: SampleTable; at: { file: number; line: number }[] } | undefined {
  const first = tables[0]!;
  const same = (f: (t: SampleTable) => unknown) => tables.every((t) => JSON.stringify(f(t)) === JSON.stringify(f(first)));
  if (!same((t) => t.format) || !same((t) => t.classNames) || !same((t) => t.hints)) return undefined;
  if (tables.some((t) => new Set(t.columns).size !== t.columns.length)) return undefined;
  const columns = [...new Set(tables.flatMap((t) => t.columns))];
  const rows: SampleTable['rows'] = [];
  const at: { file: number; line: number }[] = [];
  tables.forEach((t, file) => {
    const from = columns.map((c) => t.columns.indexOf(c));
    t.rows.forEach((r, k) => {
      rows.push(from.map((j) => (j < 0 ? undefined : r[j])));
      at.push({ file, line: t.lines[k]! });
    });
  });
  const { classNames, classNamesFrom, hints } = first;
  return {
    table: { format: first.format, columns, rows, lines: rows.map((_, r) => r + 1), ...(classNames ? { classNames } : {}), ...(classNamesFrom ? { classNamesFrom } : {}), ...(hints ? { hints } : {}) },
    at,
  };
}

/**
 * The layout of files none of which settles it alone, from their first rows read as one table:
 * the rule that reads their concatenation (its first rows decide) applied to the first rows of
 * each (rank0 of ant and bee, rank1 of bee and cat, 3 columns: 3 names, in sorted order, said as
 * assumed as for one file). Texts speak of the files' own lines. When the pooled rows do not
 * settle it either, the first file's refusal is thrown, saying so.
 */
function pooledLayout(names: readonly string[], samples: readonly (SampleTable | undefined)[], errors: readonly AnalysisError[], request: AnalysisRequest): { layout: Layout; rows: string } {
  const refuse = (why?: string): never => {
    const err = errors[0]!;
    if (why === undefined) throw err;
    const [p, ...rest] = err.problems;
    throw new AnalysisError(err.file, [{ ...p!, message: `${p!.message} (read with the first rows of the other files of the set, as their concatenation would be, it is not settled either: ${why})` }, ...rest], err.errorCount, err.badRows, err.columns);
  };
  const pooled = samples.slice(0, MAX_POOLED_FILES);
  if (names.length < 2 || pooled.some((t) => t === undefined)) refuse();
  const pool = poolSamples(pooled as SampleTable[]);
  if (pool === undefined) return refuse();
  const files = names.map(baseName);
  const total = pool.table.rows.length;
  const counts = names.length <= 4 ? files.map((f, i) => `${samples[i]!.rows.length} of ${f}`).join(', ') : `${total} rows of ${pooled.length === names.length ? '' : 'the first '}${pooled.length} files`;
  const rowsText = `the files' first rows (${counts})`;
  // The table's lines are pooled rows: said as each file's own line.
  const own = (text: string) =>
    text.replace(new RegExp(`\\bthe first ${total} rows\\b`, 'g'), rowsText).replace(/\bline (\d+)/g, (m, n: string) => {
      const a = pool.at[Number(n) - 1];
      return a === undefined ? m : `${files[a.file]}:${a.line}`;
    });
  let layout: Layout;
  try {
    layout = inferLayout(pool.table, request.overrides);
  } catch (e) {
    if (!(e instanceof LayoutError)) throw e;
    const colon = e.message.indexOf(': ');
    return refuse(own(colon > 0 ? e.message.slice(0, colon) : e.message));
  }
  const assumptions = layout.assumptions?.map((a) => ({ ...a, text: own(a.text) }));
  return {
    layout: { ...layout, evidence: layout.evidence.map(own), ...(assumptions !== undefined ? { assumptions } : {}) },
    rows: counts,
  };
}

/** A file read with the files beside it: its layout, why (`settled`), and those files' names. */
export interface ReadBeside {
  layout: Layout;
  settled: string;
  beside: string[];
}

/**
 * The layout of file `at` of `names` (it and the files beside it of its name, besideNames) from
 * their first rows, when they settle what its own rows do not; undefined when they do not settle
 * it either (or it settles alone).
 */
export async function readBeside(names: readonly string[], at: number, open: OpenShard, request: AnalysisRequest, signal?: AbortSignal): Promise<ReadBeside | undefined> {
  try {
    const mine = (await inferShardLayouts(names, inferByOpening(open, request, signal), open, request, signal))[at];
    if (mine?.settled === undefined) return undefined;
    return { layout: mine.layout, settled: mine.settled, beside: names.filter((_, i) => i !== at).map(baseName) };
  } catch (err) {
    if (err instanceof AnalysisError) return undefined;
    throw err;
  }
}

/** Refuses a file whose first rows contradict the sorted class order assumed from another file's labels (layout.ts does so for one file). */
async function checkSharedOrder(file: number, name: string, layout: Layout, donorName: string, open: OpenShard, request: AnalysisRequest, signal: AbortSignal | undefined): Promise<void> {
  const labels: (number | undefined)[] = [];
  const scores: number[][] = [];
  let firstLine = 0;
  await open(file, (source, labelSource) =>
    readSamples(source, { layout, overrides: readingOverrides(request), skipInvalid: true, limitRows: 256, signal, labels: labelSource }, (s, _row, line) => {
      if (firstLine === 0) firstLine = line;
      labels.push(typeof s.target === 'number' ? s.target : undefined);
      scores.push(Array.from(s.prediction));
    }),
  );
  const check = checkSortedOrder(layout.classNames, labels, scores);
  if (!sortedOrderContradicted(check)) return;
  throw new AnalysisError(name, [{
    line: firstLine,
    severity: 'error',
    message: `read with ${donorName} class names in sorted order (${layout.classNames.join(', ')}, as scikit-learn orders predict_proba's columns), the highest score is the label on ${check.sortedAgree} of ${check.rows} of this file's first rows; in the order ${check.bestOrder.join(', ')} it is on ${check.bestAgree}: the scores are probably in the model's own class order (a Hugging Face model's id2label), not sorted. Give the class names in column order with ${classNamesFlag(false, check.bestOrder)}`,
  }], 1);
}

/** Runs `fn` over the items, at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const run = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

/** A unit of work: one file, or one piece of it (a byte range; rows for binary formats). */
export interface ShardUnit {
  file: number;
  range?: ByteRange;
}

/**
 * The units of a data set, file by file in order and each file's pieces in order. Below
 * `splitBytes` in all, or on one thread, every file is one unit; otherwise a file gets readers in
 * proportion to its size (eight files on two threads: one unit each; one file: as planRanges splits it).
 */
export function planShardUnits(layouts: readonly Layout[], sizes: readonly (number | undefined)[], diskSizes: readonly number[], threads: number, splitBytes: number): ShardUnit[] {
  const total = diskSizes.reduce((a, b) => a + b, 0);
  const units: ShardUnit[] = [];
  layouts.forEach((layout, file) => {
    const readers = threads >= 2 && total >= splitBytes && total > 0 ? Math.max(1, Math.ceil((threads * (diskSizes[file] ?? 0)) / total)) : 1;
    const ranges = readers >= 2 ? planRanges(layout, sizes[file], readers) : undefined;
    if (ranges === undefined) units.push({ file });
    else for (const range of ranges) units.push({ file, range });
  });
  return units;
}

/** One unit read: its read result and its worst samples, rows and lines relative to the unit. */
export interface ShardPiece {
  unit: number;
  read: ReadResult;
  topK: TopKState;
}

/** What one thread returns: one accumulator over all its units (worst samples kept per unit), and the units. */
export interface ShardShare {
  state: AccumulatorState;
  pieces: ShardPiece[];
}

/** Opens a file of the set (and its labels' file, for a .npy pair) for one read of a unit. */
export type OpenShard = <T>(file: number, read: (source: ByteSource, labels: ByteSource | undefined) => Promise<T>) => Promise<T>;

export interface ShardShareOptions {
  /** Claims the next unit for this thread: its index, or -1 (or past the end) when none is left. */
  claim: () => number;
  signal?: AbortSignal;
  /** Bytes this thread has read so far. */
  onProgress?: (bytesRead: number) => void;
  /** Return the state's arrays as Float64Arrays (to transfer between threads). */
  typedState?: boolean;
}

/** A thread's share of a data set: it claims units until none is left (see analyzeShare in analyze.ts). */
export async function analyzeShardShare(
  request: AnalysisRequest, layouts: readonly Layout[], units: readonly ShardUnit[], open: OpenShard, opts: ShardShareOptions,
): Promise<ShardShare> {
  const acc = createAccumulator(accumulatorConfig(layouts[0]!, request));
  const pieces: ShardPiece[] = [];
  let done = 0;
  for (let u = opts.claim(); u >= 0 && u < units.length; u = opts.claim()) {
    const unit = units[u]!;
    const before = done;
    const onProgress = opts.onProgress && ((n: number) => opts.onProgress!(before + n));
    const read = await open(unit.file, (source, labels) =>
      pieceReader(source, layouts[unit.file]!, request, { labels, signal: opts.signal, onProgress }, acc).read(unit.range, onProgress),
    );
    done += read.bytesRead;
    pieces.push({ unit: u, read, topK: acc.takeWorst() });
  }
  return { state: acc.toState(opts.typedState ?? false), pieces };
}

/** A file of a data set read by one thread: its name, and for a .npy pair its labels' file's. */
export interface ShardName {
  name: string;
  labels?: string;
}

/**
 * A data set read by this thread alone (the browser build's worker, which has the files' bytes
 * and no threads to share them with): the files' layouts inferred as one set (inferShardLayouts)
 * and checked against the first's, then the files read whole, in order, into one accumulator.
 */
export async function readShardsHere(
  files: readonly ShardName[], open: OpenShard, request: AnalysisRequest, opts: { signal?: AbortSignal; onProgress?: (bytesRead: number) => void } = {},
): Promise<Analysis> {
  const inferred = await inferShardLayouts(files.map((f) => f.name), inferByOpening(open, request, opts.signal), open, request, opts.signal);
  // A pair found beside its scores is said in the layout's evidence, as for one file.
  const named = inferred.map((x, i) => {
    const labels = files[i]!.labels;
    return labels === undefined ? x : { ...x, layout: { ...x.layout, evidence: [x.layout.evidence[0]!, foundBesideEvidence(labels, x.name), ...x.layout.evidence.slice(1)] } };
  });
  checkShardLayouts(named);
  const units: ShardUnit[] = files.map((_, file) => ({ file }));
  let next = 0;
  const layouts = named.map((f) => f.layout);
  const share = await analyzeShardShare(request, layouts, units, open, { claim: () => next++, signal: opts.signal, onProgress: opts.onProgress });
  return shardAnalysis([shardPart(named, units, request, [share])], request);
}

/** The scores' argmax against the files' own predicted classes, added up; where the first disagreement is. */
export interface ShardAgreement {
  compared: number;
  agree: number;
  firstDisagreement?: number;
  firstDisagreementFile?: string;
}

/**
 * What a set of files adds up to: mergeable with other parts into the report of one read of all
 * their files (shardAnalysis), and written to state files as JSON (with a plain state).
 */
export interface ShardPart {
  files: ShardFile[];
  /** The first file's layout. */
  layout: Layout;
  /** The accumulator over every file; its worst samples' rows are counted from the part's first row. */
  state: AccumulatorState;
  /** The first problems (each naming its file), and the count of all. */
  problems: Problem[];
  errorCount: number;
  warnings: Problem[];
  warningCount: number;
  hardAgreement?: ShardAgreement;
}

/**
 * The part of a set read by units (pieces in any order, each claimed once); throws AnalysisError,
 * its problems naming their files, when a read failed.
 */
export function shardPart(files: readonly ShardLayout[], units: readonly ShardUnit[], request: AnalysisRequest, shares: readonly ShardShare[]): ShardPart {
  const pieces = shares.flatMap((s) => s.pieces).sort((a, b) => a.unit - b.unit);
  if (pieces.length !== units.length || pieces.some((p, i) => p.unit !== i)) throw new Error('a read of several files lost a piece');
  const acc = createAccumulator(accumulatorConfig(files[0]!.layout, request));
  for (const s of shares) acc.merge(s.state);
  const summaries: ShardFile[] = [];
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  let errorCount = 0;
  let warningCount = 0;
  let failed = false;
  let fatal = false;
  let hard: ShardAgreement | undefined;
  let rowStart = 0;
  let next = 0;
  files.forEach((f, fileIndex) => {
    let rows = 0;
    let lines = 0;
    let skipped = 0;
    let bytesRead = 0;
    if (f.settled !== undefined) {
      if (warnings.length < MAX_LISTED_PROBLEMS) warnings.push({ line: 0, severity: 'warning', message: f.settled, file: f.name });
      warningCount++;
    }
    // Rows and lines of a piece are relative to it: shifted by the pieces before it (the first holds the header).
    for (let first = true; next < pieces.length && units[pieces[next]!.unit]!.file === fileIndex; next++, first = false) {
      const { read: r, topK } = pieces[next]!;
      const lineShift = first ? 0 : lines;
      acc.mergeWorst(shiftTopK(topK, rowStart + rows, lineShift));
      const move = (p: Problem): Problem => ({ ...p, line: p.line > 0 ? p.line + lineShift : p.line, file: f.name });
      for (const p of r.problems) if (problems.length < MAX_LISTED_PROBLEMS) problems.push(move(p));
      for (const p of r.warnings) if (warnings.length < MAX_LISTED_PROBLEMS) warnings.push(move(p));
      errorCount += r.errorCount;
      warningCount += r.warningCount;
      failed ||= !r.ok;
      fatal ||= r.fatal === true;
      const h = r.hardAgreement;
      if (h !== undefined && f.layout.hardPredictionColumn !== undefined) {
        hard ??= { compared: 0, agree: 0 };
        hard.compared += h.compared;
        hard.agree += h.agree;
        if (hard.firstDisagreement === undefined && h.firstDisagreement !== undefined) {
          hard.firstDisagreement = h.firstDisagreement + lineShift;
          hard.firstDisagreementFile = f.name;
        }
      }
      rows += r.rows;
      lines += r.newlines;
      skipped += r.skipped;
      bytesRead += r.bytesRead;
    }
    summaries.push({ name: f.name, format: f.layout.format, rows, skipped, bytesRead });
    rowStart += rows;
  });
  if (failed) throw new AnalysisError(setName(files.map((f) => f.name)), problems, Math.max(errorCount, 1), !fatal);
  return {
    files: summaries,
    layout: files[0]!.layout,
    // Typed: read into an accumulator again by shardAnalysis (stateFileOf makes it plain for JSON).
    state: acc.toState(true),
    problems,
    errorCount,
    warnings,
    warningCount,
    ...(hard !== undefined ? { hardAgreement: hard } : {}),
  };
}

/** The evidence line of a set of files. */
export function shardEvidence(files: readonly ShardFile[]): string {
  return `${files.length} files read as one data set, in the order listed; each file's layout agrees with that of ${files[0]?.name} (kind, input, class names, columns), inferred from its own rows or, where they do not settle it, taken from another file's (said in the warnings)`;
}

/**
 * Parts read apart (in this order) merged into the part of all their files: rows counted on over
 * the parts, the first problems and warnings in file order, the counts added up.
 */
export function mergeShardParts(parts: readonly ShardPart[], request: AnalysisRequest): ShardPart {
  const first = parts[0];
  if (first === undefined) throw new Error('no files to merge');
  const acc = createAccumulator(accumulatorConfig(first.layout, request));
  let rowStart = 0;
  let hard: ShardAgreement | undefined;
  for (const p of parts) {
    acc.merge(rowStart === 0 ? p.state : { ...p.state, topK: shiftTopK(p.state.topK, rowStart, 0) });
    rowStart += p.files.reduce((n, f) => n + f.rows, 0);
    const h = p.hardAgreement;
    if (h === undefined) continue;
    hard ??= { compared: 0, agree: 0 };
    hard.compared += h.compared;
    hard.agree += h.agree;
    if (hard.firstDisagreement === undefined && h.firstDisagreement !== undefined) {
      hard.firstDisagreement = h.firstDisagreement;
      if (h.firstDisagreementFile !== undefined) hard.firstDisagreementFile = h.firstDisagreementFile;
    }
  }
  return {
    files: parts.flatMap((p) => p.files),
    layout: first.layout,
    // Typed: a part merged here is read into an accumulator again (stateFileOf makes it plain for JSON).
    state: acc.toState(true),
    problems: parts.flatMap((p) => p.problems).slice(0, MAX_LISTED_PROBLEMS),
    errorCount: parts.reduce((n, p) => n + p.errorCount, 0),
    warnings: parts.flatMap((p) => p.warnings).slice(0, MAX_LISTED_PROBLEMS),
    warningCount: parts.reduce((n, p) => n + p.warningCount, 0),
    ...(hard !== undefined ? { hardAgreement: hard } : {}),
  };
}

/**
 * The report of parts read apart (in this order), as one read of all their files gives: the
 * worst samples named by file and their own row; `files` listing the files when there are several.
 */
export function shardAnalysis(parts: readonly ShardPart[], request: AnalysisRequest): Analysis {
  const part = parts.length === 1 ? parts[0]! : mergeShardParts(parts, request);
  const files = part.files;
  const acc = createAccumulator(accumulatorConfig(part.layout, request));
  acc.merge(part.state);
  const breakdown = acc.result();
  const starts: number[] = [];
  let rows = 0;
  for (const f of files) {
    starts.push(rows);
    rows += f.rows;
  }
  const several = files.length > 1;
  if (several) breakdown.worst = breakdown.worst.map((w) => ownRow(w, files, starts));
  const layout = several ? { ...part.layout, evidence: [...part.layout.evidence, shardEvidence(files)] } : part.layout;
  const options = lossOptionsFor(layout, request);
  const hard = part.hardAgreement;
  const warnings = [...part.warnings];
  let warningCount = part.warningCount;
  const disagreement = hardAgreementWarning(layout, hard, several ? hard?.firstDisagreementFile : undefined);
  if (disagreement !== undefined) {
    warnings.unshift(disagreement);
    warningCount++;
  }
  // One file is reported as that file: its problems need not name it.
  const own = (ps: Problem[]) => (several ? ps : ps.map(({ file: _, ...p }) => p));
  return {
    file: setName(files.map((f) => f.name)),
    format: layout.format,
    layout,
    options,
    preset: options.preset,
    breakdown,
    value: options.reduction === 'sum' ? breakdown.sum : breakdown.mean,
    rows,
    skipped: files.reduce((n, f) => n + f.skipped, 0),
    bytesRead: files.reduce((n, f) => n + f.bytesRead, 0),
    problems: own(part.problems),
    errorCount: part.errorCount,
    warnings: own(warnings.slice(0, MAX_LISTED_PROBLEMS)),
    warningCount,
    ...(hard !== undefined ? { hardAgreement: { compared: hard.compared, agree: hard.agree, ...(hard.firstDisagreement !== undefined ? { firstDisagreement: hard.firstDisagreement } : {}) } } : {}),
    ...(several ? { files } : {}),
  };
}

/** A worst sample's row over all the files made its own file's row, with the file's name. */
function ownRow(w: WorstSample, files: readonly ShardFile[], starts: readonly number[]): WorstSample {
  let lo = 0;
  let hi = starts.length - 1;
  // The last file starting at or before the row (an empty file starts where the next one does).
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= w.row) lo = mid;
    else hi = mid - 1;
  }
  return { ...w, row: w.row - starts[lo]!, file: files[lo]!.name };
}
